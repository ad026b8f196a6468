"""Microseconds per election for every allocation path and the peers, on the same inputs.

Run: ``python benchmarks/speed.py [--elections 20000] [--batch 1000000]`` (``pip install -e .[bench]``).

Two systems, 5 lists, 98 seats, no invalid ballots: the Kazakh 2021 rules (7% threshold, Hare
largest remainder, the runner-up clause) and the same rules with D'Hondt
(``kazakhstan-2021-dhondt``). The per-call contestants run the same ``--elections`` random
elections; the batch path runs ``--batch`` elections drawn the same way, and is checked against
the compiled path on the first ``--elections``. The peers have no runner-up clause and no threshold
on ballots cast: their seats are not compared here (``benchmarks/allocate.py`` and
``scripts/differential.py`` do that); only their speed is.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

import hemicycle

sys.path.insert(0, str(Path(__file__).parent))
from allocate import SEATS, admitted, contestants, elections, print_ratios

Allocator = Callable[[list[int]], object]


def plain_dhondt(votes: Sequence[int]) -> tuple[int, ...]:
    """A hand-written exact D'Hondt with the Kazakh threshold and runner-up clause: seat by seat
    to the highest votes / (seats + 1), compared by cross-multiplying integers (ties to the
    earlier list)."""
    passed = admitted(votes)
    seats = [0] * len(votes)
    if not passed:
        return tuple(seats)
    for _ in range(SEATS):
        best = passed[0]
        for i in passed[1:]:
            if votes[i] * (seats[best] + 1) > votes[best] * (seats[i] + 1):
                best = i
        seats[best] += 1
    return tuple(seats)


def dhondt_contestants() -> dict[str, Allocator]:
    rules = hemicycle.load("kazakhstan-2021-dhondt")
    compiled = hemicycle.compile(rules)
    abbrs = [f"L{i}" for i in range(5)]

    def interpreter(votes: list[int]) -> tuple[int, ...]:
        seats = rules.allocate(dict(zip(abbrs, votes, strict=True)), invalid=0, explain=False).seats
        return tuple(seats[a] for a in abbrs)

    out: dict[str, Allocator] = {
        "plain exact function": plain_dhondt,
        "hemicycle compiled": lambda v: compiled(v, invalid=0),
        "hemicycle interpreter": interpreter,
    }
    try:
        import votelib.evaluate.core as vcore
        import votelib.evaluate.proportional as vprop
        import votelib.evaluate.threshold as vthr

        evaluator = vcore.Conditioned(vthr.RelativeThreshold(Fraction(7, 100)), vprop.HighestAverages("d_hondt"))
        out["votelib"] = lambda v: evaluator.evaluate(dict(zip(abbrs, v, strict=True)), SEATS)
    except ImportError:
        print("votelib missing: skipped")
    try:
        import apportionment.methods as ap

        out["apportionment (fractions=True)"] = lambda v: ap.compute(
            "dhondt", v, SEATS, fractions=True, threshold=Fraction(7, 100))
    except ImportError:
        print("apportionment missing: skipped")
    return out


def per_call(fn: Allocator, data: list[list[int]]) -> float:
    start = time.perf_counter()
    for votes in data:
        fn(votes)
    return (time.perf_counter() - start) / len(data) * 1e6


def run(title: str, rule_name: str, contenders: dict[str, Allocator], data: list[list[int]],
        big: list[list[int]]) -> None:
    print(f"\n{title}")
    rules = hemicycle.load(rule_name)
    compiled = hemicycle.compile(rules)
    timings: dict[str, float] = {}
    for name, fn in contenders.items():
        timings[name] = per_call(fn, data)
        print(f"  {name:32s} {timings[name]:10.3f} us/election  ({len(data):,} elections)")
    arr = np.array(big, dtype=np.int64)
    hemicycle.allocate_batch(rules, arr[:1000], invalid=0)  # warm up
    best = float("inf")
    for _ in range(3):  # best of three: the machine's other work only ever slows a run down
        start = time.perf_counter()
        seats = hemicycle.allocate_batch(rules, arr, invalid=0)
        best = min(best, time.perf_counter() - start)
    name = "hemicycle batch (numpy)"
    timings[name] = best / len(big) * 1e6
    check = sum(1 for i in range(len(data)) if tuple(seats[i]) != compiled(big[i], invalid=0))
    print(f"  {name:32s} {timings[name]:10.3f} us/election  ({len(big):,} elections, best of 3: "
          f"{len(big) / best / 1e6:.2f} million/s; {check} differences from compiled)")
    print_ratios(timings, "plain exact function", "  Ratios (time / the plain exact function):", "    ")
    for peer in ("votelib", "apportionment (fractions=True)"):
        if peer in timings:
            print(f"  compiled is {timings[peer] / timings['hemicycle compiled']:.1f}x faster than {peer}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--elections", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = elections(args.elections, args.seed)
    big = elections(args.batch, args.seed)
    print(f"5 lists, {SEATS} seats; Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores")

    hare: dict[str, Allocator] = dict(contestants())
    try:
        from poli_sci_kit import appointment

        hare["poli-sci-kit (floats)"] = lambda v: appointment.methods.largest_remainder(
            quota_style="Hare", shares=v, total_alloc=SEATS, alloc_threshold=0.07)
    except ImportError:
        print("poli-sci-kit missing: skipped")
    run("Kazakh 2021 rules (Hare largest remainder)", "kazakhstan-2021", hare, data, big)

    dhondt = dhondt_contestants()
    try:
        from poli_sci_kit import appointment

        dhondt["poli-sci-kit (floats)"] = lambda v: appointment.methods.highest_averages(
            averaging_style="Jefferson", shares=v, total_alloc=SEATS, alloc_threshold=0.07)
    except ImportError:
        pass
    run("The same with D'Hondt (kazakhstan-2021-dhondt)", "kazakhstan-2021-dhondt", dhondt, data, big)


if __name__ == "__main__":
    main()
