"""Wall time of sweeps on 1 and 2 workers (a Dask LocalCluster, or local processes without Dask).

Run: ``python benchmarks/sweep.py [simulate] [properties] [--engine dask|processes]``
(``pip install -e '.[dask]'``).

* ``simulate``: the family ``kazakhstan-2021-family``: 15 thresholds (3% .. 10% step 0.5%) x 3
  methods (Hare, D'Hondt, Sainte-Laguë) x the 5 Kazakh elections (2007-2023) x ``--simulate``
  (default 10^5) simulated elections around each: 22.5 million exact allocations by default;
* ``properties``: the property catalogue (or ``--properties a,b``) for the 45 variants at
  ``--parties`` lists (default 4), one solver run each, ``--timeout`` seconds at most (UNKNOWN
  after that).

Each part runs on 1 worker, then on 2, without the results cache; the cluster's start is timed
apart. Printed: wall times, allocations or solver runs per second, and the speed-up from 1 to 2
workers.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

import hemicycle
from hemicycle.sweep import build_spec, make_engine, run_sweep

ELECTIONS = ["kazakhstan-2007", "kazakhstan-2012", "kazakhstan-2016", "kazakhstan-2021", "kazakhstan-2023"]
GRID = {"threshold": "3%..10%/0.5%", "method": "hare,dhondt,sainte_lague"}


def rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:.2f}"


def timed(spec, engine_kind: str, workers: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    engine = make_engine(engine_kind, workers)
    ready = time.perf_counter()
    try:
        result = run_sweep(spec, engine)
    finally:
        engine.close()
    return ready - start, result.seconds, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("parts", nargs="*", default=["simulate", "properties"])
    ap.add_argument("--engine", default="dask")
    ap.add_argument("--simulate", type=int, default=100_000)
    ap.add_argument("--properties", default="all")
    ap.add_argument("--parties", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--grid", action="append", default=[], help="NAME=VALUES, instead of the 45 variants")
    args = ap.parse_args()
    grid = dict(GRID)
    for item in args.grid:
        name, _, value = item.partition("=")
        grid[name] = value
    print(f"hemicycle {hemicycle.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores, engine {args.engine}, "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    for part in args.parts:
        if part == "simulate":
            spec = build_spec(["kazakhstan-2021-family"], votes=ELECTIONS, grid=grid, simulate=args.simulate)
            n = len(spec.variants) * len(spec.elections) * args.simulate
            what = f"{len(spec.variants)} variants x {len(spec.elections)} elections x {args.simulate:,} simulated"
            unit = "allocations"
        elif part == "properties":
            spec = build_spec(["kazakhstan-2021-family"], grid=grid, properties=[args.properties],
                              parties=args.parties, timeout=args.timeout)
            assert spec.verification is not None
            n = len(spec.variants) * len(spec.verification.properties)
            what = (f"{len(spec.variants)} variants x {len(spec.verification.properties)} properties at "
                    f"{args.parties} lists (timeout {args.timeout:g} s)")
            unit = "solver runs"
        else:
            raise SystemExit(f"unknown part {part!r}: simulate or properties")
        print(f"\n{part}: {what} = {n:,} {unit}")
        walls = {}
        for workers in (1, 2):
            start, wall, result = timed(spec, args.engine, workers)
            walls[workers] = wall
            verdicts = [r["verdict"] for r in result.rows]  # type: ignore[attr-defined]
            counted = [f"{v} {verdicts.count(v)}" for v in ("proved", "refuted", "unknown", "error")
                       if verdicts.count(v)]
            extra = "; " + ", ".join(counted) if counted else "; no error"
            cpu = result.cpu_seconds  # type: ignore[attr-defined]
            print(f"  {workers} worker(s): {wall:7.1f} s ({rate(n / wall)} {unit}/s; "
                  f"engine start {start:.1f} s{extra}; {cpu:.1f} CPU seconds in the workers, "
                  f"{rate(n / cpu)} {unit} per CPU second, {cpu / wall:.2f} cores busy; "
                  f"load {os.getloadavg()[0]:.1f})")
        print(f"  speed-up 1 -> 2 workers: {walls[1] / walls[2]:.2f}x")


if __name__ == "__main__":
    main()
