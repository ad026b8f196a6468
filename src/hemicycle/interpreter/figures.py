"""The figures a clause is a share of (docs/language.md, 'Bases' and 'Unknown figures')."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.interpreter.errors import MissingFigure
from hemicycle.interpreter.view import View
from hemicycle.numbers import fmt_int


class _Missing(Exception):
    """A total the figures lack (the slow path then looks for a substitute, or says which)."""


def _missing(name: str, why: str) -> int:
    raise _Missing


def base_of(base: m.Base, view: View, node: m.Node, notes: list[str]) -> int:
    """The figure of ``base`` in ``view``; a substitute the vote file names is noted; a missing
    figure raises ``MissingFigure`` naming it and the clause."""
    try:
        return base_figure(base, view.list_votes, view.totals, _missing)
    except _Missing:
        pass
    totals = view.totals
    substitutes = view.election.substitutes

    def total(name: str, why: str) -> int:
        if name in totals:
            return totals[name]
        sub = substitutes.get(name)
        if sub is not None:
            value = total(sub, why)
            note = f"the vote file gives no {name}; it says to use {sub} ({fmt_int(value)}) instead"
            if note not in notes:
                notes.append(note)
            return value
        raise MissingFigure(
            f"the threshold is a share of {base.value}, so the vote file must give the '{name}' "
            f"total ({why})",
            node,
        )

    return base_figure(base, view.list_votes, totals, total)


def try_base(base: m.Base, view: View, node: m.Node, notes: list[str]) -> tuple[int | None, str]:
    """The base figure, or None and the reason it is missing."""
    try:
        return base_of(base, view, node, notes), ""
    except MissingFigure as e:
        return None, e.message


def lower_bound(base: m.Base, view: View) -> tuple[int, str]:
    """A figure the unknown ``base`` cannot be below, and what it is (docs/language.md, 'Unknown
    figures'): registered voters >= ballots cast >= valid (+ invalid) >= the listed votes."""
    totals = view.totals
    list_votes = view.list_votes
    listed = list_votes + totals.get("against_all", 0)
    valid = totals.get("valid", listed)
    valid_what = "valid votes" if "valid" in totals else "the votes of the lists in the file"
    if "ballots_cast" in totals:
        cast, cast_what = totals["ballots_cast"], "ballots cast"
    elif "invalid" in totals:
        cast, cast_what = valid + totals["invalid"], f"{valid_what} plus invalid ballots"
    else:
        cast, cast_what = valid, valid_what
    if base is m.Base.REGISTERED_VOTERS:
        return cast, cast_what
    if base is m.Base.BALLOTS_CAST:
        return cast, cast_what
    if base is m.Base.VOTES_AND_AGAINST_ALL:
        return list_votes, "the votes of the lists"
    return valid, valid_what
