"""Where the time goes on Spain 2015 (52 provinces): a cProfile of one path, as shares.

Run: ``python scripts/profile_districts.py [--path interpreter|seats|compiled|batch] [--calls 30]``

``interpreter``: ``allocate`` with the full protocol; ``seats``: the same with ``explain=False``;
``compiled``: ``hemicycle.districted.compile_districts``; ``batch``: ``allocate_districts_batch``
on ``--calls`` x 1,000 perturbed elections (``benchmarks/districts.py``). Prints every function
with at least 2% of the profiled time (cumulative, own), and its calls per election or batch.
Profiling slows Python calls more than NumPy's: read the shares, not the times.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from districts import batch_votes, spain
from hemicycle.batch_districts import allocate_districts_batch
from hemicycle.districted import compile_districts
from hemicycle.interpreter import allocate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", choices=["interpreter", "seats", "compiled", "batch"], default="interpreter")
    ap.add_argument("--calls", type=int, default=30)
    args = ap.parse_args()
    rules, e = spain()
    run: Any
    if args.path == "batch":
        votes, totals = batch_votes(e, args.calls * 1000)
        calls = 1

        def run() -> Any:
            return allocate_districts_batch(rules, e, votes, **totals)
    elif args.path == "compiled":
        f = compile_districts(rules.model, e)
        assert f is not None
        calls = args.calls

        def run() -> Any:
            return f(e)
    else:
        explain = args.path == "interpreter"
        calls = args.calls

        def run() -> Any:
            return allocate(rules.model, e, explain=explain)
    run()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        run()
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_, ncalls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((cumulative, own, ncalls, f"{file.split('/src/')[-1]}:{line}({name})"))
    rows.sort(reverse=True)
    print(f"{args.path} on Spain 2015, {calls} call(s), {total:.2f} s profiled")
    print(f"{'cumulative':>10} {'own':>6} {'calls/run':>9}  function")
    for cumulative, own, ncalls, name in rows:
        if cumulative / total >= 0.02 or own / total >= 0.02:
            print(f"{cumulative / total * 100:9.1f}% {own / total * 100:5.1f}% {ncalls / calls:9.0f}  {name}")


if __name__ == "__main__":
    main()
