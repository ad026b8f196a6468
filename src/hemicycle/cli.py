"""The ``hemicycle`` command line: a thin layer over the Python API.

Exit codes: 0 ok; 1 a check failed (or a property was refuted, or an election was not
reproduced); 2 usage or input error; 3 a property is unknown (verify); 4 internal error.
Errors go to stderr; no traceback reaches the user.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from hemicycle import __version__
from hemicycle.api import Located, Rules, bundled_elections, bundled_rules, locate_election, locate_rules
from hemicycle.checker import check as check_rules
from hemicycle.diagnostics import RuleError
from hemicycle.display import DataConsole, escape_controls, json_text, progress
from hemicycle.grammar import load_rules
from hemicycle.grammar.parser import MAX_RULE_BYTES, decode_rule_bytes, read_rule_text
from hemicycle.interpreter import AllocationError
from hemicycle.model import Chamber
from hemicycle.reports import district_csv, district_table, result_csv, result_json_text, result_table

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4

app = typer.Typer(
    name="hemicycle",
    help="Electoral rules as code: allocate seats exactly, explain every step, verify properties.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)
# Piped output is read by scripts and people alike: wide enough that names are never wrapped.
# Both consoles show strings from files as text (hemicycle.display): no markup, no emoji codes,
# control characters escaped.
out = DataConsole(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = DataConsole(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class VerifyFormat(str, Enum):
    table = "table"
    json = "json"


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    err.print(message)
    raise typer.Exit(code)


def emit(text: str) -> None:
    """Machine-readable output (JSON, CSV, XML) on stdout: as it is through a pipe or into a file;
    on a terminal, with control characters shown as escapes like every other output."""
    sys.stdout.write(escape_controls(text) if sys.stdout.isatty() else text)


def _located(located: Located) -> Path:
    """The file a name or path stands for, saying on stderr which one when it could be two."""
    if located.note:
        err.print(located.note)
    return located.path


def _load_rules(rules: str) -> Rules:
    path = _located(locate_rules(rules))
    try:
        return Rules(load_rules(path))
    except RuleError as e:
        fail(e.render())


def _refuse_overwriting(output: Path, inputs: list[Path], option: str) -> None:
    """An output file is never one of the command's own inputs (same file, by any path or link)."""
    for source in inputs:
        try:
            same = output.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            fail(f"error: {option} {output}: that is an input of this command ({source}); choose another file")


def _parse_totals(items: list[str] | None) -> dict[str, int]:
    totals: dict[str, int] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not re.fullmatch("[0-9]+", value.strip()):
            fail(f"error: --total {item!r}: write NAME=N with a whole number in the digits 0-9, e.g. "
                 "invalid=297718")
        try:
            totals[name] = int(value.strip())
        except ValueError:  # more digits than Python converts
            fail(f"error: --total {name}: a figure of {len(value.strip())} digits is too long")
    return totals


