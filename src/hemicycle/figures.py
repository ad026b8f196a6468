"""The figures of a vote file as read, in any format, checked against each other, made into an
``Election``.

Every reader (``hemicycle.votes`` for hemicycle's JSON and CSV, ``hemicycle.formats`` for NIST and
EML) fills a ``Raw`` record and hands it to ``finish``, so every format gets the same checks with
the same messages. A redundant figure is checked against the others, nationally and in every
region alike:

* the lists' votes (plus ``against_all``) add up to ``valid`` (at most ``valid`` when the file
  lacks some lists); no single figure of votes exceeds the ballots it is part of;
* ``valid + invalid (+ blank + disallowed) = ballots_cast`` (or ``= ballots_in_box``, with
  ``ballots_cast`` at least that);
* no count of voters exceeds ``registered``, and ``ballots_cast <= ballots_issued <= registered``;
* the lists' regional votes add up to at most their national votes, and each regional total to
  at most the national one;
* a published share (``reported_shares``, the turnout ``turnout_percent_reported``) agrees with
  the figures it is a share of, to the last decimal it is written with; where the figure it is a
  share of is unknown, all the shares of the same figure must agree with one value of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hemicycle.district_votes import units_to_json
from hemicycle.election import TOTALS, Election, ListEntry
from hemicycle.reading import MAX_LISTS, VoteFileError
from hemicycle.validate import check_sum

__all__ = ["CHECK_FIGURES", "REPORTED_BASES", "Raw", "Reported", "Row", "VoteFile", "election_to_json", "finish"]

# Figures a file may give only to make the consistency check exact (see the module docstring).
CHECK_FIGURES = ("disallowed", "ballots_in_box", "ballots_issued")  # blank ballots are a total (a base)
# Bases a reported share may be given for (the rule language's base names).
REPORTED_BASES = ("valid_votes", "ballots_cast", "list_votes", "votes_and_against_all", "registered_voters")


@dataclass(frozen=True)
class VoteFile:
    """Everything a vote file says: the ``Election`` plus what the ``Election`` cannot hold."""

    election: Election
    parties_complete: bool = True  # False: the file lacks some lists (no `list_votes` base)
    check_figures: Mapping[str, int] = field(default_factory=dict)  # see CHECK_FIGURES
    # The top-level keys the file gives, for the checks against the rules (an absent "agreements"
    # is not the same as "agreements": []).
    given: frozenset[str] = field(default=frozenset(), compare=False)
    # The official seats of each list the file gives them for (``hemicycle reproduce``).
    official_seats: Mapping[str, int | None] = field(default_factory=dict, compare=False)
    # ... and in the districts: (level, unit, list, seats), list None for a unit's own seats.
    official_units: tuple[tuple[str, str, str | None, int], ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        return election_to_json(
            self.election,
            parties_complete=self.parties_complete,
            check_figures=self.check_figures,
        )


@dataclass(frozen=True)
class Reported:
    """A published percentage: the exact share it was read as and the decimals it has."""

    share: Fraction
    decimals: int
    where: tuple[int | None, str]  # (row, field) for messages

    def bounds(self) -> tuple[Fraction, Fraction]:
        """The shares the published figure may stand for: one unit of its last decimal either way
        (it may have been rounded or truncated)."""
        unit = Fraction(1, 100 * 10**self.decimals)
        return self.share - unit, self.share + unit


@dataclass
class Row:
    row: int
    abbr: str
    votes: int
    name: str = ""
    registration_order: int | None = None
    ballot_order: int | None = None
    list_size: int | None = None
    tags: frozenset[str] = frozenset()
    official_seats: int | None = None  # the seats the list officially won (compared, never used)
    # Further ListEntry fields (district_seats, regional_votes, reported_shares,
    # reported_regional, combination, ...), passed through as they are.
    extra: dict[str, Any] = field(default_factory=dict)
    # Published shares to check (base -> Reported); the shares themselves are in extra.
    reported: dict[str, Reported] = field(default_factory=dict)


@dataclass
class Raw:
    name: str = ""
    rows: list[Row] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)
    # where each total / check figure came from: (row, field)
    origins: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    substitutes: dict[str, str] = field(default_factory=dict)
    complete: bool = True
    agreements: list[tuple[str, ...]] = field(default_factory=list)
    regions: dict[str, dict[str, int]] = field(default_factory=dict)
    turnout: Reported | None = None  # the published turnout: ballots_cast / registered
    is_csv: bool = False
    notes: list[str] = field(default_factory=list)  # what every output must say about the file
    given: set[str] = field(default_factory=set)  # top-level keys the file gives
    # Further Election fields, passed through as they are (``units``: the districts).
    extra: dict[str, Any] = field(default_factory=dict)
    unit_paths: dict[tuple[str, str], str] = field(default_factory=dict)  # (level, unit) -> its place in the file
    official_units: list[tuple[str, str, str | None, int]] = field(default_factory=list)  # see VoteFile

    def add_row(self, row: Row, file: str) -> None:
        """Add a list, refusing the one beyond ``MAX_LISTS`` at once (while the file is read)."""
        if len(self.rows) >= MAX_LISTS:
            raise VoteFileError(file, f"more than {MAX_LISTS:,} lists, more than hemicycle allocates at once",
                                row=row.row)
        self.rows.append(row)


# --- the checks and the Election -------------------------------------------------------------------


def finish(raw: Raw, file: str, options: Mapping[str, int] | None) -> VoteFile:
    """Check the figures of ``raw`` (plus ``options``, totals given on the command line) against
    each other and build the ``VoteFile``."""
    _check_rows(raw, file)
    if options:
        _merge_options(raw, file, options)
    for key, value in raw.substitutes.items():
        if value not in raw.totals:
            raise VoteFileError(
                file,
                f"{key} is to be replaced by {value}, but the file does not give {value}",
                field=f"substitutes.{key}",
            )
    _check_sum(raw, file)
    _check_units(raw, file)  # first: the national totals the file leaves out are the units' sums
    _check_figures(_national(raw), file)
    _check_regions(raw, file)
    _check_reported(raw, file)

    lists = tuple(
        ListEntry(
            abbr=r.abbr,
            votes=r.votes,
            name=r.name,
            registration_order=r.registration_order if r.registration_order is not None else i,
            ballot_order=r.ballot_order,
            list_size=r.list_size,
            tags=r.tags,
            **r.extra,
        )
        for i, r in enumerate(raw.rows, start=1)
    )
    try:
        election = Election(
            lists=lists,
            totals=dict(raw.totals),
            name=raw.name,
            substitutes=dict(raw.substitutes),
            source=file,
            agreements=tuple(raw.agreements),
            regions=raw.regions,
            notes=tuple(raw.notes),
            **raw.extra,
        )
    except (ValueError, TypeError) as exc:  # pragma: no cover - checked above
        raise VoteFileError(file, str(exc)) from None
    return VoteFile(election=election, parties_complete=raw.complete, check_figures=raw.checks,
                    given=frozenset(raw.given),
                    official_seats={r.abbr: r.official_seats for r in raw.rows if r.official_seats is not None},
                    official_units=tuple(raw.official_units))


def _check_sum(raw: Raw, file: str) -> None:
    """The figures add up to at most ``validate.MAX_DIGITS`` digits (the check every entry point
    makes), before any message writes out a sum of them."""
    regional = [v for r in raw.rows for v in r.extra.get("regional_votes", {}).values()]
    try:
        check_sum([*(r.votes for r in raw.rows), *raw.totals.values(), *raw.checks.values(), *regional,
                   *(v for figures in raw.regions.values() for v in figures.values())])
    except ValueError as exc:
        raise VoteFileError(file, str(exc)) from None


def _check_rows(raw: Raw, file: str) -> None:
    abbrs: dict[str, int] = {}
    ballot: dict[int, int] = {}
    registration: dict[int, int] = {}
    with_order = [r for r in raw.rows if r.registration_order is not None]
    if with_order and len(with_order) != len(raw.rows):
        lacking = next(r for r in raw.rows if r.registration_order is None)
        raise VoteFileError(
            file,
            f"missing for {lacking.abbr}, but given for {with_order[0].abbr} (row "
            f"{with_order[0].row}): give it for every list or for none",
            row=lacking.row,
            field="registration_order",
        )
    for r in raw.rows:
        if r.abbr in abbrs:
            raise VoteFileError(
                file, f'"{r.abbr}" appears twice: rows {abbrs[r.abbr]} and {r.row}',
                row=r.row, field="abbr",
            )
        abbrs[r.abbr] = r.row
        for key, value, seen in (
            ("ballot_order", r.ballot_order, ballot),
            ("registration_order", r.registration_order, registration),
        ):
            if value is None:
                continue
            if value in seen:
                raise VoteFileError(
                    file, f"{value} is given twice: rows {seen[value]} and {r.row}",
                    row=r.row, field=key,
                )
            seen[value] = r.row


def _merge_options(raw: Raw, file: str, options: Mapping[str, int]) -> None:
    for key, value in options.items():
        where = f"totals.{key}"
        if key not in TOTALS:
            raise VoteFileError(
                file, f'unknown total "{key}" given as an option; known: {", ".join(TOTALS)}',
                field=where,
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise VoteFileError(
                file, f"the option gives {value!r}; a total must be a non-negative integer",
                field=where,
            )
        if key in raw.totals:
            if raw.totals[key] != value:
                row, _ = raw.origins[key]
                at = f" (row {row})" if row is not None else ""
                raise VoteFileError(
                    file,
                    f"the file gives {key} = {raw.totals[key]}{at} but the option gives "
                    f"{key} = {value}",
                    field=where,
                )
            continue
        raw.totals[key] = value
        raw.origins[key] = (None, where)
        raw.substitutes.pop(key, None)  # the real figure is now known


@dataclass
class _Scope:
    """The figures of the whole election, or of one region, for ``_check_figures``."""

    label: str  # "" nationally, " in region R" for a region
    votes: list[tuple[str, int]]  # (abbr, votes) of the lists with a figure here
    totals: dict[str, int]
    checks: dict[str, int]
    complete: bool  # the votes are those of every list
    where: Callable[[str], tuple[int | None, str]]  # a figure's (row, field)
    hint: str = ""  # for a sum that does not match in a complete file


def _national(raw: Raw) -> _Scope:
    hint = "" if raw.is_csv else ' (if the file lacks some lists, say "parties_complete": false)'
    return _Scope("", [(r.abbr, r.votes) for r in raw.rows], raw.totals, raw.checks, raw.complete,
                  lambda key: raw.origins.get(key, (None, f"totals.{key}")), hint)


def _check_figures(scope: _Scope, file: str) -> None:
    """The redundant figures of one scope against each other (see the module docstring)."""
    totals, checks, at = scope.totals, scope.checks, scope.label

    def fail(key: str, message: str) -> VoteFileError:
        row, where = scope.where(key)
        return VoteFileError(file, message, row=row, field=where)

    listed = sum(v for _, v in scope.votes)
    counted = f"the lists' votes{at} add up to {listed}"
    with_against = listed
    if "against_all" in totals:
        with_against += totals["against_all"]
        counted += f" (+ against_all {totals['against_all']} = {with_against})"
    if "valid" in totals:
        valid = totals["valid"]
        if scope.complete and with_against != valid:
            raise fail("valid", f"valid{at} is {valid} but {counted}{scope.hint}")
        if not scope.complete and with_against > valid:
            raise fail("valid", f"valid{at} is {valid} but {counted}, more than valid")

    if all(k in totals for k in ("ballots_cast", "valid", "invalid")):
        cast, valid, invalid = totals["ballots_cast"], totals["valid"], totals["invalid"]
        parts = [("valid", valid), ("invalid", invalid)]
        parts += [(k, v) for k in ("blank", "disallowed") if (v := totals.get(k, checks.get(k))) is not None]
        total = sum(v for _, v in parts)
        formula = f"{' + '.join(k for k, _ in parts)} = {' + '.join(str(v) for _, v in parts)}"
        if len(parts) > 1:
            formula += f" = {total}"
        if "ballots_in_box" in checks:
            in_box = checks["ballots_in_box"]
            if in_box != total:
                raise fail("ballots_in_box", f"ballots_in_box{at} is {in_box} but {formula}")
            if cast < in_box:
                raise fail("ballots_cast", f"ballots_cast{at} is {cast}, fewer than ballots_in_box {in_box}")
        elif cast != total:
            hint = ""
            if cast > total:
                hint = ("; if the difference is blank or disallowed ballots, give them as the "
                        'totals "blank" or "disallowed"')
            raise fail("ballots_cast", f"ballots_cast{at} is {cast} but {formula}{hint}")

    # No count exceeds a count it is part of: a list's votes <= valid <= ballots <= issued <= registered.
    for abbr, votes in scope.votes:
        for key in ("valid", "ballots_cast", "registered"):
            if key in totals and votes > totals[key]:
                raise fail(key, f"{key}{at} is {totals[key]}, fewer than the votes of {abbr}{at} ({votes})")
    parts_known = [(f"the lists' votes{at} ({with_against})", with_against)]
    for key in ("valid", "invalid", "blank", "disallowed"):
        figure = totals.get(key, checks.get(key))
        if figure is not None:
            parts_known.append((f"{key}{at} ({figure})", figure))
    if "valid" in totals and "invalid" in totals:
        both = totals["valid"] + totals["invalid"]
        parts_known.append((f"valid + invalid{at} ({both})", both))
    for key in ("ballots_in_box", "ballots_cast", "ballots_issued", "registered"):
        figure = totals.get(key, checks.get(key))
        if figure is None:
            continue
        largest = max(reversed(parts_known), key=lambda v: v[1])  # on a tie, the figure known last
        if largest[1] > figure:
            raise fail(key, f"{key}{at} is {figure}, fewer than {largest[0]}")
        parts_known.append((f"{key}{at} ({figure})", figure))


def _check_units(raw: Raw, file: str) -> None:
    """Every district's figures against each other, as the national ones (its lists' votes and
    totals); that they add up to the national figures is ``hemicycle.district_votes``' check."""
    for unit in raw.extra.get("units", ()):
        path = raw.unit_paths.get((unit.level, unit.name), "districts")
        votes = unit.votes or unit.candidate_votes  # a single-member contest: its candidates' votes
        scope = _Scope(f" in {unit.name}", list(votes.items()), dict(unit.totals), {}, True,
                       lambda key, path=path: (None, f"{path}.totals.{key}"))
        _check_figures(scope, file)


