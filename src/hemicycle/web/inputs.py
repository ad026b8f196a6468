"""What the page sends, read exactly as the command line reads it.

* rule text, with the name it is shown under (a bundled file's name, or the name of a file the
  user opened): parsed by ``hemicycle.loads``, never written anywhere, never looked up as a path;
* votes from one of three sources (``VoteSource``): a bundled election by name (only names that
  ``hemicycle list`` shows are accepted), an uploaded file (written to a private temporary folder
  and read by ``hemicycle.votes.read_vote_file``, the CLI's reader, so every format and every
  message is the CLI's), or a table typed in the page (turned into a CSV vote file, whose row
  numbers are the table's rows plus one for the header, and read by the same reader).

Limits (``MAX_*``) bound what one request may hand to a worker process.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hemicycle.api import Rules, bundled_elections, bundled_rules, loads, resolve_election, resolve_rules
from hemicycle.election import TOTALS
from hemicycle.model import Chamber
from hemicycle.votes import VoteFile, VoteFileError, check_for_rules, parse_vote_file, read_vote_file

MAX_RULES_BYTES = 512 * 1024  # a rule file (the bundled ones are a few KB)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # an uploaded vote file
MAX_TABLE_ROWS = 2000  # lists in a typed table
TABLE_FILE = "typed table"
TABLE_COLUMNS = ("abbr", "name", "votes", "tags")
MAX_DIGITS = 4300  # longer figures are left to the reader, which refuses them


class InputError(Exception):
    """A request the page should not have sent (an unknown bundled name, a figure out of range):
    shown in the page as it stands."""


def safe_name(name: str, default: str, suffix: str = "") -> str:
    """The last component of a user-given file name, with only letters, digits, '.', '_' and '-'
    (others become '_'): used to show the file and as the name of a temporary copy, never as a
    path the user chose."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")[:100]
    if not base:
        base = default
    if suffix and not base.endswith(suffix):
        base += suffix
    return base


def bundled_rules_text(name: str) -> str:
    if name not in bundled_rules():
        raise InputError(f"no bundled rule file is called {name!r}; known: {', '.join(bundled_rules())}")
    return resolve_rules(name).read_text("utf-8")


def parse_rules(text: str, file: str) -> Rules:
    """``hemicycle.loads`` on text from the page (``RuleError`` with the CLI's diagnostics)."""
    if len(text.encode("utf-8")) > MAX_RULES_BYTES:
        raise InputError(f"the rule file is larger than {MAX_RULES_BYTES // 1024} KB")
    return loads(text, safe_name(file, "rules.elect"))


@dataclass(frozen=True)
class VoteSource:
    """Where the votes come from: ``kind`` is "bundled" (``name``), "upload" (``name`` and
    ``data``, ``contest`` for a NIST or EML file with several contests) or "table" (``rows`` of
    ``TABLE_COLUMNS`` cells and ``totals`` as typed)."""

    kind: str
    name: str = ""
    data: bytes = b""
    contest: str | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    totals: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, data: Any, upload: tuple[str, bytes] | None = None) -> VoteSource:
        """From the page's JSON (``{"kind": ..., ...}``); an upload's name and bytes are looked up
        by the caller (``upload``)."""
        if not isinstance(data, dict):
            raise InputError("votes: expected an object with a 'kind'")
        kind = data.get("kind")
        if kind == "bundled":
            return cls("bundled", name=_text(data.get("name")))
        if kind == "upload":
            if upload is None:
                raise InputError("the uploaded vote file is no longer on the server (it keeps the most recent "
                                 "uploads only): upload it again")
            contest = _text(data.get("contest")).strip() or None
            return cls("upload", name=upload[0], data=upload[1], contest=contest)
        if kind == "table":
            rows = data.get("rows")
            totals = data.get("totals") or {}
            if not isinstance(rows, list) or not isinstance(totals, dict):
                raise InputError("votes table: expected rows (a list) and totals (an object)")
            if len(rows) > MAX_TABLE_ROWS:
                raise InputError(f"the votes table has {len(rows)} rows; at most {MAX_TABLE_ROWS}")
            cells = tuple(tuple(_text(c) for c in (r if isinstance(r, list) else [])[: len(TABLE_COLUMNS)])
                          for r in rows)
            return cls("table", name=TABLE_FILE, rows=cells,
                       totals=tuple((str(k), _text(v)) for k, v in totals.items()))
        raise InputError(f"votes: unknown kind {kind!r} (bundled, upload or table)")

    def read(self, chambers: Sequence[Chamber] = ()) -> VoteFile:
        """The vote file, read and checked against ``chambers`` as ``hemicycle allocate`` does."""
        if self.kind == "bundled":
            if self.name not in bundled_elections():
                raise InputError(f"no bundled election is called {self.name!r}")
            vote_file = read_vote_file(resolve_election(self.name))
            vote_file = _renamed(vote_file, f"{self.name}.json")
        elif self.kind == "upload":
            vote_file = _read_upload(self.name, self.data, self.contest)
        else:
            vote_file = parse_vote_file(table_json(self.rows, self.totals), TABLE_FILE)
        for chamber in chambers:
            check_for_rules(vote_file, chamber)
        return vote_file


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InputError("votes table: expected text or a number, got true/false")
    if isinstance(value, int | float | str):
        return str(value)
    raise InputError("votes table: expected text or a number in every cell")


