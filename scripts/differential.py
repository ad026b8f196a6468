"""Differential run: hemicycle against votelib and apportionment, and against its Z3 encoding.

Run: ``python scripts/differential.py [--elections 1000000] [--seed 1] [--workers 2] [--z3 2000]``
(needs ``pip install -e .[test]``, which brings votelib and apportionment).

Random elections (``tests/peerlib.py``: 1-10 lists, up to 60 seats, thresholds of 3% to 25% or
none, vote counts from 0 to 10^30, many exact ties and lists exactly at the threshold) under Hare
and Droop largest remainder, D'Hondt and Sainte-Lague. Every disagreement is classified; a
disagreement that is not one of the known peer bugs (see ``tests/peerlib.py``) is printed and makes
the exit status 1. The first ``--z3`` elections also go through the Z3 encoding with the votes
fixed (``hemicycle.verify.concrete.FixedVotes``), which must give exactly the interpreter's seats.
"""

from __future__ import annotations

import collections
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _harness import options, seeded, spans
from peerlib import chamber, compare, describe, hemicycle_seats, random_case


def _peers(args: tuple[int, int, int]) -> tuple[collections.Counter[str], list[str]]:
    seed, start, count = args
    rng = seeded(seed, start)
    counts: collections.Counter[str] = collections.Counter()
    odd: list[str] = []
    for _ in range(count):
        case = random_case(rng)
        mine, verdict = compare(case)
        counts[f"{case.method} votelib {verdict.votelib}"] += 1
        counts[f"{case.method} apportionment {verdict.apportionment}"] += 1
        if "disagree" in (verdict.votelib, verdict.apportionment):
            odd.append(f"{verdict}: {describe(case, mine)}")
    return counts, odd


def _z3(args: tuple[int, int]) -> tuple[int, list[str]]:
    from hemicycle.verify.concrete import FixedVotes

    seed, count = args
    rng = random.Random(seed)
    cache: dict[tuple[object, ...], FixedVotes] = {}
    odd: list[str] = []
    for _ in range(count):
        case = random_case(rng)
        mine = hemicycle_seats(case)
        key = (case.method, case.seats, case.share, len(case.votes))
        if key not in cache:
            cache[key] = FixedVotes(chamber(case.method, case.seats, case.share).tiers[0], len(case.votes))
        got = cache[key].run(list(case.votes)).seats
        if got != mine:
            odd.append(f"z3 {got}: {describe(case, mine)}")
    return count, odd


def main() -> int:
    ap = options(__doc__, "--elections", 1_000_000)
    ap.add_argument("--z3", type=int, default=2000, help="elections also solved with the Z3 encoding")
    args = ap.parse_args()
    jobs = [(args.seed, s, n) for s, n in spans(args.elections, 2000)]
    counts: collections.Counter[str] = collections.Counter()
    odd: list[str] = []
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        for got, found in pool.imap_unordered(_peers, jobs):
            counts.update(got)
            odd += found
        z3_jobs = [(args.seed * 7919 + k, args.z3 // args.workers + (k < args.z3 % args.workers))
                   for k in range(args.workers)]
        z3_done = 0
        for n, found in pool.imap_unordered(_z3, z3_jobs) if args.z3 else []:
            z3_done += n
            odd += found
    elapsed = time.perf_counter() - started
    print(f"elections: {args.elections:,} ({elapsed:.0f} s, {args.workers} workers); "
          f"Z3 encoding with fixed votes: {z3_done:,}")
    for key, n in sorted(counts.items()):
        print(f"  {key}: {n:,}")
    print(f"unexplained disagreements: {len(odd)}")
    for line in odd[:50]:
        print("  " + line)
    return 1 if odd else 0


if __name__ == "__main__":
    sys.exit(main())
