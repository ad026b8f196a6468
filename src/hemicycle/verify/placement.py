"""Placing a tier's seats into units by quotients, encoded (the interpreter's interpreter/placing.py):
the process unrolled seat by seat for the bounded number of seats placed, every comparison of two
quotients by cross-multiplication with the divisors as constants (a divisor of a symbolic count is
an ``If`` over the count's few values), no floats.

* ``in_turn`` (Iceland, ``place ... in turn``): the lists take turns in the order of the tier's
  national figures votes / d(held + j) (j < the tier's seats; equal figures in the first twice-the-
  seats positions are a lot, which leaves the election out; later ones go in list order); at its
  turn a list places a seat at its best quotient among the units with room where it has quotients
  left, or, with none, loses its remaining turns;
* ``compete`` (Denmark's provinces): the highest quotient among every open (list, unit) pair takes a
  seat, while the list has seats to place and the unit room; a step with no open pair is the
  interpreter's error, equal quotients at the top its lot or tie error: both leave the election out;
* ``split_within`` (Denmark's storkredse): each list's seats in a unit above go to the units below
  it by the same highest-quotient rule for that list alone (no limit of room).

Each returns the seats placed per unit x list and the condition under which the interpreter has a
result (``ok``); the caller folds ``ok`` into the election's ``defined``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from hemicycle.model import Divisor
from hemicycle.verify.level_methods import bounded, linear_divisors, mul_int
from hemicycle.verify.symbolic import BInt, Ctx

Expr = z3.ArithRef


@dataclass
class Count:
    """A symbolic count: a bounded integer (the seats held; None: 0), a constant, and one more for
    each step that is true (the seats placed so far). A figure times it stays linear: the held
    seats' bits, the steps' ``If``s."""

    held: BInt | None
    steps: tuple[z3.BoolRef, ...] = ()
    offset: int = 0

    def plus(self, step: z3.BoolRef) -> Count:
        return Count(self.held, (*self.steps, step), self.offset)

    def shifted(self, k: int) -> Count:
        return Count(self.held, self.steps, self.offset + k)

    @property
    def placed(self) -> Expr:
        """The steps taken (the seats placed)."""
        return z3.Sum([z3.If(x, 1, 0) for x in self.steps]) if self.steps else z3.IntVal(0)

    @property
    def expr(self) -> Expr:
        return (self.held.expr if self.held is not None else z3.IntVal(0)) + self.placed + self.offset

    def times(self, ctx: Ctx, x: Expr) -> Expr:
        out: Expr = x * self.offset if self.offset else z3.RealVal(0)
        if self.held is not None:
            out = out + mul_int(ctx, self.held, x)
        return out + z3.Sum([z3.If(s, x, 0) for s in self.steps]) if self.steps else out


def times_divisor(ctx: Ctx, method: Divisor, x: Expr, count: Count) -> Expr:
    """x * d(count), linear in x: a k + b for the divisors a k + b (the first one apart), else an
    ``If`` over the count's values."""
    lin = linear_divisors(method)
    if lin is not None:
        a, b, first = lin
        out = z3.RealVal(str(a)) * count.times(ctx, x) + z3.RealVal(str(b)) * x
        if first != b:
            out = out + z3.If(count.expr == 0, z3.RealVal(str(first - b)) * x, 0)
        return out
    top = (count.held.hi if count.held is not None else 0) + len(count.steps) + count.offset
    ds = [method.divisor(k) for k in range(top + 1)]
    c = count.expr
    out = x * z3.RealVal(str(ds[top]))
    for k in range(top - 1, -1, -1):
        out = z3.If(c == k, x * z3.RealVal(str(ds[k])), out)
    return out


def held_counts(ctx: Ctx, held: list[list[Expr]], top: int, label: str) -> list[list[Count]]:
    """The seats held per unit x list as counts (each a bounded integer 0..top)."""
    return [[Count(bounded(ctx, f"{label}{k + 1}_{p + 1}", x, 0, top)) for p, x in enumerate(row)]
            for k, row in enumerate(held)]


@dataclass
class Cells:
    """The (unit, list) cells of a placement: votes there and their counts (seats held there in the
    tier placed after, plus those placed); each quotient is votes / d(count) / scale[k] (scale
    None: 1). ``cross[k][j][p]`` is votes[k][p] * scale[j] (a product of two figures, made once)."""

    ctx: Ctx
    votes: list[list[Expr]]
    counts: list[list[Count]]
    method: Divisor
    cross: list[list[list[Expr]]] | None = None

    def above(self, k: int, j: int, p: int, q: int, strict: bool) -> z3.BoolRef:
        """Cell (k, p)'s quotient above (or, not strict, at least) cell (j, q)'s."""
        a = self.cross[k][j][p] if self.cross is not None else self.votes[k][p]
        b = self.cross[j][k][q] if self.cross is not None else self.votes[j][q]
        lhs = times_divisor(self.ctx, self.method, a, self.counts[j][q])
        rhs = times_divisor(self.ctx, self.method, b, self.counts[k][p])
        return lhs > rhs if strict else lhs >= rhs