def _check_regions(raw: Raw, file: str) -> None:
    """Every region against itself, and the regions together against the whole election."""
    if not raw.regions:
        return
    sums: dict[str, int] = {}
    for r in raw.rows:
        regional: Mapping[str, int] = r.extra.get("regional_votes", {})
        lacking = [region for region in raw.regions if regional and region not in regional]
        if lacking:
            raise VoteFileError(file, f"{r.abbr} gives votes in {len(regional)} of the {len(raw.regions)} regions "
                                      f"but none in {lacking[0]}: give its votes in every region, or in none",
                                row=r.row, field=f"regional_votes.{lacking[0]}")
        total = sum(regional.values())
        if total > r.votes:
            shown = " + ".join(f"{v} in {k}" for k, v in regional.items()) if len(regional) <= 6 else ""
            raise VoteFileError(file, f"{r.abbr} has {r.votes} votes in all, but {total} in the regions"
                                      + (f" ({shown})" if shown else ""), row=r.row, field="regional_votes")
    for region, figures in raw.regions.items():
        present = [(r.abbr, r.extra["regional_votes"][region]) for r in raw.rows
                   if region in r.extra.get("regional_votes", {})]
        complete = raw.complete and len(present) == len(raw.rows)

        def where(key: str, region: str = region) -> tuple[int | None, str]:
            return None, f"regions.{region}.{key}"

        _check_figures(_Scope(f" in {region}", present, figures, {}, complete, where), file)
        for key, value in figures.items():
            sums[key] = sums.get(key, 0) + value
    for key, total in sums.items():
        if key in raw.totals and total > raw.totals[key]:
            row, where_ = raw.origins.get(key, (None, f"totals.{key}"))
            raise VoteFileError(file, f"{key} is {raw.totals[key]}, but the regions' {key} add up to {total}",
                                row=row, field=where_)


