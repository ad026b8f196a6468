"""Seconds a case of the agreement harnesses, before and after the encodings were built once per
shape (verify/pinned.py): the same elections through each, CPU seconds of this process (the
solver runs in it), so that the figure does not depend on the machine's load.

    nice python scripts/agreement_speed.py [--count 10] [--levels ...] [--districts ...]

Per levels family (verify/level_agreement.py: one election and one step pair a case) and per
district rule (verify/district_agreement.py: one election a case, a step pair every second):
CPU and wall seconds a case with an encoding built for each election (``pinned=False``, the old
harness) and with the pinned one (its encodings' building included: one for the election,
one per step shape met), and the disagreements of each (there must be none).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from hemicycle.verify.district_agreement import RULES as DISTRICT_RULES
from hemicycle.verify.district_agreement import run_rule, system
from hemicycle.verify.level_agreement import FAMILIES, family, run


def _timed(work: Callable[[], tuple[int, int, int, list[str]]], count: int) -> tuple[float, float, int]:
    cpu, wall = time.process_time(), time.monotonic()
    bad = work()[3]
    return (time.process_time() - cpu) / count, (time.monotonic() - wall) / count, len(bad)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10, help="cases per family and harness")
    ap.add_argument("--levels", nargs="*", default=list(FAMILIES))
    ap.add_argument("--districts", nargs="*", default=list(DISTRICT_RULES))
    args = ap.parse_args()
    for n in args.levels:  # parse every rule file first (the parser is built once, by the first)
        family(n)
    for n in args.districts:
        system(n)
    print(f"{'family':28s} {'old cpu':>8s} {'new cpu':>8s} {'ratio':>6s} {'old wall':>9s} {'new wall':>9s} "
          f"{'disagree':>8s}", flush=True)
    jobs = [(f"levels {n}", lambda p, n=n: run(n, args.count, 3, pinned=p)) for n in args.levels]
    jobs += [(f"districts {n}", lambda p, n=n: run_rule(n, args.count, pinned=p)) for n in args.districts]
    for name, job in jobs:
        old = _timed(lambda job=job: job(False), args.count)
        new = _timed(lambda job=job: job(True), args.count)
        print(f"{name:28s} {old[0]:8.3f} {new[0]:8.3f} {old[0] / new[0]:6.1f} {old[1]:9.3f} {new[1]:9.3f} "
              f"{old[2] + new[2]:8d}", flush=True)


if __name__ == "__main__":
    main()
