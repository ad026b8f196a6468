"""Highest averages over a block of districts: many (election, district) cells at once, exactly.

``divisor_block(lin, weights, seats)``: ``weights`` an integer array (lists x cells), one column per
election and district (0 where a list is not admitted or the district has fewer lists than the
block is wide), ``seats`` the magnitude of each cell. Returns the seats (lists x cells) and, per
cell, whether the exact path must decide it instead.

Every step is one NumPy call over the whole block, whatever the magnitudes:

1. A guess: each list's count of quotients ``w / d(k)`` at least one common level per cell,
   chosen so that the counts sum to about the magnitude (half a seat lost per list). The counts
   at one level are the highest quotients of the cell, so the guess is part of the result where
   it is short and holds it where it is over.
2. Rounds: where the counts sum to fewer seats than the magnitude, one more seat to the list with
   the highest next quotient ``w / d(s)``; where to more, one seat less for the list with the
   lowest last quotient ``w / d(s - 1)``. Only the cells still off take part in a round.
3. A certificate, in integers: with ``j`` the list whose next quotient is (in floating point) the
   highest, every list's next quotient is at most ``j``'s (``w_i d(s_j) <= w_j d(s_i)``) and every
   quotient that won a seat is above it (``w_i d(s_j) > w_j d(s_i - 1)``). Then the seats are
   the ``h`` highest quotients with no tie at the cut: exactly what the seat-by-seat process
   gives. The products are formed in 32-bit integers where every one fits, else 64-bit.

Floating point only proposes (the guess, the rounds' choices, ``j``); a cell whose proposal the
integers do not confirm (a tie at the cut, quotients too close for the floats, rounds that do not
settle) is handed back, as is a block whose products could overflow 64 bits.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from hemicycle.highest_averages import LinearDivisors

Array = np.ndarray[Any, np.dtype[np.int64]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]

_I32 = 2**31
_FULL_ROUNDS = 2  # rounds over the whole block; the cells still off go by rounds of their own
_I64 = 2**62


def divisor_table(lin: LinearDivisors, h: int) -> list[int] | None:
    """The divisors d(0) ... d(h + 1) in integers (the head's, then the line's), when all are
    positive and none is below the one before (else None: the exact path)."""
    tab = [lin.head[i] if i < len(lin.head) else lin.alpha * i + lin.beta for i in range(max(h, len(lin.head)) + 2)]
    if tab[0] <= 0 or any(b < a for a, b in itertools.pairwise(tab)):
        return None
    return tab


def block_dtype(lin: LinearDivisors, w_max: int, h_max: int) -> Any:
    """The integers a block whose weights are at most ``w_max`` is decided in (every product of
    a weight and a divisor fits): int32, int64, or None (too large: the exact path)."""
    tab = divisor_table(lin, h_max)
    if tab is None:
        return None
    top = w_max * tab[h_max + 1]
    return np.int32 if top < _I32 else np.int64 if top < _I64 else None


def divisor_block(lin: LinearDivisors, weights: Array, seats: Array) -> tuple[Array, Mask]:
    """The seats of every cell of the block (see the module docstring) and the cells handed back.
    ``weights`` in the integers ``block_dtype`` gives (int32 or int64)."""
    k, n = weights.shape
    h_max = int(seats.max()) if n else 0
    tab = divisor_table(lin, h_max)
    w_max = int(weights.max()) if weights.size else 0
    dtype = block_dtype(lin, w_max, h_max)
    if tab is None or n == 0 or dtype is None or np.dtype(dtype).itemsize > weights.dtype.itemsize:
        return np.zeros((k, n), dtype=np.int64), np.ones(n, dtype=bool)
    w = np.ascontiguousarray(weights)  # the steps write through ravel(): row-major arrays only
    ftype = np.float32 if w.dtype == np.int32 else np.float64
    wf = w.astype(ftype)
    total = wf.sum(axis=0)
    empty = total == 0  # a sum of figures at least 0 is 0 exactly when each is
    s = _guess(lin, tab, wf, total, seats, w.dtype)
    left = seats - s.sum(axis=0)  # at most k h: no overflow
    left[empty] = 0
    d = _next_divisors(lin, tab, s)
    q = _quotients(wf, d)
    j = _pick(q, True)
    # rounds over the whole block while some cell is short (most are, by one seat): one seat more
    # to the list with the highest next quotient; the cells over their magnitude go below
    for _ in range(_FULL_ROUNDS):
        short = np.nonzero(left > 0)[0]
        if not short.size:
            break
        at = j[short] * n + short
        s.ravel()[at] += 1
        d.ravel()[at] = _next_divisors(lin, tab, s.ravel()[at])
        q.ravel()[at] = wf.ravel()[at] / d.ravel()[at]
        left[short] -= 1
        j = _pick(q, True)
    unsettled = np.zeros(n, dtype=bool)
    rest = np.nonzero(left)[0]
    if rest.size:
        sub = s[:, rest]
        unsettled[rest] = _rounds(lin, tab, wf[:, rest], sub, left[rest])
        s[:, rest] = sub
        d[:, rest] = _next_divisors(lin, tab, sub)
        j[rest] = _pick(_quotients(wf[:, rest], d[:, rest]), True)
    good = _certified(lin, tab, w, s, d, j)
    return s, ~good | empty | unsettled


def _guess(lin: LinearDivisors, tab: list[int], wf: np.ndarray, total: np.ndarray, seats: Array, dtype: Any) -> Array:
    """Each list's count of quotients at least one level per cell: ``w R`` against the divisors,
    ``R`` such that the counts sum to the magnitude if each list loses 0.65 of a seat
    (more than half: most cells short of their magnitude, by a seat or two, few over it)."""
    alpha, beta = lin.alpha, lin.beta
    k = wf.shape[0]
    admitted = wf > 0
    if k < 256:  # counted in bytes: a reduction in the array's own type
        lists = admitted.view(np.uint8).sum(axis=0, dtype=np.uint8).astype(wf.dtype)
    else:
        lists = admitted.sum(axis=0).astype(wf.dtype)
    ftype = wf.dtype.type
    rate = seats.astype(wf.dtype)
    rate *= ftype(alpha)
    lists *= ftype(beta - 0.65 * alpha)
    rate += lists
    np.maximum(rate, 0.0, out=rate)
    rate /= np.maximum(total, 1)
    y = wf * rate
    if lin.head:
        y = np.searchsorted(np.array(tab, dtype=wf.dtype), y.ravel(), side="right").reshape(y.shape)
    else:
        # d(c) = alpha c + beta <= y for c = 0 ... floor((y - beta) / alpha)
        if alpha != 1:
            y *= ftype(1.0 / alpha)
        if alpha != beta:
            y += ftype(1.0 - beta / alpha)
            np.maximum(y, 0.0, out=y)
    out = y.astype(dtype)
    np.minimum(out, int(seats.max()), out=out)  # counts up to the largest magnitude: the products stay in bounds
    return out


def _next_divisors(lin: LinearDivisors, tab: list[int], s: Array) -> Array:
    """d(s): the divisor of each list's next seat."""
    if lin.head:
        return np.take(np.array(tab, dtype=s.dtype), s)  # type: ignore[no-any-return]
    if lin.alpha != 1:
        d = s * s.dtype.type(lin.alpha)
        d += s.dtype.type(lin.beta)
        return d  # type: ignore[no-any-return]
    return np.add(s, s.dtype.type(lin.beta))  # type: ignore[no-any-return]