def _figure(cell: str) -> int | str:
    """A typed figure: digits become a JSON integer, anything else stays text for the reader to
    refuse in its own words (separators, signs, decimals ...)."""
    cell = cell.strip()
    return int(cell) if cell.isascii() and cell.isdigit() and len(cell) <= MAX_DIGITS else cell


def table_json(rows: Sequence[Sequence[str]], totals: Sequence[tuple[str, str]]) -> str:
    """A typed table as a JSON vote file: row k of the table is party k, so the reader's row
    numbers are the table's. Trailing empty rows are left out; an empty row among the others is
    kept, and the reader says it lacks an abbr."""
    parties: list[dict[str, Any]] = []
    for row in rows:
        cells = [c.strip() for c in [*row, *[""] * (len(TABLE_COLUMNS) - len(row))]]
        abbr, name, votes, tags = cells[: len(TABLE_COLUMNS)]
        party: dict[str, Any] = {}
        if abbr:
            party["abbr"] = abbr
        if name:
            party["name"] = name
        if votes:
            party["votes"] = _figure(votes)
        if tags:
            party["tags"] = [t.strip() for t in re.split(r"[;,]", tags) if t.strip()]
        parties.append(party)
    while parties and not parties[-1]:
        parties.pop()
    figures: dict[str, int | str] = {}
    for key, value in totals:
        if key not in TOTALS:
            raise InputError(f"votes table: unknown total {key!r}; known: {', '.join(TOTALS)}")
        if value.strip():
            figures[key] = _figure(value)
    return json.dumps({"parties": parties, "totals": figures}, ensure_ascii=False)


def table_position(row: int | None, field: str | None) -> dict[str, Any] | None:
    """Where a reader's error falls in the typed table: ``{"row": k}`` (1-based) for a list,
    ``{"total": name}`` for a total."""
    if row is not None:
        return {"row": row}
    if field and field.startswith("totals."):
        return {"total": field.removeprefix("totals.")}
    return None


def _read_upload(name: str, data: bytes, contest: str | None) -> VoteFile:
    """Read an upload with the CLI's reader from a private temporary copy; messages name the
    file as uploaded, not the copy."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"the vote file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory(prefix="hemicycle-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            if contest is None:
                vote_file = read_vote_file(path)
            else:
                from hemicycle.formats import load_standard

                vote_file = VoteFile(load_standard(path, contest=contest))
        except VoteFileError as e:
            e.message = e.message.replace(str(path), name)
            e.file = name
            e.args = (str(e),)
            raise
    return _renamed(vote_file, name)


def _renamed(vote_file: VoteFile, name: str) -> VoteFile:
    """The vote file as shown to the page: its source is the name the user knows."""
    return dataclasses.replace(vote_file, election=dataclasses.replace(vote_file.election, source=name))
