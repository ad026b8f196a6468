"""Which tiers of the bundled districted records the interpreter's level-wide steps
(``interpreter/unit_steps.allocate_units``) take, which they decline and why, and how much of the
whole allocation (with its protocol) the declined tiers' per-unit pipeline costs: where the time
goes before anything is brought onto the level-wide path.

    nice python scripts/level_wide_coverage.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import hemicycle
from hemicycle import model as m
from hemicycle.api import resolve_election
from hemicycle.interpreter import allocate, levels
from hemicycle.interpreter import chamber as chambers
from hemicycle.interpreter import unit_steps as us
from hemicycle.votes import load_votes

RECORDS = [("czech-2021", "czech-2021"), ("denmark-2015", "denmark-2015"), ("finland-2019", "finland-2019"),
           ("germany-2005", "germany-2025"), ("iceland-2021", "iceland-2021"), ("new-zealand-2014", "new-zealand-2014"),
           ("norway-2021", "norway-2021"), ("poland-2019", "poland-2019"), ("scotland-2011", "scotland-2011"),
           ("spain-1986", "spain-2015"), ("zurich-no-biproportional", "zurich-2006")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10)
    opts = ap.parse_args()
    real_units, real_in_units = us.allocate_units, chambers.allocate_in_units
    seen: dict[str, tuple[bool, str]] = {}
    spent: dict[str, float] = {}

    def spy(ctx: Any, views: Any, magnitudes: Any, explain: bool, fallback: Any) -> Any:
        out = real_units(ctx, views, magnitudes, explain, fallback)
        tier = ctx.tier
        why = ""
        if out is None:
            if not us.covered(tier):
                why = "shape: " + ", ".join(f for f in us._TIER_FIELDS if not m.at_defaults(tier, (f,)))
            elif us.has_list_sizes(ctx.view.election):
                why = "list sizes"
            else:
                why = "a base figure missing or a national verdict undecided"
        seen[tier.name] = (out is not None, why)
        return out

    def timed(tier: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return real_in_units(tier, *args, **kwargs)
        finally:
            spent[tier.name] = spent.get(tier.name, 0.0) + time.process_time() - start

    us.allocate_units = spy  # type: ignore[assignment]
    levels.allocate_units = spy  # type: ignore[attr-defined]
    chambers.allocate_in_units = timed  # type: ignore[assignment]
    print(f"{'record':26} {'ms (protocol)':>13}  tiers in units: level-wide or declined (why), share of the time")
    for rules, votes in RECORDS:
        chamber = hemicycle.load(rules).model
        election = load_votes(resolve_election(votes))
        allocate(chamber, election, explain=True)
        seen.clear()
        spent.clear()
        start = time.process_time()
        for _ in range(opts.repeat):
            allocate(chamber, election, explain=True)
        total = (time.process_time() - start) / opts.repeat
        parts = []
        for name, (ok, why) in seen.items():
            share = spent.get(name, 0.0) / opts.repeat / total if total else 0.0
            parts.append(f"{name!r} {'level-wide' if ok else 'declined (' + why + ')'} {share:.0%}")
        others = {n: t for n, t in spent.items() if n not in seen}
        for name, t in others.items():
            parts.append(f"{name!r} not a districted tier of that shape (per unit) {t / opts.repeat / total:.0%}")
        print(f"{rules:26} {total * 1000:13.1f}  " + "; ".join(parts), flush=True)


if __name__ == "__main__":
    main()
