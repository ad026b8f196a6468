"""Highest averages over a block of cells by a cut level: each list's count of quotients at least
one level per cell, certified in integers.

``cut_block(lin, weights, seats)``: as ``batch_divisors.divisor_block`` (``weights`` lists x cells,
0 where a list is not admitted; ``seats`` each cell's magnitude; returns the seats and the cells
handed back), for divisors on one line ``d(k) = alpha k + beta`` with ``1 <= beta <= alpha``
(D'Hondt, Sainte-Lague, Danish); other divisors go to ``divisor_block``.

The seats ``s`` of a cell are its ``h`` highest quotients ``w / d(k)`` exactly when some level
``lambda = a / b`` (any positive rational) has every list's last quotient ``w / d(s - 1)`` at
least ``lambda`` and its next one ``w / d(s)`` below it, and the counts sum to ``h``: then the
``h``-th highest quotient is at least ``lambda`` and the next below it, so the seat-by-seat
process gives these seats with no tie to break. In integers, with ``v = alpha s + beta - alpha``
(the last divisor; at most 0 for a list without seats): ``0 <= w b - v a < alpha a`` for every
list, a list without votes included (``v a <= 0``, ``-v a < alpha a`` as ``beta >= 1``).

1. A level per cell where each list loses 0.6 of a seat on average, ``1 / lambda = (5 alpha h +
   k (5 beta - 3 alpha)) / 5V`` (``V`` the cell's votes, ``k`` the block's width); the counts
   ``floor(w / (alpha lambda) + (alpha - beta) / alpha)`` in floating point (truncation: the
   figures are at least 0). Half the cells then hold their magnitude, most others one seat short.
2. The cells one seat short, over the whole block: a seat to the highest next quotient, which
   is then the level (it is a last quotient, the least of them if the floats chose well).
3. The certificate above: two products and a difference per figure, the largest (and least)
   value per cell.
4. The cells it does not confirm (several seats off, one over, the floats' choice wrong, a tie
   at the cut) are taken out and settled by rounds of one seat each, the level then the least
   last quotient, and certified the same way; what still fails is handed back.

Floating point only proposes; every seat is confirmed by integer products in 32 bits where every
product fits, else 64 bits, else the block goes to ``divisor_block`` as it stands: the products'
bound (``cut_dtype``) is read from the largest weight, the width and the largest magnitude, before
any pass. Each step works in arrays of one type (integers, or the floats of their size), so that
no NumPy call converts element by element.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from hemicycle.batch_divisors import _I32, _I64, _pick, divisor_block
from hemicycle.highest_averages import LinearDivisors

Array = np.ndarray[Any, np.dtype[np.int64]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]

_ROUNDS = 4  # seats moved per cell at most in step 4; what needs more is handed back


def covers(lin: LinearDivisors | None) -> bool:
    """Whether ``cut_block`` decides these divisors itself (a line ``alpha k + beta``, no head,
    ``0 <= beta <= alpha``; ``beta = 0``, Adams, by ``_first_seats``)."""
    return lin is not None and not lin.head and lin.alpha > 0 and 0 <= lin.beta <= lin.alpha


def _top(lin: LinearDivisors, a_max: int, b_max: int, w_max: int) -> int:
    """The largest product the steps form: ``w b`` and ``alpha s a`` at step 1's levels (a count
    at most ``w / (alpha lambda) + 1 <= b / (5 alpha) + 2``, as ``a = 5V``), with ``_ROUNDS``
    seats more, and ``w v`` at the levels of quotients (step 4)."""
    alpha = lin.alpha
    s_cap = b_max // (4 * alpha) + 2 + _ROUNDS
    v_cap = alpha * s_cap + lin.beta
    return max(a_max * (alpha * s_cap + alpha), w_max * b_max, w_max * (v_cap + alpha))


def cut_dtype(lin: LinearDivisors, w_max: int, width: int, h_max: int) -> Any:
    """The integers a block of ``width`` lists, weights at most ``w_max`` and magnitudes at most
    ``h_max`` is likely certified in (a cell's votes at most ``width w_max``): int32 or int64;
    ``cut_block`` checks its own products and widens where they do not fit."""
    b = 5 * lin.alpha * h_max + width * abs(5 * lin.beta - 3 * lin.alpha) + 1
    top = _top(lin, 5 * width * w_max + 5, b, w_max)
    return np.int32 if top < _I32 else np.int64 if top < _I64 else None


class Scratch:
    """Arrays reused from call to call for the block's passes: a fresh array of a block's size is
    mapped from the system and faulted in page by page each time, which costs more than the
    pass that fills it."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, Any], np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
        size = math.prod(shape)
        key = (name, np.dtype(dtype))
        have = self._arrays.get(key)
        if have is None or have.size < size:
            have = self._arrays[key] = np.empty(max(size, 1), dtype=dtype)
        return have[:size].reshape(shape)


def cut_block(lin: LinearDivisors, weights: Array, seats: Array | int, scratch: Scratch | None = None,
              w_max: int | None = None, pending: list[Pending] | None = None) -> tuple[Array, Mask]:
    """The seats of every cell (lists x cells, in the weights' integers; in ``scratch`` where one is
    given, valid until its next use) and the cells handed back; ``seats`` each cell's magnitude or
    one for every cell; ``w_max``, where given, at least the largest weight. With ``pending``,
    step 4 is left to ``settle`` (one call for the cells of many blocks): the cells it needs are
    appended there and not handed back here."""
    k, n = weights.shape
    if not covers(lin) or n == 0 or k == 0:
        return divisor_block(lin, weights, _per_cell(seats, n))
    if lin.beta == 0:
        return _first_seats(lin, weights, _per_cell(seats, n), scratch, w_max)
    top = int(weights.max()) if w_max is None else w_max
    h_max = seats if isinstance(seats, int) else int(np.max(seats))
    itype = cut_dtype(lin, max(top, 0), k, h_max)
    if itype is None:
        return divisor_block(lin, weights, _per_cell(seats, n))
    w = np.ascontiguousarray(weights, dtype=itype)  # step 2 writes through ravel(): row-major arrays only
    scratch = scratch or Scratch()
    s, a, b, left = _step_one(lin, w, seats, scratch)
    votes = a >= 5  # a = 5 V where the cell has votes, else 1
    q = scratch.get("y", w.shape, _float(itype))  # step 1's truncated counts in floats
    up = np.nonzero(left == 1)[0]  # a cell without votes among them: a = 0 there, certified by none
    if up.size:
        b = _step_two(lin, w, s, q, a, b, up, scratch)
        left[up] = 0
    good = _certified(lin, w, s, a, b, scratch.get("x", w.shape, itype), scratch.get("x2", w.shape, itype))
    good &= left == 0
    good &= votes
    back = ~votes
    rest = np.nonzero(~good & votes)[0]
    if rest.size and pending is not None:
        pending.append(Pending(rest, np.take(w, rest, axis=1), np.take(s, rest, axis=1), _per_cell(seats, n)[rest]))
    elif rest.size:  # step 4
        ws = np.take(w, rest, axis=1)
        ss = np.take(s, rest, axis=1)
        ok = _settled(lin, ws, ss, _per_cell(seats, n)[rest])
        s[:, rest] = ss
        back[rest] = ~ok
    return (s if s.dtype == weights.dtype else s.astype(weights.dtype)), back


def _per_cell(seats: Array | int, n: int) -> Array:
    """Each of ``n`` cells' magnitude."""
    return np.full(n, seats, dtype=np.int64) if isinstance(seats, int) else np.asarray(seats, dtype=np.int64)


def _float(itype: Any) -> Any:
    """The floats the proposals of a block in these integers are made in."""
    return np.float32 if itype == np.int32 else np.float64


def _step_one(lin: LinearDivisors, w: Array, seats: Array | int, scratch: Scratch
              ) -> tuple[Array, Array, Array | int, Array]:
    """Step 1: each list's count at the level ``a / b`` (module docstring), in floats, truncated
    (the figures are at least 0); the truncated counts are left in floats in ``scratch``'s "y"
    (for step 2) and "wf" holds the weights in floats. Returns the counts, ``a``, ``b`` (one
    figure where the magnitude is one) and the seats each cell still lacks."""
    alpha, beta = lin.alpha, lin.beta
    k, n = w.shape
    itype = w.dtype.type
    ftype = _float(w.dtype)
    h: Array | int = seats if isinstance(seats, int) else np.asarray(seats).astype(itype)
    a = _row_sum(w, itype)  # at most k w_max: 5 times it fits (cut_dtype)
    a *= itype(5)
    np.maximum(a, itype(1), out=a)
    b: Array | int = 5 * alpha * h + k * (5 * beta - 3 * alpha)
    b = max(b, 1) if isinstance(b, int) else np.maximum(b, itype(1))
    wf = scratch.get("wf", (k, n), ftype)
    np.copyto(wf, w, casting="unsafe")
    level = np.divide(b, a * alpha if alpha != 1 else a, dtype=ftype)  # 1 / lambda
    y = np.multiply(wf, level, out=scratch.get("y", (k, n), ftype))
    if alpha != beta:
        y += ftype((alpha - beta) / alpha)
    np.trunc(y, out=y)
    s = scratch.get("s", (k, n), itype)
    np.copyto(s, y, casting="unsafe")
    left = _row_sum(s, itype)
    np.subtract(h, left, out=left)
    return s, a, b, left


def _step_two(lin: LinearDivisors, w: Array, s: Array, y: np.ndarray, a: Array, b: Array | int, up: Array,
              scratch: Scratch) -> Array:
    """Step 2 for the cells ``up`` (one seat short): a seat to the highest next quotient
    ``w / (alpha s + beta)`` (in floats, from step 1's counts ``y``), which is then the cell's
    level (``a`` in place); returns ``b``."""
    alpha, beta = lin.alpha, lin.beta
    itype = w.dtype.type
    n = w.shape[1]
    if alpha != 1:
        y *= y.dtype.type(alpha)
    y += y.dtype.type(beta)
    np.divide(scratch.get("wf", w.shape, y.dtype), y, out=y)
    at = _pick(y, True)[up] * n + up
    a[up] = w.ravel()[at]
    bb = np.full(n, b, dtype=itype) if isinstance(b, int) else b
    won = s.ravel()[at]
    bb[up] = won * itype(alpha) + itype(beta)
    s.ravel()[at] = won + itype(1)
    return bb


def _first_seats(lin: LinearDivisors, weights: Array, seats: Array, scratch: Scratch | None,
                 w_max: int | None) -> tuple[Array, Mask]:
    """Divisors ``alpha k`` (Adams): ``d(0) = 0`` gives every list with votes a seat before any
    other (its first quotient is above every finite one); the rest go by ``alpha k + alpha``
    (D'Hondt's quotients, each list's next after its first seat), and the cut is where it is
    there. A cell with fewer seats than lists with votes is handed back (the first quotients tie)."""
    with_votes = weights > 0
    lists = _row_sum(with_votes, np.int64)
    rest = seats.astype(np.int64) - lists
    short = rest < 0
    got, back = cut_block(LinearDivisors(D=lin.D, head=(), alpha=lin.alpha, beta=lin.alpha), weights,
                          np.maximum(rest, 0), scratch, w_max)
    none_left = rest == 0  # each list with votes has its first seat, no more: no quotient at the cut ties
    got = np.where(none_left, 0, got) + with_votes
    back = (back & ~none_left) | short | (lists == 0)
    return got, back


@dataclasses.dataclass
class Pending:
    """Cells of a block left to step 4: their places in the block, weights, counts, magnitudes."""

    cells: Array
    weights: Array
    counts: Array
    seats: Array


def settle(lin: LinearDivisors, pending: list[Pending]) -> list[tuple[Array, Mask]]:
    """Step 4 for the pending cells of blocks of one width, in one call: per entry, the cells'
    seats (lists x cells) and whether each is handed back."""
    if not pending:
        return []
    dtype = np.result_type(*(p.weights.dtype for p in pending))
    w = np.concatenate([p.weights.astype(dtype, copy=False) for p in pending], axis=1)
    s = np.concatenate([p.counts.astype(dtype, copy=False) for p in pending], axis=1)
    ok = _settled(lin, w, s, np.concatenate([p.seats for p in pending]))
    out, at = [], 0
    for p in pending:
        m = p.cells.size
        out.append((s[:, at:at + m], ~ok[at:at + m]))
        at += m
    return out


def _row_sum(x: np.ndarray, dtype: Any = np.int64) -> np.ndarray:
    """Each column's sum (a few rows: one pass per row is faster than a reduction along them)."""
    total = x[0].astype(dtype)
    for row in x[1:]:
        total += row
    return total


def _certified(lin: LinearDivisors, w: Array, s: Array, a: Array, b: Array, x: Array | None = None,
               x2: Array | None = None) -> Mask:
    """Per cell, whether the level ``a / b`` has every last quotient at least it and every next one
    below it: ``0 <= w b - v a < alpha a``, ``v = alpha s + beta - alpha`` (module docstring);
    ``x`` and ``x2`` arrays of the block's shape to work in."""
    alpha, beta = lin.alpha, lin.beta
    x = np.multiply(w, b, out=x)
    x -= np.multiply(s, a * alpha if alpha != 1 else a, out=x2)
    if alpha == beta:  # v = alpha s: one comparison, the differences read as unsigned
        unsigned = np.uint32 if x.dtype == np.int32 else np.uint64
        top = (a * alpha if alpha != 1 else a).view(unsigned)  # a >= 0
        return x.view(unsigned).max(axis=0) < top  # type: ignore[no-any-return]
    shift = (alpha - beta) * a.astype(np.int64)  # w b - alpha s a + shift in [0, alpha a)
    return (x.min(axis=0) >= -shift) & (x.max(axis=0) < alpha * a.astype(np.int64) - shift)  # type: ignore[no-any-return]


def _settled(lin: LinearDivisors, w: Array, s: Array, h: Array) -> Mask:
    """Step 4 on a few cells (``s`` in place): rounds of one seat (to the highest next quotient or
    from the lowest last one, in floats, over the cells still off) until the counts sum to the
    magnitude, then the level the least last quotient, certified. Returns the cells certified.
    The cells still off are taken with ``np.take`` (row-major copies; ``x[:, cells]`` is laid out
    column by column, and reductions over its rows are then slow)."""
    alpha, beta = lin.alpha, lin.beta
    n = s.shape[1]
    ftype = _float(w.dtype)
    with np.errstate(divide="ignore"):
        inv = np.divide(ftype(1), w.astype(ftype))  # quotients compared as divisor / w (inf: no votes)
    sf = s.astype(ftype)
    left = h - _row_sum(s)
    with np.errstate(invalid="ignore"):
        for _ in range(_ROUNDS):
            more, less = np.nonzero(left > 0)[0], np.nonzero(left < 0)[0]
            if not more.size and not less.size:
                break
            if more.size:  # the lowest d(s) / w: the highest next quotient
                j = _pick((np.take(sf, more, axis=1) * alpha + beta) * np.take(inv, more, axis=1), False)
                s[j, more] += 1
                sf[j, more] += ftype(1)
                left[more] -= 1
            if less.size:  # the highest d(s - 1) / w of a list with a seat: the lowest last quotient
                j = _pick(_last(lin, np.take(sf, less, axis=1), np.take(inv, less, axis=1)), True)
                s[j, less] -= 1
                sf[j, less] -= ftype(1)
                left[less] += 1
        j = _pick(_last(lin, sf, inv), True)  # the least last quotient: the level
    cells = np.arange(n)
    a = w[j, cells]
    b = s[j, cells] * alpha + (beta - alpha)
    ok = (left == 0) & (b > 0) & (a > 0)
    return ok & _certified(lin, w, s, np.where(ok, a, 1).astype(w.dtype), np.where(ok, b, 1).astype(w.dtype))


def _last(lin: LinearDivisors, sf: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """``d(s - 1) / w`` where a list has a seat (the inverse of its last quotient), else -1: the
    highest is the least last quotient (``sf`` the counts in floats, ``inv`` 1 / w)."""
    last = sf * lin.alpha + (lin.beta - lin.alpha) if lin.alpha != 1 or lin.beta != 1 else sf
    return np.where(sf > 0, last * inv, sf.dtype.type(-1))  # type: ignore[no-any-return]
