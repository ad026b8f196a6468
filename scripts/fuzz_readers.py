"""Fuzz the vote-file readers (hemicycle JSON, CSV, NIST 1500-100, EML) with mutated real files.

Run: ``python scripts/fuzz_readers.py [--inputs 100000] [--seed 1] [--workers 2] [--bound 10]``

The seeds are the bundled elections in every format (``tests/votegen.py``); each input is a
mutation of one, read and, when accepted, allocated with its rules, exported to NIST and EML and
read back. Only ``VoteFileError`` and ``AllocationError`` may come out, and the read-back must
give the same lists and votes. Prints the count by format and outcome, the slowest input's time,
and every escaped exception and disagreement (inputs saved under ``--out``). Exit status 1 if
anything escaped or disagreed, or an input took longer than ``--bound`` seconds.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _harness import Tally, merged, options, pooled, save, seeded, spans
from votegen import exercise, mutate, seeds


def _work(args: tuple[int, int, int]) -> Tally:
    seed, start, count = args
    rng = seeded(seed, start)
    tally = Tally()
    for _ in range(count):
        s = rng.choice(seeds())
        text = mutate(s, rng)
        try:
            outcome = exercise(text, s.rules)
        except Exception:
            tally.counts[f"{s.kind}: escaped exception"] += 1
            tally.found.append((text, traceback.format_exc()))
            continue
        tally.counts[f"{s.kind}: {outcome.kind}"] += 1
        if outcome.kind == "disagreement":
            tally.found.append((text, outcome.detail))
        tally.timed(outcome.seconds, text)
    return tally


def main() -> int:
    ap = options(__doc__)
    ap.add_argument("--bound", type=float, default=10.0, help="seconds one input may take")
    ap.add_argument("--out", type=Path, default=Path("fuzz-readers-found"))
    args = ap.parse_args()
    jobs = [(args.seed, s, n) for s, n in spans(args.inputs, 500)]
    tallies, elapsed = pooled(_work, jobs, args.workers)
    run = merged(tallies)
    total, bad = run.counts, run.found
    done = sum(total.values())
    escaped = sum(n for k, n in total.items() if k.endswith("escaped exception"))
    disagreements = sum(n for k, n in total.items() if k.endswith("disagreement"))
    hangs = int(run.slowest > args.bound)
    print(f"inputs: {done:,} in {elapsed:.0f} s ({done / elapsed:.0f}/s, {args.workers} workers, seed {args.seed})")
    for kind, n in sorted(total.items()):
        print(f"  {kind}: {n:,}")
    print(f"escaped exceptions: {escaped}, disagreements: {disagreements}, hangs (> {args.bound:g} s): {hangs}")
    print(f"slowest input: {run.slowest:.3f} s ({len(run.slow_text):,} characters)")
    if bad:
        save(args.out, bad, "input-{i}.txt", "input-{i}.why")
        print(f"FOUND: {len(bad)} (inputs and reasons in {args.out}/)")
        print(bad[0][1])
    return 1 if bad or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
