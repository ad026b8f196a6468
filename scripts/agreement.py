"""The agreement test, in full: the Z3 encoding on fixed random votes against the interpreter.

    python scripts/agreement.py [--count 10000] [--rules hare dhondt ...] [--json FILE]

For every rule of ``hemicycle.verify.agreement.RULES`` (every quota and rounding, every divisor
method, every base, inclusive/strict/absolute thresholds, tie chains, runner-up admission, the 0.7
correction, guarantees, caps), ``--count`` random elections with constructed ties, zero votes and
lists exactly at the threshold are allocated by the interpreter and by the encoding (the figures
fixed in the symbolic encoding built once per rule and number of lists; the seats read from Z3's
model). Scale-invariant rules alternate between the plain encoding and the normalised one the
verifier's queries use; every ``--unique-every``-th election also proves that the encoding admits
no other seat vector. Prints, per rule: elections, disagreements, seconds, and how many elections
had each edge case. Exit 1 on any disagreement. One process, one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from hemicycle.verify.agreement import RULES, run_rule


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000, help="elections per rule")
    ap.add_argument("--rules", nargs="*", help="rule names (default: all)")
    ap.add_argument("--seed", default="bench")
    ap.add_argument("--unique-every", type=int, default=50)
    ap.add_argument("--no-scaled", action="store_true", help="plain encoding only")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    args = ap.parse_args()
    names = args.rules or sorted(RULES)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        ap.error(f"unknown rules {unknown}; known: {', '.join(sorted(RULES))}")
    print(f"{'rule':26s} {'elections':>9s} {'disagree':>8s} {'seconds':>8s} {'scaled':>7s} "
          f"{'unique':>6s} {'zero':>6s} {'tie':>6s} {'thresh':>6s} {'tieErr':>6s} {'noRes':>6s}",
          flush=True)
    runs = []
    t0 = time.monotonic()
    for name in names:
        r = run_rule(name, args.count, seed=args.seed, unique_every=args.unique_every,
                     scaled=not args.no_scaled)
        runs.append(r)
        print(f"{name:26s} {r.elections:9d} {r.disagreements:8d} {r.seconds:8.1f} {r.scaled:7d} "
              f"{r.unique:6d} {r.kinds.get('zero', 0):6d} {r.kinds.get('tie', 0):6d} "
              f"{r.kinds.get('threshold', 0):6d} {r.interpreter.get('tie', 0):6d} "
              f"{r.interpreter.get('error', 0):6d}", flush=True)
        for msg in r.messages:
            print(f"  {name}: {msg}", flush=True)
        if args.json:
            args.json.write_text(json.dumps([asdict(x) for x in runs], indent=2))
    total = sum(r.elections for r in runs)
    bad = sum(r.disagreements for r in runs)
    print(f"{'total':26s} {total:9d} {bad:8d} {time.monotonic() - t0:8.1f}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
