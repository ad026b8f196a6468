"""Agreement of the biproportional encoding (verify/biproportional.py) with the interpreter.

    nice python scripts/biproportional_agreement.py [--count 500] [--seed trust] [--lists 3]
        [--rules zug-2018 zurich-2006] [--shapes 2x3 3x2] [--matrices 10000] [--old]

For each rule file and shape (UNITSxMAX: units whose magnitudes, from the vote file, range over
1..MAX; every vector in turn), ``--count`` elections (random and constructed:
verify/biproportional_agreement.cases) are allocated by the interpreter and by the encoding with
every figure fixed; the encoding must give the interpreter's seats and no other, or no result
exactly when the interpreter has none (a tie, no apportionment). The encoding is built once per
magnitude vector and asked with the figures pinned (``PinnedBipro``); ``--old`` builds one per
election, as before. ``--matrices``: the cycle
characterization alone (``feasible``) against the interpreter's ``biproportional`` on random
matrices with their row sums from a random upper apportionment: the interpreter's matrix must be
feasible, and the only feasible candidate unless the interpreter reports a tied cycle.
Prints one line per family and the totals; exit 1 on any disagreement.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

from hemicycle.api import load
from hemicycle.biproportional import NoSolution, biproportional, tied_moves
from hemicycle.model import Divisor, DivisorKind
from hemicycle.verify.biproportional import bipro_system, feasible, matrices
from hemicycle.verify.biproportional_agreement import PinnedBipro, agree, cases
from hemicycle.verify.districts import interpret


def _elections(rules: str, shape: str, lists: int, count: int, seed: str, old: bool = False
               ) -> tuple[int, Counter[str]]:
    units, top = (int(x) for x in shape.split("x"))
    bs = bipro_system(load(rules).model, units, top)
    fast = None if old else PinnedBipro(bs)  # one encoding per magnitude vector, the figures pinned
    bad = 0
    kinds: Counter[str] = Counter()
    cpu = time.process_time()
    for t, (kind, case) in enumerate(cases(bs, lists, count, seed=f"{seed}-{rules}-{shape}")):
        if t and t % 500 == 0:  # running totals: a run stopped early still says what it checked
            print(f"  {rules} {shape}: {t} elections so far, {bad} disagreements, "
                  f"{time.process_time() - cpu:.0f} CPU s", flush=True)
        want = interpret(bs.districts(tuple(case.magnitudes)), case, explain=False)
        kinds[kind if not isinstance(want, str) else f"{kind} (no result: {want.split(':')[0]})"] += 1
        diff = agree(bs, case, fast)
        if diff:
            bad += 1
            print("  DISAGREE", kind, diff, flush=True)
    return bad, kinds


def _feasible(votes: list[list[int]], rows: list[int], cols: list[int], method: Divisor
              ) -> list[tuple[tuple[int, ...], ...]]:
    """Every candidate with these sums that the cycle characterization calls feasible."""
    return [x for x in matrices(len(rows), tuple(cols)) if [sum(r) for r in x] == rows and feasible(votes, x, method)]


def _matrices(count: int, seed: str) -> tuple[int, Counter[str]]:
    rng = random.Random(seed)
    bad = 0
    seen: Counter[str] = Counter()
    for t in range(count):
        method = Divisor(kind=(DivisorKind.SAINTE_LAGUE, DivisorKind.DHONDT)[t % 2])
        rows_n, cols_n = rng.choice([(2, 2), (3, 2), (2, 3), (3, 3)])
        cols = [rng.randint(1, 3) for _ in range(cols_n)]
        votes = [[rng.choice([0, rng.randint(1, 30), rng.randint(1, 30), 2 * rng.randint(1, 6)])
                  for _ in range(cols_n)] for _ in range(rows_n)]
        cuts = sorted(rng.randint(0, sum(cols)) for _ in range(rows_n - 1))
        rows = [b - a for a, b in zip([0, *cuts], [*cuts, sum(cols)], strict=True)]
        try:
            sol = biproportional(votes, rows, cols, method.divisor)
        except NoSolution:
            ok = _feasible(votes, rows, cols, method)
            seen["no solution"] += 1
            if ok:
                bad += 1
                print("  DISAGREE no solution but feasible", votes, rows, cols, ok[0])
            continue
        x = tuple(tuple(r) for r in sol.seats)
        tied = tied_moves(votes, sol, method.divisor) is not None
        ok = _feasible(votes, rows, cols, method)
        seen["tied" if tied else "unique"] += 1
        if x not in ok or (not tied and len(ok) != 1) or (tied and len(ok) < 2):
            bad += 1
            print("  DISAGREE", votes, rows, cols, x, "tied" if tied else "unique", ok)
    return bad, seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", default="trust")
    ap.add_argument("--lists", type=int, default=3)
    ap.add_argument("--rules", nargs="*", default=["zug-2018", "zurich-2006"])
    ap.add_argument("--shapes", nargs="+", default=["2x3"])
    ap.add_argument("--matrices", type=int, default=10000)
    ap.add_argument("--old", action="store_true", help="an encoding built for each election (before 2026-12-02)")
    a = ap.parse_args()
    total = bad = 0
    if a.matrices:
        start = time.monotonic()
        b, seen = _matrices(a.matrices, a.seed)
        print(f"cycle characterization vs interpreter: {a.matrices} matrices, {b} disagreements, "
              f"{dict(seen)}, {time.monotonic() - start:.0f} s", flush=True)
        total, bad = total + a.matrices, bad + b
    for rules in a.rules:
        for shape in a.shapes:
            start, cpu = time.monotonic(), time.process_time()
            b, kinds = _elections(rules, shape, a.lists, a.count, a.seed, a.old)
            cpu = time.process_time() - cpu
            print(f"{rules} {a.lists} lists x {shape}: {a.count} elections, {b} disagreements, "
                  f"{time.monotonic() - start:.0f} s, {cpu:.0f} CPU s ({a.count / cpu:.1f} a CPU s); "
                  f"{dict(sorted(kinds.items()))}", flush=True)
            total, bad = total + a.count, bad + b
    print(f"total: {total} cases, {bad} disagreements")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
