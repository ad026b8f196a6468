"""Agreement of the levels and bonus encodings with the interpreter (docs/verify.md, "Levels").

    nice python scripts/level_agreement.py [--count N] [--out docs/figures/agreement-levels-DATE.txt]

Per family of verify/level_agreement.py: N random and constructed elections (each compared on
the seats of every list in every Land and the size of the house; every 25th also proves the
encoding allows no other seats) and N step pairs (one list gains votes in one Land, both
elections encoded together; the pairs counted are those compared: both elections with a result
and no tie at a cut); and N elections of the Greek bonus (verify/bonus.py). Each family's
encodings are built once (``PinnedLevels``: the election's, and one per step shape met) and
every election is checked with its figures pinned; ``--old`` builds an encoding per election.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from pathlib import Path

import hemicycle
from hemicycle.verify.bonus import agree as bonus_agree
from hemicycle.verify.bonus import bonus_system
from hemicycle.verify.level_agreement import FAMILIES, run


def _bonus(count: int) -> tuple[int, list[str]]:
    sys = bonus_system(hemicycle.load("greece-2023").model)
    rng = random.Random("greece")
    bad = []
    for j in range(count):
        n = rng.choice([2, 3, 4, 5])
        top = rng.choice([10, 100, 10_000, 1_000_000])
        votes = [rng.randint(0, top) for _ in range(n)]
        if j % 4 == 1:  # the leader exactly at 25%, 25.5%, 40%
            share = rng.choice([(1, 4), (51, 200), (2, 5)])
            rest = [rng.randint(0, top) for _ in range(n - 1)]
            scale = share[1] - share[0]
            rest = [x * scale for x in rest]
            votes = [sum(rest) * share[0] // scale, *rest]
        why = bonus_agree(sys, votes)
        if why is not None:
            bad.append(why)
    return count, bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--lists", type=int, default=3)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--only", help="these families only, comma-separated (no bonus run)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--old", action="store_true", help="an encoding built for each election")
    args = ap.parse_args()
    command = (f"python scripts/level_agreement.py --count {args.count} --seed {args.seed}" + (" --old" * args.old)
               + (f" --only {args.only}" if args.only else ""))
    lines = [f"# levels agreement, {datetime.date.today()} ({command})",
             "family | elections | step pairs | left out (a tie at a cut, the interpreter needs its lot) | "
             "disagreements | seconds | CPU seconds | elections a CPU second"]
    total_bad = 0
    for name in FAMILIES:
        if args.only and name not in args.only.split(","):
            continue
        start, cpu = time.monotonic(), time.process_time()
        c, s, ties, bad = run(name, args.count, args.lists, seed=args.seed, pinned=not args.old)
        cpu = time.process_time() - cpu
        total_bad += len(bad)
        lines.append(f"{name} | {c} | {s} | {ties} | {len(bad)} | {time.monotonic() - start:.0f} | {cpu:.0f} | "
                     f"{c / cpu:.1f}")
        lines += [f"    {b}" for b in bad[:5]]
        print("\n".join(lines[-1 - min(5, len(bad)):]), flush=True)
    start = time.monotonic()
    c, bad = _bonus(0 if args.only else args.count)
    total_bad += len(bad)
    lines.append(f"greece-2023 (bonus) | {c} | - | - | {len(bad)} | {time.monotonic() - start:.0f}")
    lines += [f"    {b}" for b in bad[:5]]
    lines.append(f"disagreements in all: {total_bad}")
    print("\n".join(lines[-2:]), flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
