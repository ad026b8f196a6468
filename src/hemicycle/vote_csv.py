"""hemicycle's CSV vote files, national and long-form with districts, read into the raw records every
format fills (see ``hemicycle.votes`` for the format)."""

from __future__ import annotations

import csv
import re
from typing import Any

from hemicycle.district_csv import DISTRICT, read_long_form
from hemicycle.election import TOTALS
from hemicycle.figures import (
    CHECK_FIGURES,
    Raw,
    Row,
    read_district_data,
)
from hemicycle.reading import (
    FREE_PREFIX,
    BadValue,
    VoteFileError,
    check_minimum,
    did_you_mean,
    int_from_text,
)
from hemicycle.vote_fields import (
    CSV_COLUMNS,
    DIGITS,
    DISTRICT_CSV_COLUMNS,
    PARTY_INT_FIELDS,
    styles,
    tag_name,
)

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


def parse_csv(text: str, file: str) -> Raw:
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
    if position < len(cells) and DIGITS.fullmatch(cells[position].strip()):
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
    for key, minimum in PARTY_INT_FIELDS:
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
                tags.add(tag_name(tag.strip()))
            except BadValue as bad:
                raise VoteFileError(file, bad.message, row=row, field="tags") from None
    extra = styles(record, file, row)
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
