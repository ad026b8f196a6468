"""Every allocation path at scale: random divisor sequences against their definition, and random
rule files with random elections, each path against the protocol path.

Run: ``python scripts/fuzz_paths.py [--sequences 20000] [--rules 20000] [--districts 20000]
[--district-batches 0] [--per-case 6] [--seed 1] [--workers 2] [--bound 10]``

``--districts``: random districted rules (one tier in each district) with a random election each,
through the interpreter, ``hemicycle.districted`` and ``hemicycle.batch_districts``.
``--district-batches``: the same cases, each with a batch of elections (the case's own, its
figures moved by a vote or two, redrawn, or made equal) through the batch path at once (the
vectorised witness, the second guess, the moves, the lone redos and their lots), every election
against the interpreter.

The paths (interpreter with and without the protocol, ``hemicycle.compile``, ``allocate_batch``),
the inputs and the comparisons are those of ``tests/pathfuzz.py``. Prints, for each part, the rule
texts tried and refused, the elections allocated, and the disagreements, escaped exceptions and
hangs (a path taking more than ``--bound`` seconds), the first of each in full. Exit status 1 if
any of the three is not 0.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pathfuzz import Tally, run_district_batches, run_district_cases, run_divisor_cases, run_rule_cases


def _work(args: tuple[str, int, int, int, int, float]) -> Tally:
    part, seed, start, count, per_case, bound = args
    rng = random.Random(f"{part}/{seed}/{start}")
    run = {"sequences": run_divisor_cases, "rules": run_rule_cases, "districts": run_district_cases,
           "district-batches": run_district_batches}[part]
    if part == "district-batches":
        return run(rng, count, per_case=per_case * 8, bound=bound * 6)
    return run(rng, count, per_case=per_case, bound=bound)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sequences", type=int, default=20_000, help="random divisor clauses")
    ap.add_argument("--rules", type=int, default=20_000, help="random rule texts")
    ap.add_argument("--districts", type=int, default=20_000,
                    help="random districted rule texts, each with a random election (interpreter, compiled, batch)")
    ap.add_argument("--district-batches", type=int, default=0,
                    help="random districted cases, each a batch of 8 x --per-case elections through the batch path "
                         "at once, every one against the interpreter")
    ap.add_argument("--per-case", type=int, default=6, help="elections per rule text")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bound", type=float, default=10.0, help="seconds a path may take for one election")
    args = ap.parse_args()
    chunk = 100
    bad = False
    with multiprocessing.Pool(args.workers) as pool:
        for part, total in (("sequences", args.sequences), ("rules", args.rules), ("districts", args.districts),
                            ("district-batches", args.district_batches)):
            jobs = [(part, args.seed, s, min(chunk, total - s), args.per_case, args.bound)
                    for s in range(0, total, chunk)]
            tally = Tally()
            started = time.perf_counter()
            for got in pool.imap_unordered(_work, jobs):
                tally.add(got)
            print(f"{part}: {tally.summary()} ({time.perf_counter() - started:.0f} s, {args.workers} workers)",
                  flush=True)
            for name in ("disagreements", "escaped", "hangs"):
                found = getattr(tally, name)
                for line in found[:3]:
                    print(f"  {name}: {line[:2000]}")
            bad = bad or not tally.clean
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
