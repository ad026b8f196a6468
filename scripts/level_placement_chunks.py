"""The levels agreement of one family (verify/level_agreement.run) in chunks of 25 elections,
seeds 1, 2, ..., the running totals printed after each chunk (a long run stopped at any point
still reports what it checked).

    nice python scripts/level_placement_chunks.py iceland-2021 40
"""

from __future__ import annotations

import sys
import time

from hemicycle.verify.level_agreement import run


def main() -> None:
    name, chunks = sys.argv[1], int(sys.argv[2])
    tot = [0, 0, 0, 0]
    start = time.monotonic()
    for seed in range(1, chunks + 1):
        c, s, ties, bad = run(name, 25, 3, seed=seed)
        tot = [tot[0] + c, tot[1] + s, tot[2] + ties, tot[3] + len(bad)]
        for b in bad[:3]:
            print("   ", b)
        print(f"{name} | seeds 1-{seed} | elections {tot[0]} | step pairs {tot[1]} | left out {tot[2]} | "
              f"disagreements {tot[3]} | {time.monotonic() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
