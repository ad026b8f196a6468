"""The figures of an election as callers give them (votes and totals): one check for every entry point.

Votes and totals reach an allocation through vote files (``hemicycle.votes``), the Python API
(``Rules.allocate``, ``Election.from_votes``, the function ``hemicycle.compile`` returns,
``hemicycle.allocate_batch``) and the command line (``--total NAME=N``). Every one of them takes
a figure only if it is

* a whole number: a Python ``int`` or a NumPy integer (``numpy.int64(5)`` is 5); never a
  ``bool``, a float (``0.99`` is not silently 0), a string (``"0"``), a fraction, a NumPy
  ``timedelta64`` or a masked entry;
* not negative, and of at most ``MAX_DIGITS`` digits;

and the figures of one election must add up to at most ``MAX_DIGITS`` digits, so that every sum
the protocol shows (the votes of the lists, the ballots cast) can be written out. A figure that
fails is refused with ``TypeError`` (not a whole number) or ``ValueError`` (negative, too long),
naming the figure; the command line turns either into exit status 2.

Masked arrays: a masked vote is a figure that is not known, and seats cannot be allocated from
unknown figures; ``allocate_batch`` refuses an array with a masked entry (naming its row and
column) rather than read the value under the mask. Fill the mask first (``votes.filled(0)``)
when a masked vote means no votes.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Python writes out integers of up to this many digits (sys.int_max_str_digits); so do we.
MAX_DIGITS = 4300
_LIMIT = 10**MAX_DIGITS
_DIGITS = re.compile(r"[0-9]+")
_INT = {int}


def figure(value: object, what: str) -> int:
    """``value`` as an ``int``, if it is a whole number of at most ``MAX_DIGITS`` digits and not
    negative; else ``TypeError`` or ``ValueError`` naming ``what``."""
    if type(value) is not int:
        if not _integer(value):
            raise TypeError(f"{what} must be a whole number (int), not {_kind(value)}")
        value = int(value)  # type: ignore[call-overload]
    if value < 0:
        raise ValueError(f"{what} must not be negative")
    if value >= _LIMIT:
        raise ValueError(f"{what} has more than {MAX_DIGITS:,} digits (at most {MAX_DIGITS:,})")
    return value  # type: ignore[return-value]


def figures(values: Iterable[object], what: str) -> list[int]:
    """Every value as by ``figure``, named ``what`` and its place (1-based)."""
    out = []
    for i, v in enumerate(values, 1):
        out.append(v if type(v) is int and 0 <= v < _LIMIT else figure(v, f"{what} {i}"))
    return out


def election_figures(votes: Iterable[object], given: Mapping[str, object],
                     known: Sequence[str]) -> tuple[list[int], dict[str, int]]:
    """The votes (in list order) and the named totals of one election, each checked as by
    ``figure`` and ``totals``, and their sum as by ``check_sum``. Plain ints go the quick way
    (the compiled path calls this for every election)."""
    out = list(votes)
    if not (set(map(type, out)) <= _INT and (not out or min(out) >= 0)):
        out = figures(out, "the votes of list")
    checked = totals(given, known)
    if sum(out) + sum(checked.values()) >= _LIMIT:
        check_sum([*out, *checked.values()])
    return out, checked


def parse_figure(text: str, what: str) -> int:
    """A figure written on the command line: ASCII digits only (``²`` and other Unicode digits
    are refused), at most ``MAX_DIGITS`` of them. ``ValueError`` with a message naming ``what``."""
    digits = text.strip()
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"{what}: write a whole number with the digits 0-9, e.g. {what}=297718")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"{what}: a figure of {len(digits):,} digits is too long (at most {MAX_DIGITS:,})")
    return int(digits)


def check_sum(values: Iterable[int], what: str = "the figures of the election") -> None:
    """``ValueError`` if ``values`` (figures already checked) add up to more than ``MAX_DIGITS``
    digits."""
    if sum(values) >= _LIMIT:
        raise ValueError(f"{what} add up to more than {MAX_DIGITS:,} digits: hemicycle allocates with "
                         f"figures, and sums of figures, of at most {MAX_DIGITS:,} digits")


def totals(given: Mapping[str, object], known: Sequence[str], where: str = "") -> dict[str, int]:
    """Named totals (``invalid=``, ...): each a figure, each name one of ``known``; ``None``
    values are left out (not given). ``where`` starts every message (``"region 'North': "``)."""
    out: dict[str, int] = {}
    for key, value in given.items():
        if key not in known:
            raise ValueError(f"{where}unknown total {key!r}; known: {', '.join(known)}")
        if type(value) is int and 0 <= value < _LIMIT:
            out[key] = value
        elif value is not None:
            out[key] = figure(value, f"{where}the total {key!r}")
    return out


def standard_error(text: str, what: str) -> float:
    """A standard error for the simulations (``--se ABBR=0.01``): a finite number, not negative.
    (The simulations draw votes with floating point; every drawn election is allocated exactly.)"""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{what}: write a number, e.g. 0.01") from None
    return check_standard_error(value, what)


def check_standard_error(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number, not {_kind(value)}")
    x = float(value)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{what} must be a finite number, not negative (got {x})")
    return x


def figure_array(values: Any, what: str) -> Any:
    """A NumPy array of figures (``allocate_batch``): integers (``int64``, ``uint64``, ...) or
    an object array of whole numbers, with no masked entry; every figure checked as by
    ``figure`` (negative ones are refused by the caller, which names the row)."""
    import numpy as np

    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        if mask.any():
            where = tuple(int(i) for i in np.argwhere(mask)[0])
            raise ValueError(f"{what} has a masked entry at {_index(where)}: a masked figure is not known; "
                             "fill the mask (e.g. .filled(0)) if it means none")
        values = values.data
    a = np.asarray(values)
    kind = a.dtype.kind
    if kind in "iu":
        return a
    if kind != "O":
        raise TypeError(f"{what} must be integers, not {a.dtype} ({_dtype_kind(kind)})")
    for index, v in np.ndenumerate(a):
        if type(v) is not int or not 0 <= v < _LIMIT:
            if _integer(v) and int(v) < 0:
                continue  # the caller refuses negative figures, naming the row
            figure(v, f"{what} at {_index(index)}")
    return a


def _integer(value: object) -> bool:
    """A whole number: an ``int`` or an integer of another library (NumPy), not a bool."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return False
    np = sys.modules.get("numpy")  # a NumPy object implies NumPy is imported
    return np is None or not isinstance(value, np.timedelta64 | np.bool_)


def _kind(value: object) -> str:
    name = type(value).__name__
    if isinstance(value, float | complex) or type(value).__module__ == "numpy":
        return f"{name} {value!r}"
    return name


def _dtype_kind(kind: str) -> str:
    return {"b": "booleans", "f": "floating point", "c": "complex numbers", "m": "time spans",
            "M": "dates", "U": "text", "S": "bytes", "V": "records"}.get(kind, "not integers")


def _index(index: tuple[int, ...]) -> str:
    if len(index) == 2:
        return f"row {index[0]}, column {index[1]}"
    return "index " + ", ".join(str(i) for i in index)
