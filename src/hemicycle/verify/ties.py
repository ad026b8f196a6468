"""Ties: the ``ties`` chain as a strict order on lists (``TieOrder``), and lots as a free draw
(``lot#k`` tags) that a property must survive and a counterexample names."""

from __future__ import annotations

import dataclasses

import z3

from hemicycle.model import TieCriterion, Tier, Ties
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.num import Num
from hemicycle.verify.symbolic import Ctx


class TieOrder:
    """The ``ties`` chain as a strict total order on lists (plus whether the chain ran out).

    ``lot`` (when reached): the lists in the order of ``rank``, a free draw (``lot_ranks``)."""

    def __init__(self, ties: Ties | None, tier: Tier, rank: list[z3.ArithRef] | None = None) -> None:
        self.node = ties
        self.criteria: list[TieCriterion] = []
        self.rank = rank
        for c in ties.criteria if ties is not None else ():
            if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
                self.criteria.append(c)
                break  # always decisive: nothing after it is ever used
            if c is TieCriterion.LOT:
                assert ties is not None
                if rank is None:
                    raise UnsupportedClause(ties, "ties ... lot", "a draw is not encoded here")
                self.criteria.append(c)
                break  # the draw always decides
            self.criteria.append(c)
        self.decisive = bool(self.criteria) and self.criteria[-1] in (
            TieCriterion.REGISTRATION_ORDER,
            TieCriterion.BALLOT_ORDER,
            TieCriterion.LOT,
        )

    def compare(self, votes: list[Num], i: int, j: int) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(i wins the tie against j, the chain cannot tell them apart). ``i != j``."""
        win: z3.BoolRef = z3.BoolVal(i < j)  # fallback when exhausted: index order (see undecided)
        exhausted: z3.BoolRef = z3.BoolVal(True)
        for c in reversed(self.criteria):
            if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
                win, exhausted = z3.BoolVal(i < j), z3.BoolVal(False)
            elif c is TieCriterion.LOT:
                assert self.rank is not None
                win, exhausted = self.rank[i] < self.rank[j], z3.BoolVal(False)
            elif c is TieCriterion.MORE_VOTES:
                eq = votes[i].eq(votes[j])
                win = z3.Or(votes[i].gt(votes[j]), z3.And(eq, win))
                exhausted = z3.And(eq, exhausted)
            elif c is TieCriterion.FEWER_VOTES:
                eq = votes[i].eq(votes[j])
                win = z3.Or(votes[i].lt(votes[j]), z3.And(eq, win))
                exhausted = z3.And(eq, exhausted)
        return win, exhausted


LOT_TAG = "lot#"  # tags of a free draw: lot#k holds the list drawn k-th


def lot_reached(ties: Ties | None) -> bool:
    """Whether the chain can reach ``lot`` (no registration or ballot order before it)."""
    for c in ties.criteria if ties is not None else ():
        if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
            return False
        if c is TieCriterion.LOT:
            return True
    return False


def lot_tags(ctx: Ctx, n: int) -> dict[str, list[z3.BoolRef]]:
    """A free draw of the n lists: ``lot#k`` (k = 1..n) holds exactly one list, each list is
    in exactly one; a property holds only if it holds for every draw."""
    out = {f"{LOT_TAG}{k + 1}": [ctx.bool_var(f"L{i + 1}#{LOT_TAG}{k + 1}") for i in range(n)]
           for k in range(n)}
    for k in range(n):
        ctx.add(z3.PbEq([(out[f"{LOT_TAG}{k + 1}"][i], 1) for i in range(n)], 1))
    for i in range(n):
        ctx.add(z3.PbEq([(out[f"{LOT_TAG}{k + 1}"][i], 1) for k in range(n)], 1))
    return out


def lot_ranks(draw: dict[str, list[z3.BoolRef]], n: int) -> list[z3.ArithRef]:
    """Each list's place in the draw (0 = drawn first)."""
    return [z3.Sum([z3.If(draw[f"{LOT_TAG}{k + 1}"][i], k, 0) for k in range(n)]) for i in range(n)]


def lot_order(tags: dict[str, list[bool]]) -> tuple[str, ...] | None:
    """The draw a counterexample's tags name (abbrs, first drawn first), or None."""
    if f"{LOT_TAG}1" not in tags:
        return None
    n = len(tags[f"{LOT_TAG}1"])
    return tuple(f"L{i + 1}" for k in range(n) for i in range(n) if tags[f"{LOT_TAG}{k + 1}"][i])


def replay_tier(tier: Tier, tags: dict[str, list[bool]]) -> Tier:
    """``tier`` with its lots drawn as the tags say (``Ties.draw``), for the interpreter."""
    order = lot_order(tags)
    if order is None or tier.ties is None:
        return tier
    return dataclasses.replace(tier, ties=dataclasses.replace(tier.ties, draw=order))
