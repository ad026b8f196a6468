"""Verifier timings and the full agreement test (run by hand, not in CI).

    python benchmarks/verify.py timings [--min-n 2] [--max-n 8] [--timeout 60] [--rules kazakh ...]
    python benchmarks/verify.py agreement [--count 10000] [--rules hare dhondt ...]

``timings`` prints the seconds per catalogue property and number of lists (2..max-n) for each rule
set, and the largest n decided (proved or refuted) within the timeout. ``agreement`` runs the
encoding on fixed random votes against the interpreter (``hemicycle.verify.agreement``) and
prints the disagreements (there must be none); ``scripts/agreement.py`` is the full runner.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hemicycle.grammar import load_rules, parse_rules
from hemicycle.model import Chamber
from hemicycle.verify import CATALOGUE, Status, verify
from hemicycle.verify.agreement import KAZAKH_07, RULES, run_rule

ROOT = Path(__file__).resolve().parents[1]


def rule_sets() -> dict[str, Chamber]:
    def tier(body: str) -> Chamber:
        return parse_rules(f'chamber "T" seats 98\ntier "t" seats 98 {{\n{body}\n}}\n',
                           file="bench.elect")

    return {
        "kazakh": load_rules(ROOT / "src" / "hemicycle" / "rules" / "kazakhstan-2021.elect"),
        "kazakh-0.7": tier(KAZAKH_07),
        "hare": tier("allocate largest_remainder quota hare\nties registration_order"),
        "dhondt": tier("allocate dhondt\nties registration_order"),
    }


def timings(args: argparse.Namespace) -> None:
    sets = rule_sets()
    names = args.rules or list(sets)
    props = args.property or list(CATALOGUE)
    for rname in names:
        chamber = sets[rname]
        print(f"\n== {rname} (timeout {args.timeout:g} s) ==")
        print(f"{'property':26s}" + "".join(f"{'n=' + str(n):>14s}" for n in range(args.min_n, args.max_n + 1))
              + "  largest n decided")
        for pname in props:
            cells, best, stop = [], 0, False
            for n in range(args.min_n, args.max_n + 1):
                if stop:
                    cells.append("-")
                    continue
                (r,) = verify(chamber, [pname], parties=n, timeout=args.timeout)
                mark = {Status.PROVED: "P", Status.REFUTED: "R", Status.UNKNOWN: "?"}[r.status]
                cells.append(f"{mark} {r.seconds:.2f}")
                if r.status is Status.UNKNOWN:
                    stop = True
                else:
                    best = n
            print(f"{pname:26s}" + "".join(f"{c:>14s}" for c in cells) + f"  {best}", flush=True)


def agreement(args: argparse.Namespace) -> int:
    """The same as ``python scripts/agreement.py`` (which prints more columns)."""
    total_bad = 0
    for name in args.rules or sorted(RULES):
        run = run_rule(name, args.count)
        for msg in run.messages:
            print(f"  {name}: {msg}")
        total_bad += run.disagreements
        print(f"{name:26s} {run.elections} elections, {run.disagreements} disagreements, "
              f"{run.seconds:.0f} s", flush=True)
    return 1 if total_bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("timings")
    t.add_argument("--min-n", type=int, default=2)
    t.add_argument("--max-n", type=int, default=8)
    t.add_argument("--timeout", type=float, default=60.0)
    t.add_argument("--rules", nargs="*")
    t.add_argument("--property", nargs="*")
    a = sub.add_parser("agreement")
    a.add_argument("--count", type=int, default=10_000)
    a.add_argument("--rules", nargs="*")
    args = ap.parse_args()
    if args.cmd == "timings":
        timings(args)
        return 0
    return agreement(args)


if __name__ == "__main__":
    sys.exit(main())
