"""The batch path for districted rules at another revision against this tree's, in one process on
the same Spanish elections: elections per second of the process's CPU time (and wall clock),
runs alternating, the best of each.

Run: ``python benchmarks/districts_batch_versions.py [--rev main] [--batch 100000] [--runs 5]``
from a git clone. The other revision's ``hemicycle/batch_districts.py`` and
``hemicycle/batch_divisors.py`` (and ``batch_cut.py`` where it has one) are read with ``git show``
and loaded as modules of their own beside this tree's (the rest of the package is this tree's);
both give the same seats, which is checked.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from districts import batch_votes, spain
from hemicycle.batch_districts import allocate_districts_batch

NAMES = ("batch_divisors", "batch_cut", "batch_districts")


def load_revision(rev: str) -> ModuleType:
    """The revision's batch_districts, importing the revision's own batch modules."""
    folder = Path(tempfile.mkdtemp(prefix="batch-rev-"))
    loaded: dict[str, ModuleType] = {}
    for name in NAMES:
        try:
            text = subprocess.run(["git", "show", f"{rev}:src/hemicycle/{name}.py"], check=True, capture_output=True,
                                  text=True).stdout
        except subprocess.CalledProcessError:
            continue  # not at that revision
        for other in NAMES:
            for end in (" ", "\n"):
                text = text.replace(f"hemicycle.{other}{end}", f"rev_{other}{end}")
        path = folder / f"rev_{name}.py"
        path.write_text(text)
        spec = importlib.util.spec_from_file_location(f"rev_{name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"rev_{name}"] = module
        spec.loader.exec_module(module)
        loaded[name] = module
    return loaded["batch_districts"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="main", help="the git revision to compare with")
    parser.add_argument("--batch", type=int, default=100_000, help="Spanish elections per run")
    parser.add_argument("--runs", type=int, default=5, help="runs of each, alternating; the best counts")
    args = parser.parse_args()
    rules, election = spain()
    votes, totals = batch_votes(election, args.batch)
    other = load_revision(args.rev)
    contestants: dict[str, Any] = {f"{args.rev}": other.allocate_districts_batch, "this tree": allocate_districts_batch}
    best: dict[str, tuple[float, float]] = {}
    seats: dict[str, Any] = {}
    for _ in range(args.runs):
        for name, run in contestants.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            seats[name] = run(rules, election, votes, **totals)
            wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            had = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(had[0], wall), min(had[1], cpu))
    same = all((a == b).all() for a, b in zip(*seats.values(), strict=True))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"batch path, {args.batch:,} Spanish elections (52 provinces), best of {args.runs} alternating runs; "
          f"load average {load}")
    for name, (wall, cpu) in best.items():
        print(f"  {name:12} {args.batch / cpu:10,.0f} elections/s of CPU time   {args.batch / wall:10,.0f} wall")
    (w0, c0), (w1, c1) = best.values()
    print(f"  this tree / {args.rev}: {c0 / c1:.2f}x (CPU time), {w0 / w1:.2f}x (wall); seats "
          f"{'the same on every election' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
