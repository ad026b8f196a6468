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
        # lots: each tie-breaking step that reaches the lot draws anew (the interpreter's shuffle per
        # tie); the allocation's k-th lot drawn is ``draws[k]``, a free draw of its own
        self.lot = lot_reached(tier.ties)
        if self.lot:
            refuse_lot(tier, national is not None)
        self.draws: list[dict[str, list[z3.BoolRef]]] = []
        self._draw_ranks: list[list[z3.ArithRef]] = []
        self.drawn: z3.ArithRef = z3.IntVal(0)  # the lots the steps before this one drew
        self._step = 0  # this step's number (0: the first tie-breaking step)
        self._lots_here: list[z3.BoolRef] = []  # when this step draws a lot
        self.guard: z3.BoolRef = z3.BoolVal(True)  # this step happens at all (a cap's later rounds)
        self.order = self._order()
        self.tie_used: list[z3.BoolRef] = []
        self.undecided: list[z3.BoolRef] = []
        self.degenerate: list[z3.BoolRef] = []
        self._cmp: dict[tuple[int, int], tuple[z3.BoolRef, z3.BoolRef]] = {}
        self.label = ""
        self.method = True  # False: admission only (see encode_tier)
        self.cut: Num | None = None

    def _order(self) -> TieOrder:
        """The tie chain of this step: with lots, the draw of the lot it would draw (one more
        than the steps before it drew)."""
        if not self.lot:
            return TieOrder(self.tier.ties, self.tier)
        while len(self.draws) <= self._step:
            d = len(self.draws)
            self.draws.append(lot_tags(self.ctx, self.n, d))
            self._draw_ranks.append(lot_ranks(self.draws[-1], self.n, d))
        rank = list(self._draw_ranks[self._step])
        for d in range(self._step - 1, -1, -1):
            rank = [z3.If(self.drawn == d, self._draw_ranks[d][i], rank[i]) for i in range(self.n)]
        return TieOrder(self.tier.ties, self.tier, rank)

    def step(self) -> None:
        """The next tie-breaking step (the interpreter's next call on its tie breaker: a round of
        admission, of a cap, of a guarantee). With lots, a step after one that can draw a lot
        draws its own (the next of ``draws`` when the last one was drawn)."""
        if not self.lot or not self._lots_here:
            return
        drawn = self.ctx.int_var("lots.drawn")
        self.ctx.add(drawn == self.drawn + z3.If(z3.Or(self._lots_here), 1, 0))
        self.drawn = drawn
        self._lots_here = []
        self._step += 1
        self._cmp = {}
        self.order = self._order()

    def beats(self, i: int, j: int) -> z3.BoolRef:
        return self._pair(i, j)[0]

    def exhausted(self, i: int, j: int) -> z3.BoolRef:
        return self._pair(i, j)[1]

    def _pair(self, i: int, j: int) -> tuple[z3.BoolRef, z3.BoolRef]:
        if (i, j) not in self._cmp:
            self._cmp[(i, j)] = self.order.compare(self.e.votes, i, j)
        return self._cmp[(i, j)]

    def tie(self, cond: z3.BoolRef, i: int, j: int) -> None:
        """Record that lists i and j were tied at a decision when ``cond`` holds (in a step that
        happens: ``guard``)."""
        if not z3.is_true(self.guard):
            cond = z3.And(self.guard, cond)
        self.tie_used.append(cond)
        self.undecided.append(z3.And(cond, self.exhausted(i, j)))
        if self.lot:
            drawn = z3.And(cond, self.order.reaches_lot(self.e.votes, i, j))
            if not z3.is_false(z3.simplify(drawn)):  # (a step that cannot tie draws nothing)
                self._lots_here.append(drawn)

    def _absorb(self, sub: Allocation) -> None:
        """The tie and result flags of a sub-allocation (alliances) are this allocation's."""
        self.tie_used += sub.tie_used
        self.undecided += sub.undecided
        self.degenerate += sub.degenerate
