"""Agreement of the levels and bonus encodings with the interpreter (docs/verify.md, "Levels").

    nice python scripts/level_agreement.py [--count N] [--out docs/figures/agreement-levels-DATE.txt]

Per family of verify/level_agreement.py: N random and constructed elections (each compared on
the seats of every list in every Land and the size of the house; every 25th also proves the
encoding allows no other seats) and N step pairs (one list gains votes in one Land, both
elections encoded together; the pairs counted are those compared: both elections with a result
and no tie at a cut); and N elections of the Greek bonus (verify/bonus.py). Each family's
encodings are built once (``PinnedLevels``: the election's, and one per step shape met) and
every election is checked with its figures pinned; ``--old`` builds an encoding per election;
``--substitute`` substitutes the pins on the Python side (the way before 2026-12-02b) instead of
handing them to Z3's ``solve-eqs``. ``--every K`` prints (and writes to ``--out``) a line with the
figures so far every K elections, so that a run stopped early keeps its count; ``--out`` is
headed by the command, the date, the git revision, the load and the process's niceness.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
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


def _header(command: str) -> list[str]:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         cwd=Path(__file__).parent).stdout.strip() or "?"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [f"# levels agreement: {command}",
            f"# {now}, git {rev}, load {load} (1/5/15 min), nice {os.nice(0)}, {os.cpu_count()} cores",
            "family | elections | step pairs | left out (a tie at a cut, the interpreter needs its lot) | "
            "disagreements | seconds | CPU seconds | elections a CPU second"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--lists", type=int, default=3)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--only", help="these families only, comma-separated (no bonus run)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--old", action="store_true", help="an encoding built for each election")
    ap.add_argument("--substitute", action="store_true", help="the pins substituted on the Python side")
    ap.add_argument("--every", type=int, default=0, help="a line with the figures so far every K elections")
    args = ap.parse_args()
    lines = _header(" ".join(["python", *sys.argv]))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines), flush=True)

    def say(*new: str) -> None:
        lines.extend(new)
        print("\n".join(new), flush=True)
        if args.out:
            with args.out.open("a", encoding="utf-8") as f:
                f.write("\n".join(new) + "\n")

    total_bad = 0
    for name in FAMILIES:
        if args.only and name not in args.only.split(","):
            continue
        start, cpu = time.monotonic(), time.process_time()

        def row(fig: tuple[int, int, int, list[str]], name: str = name, start: float = start,
                cpu: float = cpu) -> str:
            c, s, ties, bad = fig
            spent = time.process_time() - cpu
            return (f"{name} | {c} | {s} | {ties} | {len(bad)} | {time.monotonic() - start:.0f} | {spent:.0f} | "
                    f"{c / spent:.1f}")

        fig = run(name, args.count, args.lists, seed=args.seed, pinned=not args.old, in_z3=not args.substitute,
                  progress=lambda f, row=row: say(row(f) + "   (so far)", *[f"    {b}" for b in f[3][-1:]]),
                  every=args.every)
        total_bad += len(fig[3])
        say(row(fig), *[f"    {b}" for b in fig[3][:5]])
    start = time.monotonic()
    c, bad = _bonus(0 if args.only else args.count)
    total_bad += len(bad)
    say(f"greece-2023 (bonus) | {c} | - | - | {len(bad)} | {time.monotonic() - start:.0f}",
        *[f"    {b}" for b in bad[:5]], f"disagreements in all: {total_bad}")


if __name__ == "__main__":
    main()
