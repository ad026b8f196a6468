"""Fuzz the parser, the checker and the interpreter with generated and mutated rule files.

Run: ``python scripts/fuzz.py [--inputs 100000] [--seed 1] [--workers 2] [--bound 10]``

Half the inputs are drawn from the grammar (``tests/rulegen.py`` walks ``elect.lark``), half are
mutations of the bundled rule files. Each input is parsed, checked, and allocated for a small
election; only the language's own errors (``RuleError``, ``AllocationError``) may come out. Prints
the count by outcome, the slowest input's time, and every crash (its input saved under
``--out``). Exit status 1 if anything crashed or an input took longer than ``--bound`` seconds.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from rulegen import Chooser, bundled_sources, exercise, generate, mutate


def _work(args: tuple[int, int, int]) -> tuple[collections.Counter[str], float, str, list[tuple[str, str]]]:
    seed, start, count = args
    rng = random.Random(seed * 1_000_003 + start)
    ch = Chooser.from_random(rng)
    sources = bundled_sources()
    counts: collections.Counter[str] = collections.Counter()
    slowest, slow_text = 0.0, ""
    crashes: list[tuple[str, str]] = []
    for k in range(count):
        text = generate(ch) if (start + k) % 2 else mutate(rng.choice(sources), ch, rounds=6)
        try:
            outcome = exercise(text)
        except Exception:
            counts["crash"] += 1
            crashes.append((text, traceback.format_exc()))
            continue
        counts[outcome.kind] += 1
        if outcome.seconds > slowest:
            slowest, slow_text = outcome.seconds, text
    return counts, slowest, slow_text, crashes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bound", type=float, default=10.0, help="seconds one input may take")
    ap.add_argument("--out", type=Path, default=Path("fuzz-crashes"))
    args = ap.parse_args()
    chunk = 500
    jobs = [(args.seed, s, min(chunk, args.inputs - s)) for s in range(0, args.inputs, chunk)]
    total: collections.Counter[str] = collections.Counter()
    slowest, slow_text = 0.0, ""
    crashes: list[tuple[str, str]] = []
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        for counts, slow, text, found in pool.imap_unordered(_work, jobs):
            total.update(counts)
            crashes += found
            if slow > slowest:
                slowest, slow_text = slow, text
    elapsed = time.perf_counter() - started
    done = sum(total.values())
    print(f"inputs: {done:,} in {elapsed:.0f} s ({done / elapsed:.0f}/s, {args.workers} workers)")
    for kind, n in sorted(total.items()):
        print(f"  {kind}: {n:,}")
    print(f"slowest input: {slowest:.3f} s ({len(slow_text):,} characters)")
    if crashes:
        args.out.mkdir(exist_ok=True)
        for i, (text, tb) in enumerate(crashes):
            (args.out / f"crash-{i}.elect").write_text(text, "utf-8", errors="surrogateescape")
            (args.out / f"crash-{i}.txt").write_text(tb, "utf-8")
        print(f"CRASHES: {len(crashes)} (inputs and tracebacks in {args.out}/)")
        print(crashes[0][1])
    return 1 if crashes or slowest > args.bound else 0


if __name__ == "__main__":
    sys.exit(main())