def _quotients(wf: np.ndarray, d: Array) -> np.ndarray:
    """``w / d`` in the floats of ``wf`` (the divisors cast on the way, in one pass)."""
    return np.divide(wf, d, dtype=wf.dtype, casting="unsafe")  # type: ignore[no-any-return]


def _last_divisors(lin: LinearDivisors, tab: list[int], s: Array) -> Array:
    """d(s - 1): the divisor of each list's last seat (0 where it has none)."""
    return np.take(np.array([0, *tab], dtype=s.dtype), s)  # type: ignore[no-any-return]


def _pick(q: np.ndarray, highest: bool) -> Array:
    """Per column, the row of the highest (or lowest) of the quotients ``q`` (at least 0, finite
    or +inf), taken in place: positive floats order as their bit patterns, so each pattern's low
    bits are replaced by the row and one integer max (or min) gives both. Quotients that differ
    only in those bits may pick either row: a proposal, confirmed in integers afterwards."""
    k = q.shape[0]
    bits = q.view(np.int32 if q.dtype == np.float32 else np.int64)
    mask = (1 << max(k - 1, 1).bit_length()) - 1
    bits &= ~mask
    if highest:
        bits |= np.arange(mask, mask - k, -1, dtype=bits.dtype)[:, None]
        return mask - (bits.max(axis=0) & mask)  # type: ignore[no-any-return]
    bits |= np.arange(k, dtype=bits.dtype)[:, None]
    return bits.min(axis=0) & mask  # type: ignore[no-any-return]


