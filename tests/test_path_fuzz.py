"""Every allocation path on random divisor sequences and random rule files, against the
definition and the protocol path: a seeded quick slice (the run at scale: scripts/fuzz_paths.py)."""

from __future__ import annotations

import random

from pathfuzz import run_divisor_cases, run_rule_cases


def test_divisor_sequences_on_every_path() -> None:
    tally = run_divisor_cases(random.Random("divisors"), 60, per_case=5)
    assert tally.clean, "\n".join([*tally.disagreements, *tally.escaped, *tally.hangs][:10])
    assert tally.elections > 150 and tally.refused > 5


def test_random_rule_files_on_every_path() -> None:
    tally = run_rule_cases(random.Random("rules"), 60, per_case=5)
    assert tally.clean, "\n".join([*tally.disagreements, *tally.escaped, *tally.hangs][:10])
    assert tally.elections > 50
