"""The fields of hemicycle's own vote files (``hemicycle.votes`` gives the format): the keys of each
kind of JSON object, the CSV columns, the names a tag may have, a list's integer fields and styles."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hemicycle.election import TOTALS
from hemicycle.figures import CHECK_FIGURES
from hemicycle.palette import PaletteError, parse_color, parse_position
from hemicycle.reading import BadValue, KeyTable, VoteFileError

CSV_COLUMNS = ("abbr", "name", "votes", "registration_order", "ballot_order", "list_size", "tags", "color",
               "position", "coalition_size")
# ... and in a long-form file with districts (hemicycle.district_csv) also:
DISTRICT_CSV_COLUMNS = ("district", "level", "seats", "parent", "candidate")
# A tag must be nameable in a rule file (``lists tagged NAME``).
TAG_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
DIGITS = re.compile(r"[0-9]+")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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

PARTY_INT_FIELDS = (("registration_order", 1), ("ballot_order", 1), ("list_size", 1))


def tag_name(tag: str) -> str:
    if not TAG_PATTERN.fullmatch(tag):
        shown = tag if len(tag) <= 40 else tag[:37] + "..."
        raise BadValue(
            f'tag "{shown}" cannot be named in a rule file: use letters, digits, _ and -, '
            "starting with a letter or _"
        )
    return tag


def styles(cells: Mapping[str, Any], file: str, row: int) -> dict[str, Any]:
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
