"""Seconds to give every list x district seat margin of a districted record, the closed form
(``hemicycle.district_margins``: candidates from the seat-deciding quotients and the thresholds'
roots, each confirmed by the evaluator) against the search it replaces (doubling and bisection
through the same evaluator, ``closed_form=False``), in one process on the same election; the
margins of both are checked to be the same.

Run: ``python benchmarks/district_margins.py [--record spain-2015:spain-1986] [--rounds 3]``
(``VOTES:RULES``, repeatable; default Spain 2015, Poland 2019, Finland 2019). The machine is
shared: the best round of each counts, and ``uptime``'s load is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import time

from hemicycle.analyses import as_election, as_rules
from hemicycle.district_margins import CLOSED_FORM, district_margins

DEFAULT = ["spain-2015:spain-1986", "poland-2019:poland-2019", "finland-2019:finland-2019"]


def best(f, rounds: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def shape(found: object) -> list[object]:
    return [(a, s, [(d.district, d.gain, d.lose, d.gain_seats) for d in ds]) for a, s, ds in found]  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", action="append")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} (1 min)")
    print(f"{'record':<28} {'pairs':>6} {'closed form s':>14} {'search s':>10} {'ratio':>7} {'by closed form':>15}")
    for spec in args.record or DEFAULT:
        votes, rules = spec.split(":")
        model, election = as_rules(rules).model, as_election(votes)
        fast, closed = best(lambda m=model, e=election: district_margins(m, e), args.rounds)
        slow, searched = best(lambda m=model, e=election: district_margins(m, e, closed_form=False), 1)
        assert shape(closed) == shape(searched), spec
        found = [d for _, _, ds in closed for d in ds]  # type: ignore[attr-defined]
        ways = [w for d in found for w in (d.gain_by, d.lose_by) if w is not None]
        share = sum(w == CLOSED_FORM for w in ways) / max(1, len(ways))
        print(f"{spec:<28} {len(found):>6} {fast:>14.3f} {slow:>10.3f} {slow / fast:>6.1f}x {share:>14.1%}")


if __name__ == "__main__":
    main()
