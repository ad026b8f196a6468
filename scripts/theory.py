"""The theory suite at a glance: every entry of ``hemicycle.verify.theory.THEOREMS`` run by the
verifier, as a Markdown table (method, property, lists, house, expected, found, seconds,
source).

    python scripts/theory.py [--timeout 60] [--seats N] [--parties-plus K]

``--seats`` replaces every PROVED entry's house (a refutation keeps the house where its example
exists); ``--parties-plus`` adds lists to every PROVED entry: the same theorems on bigger
instances than CI runs. Exit 1 if any verdict differs from the literature's.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from hemicycle.verify import Status
from hemicycle.verify.theory import THEOREMS, check


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--seats", type=int)
    ap.add_argument("--parties-plus", type=int, default=0)
    args = ap.parse_args()
    print("| method | property | lists | seats | literature | verifier | seconds | claim | source |")
    print("| --- | --- | ---: | ---: | --- | --- | ---: | --- | --- |")
    bad = 0
    for t in THEOREMS:
        if t.expect is Status.PROVED:
            t = dataclasses.replace(t, seats=args.seats or t.seats,
                                    parties=t.parties + args.parties_plus)
        r = check(t, timeout=args.timeout)
        mark = r.status.value + ("" if r.status is t.expect else " (differs)")
        bad += r.status is not t.expect
        print(f"| {t.method} | `{t.property}` | {t.parties} | {t.seats} | {t.expect.value} | "
              f"{mark} | {r.seconds:.2f} | {t.claim} | {t.source} |", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
