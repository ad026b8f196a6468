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
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

from hemicycle.api import (
    Located,
    Rules,
    bundled_elections,
    bundled_rules,
    close_names,
    is_name,
    locate_election,
    locate_rules,
)
from hemicycle.cli_options import (
    PARTIES_HELP,
    RULES_HELP,
    TIMEOUT_HELP,
    VOTES_HELP,
    ArchOrder,
    ArchOrderOption,
    CacheOption,
    ComparePartiesOption,
    ComparePropertiesOption,
    CompareRulesArgument,
    CompareSimulateOption,
    CompareVotesOption,
    ConcentrationOption,
    ContestOption,
    CurveOption,
    Engine,
    EngineOption,
    FixOption,
    Format,
    GridOption,
    HtmlOption,
    IndicesCsvOption,
    LabelOption,
    MarginsOption,
    ModelOption,
    NoCacheOption,
    PicturesOption,
    PngOption,
    PropertyTimeoutOption,
    QuietOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    StandardErrorOption,
    SweepFormatOption,
    SweepOutOption,
    SweepPartiesOption,
    SweepPropertiesOption,
    SweepRulesArgument,
    SweepSimulateOption,
    SweepTimeoutOption,
    SweepVotesOption,
    SwingOption,
    TableFormat,
    TableFormatOption,
    TotalOption,
    UncertaintyModel,
    WorkersOption,
)
from hemicycle.diagnostics import RuleError
from hemicycle.display import DataConsole, Steps, escape_controls, json_text, name_with_abbr
from hemicycle.grammar.parser import MAX_RULE_BYTES, decode_rule_bytes, read_rule_text
from hemicycle.interpreter import AllocationError
from hemicycle.model import Chamber
from hemicycle.version import __version__

if TYPE_CHECKING:
    from hemicycle.family import Family
    from hemicycle.sweep.run import SweepResult
    from hemicycle.sweep.spec import SweepSpec
from hemicycle.reports import district_csv, district_tables, result_csv, result_json_text, result_tables
from hemicycle.tables import render as render_tables
from hemicycle.tables import to_rich
from hemicycle.validate import parse_figure, standard_error

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




class VerifyFormat(str, Enum):
    table = "table"
    json = "json"


VerifyFormatOption = Annotated[VerifyFormat, typer.Option("--format", "-f", help="table: for people; json: for "
                                                                                   "programs.")]


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


VOTE_SUFFIXES = (".json", ".csv", ".tsv", ".xml", ".eml")


def _looks_like_votes(arg: str) -> bool:
    """Whether a RULES argument names a vote file: by its extension, or as the name of a bundled
    election that is not also a bundled rule file."""
    if is_name(arg):
        return arg in bundled_elections() and arg not in bundled_rules()
    return Path(arg).suffix.lower() in VOTE_SUFFIXES


def _looks_like_rules(arg: str) -> bool:
    """Whether a VOTES argument names a rule file (``.elect``, or a bundled rule file's name only)."""
    if is_name(arg):
        return arg in bundled_rules() and arg not in bundled_elections()
    return Path(arg).suffix.lower() == ".elect"


def _swapped(rules: str, votes: str, command: str) -> None:
    """Refuse RULES and VOTES given the other way round (or a vote file for the rules), saying so."""
    if _looks_like_votes(rules) and _looks_like_rules(votes):
        fail(f"error: the arguments are the wrong way round: the rule file comes first, then the votes: "
             f"hemicycle {command} {votes} {rules}")
    if _looks_like_votes(rules):
        fail(f"error: {rules} is a vote file, given where the rule file goes: hemicycle {command} RULES VOTES")
    if _looks_like_rules(votes):
        fail(f"error: {votes} is a rule file, given where the votes go: hemicycle {command} RULES VOTES")


