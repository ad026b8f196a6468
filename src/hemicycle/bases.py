"""The figure a percentage threshold is a share of, in one place for every back end.

``base_figure`` works on plain integers (interpreter, compiled path) and on NumPy arrays of
elections (batch path) alike: it only adds. ``missing(name, why)`` supplies a total the figures
lack, or raises; the interpreter uses it for substitutes and for its error message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from hemicycle.model import Base

T = TypeVar("T")


def base_figure(base: Base, list_votes: T, totals: Mapping[str, Any],
                missing: Callable[[str, str], T]) -> T:
    """The base of ``docs/language.md`` ('Bases') for these figures."""
    if base is Base.BALLOTS_CAST:
        if "ballots_cast" in totals:
            return totals["ballots_cast"]  # type: ignore[no-any-return]
        if "invalid" not in totals:
            return missing("ballots_cast", "valid plus invalid ballots; or give 'invalid'")
        valid = totals["valid"] if "valid" in totals else list_votes + totals.get("against_all", 0)  # type: ignore[operator]
        return valid + totals["invalid"]  # type: ignore[no-any-return]
    if base is Base.VALID_VOTES:
        return totals["valid"] if "valid" in totals else list_votes + totals.get("against_all", 0)  # type: ignore[operator, no-any-return]
    if base is Base.LIST_VOTES:
        return list_votes
    if base is Base.VOTES_AND_AGAINST_ALL:
        against = totals["against_all"] if "against_all" in totals else missing(
            "against_all", "the votes 'against all' are in the base")
        return list_votes + against  # type: ignore[operator, no-any-return]
    if base is Base.VALID_VOTES_AND_BLANK:
        valid = totals["valid"] if "valid" in totals else list_votes + totals.get("against_all", 0)  # type: ignore[operator]
        blank = totals["blank"] if "blank" in totals else missing(
            "blank", "blank ballots are valid votes in this base")
        return valid + blank  # type: ignore[no-any-return]
    if base is Base.REGISTERED_VOTERS:
        return totals["registered"] if "registered" in totals else missing(  # type: ignore[no-any-return]
            "registered", "the number of registered voters")
    raise AssertionError(base)