def _load_votes(votes: str, totals: dict[str, int], *chambers: Chamber, contest: str | None = None):  # type: ignore[no-untyped-def]
    """The election of a vote file (``contest``: of a NIST or EML file with several), refused when
    it cannot serve the rules of ``chambers``."""
    from hemicycle.votes import VoteFileError, read_votes_for_rules

    try:
        return read_votes_for_rules(_located(locate_election(votes)), chambers, totals=totals or None,
                                    contest=contest).election
    except VoteFileError as e:
        fail(f"error: {e}")


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
    contest: Annotated[str | None, typer.Option(
        "--contest", help="The contest to read from a NIST 1500-100 or EML vote file that has several.")] = None,
    districts: Annotated[bool, typer.Option(
        "--districts", help="Also the seats in each district (a district x list table; with --format csv, one "
                            "row per district and list).")] = False,
    district: Annotated[str | None, typer.Option(
        "--district", help="With --explain: the protocol of this district only (besides the national steps).")] = None,
) -> None:
    """Allocate seats for the votes in VOTES under the rules in RULES."""
    chamber_rules = _load_rules(rules)
    totals = _parse_totals(total)
    if invalid is not None:
        totals["invalid"] = invalid
    election = _load_votes(votes, totals, chamber_rules.model, contest=contest)
    try:
        result = chamber_rules.allocate(election)
    except AllocationError as e:
        fail(f"error: {e}")
    if district is not None and district not in {u.name for u in result.districts}:
        fail(f"error: --district {district!r}: the rules allocate in no district of that name")
    if format is Format.json:
        out.print_json(result_json_text(result)) if sys.stdout.isatty() else emit(result_json_text(result) + "\n")
    elif format is Format.csv:
        emit(district_csv(result) if districts else result_csv(result))
        for note in result.notes:  # not in the CSV itself, which spreadsheets read
            err.print(f"note: {note}")
    else:
        if result.election.lists or not result.districts:
            out.print(result_table(result))
        if result.districts and (districts or not result.election.lists):
            out.print(district_table(result))
        for tie in result.ties:
            out.print(f"Tie: {tie.describe()}")
        for note in result.notes:
            out.print(f"Note: {note}")
    if explain:
        text = result.explain(district)
        if format is Format.table:
            out.print()
            out.print(text)
        else:
            err.print(text)


class ExportFormat(str, Enum):
    nist = "nist"
    eml = "eml"


@app.command()
def export(
    rules: Annotated[str, typer.Argument(help="Rule file, or the name of a bundled one.")],
    votes: Annotated[str, typer.Argument(help="Vote file (JSON, CSV, NIST 1500-100, EML 510), or a bundled "
                                              "election.")],
    to: Annotated[ExportFormat, typer.Option("--to", "-t", help="nist: NIST SP 1500-100 v2 JSON; eml: OASIS "
                                                                "EML 520 XML.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    contest: Annotated[str | None, typer.Option(
        "--contest", help="The contest to read from a NIST 1500-100 or EML vote file that has several.")] = None,
    election_date: Annotated[str | None, typer.Option(
        "--election-date", help="Election day, YYYY-MM-DD (NIST requires it; default: the date the vote "
                                "file states).")] = None,
    total: Annotated[list[str] | None, typer.Option("--total", help="A total the vote file lacks, NAME=N. "
                                                                   "Repeatable.")] = None,
) -> None:
    """Allocate seats and write the result in a standard format (NIST 1500-100 JSON or EML 520)."""
    from hemicycle.formats import vote_file_date
    from hemicycle.formats.eml import export_eml520
    from hemicycle.formats.nist import export_nist_text

    if output is not None:
        _refuse_overwriting(output, [locate_rules(rules).path, locate_election(votes).path], "--output")
    chamber_rules = _load_rules(rules)
    totals = _parse_totals(total)
    election = _load_votes(votes, totals, chamber_rules.model, contest=contest)
    try:
        result = chamber_rules.allocate(election, explain=False)
    except AllocationError as e:
        fail(f"error: {e}")
    if to is ExportFormat.nist:
        date = election_date or vote_file_date(locate_election(votes).path)
        if date is None:
            fail("error: the NIST 1500-100 format requires the election date and the vote file states none: "
                 "pass --election-date YYYY-MM-DD")
        try:
            text = export_nist_text(result, date=date, version=__version__)
        except ValueError:
            fail(f"error: --election-date {date!r}: write the date as YYYY-MM-DD")
    else:
        text = export_eml520(result)
    if output is None:
        emit(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as e:
            fail(f"error: {output}: cannot write: {e.strerror}")


@app.command("fmt")
def fmt_command(
    rules: Annotated[list[Path], typer.Argument(help="Rule files to format in place ('-': stdin to stdout).")],
    check_only: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if a file is not in "
                                                             "canonical form (for CI).")] = False,
) -> None:
    """Format rule files: canonical spacing and layout, comments and citations kept, meaning unchanged."""
    from hemicycle.fmt import FormatError, format_rules

    unformatted: list[str] = []
    for path in rules:
        name = "<stdin>" if str(path) == "-" else str(path)
        try:
            text = (decode_rule_bytes(sys.stdin.buffer.read(MAX_RULE_BYTES + 1), name) if name == "<stdin>"
                    else read_rule_text(path))
        except (OSError, UnicodeDecodeError) as e:
            fail(f"error: {name}: cannot read: {getattr(e, 'strerror', None) or e}")
        except RuleError as e:
            fail(e.render())
        try:
            formatted = format_rules(text, name)
        except RuleError as e:
            fail(e.render())
        except FormatError as e:
            fail(f"internal error: {e}", EXIT_INTERNAL)
        if name == "<stdin>" and not check_only:
            emit(formatted)
        elif formatted != text:
            unformatted.append(name)
            if check_only:
                err.print(f"would reformat {name}")
            else:
                try:
                    path.write_text(formatted, encoding="utf-8")
                except OSError as e:
                    fail(f"error: {name}: cannot write: {e.strerror or e}")
                out.print(f"reformatted {name}")
    if check_only and unformatted:
        raise typer.Exit(EXIT_FAILED)


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
            err.print(d.render(chamber_rules.model.source))
        errors = [d for d in diagnostics if d.severity == "error"]
        warnings = [d for d in diagnostics if d.severity == "warning"]
        if errors or (strict and warnings):
            failed = True
        else:
            out.print(f"{chamber_rules.path}: ok ({len(warnings)} warning(s))")
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


