"""Verdicts of the level properties on the bundled laws with levels (docs/verify.md, "Levels").

    nice python scripts/level_verdicts.py [--out docs/figures/verify-levels-DATE.txt] [--timeout 120]
        [--only RULES,...] [--property PROP,...] [--split]

Each row: rule file, seats (every seat number of the rules scaled in proportion), lists, upper
units (Länder), property -> verdict, wall seconds and CPU seconds of the process (the timeout is
wall-clock: under load a cell can time out with far fewer CPU seconds); a counterexample is printed
with its replay. ``--split``: the districted family decided by magnitude cases (verify/case_split.py).
"""

from __future__ import annotations

import argparse
import datetime
import resource
import time
from pathlib import Path

import hemicycle
from hemicycle.verify import verify
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.level_properties import LEVEL_CATALOGUE, decide
from hemicycle.verify.levels import is_levels, level_system, reduce

ROWS = [  # (rules, seats, lists, units, property, max_votes)
    ("germany-2005", 10, 2, 2, "negative-vote-weight", 100),
    ("germany-2005", 10, 3, 2, "negative-vote-weight", None),
    ("germany-2005", 10, 3, 3, "negative-vote-weight", None),
    ("germany-2005", 10, 3, 2, "house-size", None),
    ("germany-2025", 10, 2, 2, "negative-vote-weight", None),
    ("germany-2025", 10, 3, 2, "negative-vote-weight", None),
    ("germany-2025", 10, 3, 3, "negative-vote-weight", None),
    ("germany-2025", 10, 3, 2, "negative-vote-weight-moved", None),
    ("germany-2025", 10, 3, 2, "house-size", None),
    ("germany-2025", 10, 2, 2, "negative-vote-weight-listed", None),
    ("germany-2025", 10, 3, 2, "negative-vote-weight-listed", None),
    ("germany-2025", 10, 3, 2, "negative-vote-weight-moved-listed", None),
    ("new-zealand-2014", 10, 3, 1, "negative-vote-weight", None),
    ("new-zealand-2014", 10, 3, 1, "negative-vote-weight-moved", None),
    ("new-zealand-2014", 12, 3, 1, "negative-vote-weight", None),
    ("new-zealand-2014", 10, 3, 1, "house-size", None),
    ("new-zealand-2014", 10, 3, 1, "negative-vote-weight-moved-listed", None),
    ("germany-2013", 10, 2, 2, "negative-vote-weight", 100),
    ("germany-2013", 10, 2, 2, "negative-vote-weight", None),
    ("germany-2013", 10, 3, 2, "negative-vote-weight", None),
    ("germany-2013", 10, 3, 2, "negative-vote-weight-listed", None),
    ("germany-2013", 10, 2, 2, "house-size", None),
    ("scotland-2011", 10, 2, 2, "negative-vote-weight", None),
    ("scotland-2011", 10, 3, 2, "negative-vote-weight", None),
    ("scotland-2011", 10, 3, 2, "negative-vote-weight-moved", None),
    ("scotland-2011", 10, 3, 2, "house-size", None),
    # district seats as figures of the vote file (compensate district_seats), parallel tiers,
    # 'overhang excluded' over districts allocated from the list votes
    ("new-zealand-2017", 10, 2, 1, "negative-vote-weight", None),
    ("new-zealand-2017", 10, 3, 1, "negative-vote-weight", None),
    ("new-zealand-2017", 10, 3, 1, "negative-vote-weight-moved", None),
    ("new-zealand-2017", 10, 3, 1, "house-size", None),
    ("kazakhstan-2023-chamber", 12, 3, 1, "negative-vote-weight", None),
    ("kazakhstan-2023-chamber", 12, 2, 1, "negative-vote-weight", None),
    ("kazakhstan-2023-chamber", 12, 3, 1, "house-size", None),
    ("norway-2021", 12, 2, 2, "house-size", None),
    ("norway-2021", 12, 3, 2, "house-size", None),
    ("norway-2021", 12, 2, 2, "negative-vote-weight", 30),
    ("norway-2021", 12, 2, 2, "negative-vote-weight", None),
    ("norway-2021", 6, 2, 2, "negative-vote-weight", None),  # 5 district seats, 1 levelling seat
    # the levelling seats placed into provinces, then within them (12 seats: 9 district seats, 3 levelling
    # seats; 2 districts in 2 provinces, 3 districts in provinces of 2 and 1), the province quota test
    ("denmark-2015", 12, 3, 2, "house-size", None),
    ("denmark-2015", 12, 3, 2, "negative-vote-weight", None),
    ("denmark-2015", 12, 3, 2, "negative-vote-weight-moved", None),
    ("denmark-2015", 12, 3, 2, "majority-reversal", None),
    ("denmark-2015", 14, 3, 3, "house-size", None),
    ("denmark-2015", 14, 3, 3, "negative-vote-weight", None),
    ("denmark-2015", 14, 3, 3, "majority-reversal", None),
    # the adjustment seats placed in turn (14 seats: 12 district seats, 2 adjustment seats; 21: 18 and 3)
    ("iceland-2021", 14, 3, 2, "house-size", None),
    ("iceland-2021", 14, 3, 2, "negative-vote-weight", None),
    ("iceland-2021", 14, 3, 2, "majority-reversal", None),
    ("iceland-2021", 21, 3, 2, "house-size", None),
    ("iceland-2021", 21, 3, 2, "negative-vote-weight", None),
    ("iceland-2021", 21, 3, 3, "house-size", None),
    ("zurich-2006", 10, 2, 2, "house-size", None),
    ("zug-2018", 10, 2, 2, "house-size", None),
]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--only", help="rows of these rule files only (comma-separated)")
    ap.add_argument("--property", help="rows of these properties only (comma-separated)")
    ap.add_argument("--split", action="store_true", help="decide the districted family by magnitude cases")
    args = ap.parse_args()
    lines = [f"# level verdicts, {datetime.date.today()} (python scripts/level_verdicts.py)",
             "rules | seats | lists | units | property | verdict | wall seconds | CPU seconds"]
    for name, seats, n, units, prop, mv in ROWS:
        if (args.only and name not in args.only.split(",")) or (args.property and prop not in args.property.split(",")):
            continue
        chamber = hemicycle.load(name).model
        start, cpu = time.monotonic(), _cpu()
        try:
            if not is_levels(chamber):  # the verifier's own refusal (biproportional, ...)
                verify(chamber, [prop], parties=n, timeout=args.timeout)
            sys = level_system(reduce(chamber, seats), units=units)
        except UnsupportedClause as exc:
            lines.append(f"{name} | {seats} | {n} | {units} | {prop} | refused: {exc} | -")
            print(lines[-1], flush=True)
            continue
        v = decide(sys, LEVEL_CATALOGUE[prop], n, timeout=args.timeout, max_votes=mv, split=args.split)
        bound = f" (votes <= {mv})" if mv else ""
        lines.append(f"{name} | {seats} | {n} | {units} | {prop}{bound} | {v.status} | "
                     f"{time.monotonic() - start:.2f} | {_cpu() - cpu:.2f}" + (f" | {v.reason}" if v.reason else ""))
        for o in v.outcomes or []:
            lines.append(f"    {o.case} -> seats per unit {o.seats}, "
                         f"chamber {o.national} of {o.total}")
        print("\n".join(lines[-(1 + len(v.outcomes or [])):]), flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
