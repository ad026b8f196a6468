"""The low-level reading of vote files, shared by every format.

``hemicycle.votes`` (hemicycle's own JSON and CSV) and ``hemicycle.formats`` (NIST 1500-100 JSON,
EML XML) read with these pieces, and neither imports the other's: ``votes`` only dispatches to
``formats``. Everything here refuses rather than guesses:

* ``read_text``: a file read with a byte limit (``/dev/zero`` is not read whole) and decoded as
  UTF-8, or a ``VoteFileError`` naming the line of the first bad byte;
* ``strict_json``: JSON with no duplicate key anywhere, numbers kept as written when they are not
  plain integers (``12.5``, ``1e6``, ``NaN``, 5000 digits), and a limit on the number of objects
  checked while parsing (a file of a million lists is refused after the limit, not after it is read);
* ``int_from_text`` and ``json_int``: a figure is a plain non-negative integer, nothing else;
* ``KeyTable``: the keys each kind of object may have; any other key is an error with a
  did-you-mean, except free data under ``"extra"`` or a key starting with ``"x-"``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from hemicycle.election import MAX_LISTS

__all__ = [
    "FREE_KEY",
    "FREE_PREFIX",
    "MAX_DIGITS",
    "MAX_FILE_BYTES",
    "MAX_JSON_OBJECTS",
    "MAX_LISTS",
    "BadValue",
    "KeyTable",
    "RawNumber",
    "VoteFileError",
    "check_minimum",
    "did_you_mean",
    "int_from_text",
    "json_int",
    "kind",
    "percent",
    "read_text",
    "strict_json",
]

# A national count with every polling station is well below this; a larger file is refused
# before it is parsed (and only this much of it is ever read).
MAX_FILE_BYTES = 100_000_000
# Objects in one JSON vote file (a list, its totals, a region, a district each count one).
MAX_JSON_OBJECTS = 500_000
# Python refuses to convert longer digit strings (sys.int_max_str_digits); so do we, with a message.
MAX_DIGITS = 4300

# Free data: a key "extra" (any value) or any key starting with "x-" is never read.
FREE_KEY = "extra"
FREE_PREFIX = "x-"


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


class BadValue(Exception):
    """A problem with one value; the caller adds file, row and field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading a file ------------------------------------------------------------------------------


