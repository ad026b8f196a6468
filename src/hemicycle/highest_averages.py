"""Divisor (highest averages) methods in O(n log n) steps, whatever the size of the house.

The meaning is that of ``docs/language.md``: seats are awarded one at a time to the list with the
highest ``weight / d(s)``; lists whose quotients are equal all get a seat in the same round, unless
fewer seats are left than lists tied, and only then is it a tie (the caller's ``favour`` picks).
Seat by seat this is O(h * n) with exact fractions: hours for a house of 10^6 seats. This module
gives exactly the same seats (and the same ties, at the same values) in two phases:

1. **Jump start.** For a cut value ``t`` let ``N(t)`` be the number of seats each list would have
   before its first quotient ``<= t`` (its "prefix" above ``t``), summed over the lists. If
   ``N(t) <= h``, the seat-by-seat process awards all these prefix seats before any quotient
   ``<= t``, and none of them is at the cut (proof: while some list's next prefix quotient is
   ``> t``, the maximum picked is ``> t``; every tied round is made of prefix seats, no more than
   the seats left). So every list can start from its prefix count.

   The proof asks nothing of the order of the divisors: a list's prefix is counted up to its
   first quotient at or below ``t``, and its later quotients wait behind that one.

   Every divisor sequence but Huntington-Hill's is linear from some seat on (``LinearDivisors``:
   D'Hondt, Sainte-Laguë and its modified form, Danish, Imperiali, Adams, explicit sequences with
   a step, whatever the line gives before the tail: ``divisors 1, 2 step 5`` is the line
   ``5k - 3`` from the second seat on). For those, with the weights over one denominator (sum
   ``V``), the cut is ``V / M`` for a whole ``M`` chosen so that ``N <= h`` whatever the weights
   (``LinearDivisors.multiplier``), and each prefix is one integer division: no float anywhere.
   When that cut leaves more than a few seats per list (a long head, a step far below the
   divisors), the cut is searched for the weights at hand (``_largest_cut``). The batch path
   (``hemicycle.batch``) uses the bound's cut, a column at a time, and hands elections it leaves
   many seats to the exact path. Huntington-Hill has its own integer cut
   (``_jump_huntington_hill``, an integer square root per list), and a finite explicit sequence
   (``divisors 1, 2, 3`` without ``step``) searches its cut too (``_jump_finite``). Any other
   sequence (none the parser accepts) is given seat by seat. No float is used in this module.
2. **Rounds.** The remaining ``h - N(t)`` seats (a few per list) go round by round of equal
   quotients, exactly as the plain loop would: by a scan comparing integer cross-products up to
   ``_SCAN`` lists, from a heap of exact fractions beyond.

Priorities on the heap are compared squared (``weight^2 / d(s)^2``) so that Huntington-Hill stays
exact; a divisor of 0 is a priority above every finite one. Prefixes are counted by bisection
where the divisors do not decrease from the second on (the parser refuses explicit sequences that
decrease; ``modified_sainte_lague first 4`` has its first divisor above the second), and one
divisor at a time otherwise.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hemicycle import model as m

# (1, 0): a zero divisor (above every finite quotient); (0, q2): the squared quotient q2.
Key = tuple[int, Fraction]
Favour = Callable[[list[int], int, Key], list[int]]

_ZERO = Fraction(0)

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
    if any(weights[i] <= 0 for i in eligible):
        raise ValueError("every eligible list must have a positive weight")
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
    lin = LinearDivisors.of(method)
    hh = method.kind is m.DivisorKind.HUNTINGTON_HILL
    den, ws = _over_one_denominator(weights, eligible)
    if jump and seats > 2 * len(eligible) + 2:
        if lin is not None:
            _jump_linear(lin, ws, den, seats, run)
        elif hh:
            _jump_huntington_hill(ws, den, seats, run)
        elif finite:
            _jump_finite(method, ws, den, seats, run)
        # any other sequence (none the parser accepts) goes seat by seat: slower, never wrong
    if len(eligible) <= _SCAN and lin is not None:
        # quotient w / (d / D): cross-multiplied as w * d', squared key (w D)^2 / (den d)^2
        _rounds_scan(ws, lin.at, lambda w, d: Fraction((w * lin.D) ** 2, (den * d) ** 2), run, favour, record)
        return run
    if len(eligible) <= _SCAN and hh:
        # squared quotient w^2 / (s (s + 1)), cross-multiplied in integers
        _rounds_scan({i: w * w for i, w in ws.items()}, lambda s: s * (s + 1),
                     lambda w2, d: Fraction(w2, den * den * d), run, favour, record)
        return run
    _rounds_heap(method, weights, eligible, run, favour, record)
    return run


# (pool positions tied, places, the tied quotient as w / d): the positions favoured, in the order
# their seats are given
Tied = Callable[[list[int], int, int, int], list[int]]


def seat_rounds(lin: LinearDivisors, votes: Sequence[int], pool: Sequence[int], seats: int, tied: Tied,
                order: list[int] | None = None, start: list[int] | None = None) -> list[int]:
    """The seats of each ``pool`` list (indices into ``votes``, each with votes), in pool order, a
    round at a time: a seat to the highest ``votes / d(seats held)``, compared by integer
    cross-multiplication (the integer divisor ``D * d(s)``; 0 is above every finite quotient).
    Lists tied at the top all get a seat in the round unless fewer seats are left; then
    ``tied(positions, places, w, d)`` picks (``w / d``: the tied quotient, over ``D``).

    D'Hondt starts every list at its lower quota ``floor(seats * w / W)``: a state the rounds pass
    through (every quotient given is at least ``W / seats``, every one left below it, so no round
    straddles it), from which they go on to the same seats and the same last-round tie. ``start``
    (when given) gets each list's seats at that start (0 for other methods); ``order`` the pool
    position of each later seat's winner, in order: the protocol's record (the seats before it
    are the highest quotients, in order; a list held its earlier seats).

    The one seat-by-seat divisor step of the interpreter (``interpreter.divisors``) and the
    compiled districted path (``districted``)."""
    head, alpha, beta = lin.head, lin.alpha, lin.beta
    k_head = len(head)
    n = len(pool)
    w = [votes[i] for i in pool]
    left = seats
    if not k_head and alpha == beta and seats > n:  # D'Hondt
        total = sum(w)
        got = [seats * x // total for x in w]
        left -= sum(got)
        d = [alpha * (s + 1) for s in got]
    else:
        got = [0] * n
        d = [head[0] if k_head else beta] * n
    if start is not None:
        start[:] = got
    positive = lin.positive
    rest = range(1, n)
    while left > 0 and n:
        best, wb, db = 0, w[0], d[0]
        top = False  # another list ties with the best so far
        if positive:
            for j in rest:
                x, y = w[j] * db, wb * d[j]
                if x >= y:
                    if x > y:
                        best, wb, db, top = j, w[j], d[j], False
                    else:
                        top = True
        else:
            for j in rest:
                dj = d[j]
                c = (w[j] * db - wb * dj) if dj and db else (0 if dj == db else (1 if dj == 0 else -1))
                if c > 0:
                    best, wb, db, top = j, w[j], dj, False
                elif c == 0:
                    top = True
        if not top:  # one list at the top: its seat
            s = got[best] = got[best] + 1
            d[best] = head[s] if s < k_head else alpha * s + beta
            if order is not None:
                order.append(best)
            left -= 1
            continue
        winners = [j for j in range(n) if (w[j] * db == wb * d[j] if d[j] and db else d[j] == db)]
        if len(winners) > left:
            winners = tied(winners, left, wb, db)
        for j in winners:
            s = got[j] = got[j] + 1
            d[j] = head[s] if s < k_head else alpha * s + beta
            if order is not None:
                order.append(j)
        left -= len(winners)
    return got


def _over_one_denominator(weights: Sequence[Fraction | int] | Mapping[int, Fraction | int], eligible: list[int]
                          ) -> tuple[int, dict[int, int]]:
    """Every weight over one denominator, for integer arithmetic: (the denominator, each
    eligible list's numerator)."""
    if all(isinstance(weights[i], int) for i in eligible):
        return 1, {i: int(weights[i]) for i in eligible}
    fr = [Fraction(weights[i]) for i in eligible]
    den = math.lcm(*(x.denominator for x in fr))
    return den, {i: int(x * den) for i, x in zip(eligible, fr, strict=True)}


def _rounds_heap(method: m.Divisor, weights: Sequence[Fraction | int] | Mapping[int, Fraction | int],
                 eligible: list[int], run: DivisorRun, favour: Favour, record: bool) -> None:
    """The seats ``run`` has left, round by round from a heap of the lists' next quotients (any
    number of lists, any divisor sequence); the lists tied at the top take their seats together."""
    counts = run.seats
    w2 = {i: Fraction(weights[i]) ** 2 for i in eligible}
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
        chosen = _award(run, tied, remaining, (-flag, -value), favour, record)
        remaining -= len(chosen)
        for i in chosen:
            k = key_of(method, w2[i], counts[i])
            if k is not None:
                heapq.heappush(heap, (-k[0], -k[1], i))
        if remaining == 0:
            break
    run.left = remaining


# --- the jump start ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearDivisors:
    """A divisor sequence in integers over a common denominator ``D``: ``d(k) = head[k] / D`` for
    ``k < K`` and ``(alpha * k + beta) / D`` from ``K`` on (``alpha > 0``). Every divisor method
    but Huntington-Hill (and finite explicit sequences) has this shape.

    Only the tail's values count: ``beta`` (the line's value at 0) may be negative, as for
    ``divisors 1, 2 step 5`` (1, 2, 7, 12, ...: the line 5k - 3 from k = 1 on). The head may be in
    any order (``modified_sainte_lague first 4``: 4, then 3, 5, ...); ``ordered`` says whether it
    does not decrease from its second divisor on, so that prefixes are counted by bisection."""

    D: int
    head: tuple[int, ...]
    alpha: int
    beta: int
    ordered: bool = True

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def of(method: m.Divisor) -> LinearDivisors | None:
        kind = method.kind
        forms = {m.DivisorKind.DHONDT: (0, 1, 1), m.DivisorKind.SAINTE_LAGUE: (0, 2, 1),
                 m.DivisorKind.DANISH: (0, 3, 1), m.DivisorKind.IMPERIALI: (0, 1, 2),
                 m.DivisorKind.ADAMS: (0, 1, 0), m.DivisorKind.MODIFIED_SAINTE_LAGUE: (1, 2, 1)}
        if kind in forms:
            k0, a0, b0 = forms[kind]
            a, b = Fraction(a0), Fraction(b0)
        elif kind is m.DivisorKind.SEQUENCE and method.step is not None and method.step > 0 and method.sequence:
            k0 = len(method.sequence) - 1
            a, b = method.step, method.sequence[-1] - method.step * k0
        else:
            return None
        for k in range(k0, k0 + 4):  # the tail really is linear
            if method.divisor(k) != a * k + b:
                return None
        head = [method.divisor(k) for k in range(k0)]
        if any(d is None or d < 0 for d in head) or a * k0 + b < 0:
            return None  # a negative divisor: no method has one (the parser refuses them)
        big_d = math.lcm(*(x.denominator for x in [*head, a, b]))  # type: ignore[union-attr]
        ints = tuple(int(x * big_d) for x in head)  # type: ignore[operator]
        alpha, beta = int(a * big_d), int(b * big_d)
        ordered = all(x <= y for x, y in itertools.pairwise(ints[1:]))
        return LinearDivisors(big_d, ints, alpha, beta, ordered)

    @functools.cached_property
    def positive(self) -> bool:
        """Every divisor is above 0 (not Adams' first): quotients compare by cross-products alone."""
        return all(x > 0 for x in self.head) and self.first_tail > 0

    @property
    def first_tail(self) -> int:
        """``D * d(K)``: the first divisor of the linear tail."""
        return self.alpha * len(self.head) + self.beta

    def largest(self, h: int) -> int:
        """A bound on every integer divisor used for a house of ``h`` seats and on ``D * M``."""
        return max([*self.head, self.alpha * (h + 1) + abs(self.beta)])

    def multiplier(self, h: int, n: int) -> int:
        """``M`` such that the prefix seats above the cut ``V / M`` (V: the weights' sum) number at
        most ``h`` whatever the weights of ``n`` lists. With ``x = D w M / V``, a list's prefix
        is below ``K`` when some head divisor reaches ``x``, else it is the first ``k >= K`` with
        ``alpha k + beta >= x``: fewer than ``K + max(0, (x - d_K) / alpha + 1)``, which is at most
        ``K + x / alpha + max(0, 1 - d_K / alpha)``; the ``x`` add up to ``D M``."""
        k = len(self.head)
        return max(0, (self.alpha * (h - n * k) - n * max(0, self.alpha - self.first_tail)) // self.D)

    def at(self, s: Any) -> Any:
        """The integer divisor ``D * d(s)`` for a seat count ``s`` (an int or a NumPy array)."""
        if isinstance(s, int):
            return self.head[s] if s < len(self.head) else self.alpha * s + self.beta
        import numpy as np

        tail = self.alpha * s + self.beta
        if not self.head:
            return tail
        head = np.array(self.head, dtype=np.int64)
        return np.where(s < len(self.head), head[np.minimum(s, len(self.head) - 1)], tail)

    def prefix(self, w: int, total: int, dm: int) -> int:
        """The seats a list of integer weight ``w`` gets before its first quotient at or below
        the cut ``total / M`` (``dm = D * M``): the first ``k`` with ``D d(k) total >= w dm``."""
        z = w * dm
        k = len(self.head)
        if k and self.ordered:
            if self.head[0] * total >= z:
                return 0
            j = bisect_left(self.head, -(-z // total), 1)  # the first j >= 1 with head[j] >= ceil(z / total)
            if j < k:
                return j
        else:
            for j, x in enumerate(self.head):
                if x * total >= z:
                    return j
        return max(k, -((self.beta * total - z) // (self.alpha * total)))


# Up to this many lists, the seats after the jump go round by round to a plain scan for the
# highest quotient (integer cross-multiplication); beyond it, to the heap of fractions.
_SCAN = 32


def _jump_linear(lin: LinearDivisors, ws: dict[int, int], den: int, seats: int, run: DivisorRun) -> None:
    """The jump start in integers (see ``LinearDivisors.multiplier``): with the weights ``ws``
    over the denominator ``den``, the cut ``V / M`` and every list's prefix above it, at most
    ``seats`` in all. When that ``M``, good whatever the weights, leaves many seats to the rounds
    (a long head such as ``divisors 1, 1, 1, 1 step 1``, or a step much smaller than the
    divisors), the cut is searched for these weights, in steps of ``1 / D``."""
    total = sum(ws.values())
    if total <= 0:
        return

    def prefixes(dm: int) -> int:
        return sum(lin.prefix(w, total, dm) for w in ws.values())

    dm = lin.D * lin.multiplier(seats, len(ws))
    if seats - (prefixes(dm) if dm > 0 else 0) > 2 * len(ws) + 2:
        dm = _largest_cut(prefixes, seats, dm)  # the tail grows: some cut gives too many
    if dm > 0:
        _start_at_cut(run, ws, seats, Fraction(total * lin.D, den * dm), lambda w: lin.prefix(w, total, dm))


def _largest_cut(prefixes: Callable[[int], int], seats: int, low: int) -> int:
    """The largest whole ``M >= low`` with ``prefixes(M) <= seats``, by doubling and halving,
    given that ``prefixes(low) <= seats`` (``low = 0``: no seat above an infinite cut), that
    ``prefixes`` does not decrease (the higher M, the lower the cut, the longer every prefix) and
    that some M gives more than ``seats``."""
    low = max(low, 0)
    high = max(1, 2 * low)
    while prefixes(high) <= seats:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if prefixes(mid) <= seats:
            low = mid
        else:
            high = mid
    return low


def _start_at_cut(run: DivisorRun, ws: dict[int, int], seats: int, bound: Fraction,
                  prefix: Callable[[int], int]) -> None:
    """Every list starts from ``prefix(w)``, its seats with a quotient above the cut ``bound``,
    which the caller has chosen so that they number at most ``seats``."""
    given = 0
    for i, w in ws.items():
        run.seats[i] = c = prefix(w)
        given += c
    assert given <= seats
    run.jumped = given
    run.left = seats - given
    run.bound = bound


def _jump_huntington_hill(ws: dict[int, int], den: int, seats: int, run: DivisorRun) -> None:
    """The jump start for Huntington-Hill in integers: with the cut ``V / M``, a list's prefix is
    the number of ``k`` with ``sqrt(k (k + 1)) < w M / V``, i.e. ``k (k + 1) V^2 < (w M)^2``,
    found from an integer square root. As ``sqrt(k (k + 1)) >= k``, a prefix is at most
    ``w M / V + 1`` seats: ``M = h - n`` keeps them within the house."""
    total = sum(ws.values())
    mult = seats - len(ws)
    if mult <= 0 or total <= 0:
        return
    v2 = total * total

    def prefix(w: int) -> int:
        target = (w * mult) ** 2
        k = math.isqrt(target // v2)  # about w M / V
        while k > 0 and (k - 1) * k * v2 >= target:
            k -= 1
        while k * (k + 1) * v2 < target:
            k += 1
        return k  # the first k with k (k + 1) V^2 >= (w M)^2

    _start_at_cut(run, ws, seats, Fraction(total, den * mult), prefix)


def _rounds_scan(num: dict[int, int], divisor: Callable[[int], int], key_of_best: Callable[[int, int], Fraction],
                 run: DivisorRun, favour: Favour, record: bool) -> None:
    """The seats left, round by round: the lists with the highest priority ``num / divisor(s)``
    each get one (the caller's ``favour`` picks when fewer seats are left than lists tied),
    exactly as the heap does. Priorities are compared by cross-multiplying integers; a zero
    divisor is highest. ``key_of_best(num, divisor)`` gives the heap's key (the squared quotient)
    for the protocol and for ``favour``."""
    counts = run.seats
    remaining = run.left
    while remaining > 0:
        tied: list[int] = []
        bw = bd = 0
        for i, w in num.items():
            d = divisor(counts[i])
            if not tied:
                tied, bw, bd = [i], w, d
                continue
            c = (w * bd - bw * d) if d and bd else (0 if d == bd else (1 if d == 0 else -1))
            if c > 0:
                tied, bw, bd = [i], w, d
            elif c == 0:
                tied.append(i)
        key: Key | None = None
        if len(tied) > remaining or record:
            key = (1, _ZERO) if bd == 0 else (0, key_of_best(bw, bd))
        remaining -= len(_award(run, tied, remaining, key, favour, record))
    run.left = remaining


def _award(run: DivisorRun, tied: list[int], remaining: int, key: Key | None, favour: Favour,
           record: bool) -> list[int]:
    """One round: every list tied at the highest quotient ``key`` gets a seat, unless fewer seats
    are left than lists tied; then ``favour`` picks. The lists given a seat."""
    if len(tied) > remaining:
        assert key is not None
        tied = favour(tied, remaining, key)
    for i in tied:
        run.seats[i] += 1
        if record:
            assert key is not None
            run.order.append((i, key))
    return tied


def _jump_finite(method: m.Divisor, ws: dict[int, int], den: int, seats: int, run: DivisorRun) -> None:
    """The jump start for a finite explicit sequence (``divisors 1, 2, 3``), in integers: the
    lowest cut ``V / M`` (``M`` in steps of ``1 / D``) that leaves at most ``seats`` prefix seats,
    found by doubling and halving (each count one bisection per list). The caller has made sure
    that the lists cannot all use up the sequence, so a large enough ``M`` gives too many."""
    seq = method.sequence
    big_d = math.lcm(*(x.denominator for x in seq))
    e = [int(x * big_d) for x in seq]
    tail = e[1:]  # nondecreasing from the second divisor on (only the first may break the order)
    total = sum(ws.values())
    if total <= 0 or any(x > y for x, y in itertools.pairwise(tail)):
        return  # (a decreasing sequence, which the parser refuses, goes seat by seat)

    def prefix(w: int, dm: int) -> int:
        z = w * dm  # d(k) < w * M / V  <=>  e_k * V < D * w * M, with dm = D * M
        return 0 if e[0] * total >= z else 1 + bisect_left(tail, -(-z // total))  # e_k < ceil(z / V)

    def prefixes(dm: int) -> int:
        return sum(prefix(w, dm) for w in ws.values())

    dm = _largest_cut(prefixes, seats, 0)
    if dm > 0:
        _start_at_cut(run, ws, seats, Fraction(total * big_d, den * dm), lambda w: prefix(w, dm))
