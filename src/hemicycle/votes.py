"""Vote files: read one election's figures from JSON or CSV, refusing anything doubtful.

Standard formats are read too, by content: a NIST 1500-100 JSON ``ElectionReport`` or an EML XML
document goes to ``hemicycle.formats``. Every format is read with the pieces of
``hemicycle.reading`` and checked by ``hemicycle.figures`` (the same checks and messages for all).

Two formats of hemicycle's own, told apart by content (a file whose first non-blank character is
``{`` or ``[`` is JSON, anything else CSV), never by extension:

* **JSON**, the shape of the bundled data (``hemicycle/elections/*.json``)::

    {"election": "NAME", "date": "YYYY-MM-DD",
     "parties": [{"abbr": "A", "name": "...", "votes": 123, "ballot_order": 1,
                  "registration_order": 1, "list_size": 40, "tags": ["minority"]}, ...],
     "totals": {"valid": 456, "invalid": 7, "ballots_cast": 463, "registered": 900},
     "parties_complete": true,
     "substitutes": {"ballots_cast": "valid"}}

  The keys each object may have are listed in ``JSON_KEYS`` (one table per kind of object:
  ``top``, ``party``, ``totals``, ``region``): the keys that carry data, and the documentation
  keys of the bundled data (``sources``, ``notes``, ``name_en``...) that are known and never read.
  **Any other key is an error** with a did-you-mean (``"agreement"`` is not silently ignored);
  free data goes under a key ``"extra"`` or a key starting with ``"x-"``, anywhere. No key may
  appear twice in an object, at any depth.

  Two party keys of the bundled data become tags: ``"minority": true`` gives the tag
  ``minority``; ``"coalition_size": k`` gives ``coalition`` plus ``coalition_2_3`` (k = 2 or 3)
  or ``coalition_4_plus`` (k >= 4). A party's ``seats`` are the official seats (compared by
  ``hemicycle reproduce``, never used to allocate). A figure that is ``null`` is unknown, i.e.
  absent. ``registration_order`` is either given for every list or for none (then it is the
  order in the file).

  For the clauses of real systems (docs/language.md) a list may also give ``district_seats``
  (mixed-member systems), ``regional_votes`` ({region: votes}, with the file's top-level
  ``"regions": {region: {total: figure}}``), ``combination`` (a list-combination name),
  ``reported_shares`` ({base: percent as published}, used only when the base figure is unknown,
  and checked against the figures when it is known; the bundled data's
  ``reported_percent_of_registered`` is read as the ``registered_voters`` share, and
  ``reported_percent`` as the share of the file's ``"reported_percent_base"``) and
  ``reported_regional_threshold`` (the official outcome of a regional threshold test). The top
  level may give ``"agreements"``: arrays of two or more abbrs (a list in one at most); ``[]``
  says that no agreement was made.

* **CSV** with a header row naming the columns (``abbr`` and ``votes`` required; ``name``,
  ``registration_order``, ``ballot_order``, ``list_size``, ``tags`` optional; tags separated by
  ``;``; a column whose name starts with ``x-`` is free data, never read). The delimiter is
  ``,``, ``;`` or a tab, whichever the header uses. Blank lines and lines starting with ``#``
  are skipped (but ``#SIEŤ,146205``, which reads as a list, is refused: quote such an abbr). A
  row whose abbr is ``total:NAME`` gives a total in its votes column, or in its second field
  when it has only two: ``total:invalid,297718``. Row numbers in messages are line numbers. A
  CSV file always holds every list. A header with a ``district`` column makes it a long-form file
  with districts (``hemicycle.district_csv``; also the columns ``seats`` and ``level``).

Besides the totals of ``hemicycle.election.TOTALS`` a file may give the check figures ``blank``
and ``disallowed`` (ballots in ``ballots_cast`` that are neither valid nor invalid),
``ballots_in_box`` (when ``ballots_cast`` counts the voters who signed for a ballot),
``ballots_issued`` and the published ``turnout_percent_reported``. They are not part of the
``Election``; they only make the consistency checks (``hemicycle.figures``) exact.

Every figure must be written as a plain non-negative integer: no sign, no decimal point, no
exponent, no thousands separators (they are refused, never guessed). Files larger than
``MAX_FILE_BYTES``, with more than ``MAX_LISTS`` lists or more than ``MAX_JSON_OBJECTS`` JSON
objects are refused while they are read. Every problem is a ``VoteFileError`` that names the
file, the row (the line number in a CSV file; the 1-based position in the JSON ``parties`` array)
and the field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from hemicycle.district_csv import DISTRICT, read_long_form
from hemicycle.election import TOTALS, Election
from hemicycle.figures import (
    CHECK_FIGURES,
    REPORTED_BASES,
    Raw,
    Reported,
    Row,
    VoteFile,
    election_to_json,
    finish,
    read_district_data,
)
from hemicycle.formats import parse_standard, sniff
from hemicycle.palette import PaletteError, parse_color, parse_position, with_bundled_styles
from hemicycle.reading import (
    FREE_PREFIX,
    MAX_FILE_BYTES,
    MAX_JSON_OBJECTS,
    MAX_LISTS,
    BadValue,
    KeyTable,
    VoteFileError,
    check_minimum,
    decimals,
    did_you_mean,
    int_from_text,
    json_int,
    kind,
    percent,
    read_text,
    render_path,
    strict_json,
)

__all__ = [
    "CHECK_FIGURES",
    "CSV_COLUMNS",
    "JSON_KEYS",
    "MAX_FILE_BYTES",
    "MAX_JSON_OBJECTS",
    "MAX_LISTS",
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
    "read_votes_for_rules",
]

CSV_COLUMNS = ("abbr", "name", "votes", "registration_order", "ballot_order", "list_size", "tags", "color",
               "position", "coalition_size")
# ... and in a long-form file with districts (hemicycle.district_csv) also:
DISTRICT_CSV_COLUMNS = ("district", "level", "seats", "parent", "candidate")
# A tag must be nameable in a rule file (``lists tagged NAME``).
TAG_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The keys of each kind of JSON object (see the module docstring). A new key is one entry here
# plus the code that reads it.
JSON_KEYS: dict[str, KeyTable] = {
    "top": KeyTable(
        "the top level",
        data=("election", "date", "parties", "totals", "parties_complete", "substitutes", "agreements",
              "regions", "reported_percent_base", "districts"),
        notes=("body", "tier", "seats", "rule", "sources", "note", "notes", "data_confidence", "data_notes",
               "reported_note", "reported_percent_note", "substitutes_note"),
    ),
    "party": KeyTable(
        "a party",
        data=("abbr", "name", "votes", "registration_order", "ballot_order", "list_size", "tags", "minority",
              "coalition_size", "seats", "district_seats", "regional_votes", "reported_shares",
              "reported_percent_of_registered", "reported_percent", "reported_regional_threshold",
              "combination", "color", "position"),
        notes=("name_en", "note", "notes"),
    ),
    "totals": KeyTable(
        "the totals",
        data=(*TOTALS, *CHECK_FIGURES, "turnout_percent_reported"),
        notes=("note", "notes", "ballots_cast_note"),
    ),
    "region": KeyTable("a region's totals", data=TOTALS, notes=("note", "notes")),
}


# --- public entry points -------------------------------------------------------------------------


def load_votes(path: str | Path, *, totals: Mapping[str, int] | None = None) -> Election:
    """Read a vote file (JSON or CSV, by content). ``totals`` add figures the file lacks; a figure
    that contradicts the file's is an error."""
    return read_vote_file(path, totals=totals).election