_BASE_FIGURE = {"valid_votes": "valid", "ballots_cast": "ballots_cast", "registered_voters": "registered"}


def _check_reported(raw: Raw, file: str) -> None:
    """Published shares against the figures they are shares of (see the module docstring)."""
    # For each base: the interval of base figures every published share allows, and who set it.
    bounds: dict[str, tuple[Fraction, Fraction | None, str]] = {}

    def base_of(base: str) -> int | None:
        if base == "list_votes":
            return sum(r.votes for r in raw.rows) if raw.complete else None
        if base == "votes_and_against_all":
            if "against_all" in raw.totals and raw.complete:
                return sum(r.votes for r in raw.rows) + raw.totals["against_all"]
            return None
        key = _BASE_FIGURE[base]
        if key in raw.totals:
            return raw.totals[key]
        if key == "valid" and raw.complete:
            return sum(r.votes for r in raw.rows) + raw.totals.get("against_all", 0)
        return None

    def constrain(base: str, part: int, reported: Reported, who: str) -> None:
        low_share, high_share = reported.bounds()
        figure = base_of(base)
        shown = f"{who}: {_percent_text(reported)} of {base}"
        if figure is not None:
            if not (low_share * figure <= part <= high_share * figure):
                exact = Fraction(part * 100, figure) if figure else None
                value = f"{float(exact):.{reported.decimals + 2}f}%" if exact is not None else "undefined"
                row, where = reported.where
                raise VoteFileError(file, f"{shown}, but the figures give {value} ({part} of {figure})",
                                    row=row, field=where)
            return
        # the base figure B is unknown: low_share * B <= part <= high_share * B
        low = Fraction(part) / high_share
        high = Fraction(part) / low_share if low_share > 0 else None
        if base in bounds:
            old_low, old_high, old_who = bounds[base]
            new_low = max(low, old_low)
            new_high = high if old_high is None else (old_high if high is None else min(high, old_high))
            if new_high is not None and new_low > new_high:
                row, where = reported.where
                raise VoteFileError(
                    file, f"{shown} and {old_who} cannot both hold: no single figure of {base} gives both",
                    row=row, field=where)
            bounds[base] = (new_low, new_high, f"{old_who} and {who}" if len(old_who) < 60 else old_who)
        else:
            bounds[base] = (low, high, shown)

    for r in raw.rows:
        for base, reported in r.reported.items():
            constrain(base, r.votes, reported, r.abbr)
    if raw.turnout is not None and "ballots_cast" in raw.totals:
        constrain("registered_voters", raw.totals["ballots_cast"], raw.turnout, "the turnout")


