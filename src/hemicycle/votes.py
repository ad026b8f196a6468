"""Vote files: read one election's figures from JSON or CSV, refusing anything doubtful.

(Standard formats are read too, also by content: a NIST 1500-100 JSON ``ElectionReport`` or an
EML XML document goes to ``hemicycle.formats``, which see.)

Two formats, told apart by content (a file whose first non-blank character is ``{`` or ``[`` is
JSON, anything else CSV), never by extension:

* **JSON**, the shape of the bundled data (``hemicycle/elections/*.json``)::

    {"election": "NAME",
     "parties": [{"abbr": "A", "name": "...", "votes": 123, "ballot_order": 1,
                  "registration_order": 1, "list_size": 40, "tags": ["minority"]}, ...],
     "totals": {"valid": 456, "invalid": 7, "ballots_cast": 463, "registered": 900},
     "parties_complete": true,
     "substitutes": {"ballots_cast": "valid"}}

  Other keys are documentation and are ignored, except two party keys of the bundled data that
  become tags: ``"minority": true`` gives the tag ``minority``; ``"coalition_size": k`` gives
  ``coalition`` plus ``coalition_2_3`` (k = 2 or 3) or ``coalition_4_plus`` (k >= 4). A total that
  is ``null`` is unknown, i.e. absent. ``registration_order`` is either given for every list or
  for none (then it is the order in the file).

  For the clauses of real systems (docs/language.md) a list may also give ``district_seats``
  (mixed-member systems), ``regional_votes`` ({region: votes}, with the file's top-level
  ``"regions": {region: {total: figure}}``), ``combination`` (a list-combination name),
  ``reported_shares`` ({base: percent as published}, used only when the base figure is unknown;
  the bundled data's ``reported_percent_of_registered`` is read as the ``registered_voters``
  share, and ``reported_percent`` as the share of the file's ``"reported_percent_base"``) and
  ``reported_regional_threshold`` (the official outcome of a regional threshold test). The top
  level may give ``"agreements"``: arrays of two or more abbrs (a list in one at most).

* **CSV** with a header row naming the columns (``abbr`` and ``votes`` required; ``name``,
  ``registration_order``, ``ballot_order``, ``list_size``, ``tags`` optional; tags separated by
  ``;``). The delimiter is ``,``, ``;`` or a tab, whichever the header uses. Blank lines and lines
  starting with ``#`` are skipped (but ``#SIEŤ,146205``, which reads as a list, is refused: quote
  such an abbr). A row whose abbr is ``total:NAME`` gives a total in its votes
  column, or in its second field when it has only two: ``total:invalid,297718``. Row numbers
  in messages are line numbers. A CSV file always holds every list.

Besides the totals of ``hemicycle.election.TOTALS`` (``blank`` among them: blank ballots, a base
of the rules where the law counts them as valid, and part of ``ballots_cast``) a file may give the
check figures ``disallowed`` (ballots in ``ballots_cast`` that are neither valid nor invalid) and
``ballots_in_box`` (when ``ballots_cast`` counts the voters who signed for a ballot). They are not
part of the ``Election``; they only make the consistency check exact.

Every figure must be written as a plain non-negative integer: no sign, no decimal point, no
exponent, no thousands separators (they are refused, never guessed). Every problem is a
``VoteFileError`` that names the file, the row (the line number in a CSV file; the 1-based
position in the JSON ``parties`` array) and the field.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from hemicycle.district_votes import DistrictError, read_districts, units_to_json
from hemicycle.election import TOTALS, Election, ListEntry, Unit

__all__ = [
    "CHECK_FIGURES",
    "CSV_COLUMNS",
    "VoteFile",
    "VoteFileError",
    "check_for_rules",
    "election_to_json",
    "load_votes",
    "parse_vote_file",
    "parse_votes",
    "parse_votes_csv",
    "parse_votes_json",
    "read_vote_file",
]

# Figures a file may give only to make the consistency check exact (see the module docstring).
CHECK_FIGURES = ("disallowed", "ballots_in_box")
CSV_COLUMNS = ("abbr", "name", "votes", "registration_order", "ballot_order", "list_size", "tags")
# A tag must be nameable in a rule file (``lists tagged NAME``).
TAG_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")

# Python refuses to convert longer digit strings (sys.int_max_str_digits); so do we, with a message.
_MAX_DIGITS = 4300
_DIGITS = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"-[0-9]+(?:[.,][0-9]*)?")
_THOUSANDS = re.compile(r"[0-9]{1,3}([,. _'\u00a0\u202f])[0-9]{3}(?:\1[0-9]{3})*")
_EXPONENT = re.compile(r"[0-9]*\.?[0-9]*[eE][+-]?[0-9]+")
_DECIMAL = re.compile(r"[0-9]*[.,][0-9]*")
_SEPARATED = re.compile(r"[0-9][0-9,. _'\u00a0\u202f]*[0-9]")


class VoteFileError(Exception):
    """A vote file that cannot be read as it stands: ``FILE: row N, field F: message``."""

    def __init__(
        self, file: str, message: str, *, row: int | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        where = f"{', '.join(parts)}: " if parts else ""
        return f"{self.file}: {where}{self.message}"

    def __reduce__(self) -> tuple[Any, ...]:  # picklable despite the keyword arguments
        return (_rebuild_error, (self.file, self.message, self.row, self.field))


def _rebuild_error(file: str, message: str, row: int | None, field: str | None) -> VoteFileError:
    return VoteFileError(file, message, row=row, field=field)


@dataclass(frozen=True)
class VoteFile:
    """Everything a vote file says: the ``Election`` plus what the ``Election`` cannot hold."""

    election: Election
    parties_complete: bool = True  # False: the file lacks some lists (no `list_votes` base)
    check_figures: Mapping[str, int] = field(default_factory=dict)  # see CHECK_FIGURES

    def to_json(self) -> dict[str, Any]:
        return election_to_json(
            self.election,
            parties_complete=self.parties_complete,
            check_figures=self.check_figures,
        )


# --- public entry points -------------------------------------------------------------------------


def load_votes(path: str | Path, *, totals: Mapping[str, int] | None = None) -> Election:
    """Read a vote file (JSON or CSV, by content). ``totals`` add figures the file lacks; a figure
    that contradicts the file's is an error."""
    return read_vote_file(path, totals=totals).election


