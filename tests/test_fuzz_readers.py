"""The vote-file readers fuzzed (issue 12): mutated JSON, CSV, NIST 1500-100 and EML files are
read, and the accepted ones allocated, exported and read back. Only the readers' and the
interpreter's own errors may come out; nothing may hang; the read-back must agree. (The long run:
``scripts/fuzz_readers.py``, figures in ``docs/figures/``.)"""

from __future__ import annotations

import collections
import random
import traceback

import pytest

from votegen import exercise, mutate, seeds

BOUND = 5.0  # seconds one input may take (the long run's slowest is far below): a hang, not a speed test


def test_every_seed_is_read() -> None:
    kinds = collections.Counter(s.kind for s in seeds())
    assert set(kinds) == {"json", "csv", "nist", "eml"} and min(kinds.values()) >= 10
    outcomes = collections.Counter(exercise(s.text, s.rules).kind for s in seeds())
    assert outcomes["accepted"] >= 55 and not outcomes["disagreement"], outcomes


@pytest.mark.parametrize("seed", range(4))
def test_mutated_vote_files(seed: int) -> None:
    rng = random.Random(seed)
    found: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for _ in range(150):
        s = rng.choice(seeds())
        text = mutate(s, rng)
        try:
            outcome = exercise(text, s.rules)
        except Exception:
            problems.append(f"{s.kind}: {traceback.format_exc()}\ninput: {text[:300]!r}")
            continue
        found[outcome.kind] += 1
        if outcome.kind == "disagreement" or outcome.seconds > BOUND:
            problems.append(f"{s.kind}: {outcome.kind} in {outcome.seconds:.1f} s {outcome.detail}: {text[:300]!r}")
    assert not problems, problems[0]
    assert found["refused"] and found["accepted"], found