def scaled_cells(ctx: Ctx, votes: list[list[Expr]], held: list[list[Count]], method: Divisor,
                 totals: Sequence[Expr] | None, bound: int = 0) -> Cells:
    """The cells; with ``totals`` each quotient is divided by its unit's total (``per valid_votes``).
    Comparing two units' quotients multiplies a vote of one by the other's total: to keep every
    term linear, each total is a bounded integer 1..``bound`` (its bits times the vote), which the
    caller states as a bound of the verdict."""
    if totals is None:
        return Cells(ctx, votes, [list(r) for r in held], method)
    K, n = len(votes), len(votes[0])
    whole = []
    for k in range(K):
        t = ctx.bint(f"total{k + 1}", 1, bound)
        ctx.add(z3.ToReal(t.expr) == totals[k])
        whole.append(t)
    cross = [[[votes[k][p] if k == j else mul_int(ctx, whole[j], votes[k][p]) for p in range(n)]
              for j in range(K)] for k in range(K)]
    return Cells(ctx, votes, [list(r) for r in held], method, cross)


def _best(cells: Cells, p: int, open_: list[z3.BoolRef]) -> tuple[list[z3.BoolRef], z3.BoolRef]:
    """List p's best open cell (the first of equal best ones) and whether two open cells tie at the top."""
    K = len(open_)
    best = [z3.And(open_[k], *[z3.Implies(open_[j], cells.above(k, j, p, p, False)) for j in range(K) if j != k])
            for k in range(K)]
    first = [z3.And(best[k], *[z3.Not(best[j]) for j in range(k)]) for k in range(K)]
    tie = z3.Or([z3.And(best[k], best[j]) for k in range(K) for j in range(k + 1, K)]) if K > 1 else z3.BoolVal(False)
    return first, tie


def _sum(xs: Sequence[z3.BoolRef]) -> Expr:
    return z3.Sum([z3.If(x, 1, 0) for x in xs]) if xs else z3.IntVal(0)


def in_turn(ctx: Ctx, cells: Cells, national: Divisor, V: list[Expr], H: list[Count], admitted: list[z3.BoolRef],
            seats: int, room: list[int], limit: int | None) -> tuple[list[list[Expr]], z3.BoolRef]:
    """Placement in turn (the interpreter's ``compete`` with an order): ``V`` the lists' national
    votes, ``H`` their national seats held, ``seats`` the tier's seats (each admitted list has that
    many turns), ``room`` each unit's limit, ``limit`` the quotients per list and unit. Returns
    (seats placed per unit x list, ok)."""
    K, n = len(cells.votes), len(V)
    ok: list[z3.BoolRef] = [_no_lot(ctx, national, V, H, admitted, seats)]
    start = [[c for c in row] for row in cells.counts]
    turns = list(H)  # each list's national seats held plus its turns taken
    dropped: list[z3.BoolRef] = [z3.BoolVal(False)] * n
    rooms: list[Expr] = [z3.IntVal(r) for r in room]
    for _ in range(seats + n):  # every event places a seat (at most the rooms) or drops a list
        active = [z3.And(admitted[p], z3.Not(dropped[p]), turns[p].placed < seats) for p in range(n)]

        def ahead(p: int, q: int) -> z3.BoolRef:  # p's next figure before q's (list order at equal figures)
            lhs = times_divisor(ctx, national, V[p], turns[q])
            rhs = times_divisor(ctx, national, V[q], turns[p])
            return lhs > rhs if q < p else lhs >= rhs

        turn = [z3.And(active[p], *[z3.Implies(active[q], ahead(p, q)) for q in range(n) if q != p])
                for p in range(n)]
        take = [[z3.BoolVal(False)] * n for _ in range(K)]
        for p in range(n):
            open_ = [z3.And(rooms[k] > 0, cells.votes[k][p] > 0,
                            *([cells.counts[k][p].placed < limit] if limit is not None else [])) for k in range(K)]
            first, tie = _best(cells, p, open_)
            ok.append(z3.Not(z3.And(turn[p], tie)))  # equal quotients of one list: the interpreter's tie error
            for k in range(K):
                take[k][p] = z3.And(turn[p], first[k])
            moved = z3.Or(first)
            dropped[p] = z3.Or(dropped[p], z3.And(turn[p], z3.Not(moved)))
            turns[p] = turns[p].plus(z3.And(turn[p], moved))
        for k in range(K):
            for p in range(n):
                cells.counts[k][p] = cells.counts[k][p].plus(take[k][p])
            rooms[k] = rooms[k] - _sum([take[k][p] for p in range(n)])
    placed = [[cells.counts[k][p].placed for p in range(n)] for k in range(K)]
    cells.counts = start
    return placed, z3.And(ok)


