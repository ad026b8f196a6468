"""The district properties on the encoded district family: a table of verdicts and seconds.

    python scripts/district_verdicts.py [--parties 3] [--timeout 60]
    python scripts/district_verdicts.py --bundled [--parties 3] [--districts 3] [--timeout 60]

``--bundled``: the bundled district records instead (rules/*.elect with one level of districts and
one tier in each district), at ``--districts`` districts: magnitudes from the vote file each in
1..``--max-magnitude`` (default 3); Spain's apportioned provinces (LOREG art. 162: Ceuta and
Melilla 1 seat each, a minimum of 2) at ``--districts - 2`` apportioned provinces and
``--spain-seats`` seats (default 6: magnitudes 1, 1, 4); the files the verifier refuses are listed
with the clause and line it names.

Rows: the two examples of docs/verify.md (docs/examples/three-districts*.elect: 12 seats in
districts of 3, 4 and 5) and six two-district variants (3 + 4 seats) that differ in one clause:
D'Hondt or Hare largest remainder, with no threshold, a 10% district threshold or a 5% national
threshold. Columns: the three district properties (docs/verify.md, "Districts"). Every REFUTED
is replayed by the interpreter inside ``verify``; every PROVED has passed the non-vacuity check.
"""

from __future__ import annotations

import argparse
import time

from hemicycle.api import resolve_rules
from hemicycle.grammar import load_rules, parse_rules
from hemicycle.verify import verify
from hemicycle.verify.district_properties import DISTRICT_CATALOGUE

TWO = """chamber "T" seats 7
districts seats 7 {
  fixed "D1" 3, "D2" 4
}
tier "t" in each district {
%s
  ties more_votes then registration_order
}
"""
VARIANTS = {
    "2 districts, D'Hondt": "  allocate dhondt",
    "2 districts, D'Hondt, 10% district": "  threshold 10% of valid_votes\n  allocate dhondt",
    "2 districts, D'Hondt, 5% national": "  threshold 5% of valid_votes nationally\n  allocate dhondt",
    "2 districts, Hare": "  allocate largest_remainder quota hare",
    "2 districts, Hare, 10% district": "  threshold 10% of valid_votes\n  allocate largest_remainder quota hare",
    "2 districts, Hare, 5% national": "  threshold 5% of valid_votes nationally\n"
                                      "  allocate largest_remainder quota hare",
}


BUNDLED = ("spain-1986", "spain-family", "spain-sainte-lague", "spain-1977", "spain-1986-decree",
           "poland-2019", "poland-no-coalition-threshold", "poland-sainte-lague", "finland-2019",
           "zurich-no-biproportional", "us-house-2000", "czech-2021")


def bundled(args: argparse.Namespace) -> None:
    from hemicycle.verify.errors import UnsupportedClause

    props = list(DISTRICT_CATALOGUE)
    print(f"{args.parties} lists x {args.districts} districts, timeout {args.timeout:g} s; P proved (non-vacuous), "
          "R refuted (replayed by the interpreter), ? unknown")
    print("| rules | magnitudes | " + " | ".join(props) + " |")
    print("| --- | --- |" + " --- |" * len(props))
    t0 = time.monotonic()
    for name in BUNDLED:
        chamber = load_rules(resolve_rules(name))
        apportioned = chamber.levels[0].apportion is not None
        kw = ({"districts": max(1, args.districts - len(chamber.levels[0].fixed)), "seats": args.spain_seats}
              if apportioned else {"districts": args.districts, "max_magnitude": args.max_magnitude})
        try:
            results = verify(chamber, props, parties=args.parties, timeout=args.timeout, **kw)
        except UnsupportedClause as exc:
            print(f"| {name} | refused: line {exc.line} `{exc.clause}`: {exc.why} |" + " |" * (len(props) - 1),
                  flush=True)
            continue
        cells = []
        for r in results:
            mark = {"proved": "P", "refuted": "R", "unknown": "?", "error": "ERROR"}[r.status.value]
            cells.append(f"{mark} {r.seconds:.1f}")
        what = (f"apportioned, {kw['seats']} seats" if apportioned else f"1..{args.max_magnitude} each")
        print(f"| {name} | {what} | " + " | ".join(cells) + " |", flush=True)
    print(f"total {time.monotonic() - t0:.0f} s")
    from hemicycle.verify.apportionment import APPORTIONMENT_CATALOGUE

    aprops = list(APPORTIONMENT_CATALOGUE)
    print(f"\nApportioned magnitudes, {args.districts} apportioned units at {args.apportion_seats} seats")
    print("| rules | " + " | ".join(aprops) + " |")
    print("| --- |" + " --- |" * len(aprops))
    for name in ("us-house-2000", "spain-1986"):
        chamber = load_rules(resolve_rules(name))
        seats = args.apportion_seats + sum(f.seats for f in chamber.levels[0].fixed)
        results = verify(chamber, aprops, parties=args.parties, timeout=args.timeout, districts=args.districts,
                         seats=seats)
        cells = [f"{ {'proved': 'P', 'refuted': 'R', 'unknown': '?', 'error': 'ERROR'}[r.status.value]} "
                 f"{r.seconds:.1f}" for r in results]
        print(f"| {name} ({seats} seats) | " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--parties", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--bundled", action="store_true", help="the bundled district records")
    ap.add_argument("--districts", type=int, default=3)
    ap.add_argument("--max-magnitude", type=int, default=3)
    ap.add_argument("--spain-seats", type=int, default=6)
    ap.add_argument("--apportion-seats", type=int, default=10, help="apportionment properties: the seats "
                    "of the apportioned units (fixed seats added)")
    args = ap.parse_args()
    if args.bundled:
        bundled(args)
        return
    systems = {name: parse_rules(TWO % body, f"<{name}>") for name, body in VARIANTS.items()}
    systems = {"three-districts.elect (D'Hondt, 5% national)": load_rules("docs/examples/three-districts.elect"),
               "three-districts-hare.elect (Hare, 5% national)": load_rules(
                   "docs/examples/three-districts-hare.elect"), **systems}
    props = list(DISTRICT_CATALOGUE)
    print(f"{args.parties} lists, timeout {args.timeout:g} s; P proved, R refuted (replayed), ? unknown")
    print("| system | " + " | ".join(props) + " |")
    print("| --- |" + " --- |" * len(props))
    t0 = time.monotonic()
    for name, chamber in systems.items():
        cells = []
        for r in verify(chamber, props, parties=args.parties, timeout=args.timeout):
            mark = {"proved": "P", "refuted": "R", "unknown": "?", "error": "ERROR"}[r.status.value]
            cells.append(f"{mark} {r.seconds:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    print(f"total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