def _missing(arg: str, names: list[str], what: str) -> str:
    """The message for a file that does not exist, with the bundled names it may mean."""
    stem = Path(arg).name
    for suffix in (".elect", ".json"):
        stem = stem.removesuffix(suffix)
    close = close_names(stem, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    if is_name(arg):
        return f"error: {arg}: neither a file nor a bundled {what}{hint or '; hemicycle list shows them'}"
    return f"error: {arg}: no such file{hint}"


def _parse_sets(items: list[str] | None) -> dict[str, str]:
    from hemicycle.family import GridError, parse_assignment

    sets: dict[str, str] = {}
    for item in items or []:
        try:
            name, value = parse_assignment(item, "--set")
        except GridError as e:
            fail(f"error: {e}")
        if name in sets:
            fail(f"error: --set {name} is given twice")
        sets[name] = value
    return sets


def _rules_path(rules: str) -> Path:
    """The rule file a RULES argument names; a vote file or a missing file is refused, with the
    bundled names it may mean."""
    if _looks_like_votes(rules):
        fail(f"error: {rules} is a vote file, given where a rule file goes (hemicycle list shows the bundled "
             "rule files)")
    located = locate_rules(rules)
    if not located.path.exists():
        fail(_missing(rules, bundled_rules(), "rule file"))
    return _located(located)


def _family(name: str) -> Family:
    """The family (a rule file, with or without parameters) a RULES argument names."""
    from hemicycle.family import Family

    path = _rules_path(name)
    try:
        return Family.load(path)
    except RuleError as e:
        fail(e.render() + _vote_file_hint(path, e))


def _load_all(names: list[str], sets: list[str] | None = None) -> list[Rules]:
    """Rule files bound with ``--set`` values: each file takes the names it declares; a name that
    no file declares is an error."""
    given = _parse_sets(sets)
    families = [_family(n) for n in names]
    for name in given:
        if not any(name in f.names for f in families):
            declared = "; ".join(f"{Path(f.file).name}: {', '.join(f.names) or 'none'}" for f in families)
            fail(f"error: --set {name}: no rule file declares a parameter {name!r} (parameters: {declared})")
    rules = []
    for f in families:
        try:
            rules.append(Rules(f.bind({k: v for k, v in given.items() if k in f.names})))
        except RuleError as e:
            fail(e.render() + _vote_file_hint(Path(f.file), e))
    return rules


def _vote_file_hint(path: Path, error: RuleError) -> str:
    """A rule file that does not parse from its first word but reads like a vote file (JSON, or a
    CSV header with an abbr column) was most likely given in the wrong place."""
    first = error.diagnostics[0] if error.diagnostics else None
    if first is None or first.span.line > 1:
        return ""
    head = (error.source or "").lstrip()[:200].lower()
    if head.startswith(("{", "[", "<?xml", "<")) or (re.match(r"[a-z_]*\s*[,;\t]", head) and "abbr" in head):
        return f"\n  note: {path} reads like a vote file: the rule file comes first, then the votes"
    return ""


def _load_rules(rules: str, sets: list[str] | None = None) -> Rules:
    return _load_all([rules], sets)[0]


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
        if not sep:
            fail(f"error: --total {escape_controls(item)!r}: write NAME=N with a whole number in the digits 0-9, "
                 "e.g. invalid=297718")
        try:
            totals[name] = parse_figure(value, name)
        except ValueError as e:
            fail(f"error: --total {escape_controls(str(e))}")
    return totals


def _load_votes(votes: str, totals: dict[str, int], *chambers: Chamber, contest: str | None = None):  # type: ignore[no-untyped-def]
    """The election of a vote file (``contest``: of a NIST or EML file with several), refused when
    it cannot serve the rules of ``chambers``."""
    from hemicycle.votes import VoteFileError, read_votes_for_rules

    located = locate_election(votes)
    if not located.path.exists():
        fail(_missing(votes, bundled_elections(), "election"))
    try:
        return read_votes_for_rules(_located(located), chambers, totals=totals or None,
                                    contest=contest).election
    except VoteFileError as e:
        fail(f"error: {e}")


def _version(value: bool) -> None:
    if value:
        out.print(f"hemicycle {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, metavar="",
                                          help="Show the version and exit.")] = False,
) -> None:
    """hemicycle: electoral rules as code."""


@app.command()
def allocate(
    rules: Annotated[str, typer.Argument(metavar="RULES", help=RULES_HELP)],
    votes: Annotated[str, typer.Argument(metavar="VOTES", help=VOTES_HELP)],
    format: TableFormatOption = TableFormat.table,
    explain: Annotated[bool, typer.Option("--explain", metavar="", help="Also the step-by-step protocol (on "
                                          "stderr for the machine formats).")] = False,
    total: TotalOption = None,
    invalid: Annotated[int | None, typer.Option("--invalid", min=0, metavar="N",
                                                help="Invalid ballots (the same as --total invalid=N).")] = None,
    contest: ContestOption = None,
    districts: Annotated[bool, typer.Option(
        "--districts", metavar="", help="Also the seats in each district (a district x list table; with --format "
                                        "csv, one row per district and list).")] = False,
    district: Annotated[str | None, typer.Option(
        "--district", metavar="NAME", help="With --explain: the protocol of this district only (besides the "
                                           "national steps).")] = None,
    set_: SetOption = None,
) -> None:
    """Allocate seats for the votes in VOTES under the rules in RULES."""
    _swapped(rules, votes, "allocate")
    chamber_rules = _load_rules(rules, set_)
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
    tables = result_tables(result)
    notes = tables[0].notes
    if result.districts and (districts or not result.election.lists):  # an apportionment: its districts alone
        tables = (tables if result.election.lists else []) + district_tables(result)
    if format is TableFormat.json:
        out.print_json(result_json_text(result)) if sys.stdout.isatty() else emit(result_json_text(result) + "\n")
    elif format is TableFormat.csv:
        emit(district_csv(result) if districts else result_csv(result))
        _notes_on_stderr(notes)  # not in the CSV itself, which spreadsheets read
    elif format in (TableFormat.markdown, TableFormat.latex):
        emit(render_tables(tables, format.value))
    else:
        for table in tables:
            out.print(to_rich(table))
        for line in notes:
            out.print(line)
    if explain:
        text = result.explain(district)
        if format is TableFormat.table:
            out.print()
            out.print(text)
        else:
            err.print(text)


