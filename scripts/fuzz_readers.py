"""Fuzz the vote-file readers (hemicycle JSON, CSV, NIST 1500-100, EML) with mutated real files.

Run: ``python scripts/fuzz_readers.py [--inputs 100000] [--seed 1] [--workers 2] [--bound 10]``

The seeds are the bundled elections in every format (``tests/votegen.py``); each input is a
mutation of one, read and, when accepted, allocated with its rules, exported to NIST and EML and
read back. Only ``VoteFileError`` and ``AllocationError`` may come out, and the read-back must
give the same lists and votes. Prints the count by format and outcome, the slowest input's time,
and every escaped exception and disagreement (inputs saved under ``--out``). Exit status 1 if
anything escaped or disagreed, or an input took longer than ``--bound`` seconds.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from votegen import exercise, mutate, seeds

Found = tuple[collections.Counter[str], float, str, list[tuple[str, str]]]


def _work(args: tuple[int, int, int]) -> Found:
    seed, start, count = args
    rng = random.Random(seed * 1_000_003 + start)
    counts: collections.Counter[str] = collections.Counter()
    slowest, slow_text = 0.0, ""
    bad: list[tuple[str, str]] = []
    for _ in range(count):
        s = rng.choice(seeds())
        text = mutate(s, rng)
        try:
            outcome = exercise(text, s.rules)
        except Exception:
            counts[f"{s.kind}: escaped exception"] += 1
            bad.append((text, traceback.format_exc()))
            continue
        counts[f"{s.kind}: {outcome.kind}"] += 1
        if outcome.kind == "disagreement":
            bad.append((text, outcome.detail))
        if outcome.seconds > slowest:
            slowest, slow_text = outcome.seconds, text
    return counts, slowest, slow_text, bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bound", type=float, default=10.0, help="seconds one input may take")
    ap.add_argument("--out", type=Path, default=Path("fuzz-readers-found"))
    args = ap.parse_args()
    chunk = 500
    jobs = [(args.seed, s, min(chunk, args.inputs - s)) for s in range(0, args.inputs, chunk)]
    total: collections.Counter[str] = collections.Counter()
    slowest, slow_text = 0.0, ""
    bad: list[tuple[str, str]] = []
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        for counts, slow, text, found in pool.imap_unordered(_work, jobs):
            total.update(counts)
            bad += found
            if slow > slowest:
                slowest, slow_text = slow, text
    elapsed = time.perf_counter() - started
    done = sum(total.values())
    escaped = sum(n for k, n in total.items() if k.endswith("escaped exception"))
    disagreements = sum(n for k, n in total.items() if k.endswith("disagreement"))
    hangs = int(slowest > args.bound)
    print(f"inputs: {done:,} in {elapsed:.0f} s ({done / elapsed:.0f}/s, {args.workers} workers, seed {args.seed})")
    for kind, n in sorted(total.items()):
        print(f"  {kind}: {n:,}")
    print(f"escaped exceptions: {escaped}, disagreements: {disagreements}, hangs (> {args.bound:g} s): {hangs}")
    print(f"slowest input: {slowest:.3f} s ({len(slow_text):,} characters)")
    if bad:
        args.out.mkdir(exist_ok=True)
        for i, (text, why) in enumerate(bad):
            (args.out / f"input-{i}.txt").write_text(text, "utf-8", errors="surrogateescape")
            (args.out / f"input-{i}.why").write_text(why, "utf-8")
        print(f"FOUND: {len(bad)} (inputs and reasons in {args.out}/)")
        print(bad[0][1])
    return 1 if bad or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