def read_vote_file(path: str | Path, *, totals: Mapping[str, int] | None = None) -> VoteFile:
    """Like ``load_votes`` but keeps ``parties_complete`` and the check figures."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        strerror = getattr(exc, "strerror", None)
        raise VoteFileError(file, f"cannot read the file: {strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise VoteFileError(
            file,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} "
            f"(offset {exc.start}); save the file as UTF-8",
        ) from None
    return parse_vote_file(text, file, totals=totals)


def parse_votes(text: str, file: str, *, totals: Mapping[str, int] | None = None) -> Election:
    """Parse the text of a vote file, JSON or CSV by content."""
    return parse_vote_file(text, file, totals=totals).election


def parse_vote_file(text: str, file: str, *, totals: Mapping[str, int] | None = None) -> VoteFile:
    """Like ``parse_votes`` but keeps ``parties_complete`` and the check figures."""
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise VoteFileError(file, "the file is empty")
    from hemicycle.formats import parse_standard, sniff  # NIST 1500-100 JSON and EML XML, by content

    if sniff(stripped) is not None:
        return parse_standard(text, file, totals=totals)
    raw = _parse_json(text, file) if stripped[0] in "{[" else _parse_csv(text, file)
    return _finish(raw, file, totals)


def parse_votes_json(text: str, file: str) -> Election:
    """Parse a JSON vote file (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise VoteFileError(file, "the file is empty")
    return _finish(_parse_json(text, file), file, None).election


def parse_votes_csv(text: str, file: str) -> Election:
    """Parse a CSV vote file (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise VoteFileError(file, "the file is empty")
    return _finish(_parse_csv(text, file), file, None).election


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


# --- what both formats produce -------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    abbr: str
    votes: int
    name: str = ""
    registration_order: int | None = None
    ballot_order: int | None = None
    list_size: int | None = None
    tags: frozenset[str] = frozenset()
    # district_seats, regional_votes, reported_shares, reported_regional, combination
    # (JSON only; see _json_party_extras)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Raw:
    name: str = ""
    rows: list[_Row] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)
    # where each total / check figure came from: (row, field)
    origins: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    substitutes: dict[str, str] = field(default_factory=dict)
    complete: bool = True
    agreements: list[tuple[str, ...]] = field(default_factory=list)
    regions: dict[str, dict[str, int]] = field(default_factory=dict)
    units: tuple[Unit, ...] = ()
    is_csv: bool = False


class _Bad(Exception):
    """A problem with one value; the caller adds file, row and field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digits_to_int(digits: str) -> int:
    if len(digits) > _MAX_DIGITS:
        raise _Bad(f"a figure of {len(digits)} digits is too long (at most {_MAX_DIGITS})")
    return int(digits)


def _int_from_text(text: str, *, quote: bool = True) -> int:
    """A non-negative integer written with ASCII digits only (spaces at the ends are fine)."""
    s = text.strip()
    if not s:
        raise _Bad("missing")
    if _DIGITS.fullmatch(s):
        return _digits_to_int(s)
    shown = f'"{s}"' if quote else s
    if s.startswith("+"):
        raise _Bad(f"{shown} has a leading '+'; write the digits only")
    if _NEGATIVE.fullmatch(s):
        raise _Bad(f"{shown} is negative")
    if _THOUSANDS.fullmatch(s):
        raise _Bad(
            f"{shown} looks like it has thousands separators; write the figure with digits "
            "only (separators are never guessed)"
        )
    if _EXPONENT.fullmatch(s) and any(c.isdigit() for c in s):
        raise _Bad(f"{shown} uses exponent notation; write all the digits")
    if _DECIMAL.fullmatch(s) and any(c.isdigit() for c in s):
        raise _Bad(f"{shown} has a decimal part; write whole numbers with digits only")
    if _SEPARATED.fullmatch(s):
        raise _Bad(f"{shown} contains separators; write the figure with digits only")
    raise _Bad(f"{shown} is not a number")


def _check_minimum(value: int, minimum: int) -> int:
    if value < minimum:
        if value < 0:
            raise _Bad(f"{value} is negative")
        raise _Bad(f"must be at least {minimum}, not {value}")
    return value


def _tag(tag: str) -> str:
    if not TAG_PATTERN.fullmatch(tag):
        raise _Bad(
            f'tag "{tag}" cannot be named in a rule file: use letters, digits, _ and -, '
            "starting with a letter or _"
        )
    return tag


# --- JSON ----------------------------------------------------------------------------------------


class _RawNumber(str):
    """The text of a JSON number that is not a plain integer (12.5, 1e6, NaN, 5000 digits)."""


class _JsonObject(dict[str, Any]):
    duplicates: list[str]


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _json_int_text(text: str) -> int | _RawNumber:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        return _RawNumber(text)
    return int(text)


def _kind(value: object) -> str:
    """How a JSON value is named in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | _RawNumber):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the string "{value}"'
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__  # pragma: no cover - json gives nothing else


def _json_int(value: object, *, minimum: int = 0) -> int:
    """An integer from a JSON value: a JSON integer, nothing else."""
    if isinstance(value, _RawNumber):
        if _DIGITS.fullmatch(value.lstrip("-")):
            _digits_to_int(value.lstrip("-"))  # raises: too long
        _int_from_text(value, quote=False)  # raises: it is not a plain integer
        raise _Bad(f"{value} is not an integer")  # pragma: no cover
    if isinstance(value, bool):
        raise _Bad(f"expected an integer, got the boolean {str(value).lower()}")
    if isinstance(value, int):
        return _check_minimum(value, minimum)
    if isinstance(value, str):
        try:
            _int_from_text(value)
        except _Bad as bad:
            raise _Bad(f"expected an integer, got a string: {bad.message}") from None
        raise _Bad(f'expected an integer, got the string "{value}"; write it without quotes')
    raise _Bad(f"expected an integer, got {_kind(value)}")


def _parse_json(text: str, file: str) -> _Raw:
    try:
        data = json.loads(
            text,
            object_pairs_hook=_json_object,
            parse_float=_RawNumber,
            parse_int=_json_int_text,
            parse_constant=_RawNumber,
        )
    except json.JSONDecodeError as exc:
        raise VoteFileError(
            file, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise VoteFileError(file, f"not valid JSON: {exc}") from None
    if not isinstance(data, _JsonObject):
        raise VoteFileError(
            file,
            f'the top level must be an object with "election", "parties" and "totals", '
            f"not {_kind(data)}",
        )
    if data.duplicates:
        raise VoteFileError(file, f'the key "{data.duplicates[0]}" appears twice')

    raw = _Raw()
    if "districts" in data:
        _read_districts(data, file, raw)
    name = data.get("election", "")
    if name is not None and not isinstance(name, str):
        raise VoteFileError(file, f"expected a string, got {_kind(name)}", field="election")
    raw.name = name or ""

    complete = data.get("parties_complete", True)
    if not isinstance(complete, bool):
        raise VoteFileError(
            file, f"expected true or false, got {_kind(complete)}", field="parties_complete"
        )
    raw.complete = complete

    if "totals" in data:
        _json_totals(data["totals"], file, raw)
    if "substitutes" in data:
        _json_substitutes(data["substitutes"], file, raw)

    if "parties" not in data:
        raise VoteFileError(file, 'no "parties" array: the file gives no lists')
    parties = data["parties"]
    if not isinstance(parties, list):
        raise VoteFileError(file, f"expected an array, got {_kind(parties)}", field="parties")
    if not parties and not raw.units:
        raise VoteFileError(file, "empty: the file gives no lists", field="parties")
    for index, party in enumerate(parties, start=1):
        raw.rows.append(_json_party(party, index, file))
    _json_election_extras(data, file, raw)
    return raw


def _read_districts(data: _JsonObject, file: str, raw: _Raw) -> None:
    """The file's ``"districts"`` (read by ``hemicycle.district_votes``): the units, and the national
    figures they add up to, written into ``data`` where the file leaves them out (given ones must
    agree)."""
    def number(value: object) -> int:
        try:
            return _json_int(value)
        except _Bad as bad:
            raise ValueError(bad.message) from None

    try:
        found = read_districts(data, number)
    except DistrictError as exc:
        raise VoteFileError(file, exc.message, field=exc.field) from None
    raw.units = found.units
    parties = data.get("parties")
    if parties is None:
        data["parties"] = [_json_object([("abbr", a), ("name", found.names.get(a, "")), ("votes", v)])
                           for a, v in found.votes.items()]
    elif isinstance(parties, list):
        for row, party in enumerate(parties, start=1):
            if not isinstance(party, _JsonObject) or not isinstance(party.get("abbr"), str):
                continue  # reported by _json_party
            abbr, given = party["abbr"].strip(), party.get("votes")
            total = found.votes.get(abbr, 0)
            if given is None:
                party["votes"] = total
            elif found.votes and isinstance(given, int) and not isinstance(given, bool) and given != total:
                raise VoteFileError(file, f"{abbr} has {given} votes, but its votes in the districts add up to "
                                          f"{total}", row=row, field="votes")
    totals = data.get("totals")
    if totals is None:
        data["totals"] = _json_object(list(found.totals.items()))
    elif isinstance(totals, _JsonObject):
        for key, value in found.totals.items():
            given = totals.get(key)
            if given is None:
                totals[key] = value
            elif isinstance(given, int) and not isinstance(given, bool) and given != value:
                raise VoteFileError(file, f"{key} is {given}, but the districts' {key} add up to {value}",
                                    field=f"totals.{key}")


def _json_totals(totals: object, file: str, raw: _Raw) -> None:
    if not isinstance(totals, _JsonObject):
        raise VoteFileError(file, f"expected an object, got {_kind(totals)}", field="totals")
    if totals.duplicates:
        raise VoteFileError(
            file, f'the key "{totals.duplicates[0]}" appears twice', field="totals"
        )
    for key, value in totals.items():
        if key not in TOTALS and key not in CHECK_FIGURES:
            continue  # notes and figures the rules never use
        if value is None:
            continue  # unknown
        try:
            number = _json_int(value)
        except _Bad as bad:
            raise VoteFileError(
                file, f"must be a non-negative integer or null: {bad.message}",
                field=f"totals.{key}",
            ) from None
        (raw.totals if key in TOTALS else raw.checks)[key] = number
        raw.origins[key] = (None, f"totals.{key}")


def _json_substitutes(subs: object, file: str, raw: _Raw) -> None:
    if subs is None:
        return
    if not isinstance(subs, _JsonObject):
        raise VoteFileError(file, f"expected an object, got {_kind(subs)}", field="substitutes")
    known = ", ".join(TOTALS)
    for key, value in subs.items():
        where = f"substitutes.{key}"
        if key not in TOTALS:
            raise VoteFileError(file, f'unknown total "{key}"; known: {known}', field=where)
        if not isinstance(value, str) or value not in TOTALS:
            shown = f'"{value}"' if isinstance(value, str) else _kind(value)
            raise VoteFileError(
                file, f"must name a total ({known}), not {shown}", field=where
            )
        if value == key:
            raise VoteFileError(file, f'"{key}" cannot stand in for itself', field=where)
        if key in raw.totals:
            raise VoteFileError(
                file,
                f"the file gives {key} = {raw.totals[key]}; a substitute for it would never "
                "be used",
                field=where,
            )
        raw.substitutes[key] = value


_PARTY_INT_FIELDS = (("registration_order", 1), ("ballot_order", 1), ("list_size", 1))


def _json_party(party: object, row: int, file: str) -> _Row:
    if not isinstance(party, _JsonObject):
        raise VoteFileError(file, f"expected an object, got {_kind(party)}", row=row)
    if party.duplicates:
        raise VoteFileError(file, f'the key "{party.duplicates[0]}" appears twice', row=row)

    abbr = party.get("abbr")
    if abbr is None:
        raise VoteFileError(file, "missing", row=row, field="abbr")
    if not isinstance(abbr, str):
        raise VoteFileError(file, f"expected a string, got {_kind(abbr)}", row=row, field="abbr")
    abbr = abbr.strip()
    if not abbr:
        raise VoteFileError(file, "empty: every list needs an abbr", row=row, field="abbr")

    name = party.get("name")
    if name is not None and not isinstance(name, str):
        raise VoteFileError(file, f"expected a string, got {_kind(name)}", row=row, field="name")

    if "votes" not in party or party["votes"] is None:
        raise VoteFileError(file, f"missing for {abbr}", row=row, field="votes")
    try:
        votes = _json_int(party["votes"])
    except _Bad as bad:
        raise VoteFileError(file, bad.message, row=row, field="votes") from None

    numbers: dict[str, int | None] = {}
    for key, minimum in _PARTY_INT_FIELDS:
        value = party.get(key)
        if value is None:
            numbers[key] = None
            continue
        try:
            numbers[key] = _json_int(value, minimum=minimum)
        except _Bad as bad:
            raise VoteFileError(file, bad.message, row=row, field=key) from None

    tags: set[str] = set()
    raw_tags = party.get("tags")
    if raw_tags is not None:
        if not isinstance(raw_tags, list):
            raise VoteFileError(
                file, f"expected an array of strings, got {_kind(raw_tags)}", row=row,
                field="tags",
            )
        for tag in raw_tags:
            if not isinstance(tag, str):
                raise VoteFileError(
                    file, f"expected a string, got {_kind(tag)}", row=row, field="tags"
                )
            try:
                tags.add(_tag(tag))
            except _Bad as bad:
                raise VoteFileError(file, bad.message, row=row, field="tags") from None

    minority = party.get("minority")
    if minority is not None and not isinstance(minority, bool):
        raise VoteFileError(
            file, f"expected true, false or null, got {_kind(minority)}", row=row,
            field="minority",
        )
    if minority:
        tags.add("minority")

    size = party.get("coalition_size")
    coalition_size = None
    if size is not None:
        try:
            coalition_size = _json_int(size, minimum=1)
        except _Bad as bad:
            raise VoteFileError(
                file, f"{bad.message} (the number of parties on the list: 1 for a single party)",
                row=row, field="coalition_size",
            ) from None
        if coalition_size >= 2:
            tags.update(("coalition", "coalition_2_3" if coalition_size <= 3 else "coalition_4_plus"))

    return _Row(
        row=row,
        abbr=abbr,
        votes=votes,
        name=name or "",
        registration_order=numbers["registration_order"],
        ballot_order=numbers["ballot_order"],
        list_size=numbers["list_size"],
        tags=frozenset(tags),
        extra={**_json_party_extras(party, row, file),
               **({"coalition_size": coalition_size} if coalition_size is not None else {})},
    )


def _percent_json(share: Fraction) -> int | float:
    """A reported share as the percentage number it was read from (exact: refuses otherwise)."""
    percent = share * 100
    if percent.denominator == 1:
        return int(percent)
    number = float(percent)
    if Fraction(repr(number)) != percent:
        raise ValueError(f"the reported share {percent}% cannot be written as a decimal number")
    return number


# Bases a reported share may be given for (the rule language's base names).
REPORTED_BASES = ("valid_votes", "ballots_cast", "list_votes", "votes_and_against_all", "registered_voters")


def _percent(value: object) -> Fraction:
    """A published percentage (0 to 100, decimals allowed) as an exact share."""
    if isinstance(value, bool) or not isinstance(value, int | _RawNumber):
        raise _Bad(f"expected a percentage, got {_kind(value)}")
    try:
        share = Fraction(str(value)) / 100
    except (ValueError, ZeroDivisionError):
        raise _Bad(f"{value} is not a percentage") from None
    if not 0 <= share <= 1:
        raise _Bad(f"{value} is not a percentage between 0 and 100")
    return share


def _json_party_extras(party: _JsonObject, row: int, file: str) -> dict[str, Any]:
    """The party keys for mixed-member, regional and alliance rules, and reported shares:
    ``district_seats``, ``regional_votes`` {region: votes}, ``reported_shares`` {base: percent}
    (also from the bundled data's ``reported_percent_of_registered``), ``reported_regional_threshold``
    (true/false) and ``combination`` (a name)."""
    extra: dict[str, Any] = {}
    seats = party.get("district_seats")
    if seats is not None:
        try:
            extra["district_seats"] = _json_int(seats)
        except _Bad as bad:
            raise VoteFileError(file, bad.message, row=row, field="district_seats") from None
    regional = party.get("regional_votes")
    if regional is not None:
        if not isinstance(regional, _JsonObject):
            raise VoteFileError(file, f"expected an object, got {_kind(regional)}", row=row,
                                field="regional_votes")
        votes: dict[str, int] = {}
        for region, value in regional.items():
            try:
                votes[region] = _json_int(value)
            except _Bad as bad:
                raise VoteFileError(file, bad.message, row=row, field=f"regional_votes.{region}") from None
        extra["regional_votes"] = votes
    shares: dict[str, Fraction] = {}
    reported = party.get("reported_shares")
    if reported is not None:
        if not isinstance(reported, _JsonObject):
            raise VoteFileError(file, f"expected an object, got {_kind(reported)}", row=row,
                                field="reported_shares")
        for base, value in reported.items():
            if base not in REPORTED_BASES:
                raise VoteFileError(file, f'unknown base "{base}"; known: {", ".join(REPORTED_BASES)}',
                                    row=row, field=f"reported_shares.{base}")
            try:
                shares[base] = _percent(value)
            except _Bad as bad:
                raise VoteFileError(file, bad.message, row=row, field=f"reported_shares.{base}") from None
    of_registered = party.get("reported_percent_of_registered")
    if of_registered is not None and "registered_voters" not in shares:
        try:
            shares["registered_voters"] = _percent(of_registered)
        except _Bad as bad:
            raise VoteFileError(file, bad.message, row=row, field="reported_percent_of_registered") from None
    if shares:
        extra["reported_shares"] = shares
    outcome = party.get("reported_regional_threshold")
    if outcome is not None:
        if not isinstance(outcome, bool):
            raise VoteFileError(file, f"expected true, false or null, got {_kind(outcome)}", row=row,
                                field="reported_regional_threshold")
        extra["reported_regional"] = outcome
    combination = party.get("combination")
    if combination is not None:
        if not isinstance(combination, str) or not combination.strip():
            raise VoteFileError(file, f"expected a name, got {_kind(combination)}", row=row,
                                field="combination")
        extra["combination"] = combination.strip()
    return extra


def _json_election_extras(data: _JsonObject, file: str, raw: _Raw) -> None:
    """``agreements`` (arrays of abbrs) and ``regions`` ({region: {total: figure}})."""
    abbrs = {r.abbr for r in raw.rows}
    agreements = data.get("agreements")
    if agreements is not None:
        if not isinstance(agreements, list):
            raise VoteFileError(file, f"expected an array, got {_kind(agreements)}", field="agreements")
        joined: dict[str, int] = {}
        for k, group in enumerate(agreements, start=1):
            where = f"agreements[{k}]"
            if not isinstance(group, list) or len(group) < 2 or not all(isinstance(a, str) for a in group):
                raise VoteFileError(file, "an agreement is an array of two or more list abbrs", field=where)
            for a in group:
                if a not in abbrs:
                    raise VoteFileError(file, f'"{a}" is not a list in this file', field=where)
                if a in joined:
                    raise VoteFileError(file, f'"{a}" is already in agreement {joined[a]}', field=where)
                joined[a] = k
            raw.agreements.append(tuple(group))
    regions = data.get("regions")
    if regions is not None:
        if not isinstance(regions, _JsonObject):
            raise VoteFileError(file, f"expected an object, got {_kind(regions)}", field="regions")
        for region, totals in regions.items():
            if not isinstance(totals, _JsonObject):
                raise VoteFileError(file, f"expected an object of totals, got {_kind(totals)}",
                                    field=f"regions.{region}")
            figures: dict[str, int] = {}
            for key, value in totals.items():
                if key not in TOTALS or value is None:
                    continue
                try:
                    figures[key] = _json_int(value)
                except _Bad as bad:
                    raise VoteFileError(file, bad.message, field=f"regions.{region}.{key}") from None
            raw.regions[region] = figures
    base = data.get("reported_percent_base")
    if base is not None:
        if base not in REPORTED_BASES:
            raise VoteFileError(file, f'unknown base "{base}"; known: {", ".join(REPORTED_BASES)}',
                                field="reported_percent_base")
        for row, party in zip(raw.rows, data["parties"], strict=True):
            value = party.get("reported_percent")
            if value is None:
                continue
            try:
                share = _percent(value)
            except _Bad as bad:
                raise VoteFileError(file, bad.message, row=row.row, field="reported_percent") from None
            row.extra.setdefault("reported_shares", {}).setdefault(base, share)
    for row in raw.rows:
        for region in row.extra.get("regional_votes", {}):
            if region not in raw.regions:
                raise VoteFileError(file, f'"{region}" is not in the file\'s "regions"', row=row.row,
                                    field=f"regional_votes.{region}")


# --- CSV -----------------------------------------------------------------------------------------

_DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}


def _csv_cells(line: str, delimiter: str, file: str, row: int) -> list[str]:
    try:
        cells = next(
            csv.reader([line], delimiter=delimiter, quotechar='"', strict=True,
                       skipinitialspace=True),
            [],
        )
    except csv.Error as exc:
        raise VoteFileError(file, f"malformed CSV line: {exc}", row=row) from None
    return [cell.strip() for cell in cells]


def _parse_csv(text: str, file: str) -> _Raw:
    raw = _Raw(is_csv=True)
    lines = re.split(r"\r\n|\r|\n", text)
    header: list[str] | None = None
    delimiter = ","
    total_rows: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            if header is not None:
                _check_comment(line, header, delimiter, file, number)
            continue
        if header is None:
            delimiter = _sniff(line, file, number)
            header = _csv_header(_csv_cells(line, delimiter, file, number), file, number)
            continue
        cells = _csv_cells(line, delimiter, file, number)
        if len(cells) > len(header):
            if any(cells[len(header):]):
                hint = ""
                if delimiter == ",":
                    hint = (
                        "; a figure with thousands separators, like 1,234, splits into two "
                        "fields: write the digits only"
                    )
                elif delimiter == ";":
                    hint = '; put several tags in quotes ("a;b") or separate them with ","'
                raise VoteFileError(
                    file,
                    f"{len(cells)} fields but the header has {len(header)}{hint}",
                    row=number,
                )
            cells = cells[: len(header)]
        short = len(cells) == 2
        cells += [""] * (len(header) - len(cells))
        record = dict(zip(header, cells, strict=True))
        abbr = record["abbr"]
        if abbr.lower().startswith("total:"):
            if short and header.index("abbr") == 0:  # "total:invalid,297718", whatever the header
                record = dict.fromkeys(header, "") | {"abbr": cells[0], "votes": cells[1]}
            _csv_total(record, file, number, raw, total_rows)
        else:
            raw.rows.append(_csv_row(record, file, number))
    if header is None:
        raise VoteFileError(file, "the file has no header row (and no lists)")
    if not raw.rows:
        only = "a header and totals" if total_rows else "a header"
        raise VoteFileError(file, f"the file gives no lists, only {only}")
    return raw


def _check_comment(line: str, header: list[str], delimiter: str, file: str, row: int) -> None:
    """Refuse a comment that reads as a list row, like ``#SIEŤ,146205`` (Slovakia's #Sieť):
    skipping it would silently drop a list."""
    text = line.lstrip()
    if len(text) < 2 or text[1].isspace() or text[1] == "#":
        return
    try:
        cells = next(csv.reader([text], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error:
        return
    position = header.index("votes")
    if position < len(cells) and _DIGITS.fullmatch(cells[position].strip()):
        abbr = cells[header.index("abbr")].strip() if header.index("abbr") < len(cells) else ""
        raise VoteFileError(
            file,
            f"this line starts with '#', so it is a comment, but it reads as the list "
            f"{abbr}: quote the abbr (\"{abbr}\") to keep the list, or put a space after "
            "'#' to keep the comment",
            row=row,
        )


def _sniff(line: str, file: str, row: int) -> str:
    found = [d for d in _DELIMITERS if d in line]
    if len(found) == 1:
        return found[0]
    if not found:
        raise VoteFileError(
            file,
            f"cannot read the header {line.strip()!r}: it needs the columns abbr and votes, "
            "separated by ',', ';' or a tab",
            row=row,
        )
    shown = " and ".join(_DELIMITERS[d] for d in found)
    raise VoteFileError(
        file, f"the header uses both {shown}: cannot tell the delimiter", row=row
    )


def _csv_header(cells: list[str], file: str, row: int) -> list[str]:
    names = [cell.lower() for cell in cells]
    while names and not names[-1]:  # trailing delimiters, as some spreadsheets write them
        names.pop()
    seen: set[str] = set()
    for name in names:
        if not name:
            raise VoteFileError(file, "the header has an empty column name", row=row)
        if name not in CSV_COLUMNS:
            raise VoteFileError(
                file,
                f"unknown column \"{name}\"; known: {', '.join(CSV_COLUMNS)}",
                row=row,
                field=name,
            )
        if name in seen:
            raise VoteFileError(file, f'the column "{name}" appears twice', row=row, field=name)
        seen.add(name)
    for required in ("abbr", "votes"):
        if required not in seen:
            raise VoteFileError(
                file, f'the header has no "{required}" column (required: abbr, votes)', row=row
            )
    return names


def _csv_total(
    record: dict[str, str], file: str, row: int, raw: _Raw, total_rows: dict[str, int]
) -> None:
    key = record["abbr"][len("total:"):].strip()
    if key not in TOTALS and key not in CHECK_FIGURES:
        raise VoteFileError(
            file,
            f'unknown total "{key}"; known: {", ".join(TOTALS)} '
            f"(and, for checking only: {', '.join(CHECK_FIGURES)})",
            row=row,
            field="abbr",
        )
    if key in total_rows:
        raise VoteFileError(
            file, f"total {key} is given twice: rows {total_rows[key]} and {row}", row=row,
            field="abbr",
        )
    for column, cell in record.items():
        if column not in ("abbr", "name", "votes") and cell:
            raise VoteFileError(
                file,
                f"a total row uses only the votes column (and name as a label), "
                f'not "{cell}"',
                row=row,
                field=column,
            )
    try:
        value = _int_from_text(record["votes"])
    except _Bad as bad:
        raise VoteFileError(file, f"total {key}: {bad.message}", row=row, field="votes") from None
    total_rows[key] = row
    (raw.totals if key in TOTALS else raw.checks)[key] = value
    raw.origins[key] = (row, "votes")


def _csv_row(record: dict[str, str], file: str, row: int) -> _Row:
    abbr = record["abbr"]
    if not abbr:
        raise VoteFileError(file, "empty: every list needs an abbr", row=row, field="abbr")
    if not record["votes"]:
        raise VoteFileError(file, f"missing for {abbr}", row=row, field="votes")
    try:
        votes = _int_from_text(record["votes"])
    except _Bad as bad:
        raise VoteFileError(file, bad.message, row=row, field="votes") from None
    numbers: dict[str, int | None] = {}
    for key, minimum in _PARTY_INT_FIELDS:
        cell = record.get(key, "")
        if not cell:
            numbers[key] = None
            continue
        try:
            numbers[key] = _check_minimum(_int_from_text(cell), minimum)
        except _Bad as bad:
            raise VoteFileError(file, bad.message, row=row, field=key) from None
    tags: set[str] = set()
    for tag in re.split(r"[;,]", record.get("tags", "")):
        if tag.strip():
            try:
                tags.add(_tag(tag.strip()))
            except _Bad as bad:
                raise VoteFileError(file, bad.message, row=row, field="tags") from None
    return _Row(
        row=row,
        abbr=abbr,
        votes=votes,
        name=record.get("name", ""),
        registration_order=numbers["registration_order"],
        ballot_order=numbers["ballot_order"],
        list_size=numbers["list_size"],
        tags=frozenset(tags),
    )


# --- checks common to both formats ---------------------------------------------------------------


def _finish(raw: _Raw, file: str, options: Mapping[str, int] | None) -> VoteFile:
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
    _check_totals(raw, file)

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
            units=raw.units,
        )
    except (ValueError, TypeError) as exc:  # pragma: no cover - checked above
        raise VoteFileError(file, str(exc)) from None
    return VoteFile(election=election, parties_complete=raw.complete, check_figures=raw.checks)


def _check_rows(raw: _Raw, file: str) -> None:
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


def _merge_options(raw: _Raw, file: str, options: Mapping[str, int]) -> None:
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


def _check_totals(raw: _Raw, file: str) -> None:
    totals = raw.totals

    def fail(key: str, message: str) -> VoteFileError:
        row, where = raw.origins.get(key, (None, f"totals.{key}"))
        return VoteFileError(file, message, row=row, field=where)

    if "valid" in totals:
        valid = totals["valid"]
        listed = sum(r.votes for r in raw.rows)
        counted = f"the lists' votes add up to {listed}"
        if "against_all" in totals:
            against = totals["against_all"]
            listed += against
            counted += f" (+ against_all {against} = {listed})"
        if raw.complete and listed != valid:
            hint = ""
            if not raw.is_csv:
                hint = ' (if the file lacks some lists, say "parties_complete": false)'
            raise fail("valid", f"valid is {valid} but {counted}{hint}")
        if not raw.complete and listed > valid:
            raise fail("valid", f"valid is {valid} but {counted}, more than valid")

    if all(k in totals for k in ("ballots_cast", "valid", "invalid")):
        cast, valid, invalid = totals["ballots_cast"], totals["valid"], totals["invalid"]
        parts = [("valid", valid), ("invalid", invalid)]
        parts += [(k, figures[k]) for k in ("blank", "disallowed") if k in (figures := {**raw.checks, **totals})]
        counted = sum(v for _, v in parts)
        formula = f"{' + '.join(k for k, _ in parts)} = {' + '.join(str(v) for _, v in parts)}"
        if len(parts) > 1:
            formula += f" = {counted}"
        if "ballots_in_box" in raw.checks:
            in_box = raw.checks["ballots_in_box"]
            if in_box != counted:
                raise fail("ballots_in_box", f"ballots_in_box is {in_box} but {formula}")
            if cast < in_box:
                raise fail(
                    "ballots_cast",
                    f"ballots_cast is {cast}, fewer than ballots_in_box {in_box}",
                )
        elif cast != counted:
            hint = ""
            if cast > counted:
                hint = (
                    "; if the difference is blank or disallowed ballots, give them as the "
                    'totals "blank" or "disallowed"'
                )
            raise fail("ballots_cast", f"ballots_cast is {cast} but {formula}{hint}")


# --- the vote file against the rules -------------------------------------------------------------


def check_for_rules(vote_file: VoteFile, chamber: Any) -> None:
    """Refuse a vote file that cannot serve these rules (a ``hemicycle.model.Chamber``): a file
    that says it lacks some lists (``"parties_complete": false``) for a threshold on
    ``list_votes``, the sum of the votes of every list. (Tags the rules name but no list carries
    are reported as notes of the allocation: ``hemicycle.interpreter.tag_notes``.)"""
    from hemicycle import model as m

    if vote_file.parties_complete:
        return
    for node in chamber.nodes:
        if getattr(node, "base", None) is m.Base.LIST_VOTES:
            raise VoteFileError(
                vote_file.election.source or "<votes>",
                "false: the file lacks some lists, but the rules need the votes of every list "
                f"(a share of list_votes at {node.where}); give every list, or use a base such as "
                "valid_votes",
                field="parties_complete",
            )
