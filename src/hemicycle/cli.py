"""The ``hemicycle`` command line: a thin layer over the Python API.

Exit codes: 0 ok; 1 a check failed (or a property was refuted, or an election was not
reproduced); 2 usage or input error; 3 a property is unknown (verify); 4 internal error.
Errors go to stderr; no traceback reaches the user.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from hemicycle import __version__
from hemicycle.api import bundled_elections, bundled_rules, load, resolve_election
from hemicycle.checker import check as check_rules
from hemicycle.diagnostics import RuleError
from hemicycle.interpreter import AllocationError
from hemicycle.reports import result_csv, result_json_text, result_table

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4

app = typer.Typer(
    name="hemicycle",
    help="Electoral rules as code: allocate seats exactly, explain every step, verify properties.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)
# Piped output is read by scripts and people alike: wide enough that names are never wrapped.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class VerifyFormat(str, Enum):
    table = "table"
    json = "json"


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    err.print(message, markup=False, highlight=False)
    raise typer.Exit(code)


def _load_rules(rules: str):  # type: ignore[no-untyped-def]
    try:
        return load(rules)
    except RuleError as e:
        fail(e.render())


def _parse_totals(items: list[str] | None) -> dict[str, int]:
    totals: dict[str, int] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not value.strip().isdigit():
            fail(f"error: --total {item!r}: write NAME=N with a whole number, e.g. invalid=297718")
        totals[name] = int(value.strip())
    return totals


def _load_votes(votes: str, totals: dict[str, int]):  # type: ignore[no-untyped-def]
    from hemicycle.votes import VoteFileError, load_votes

    path = resolve_election(votes)
    try:
        return load_votes(path, totals=totals or None)
    except VoteFileError as e:
        fail(f"error: {e}")
    except OSError as e:
        fail(f"error: {votes}: cannot read: {e.strerror}")


def _version(value: bool) -> None:
    if value:
        out.print(f"hemicycle {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """hemicycle: electoral rules as code."""


@app.command()
def allocate(
    rules: Annotated[str, typer.Argument(help="Rule file, or the name of a bundled one.")],
    votes: Annotated[str, typer.Argument(help="Vote file (JSON or CSV), or a bundled election.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    explain: Annotated[bool, typer.Option("--explain", help="Print the step-by-step protocol.")] = False,
    total: Annotated[list[str] | None, typer.Option(
        "--total", help="A total the vote file lacks, NAME=N (invalid, ballots_cast, valid, "
                        "registered, against_all). Repeatable.")] = None,
    invalid: Annotated[int | None, typer.Option("--invalid", min=0, help="Invalid ballots.")] = None,
) -> None:
    """Allocate seats for the votes in VOTES under the rules in RULES."""
    chamber_rules = _load_rules(rules)
    totals = _parse_totals(total)
    if invalid is not None:
        totals["invalid"] = invalid
    election = _load_votes(votes, totals)
    try:
        result = chamber_rules.allocate(election)
    except AllocationError as e:
        fail(f"error: {e}")
    if format is Format.json:
        out.print_json(result_json_text(result)) if sys.stdout.isatty() else print(result_json_text(result))
    elif format is Format.csv:
        sys.stdout.write(result_csv(result))
    else:
        out.print(result_table(result))
        for tie in result.ties:
            out.print(f"Tie: {tie.describe()}", markup=False)
        for note in result.notes:
            out.print(f"Note: {note}", markup=False)
    if explain:
        text = result.explain()
        if format is Format.table:
            out.print()
            out.print(text, markup=False, highlight=False)
        else:
            err.print(text, markup=False, highlight=False)


@app.command()
def check(
    rules: Annotated[list[str], typer.Argument(help="Rule files or bundled names.")],
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures.")] = False,
) -> None:
    """Parse rule files and run static checks (seats add up, names, clauses that never apply)."""
    failed = False
    for name in rules:
        chamber_rules = _load_rules(name)
        diagnostics = check_rules(chamber_rules.model)
        for d in diagnostics:
            err.print(d.render(chamber_rules.model.source), markup=False, highlight=False)
        errors = [d for d in diagnostics if d.severity == "error"]
        warnings = [d for d in diagnostics if d.severity == "warning"]
        if errors or (strict and warnings):
            failed = True
        else:
            out.print(f"{chamber_rules.path}: ok ({len(warnings)} warning(s))", markup=False,
                      highlight=False)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


@app.command("list")
def list_bundled() -> None:
    """List the bundled rule files and elections."""
    out.print("Rule files: " + ", ".join(bundled_rules()), markup=False)
    out.print("Elections: " + ", ".join(bundled_elections()), markup=False)


@app.command()
def verify(
    rules: Annotated[str, typer.Argument(help="Rule file or bundled name.")],
    property: Annotated[list[str] | None, typer.Option(
        "--property", "-p", help="Property to check (repeatable); default: the whole catalogue.")] = None,
    parties: Annotated[int, typer.Option("--parties", "-n", min=1, max=50,
                                         help="Number of lists.")] = 5,
    max_votes: Annotated[int | None, typer.Option("--max-votes", min=1,
                                                  help="Bound on each list's votes.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1,
                                           help="Seconds per property.")] = 60.0,
    minimize: Annotated[bool, typer.Option("--minimize", help="Smallest counterexample by total "
                                                             "votes.")] = False,
    tier: Annotated[str | None, typer.Option("--tier", help="Tier to verify (default: each).")] = None,
    property_file: Annotated[Path | None, typer.Option("--property-file",
                                                       help="File of user-defined properties.")] = None,
    format: Annotated[VerifyFormat, typer.Option("--format", "-f")] = VerifyFormat.table,
) -> None:
    """Prove or refute properties of the rules with Z3, for every vote vector within bounds."""
    from hemicycle import verify as v

    chamber_rules = _load_rules(rules)
    try:
        results = v.verify(
            chamber_rules.model, property, parties=parties, max_votes=max_votes, timeout=timeout,
            minimize=minimize, tier=tier, property_file=property_file,
        )
    except v.VerifyInputError as e:
        fail(f"error: {e}")
    if format is VerifyFormat.json:
        print(json.dumps({"rules": chamber_rules.path, "results": [r.to_json() for r in results]},
                         indent=2, ensure_ascii=False))
    else:
        v.print_results(results, out)
    statuses = {r.status for r in results}
    if "refuted" in statuses:
        raise typer.Exit(EXIT_FAILED)
    if "unknown" in statuses:
        raise typer.Exit(EXIT_UNKNOWN)
    raise typer.Exit(EXIT_OK)


def main() -> None:
    """Entry point: run the app; turn any unexpected exception into a short message."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as e:  # the last line of defence: never a traceback
        err.print(
            f"internal error: {type(e).__name__}: {e}\nThis is a bug in hemicycle; please report it "
            "with the command you ran.", markup=False, highlight=False,
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