def _notes_on_stderr(lines: list[str]) -> None:
    """The ties and notes of a result whose output has no room for them (CSV), on stderr."""
    for line in lines:
        err.print(line[:1].lower() + line[1:])


class ExportFormat(str, Enum):
    nist = "nist"
    eml = "eml"


@app.command()
def export(
    rules: Annotated[str, typer.Argument(metavar="RULES", help=RULES_HELP)],
    votes: Annotated[str, typer.Argument(metavar="VOTES", help=VOTES_HELP)],
    to: Annotated[ExportFormat, typer.Option("--to", "-t", help="nist: NIST SP 1500-100 v2 JSON; eml: OASIS "
                                                                "EML 520 XML.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="File to write (default: stdout).")] = None,
    contest: ContestOption = None,
    election_date: Annotated[str | None, typer.Option(
        "--election-date", metavar="YYYY-MM-DD",
        help="Election day (NIST requires it; default: the date the vote file states).")] = None,
    total: TotalOption = None,
    set_: SetOption = None,
) -> None:
    """Allocate seats and write the result in a standard format (NIST 1500-100 JSON or EML 520)."""
    from hemicycle.formats import vote_file_date
    from hemicycle.formats.eml import export_eml520
    from hemicycle.formats.nist import export_nist_text

    _swapped(rules, votes, "export")
    if output is not None:
        _refuse_overwriting(output, [locate_rules(rules).path, locate_election(votes).path], "--output")
    chamber_rules = _load_rules(rules, set_)
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
    rules: Annotated[list[Path], typer.Argument(metavar="RULES", help="Rule files to format in place ('-': stdin "
                                                                      "to stdout).")],
    check_only: Annotated[bool, typer.Option("--check", metavar="", help="Change nothing; exit 1 if a file is not in "
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
    rules: Annotated[list[str], typer.Argument(metavar="RULES", help="Rule files or bundled names: every one "
                                               "is checked and every error reported.")],
    strict: Annotated[bool, typer.Option("--strict", metavar="", help="Treat warnings as failures.")] = False,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", metavar="NAME=VALUE", help="Fix a parameter and check the combinations of the others. "
                                            "Repeatable.")] = None,
) -> None:
    """Parse rule files and run static checks (seats add up, names, clauses that never apply); a
    file with parameters is checked in every combination of their values. Exit 0 all ok, 1 a
    check failed, 2 a file cannot be read or parsed."""
    from hemicycle.family import GridError

    given = _parse_sets(set_)
    families = [_check_family(name) for name in rules]
    unreadable = any(f is None for f in families)
    loaded = [f for f in families if f is not None]
    for name in given:
        if loaded and not any(name in f.names for f in loaded):
            fail(f"error: --set {name}: no rule file declares a parameter {name!r}")
    failed = False
    for family in loaded:
        try:
            result = family.check(_fixed(family, given))
        except GridError as e:
            fail(f"error: {e}")
        for found in result.found:
            err.print(result.render(found), markup=False, highlight=False)
        unreadable |= result.unreadable
        if result.errors or (strict and result.warnings):
            failed = True
        else:
            combos = f", {result.combinations} combinations" if result.family.parameters else ""
            out.print(f"{result.family.file}: ok ({len(result.warnings)} warning(s){combos})", markup=False,
                      highlight=False)
    if len(rules) > 1 and (failed or unreadable):
        err.print(f"{len(rules)} files checked: not all are ok")
    raise typer.Exit(EXIT_INPUT if unreadable else EXIT_FAILED if failed else EXIT_OK)


def _check_family(name: str) -> Family | None:
    """``_family`` for ``check``: a file that cannot be found, read or parsed is reported, and the
    next one checked."""
    try:
        return _family(name)
    except typer.Exit:
        return None


def _fixed(family: Family, given: dict[str, str]) -> dict[str, list[Any]]:
    """The values ``--set`` fixes for the parameters ``family`` declares."""
    fixed = {}
    for name, value in given.items():
        if name in family.names:
            param = family.parameter(name)
            chosen = param.value(value)
            if chosen is None:
                fail(f"error: --set {name}={value}: not a value of {name!r}, which takes {param.domain}")
            fixed[name] = [chosen]
    return fixed


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


VERIFY_PARTIES, VERIFY_TIMEOUT = 5, 60.0  # verify and distinguish


@app.command()
def verify(
    rules: Annotated[str, typer.Argument(metavar="RULES", help=RULES_HELP)],
    property: Annotated[list[str] | None, typer.Option(
        "--property", "-p", metavar="NAME", help="Property to check (repeatable); default: the whole "
                                                 "catalogue (docs/verify.md).")] = None,
    parties: Annotated[int, typer.Option("--parties", "-n", min=1, max=50, metavar="N",
                                         help=PARTIES_HELP)] = VERIFY_PARTIES,
    max_votes: Annotated[int | None, typer.Option("--max-votes", min=1, metavar="N",
                                                  help="Bound on each list's votes (default: none).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, metavar="SECONDS",
                                           help=TIMEOUT_HELP)] = VERIFY_TIMEOUT,
    minimize: Annotated[bool, typer.Option("--minimize", metavar="", help="Smallest counterexample by total "
                                                                         "votes.")] = False,
    tier: Annotated[str | None, typer.Option("--tier", metavar="NAME", help="Tier to verify (default: "
                                                                           "each).")] = None,
    property_file: Annotated[Path | None, typer.Option("--property-file", metavar="FILE",
                                                       help="File of user-defined properties (.props).")] = None,
    format: VerifyFormatOption = VerifyFormat.table,
    quiet: QuietOption = False,
    no_search: Annotated[bool, typer.Option("--no-search", metavar="", help="Ask the solver alone "
                                                                           "(no random pre-search).")] = False,
    set_: SetOption = None,
    seats: Annotated[int | None, typer.Option("--seats", min=1, metavar="N", help="Chambers with levels: "
                                              "verify at N seats, every seat number of the rules scaled in "
                                              "proportion (default: the rules' own); apportioned districts: "
                                              "the level at N seats.")] = None,
    units: Annotated[int, typer.Option("--units", min=1, max=6, metavar="K", help="Chambers with levels: "
                                       "upper units (Länder) of the symbolic election.")] = 2,
    districts: Annotated[int | None, typer.Option(
        "--districts", min=1, max=20, metavar="K", help="Units of a level whose magnitudes are apportioned "
                                                        "(`apportion by ...`) or given by the vote file "
                                                        "(default 3).")] = None,
    max_magnitude: Annotated[int | None, typer.Option(
        "--max-magnitude", min=1, max=50, metavar="M", help="Magnitudes from the vote file: each district's "
                                                            "ranges over 1..M (default 3).")] = None,
) -> None:
    """Prove or refute properties of the rules with Z3, for every vote vector within bounds.
    Exit 0 all proved, 1 one refuted, 3 one unknown."""
    from hemicycle import verify as v

    chamber_rules = _load_rules(rules, set_)
    with _verifier_errors(), Steps(err, enabled=not quiet) as steps:
        results = v.verify(
            chamber_rules.model, property, parties=parties, max_votes=max_votes, timeout=timeout,
            minimize=minimize, tier=tier, property_file=property_file, search=not no_search,
            progress=steps.callback(f"verify {Path(chamber_rules.path).stem}"), seats=seats, units=units,
            districts=districts, max_magnitude=max_magnitude,
        )
    if format is VerifyFormat.json:
        emit(json_text({"rules": chamber_rules.path, "results": [r.to_json() for r in results]}) + "\n")
    else:
        from hemicycle.verify.report import render_table

        out.print(render_table(results))
    statuses = {r.status for r in results}
    if "error" in statuses:
        err.print("internal error: for the properties marked `error` the Z3 encoding and the "
                  "interpreter disagree (a bug in hemicycle; please report it with the command "
                  "you ran); the other results stand.", markup=False, highlight=False)
        raise typer.Exit(EXIT_INTERNAL)
    if "refuted" in statuses:
        raise typer.Exit(EXIT_FAILED)
    if "unknown" in statuses:
        raise typer.Exit(EXIT_UNKNOWN)
    raise typer.Exit(EXIT_OK)


@app.command()
def distinguish(
    rules_a: Annotated[str, typer.Argument(metavar="RULES_A", help="First rule file or bundled name.")],
    rules_b: Annotated[str, typer.Argument(metavar="RULES_B", help="Second rule file or bundled name.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, metavar="K", help="Seats apart (some list).")] = 1,
    parties: Annotated[int, typer.Option("--parties", "-n", min=1, max=50, metavar="N",
                                         help=PARTIES_HELP)] = VERIFY_PARTIES,
    max_votes: Annotated[int | None, typer.Option("--max-votes", min=1, metavar="N",
                                                  help="Bound on every vote figure (default: none).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, metavar="SECONDS",
                                           help="Seconds in all (then unknown).")] = VERIFY_TIMEOUT,
    no_minimize: Annotated[bool, typer.Option("--no-minimize", metavar="",
                                              help="Any election, not the fewest votes.")] = False,
    tier_a: Annotated[str | None, typer.Option("--tier-a", metavar="NAME",
                                               help="Tier of RULES_A (if several).")] = None,
    tier_b: Annotated[str | None, typer.Option("--tier-b", metavar="NAME",
                                               help="Tier of RULES_B (if several).")] = None,
    format: VerifyFormatOption = VerifyFormat.table,
    quiet: QuietOption = False,
    set_a: Annotated[list[str] | None, typer.Option("--set-a", metavar="NAME=VALUE",
                                                    help="A parameter value for RULES_A (repeatable).")] = None,
    set_b: Annotated[list[str] | None, typer.Option("--set-b", metavar="NAME=VALUE",
                                                    help="A parameter value for RULES_B (repeatable).")] = None,
) -> None:
    """Find votes on which two systems give some list at least K seats apart (fewest votes first),
    or prove with Z3 that none exist. Exit 0 found, 1 none, 3 unknown."""
    from hemicycle import verify as v

    a, b = _load_rules(rules_a, set_a), _load_rules(rules_b, set_b)
    what = f"distinguish {Path(a.path).stem} and {Path(b.path).stem}"
    with _verifier_errors(), Steps(err, enabled=not quiet) as steps:
        result = v.distinguish(a.model, b.model, k=k, parties=parties, max_votes=max_votes,
                               timeout=timeout, minimize=not no_minimize, tier_a=tier_a,
                               tier_b=tier_b, progress=steps.callback(what))
    if format is VerifyFormat.json:
        emit(json_text({"rules_a": a.path, "rules_b": b.path, **result.to_json()}) + "\n")
    else:
        out.print(v.format_distinguish(result))
    code = {"found": EXIT_OK, "none": EXIT_FAILED}.get(result.status.value, EXIT_UNKNOWN)
    raise typer.Exit(code)


@app.command()
def reproduce(
    targets: Annotated[list[str] | None, typer.Argument(
        metavar="TARGETS",
        help="Bundled election names, index files (TOML), or RULES=VOTES pairs; default: every "
             "bundled election.")] = None,
    format: VerifyFormatOption = VerifyFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Run real elections against their rule files and compare with the official seats.
    Exit 0 all reproduced, 1 one was not."""
    from hemicycle import reproduce as rp

    try:
        with Steps(err, enabled=not quiet) as steps:
            results = rp.reproduce(targets or [], progress=steps.callback("reproduce"))
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


COMPARE_PARTIES, COMPARE_TIMEOUT = 3, 10.0  # lighter than verify's: the catalogue runs for every system


@app.command()
def compare(
    rules: CompareRulesArgument,
    votes: CompareVotesOption,
    format: TableFormatOption = TableFormat.table,
    label: LabelOption = None,
    html: HtmlOption = None,
    pictures: PicturesOption = None,
    png: PngOption = False,
    order: ArchOrderOption = ArchOrder.position,
    indices_csv: IndicesCsvOption = None,
    properties: ComparePropertiesOption = True,
    parties: ComparePartiesOption = COMPARE_PARTIES,
    property_timeout: PropertyTimeoutOption = COMPARE_TIMEOUT,
    curve: CurveOption = None,
    swing: SwingOption = None,
    margins: MarginsOption = False,
    simulate: CompareSimulateOption = 0,
    model: ModelOption = UncertaintyModel.dirichlet,
    concentration: ConcentrationOption = 2000.0,
    se: StandardErrorOption = None,
    seed: SeedOption = 0,
    total: TotalOption = None,
    quiet: QuietOption = False,
    set_: SetOption = None,
) -> None:
    """Compare systems on the same votes: seats side by side, indices, properties, what-ifs."""
    if len(votes) not in (1, len(rules)):
        fail(f"error: {len(rules)} systems but {len(votes)} vote files: give --votes once, or once per system")
    for path, option in ((html, "--html"), (indices_csv, "--indices-csv")):
        if path is not None:
            _refuse_overwriting(path, [locate_rules(r).path for r in rules] + [locate_election(v).path for v in votes],
                                option)
    if png and pictures is None:
        fail("error: --png writes a PNG next to each SVG of --pictures: give --pictures FOLDER too")
    if label and len(label) > len(rules):
        fail(f"error: {len(label)} --label for {len(rules)} systems: give at most one per rule file, in order")
    systems = _load_all(rules, set_)
    own = None
    if len(votes) > 1:
        if swing or margins or simulate or curve:
            fail("error: --swing, --margins, --simulate and --curve need one vote file for all systems")
        own = [(Path(locate_election(v).path).stem, _load_votes(v, _parse_totals(total), s.model))
               for v, s in zip(votes, systems, strict=True)]
        election = own[0][1]
    else:
        election = _load_votes(votes[0], _parse_totals(total), *(s.model for s in systems))
    with Steps(err, enabled=not quiet) as steps:
        comparison, curves, margin_table, distributions = _compare_run(
            systems, election, steps, labels=label or [], own=own, properties=properties, parties=parties,
            property_timeout=property_timeout, curve=curve or [], swing=swing or [], margins=margins,
            simulate=simulate, model=model.value, concentration=concentration, se=se or [], seed=seed)
    _compare_output(comparison, curves, margin_table, distributions, format)
    if indices_csv is not None:
        _write(indices_csv, comparison.indices_csv())
    if html is not None:
        from hemicycle.html import comparison_html

        _write(html, comparison_html(comparison, curves=curves, margins=margin_table,
                                     distributions=distributions, order=order.value))
    if pictures is not None:
        _write_pictures(pictures, comparison, curves, order.value, png)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, "utf-8")
    except OSError as e:
        fail(f"error: {path}: cannot write: {e.strerror}")
    err.print(f"wrote {path}")


def _compare_run(systems: list[Rules], election: Any, steps: Steps, *, labels: list[str], own: Any,
                 properties: bool, parties: int, property_timeout: float, curve: list[str], swing: list[str],
                 margins: bool, simulate: int, model: str, concentration: float, se: list[str],
                 seed: int) -> tuple[Any, ...]:
    """The comparison and its what-ifs, with progress on ``steps``."""
    from hemicycle.compare import compare as run_compare
    from hemicycle.compare import property_verdicts
    from hemicycle.whatif import WhatIfError, apply_swings, seat_margins, seat_vote_curve

    try:
        if swing:
            election = apply_swings(election, swing)
        verdicts = None
        if properties:
            def verdicts(r):  # type: ignore[no-untyped-def]
                from hemicycle import verify as v

                try:
                    return property_verdicts(r, parties=parties, timeout=property_timeout,
                                             progress=steps.callback(f"properties of {Path(r.path).stem}"))
                except v.VerifyError as e:
                    err.print(f"note: {r.path}: properties not checked: {e}")
                    return None
        comparison = run_compare(systems, election, properties=verdicts,
                                 labels=[*labels, *[None] * (len(systems) - len(labels))], elections=own)
        known = [e.abbr for e in election.lists]
        for abbr in curve:
            if abbr not in known:
                fail(f"error: --curve {abbr}: no list of that abbreviation{_did_you_mean(abbr, known)}; "
                     f"the lists: {', '.join(known)}")
        curves = [seat_vote_curve(r, election, abbr) for abbr in curve for r in systems]
        margin_table = {s.label: seat_margins(s.rules, election) for s in comparison.systems} if margins else {}
        distributions = _simulations(comparison, election, steps, simulate, model, concentration, se, seed)
    except (AllocationError, WhatIfError, ValueError) as e:
        fail(f"error: {e}")
    return comparison, curves, margin_table, distributions


def _did_you_mean(word: str, names: list[str]) -> str:
    close = close_names(word, names, n=1) or close_names(word.lower(), [n.lower() for n in names], n=1)
    if not close:
        return ""
    match = next((n for n in names if n.lower() == close[0].lower()), close[0])
    return f" (did you mean {match}?)"


def _simulations(comparison: Any, election: Any, steps: Steps, simulate: int, model: str, concentration: float,
                 se: list[str], seed: int) -> list[Any]:
    if not simulate:
        return []
    from hemicycle.uncertainty import seat_distribution

    errors = {}
    for item in se:
        a, sep, val = item.partition("=")
        if not sep:
            fail(f"error: --se {escape_controls(item)!r}: write ABBR=SE, e.g. ABBR=0.01")
        errors[a.strip()] = standard_error(val, f"--se {escape_controls(a.strip())}")
    out = []
    for s in comparison.systems:
        report = steps.callback(f"simulating {s.label}")
        done = [0]

        def advance(k: int, report: Any = report, done: list[int] = done) -> None:
            done[0] += k
            if report is not None:
                report(done[0], simulate, "")

        out.append(seat_distribution(s.rules, election, simulate, model=model, concentration=concentration,
                                     standard_errors=errors, seed=seed, progress=advance))
    return out


def _compare_output(comparison: Any, curves: list[Any], margin_table: dict[str, Any], distributions: list[Any],
                    format: TableFormat) -> None:
    """The comparison on stdout in ``format``; its ties and notes with it (in the tables, or on
    stderr for CSV; the JSON holds them)."""
    from hemicycle.reports import comparison_table_data, needs_keys

    if format is TableFormat.json:
        data = comparison.to_json()
        if curves:
            data["curves"] = [c.to_json() for c in curves]
        if margin_table:
            data["margins"] = {k: [mg.to_json() for mg in v] for k, v in margin_table.items()}
        if distributions:
            data["uncertainty"] = [d.to_json() for d in distributions]
        emit(json_text(data) + "\n")
        return
    tables = comparison_table_data(comparison, curves, margin_table, distributions,
                                   keys=format is TableFormat.table and needs_keys(comparison, out.width))
    if format is TableFormat.csv:
        emit(comparison.csv())
        _notes_on_stderr([n for t in tables for n in t.notes if n.startswith(("Tie", "Note"))])
    elif format in (TableFormat.markdown, TableFormat.latex):
        emit(render_tables(tables, format.value))
    else:
        for table in tables:
            out.print(to_rich(table))
            for line in table.notes:
                out.print(line)


def _write_pictures(folder: Path, comparison: Any, curves: list[Any], order: str, png: bool) -> None:
    """The parliaments (one SVG each and all in one) and the seat-vote curves, as SVG (and PNG)."""
    from hemicycle.html import arch_for, curve_picture
    from hemicycle.pictures import side_by_side

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"error: {folder}: cannot make the folder: {e.strerror}")
    data = comparison.to_json()
    arches = [arch_for(s, data["lists"], order) for s in data["systems"]]
    files = {f"parliament-{i + 1}.svg": svg for i, svg in enumerate(arches)}
    files["parliaments.svg"] = side_by_side(arches)
    labels = {s.path: s.label for s in comparison.systems}
    names = {e["abbr"]: e for e in data["lists"]}
    by_list: dict[str, list[Any]] = {}
    for c in curves:
        by_list.setdefault(c.abbr, []).append(c)
    total = max(1, comparison.election.list_votes)
    for abbr, cs in by_list.items():
        share = names[abbr]["votes"] / total * 100
        files[f"curve-{_file_word(abbr)}.svg"] = curve_picture(cs, share, labels,
                                                               name_with_abbr(names[abbr]["name"] or "", abbr))
    converter = _png_converter() if png else None
    for name, svg in files.items():
        _write(folder / name, svg + "\n")
        if converter is not None:
            try:
                converter(bytestring=svg.encode("utf-8"), write_to=str(folder / name.replace(".svg", ".png")),
                          output_width=2 * _svg_width(svg))
            except Exception as e:  # the converter's own errors: a picture it cannot draw
                fail(f"error: {name}: the PNG converter failed: {e}")
            err.print(f"wrote {folder / name.replace('.svg', '.png')}")


def _file_word(text: str) -> str:
    """``text`` as a safe part of a file name."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)[:60] or "list"


def _svg_width(svg: str) -> int:
    match = re.search(r'width="([0-9.]+)"', svg)
    return int(float(match.group(1))) if match else 600


def _png_converter() -> Any:
    try:
        import cairosvg  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except (ImportError, OSError) as e:  # OSError: the Cairo library itself is missing
        fail(f"error: --png needs the [plot] extra: pip install 'hemicycle[plot]' ({e})")
    return cairosvg.svg2png


@app.command()
def sweep(
    rules: SweepRulesArgument,
    votes: SweepVotesOption = None,
    grid: GridOption = None,
    set_: FixOption = None,
    properties: SweepPropertiesOption = None,
    parties: SweepPartiesOption = 4,
    timeout: SweepTimeoutOption = 30.0,
    simulate: SweepSimulateOption = 0,
    model: ModelOption = UncertaintyModel.dirichlet,
    concentration: ConcentrationOption = 2000.0,
    seed: SeedOption = 0,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    engine: EngineOption = Engine.auto,
    out_dir: SweepOutOption = None,
    format: SweepFormatOption = Format.table,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
    total: TotalOption = None,
    quiet: QuietOption = False,
) -> None:
    """Every combination of parameters x elections x (properties or simulations), on local
    processes or a Dask cluster, as one tidy table and a report with heat maps. Interrupted
    sweeps resume from the cache."""
    from hemicycle import sweep as sw
    from hemicycle.family import GridError

    try:
        given = _sweep_parameters(grid or [], set_ or [])
        elections = [x for v in votes or [] for x in ([v] if Path(v).exists() else v.split(",")) if x.strip()]
        spec = sw.build_spec(rules, votes=[x.strip() for x in elections], grid=given, properties=properties or [],
                             parties=parties, timeout=timeout, simulate=simulate, seed=seed, model=model.value,
                             concentration=concentration, totals=_parse_totals(total))
    except RuleError as e:
        fail(e.render())
    except (GridError, sw.SweepInputError) as e:
        fail(f"error: {e}")
    folder = None if no_cache else cache or (out_dir / "cache" if out_dir is not None else None)
    if folder is None and not no_cache:
        from hemicycle.sweep.cache import default_folder

        folder = default_folder()
    try:
        runner = sw.make_engine(engine.value, workers, scheduler)
    except sw.EngineError as e:
        fail(f"error: {e}")
    try:
        with Steps(err, enabled=not quiet) as steps:
            report = steps.callback(f"sweep of {len(spec.variants)} variants")
            result = sw.run_sweep(spec, runner, sw.Cache(folder),
                                  progress=lambda done, total: report(done, total) if report else None)
    finally:
        runner.close()
    _sweep_output(spec, result, format)
    err.print(f"{len(spec.variants)} variants, {result.units} units ({result.cached} from the cache) in "
              f"{result.seconds:.1f} s on {result.engine}", markup=False, highlight=False)
    if result.lost:
        err.print(f"warning: {result.lost} units were lost with their workers; they are marked 'error' and are "
                  "computed again by the next run", markup=False, highlight=False)
    if out_dir is not None:
        try:
            written = sw.write_outputs(result, out_dir)
        except OSError as e:
            fail(f"error: {out_dir}: cannot write: {e.strerror}")
        err.print(f"wrote {len(written)} files to {out_dir}", markup=False, highlight=False)


def _sweep_parameters(grid: list[str], fixed: list[str]) -> dict[str, str]:
    """The values given to the parameters, NAME -> VALUES, by --grid and --set (a parameter given
    twice is an error); a ``GridError`` for a malformed one."""
    from hemicycle.family import parse_assignment

    given: dict[str, str] = {}
    for item, option in [*((g, "--grid") for g in grid), *((s, "--set") for s in fixed)]:
        name, value = parse_assignment(item, option)
        if name in given:
            fail(f"error: {option} {name}: the parameter is given twice")
        given[name] = value
    return given


def _sweep_output(spec: SweepSpec, result: SweepResult, format: Format) -> None:
    """The sweep's rows on stdout: JSON, CSV, or the summary tables for people."""
    from hemicycle.sweep.table import columns, to_csv, to_json

    cols = columns(spec)
    if format is Format.json:
        sys.stdout.write(to_json(result.rows))
    elif format is Format.csv:
        sys.stdout.write(to_csv(result.rows, cols))
    else:
        from hemicycle.sweep.summary import summary_tables

        for table in summary_tables(result):
            out.print(table)


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, metavar="PORT",
                                      help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS",
                                      help="Address to listen on. The default serves this machine only; any other "
                                           "address lets everyone who can reach it use the workbench.")]
        = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", metavar="", help="Open the page in a web browser.")] = False,
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


def _plain_help(params: list[Any]) -> list[Any]:
    """Parameters as ``--help`` shows them without Python type names: a flag shows no type (Typer
    would print ``<bool>``), an argument none besides its name (``<str>``, ``<list[str]>``); every
    other option has its own metavar (``FILE``, ``N``, ``NAME=N``) or its choices."""
    for param in params:
        if isinstance(param, typer.core.TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
        elif isinstance(param, typer.core.TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


class _Command(typer.core.TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_help(super().get_params(ctx))


class _Group(typer.core.TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_help(super().get_params(ctx))


for _info in app.registered_commands:  # every command, whoever adds it
    if _info.cls in (None, typer.core.TyperCommand):
        _info.cls = _Command
app.info.cls = _Group


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
