"""Verifier timings and the full agreement test (run by hand, not in CI).

    python benchmarks/verify.py timings [--min-n 2] [--max-n 8] [--timeout 60] [--rules kazakh ...]
    python benchmarks/verify.py table [--timeout 60] [--n 4] [--kazakh-min 2] [--kazakh-max 10] [--only FILE ...]
                                      [--out FILE]
    python benchmarks/verify.py agreement [--count 10000] [--rules hare dhondt ...]
    python benchmarks/verify.py apportionment [--count 200]

``table`` prints the table rule file x property x n -> verdict, seconds: every bundled rule file
at ``--n`` lists with every catalogue property (a rule file the verifier refuses is one row,
"refused", with the clause and its line), every districted rule file with the district
catalogue at 3 lists x 3 districts (the apportionment properties with 3 apportioned units), the
districted examples of docs/examples, and ``kazakhstan-2021`` for every n from 2 to
``--kazakh-max``. P proved (with the non-vacuity check), R refuted (replayed), ? unknown (a
timeout, never a proof), E an encoding/interpreter disagreement.

``timings`` prints the seconds per catalogue property and number of lists (2..max-n) for each rule
set, and the largest n decided (proved or refuted) within the timeout. ``agreement`` runs the
encoding on fixed random votes against the interpreter (``hemicycle.verify.agreement``) and
prints the disagreements (there must be none); ``scripts/agreement.py`` is the full runner.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from hemicycle.grammar import load_rules, parse_rules
from hemicycle.model import Chamber
from hemicycle.verify import CATALOGUE, Status, verify
from hemicycle.verify.agreement import KAZAKH_07, RULES, run_rule
from hemicycle.verify.apportionment import APPORTIONMENT_CATALOGUE
from hemicycle.verify.district_properties import DISTRICT_CATALOGUE
from hemicycle.verify.errors import UnsupportedClause, VerifyError

ROOT = Path(__file__).resolve().parents[1]


def rule_sets() -> dict[str, Chamber]:
    def tier(body: str) -> Chamber:
        return parse_rules(f'chamber "T" seats 98\ntier "t" seats 98 {{\n{body}\n}}\n',
                           file="bench.elect")

    return {
        "kazakh": load_rules(ROOT / "src" / "hemicycle" / "rules" / "kazakhstan-2021.elect"),
        "kazakh-0.7": tier(KAZAKH_07),
        "hare": tier("allocate largest_remainder quota hare\nties registration_order"),
        "dhondt": tier("allocate dhondt\nties registration_order"),
    }


def timings(args: argparse.Namespace) -> None:
    sets = rule_sets()
    names = args.rules or list(sets)
    props = args.property or list(CATALOGUE)
    for rname in names:
        chamber = sets[rname]
        print(f"\n== {rname} (timeout {args.timeout:g} s) ==")
        print(f"{'property':26s}" + "".join(f"{'n=' + str(n):>14s}" for n in range(args.min_n, args.max_n + 1))
              + "  largest n decided")
        for pname in props:
            cells, best, stop = [], 0, False
            for n in range(args.min_n, args.max_n + 1):
                if stop:
                    cells.append("-")
                    continue
                (r,) = verify(chamber, [pname], parties=n, timeout=args.timeout)
                mark = {Status.PROVED: "P", Status.REFUTED: "R", Status.UNKNOWN: "?"}[r.status]
                cells.append(f"{mark} {r.seconds:.2f}")
                if r.status is Status.UNKNOWN:
                    stop = True
                else:
                    best = n
            print(f"{pname:26s}" + "".join(f"{c:>14s}" for c in cells) + f"  {best}", flush=True)


MARK = {Status.PROVED: "P", Status.REFUTED: "R", Status.UNKNOWN: "?", Status.ERROR: "E"}


def _cpu() -> float:
    """CPU seconds of this process and its ended children (each property runs in a forked child)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _rows(path: Path, props: list[str] | None, n: int, timeout: float) -> Iterator[tuple[str, str, str, str]]:
    """(property, n, verdict, "wall seconds | CPU seconds") for one rule file; one "refused" row
    when it is refused. The timeout is wall-clock: on a loaded machine a property can time out
    with far fewer CPU seconds."""
    chamber = load_rules(path)
    names = props
    if chamber.levels:
        names = list(APPORTIONMENT_CATALOGUE) if chamber.levels[0].apportion is not None else []
        names += list(DISTRICT_CATALOGUE)
    for name in names or list(CATALOGUE):
        start, cpu = time.monotonic(), _cpu()
        try:
            (r,) = verify(chamber, [name], parties=n, timeout=timeout, districts=3)
        except UnsupportedClause as exc:
            where = f"{Path(exc.node.span.file).name}:{exc.node.span.line}" if exc.node.span.file else ""
            yield name, str(n), "refused", f"{where} {exc.clause}: {exc.why} | "
            continue
        except VerifyError as exc:
            yield name, str(n), "error", f"{exc} | "
            continue
        secs = r.seconds if r.seconds else time.monotonic() - start
        why = f" ({r.reason[:60]})" if r.status is Status.UNKNOWN and r.reason else ""
        yield name, str(n), MARK[r.status], f"{secs:.2f}{why} | {_cpu() - cpu:.2f}"