def _percent_text(reported: Reported) -> str:
    value = reported.share * 100
    return f"{float(value):.{reported.decimals}f}%"


# --- the JSON record of an election (what hemicycle's JSON reader reads back) ----------------------


def _position_json(position: Fraction) -> int | float:
    """A position as the JSON number it was read from (positions are written as decimals)."""
    return position.numerator if position.denominator == 1 else float(position)


def election_to_json(
    election: Election,
    *,
    parties_complete: bool = True,
    check_figures: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The JSON record of ``election`` (``parse_votes_json`` of its dump gives it back)."""
    parties: list[dict[str, Any]] = []
    for entry in election.lists:
        if entry.registration_order < 1:
            raise ValueError(
                f"list {entry.abbr!r} has no registration_order (must be 1 or more)"
            )
        party: dict[str, Any] = {
            "abbr": entry.abbr,
            "name": entry.name,
            "votes": entry.votes,
            "registration_order": entry.registration_order,
            "ballot_order": entry.ballot_order,
        }
        if entry.list_size is not None:
            party["list_size"] = entry.list_size
        if entry.tags:
            party["tags"] = sorted(entry.tags)
        if entry.district_seats is not None:
            party["district_seats"] = entry.district_seats
        if entry.regional_votes:
            party["regional_votes"] = dict(entry.regional_votes)
        if entry.reported_shares:
            party["reported_shares"] = {k: _percent_json(v) for k, v in entry.reported_shares.items()}
        if entry.reported_regional is not None:
            party["reported_regional_threshold"] = entry.reported_regional
        if entry.combination is not None:
            party["combination"] = entry.combination
        if entry.coalition_size is not None:
            party["coalition_size"] = entry.coalition_size
        if entry.color is not None:
            party["color"] = entry.color
        if entry.position is not None:
            party["position"] = _position_json(entry.position)
        parties.append(party)
    totals: dict[str, int] = {k: election.totals[k] for k in TOTALS if k in election.totals}
    for key in CHECK_FIGURES:
        if check_figures and key in check_figures:
            totals[key] = check_figures[key]
    record: dict[str, Any] = {"election": election.name, "parties": parties, "totals": totals}
    if not parties_complete:
        record["parties_complete"] = False
    if election.substitutes:
        record["substitutes"] = dict(election.substitutes)
    if election.agreements:
        record["agreements"] = [list(group) for group in election.agreements]
    if election.regions:
        record["regions"] = {k: dict(v) for k, v in election.regions.items()}
    if election.units:
        record["districts"] = units_to_json(election.units)
    return record


def _percent_json(share: Fraction) -> int | float:
    """A reported share as the percentage number it was read from (exact: refuses otherwise)."""
    percent = share * 100
    if percent.denominator == 1:
        return int(percent)
    number = float(percent)
    if Fraction(repr(number)) != percent:
        raise ValueError(f"the reported share {percent}% cannot be written as a decimal number")
    return number
