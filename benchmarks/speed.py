"""Microseconds per election for every allocation path and the peers, on the same inputs.

Run: ``python benchmarks/speed.py [--elections 20000] [--batch 1000000]`` (``pip install -e .[bench]``).

Kazakh 2021 rules, 5 lists, 98 seats, no invalid ballots. The per-call contestants run the same
``--elections`` random elections; the batch path runs ``--batch`` elections drawn the same way
(and is checked against the compiled path on the first ``--elections``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import hemicycle

sys.path.insert(0, str(Path(__file__).parent))
from allocate import SEATS, contestants, elections


def per_call(fn: Callable[[list[int]], object], data: list[list[int]]) -> tuple[float, list[object]]:
    out: list[object] = []
    start = time.perf_counter()
    for votes in data:
        out.append(fn(votes))
    return (time.perf_counter() - start) / len(data) * 1e6, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--elections", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = elections(args.elections, args.seed)
    rules = hemicycle.load("kazakhstan-2021")
    compiled = hemicycle.compile(rules)
    contenders: dict[str, Callable[[list[int]], object]] = dict(contestants())
    try:
        from poli_sci_kit import appointment

        contenders["poli-sci-kit (floats)"] = lambda v: appointment.methods.largest_remainder(
            quota_style="Hare", shares=v, total_alloc=SEATS, alloc_threshold=0.07)
    except ImportError:
        print("poli-sci-kit missing: skipped")

    print(f"Kazakh 2021 rules, 5 lists, {SEATS} seats; Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    timings: dict[str, float] = {}
    for name, fn in contenders.items():
        us, _ = per_call(fn, data)
        timings[name] = us
        print(f"  {name:32s} {us:10.3f} us/election  ({args.elections:,} elections)")

    big = elections(args.batch, args.seed)
    arr = np.array(big, dtype=np.int64)
    hemicycle.allocate_batch(rules, arr[:1000], invalid=0)  # warm up
    start = time.perf_counter()
    seats = hemicycle.allocate_batch(rules, arr, invalid=0)
    dt = time.perf_counter() - start
    timings["hemicycle batch (numpy)"] = dt / len(big) * 1e6
    check = sum(1 for i in range(args.elections) if tuple(seats[i]) != compiled(big[i], invalid=0))
    print(f"  {'hemicycle batch (numpy)':32s} {timings['hemicycle batch (numpy)']:10.3f} us/election  "
          f"({len(big):,} elections, {len(big) / dt / 1e6:.2f} million/s; {check} differences from compiled)")

    plain = timings["plain exact function"]
    print("\nRatios:")
    for name, us in timings.items():
        print(f"  {name:32s} {us / plain:8.2f}x the plain exact function")
    if "votelib" in timings:
        print(f"  compiled is {timings['votelib'] / timings['hemicycle compiled']:.1f}x faster than votelib")


if __name__ == "__main__":
    main()
