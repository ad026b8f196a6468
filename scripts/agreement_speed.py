"""Elections a CPU second through the agreement harnesses: an encoding built for each election (the
old harness) and the pinned harness (verify/pinned.py), each way of asking the pinned encodings.
CPU seconds of this process (the solver runs in it), so that the figure does not depend much on
the machine's load.

    nice python scripts/agreement_speed.py [--count 100] [--levels ...] [--districts ...]
        [--ways old subst assume auto]

Per levels family (verify/level_agreement.py: one election and one step pair a case) and per
district rule (verify/district_agreement.py: one election a case, a step pair every second):
elections a CPU second for each way (``old``: ``pinned=False``; ``subst``, ``assume``, ``auto``:
the pinned harness with ``substitute`` True, False, None; the encodings' building included: one
for the election, one per step shape met, so the figure at 10,000 elections is higher), and the
disagreements (there must be none). ``default`` is what ``run`` / ``run_rule`` use.

Run against another checkout with ``PYTHONPATH=/that/checkout/src`` and ``--ways old default``
(the ways the pinned harness of that checkout may not know are left out).
"""

from __future__ import annotations

import argparse
import inspect
import time
from collections.abc import Callable

from hemicycle.verify.district_agreement import run_rule, system
from hemicycle.verify.level_agreement import family, run

WAYS: dict[str, dict[str, object]] = {"old": {"pinned": False}, "default": {}, "subst": {"substitute": True},
                                      "assume": {"substitute": False}, "auto": {"substitute": None}}


def _rate(work: Callable[[], tuple[int, int, int, list[str]]], count: int) -> tuple[float, int]:
    cpu = time.process_time()
    bad = work()[3]
    return count / (time.process_time() - cpu), len(bad)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100, help="cases per family and way")
    ap.add_argument("--levels", nargs="*", default=["germany-2005", "new-zealand-2014"])
    ap.add_argument("--districts", nargs="*", default=["dhondt", "hare-3-districts", "dhondt-lot"])
    ap.add_argument("--ways", nargs="*", default=["old", "subst", "assume", "auto"])
    args = ap.parse_args()
    for n in args.levels:  # parse every rule file first (the parser is built once, by the first)
        family(n)
    for n in args.districts:
        system(n)
    known = {"levels": set(inspect.signature(run).parameters), "districts": set(inspect.signature(run_rule).parameters)}
    print(f"# elections a CPU second over {args.count} cases (building included); disagreements in brackets")
    print(f"{'family':28s} " + " ".join(f"{w:>12s}" for w in args.ways), flush=True)
    jobs: list[tuple[str, str, Callable[..., tuple[int, int, int, list[str]]]]] = [
        (f"levels {n}", "levels", lambda n=n, **kw: run(n, args.count, 3, **kw)) for n in args.levels]
    jobs += [(f"districts {n}", "districts", lambda n=n, **kw: run_rule(n, args.count, **kw)) for n in args.districts]
    for name, kind, job in jobs:
        cells = []
        for way in args.ways:
            kw = WAYS[way]
            if not set(kw) <= known[kind]:
                cells.append(f"{'-':>12s}")
                continue
            rate, bad = _rate(lambda job=job, kw=kw: job(**kw), args.count)
            cells.append(f"{rate:8.1f} [{bad}]")
        print(f"{name:28s} " + " ".join(f"{c:>12s}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
