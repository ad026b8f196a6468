"""Ties: the ``ties`` chain as a strict order on lists (``TieOrder``), and lots as a free draw
(``lot#k`` tags) that a property must survive and a counterexample names."""

from __future__ import annotations

import dataclasses
import re

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

    def reaches_lot(self, votes: list[Num], i: int, j: int) -> z3.BoolRef:
        """Whether a tie of lists i and j goes as far as the lot (every criterion before it equal)."""
        if TieCriterion.LOT not in self.criteria:
            return z3.BoolVal(False)
        same = [votes[i].eq(votes[j]) for c in self.criteria
                if c in (TieCriterion.MORE_VOTES, TieCriterion.FEWER_VOTES)]
        return z3.And(same) if same else z3.BoolVal(True)

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


LOT_TAG = "lot#"  # tags of a free draw: lot#k holds the list drawn k-th (lot2#k: the second draw ...)


def is_lot_tag(tag: str) -> bool:
    """A tag of some draw (``lot#k``, ``lot2#k`` ...), never a tag of a rule file."""
    return re.fullmatch(r"lot\d*#\d+", tag) is not None


def draw_prefix(d: int) -> str:
    """The tag prefix of an allocation's draw d (0: its first lot, ``lot#``; 1: ``lot2#`` ...)."""
    return LOT_TAG if d == 0 else f"lot{d + 1}#"


def lot_reached(ties: Ties | None) -> bool:
    """Whether the chain can reach ``lot`` (no registration or ballot order before it)."""
    for c in ties.criteria if ties is not None else ():
        if c in (TieCriterion.REGISTRATION_ORDER, TieCriterion.BALLOT_ORDER):
            return False
        if c is TieCriterion.LOT:
            return True
    return False


def lot_tags(ctx: Ctx, n: int, d: int = 0) -> dict[str, list[z3.BoolRef]]:
    """A free draw of the n lists (the allocation's d-th lot): ``lot#k`` (k = 1..n; ``lot2#k`` for
    d = 1 ...) holds exactly one list, each list is in exactly one; a property holds only if it
    holds for every draw."""
    pre = draw_prefix(d)
    out = {f"{pre}{k + 1}": [ctx.bool_var(f"L{i + 1}#{pre}{k + 1}") for i in range(n)] for k in range(n)}
    for k in range(n):
        ctx.add(z3.PbEq([(out[f"{pre}{k + 1}"][i], 1) for i in range(n)], 1))
    for i in range(n):
        ctx.add(z3.PbEq([(out[f"{pre}{k + 1}"][i], 1) for k in range(n)], 1))
    return out


def lot_ranks(draw: dict[str, list[z3.BoolRef]], n: int, d: int = 0) -> list[z3.ArithRef]:
    """Each list's place in the draw (0 = drawn first)."""
    pre = draw_prefix(d)
    return [z3.Sum([z3.If(draw[f"{pre}{k + 1}"][i], k, 0) for k in range(n)]) for i in range(n)]


def lot_orders(tags: dict[str, list[bool]]) -> tuple[tuple[str, ...], ...]:
    """The draws a counterexample's tags name, in the order the lots are drawn (each: abbrs,
    first drawn first)."""
    out = []
    while f"{draw_prefix(len(out))}1" in tags:
        pre = draw_prefix(len(out))
        n = len(tags[f"{pre}1"])
        out.append(tuple(f"L{i + 1}" for k in range(n) for i in range(n) if tags[f"{pre}{k + 1}"][i]))
    return tuple(out)


def lot_order(tags: dict[str, list[bool]]) -> tuple[str, ...] | None:
    """The first draw a counterexample's tags name (abbrs, first drawn first), or None."""
    orders = lot_orders(tags)
    return orders[0] if orders else None


def replay_tier(tier: Tier, tags: dict[str, list[bool]]) -> Tier:
    """``tier`` with its lots drawn as the tags say (``Ties.draw``, ``Ties.draws``: the k-th lot
    the interpreter draws follows the k-th draw), for the interpreter."""
    orders = lot_orders(tags)
    if not orders or tier.ties is None:
        return tier
    return dataclasses.replace(tier, ties=dataclasses.replace(tier.ties, draw=orders[0], draws=orders))
