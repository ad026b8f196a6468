"""The biproportional properties of Zürich 2006 and Zug 2018: verdicts and seconds, per
magnitude vector.

    nice python scripts/biproportional_verdicts.py [--lists 3] [--shapes 2x2 2x3 3x2] [--timeout 60]
        [--rules zug-2018 zurich-2006] [--properties ...]

A shape UNITSxMAX is UNITS units whose magnitudes (from the vote file) range over 1..MAX; each
vector is decided on its own with ``--timeout`` seconds (so the line says at which vectors the
solver decides), and the last column is the property over the whole shape: PROVED only if every
vector is (each with its non-vacuity check), REFUTED at the first counterexample (replayed by the
interpreter), else UNKNOWN. P proved, R refuted, ? unknown.
"""

from __future__ import annotations

import argparse
import time

from hemicycle.api import load
from hemicycle.verify.biproportional import BiproSystem, bipro_system
from hemicycle.verify.biproportional_properties import BIPRO_CATALOGUE, decide

MARK = {"proved": "P", "refuted": "R", "unknown": "?"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lists", type=int, default=3)
    ap.add_argument("--shapes", nargs="+", default=["2x2", "2x3", "3x2"])
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--rules", nargs="+", default=["zug-2018", "zurich-2006"])
    ap.add_argument("--properties", nargs="+", default=list(BIPRO_CATALOGUE))
    a = ap.parse_args()
    print(f"{a.lists} lists, {a.timeout:.0f} s per magnitude vector")
    for rules in a.rules:
        for shape in a.shapes:
            units, top = (int(x) for x in shape.split("x"))
            bs = bipro_system(load(rules).model, units, top)
            for name in a.properties:
                prop = BIPRO_CATALOGUE[name]
                cells, overall, total = [], "proved", 0.0
                for vec in bs.vectors:
                    one = BiproSystem(bs.chamber, bs.tier, bs.names, (vec,), bs.free)
                    start = time.monotonic()
                    v = decide(one, prop, a.lists, timeout=a.timeout)
                    took = time.monotonic() - start
                    total += took
                    cells.append(f"{'/'.join(map(str, vec))} {MARK[v.status]} {took:.1f}")
                    if v.status == "refuted":
                        overall = "refuted"
                        break
                    if v.status == "unknown":
                        overall = "unknown"
                print(f"{rules} | {shape} | {name} | {MARK[overall]} {total:.1f} s | " + ", ".join(cells), flush=True)


if __name__ == "__main__":
    main()
