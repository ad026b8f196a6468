"""Agreement of the two-scrutiny encoding (Czech Republic 2021) with the interpreter.

    nice python scripts/agreement_czech.py [--count 1000] [--seats 3 6] [--step-every 4] [--out FILE]

For each ``--seats`` (the law at that many seats: ``verify --seats``), ``--count`` random and
constructed elections (3 lists x 3 regions; tiny figures whose quotas round near 0, equal votes,
huge figures, a list exactly at 5% nationally) with random member counts and draws, pinned into
the encoding built once (``hemicycle.verify.scrutiny_agreement``) and compared with the
interpreter region by region; every ``--step-every``-th also as the first election of a step
query (a list gains votes in a region), both elections compared. Every 25th election also proves
the encoding allows no other seats. Exit 1 on any disagreement. One process, one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hemicycle.api import resolve_rules
from hemicycle.grammar import load_rules
from hemicycle.verify.districts import district_system
from hemicycle.verify.scrutiny_agreement import Tally, run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seats", type=int, nargs="+", default=[3, 6])
    ap.add_argument("--step-every", type=int, default=4)
    ap.add_argument("--seed", default="ci")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    chamber = load_rules(resolve_rules("czech-2021"))
    lines = ["czech-2021, 3 lists x 3 regions: the two-scrutiny encoding against the interpreter",
             "seats  elections  step-pairs  no-result  set-aside  unique  disagreements  cpu-s"]
    bad = 0
    for seats in args.seats:
        sys_ = district_system(chamber, 3, seats=seats)
        start = time.process_time()
        per = max(1, args.count // len(args.seats))

        def row(t: Tally, seats: int = seats, start: float = start, partial: bool = False) -> str:
            return (f"{seats:5}  {t.elections:9}  {t.steps:10}  {t.no_result:9}  {t.set_aside:9}  {t.unique:6}  "
                    f"{len(t.bad):13}  {time.process_time() - start:5.0f}" + ("  (so far)" if partial else ""))

        def progress(t: Tally) -> None:
            print(row(t, partial=True), flush=True)
            if args.out is not None:  # what is done so far, should the run be stopped
                args.out.write_text("\n".join([*lines, row(t, partial=True)]) + "\n")

        t = run(sys_, per, seed=args.seed, step_every=args.step_every, progress=progress)
        lines.append(row(t))
        for msg in t.bad[:5]:
            lines.append("  " + msg[:800])
        bad += len(t.bad)
        print(lines[-1 - min(5, len(t.bad))], flush=True)
        if args.out is not None:  # each size as it is done
            args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
