"""The search never hides the solver, for every bundled rule file.

    python scripts/search_vs_solver.py [--parties 3] [--timeout 60] [--rules kazakhstan-2021 ...]

For every bundled rule file the verifier supports and every property the random pre-search can
refute (``hemicycle.verify.search.SEARCHABLE``), the search is run on its own; for each property
it refutes, the solver is asked alone (``verify(..., search=False)``). The solver must say
REFUTED or UNKNOWN (a timeout), never PROVED: a PROVED there would be a false proof that the
search had hidden. Prints one line per rule and property, and the totals; exit 1 on any PROVED.
"""

from __future__ import annotations

import argparse
import sys
import time

from hemicycle.api import bundled_rules, resolve_rules
from hemicycle.grammar import load_rules
from hemicycle.verify import CATALOGUE, Status, UnsupportedClause, verify
from hemicycle.verify.engine import _search_first
from hemicycle.verify.search import SEARCHABLE


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--parties", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--rules", nargs="*")
    args = ap.parse_args()
    tally = {s: 0 for s in Status}
    skipped = []
    t0 = time.monotonic()
    for name in args.rules or bundled_rules():
        chamber = load_rules(resolve_rules(name))
        for tier in chamber.tiers:
            refuted = []
            try:
                for p in sorted(SEARCHABLE):
                    if _search_first(chamber, tier, CATALOGUE[p], args.parties, None, 8.0):
                        refuted.append(p)
            except UnsupportedClause as exc:
                skipped.append(f"{name} [{tier.name}]: {exc.clause}")
                continue
            for p in refuted:
                (r,) = verify(chamber, [p], parties=args.parties, timeout=args.timeout,
                              tier=tier.name, search=False)
                tally[r.status] += 1
                flag = "  <-- FALSE PROOF" if r.status is Status.PROVED else ""
                print(f"{name:36s} {tier.name:14s} {p:24s} search: refuted  solver alone: "
                      f"{r.status.value:8s} {r.seconds:6.1f} s{flag}", flush=True)
    print(f"\n{sum(tally.values())} properties refuted by the search; the solver alone: "
          + ", ".join(f"{s.value} {n}" for s, n in tally.items()) + f"; {time.monotonic() - t0:.0f} s")
    for s in skipped:
        print(f"skipped (not encodable): {s}")
    return 1 if tally[Status.PROVED] else 0


if __name__ == "__main__":
    sys.exit(main())
