"""The batch and compiled paths against the interpreter on many random and constructed elections.

Run: ``python scripts/batch_agreement.py [--elections 1000000] [--rules kazakhstan-2021 ...]``

Elections (5 lists by default): a quarter plain random, a quarter with small numbers (many exact
ties and lists exactly at the threshold), a quarter with constructed equal votes, a quarter with
one dominant list (the runner-up clause). Prints the elections checked and every disagreement.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import hemicycle
from hemicycle.interpreter import AllocationError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def elections(count: int, lists: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    q = count // 4
    plain = rng.integers(0, 10**7, size=(q, lists))
    small = rng.integers(0, 25, size=(q, lists))
    unit = rng.integers(1, 1000, size=(q, 1))
    tied = unit * rng.choice([0, 1, 1, 2, 3], size=(q, lists))
    dominant = rng.integers(0, 60, size=(count - 3 * q, lists))
    dominant[:, 0] = rng.integers(1000, 5000, size=count - 3 * q)
    votes = np.concatenate([plain, small, tied, dominant])
    invalid = np.where(rng.random(count) < 0.5, 0, rng.integers(0, 200, size=count))
    # lists exactly at 7% of ballots cast: make list 1 equal 7/93 of the rest where that is whole
    exact = np.arange(count) % 7 == 0
    rest = votes[:, 1:].sum(axis=1) + invalid
    can = exact & (rest % 93 == 0)
    votes[can, 0] = rest[can] // 93 * 7
    return votes.astype(np.int64), invalid.astype(np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--elections", type=int, default=1_000_000)
    parser.add_argument("--lists", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rules", nargs="*", default=["kazakhstan-2021", "kazakhstan-2021-dhondt"])
    args = parser.parse_args()
    for name in args.rules:
        rules = hemicycle.load(name)
        votes, invalid = elections(args.elections, args.lists, args.seed)
        start = time.perf_counter()
        batch = hemicycle.allocate_batch(rules, votes, invalid=invalid)
        t_batch = time.perf_counter() - start
        compiled = hemicycle.compile(rules)
        abbrs = [f"L{i + 1}" for i in range(args.lists)]
        differ = errors = 0
        start = time.perf_counter()
        for row in range(len(votes)):
            v = [int(x) for x in votes[row]]
            try:
                seats = rules.allocate(dict(zip(abbrs, v, strict=True)), invalid=int(invalid[row]),
                                       explain=False).seats
            except AllocationError:
                errors += 1
                continue
            want = tuple(seats[a] for a in abbrs)
            if tuple(int(x) for x in batch[row]) != want or compiled(v, int(invalid[row])) != want:
                differ += 1
                if differ <= 10:
                    print("DIFFERENCE", name, v, int(invalid[row]), want, tuple(batch[row]),
                          compiled(v, int(invalid[row])))
        t_interp = time.perf_counter() - start
        print(f"{name}: {len(votes):,} elections; batch {t_batch:.1f} s; interpreter and compiled "
              f"{t_interp:.1f} s; {errors:,} refused by the interpreter; {differ} disagreements")


if __name__ == "__main__":
    main()
