"""Colours and political positions of lists, for the pictures and reports people publish.

A list's colour is, first found:

1. its ``color`` in the vote file (``"#0098db"``: ``#`` and 3 or 6 hex digits);
2. its colour in the palette of a bundled election (``elections/palettes.toml``: the parties'
   real colours where a source names them; each entry cites it, see docs/elections-data.md);
3. a colour-blind-safe colour (Okabe & Ito's eight, then Paul Tol's muted scheme), given in
   vote-file order and skipping colours too close to those already taken.

Colours depend on the election only, never on the seats, so a list has the same colour under
every system and in every picture of a comparison (and in every run).

A list's ``position`` (a number on any left-right scale; only the order counts) places it in a
parliament arch: ``order="position"`` draws the lists from left to right by position (lists
without one after them, by size), ``"size"`` by seats, largest first, ``"file"`` in vote-file
order. Positions come from the vote file or the bundled palette, never guessed.

This module reads no vote file and imports nothing of the readers (``votes``, ``figures``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from hemicycle.election import Election

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Black last, as it reads as "no colour" in a legend.
OKABE_ITO = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000")
# Paul Tol's "muted" qualitative scheme (SRON/EPS/TN/09-002), for the ninth list on.
TOL_MUTED = ("#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#882255", "#aa4499")
FALLBACK = OKABE_ITO + TOL_MUTED
APPOINTED = "#bbbbbb"  # appointed seats: grey, never a party's colour
ORDERS = ("position", "size", "file")

_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Two colours closer than this (Euclidean distance in RGB, 0-441) read as one in a legend. Below
# the closest pair of Okabe & Ito's (orange and vermilion, 67), so their eight are all used.
_TOO_CLOSE = 60


class PaletteError(ValueError):
    """A colour or position that cannot be used (the message says why)."""


def parse_color(value: object) -> str:
    """``value`` as a colour ``#rrggbb`` (lower case), or ``PaletteError``. Only hex colours are
    taken: a colour goes into SVG and HTML attributes, so nothing else may pass."""
    if not isinstance(value, str) or not _HEX.fullmatch(value.strip()):
        shown = repr(value) if isinstance(value, str) and len(value) <= 40 else type(value).__name__
        raise PaletteError(f"expected a colour written #rrggbb or #rgb (hex digits), got {shown}")
    digits = value.strip()[1:].lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def parse_position(value: object) -> Fraction:
    """``value`` (a JSON or TOML number, or the text of one) as an exact position."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PaletteError(f"expected a number (a left-right position), got {type(value).__name__}")
    text = str(value).strip()
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise PaletteError(f"expected a number such as 3 or 4.5 (a left-right position), got {text[:40]!r}")
    return Fraction(text)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _distance(a: str, b: str) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) ** 0.5)


def fallback_colour(i: int) -> str:
    """The ``i``-th colour-blind-safe colour (cycling after the 17th)."""
    return FALLBACK[i % len(FALLBACK)]


def resolve_colours(lists: Sequence[tuple[str, str | None]]) -> dict[str, str]:
    """Each list's colour: ``lists`` is (abbr, colour or None) in vote-file order. Lists without
    a colour get the next fallback colour that is not too close to one already taken (while the
    palette lasts; then the next one)."""
    taken = [c for _, c in lists if c]
    out: dict[str, str] = {}
    k = 0
    for abbr, given in lists:
        if given:
            out[abbr] = given
            continue
        for tries in range(len(FALLBACK)):
            candidate = fallback_colour(k + tries)
            if all(_distance(candidate, c) >= _TOO_CLOSE for c in taken):
                k += tries + 1
                break
        else:
            candidate = fallback_colour(k)
            k += 1
        out[abbr] = candidate
        taken.append(candidate)
    return out


# --- the palettes of the bundled elections ----------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """What the bundled palette says of one party: colour, position and their sources."""

    color: str | None = None
    position: Fraction | None = None
    color_source: str = ""
    position_source: str = ""


@cache
def _palettes() -> dict[str, dict[str, Style]]:
    """election name -> abbr -> Style, from ``elections/palettes.toml``."""
    entry = resources.files("hemicycle").joinpath("elections", "palettes.toml")
    if not entry.is_file():
        return {}
    data = tomllib.loads(entry.read_text("utf-8"))
    out: dict[str, dict[str, Style]] = {}
    for family, table in data.items():
        parties = {abbr: _style(f"{family}.{abbr}", v) for abbr, v in table.items() if isinstance(v, dict)}
        for election in table.get("elections", []):
            out[election] = parties
    return out


def _style(where: str, entry: Mapping[str, Any]) -> Style:
    try:
        return Style(
            color=parse_color(entry["color"]) if "color" in entry else None,
            position=parse_position(entry["position"]) if "position" in entry else None,
            color_source=str(entry.get("color_source", "")),
            position_source=str(entry.get("position_source", "")),
        )
    except PaletteError as e:  # pragma: no cover - the bundled palette is tested
        raise PaletteError(f"elections/palettes.toml, {where}: {e}") from None


def bundled_styles(election: str) -> dict[str, Style]:
    """The palette of the bundled election ``election`` (its file name without ``.json``), by abbr;
    empty when there is none."""
    return dict(_palettes().get(election, {}))


def bundled_palette_names() -> list[str]:
    return sorted(_palettes())


def with_bundled_styles(election: Election, name: str) -> Election:
    """``election`` with the colours and positions the bundled palette of ``name`` gives the lists
    that state none themselves (the vote file's own always win)."""
    styles = _palettes().get(name)
    if not styles:
        return election
    lists = []
    for entry in election.lists:
        style = styles.get(entry.abbr)
        if style is None:
            lists.append(entry)
            continue
        lists.append(replace(entry, color=entry.color or style.color,
                             position=entry.position if entry.position is not None else style.position))
    return replace(election, lists=tuple(lists))


# --- the order of an arch -------------------------------------------------------------------------


def arch_order(parts: Iterable[tuple[str, int, Fraction | None]], order: str = "position") -> list[str]:
    """The abbrs of ``parts`` (abbr, seats, position or None; in vote-file order) from left to right.

    ``position``: by position (ties by seats, largest first), the lists without one after them by
    seats; when no list has a position, by seats. ``size``: by seats, largest first (ties in file
    order). ``file``: as given."""
    if order not in ORDERS:
        raise PaletteError(f"unknown order {order!r}; known: {', '.join(ORDERS)}")
    items = list(parts)
    if order == "file":
        return [a for a, _, _ in items]
    index = {a: i for i, (a, _, _) in enumerate(items)}
    by_size = sorted(items, key=lambda p: (-p[1], index[p[0]]))
    if order == "size":
        return [a for a, _, _ in by_size]
    placed = sorted((p for p in items if p[2] is not None), key=lambda p: (p[2], -p[1], index[p[0]]))
    return [a for a, _, _ in placed] + [a for a, _, pos in by_size if pos is None]


__all__ = [
    "APPOINTED", "FALLBACK", "OKABE_ITO", "ORDERS", "TOL_MUTED", "PaletteError", "Style", "arch_order",
    "bundled_palette_names", "bundled_styles", "fallback_colour", "parse_color", "parse_position",
    "resolve_colours", "with_bundled_styles",
]