@app.command("list")
def list_bundled() -> None:
    """List the bundled rule files and elections."""
    out.print("Rule files: " + ", ".join(bundled_rules()))
    out.print("Elections: " + ", ".join(bundled_elections()))


@contextmanager
def _verifier_errors() -> Iterator[None]:
    """Verifier errors as exit codes: a refused input is 2; an encoding the interpreter does not
    confirm is a bug (4), and no result is shown."""
    from hemicycle import verify as v

    try:
        yield
    except v.EncodingMismatch as e:
        fail(f"internal error: the Z3 encoding and the interpreter disagree, so no result is shown: {e}\n"
             "This is a bug in hemicycle; please report it with the command you ran.", EXIT_INTERNAL)
    except v.VerifyError as e:
        fail(f"error: {e}")


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
    with _verifier_errors():
        results = v.verify(
            chamber_rules.model, property, parties=parties, max_votes=max_votes, timeout=timeout,
            minimize=minimize, tier=tier, property_file=property_file,
        )
    if format is VerifyFormat.json:
        emit(json_text({"rules": chamber_rules.path, "results": [r.to_json() for r in results]}) + "\n")
    else:
        from hemicycle.verify.report import render_table

        out.print(render_table(results))
    statuses = {r.status for r in results}
    if "refuted" in statuses:
        raise typer.Exit(EXIT_FAILED)
    if "unknown" in statuses:
        raise typer.Exit(EXIT_UNKNOWN)
    raise typer.Exit(EXIT_OK)


