"""Fuzz the parser, the checker, the formatter, the interpreter and the language server with
generated, mutated and random rule texts.

Run: ``python scripts/fuzz.py [--inputs 100000] [--seed 1] [--workers 2] [--bound 10] [--lsp 0.25]``

Inputs come in three kinds, in turn: drawn from the grammar (``tests/rulegen.py`` walks
``elect.lark``), mutations of the bundled rule files, and random streams of the grammar's
terminals with garbage, foreign digits and odd line separators. Each input is parsed, checked,
formatted (twice: idempotent) and allocated for a small election: only the language's own errors
(``RuleError``, ``AllocationError``) may come out (anything else is exit 4 on the command line),
and every diagnostic must point into the file. A share of the inputs (``--lsp``) also goes through
the language server's functions at random positions: diagnostics inside the document, hover and
completion without an exception, completion from the clause at the cursor the same as from the
whole prefix. An input that takes longer than ``--bound`` seconds is stopped and counted as a hang.

Prints the count by outcome, the slowest input, and every finding (its input saved under
``--out``). Exit status 1 on any finding or hang.
"""

from __future__ import annotations

import random
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _harness import Tally, merged, options, pooled, save, seeded, spans
from rulegen import Chooser, bundled_sources, exercise, exercise_editor, generate, mutate, token_stream

KINDS = ("generated", "mutated", "tokens")


class Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def _input(kind: str, rng: random.Random, ch: Chooser, sources: list[str]) -> str:
    if kind == "generated":
        return generate(ch)
    if kind == "mutated":
        return mutate(rng.choice(sources), ch, rounds=6)
    return token_stream(ch)


def _work(args: tuple[int, int, int, float, float]) -> Tally:
    seed, start, count, bound, lsp_share = args
    rng = seeded(seed, start)
    ch = Chooser.from_random(rng)
    sources = bundled_sources()
    tally = Tally()
    signal.signal(signal.SIGALRM, _alarm)
    for k in range(count):
        kind = KINDS[(start + k) % len(KINDS)]
        text = _input(kind, rng, ch, sources)
        editor = rng.random() < lsp_share
        signal.setitimer(signal.ITIMER_REAL, bound)
        try:
            outcome = exercise(text)
            if editor:
                tally.counts["editor"] += 1
                exercise_editor(text, ch)
        except Hang:
            tally.counts["hang"] += 1
            tally.found.append((text, f"hang: more than {bound} s ({kind})"))
            continue
        except Exception:
            tally.counts["finding"] += 1
            tally.found.append((text, traceback.format_exc()))
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        tally.counts[f"{kind} {outcome.kind}"] += 1
        tally.timed(outcome.seconds, text)
    return tally


def main() -> int:
    ap = options(__doc__)
    ap.add_argument("--bound", type=float, default=10.0, help="seconds one input may take")
    ap.add_argument("--lsp", type=float, default=0.25, help="share of inputs also run through the language server")
    ap.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    args = ap.parse_args()
    jobs = [(args.seed, s, n, args.bound, args.lsp) for s, n in spans(args.inputs, 300)]
    tallies, elapsed = pooled(_work, jobs, args.workers)
    run = merged(tallies)
    total, findings = run.counts, run.found
    done = sum(n for k, n in total.items() if k != "editor")
    print(f"inputs: {done:,} in {elapsed:.0f} s ({done / elapsed:.0f}/s, {args.workers} workers, seed {args.seed}); "
          f"{total['editor']:,} also through the language server")
    for kind, n in sorted(total.items()):
        if kind != "editor":
            print(f"  {kind}: {n:,}")
    print(f"findings (exceptions, diagnostics outside the file, fmt not idempotent, completion mismatch): "
          f"{total['finding']:,}; hangs (> {args.bound:g} s): {total['hang']:,}")
    print(f"slowest input: {run.slowest:.3f} s ({len(run.slow_text):,} characters)")
    if findings:
        save(args.out, findings, "finding-{i}.elect", "finding-{i}.txt")
        print(f"FINDINGS: {len(findings)} (inputs and reports in {args.out}/)")
        print(findings[0][1])
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