def _kazakh(f: Path, args: argparse.Namespace, emit: object) -> None:
    """Every property for n = --kazakh-min (2) .. --kazakh-max; after an UNKNOWN at n the larger n
    are not run (said so in the row)."""
    for prop in args.property or list(CATALOGUE):
        unknown_at = None
        for n in range(args.kazakh_min, args.kazakh_max + 1):
            if unknown_at is not None:
                emit(f"| {f.stem} | {prop} | {n} | not run | (unknown at n = {unknown_at}) |  |")  # type: ignore[operator]
                continue
            for name, nn, verdict, secs in _rows(f, [prop], n, args.timeout):
                emit(f"| {f.stem} | {name} | {nn} | {verdict} | {secs} |")  # type: ignore[operator]
                if verdict == "?":
                    unknown_at = n


def table(args: argparse.Namespace) -> None:
    rules_dir = ROOT / "src" / "hemicycle" / "rules"
    files = sorted(rules_dir.glob("*.elect")) + sorted((ROOT / "docs" / "examples").glob("*.elect"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    out = open(args.out, "a") if args.out else None  # noqa: SIM115
    def emit(line: str) -> None:
        print(line, flush=True)
        if out is not None:
            out.write(line + "\n")
            out.flush()
    emit(f"| rule file | property | n | verdict | wall seconds (timeout {args.timeout:g} s) | CPU seconds |")
    emit("| --- | --- | --- | --- | --- | --- |")
    if args.start:
        files = [f for f in files if f.stem >= args.start]
    for f in files:
        chamber = load_rules(f)
        if f.stem == "kazakhstan-2021" and args.kazakh_max > 0:
            _kazakh(f, args, emit)
            continue
        n = 3 if chamber.levels else args.n
        refused_once = False
        for prop, nn, verdict, secs in _rows(f, args.property, n, args.timeout):
            if verdict == "refused" and refused_once:
                continue
            refused_once = refused_once or verdict == "refused"
            emit(f"| {f.stem} | {prop} | {nn} | {verdict} | {secs} |")
    if out is not None:
        out.close()


def apportionment(args: argparse.Namespace) -> int:
    """The apportionment encoding against the interpreter on random figures (as the CI slice in
    tests/test_verify_apportionment.py, ``--count`` cases per method family)."""
    import random

    from hemicycle.verify.apportionment import agree, apportioned

    bodies = [
        "minimum 1\napportion by population largest_remainder quota hare\nties none",
        "minimum 2\napportion by population largest_remainder quota droop\nties registration_order",
        "apportion by population dhondt\nties none",
        "minimum 1\napportion by population sainte_lague\nties registration_order",
        "minimum 1\napportion by population dhondt\nties more_votes then registration_order",
        'fixed "Capital" 2\nminimum 1\napportion by valid_votes largest_remainder quota hare\nties registration_order',
    ]
    bad = 0
    rng = random.Random(16)
    for body in bodies:
        level = parse_rules(f'chamber "P" seats 12\ndistricts seats 12 {{\n{body}\n}}\n'
                            'tier "t" in each district {\n allocate dhondt\n ties registration_order\n}\n',
                            file="bench.elect").levels[0]
        start = time.monotonic()
        for c in range(args.count):
            k = 2 + c % 3
            figs = [rng.choice([1, 2, 5, 7, 100, rng.randint(1, 1000)]) for _ in range(k)]
            msg = agree(apportioned(level, k), figs, 12 + c % 2)
            if msg is not None:
                bad += 1
                print("  " + msg)
        print(f"{body.splitlines()[-2]:60s} {args.count} cases, {time.monotonic() - start:.0f} s", flush=True)
    print(f"{bad} disagreements")
    return 1 if bad else 0


def agreement(args: argparse.Namespace) -> int:
    """The same as ``python scripts/agreement.py`` (which prints more columns)."""
    total_bad = 0
    for name in args.rules or sorted(RULES):
        run = run_rule(name, args.count)
        for msg in run.messages:
            print(f"  {name}: {msg}")
        total_bad += run.disagreements
        print(f"{name:26s} {run.elections} elections, {run.disagreements} disagreements, "
              f"{run.seconds:.0f} s", flush=True)
    return 1 if total_bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("timings")
    t.add_argument("--min-n", type=int, default=2)
    t.add_argument("--max-n", type=int, default=8)
    t.add_argument("--timeout", type=float, default=60.0)
    t.add_argument("--rules", nargs="*")
    t.add_argument("--property", nargs="*")
    tb = sub.add_parser("table")
    tb.add_argument("--timeout", type=float, default=60.0)
    tb.add_argument("--n", type=int, default=4)
    tb.add_argument("--kazakh-max", type=int, default=10)
    tb.add_argument("--kazakh-min", type=int, default=2, help="the smallest n for kazakhstan-2021")
    tb.add_argument("--only", nargs="*")
    tb.add_argument("--property", nargs="*")
    tb.add_argument("--out")
    tb.add_argument("--start", help="skip the rule files whose name sorts before this one (resume a run)")
    ap_ = sub.add_parser("apportionment")
    ap_.add_argument("--count", type=int, default=200)
    a = sub.add_parser("agreement")
    a.add_argument("--count", type=int, default=10_000)
    a.add_argument("--rules", nargs="*")
    args = ap.parse_args()
    if args.cmd == "timings":
        timings(args)
        return 0
    if args.cmd == "table":
        table(args)
        return 0
    if args.cmd == "apportionment":
        return apportionment(args)
    return agreement(args)


if __name__ == "__main__":
    sys.exit(main())
