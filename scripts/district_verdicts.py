"""The district properties on the encoded district family: a table of verdicts and seconds.

    python scripts/district_verdicts.py [--parties 3] [--timeout 60]

Rows: the two examples of docs/verify.md (docs/examples/three-districts*.elect: 12 seats in
districts of 3, 4 and 5) and six two-district variants (3 + 4 seats) that differ in one clause:
D'Hondt or Hare largest remainder, with no threshold, a 10% district threshold or a 5% national
threshold. Columns: the three district properties (docs/verify.md, "Districts"). Every REFUTED
is replayed by the interpreter inside ``verify``; every PROVED has passed the non-vacuity check.
"""

from __future__ import annotations

import argparse
import time

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--parties", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
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