@app.command()
def distinguish(
    rules_a: Annotated[str, typer.Argument(help="First rule file or bundled name.")],
    rules_b: Annotated[str, typer.Argument(help="Second rule file or bundled name.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, help="Seats apart (some list).")] = 1,
    parties: Annotated[int, typer.Option("--parties", "-n", min=1, max=50,
                                         help="Number of lists.")] = 5,
    max_votes: Annotated[int | None, typer.Option("--max-votes", min=1,
                                                  help="Bound on every vote figure.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds in all.")] = 60.0,
    no_minimize: Annotated[bool, typer.Option("--no-minimize",
                                              help="Any election, not the fewest votes.")] = False,
    tier_a: Annotated[str | None, typer.Option("--tier-a", help="Tier of RULES_A (if several).")] = None,
    tier_b: Annotated[str | None, typer.Option("--tier-b", help="Tier of RULES_B (if several).")] = None,
    format: Annotated[VerifyFormat, typer.Option("--format", "-f")] = VerifyFormat.table,
) -> None:
    """Find votes on which two systems give some list at least K seats apart (fewest votes first),
    or prove with Z3 that none exist. Exit 0 found, 1 none, 3 unknown."""
    from hemicycle import verify as v

    a, b = _load_rules(rules_a), _load_rules(rules_b)
    with _verifier_errors():
        result = v.distinguish(a.model, b.model, k=k, parties=parties, max_votes=max_votes,
                               timeout=timeout, minimize=not no_minimize, tier_a=tier_a,
                               tier_b=tier_b)
    if format is VerifyFormat.json:
        emit(json_text({"rules_a": a.path, "rules_b": b.path, **result.to_json()}) + "\n")
    else:
        out.print(v.format_distinguish(result))
    code = {"found": EXIT_OK, "none": EXIT_FAILED}.get(result.status.value, EXIT_UNKNOWN)
    raise typer.Exit(code)


@app.command()
def reproduce(
    targets: Annotated[list[str] | None, typer.Argument(
        metavar="[RULES_AND_DATA]...",
        help="Bundled election names, index files (TOML), or RULES=VOTES pairs; default: every "
             "bundled election.")] = None,
    format: Annotated[VerifyFormat, typer.Option("--format", "-f", help="Output format.")] = VerifyFormat.table,
) -> None:
    """Run real elections against their rule files and compare with the official seats."""
    from hemicycle import reproduce as rp

    try:
        results = rp.reproduce(targets or [])
    except rp.InputError as e:
        fail(f"error: {e}")
    if format is VerifyFormat.json:
        emit(json_text(rp.to_json(results)) + "\n")
    else:
        out.print(rp.render_table(results))
        for r in results:
            for note in ([r.index_notes] if r.index_notes else []) + r.notes:
                out.print(f"Note ({r.election}): {note}")
        matched = sum(r.match for r in results)
        out.print(f"{matched} of {len(results)} reproduced")
    raise typer.Exit(EXIT_OK if all(r.match for r in results) else EXIT_FAILED)


class UncertaintyModel(str, Enum):
    dirichlet = "dirichlet"
    normal = "normal"


@app.command()
def compare(
    rules: Annotated[list[str], typer.Argument(help="Rule files or bundled names, one per system.")],
    votes: Annotated[list[str], typer.Option("--votes", "-v", help="Vote file or bundled election; once for "
                                                                   "all systems, or once per system in order.")],
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report.")] = None,
    properties: Annotated[bool, typer.Option("--properties/--no-properties",
                                             help="Check the catalogue properties with Z3 (cached).")] = True,
    parties: Annotated[int, typer.Option("--parties", min=2, max=8,
                                         help="Lists in the property checks.")] = 3,
    property_timeout: Annotated[float, typer.Option("--property-timeout", min=0.1,
                                                    help="Seconds per property.")] = 10.0,
    curve: Annotated[list[str] | None, typer.Option("--curve", help="Exact seat-vote curve of a list "
                                                                     "(repeatable).")] = None,
    swing: Annotated[list[str] | None, typer.Option(
        "--swing", help="Vote change before allocating: ABBR=+2% (points of the list votes, others in "
                        "proportion) or ABBR=-5000 (votes). Repeatable.")] = None,
    margins: Annotated[bool, typer.Option("--margins", help="Votes each list must gain (or may lose) to "
                                                            "change its seats.")] = False,
    simulate: Annotated[int, typer.Option("--simulate", min=0, help="Simulated elections for the seat "
                                                                    "distribution (e.g. 1000000).")] = 0,
    model: Annotated[UncertaintyModel, typer.Option("--model")] = UncertaintyModel.dirichlet,
    concentration: Annotated[float, typer.Option("--concentration", min=1.0)] = 2000.0,
    se: Annotated[list[str] | None, typer.Option("--se", help="Standard error of a list's share for "
                                                              "--model normal, ABBR=0.01.")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    total: Annotated[list[str] | None, typer.Option("--total", help="A total the vote file lacks, NAME=N.")] = None,
) -> None:
    """Compare systems on the same votes: seats side by side, indices, properties, what-ifs."""
    from hemicycle.compare import compare as run_compare
    from hemicycle.compare import property_verdicts
    from hemicycle.whatif import WhatIfError, apply_swings, seat_margins, seat_vote_curve

    if len(votes) not in (1, len(rules)):
        fail(f"error: {len(rules)} systems but {len(votes)} vote files: give --votes once, or once per system")
    if html is not None:
        _refuse_overwriting(html, [locate_rules(r).path for r in rules] + [locate_election(v).path for v in votes],
                            "--html")
    systems = [_load_rules(r) for r in rules]
    own = None
    if len(votes) > 1:
        if swing or margins or simulate or curve:
            fail("error: --swing, --margins, --simulate and --curve need one vote file for all systems")
        own = [(Path(locate_election(v).path).stem, _load_votes(v, _parse_totals(total), s.model))
               for v, s in zip(votes, systems, strict=True)]
        election = own[0][1]
    else:
        election = _load_votes(votes[0], _parse_totals(total), *(s.model for s in systems))
    try:
        if swing:
            election = apply_swings(election, swing)
        verdicts = None
        if properties:
            def verdicts(r):  # type: ignore[no-untyped-def]
                from hemicycle import verify as v

                try:
                    return property_verdicts(r, parties=parties, timeout=property_timeout)
                except v.VerifyError as e:
                    err.print(f"note: {r.path}: properties not checked: {e}")
                    return None
        comparison = run_compare(systems, election, properties=verdicts, elections=own)
        curves = [seat_vote_curve(r, election, abbr) for abbr in (curve or []) for r in systems]
        margin_table = {s.label: seat_margins(s.rules, election) for s in comparison.systems} if margins else {}
        distributions = []
        if simulate:
            from hemicycle.uncertainty import seat_distribution

            errors = {}
            for item in se or []:
                a, _, val = item.partition("=")
                errors[a.strip()] = float(val)
            with progress(err) as bar:
                for r in systems:
                    task = bar.add_task(f"simulating {Path(r.path).stem}", total=simulate)
                    distributions.append(seat_distribution(
                        r, election, simulate, model=model.value, concentration=concentration,
                        standard_errors=errors, seed=seed, progress=lambda k, t=task: bar.advance(t, k)))
    except (AllocationError, WhatIfError, ValueError) as e:
        fail(f"error: {e}")
    if format is Format.json:
        data = comparison.to_json()
        if curves:
            data["curves"] = [c.to_json() for c in curves]
        if margin_table:
            data["margins"] = {k: [mg.to_json() for mg in v] for k, v in margin_table.items()}
        if distributions:
            data["uncertainty"] = [d.to_json() for d in distributions]
        emit(json_text(data) + "\n")
    elif format is Format.csv:
        emit(comparison.csv())
    else:
        from hemicycle.reports import comparison_tables

        for table in comparison_tables(comparison, curves, margin_table, distributions):
            out.print(table)
    if format is not Format.json:
        for note in sorted({n for s in comparison.systems for n in s.result.notes}):
            (out if format is Format.table else err).print(f"Note: {note}")
    if html is not None:
        from hemicycle.html import comparison_html

        try:
            html.write_text(comparison_html(comparison, curves=curves, margins=margin_table,
                                            distributions=distributions), "utf-8")
        except OSError as e:
            fail(f"error: {html}: cannot write: {e.strerror}")
        err.print(f"wrote {html}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on. The default serves this machine "
                                                     "only; any other address lets everyone who can reach it "
                                                     "use the workbench.")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in a web browser.")] = False,
) -> None:
    """Run the workbench in a browser: edit rules, see the seats, compare, verify (needs the [web] extra)."""
    try:
        from hemicycle.web.server import serve as run
    except ImportError as e:
        fail(f"error: hemicycle serve needs the [web] extra: pip install 'hemicycle[web]' (missing: {e.name})")
    try:
        run(host, port, open_browser=open_browser,
            say=lambda text: out.print(text),
            warn=lambda text: err.print(text))
    except OSError as e:
        fail(f"error: cannot listen on {host}:{port}: {e.strerror or e}")


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
            "with the command you ran.")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
