"""Code lenses: the seats the rule text being edited gives for the bundled elections it reproduces.

A rule file named like a bundled one (``kazakhstan-2021.elect``, wherever it is) is the rule file
that ``hemicycle/elections/index.toml`` pairs with one or more bundled elections (``hemicycle
reproduce``). Over its ``chamber`` clause the editor shows, for each of them, the seats that the
text *as it is now* gives on that election's official votes, and whether they are the official
seats; the lens's command shows the whole protocol (``protocol``). A text that does not parse,
or that the votes cannot be allocated under, gets a lens that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath

from hemicycle.diagnostics import RuleError
from hemicycle.display import escape_controls
from hemicycle.grammar import parse_rules
from hemicycle.interpreter import AllocationError, AllocationResult, allocate
from hemicycle.model import Chamber
from hemicycle.reading import VoteFileError
from hemicycle.reproduce import Case, InputError, bundled_cases, seats_text
from hemicycle.votes import VoteFile, check_for_rules, read_vote_file

COMMAND = "hemicycle.showProtocol"  # the client's command: asks the server for the protocol, shows it
SERVER_COMMAND = "hemicycle.protocol"  # workspace/executeCommand: [uri, election] -> the protocol text
MAX_TITLE = 160  # characters of a lens title (a message that quotes the rules is cut)


@dataclass(frozen=True)
class Lens:
    line: int  # 0-based line of the chamber clause
    title: str
    election: str


@cache
def _cases() -> tuple[Case, ...]:
    try:
        return tuple(bundled_cases())
    except InputError:  # a damaged installation: no lenses rather than a broken server
        return ()


def elections_for(path: str) -> list[Case]:
    """The bundled elections that the rule file at ``path`` reproduces (by its name)."""
    stem = PurePath(path).name.removesuffix(".elect")
    return [c for c in _cases() if c.rules == stem]


@lru_cache(maxsize=32)
def _vote_file(case: Case) -> VoteFile:
    return read_vote_file(case.votes_path)


def _allocate(chamber: Chamber, case: Case, explain: bool) -> AllocationResult:
    vote_file = _vote_file(case)
    check_for_rules(vote_file, chamber)
    return allocate(chamber, vote_file.election, explain=explain)


def _summary(chamber: Chamber, case: Case) -> str:
    try:
        result = _allocate(chamber, case, explain=False)
    except (AllocationError, VoteFileError) as e:
        return f"{case.election}: not allocated: {e}"
    order = [e.abbr for e in result.election.lists]
    text = seats_text(result.seats, order + list(result.appointed))
    official = _vote_file(case).official_seats
    if not official:
        return f"{case.election}: {text}"
    differ = [a for a in order if official.get(a) is not None and official[a] != result.seats[a]]
    if not differ:
        return f"{case.election}: {text} (the official seats)"
    first = differ[0]
    return (f"{case.election}: {text} (official: {first} {official[first]}; "
            f"{len(differ)} list{'s' if len(differ) > 1 else ''} differ)")


def _title(text: str) -> str:
    text = escape_controls(" ".join(text.split()))
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


@lru_cache(maxsize=8)
def lenses(text: str, path: str) -> tuple[Lens, ...]:
    """The lenses of the rule text ``text`` of the file at ``path``: none when the file
    reproduces no bundled election."""
    cases = elections_for(path)
    if not cases:
        return ()
    try:
        chamber = parse_rules(text, path)
    except RuleError as e:
        line = max(0, e.diagnostics[0].span.line - 1) if e.diagnostics else 0
        return tuple(Lens(line, _title(f"{c.election}: the rules do not parse yet"), c.election) for c in cases)
    line = max(0, chamber.span.line - 1)
    return tuple(Lens(line, _title("▶ " + _summary(chamber, c)), c.election) for c in cases)


def protocol(text: str, path: str, election: str) -> str:
    """The protocol (``hemicycle allocate --explain``) of the rule text on a bundled election's
    votes, or what stops it."""
    case = next((c for c in elections_for(path) if c.election == election), None)
    if case is None:
        return f"{PurePath(path).name} reproduces no bundled election named {election!r}"
    try:
        chamber = parse_rules(text, path)
    except RuleError as e:
        return e.render()
    try:
        result = _allocate(chamber, case, explain=True)
    except (AllocationError, VoteFileError) as e:
        return f"{case.election}: not allocated: {e}"
    head = [f"# {case.election}, under the rules being edited ({PurePath(path).name})"]
    if case.notes:
        head.append(f"# {case.notes}")
    return "\n".join([*head, "", result.explain(), ""])
