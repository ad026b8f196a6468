"""What the page sends, read exactly as the command line reads it.

* rule text, with the name it is shown under (a bundled file's name, or the name of a file the
  user opened): parsed by ``hemicycle.loads``, never written anywhere, never looked up as a path;
* votes from one of three sources (``VoteSource``): a bundled election by name (only names that
  ``hemicycle list`` shows are accepted), an uploaded file (written to a private temporary folder
  and read by ``hemicycle.votes.read_vote_file``, the CLI's reader, so every format and every
  message is the CLI's), or a table typed in the page (turned into a JSON vote file, whose row k
  is the table's row k and whose ``districts[k]`` is the table's district k, and read by the same
  reader).

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
DISTRICT_KEYS = ("name", "level", "parent", "seats", "figures", "totals", "votes")
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
class TypedDistrict:
    """One district of a typed table, every cell as typed: its ``seats`` (the magnitude, where the
    rules take it from the votes), ``figures`` (``population`` ...), ``totals`` and each list's
    ``votes`` there (a list whose cell is empty did not stand there)."""

    name: str = ""
    level: str = ""
    parent: str = ""
    seats: str = ""
    figures: tuple[tuple[str, str], ...] = ()
    totals: tuple[tuple[str, str], ...] = ()
    votes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> TypedDistrict:
        if not isinstance(data, dict):
            raise InputError("votes table: expected an object for each district")
        unknown = sorted(set(data) - set(DISTRICT_KEYS))
        if unknown:
            raise InputError(f"votes table: unknown district key {unknown[0]!r}; known: {', '.join(DISTRICT_KEYS)}")

        def pairs(key: str) -> tuple[tuple[str, str], ...]:
            value = data.get(key) or {}
            if not isinstance(value, dict):
                raise InputError(f"votes table: a district's {key} must be an object")
            return tuple((str(k), _text(v)) for k, v in value.items())

        return cls(name=_text(data.get("name")), level=_text(data.get("level")), parent=_text(data.get("parent")),
                   seats=_text(data.get("seats")), figures=pairs("figures"), totals=pairs("totals"),
                   votes=pairs("votes"))

    def parties(self) -> list[tuple[str, str]]:
        """The lists that stood here (a non-empty votes cell), in the table's order."""
        return [(abbr.strip(), v) for abbr, v in self.votes if v.strip() and abbr.strip()]

    def to_json(self) -> dict[str, Any]:
        """This district as the vote file's ``"districts"`` entry."""
        out: dict[str, Any] = {"name": self.name.strip()} if self.name.strip() else {}
        if self.level.strip():
            out["level"] = self.level.strip()
        if self.parent.strip():
            out["parent"] = self.parent.strip()
        if self.seats.strip():
            out["seats"] = _figure(self.seats)
        figures = {k: _figure(v) for k, v in self.figures if v.strip()}
        if figures:
            out["figures"] = figures
        totals = {k: _figure(v) for k, v in self.totals if v.strip()}
        if totals:
            out["totals"] = totals
        out["parties"] = [{"abbr": abbr, "votes": _figure(v)} for abbr, v in self.parties()]
        return out


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
    districts: tuple[TypedDistrict, ...] = ()

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
            districts = data.get("districts") or []
            if not isinstance(districts, list):
                raise InputError("votes table: expected districts (a list)")
            if len(rows) > MAX_TABLE_ROWS or len(districts) > MAX_TABLE_ROWS:
                raise InputError(f"the votes table has {max(len(rows), len(districts))} rows; at most {MAX_TABLE_ROWS}")
            cells = tuple(tuple(_text(c) for c in (r if isinstance(r, list) else [])[: len(TABLE_COLUMNS)])
                          for r in rows)
            return cls("table", name=TABLE_FILE, rows=cells,
                       totals=tuple((str(k), _text(v)) for k, v in totals.items()),
                       districts=tuple(TypedDistrict.from_json(d) for d in districts))
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
            vote_file = parse_vote_file(table_json(self.rows, self.totals, self.districts), TABLE_FILE)
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


def table_json(rows: Sequence[Sequence[str]], totals: Sequence[tuple[str, str]],
               districts: Sequence[TypedDistrict] = ()) -> str:
    """A typed table as a JSON vote file: row k of the table is party k, so the reader's row
    numbers are the table's; district k is the file's ``districts[k]`` (a list's national votes
    left empty are the sum of its votes in the districts, as in a file). Trailing empty rows are
    left out; an empty row among the others is kept, and the reader says it lacks an abbr."""
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
    data: dict[str, Any] = {"parties": parties, "totals": figures}
    if districts:
        data["districts"] = [d.to_json() for d in districts]
    return json.dumps(data, ensure_ascii=False)


_DISTRICT_FIELD = re.compile(r"districts\[(\d+)\](?:\.(.*))?")
_PARTY_FIELD = re.compile(r"parties\[(\d+)\](?:\.(.*))?")


def table_position(row: int | None, field: str | None,
                   districts: Sequence[TypedDistrict] = ()) -> dict[str, Any] | None:
    """Where a reader's error falls in the typed table: ``{"row": k}`` (1-based) for a list,
    ``{"total": name}`` for a total, ``{"district": k, "cell": C}`` for district k's cell C
    (``name``, ``seats``, ``figures.F``, ``totals.T``, ``votes.ABBR``; none: the whole row)."""
    if row is not None:
        return {"row": row}
    if field and field.startswith("totals."):
        return {"total": field.removeprefix("totals.")}
    found = _DISTRICT_FIELD.fullmatch(field or "")
    if found is None:
        return None
    k, rest = int(found.group(1)), found.group(2) or ""
    out: dict[str, Any] = {"district": k}
    party = _PARTY_FIELD.fullmatch(rest)
    if party is not None:
        stood = districts[k - 1].parties() if 0 < k <= len(districts) else []
        j = int(party.group(1))
        if 0 < j <= len(stood):
            out["cell"] = f"votes.{stood[j - 1][0]}"
    elif rest:
        out["cell"] = rest
    return out


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