def read_vote_file(path: str | Path, *, totals: Mapping[str, int] | None = None,
                   contest: str | None = None) -> VoteFile:
    """Like ``load_votes`` but keeps ``parties_complete`` and the check figures; ``contest``
    chooses the contest of a NIST or EML file that has several."""
    vote_file = parse_vote_file(read_text(path), str(path), totals=totals, contest=contest)
    styled = with_bundled_styles(vote_file.election, Path(path).name.removesuffix(".json"))
    return vote_file if styled is vote_file.election else replace(vote_file, election=styled)


def read_votes_for_rules(path: str | Path, chambers: Iterable[Any], *, totals: Mapping[str, int] | None = None,
                         contest: str | None = None) -> VoteFile:
    """The one way a command reads a vote file for rules: ``read_vote_file`` plus
    ``check_for_rules`` against each chamber (a ``hemicycle.model.Chamber``)."""
    vote_file = read_vote_file(path, totals=totals, contest=contest)
    for chamber in chambers:
        check_for_rules(vote_file, chamber)
    return vote_file


def parse_votes(text: str, file: str, *, totals: Mapping[str, int] | None = None) -> Election:
    """Parse the text of a vote file, JSON or CSV by content."""
    return parse_vote_file(text, file, totals=totals).election


def parse_vote_file(text: str, file: str, *, totals: Mapping[str, int] | None = None,
                    contest: str | None = None) -> VoteFile:
    """Like ``parse_votes`` but keeps ``parties_complete`` and the check figures."""
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise VoteFileError(file, "the file is empty")
    if contest is not None or sniff(stripped) is not None:
        return parse_standard(text, file, totals=totals, contest=contest)
    raw = _parse_json(text, file) if stripped[0] in "{[" else _parse_csv(text, file)
    return finish(raw, file, totals)