def read_text(path: str | Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a vote file: at most ``limit`` bytes are read, and the file must be UTF-8."""
    file = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(limit + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        strerror = getattr(exc, "strerror", None)
        raise VoteFileError(file, f"cannot read the file: {strerror or exc}") from None
    if len(data) > limit:
        raise VoteFileError(file, f"the file is larger than {limit:,} bytes, more than a vote file holds; "
                                  "it is refused unread")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise VoteFileError(
            file,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} "
            f"(offset {exc.start}); save the file as UTF-8",
        ) from None


# --- figures -------------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"-[0-9]+(?:[.,][0-9]*)?")
_THOUSANDS = re.compile(r"[0-9]{1,3}([,. _'\u00a0\u202f])[0-9]{3}(?:\1[0-9]{3})*")
_EXPONENT = re.compile(r"[0-9]*\.?[0-9]*[eE][+-]?[0-9]+")
_DECIMAL = re.compile(r"[0-9]*[.,][0-9]*")
_SEPARATED = re.compile(r"[0-9][0-9,. _'\u00a0\u202f]*[0-9]")


def digits_to_int(digits: str) -> int:
    if len(digits) > MAX_DIGITS:
        raise BadValue(f"a figure of {len(digits)} digits is too long (at most {MAX_DIGITS})")
    return int(digits)


def int_from_text(text: str, *, quote: bool = True) -> int:
    """A non-negative integer written with ASCII digits only (spaces at the ends are fine)."""
    s = text.strip()
    if not s:
        raise BadValue("missing")
    if _DIGITS.fullmatch(s):
        return digits_to_int(s)
    shown = (f'"{s}"' if quote else s) if len(s) <= 40 else f"a text of {len(s):,} characters"
    if s.startswith("+"):
        raise BadValue(f"{shown} has a leading '+'; write the digits only")
    if _NEGATIVE.fullmatch(s):
        raise BadValue(f"{shown} is negative")
    if _THOUSANDS.fullmatch(s):
        raise BadValue(
            f"{shown} looks like it has thousands separators; write the figure with digits "
            "only (separators are never guessed)"
        )
    if _EXPONENT.fullmatch(s) and any(c.isdigit() for c in s):
        raise BadValue(f"{shown} uses exponent notation; write all the digits")
    if _DECIMAL.fullmatch(s) and any(c.isdigit() for c in s):
        raise BadValue(f"{shown} has a decimal part; write whole numbers with digits only")
    if _SEPARATED.fullmatch(s):
        raise BadValue(f"{shown} contains separators; write the figure with digits only")
    raise BadValue(f"{shown} is not a number")


def check_minimum(value: int, minimum: int) -> int:
    if value < minimum:
        if value < 0:
            raise BadValue(f"{value} is negative")
        raise BadValue(f"must be at least {minimum}, not {value}")
    return value


# --- JSON ----------------------------------------------------------------------------------------


class RawNumber(str):
    """The text of a JSON number that is not a plain integer (12.5, 1e6, NaN, 5000 digits)."""


class _Duplicated(dict[str, Any]):
    """An object in which ``key`` appears twice (marked while parsing, reported with its path)."""

    key: str


Path_ = tuple[str | int, ...]  # keys and 0-based array positions from the document's root


def _default_where(path: Path_) -> tuple[int | None, str | None]:
    return None, render_path(path) or None


def render_path(path: Iterable[str | int]) -> str:
    """``parties[0].regional_votes``: keys joined by dots, array positions in brackets."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _TooMany(Exception):
    pass


def strict_json(text: str, file: str,
                where: Callable[[Path_], tuple[int | None, str | None]] = _default_where) -> Any:
    """Parse JSON refusing duplicate keys anywhere (``where`` turns the path of the object that
    repeats a key into the row and field of the message) and more than ``MAX_JSON_OBJECTS``
    objects. Integers become ``int`` (``RawNumber`` beyond ``MAX_DIGITS`` digits), other
    numbers ``RawNumber``; objects are plain dicts."""
    count = 0
    duplicated = False

    def obj(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal count, duplicated
        count += 1
        if count > MAX_JSON_OBJECTS:
            raise _TooMany
        out = dict(pairs)
        if len(out) != len(pairs) and not duplicated:  # a key repeats: mark the object, find it later
            duplicated = True
            seen: set[str] = set()
            key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            marked = _Duplicated(pairs)
            marked.key = key
            return marked
        return out

    try:
        data = json.loads(text, object_pairs_hook=obj, parse_float=RawNumber, parse_int=_int_text,
                          parse_constant=RawNumber)
    except _TooMany:
        raise VoteFileError(file, f"more than {MAX_JSON_OBJECTS:,} JSON objects, more than a vote file "
                                  "holds; the file is refused") from None
    except json.JSONDecodeError as exc:
        raise VoteFileError(
            file, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise VoteFileError(file, f"not valid JSON: {exc}") from None
    if duplicated:
        path, key = _find_duplicate(data)
        row, field = where(path)
        raise VoteFileError(file, f'the key "{key}" appears twice', row=row, field=field)
    return data


def _int_text(text: str) -> int | RawNumber:
    if len(text.lstrip("-")) > MAX_DIGITS:
        return RawNumber(text)
    return int(text)


def _find_duplicate(data: Any) -> tuple[Path_, str]:
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Duplicated):
            return path, value.key
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    raise AssertionError("a duplicate was marked but not found")  # pragma: no cover


def kind(value: object) -> str:
    """How a JSON value is named in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | RawNumber):
        text = str(value)
        return f"the number {text}" if len(text) <= 40 else f"a number of {len(text):,} characters"
    if isinstance(value, str):
        return f'the string "{value}"' if len(value) <= 60 else f"a string of {len(value):,} characters"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def json_int(value: object, *, minimum: int = 0) -> int:
    """An integer from a JSON value: a JSON integer, nothing else."""
    if isinstance(value, RawNumber):
        if _DIGITS.fullmatch(value.lstrip("-")):
            digits_to_int(value.lstrip("-"))  # raises: too long
        int_from_text(value, quote=False)  # raises: it is not a plain integer
        raise BadValue(f"{value} is not an integer")  # pragma: no cover
    if isinstance(value, bool):
        raise BadValue(f"expected an integer, got the boolean {str(value).lower()}")
    if isinstance(value, int):
        return check_minimum(value, minimum)
    if isinstance(value, str):
        try:
            int_from_text(value)
        except BadValue as bad:
            raise BadValue(f"expected an integer, got a string: {bad.message}") from None
        raise BadValue(f'expected an integer, got the string "{value}"; write it without quotes')
    raise BadValue(f"expected an integer, got {kind(value)}")


def percent(value: object) -> Fraction:
    """A published percentage (0 to 100, decimals allowed) as an exact share."""
    if isinstance(value, bool) or not isinstance(value, int | RawNumber):
        raise BadValue(f"expected a percentage, got {kind(value)}")
    if len(str(value)) > 40:
        raise BadValue(f"{kind(value)} is not a percentage")
    try:
        share = Fraction(str(value)) / 100
    except (ValueError, ZeroDivisionError):
        raise BadValue(f"{value} is not a percentage") from None
    if not 0 <= share <= 1:
        raise BadValue(f"{value} is not a percentage between 0 and 100")
    return share


def decimals(value: object) -> int:
    """The number of decimals a JSON number is written with (``75.45`` -> 2)."""
    text = str(value).lower().split("e")[0]
    return len(text.partition(".")[2])


# --- the keys of an object -------------------------------------------------------------------------


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``; did you mean "X"?`` for the closest candidate, or nothing."""
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return f'; did you mean "{lowered[word.lower()]}"?'
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)]
    return f'; did you mean "{close[0]}"?' if close else ""


def is_free(key: str) -> bool:
    """Free data: never read, never refused."""
    return key == FREE_KEY or key.startswith(FREE_PREFIX)


@dataclass(frozen=True)
class KeyTable:
    """The keys one kind of object may have: ``data`` is read, ``notes`` is documentation that is
    known but never read. Other modules extend a table with ``with_keys`` (a new key is one entry)."""

    what: str  # "a party", "the top level": how messages name the object
    data: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.data + self.notes

    def with_keys(self, data: Iterable[str] = (), notes: Iterable[str] = ()) -> KeyTable:
        return KeyTable(self.what, (*self.data, *data), (*self.notes, *notes))

    def check(self, obj: Mapping[str, Any], file: str, *, row: int | None = None, prefix: str = "") -> None:
        """Refuse a key of ``obj`` that the table does not know (free data aside)."""
        known = set(self.known)
        for key in obj:
            if key in known or is_free(key):
                continue
            shown = key if len(key) <= 60 else key[:57] + "..."
            raise VoteFileError(
                file,
                f'unknown key "{shown}" in {self.what}{did_you_mean(key, self.data + self.notes)} '
                f'(free data goes under "{FREE_KEY}" or a key starting with "{FREE_PREFIX}")',
                row=row, field=f"{prefix}{shown}",
            )
