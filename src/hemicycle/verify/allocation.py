"""The state one symbolic allocation shares with the methods that fill it: its context, tier,
election and house, the tie chain (``beats``) and the flags a result carries (a tie broken,
an unbroken tie, a degenerate quota)."""

from __future__ import annotations

import z3

from hemicycle.model import Tier
from hemicycle.verify.num import Num
from hemicycle.verify.refusals import refuse_lot
from hemicycle.verify.symbolic import Ctx, SymElection
from hemicycle.verify.ties import TieOrder, lot_ranks, lot_reached, lot_tags


class Allocation:
    """One allocation of a tier's seats among the lists of a symbolic election."""

    def __init__(self, ctx: Ctx, tier: Tier, e: SymElection, house: int,
                 national: SymElection | None = None) -> None:
        self.ctx = ctx
        self.national = national  # the whole election, for thresholds `nationally` (districts)
        self.tier = tier
        self.e = e
        self.n = e.n
        self.h = house
        # the seats the method fills: the house, or a symbolic count of at most ``h`` (an
        # alliance's seats, split among its lists)
        self.hx: z3.ArithRef | int = house
        self.draw: dict[str, list[z3.BoolRef]] = {}
        rank = None
        if lot_reached(tier.ties):
            refuse_lot(tier, national is not None)
            self.draw = lot_tags(ctx, self.n)
            rank = lot_ranks(self.draw, self.n)
        self.order = TieOrder(tier.ties, tier, rank)
        self.tie_used: list[z3.BoolRef] = []
        self.undecided: list[z3.BoolRef] = []
        self.degenerate: list[z3.BoolRef] = []
        self._cmp: dict[tuple[int, int], tuple[z3.BoolRef, z3.BoolRef]] = {}
        self.label = ""
        self.method = True  # False: admission only (see encode_tier)
        self.cut: Num | None = None

    def beats(self, i: int, j: int) -> z3.BoolRef:
        return self._pair(i, j)[0]

    def exhausted(self, i: int, j: int) -> z3.BoolRef:
        return self._pair(i, j)[1]

    def _pair(self, i: int, j: int) -> tuple[z3.BoolRef, z3.BoolRef]:
        if (i, j) not in self._cmp:
            self._cmp[(i, j)] = self.order.compare(self.e.votes, i, j)
        return self._cmp[(i, j)]

    def tie(self, cond: z3.BoolRef, i: int, j: int) -> None:
        """Record that lists i and j were tied at a decision when ``cond`` holds."""
        self.tie_used.append(cond)
        self.undecided.append(z3.And(cond, self.exhausted(i, j)))

    def _absorb(self, sub: Allocation) -> None:
        """The tie and result flags of a sub-allocation (alliances) are this allocation's."""
        self.tie_used += sub.tie_used
        self.undecided += sub.undecided
        self.degenerate += sub.degenerate