def parse_votes_json(text: str, file: str) -> Election:
    """Parse a JSON vote file (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise VoteFileError(file, "the file is empty")
    return finish(_parse_json(text, file), file, None).election


def parse_votes_csv(text: str, file: str) -> Election:
    """Parse a CSV vote file (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise VoteFileError(file, "the file is empty")
    return finish(_parse_csv(text, file), file, None).election


def _tag(tag: str) -> str:
    if not TAG_PATTERN.fullmatch(tag):
        shown = tag if len(tag) <= 40 else tag[:37] + "..."
        raise BadValue(
            f'tag "{shown}" cannot be named in a rule file: use letters, digits, _ and -, '
            "starting with a letter or _"
        )
    return tag


# --- JSON ----------------------------------------------------------------------------------------


def _json_where(path: tuple[str | int, ...]) -> tuple[int | None, str | None]:
    """Row and field of a JSON path: ``("parties", 2, "tags")`` is row 3, field tags."""
    if len(path) >= 2 and path[0] == "parties" and isinstance(path[1], int):
        return path[1] + 1, render_path(path[2:]) or None
    return None, render_path(path) or None


def _parse_json(text: str, file: str) -> Raw:
    data = strict_json(text, file, _json_where)
    if not isinstance(data, dict):
        raise VoteFileError(
            file,
            f'the top level must be an object with "election", "parties" and "totals", '
            f"not {kind(data)}",
        )
    JSON_KEYS["top"].check(data, file)
    raw = Raw()
    raw.given = set(data)
    if "districts" in data:
        read_district_data(data, file, raw)
    name = data.get("election", "")
    if name is not None and not isinstance(name, str):
        raise VoteFileError(file, f"expected a string, got {kind(name)}", field="election")
    raw.name = name or ""
    date = data.get("date")
    if date is not None and not (isinstance(date, str) and _DATE.fullmatch(date)):
        raise VoteFileError(file, f"expected the election day as YYYY-MM-DD, got {kind(date)}", field="date")

    complete = data.get("parties_complete", True)
    if not isinstance(complete, bool):
        raise VoteFileError(
            file, f"expected true or false, got {kind(complete)}", field="parties_complete"
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
        raise VoteFileError(file, f"expected an array, got {kind(parties)}", field="parties")
    if not parties and "units" not in raw.extra:
        raise VoteFileError(file, "empty: the file gives no lists", field="parties")
    if len(parties) > MAX_LISTS:
        raise VoteFileError(file, f"{len(parties):,} lists, more than hemicycle allocates at once "
                                  f"(at most {MAX_LISTS:,})", field="parties")
    for index, party in enumerate(parties, start=1):
        raw.add_row(_json_party(party, index, file), file)
    _json_election_extras(data, file, raw)
    return raw


def _json_totals(totals: object, file: str, raw: Raw) -> None:
    if not isinstance(totals, dict):
        raise VoteFileError(file, f"expected an object, got {kind(totals)}", field="totals")
    JSON_KEYS["totals"].check(totals, file, prefix="totals.")
    for key, value in totals.items():
        if key not in TOTALS and key not in CHECK_FIGURES:
            continue  # documentation, the turnout (read below) and free data
        if value is None:
            continue  # unknown
        try:
            number = json_int(value)
        except BadValue as bad:
            raise VoteFileError(
                file, f"must be a non-negative integer or null: {bad.message}",
                field=f"totals.{key}",
            ) from None
        (raw.totals if key in TOTALS else raw.checks)[key] = number
        raw.origins[key] = (None, f"totals.{key}")
    turnout = totals.get("turnout_percent_reported")
    if turnout is not None:
        where = "totals.turnout_percent_reported"
        try:
            raw.turnout = Reported(percent(turnout), decimals(turnout), (None, where))
        except BadValue as bad:
            raise VoteFileError(file, bad.message, field=where) from None


def _json_substitutes(subs: object, file: str, raw: Raw) -> None:
    if subs is None:
        return
    if not isinstance(subs, dict):
        raise VoteFileError(file, f"expected an object, got {kind(subs)}", field="substitutes")
    known = ", ".join(TOTALS)
    for key, value in subs.items():
        where = f"substitutes.{key}"
        if key not in TOTALS:
            raise VoteFileError(file, f'unknown total "{key}"{did_you_mean(key, TOTALS)}; known: {known}',
                                field=where)
        if not isinstance(value, str) or value not in TOTALS:
            shown = f'"{value}"' if isinstance(value, str) else kind(value)
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


def _json_party(party: object, row: int, file: str) -> Row:
    if not isinstance(party, dict):
        raise VoteFileError(file, f"expected an object, got {kind(party)}", row=row)
    JSON_KEYS["party"].check(party, file, row=row)

    abbr = party.get("abbr")
    if abbr is None:
        raise VoteFileError(file, "missing", row=row, field="abbr")
    if not isinstance(abbr, str):
        raise VoteFileError(file, f"expected a string, got {kind(abbr)}", row=row, field="abbr")
    abbr = abbr.strip()
    if not abbr:
        raise VoteFileError(file, "empty: every list needs an abbr", row=row, field="abbr")

    name = party.get("name")
    if name is not None and not isinstance(name, str):
        raise VoteFileError(file, f"expected a string, got {kind(name)}", row=row, field="name")

    if "votes" not in party or party["votes"] is None:
        raise VoteFileError(file, f"missing for {abbr}", row=row, field="votes")
    try:
        votes = json_int(party["votes"])
    except BadValue as bad:
        raise VoteFileError(file, bad.message, row=row, field="votes") from None

    numbers: dict[str, int | None] = {}
    for key, minimum in (*_PARTY_INT_FIELDS, ("seats", 0)):
        value = party.get(key)
        if value is None:
            numbers[key] = None
            continue
        try:
            numbers[key] = json_int(value, minimum=minimum)
        except BadValue as bad:
            raise VoteFileError(file, bad.message, row=row, field=key) from None

    return Row(
        row=row,
        abbr=abbr,
        votes=votes,
        name=name or "",
        registration_order=numbers["registration_order"],
        ballot_order=numbers["ballot_order"],
        list_size=numbers["list_size"],
        official_seats=numbers["seats"],
        tags=_json_tags(party, row, file),
        extra=_json_party_extras(party, row, file),
        reported=_json_reported(party, row, file),
    )


def _json_tags(party: dict[str, Any], row: int, file: str) -> frozenset[str]:
    tags: set[str] = set()
    raw_tags = party.get("tags")
    if raw_tags is not None:
        if not isinstance(raw_tags, list):
            raise VoteFileError(
                file, f"expected an array of strings, got {kind(raw_tags)}", row=row,
                field="tags",
            )
        for tag in raw_tags:
            if not isinstance(tag, str):
                raise VoteFileError(
                    file, f"expected a string, got {kind(tag)}", row=row, field="tags"
                )
            try:
                tags.add(_tag(tag))
            except BadValue as bad:
                raise VoteFileError(file, bad.message, row=row, field="tags") from None

    minority = party.get("minority")
    if minority is not None and not isinstance(minority, bool):
        raise VoteFileError(
            file, f"expected true, false or null, got {kind(minority)}", row=row,
            field="minority",
        )
    if minority:
        tags.add("minority")

    size = party.get("coalition_size")
    if size is not None:
        try:
            k = json_int(size, minimum=1)
        except BadValue as bad:
            raise VoteFileError(
                file, f"{bad.message} (the number of parties on the list: 1 for a single party)",
                row=row, field="coalition_size",
            ) from None
        if k >= 2:
            tags.update(("coalition", "coalition_2_3" if k <= 3 else "coalition_4_plus"))
    return frozenset(tags)


def _json_reported(party: dict[str, Any], row: int, file: str) -> dict[str, Reported]:
    """The party's published shares by base: ``reported_shares`` {base: percent} and the bundled
    data's ``reported_percent_of_registered`` (``reported_percent`` is read with the file's base)."""
    shares: dict[str, Reported] = {}
    reported = party.get("reported_shares")
    if reported is not None:
        if not isinstance(reported, dict):
            raise VoteFileError(file, f"expected an object, got {kind(reported)}", row=row,
                                field="reported_shares")
        for base, value in reported.items():
            where = f"reported_shares.{base}"
            if base not in REPORTED_BASES:
                raise VoteFileError(file, f'unknown base "{base}"{did_you_mean(base, REPORTED_BASES)}; known: '
                                          f'{", ".join(REPORTED_BASES)}', row=row, field=where)
            shares[base] = _reported(value, row, where, file)
    of_registered = party.get("reported_percent_of_registered")
    if of_registered is not None:
        where = "reported_percent_of_registered"
        if "registered_voters" in shares:
            raise VoteFileError(file, "the share of registered voters is also in reported_shares", row=row,
                                field=where)
        shares["registered_voters"] = _reported(of_registered, row, where, file)
    return shares


def _reported(value: object, row: int, where: str, file: str) -> Reported:
    try:
        return Reported(percent(value), decimals(value), (row, where))
    except BadValue as bad:
        raise VoteFileError(file, bad.message, row=row, field=where) from None


def _json_party_extras(party: dict[str, Any], row: int, file: str) -> dict[str, Any]:
    """The party keys for mixed-member, regional and alliance rules: ``district_seats``,
    ``regional_votes`` {region: votes}, ``reported_regional_threshold`` (true/false) and
    ``combination`` (a name). (The reported shares are added by ``_json_election_extras``.)"""
    extra: dict[str, Any] = {}
    size = party.get("coalition_size")
    if size is not None:
        extra["coalition_size"] = json_int(size, minimum=1)  # checked with the tags
    seats = party.get("district_seats")
    if seats is not None:
        try:
            extra["district_seats"] = json_int(seats)
        except BadValue as bad:
            raise VoteFileError(file, bad.message, row=row, field="district_seats") from None
    regional = party.get("regional_votes")
    if regional is not None:
        if not isinstance(regional, dict):
            raise VoteFileError(file, f"expected an object, got {kind(regional)}", row=row,
                                field="regional_votes")
        votes: dict[str, int] = {}
        for region, value in regional.items():
            try:
                votes[region] = json_int(value)
            except BadValue as bad:
                raise VoteFileError(file, bad.message, row=row, field=f"regional_votes.{region}") from None
        extra["regional_votes"] = votes
    outcome = party.get("reported_regional_threshold")
    if outcome is not None:
        if not isinstance(outcome, bool):
            raise VoteFileError(file, f"expected true, false or null, got {kind(outcome)}", row=row,
                                field="reported_regional_threshold")
        extra["reported_regional"] = outcome
    combination = party.get("combination")
    if combination is not None:
        if not isinstance(combination, str) or not combination.strip():
            raise VoteFileError(file, f"expected a name, got {kind(combination)}", row=row,
                                field="combination")
        extra["combination"] = combination.strip()
    extra.update(_styles(party, file, row))
    return extra


def _styles(cells: Mapping[str, Any], file: str, row: int) -> dict[str, Any]:
    """A list's ``color`` and ``position`` (for pictures, never for seats; ``hemicycle.palette``);
    a cell that is empty or null is not given."""
    out: dict[str, Any] = {}
    for key, parse in (("color", parse_color), ("position", parse_position)):
        value = cells.get(key)
        if value is None or value == "":
            continue
        try:
            out[key] = parse(value)
        except PaletteError as e:
            raise VoteFileError(file, str(e), row=row, field=key) from None
    return out


def _json_election_extras(data: dict[str, Any], file: str, raw: Raw) -> None:
    """``agreements`` (arrays of abbrs), ``regions`` ({region: {total: figure}}) and the
    ``reported_percent`` of each party, a share of ``reported_percent_base``."""
    _json_agreements(data.get("agreements"), file, raw)
    regions = data.get("regions")
    if regions is not None:
        if not isinstance(regions, dict):
            raise VoteFileError(file, f"expected an object, got {kind(regions)}", field="regions")
        for region, totals in regions.items():
            if not isinstance(totals, dict):
                raise VoteFileError(file, f"expected an object of totals, got {kind(totals)}",
                                    field=f"regions.{region}")
            JSON_KEYS["region"].check(totals, file, prefix=f"regions.{region}.")
            figures: dict[str, int] = {}
            for key, value in totals.items():
                if key not in TOTALS or value is None:
                    continue
                try:
                    figures[key] = json_int(value)
                except BadValue as bad:
                    raise VoteFileError(file, bad.message, field=f"regions.{region}.{key}") from None
            raw.regions[region] = figures
    base = data.get("reported_percent_base")
    if base is not None and base not in REPORTED_BASES:
        shown = f'"{base}"' if isinstance(base, str) else kind(base)
        raise VoteFileError(file, f"unknown base {shown}; known: {', '.join(REPORTED_BASES)}",
                            field="reported_percent_base")
    for row, party in zip(raw.rows, data["parties"], strict=True):
        value = party.get("reported_percent")
        if value is not None:
            if base is None:
                raise VoteFileError(file, 'a share of what? the file gives no "reported_percent_base"',
                                    row=row.row, field="reported_percent")
            if base in row.reported:
                raise VoteFileError(file, f"the share of {base} is also in reported_shares", row=row.row,
                                    field="reported_percent")
            row.reported[base] = _reported(value, row.row, "reported_percent", file)
        if row.reported:
            row.extra["reported_shares"] = {b: r.share for b, r in row.reported.items()}
    for row in raw.rows:
        for region in row.extra.get("regional_votes", {}):
            if region not in raw.regions:
                raise VoteFileError(file, f'"{region}" is not in the file\'s "regions"'
                                          f"{did_you_mean(region, raw.regions)}", row=row.row,
                                    field=f"regional_votes.{region}")


def _json_agreements(agreements: object, file: str, raw: Raw) -> None:
    if agreements is None:
        return
    abbrs = {r.abbr for r in raw.rows}
    if not isinstance(agreements, list):
        raise VoteFileError(file, f"expected an array, got {kind(agreements)}", field="agreements")
    joined: dict[str, int] = {}
    for k, group in enumerate(agreements, start=1):
        where = f"agreements[{k}]"
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(a, str) for a in group):
            raise VoteFileError(file, "an agreement is an array of two or more list abbrs", field=where)
        for a in group:
            if a not in abbrs:
                raise VoteFileError(file, f'"{a}" is not a list in this file{did_you_mean(a, abbrs)}',
                                    field=where)
            if a in joined:
                raise VoteFileError(file, f'"{a}" is already in agreement {joined[a]}', field=where)
            joined[a] = k
        raw.agreements.append(tuple(group))


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


def _parse_csv(text: str, file: str) -> Raw:
    raw = Raw(is_csv=True)
    lines = re.split(r"\r\n|\r|\n", text)
    header: list[str] | None = None
    delimiter = ","
    total_rows: dict[str, int] = {}
    long_form: list[tuple[int, dict[str, str]]] = []
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
        if DISTRICT in header:
            long_form.append((number, record))
        elif abbr.lower().startswith("total:"):
            if short and header.index("abbr") == 0:  # "total:invalid,297718", whatever the header
                record = dict.fromkeys(header, "") | {"abbr": cells[0], "votes": cells[1]}
            _csv_total(record, file, number, raw, total_rows)
        else:
            raw.add_row(_csv_row(record, file, number), file)
    if header is None:
        raise VoteFileError(file, "the file has no header row (and no lists)")
    if DISTRICT in header:
        return _parse_long_form(long_form, file)
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
    known = (*CSV_COLUMNS, *DISTRICT_CSV_COLUMNS) if DISTRICT in names else CSV_COLUMNS
    for name in names:
        if not name:
            raise VoteFileError(file, "the header has an empty column name", row=row)
        if name not in known and not name.startswith(FREE_PREFIX):
            also = ", ".join(DISTRICT_CSV_COLUMNS)
            with_districts = "" if DISTRICT in names else f" (with a {DISTRICT} column also: {also})"
            raise VoteFileError(
                file,
                f"unknown column \"{name}\"{did_you_mean(name, known)}; known: {', '.join(known)}{with_districts} "
                f'(free data goes in a column whose name starts with "{FREE_PREFIX}")',
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
    record: dict[str, str], file: str, row: int, raw: Raw, total_rows: dict[str, int]
) -> None:
    key = record["abbr"][len("total:"):].strip()
    if key not in TOTALS and key not in CHECK_FIGURES:
        raise VoteFileError(
            file,
            f'unknown total "{key}"{did_you_mean(key, (*TOTALS, *CHECK_FIGURES))}; known: {", ".join(TOTALS)} '
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
        if column not in ("abbr", "name", "votes") and not column.startswith(FREE_PREFIX) and cell:
            raise VoteFileError(
                file,
                f"a total row uses only the votes column (and name as a label), "
                f'not "{cell}"',
                row=row,
                field=column,
            )
    try:
        value = int_from_text(record["votes"])
    except BadValue as bad:
        raise VoteFileError(file, f"total {key}: {bad.message}", row=row, field="votes") from None
    total_rows[key] = row
    (raw.totals if key in TOTALS else raw.checks)[key] = value
    raw.origins[key] = (row, "votes")


def _csv_row(record: dict[str, str], file: str, row: int) -> Row:
    abbr = record["abbr"]
    if not abbr:
        raise VoteFileError(file, "empty: every list needs an abbr", row=row, field="abbr")
    if not record["votes"]:
        raise VoteFileError(file, f"missing for {abbr}", row=row, field="votes")
    try:
        votes = int_from_text(record["votes"])
    except BadValue as bad:
        raise VoteFileError(file, bad.message, row=row, field="votes") from None
    numbers: dict[str, int | None] = {}
    for key, minimum in _PARTY_INT_FIELDS:
        cell = record.get(key, "")
        if not cell:
            numbers[key] = None
            continue
        try:
            numbers[key] = check_minimum(int_from_text(cell), minimum)
        except BadValue as bad:
            raise VoteFileError(file, bad.message, row=row, field=key) from None
    seats = None
    if record.get("seats"):
        try:
            seats = int_from_text(record["seats"])
        except BadValue as bad:
            raise VoteFileError(file, bad.message, row=row, field="seats") from None
    tags: set[str] = set()
    for tag in re.split(r"[;,]", record.get("tags", "")):
        if tag.strip():
            try:
                tags.add(_tag(tag.strip()))
            except BadValue as bad:
                raise VoteFileError(file, bad.message, row=row, field="tags") from None
    extra = _styles(record, file, row)
    if record.get("coalition_size"):
        try:
            size = check_minimum(int_from_text(record["coalition_size"]), 1)
        except BadValue as bad:
            raise VoteFileError(file, f"{bad.message} (the number of parties on the list: 1 for a single party)",
                                row=row, field="coalition_size") from None
        extra["coalition_size"] = size
        if size >= 2:
            tags.update(("coalition", "coalition_2_3" if size <= 3 else "coalition_4_plus"))
    return Row(
        row=row,
        abbr=abbr,
        votes=votes,
        name=record.get("name", ""),
        registration_order=numbers["registration_order"],
        ballot_order=numbers["ballot_order"],
        list_size=numbers["list_size"],
        tags=frozenset(tags),
        official_seats=seats,
        extra=extra,
    )


def _parse_long_form(records: list[tuple[int, dict[str, str]]], file: str) -> Raw:
    """A CSV file with a ``district`` column (``hemicycle.district_csv``): its rows in the JSON
    shape, read by the JSON reader's ``figures.read_district_data``, every message pointing at its line."""
    located = read_long_form(records, file)
    data = located.data
    raw = Raw(is_csv=True)
    raw.given = {"parties", "totals", "districts"}
    raw.locate = located.where
    total_rows: dict[str, int] = {}
    for line, record in located.national_totals:
        _csv_total(record, file, line, raw, total_rows)
    national: dict[str, tuple[int, dict[str, str]]] = {}
    for line, record in located.national:
        abbr = record["abbr"]
        if not abbr:
            raise VoteFileError(file, "empty: every list needs an abbr", row=line, field="abbr")
        if abbr in national:
            raise VoteFileError(file, f'"{abbr}" has two national rows: rows {national[abbr][0]} and {line}',
                                row=line, field="abbr")
        national[abbr] = (line, record)
    parties: list[dict[str, Any]] = []
    for abbr, (line, record) in national.items():
        try:
            votes = int_from_text(record["votes"]) if record["votes"] else None
        except BadValue as bad:
            raise VoteFileError(file, f"{abbr} (nationally): {bad.message}", row=line, field="votes") from None
        parties.append({"abbr": abbr, "votes": votes})
    if parties:
        data["parties"] = parties
    data["totals"] = {k: v for k, v in raw.totals.items() if k in TOTALS}
    try:
        read_district_data(data, file, raw)
    except VoteFileError as exc:
        raise _located_error(exc, located.where, list(national.values()), raw) from None
    for key, value in data["totals"].items():
        if key not in raw.totals:
            raw.totals[key] = value
            raw.origins[key] = (None, f"total:{key} (the districts' sum)")
    in_districts = {p["abbr"] for u in data["districts"] for p in u.get("parties", ())}
    standing = in_districts | {c["party"] for u in data["districts"] for c in u.get("candidates", ())}
    for party in data["parties"]:
        abbr = party["abbr"]
        if abbr in national:
            line, record = national[abbr]
            if in_districts and abbr not in standing:
                raise VoteFileError(file, f"{abbr} has a national row but no district gives its votes", row=line,
                                    field="abbr")
            raw.add_row(_csv_row(record | {"votes": str(party["votes"])}, file, line), file)
        else:
            raw.add_row(Row(row=located.first_lines.get(abbr, 0), abbr=abbr, votes=party["votes"],
                            name=party.get("name", "")), file)
    return raw


def _located_error(exc: VoteFileError, where: Any, national: list[tuple[int, dict[str, str]]],
                   raw: Raw) -> VoteFileError:
    """A message of the JSON reader about the JSON-shaped record, pointing at the CSV line instead."""
    if exc.row is not None:  # the n-th national entry
        return VoteFileError(exc.file, exc.message, row=national[exc.row - 1][0], field=exc.field)
    if exc.field is not None and exc.field.startswith("totals."):
        row, column = raw.origins.get(exc.field.removeprefix("totals."), (None, exc.field))
        return VoteFileError(exc.file, exc.message, row=row, field=column)
    row, column = where(exc.field)
    return VoteFileError(exc.file, exc.message, row=row, field=column)


# --- the vote file against the rules -------------------------------------------------------------


def check_for_rules(vote_file: VoteFile, chamber: Any) -> None:
    """Refuse a vote file that cannot serve these rules (a ``hemicycle.model.Chamber``): a clause
    whose data the file does not give where the law needs it (``hemicycle.clause_data``). Where
    the law allows the absence (tags no list carries, no agreement made) the allocation notes it."""
    from hemicycle import clause_data

    for problem in clause_data.problems(chamber, vote_file.election, given=vote_file.given,
                                        complete=vote_file.parties_complete):
        raise VoteFileError(vote_file.election.source or "<votes>", problem.message, field=problem.field)