def _no_lot(ctx: Ctx, method: Divisor, V: list[Expr], H: list[Count], admitted: list[z3.BoolRef], seats: int
            ) -> z3.BoolRef:
    """No two lists with equal national figures V / d(H + j), j < seats, where fewer than 2 x seats
    figures are above them (the interpreter draws the order there; equal figures further down keep
    the lists' order)."""
    n = len(V)

    def fig_above(s: int, i: int, r: int, j: int) -> z3.BoolRef:  # V_s / d(H_s + i) > V_r / d(H_r + j)
        return times_divisor(ctx, method, V[s], H[r].shifted(j)) > times_divisor(ctx, method, V[r], H[s].shifted(i))

    bad = []
    for r in range(n):
        for q in range(r + 1, n):
            for j in range(seats):
                for i in range(seats):
                    eq = times_divisor(ctx, method, V[r], H[q].shifted(i)) == \
                        times_divisor(ctx, method, V[q], H[r].shifted(j))
                    # above the tied figure: j of r's, i of q's, and the others' figures above it
                    above = [z3.If(z3.And(admitted[s], fig_above(s, x, r, j)), 1, 0)
                             for s in range(n) if s not in (r, q) for x in range(seats)]
                    bad.append(z3.And(admitted[r], admitted[q], eq, j + i + z3.Sum(above) < 2 * seats)
                               if above else z3.And(admitted[r], admitted[q], eq, j + i < 2 * seats))
    return z3.Not(z3.Or(bad)) if bad else z3.BoolVal(True)


def compete(cells: Cells, need: list[Expr], room: list[int], steps: int) -> tuple[list[list[Expr]], z3.BoolRef]:
    """The highest quotient among the open cells (the list with seats left to place, the unit with
    room, a vote there) takes a seat, ``steps`` times at most (the seats to place in all, bounded);
    returns (seats placed per unit x list, ok: no step without an open cell while seats are left,
    no equal quotients at the top)."""
    K, n = len(cells.votes), len(need)
    start = [[c for c in row] for row in cells.counts]
    left: list[Expr] = list(need)
    rooms: list[Expr] = [z3.IntVal(r) for r in room]
    ok: list[z3.BoolRef] = []
    pairs = [(k, p) for k in range(K) for p in range(n)]
    for _ in range(steps):
        open_ = {(k, p): z3.And(left[p] > 0, rooms[k] > 0, cells.votes[k][p] > 0) for k, p in pairs}
        best = {(k, p): z3.And(open_[k, p], *[z3.Implies(open_[j, q], cells.above(k, j, p, q, False))
                                               for j, q in pairs if (j, q) != (k, p)]) for k, p in pairs}
        first = {c: z3.And(best[c], *[z3.Not(best[d]) for d in pairs[:pairs.index(c)]]) for c in pairs}
        ok.append(z3.Implies(z3.Or([x > 0 for x in left]), z3.Or(list(open_.values()))))
        ok.append(z3.Not(z3.Or([z3.And(best[c], best[d]) for i, c in enumerate(pairs) for d in pairs[i + 1:]])))
        for k, p in pairs:
            cells.counts[k][p] = cells.counts[k][p].plus(first[k, p])
        for p in range(n):
            left[p] = left[p] - _sum([first[k, p] for k in range(K)])
        for k in range(K):
            rooms[k] = rooms[k] - _sum([first[k, p] for p in range(n)])
    ok.append(z3.And([x <= 0 for x in left]))  # every seat placed within the bound
    placed = [[cells.counts[k][p].placed for p in range(n)] for k in range(K)]
    cells.counts = start
    return placed, z3.And(ok)


def split_within(cells: Cells, parent_of: Sequence[int], parents: list[list[Expr]], steps: int
                 ) -> tuple[list[list[Expr]], z3.BoolRef]:
    """Each list's seats in each parent unit (``parents[r][p]``) split among the units below it
    (``parent_of[k]`` is unit k's parent) by the highest quotient for that list alone; ``steps``
    bounds the seats of a list in a parent."""
    K, n = len(cells.votes), len(parents[0])
    out: list[list[Expr]] = [[z3.IntVal(0)] * n for _ in range(K)]
    ok: list[z3.BoolRef] = []
    for r in range(len(parents)):
        kids = [k for k in range(K) if parent_of[k] == r]
        if len(kids) == 1:  # one unit below: every seat there (it has the list's votes of the parent)
            for p in range(n):
                out[kids[0]][p] = parents[r][p]
            continue
        for p in range(n):  # one list at a time: its cells in the units below, no limit of room
            sub = Cells(cells.ctx, [[cells.votes[k][p]] for k in kids], [[cells.counts[k][p]] for k in kids],
                        cells.method)
            got, ok_p = compete(sub, [parents[r][p]], [steps] * len(kids), steps)
            ok.append(ok_p)
            for i, k in enumerate(kids):
                out[k][p] = got[i][0]
    return out, z3.And(ok) if ok else z3.BoolVal(True)
