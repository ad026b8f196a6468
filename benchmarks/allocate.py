"""Microseconds per election under the Kazakh 2021 rules, hemicycle against its peers.

Run: ``python benchmarks/allocate.py [--elections 20000] [--seed 1]`` (needs ``pip install -e .[bench]``).

Every contestant allocates the same random 5-list elections (98 seats, 7% threshold, Hare largest
remainder) in the same process. The peers have no threshold on ballots cast and no runner-up
clause, so the elections are drawn with no invalid ballots (ballots cast = valid votes) and the
seats are compared only where at least two lists pass; the timings cover every election.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections.abc import Callable, Sequence
from fractions import Fraction

import hemicycle
from hemicycle.compiled import compile_rules

SEATS = 98


def admitted(votes: Sequence[int]) -> list[int]:
    """The Kazakh admission by hand: 7% of the votes, and the runner-up when only one list passes."""
    total = sum(votes)
    n = len(votes)
    passed = [i for i in range(n) if votes[i] > 0 and 100 * votes[i] >= 7 * total]
    if len(passed) == 1:
        others = [i for i in range(n) if i not in passed and votes[i] > 0]
        if others:
            passed.append(max(others, key=lambda i: (votes[i], -i)))
            passed.sort()
    return passed


def plain_exact(votes: Sequence[int]) -> tuple[int, ...]:
    """A hand-written exact Kazakh allocation (threshold 7%, Hare LR, ties to the earlier list)."""
    n = len(votes)
    passed = admitted(votes)
    admitted_total = sum(votes[i] for i in passed)
    seats = [0] * n
    if admitted_total == 0:
        return tuple(seats)
    rems = []
    used = 0
    for i in passed:
        q, r = divmod(votes[i] * SEATS, admitted_total)
        seats[i] = q
        used += q
        rems.append((-r, i))
    rems.sort()
    for _, i in rems[: SEATS - used]:
        seats[i] += 1
    return tuple(seats)


def elections(count: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        weights = [rng.random() ** 2 for _ in range(5)]
        scale = rng.randint(10_000, 10_000_000)
        out.append([int(w / sum(weights) * scale) for w in weights])
    return out


def timed(fn: Callable[[list[int]], object], data: list[list[int]]) -> tuple[float, list[object]]:
    results: list[object] = []
    append = results.append
    start = time.perf_counter()
    for votes in data:
        append(fn(votes))
    return (time.perf_counter() - start) / len(data) * 1e6, results


def contestants() -> dict[str, Callable[[list[int]], tuple[int, ...]]]:
    """Every allocator of the benchmarks, each taking 5 vote counts and giving 5 seat counts."""
    rules = hemicycle.load("kazakhstan-2021")
    compiled = compile_rules(rules.model)
    abbrs = [f"L{i}" for i in range(5)]

    def interpreter(votes: list[int]) -> tuple[int, ...]:
        seats = rules.allocate(dict(zip(abbrs, votes, strict=True)), invalid=0, explain=False).seats
        return tuple(seats[a] for a in abbrs)

    out: dict[str, Callable[[list[int]], tuple[int, ...]]] = {
        "plain exact function": plain_exact,
        "hemicycle compiled": lambda v: compiled(v, invalid=0),
        "hemicycle interpreter": interpreter,
    }
    try:
        import votelib.evaluate.core as vcore
        import votelib.evaluate.proportional as vprop
        import votelib.evaluate.threshold as vthr

        evaluator = vcore.Conditioned(vthr.RelativeThreshold(Fraction(7, 100)),
                                      vprop.LargestRemainder("hare"))

        def votelib_fn(votes: list[int]) -> tuple[int, ...]:
            got = evaluator.evaluate(dict(zip(abbrs, votes, strict=True)), SEATS)
            return tuple(got.get(a, 0) for a in abbrs)

        out["votelib"] = votelib_fn
    except ImportError:
        print("votelib not installed (pip install -e .[bench]); skipped")
    try:
        import apportionment.methods as ap

        def apportionment_fn(votes: list[int]) -> tuple[int, ...]:
            return tuple(ap.compute("largest_remainder", votes, SEATS, fractions=True,
                                    threshold=Fraction(7, 100)))

        out["apportionment (fractions=True)"] = apportionment_fn
    except ImportError:
        print("apportionment not installed (pip install -e .[bench]); skipped")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--elections", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = elections(args.elections, args.seed)
    contenders = contestants()

    print(f"{len(data):,} random 5-list elections, Kazakh 2021 rules (98 seats), "
          f"Python {platform.python_version()} on {platform.machine()} ({platform.processor() or 'cpu'})")
    reference = [plain_exact(v) for v in data]
    two_pass = [i for i, v in enumerate(data) if sum(1 for x in v if x > 0 and 100 * x >= 7 * sum(v)) >= 2]
    timings: dict[str, float] = {}
    for name, fn in contenders.items():
        us, results = timed(fn, data)
        timings[name] = us
        agree = sum(1 for i in two_pass if tuple(results[i]) == reference[i])  # type: ignore[arg-type]
        print(f"  {name:32s} {us:9.2f} us/election   agrees with the exact reference on "
              f"{agree:,}/{len(two_pass):,} elections where >= 2 lists pass")
    print_ratios(timings, "hemicycle compiled", "\nRatios (time / hemicycle compiled):", "  ")


def print_ratios(timings: dict[str, float], base: str, title: str, indent: str) -> None:
    """Every contestant's time as a multiple of ``base``'s."""
    print(title)
    for name, us in timings.items():
        print(f"{indent}{name:32s} {us / timings[base]:8.2f}x")


if __name__ == "__main__":
    main()