def _rounds(lin: LinearDivisors, tab: list[int], wf: np.ndarray, s: Array, left: Array) -> Mask:
    """One seat more (or less) per round for each cell whose counts sum to fewer (more) seats than
    its magnitude, to the list with the highest next (lowest last) quotient, in floating point;
    ``s`` and ``left`` in place. Returns the cells that did not settle within the bound."""
    n = s.shape[1]
    unsettled = np.zeros(n, dtype=bool)
    for sign in (1, -1):
        active = np.nonzero(left > 0 if sign > 0 else left < 0)[0]
        for _ in range(s.shape[0] + 2):
            if not active.size:
                break
            ws, ss = wf[:, active], s[:, active]
            if sign > 0:
                q = _quotients(ws, _next_divisors(lin, tab, ss))
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    q = _quotients(ws, _last_divisors(lin, tab, ss))
                q[ss == 0] = np.inf  # no seat to take back (0 / 0 is a NaN, maybe with its sign set)
            ss[_pick(q, sign > 0), np.arange(active.size)] += sign
            s[:, active] = ss
            left[active] -= sign
            active = active[left[active] != 0]
        unsettled[active] = True
    return unsettled


def _certified(lin: LinearDivisors, tab: list[int], w: Array, s: Array, d: Array, j: Array) -> Mask:
    """Per cell, whether the integers confirm that the seats ``s`` are the highest quotients with
    none tied at the cut (see the module docstring, step 3): ``d`` the next divisors, ``j`` the
    list proposed as the one with the highest next quotient."""
    n = w.shape[1]
    at = j * n + np.arange(n)
    wj = w.ravel()[at]
    x = w * d.ravel()[at]  # w_i d(s_j)
    gap = np.multiply(d, wj)
    np.subtract(x, gap, out=gap)  # <= 0: no next quotient above j's
    ok = gap.max(axis=0) <= 0
    won = np.minimum(s, 1)  # 1 where the list has a seat, else 0 (masks by arithmetic: masked reductions are slow)
    if lin.head:
        x -= wj * _last_divisors(lin, tab, s)  # > 0 where s > 0: every won quotient above j's next
        np.maximum(x, 1 - won, out=x)  # where s = 0: at least 1
        ok &= x.min(axis=0) > 0
    else:
        # w_i d(s_j) - w_j (d(s_i) - alpha) = gap + alpha w_j > 0 where s_i > 0
        gap *= won  # where s = 0: 0, and 0 > -alpha w_j
        ok &= gap.min(axis=0) > -lin.alpha * wj
    return ok  # type: ignore[no-any-return]
