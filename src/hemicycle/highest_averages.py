"""Divisor (highest averages) methods in O(n log n) steps, whatever the size of the house.

The meaning is that of ``docs/language.md``: seats are awarded one at a time to the list with the
highest ``weight / d(s)``; lists whose quotients are equal all get a seat in the same round, unless
fewer seats are left than lists tied, and only then is it a tie (the caller's ``favour`` picks).
Seat by seat this is O(h * n) with exact fractions: hours for a house of 10^6 seats. This module
gives exactly the same seats (and the same ties, at the same values) in two phases:

1. **Jump start.** For a cut value ``t`` let ``N(t)`` be the number of seats each list would have
   before its first quotient ``<= t`` (its "prefix" above ``t``), summed over the lists. If
   ``N(t) < h``, the seat-by-seat process awards all these prefix seats before any quotient
   ``<= t``, and none of them is at the cut (proof: while some list's next prefix quotient is
   ``> t``, the maximum picked is ``> t``; every tied round is made of prefix seats, fewer than
   the seats left). So every list can start from its prefix count. ``t`` is found with floats
   (an estimate of the final divisor) and then checked exactly, in integers and fractions.
2. **Heap.** The remaining ``h - N(t)`` seats (O(n) of them when the estimate is good) go seat by
   seat from a heap, round by round of equal quotients, exactly as the plain loop would.

Priorities are compared squared (``weight^2 / d(s)^2``) so that Huntington-Hill stays exact; a
divisor of 0 is a priority above every finite one. Only the first divisor may break the order
(``modified_sainte_lague first 4``): the prefix counts stop at the first quotient ``<= t`` so they
stay exact for any sequence that does not decrease from the second divisor on (the parser refuses
decreasing explicit sequences).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from hemicycle import model as m

# (1, 0): a zero divisor (above every finite quotient); (0, q2): the squared quotient q2.
Key = tuple[int, Fraction]
Favour = Callable[[list[int], int, Key], list[int]]

_ZERO = Fraction(0)

# d(s) ~ a * s + b for large s: used only to estimate the jump start, which is then checked.
_LINEAR: dict[m.DivisorKind, tuple[float, float]] = {
    m.DivisorKind.DHONDT: (1.0, 1.0),
    m.DivisorKind.SAINTE_LAGUE: (2.0, 1.0),
    m.DivisorKind.MODIFIED_SAINTE_LAGUE: (2.0, 1.0),
    m.DivisorKind.DANISH: (3.0, 1.0),
    m.DivisorKind.IMPERIALI: (1.0, 2.0),
    m.DivisorKind.ADAMS: (1.0, 0.0),
    m.DivisorKind.HUNTINGTON_HILL: (1.0, 0.5),
}


@dataclass
class DivisorRun:
    seats: dict[int, int]  # list index -> seats (every eligible list)
    left: int  # seats that could not be given (every divisor sequence used up)
    jumped: int = 0  # seats given by the jump start (not in ``order``)
    bound: Fraction | None = None  # the jump start's quotient: every prefix quotient is above it
    order: list[tuple[int, Key]] = field(default_factory=list)  # seats given one by one, with the key


def key_of(method: m.Divisor, w2: Fraction | int, s: int) -> Key | None:
    """The priority of a list with squared weight ``w2`` holding ``s`` seats (None: no more)."""
    d2 = method.squared(s)
    if d2 is None:
        return None
    if d2 == 0:
        return (1, _ZERO)
    return (0, Fraction(w2) / d2)


def highest_averages(
    method: m.Divisor,
    weights: Sequence[Fraction | int] | Mapping[int, Fraction | int],
    eligible: Sequence[int],
    seats: int,
    favour: Favour,
    *,
    record: bool = False,
    jump: bool = True,
) -> DivisorRun:
    """Seats for the ``eligible`` lists (indices into ``weights``, each weight > 0).

    ``favour(tied, places, key)`` picks ``places`` of the ``tied`` lists (in index order) when
    fewer seats are left than lists tied at ``key``. ``record``: keep the order of the seats given
    one by one. ``jump``: allow the jump start (``False``: every seat is in ``order``).
    """
    eligible = sorted(eligible)
    w2 = {i: Fraction(weights[i]) ** 2 for i in eligible}
    counts = dict.fromkeys(eligible, 0)
    run = DivisorRun(seats=counts, left=seats)
    if seats <= 0 or not eligible:
        return run
    finite = method.kind is m.DivisorKind.SEQUENCE and method.step is None
    if jump and finite and len(eligible) * len(method.sequence) <= seats:
        # every list uses up its divisors: no seat is contested
        for i in eligible:
            counts[i] = len(method.sequence)
        run.jumped = len(eligible) * len(method.sequence)
        run.left = seats - run.jumped
        run.bound = _ZERO
        return run
    if jump and seats > 2 * len(eligible) + 2:
        _jump_start(method, weights, eligible, seats, run)
    heap: list[tuple[int, Fraction, int]] = []
    for i in eligible:
        k = key_of(method, w2[i], counts[i])
        if k is not None:
            heap.append((-k[0], -k[1], i))
    heapq.heapify(heap)
    remaining = run.left
    while remaining > 0 and heap:
        flag, value = heap[0][0], heap[0][1]
        tied: list[int] = []
        while heap and heap[0][0] == flag and heap[0][1] == value:
            tied.append(heapq.heappop(heap)[2])
        tied.sort()
        best: Key = (-flag, -value)
        chosen = favour(tied, remaining, best) if len(tied) > remaining else tied
        for i in chosen:
            counts[i] += 1
            remaining -= 1
            if record:
                run.order.append((i, best))
            k = key_of(method, w2[i], counts[i])
            if k is not None:
                heapq.heappush(heap, (-k[0], -k[1], i))
        if remaining == 0:
            break
    run.left = remaining
    return run


# --- the jump start ---------------------------------------------------------------------------


def _estimator(method: m.Divisor) -> Callable[[float], float] | None:
    """x -> about how many divisors are below x (a float estimate), or None if unknown."""
    if method.kind is m.DivisorKind.SEQUENCE:
        seq = [float(d) for d in method.sequence]
        last = seq[-1]
        step = float(method.step) if method.step is not None else None

        def count_seq(x: float) -> float:
            if x <= last:
                return float(bisect_left(seq, x))
            if step is None:
                return float(len(seq))
            return len(seq) + max(0.0, math.ceil((x - last) / step) - 1)

        return count_seq
    linear = _LINEAR.get(method.kind)
    if linear is None:
        return None
    a, b = linear

    def count_linear(x: float) -> float:
        return max(0.0, math.ceil((x - b) / a)) if x < 1e300 else 1e300

    return count_linear


def _prefix(method: m.Divisor, x2: Fraction, guess: int) -> int:
    """How many seats a list gets before its first divisor with d^2 >= x2 (the exact prefix)."""

    def ge(s: int) -> bool:
        d2 = method.squared(s)
        return d2 is None or d2 >= x2

    if ge(0):
        return 0
    # from s = 1 on the divisors do not decrease: find the first s >= 1 with ge(s) by galloping
    g = max(1, guess)
    if ge(g):
        hi, step, lo = g, 1, g - 1
        while lo >= 1 and ge(lo):
            hi, step = lo, step * 2
            lo = hi - step
        lo = max(lo, 0)  # ge(lo) is False (lo = 0 is known False)
    else:
        lo, step = g, 1
        hi = lo + step
        while not ge(hi):
            lo, step = hi, step * 2
            hi = lo + step
    while hi - lo > 1:  # ge(lo) False, ge(hi) True
        mid = (lo + hi) // 2
        if ge(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _jump_start(
    method: m.Divisor, weights: Sequence[Fraction | int] | Mapping[int, Fraction | int], eligible: list[int],
    seats: int, run: DivisorRun,
) -> None:
    estimate = _estimator(method)
    if estimate is None:
        return
    n = len(eligible)
    wmax = max(Fraction(weights[i]) for i in eligible)
    wf = [float(Fraction(weights[i]) / wmax) for i in eligible]

    linear = _LINEAR.get(method.kind)
    if linear is not None:
        a, b = linear
        ia = 1.0 / a

        def total(d: float) -> float:
            inv = 1.0 / d
            if max(wf) * inv > 1e300:
                return 1e300
            return sum(max(0.0, math.ceil((w * inv - b) * ia)) for w in wf)
    else:

        def total(d: float) -> float:
            return sum(estimate(w / d) for w in wf)

    # Aim a little below the house (the estimate is off by less than a seat per list, and any
    # error is caught by the exact check below); the seats left go one by one from the heap.
    margin = min(n + 1, max(8, n // 32))
    target = seats - margin
    a = linear[0] if linear is not None else 1.0
    d = max(sum(wf) / (a * seats), 1e-300)
    lo = hi = d
    for _ in range(2000):  # lo: too many seats; hi: few enough
        if total(lo) > target:
            break
        lo /= 2
    else:
        return
    for _ in range(2000):
        if total(hi) <= target:
            break
        hi *= 2
    else:
        return
    if not (math.isfinite(hi) and lo > 0):
        return
    for _ in range(64):
        mid = math.sqrt(lo * hi)
        got = total(mid)
        if got > target:
            lo = mid
        else:
            hi = mid
            if got >= target - margin:
                break
    d = hi
    for attempt in range(30):
        if not (math.isfinite(d) and d > 0):
            return
        bound = Fraction(d) * wmax
        guesses = [int(estimate(w / d)) for w in wf]
        counts = [_prefix(method, (Fraction(weights[i]) / bound) ** 2, g)
                  for i, g in zip(eligible, guesses, strict=True)]
        given = sum(counts)
        if given < seats:
            for i, c in zip(eligible, counts, strict=True):
                run.seats[i] = c
            run.jumped = given
            run.left = seats - given
            run.bound = bound
            return
        d *= 1.0 + 2.0 ** -10 * 4 ** attempt  # the estimate was off: a higher bound gives fewer seats
