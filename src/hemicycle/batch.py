"""The batch path: many elections at once with NumPy, exactly.

``hemicycle.allocate_batch(rules, votes, invalid=None, **totals) -> ndarray`` with ``votes`` of
shape (elections, lists) and seats of the same shape (tiers summed; appointed seats left out).

How it works. Elections go in chunks of ``CHUNK``; inside a chunk every list's votes are one
contiguous column, and each step (a threshold test, a quotient, a comparison of remainders) is
one NumPy operation over a column, so the cost per election is a few nanoseconds per step.

* Exact: every figure is a 64-bit integer, and a chunk is vectorised only when no product the
  path forms can reach 2**62 (``_limit``); otherwise its elections go row by row with Python
  integers. No float is used anywhere.
* Largest remainder: integer parts and remainders by one ``divmod`` per list; a list wins a
  remainder seat when fewer lists than the seats left have a larger remainder, counted by
  comparing columns pairwise (a sort beyond 8 lists).
* Divisor methods: the integer jump start of ``hemicycle.highest_averages`` (every divisor
  sequence but Huntington-Hill's is linear from some seat on), then a few rounds of exact
  cross-multiplied comparisons; Huntington-Hill goes seat by seat with squared quotients.
* Elections the vectorised steps do not decide (a tie at a cut, a cap reached, two runner-up
  candidates with equal votes) and rules with clauses they do not cover go to the compiled path
  (``hemicycle.compiled``), one at a time, with the interpreter's semantics.

The paths are compared on random and constructed elections in ``tests/test_batch.py`` and by
``scripts/batch_agreement.py`` (10^6 elections per rule set).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.compiled import clauses_on_votes_only, compile_rules
from hemicycle.election import TOTALS
from hemicycle.highest_averages import LinearDivisors
from hemicycle.interpreter import MAX_WORK, check_sizes
from hemicycle.validate import figure_array

LIMIT = 2**62
CHUNK = 16_384
# Huntington-Hill goes seat by seat here (the interpreter's integer-square-root jump start has no
# NumPy counterpart): beyond this many seats, the compiled path (with the jump) is faster.
_HH_ROUNDS = 1_000
# The divisor rounds after the jump start: beyond this many seats per list (and this many more),
# an election goes to the exact path instead (D'Hondt and the like leave at most 2 per list).
_ROUNDS_PER_LIST = 8
_ROUNDS = 64
# Seats a guarantee moves in the vectorised path; an election that needs more goes to the exact path.
_MOVES = 64
# Each step is one NumPy call per list: with more lists than this, the compiled path row by row
# is as fast (measured: about equal at 1,000 lists, the batch path 100x slower at 5,000).
_MAX_COLUMNS = 1_000

Array = np.ndarray[Any, np.dtype[np.int64]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]


class _Unsupported(Exception):
    pass


def _tier_plan(tier: m.Tier) -> dict[str, Any]:
    """What the vectorised path needs from a tier, or _Unsupported."""
    if not clauses_on_votes_only(tier):
        raise _Unsupported
    method = tier.method
    # beyond the compiled path's shapes: thresholds for every list, provisions for the runner-up
    if any(th.applies_to is not None and th.applies_to.kind is not m.SelectorKind.EVERY_LIST
           for th in tier.thresholds):
        raise _Unsupported
    for prov in tier.provisions:
        for a in prov.actions:
            who = getattr(a, "who", None)
            if who is not None and who.kind is not m.SelectorKind.RUNNER_UP:
                raise _Unsupported
    admits = [p for p in tier.provisions for a in p.actions if isinstance(a, m.AdmitRunnerUp)]
    if len(admits) > 1:
        raise _Unsupported
    linear = LinearDivisors.of(method) if isinstance(method, m.Divisor) else None
    if isinstance(method, m.Divisor) and linear is None and (
            method.kind is not m.DivisorKind.HUNTINGTON_HILL or tier.seats > _HH_ROUNDS):
        raise _Unsupported  # a finite sequence, or Huntington-Hill seat by seat in a large house
    criteria = tier.ties.criteria if tier.ties is not None else ()
    # ties decided by registration order (the column order) first: no election needs the exact path for them
    by_order = bool(criteria) and criteria[0] is m.TieCriterion.REGISTRATION_ORDER
    return {"provisions": tier.provisions, "limit": _limit(tier, linear), "linear": linear, "by_order": by_order}


def _missing(name: str, why: str) -> Array:
    """A base the totals lack: the exact path, row by row, says which list it cannot decide and why
    (the same error as every other path)."""
    raise _Unsupported


# The vectorised path works on columns: ``cols[j]`` holds list j's votes in every election of a
# chunk, contiguous in memory, so that each step is one NumPy operation over a whole column.
# Steps that only some elections need (the runner-up provisions) gather those rows into a small
# two-dimensional array and scatter the result back.

Cols = list[Array]


def _count(masks: list[Mask]) -> Array:
    """How many of the masks hold, per election (counted in bytes: no conversion of each mask)."""
    if len(masks) < 256:
        acc = np.zeros(masks[0].shape[0], dtype=np.uint8)
        for x in masks:
            acc += x.view(np.uint8)
        return acc.astype(np.int64)
    return np.sum(masks, axis=0, dtype=np.int64)  # type: ignore[no-any-return]


def _sum(cols: Cols) -> Array:
    """Per election, the sum of the columns."""
    out = cols[0].copy()
    for c in cols[1:]:
        out += c
    return out


def _stack(cols: list[Any], rows: Any) -> Any:
    return np.stack([c[rows] for c in cols], axis=1)


def _tier_batch(tier: m.Tier, plan: dict[str, Any], cols: Cols, list_votes: Array,
                totals: dict[str, Array]) -> tuple[Cols, Mask]:
    """Seats per column for every election, and a mask of elections that must go to the exact
    per-row path (a tie at a cut, a cap reached, a case the vectorised path does not decide)."""
    e, h = list_votes.shape[0], tier.seats
    fallback = np.zeros(e, dtype=bool)
    passed = _passed(tier, cols, list_votes, totals)  # 1. thresholds
    admitted = list(passed)
    # 2-3. conditions and the runner-up, on the elections where a provision applies
    acts = _provisions(plan, cols, admitted, _count(passed), fallback)
    votes_in = [c * p.view(np.uint8) for c, p in zip(cols, admitted, strict=True)]
    total = _sum(votes_in)
    live = total > 0
    weights, common = _corrected(votes_in, acts)
    method = tier.method
    if isinstance(method, m.LargestRemainder):
        seats, fb = _lr(method, h, weights, common, admitted, total, live, plan["by_order"])
    elif plan["linear"] is not None:
        seats, fb = _divisor_linear(plan["linear"], h, weights, plan["by_order"])
    else:
        seats, fb = _huntington_hill(h, weights, plan["by_order"])
    fallback |= fb & live
    # caps: elections over the cap go to the exact path (the method re-runs there)
    if tier.cap is not None:
        for s in seats:
            fallback |= s > tier.cap.seats
    _guarantees(h, seats, acts, live, fallback)  # 5.
    return seats, fallback


def _passed(tier: m.Tier, cols: Cols, list_votes: Array, totals: dict[str, Array]) -> list[Mask]:
    """Per column, the elections where the list has votes and passes every threshold."""
    passed = [c > 0 for c in cols]
    for th in tier.thresholds:
        test = np.greater_equal if th.inclusive else np.greater
        if th.absolute is not None:
            for j, c in enumerate(cols):
                passed[j] &= test(c, th.absolute)
        else:
            assert th.share is not None and th.base is not None
            rhs = base_figure(th.base, list_votes, totals, _missing) * th.share.numerator
            den = th.share.denominator
            for j, c in enumerate(cols):
                passed[j] &= test(c * den if den != 1 else c, rhs)
    return passed


class _Acts:
    """What the provisions do, per election: the runner-up admitted (-1: none), the correction
    factors (None: none anywhere) and where they apply, the guarantees with where they apply."""

    def __init__(self, e: int) -> None:
        self.runner = np.full(e, -1, dtype=np.int64)
        self.fnum: Cols | None = None
        self.fden: Cols | None = None
        self.corrected = np.zeros(e, dtype=bool)
        self.guarantees: list[tuple[Mask, int]] = []


def _provisions(plan: dict[str, Any], cols: Cols, admitted: list[Mask], count: Array, fallback: Mask) -> _Acts:
    """The ``when`` blocks: where each applies (by the count of lists admitted), the runner-up it
    admits (``admitted`` grows), its corrections and guarantees. The runner-up is admitted first,
    then the corrections and guarantees apply to it, whatever the order of the actions in the
    block (as in the interpreter)."""
    e, n = count.shape[0], len(cols)
    acts = _Acts(e)
    actives = [np.ones(e, dtype=bool) if prov.condition is None else prov.condition.op.holds(
        count, prov.condition.value) for prov in plan["provisions"]]
    for admitting, (prov, active) in itertools.product((True, False), zip(plan["provisions"], actives, strict=True)):
        rows = np.nonzero(active)[0]
        for a in prov.actions:
            if isinstance(a, m.AdmitRunnerUp) != admitting:
                continue
            if isinstance(a, m.AdmitRunnerUp):
                if rows.size:
                    _admit_runner_up(plan, cols, admitted, rows, acts.runner, fallback)
            elif isinstance(a, m.Correction):
                if acts.fnum is None or acts.fden is None:
                    acts.fnum = [np.ones(e, dtype=np.int64) for _ in range(n)]
                    acts.fden = [np.ones(e, dtype=np.int64) for _ in range(n)]
                hit = active & (acts.runner >= 0)
                acts.corrected |= hit
                for j in range(n):
                    here = hit & (acts.runner == j)
                    acts.fnum[j][here] *= a.factor.numerator
                    acts.fden[j][here] *= a.factor.denominator
            elif isinstance(a, m.Guarantee):
                acts.guarantees.append((active, a.seats))
    return acts


def _admit_runner_up(plan: dict[str, Any], cols: Cols, admitted: list[Mask], rows: Any, runner: Array,
                     fallback: Mask) -> None:
    """In these elections, the list with the most votes among those not admitted is admitted."""
    sub_v, sub_a = _stack(cols, rows), _stack(admitted, rows)
    candidates = np.where(~sub_a & (sub_v > 0), sub_v, -1)
    best = candidates.max(axis=1)
    ties = (candidates == best[:, None]).sum(axis=1)
    has = best > 0
    if not plan["by_order"]:  # else the earliest of equal candidates: argmax's pick
        fallback[rows[has & (ties > 1)]] = True
    got = rows[has]
    runner[got] = candidates[has].argmax(axis=1)
    for j in range(len(cols)):
        admitted[j] = admitted[j] | (runner == j)


def _corrected(votes_in: Cols, acts: _Acts) -> tuple[Cols, Array | None]:
    """The weights: the admitted votes, times the correction factors over one denominator per
    election where a factor applies (that denominator, else None)."""
    if acts.fnum is None or acts.fden is None:
        return votes_in, None
    e = votes_in[0].shape[0] if votes_in else 0
    rows = np.nonzero(acts.corrected)[0]
    common = np.ones(e, dtype=np.int64)
    common[rows] = np.lcm.reduce(np.stack([d[rows] for d in acts.fden]), axis=0)
    weights = []
    for x, f, d in zip(votes_in, acts.fnum, acts.fden, strict=True):
        scale = f.copy()
        scale[rows] *= common[rows] // d[rows]
        weights.append(x * scale)
    return weights, common


def _guarantees(h: int, seats: Cols, acts: _Acts, live: Mask, fallback: Mask) -> None:
    """Guarantees, each missing seat from the list holding the most. The seats to move are
    counted first (until the list has them, or no other list holds one): elections that would
    move more than _MOVES seats go to the exact path, which moves them one by one within the
    interpreter's limit (MAX_WORK) or refuses them with its LimitError."""
    e, n = live.shape[0], len(seats)
    moves = np.zeros(e, dtype=np.int64)
    for active, need in acts.guarantees:
        rows = np.nonzero(active & (acts.runner >= 0) & live & ~fallback)[0]
        if rows.size == 0:
            continue
        need = min(need, h)  # no list can hold more than the tier's seats
        sub = _stack(seats, rows)
        r = acts.runner[rows]
        at = np.arange(rows.size)
        todo = np.maximum(np.minimum(sub.sum(axis=1), need) - sub[at, r], 0)
        moves[rows] += todo
        fallback[rows[todo > _MOVES]] = True
        for _ in range(int(todo[todo <= _MOVES].max(initial=0))):
            short = sub[at, r] < need
            donors = sub.copy()
            donors[at, r] = -1
            most = donors.max(axis=1)
            tied = (donors == most[:, None]).sum(axis=1)
            fallback[rows[short & (tied > 1) & (most > 0)]] = True
            move = short & (most > 0)
            donor = donors.argmax(axis=1)
            sub[at[move], donor[move]] -= 1
            sub[at[move], r[move]] += 1
        for j in range(n):
            seats[j][rows] = sub[:, j]
    fallback |= moves * n > MAX_WORK


def _lr(method: m.LargestRemainder, h: int, weights: Cols, common: Array | None, admitted: list[Mask],
        total: Array, live: Mask, by_order: bool) -> tuple[Cols, Mask]:
    """Largest remainder; elections with no admitted votes (not ``live``) get no seats."""
    n = len(weights)
    quota = method.quota
    if quota.rounding is m.Rounding.EXACT and quota.kind is not m.QuotaKind.DROOP:
        offset = {m.QuotaKind.HARE: 0, m.QuotaKind.HAGENBACH_BISCHOFF: 1, m.QuotaKind.IMPERIALI: 2}[quota.kind]
        qn, qd = total, h + offset  # votes / (total / (h + c)) = votes * (h + c) / total
    else:
        if quota.kind is m.QuotaKind.DROOP:
            q = total // (h + 1) + 1
        else:
            div = {m.QuotaKind.HARE: h, m.QuotaKind.HAGENBACH_BISCHOFF: h + 1, m.QuotaKind.IMPERIALI: h + 2}[quota.kind]
            if quota.rounding is m.Rounding.DOWN:
                q = total // div
            elif quota.rounding is m.Rounding.UP:
                q = -(-total // div)
            else:
                q = (2 * total + div) // (2 * div)
        qn, qd = q, 1
    denom = np.maximum(qn, 1)
    if common is not None:
        denom = denom * common
    floors: Cols = []
    rems: Cols = []
    left = live * np.int64(h)
    for w in weights:
        f, r = np.divmod(w * qd if qd != 1 else w, denom)
        floors.append(f)
        rems.append(r)
        left -= f
    n_adm = _count(admitted)
    fallback = (qn <= 0) | (left < 0)
    many = (left >= n_adm) & (n_adm > 0)
    if many.any():
        # more seats left than lists (a correction factor): every admitted list first gets the
        # same number more, in whole rounds; the rest go by remainder
        rows = np.nonzero(many)[0]
        rounds = left[rows] // n_adm[rows]
        left[rows] -= rounds * n_adm[rows]
        for f, a in zip(floors, admitted, strict=True):
            f[rows] += rounds * a[rows]
    fallback |= (left > 0) & (n_adm == 0)
    # A list wins a remainder seat when fewer than `left` lists rank above it. With `by_order`
    # a list ranks above another with a larger remainder or an equal one and an earlier place:
    # the winners are exactly `left`. Otherwise only a larger remainder ranks above, and the
    # winners number exactly `left` unless remainders tie at the cut: such elections go to the
    # exact path. A list outside the distribution has remainder 0; it can only be counted a
    # winner when remainder 0 is at the cut (then: the exact path, below).
    if n <= 8:
        above = [np.zeros(total.shape[0], dtype=np.uint8) for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                above[j] += ((rems[i] >= rems[j]) if by_order else (rems[i] > rems[j])).view(np.uint8)
                above[i] += (rems[j] > rems[i]).view(np.uint8)
        extra = [a < left for a in above]
        for x, a in zip(extra, admitted, strict=True):
            fallback |= x & ~a
    else:
        ranked = np.sort(np.stack(rems, axis=1), axis=1)  # ascending: the j-th largest is at n - 1 - j
        cut = np.take_along_axis(ranked, (n - 1 - np.clip(left - 1, 0, n - 1))[:, None], axis=1)[:, 0]
        extra = [(r >= cut) & (left > 0) for r in rems]
    fallback |= (left > 0) & (_count(extra) != left)
    return [f + x.view(np.uint8) for f, x in zip(floors, extra, strict=True)], fallback


def _divisor_linear(lin: LinearDivisors, h: int, weights: Cols, by_order: bool) -> tuple[Cols, Mask]:
    """Highest averages in two exact integer phases, as in ``hemicycle.highest_averages``.

    1. Jump start: with the cut ``t = V / M`` every list first gets its prefix, the seats whose
       quotient ``w / d(k)`` is above ``t`` before its first one at or below it. ``M`` is chosen so
       that the prefixes number at most ``h``; then the seat-by-seat process gives all of them
       before any quotient at or below ``t``, in rounds no tie can cut (see that module).
    2. The seats left (a few per list at most) go round by round (``_rounds``).
    """
    n = len(weights)
    eligible = [w > 0 for w in weights]  # weights are 0 outside the distribution
    total = _sum(weights)
    e = total.shape[0]
    dm = lin.D * lin.multiplier(h, n)
    k_head = len(lin.head)
    safe_total = np.maximum(total, 1)
    step = lin.alpha * safe_total
    seats: Cols = []
    given = np.zeros(e, dtype=np.int64)
    # from K on: alpha * k * V < D * w * M - beta * V, i.e. k < ceil((D w M - beta V) / step)
    offset = (step - 1) - lin.beta * total
    for w in weights:
        z = w * dm  # d(k) < w * M / V  <=>  D * d(k) * V < D * w * M
        tail = (z + offset) // step
        if k_head:
            alive = np.ones(e, dtype=bool)
            count = np.zeros(e, dtype=np.int64)
            for x in lin.head:
                alive &= x * total < z
                count += alive
            s = count + np.maximum(tail - k_head, 0) * alive
        else:
            s = np.maximum(tail, 0)
        seats.append(s)
        given += s
    left = np.where(total > 0, h - given, 0)
    # the rounds are one NumPy pass per seat left: elections the jump leaves many seats (a cut
    # that holds whatever the weights is loose for some sequences) go to the exact path, whose
    # jump searches the cut for their weights
    fallback = (left < 0) | (left > _ROUNDS_PER_LIST * n + _ROUNDS)
    # past the head, d(s + 1) = d(s) + alpha: the divisors are kept up to date by adding
    _rounds(weights, eligible, seats, left, fallback, by_order, lin.at, None if k_head else lin.alpha)
    return seats, fallback


def _huntington_hill(h: int, weights: Cols, by_order: bool) -> tuple[Cols, Mask]:
    """Huntington-Hill (divisor sqrt(s(s + 1))), seat by seat from none: squared quotients
    w^2 / (s(s + 1)) compared by cross-multiplying integers; a zero divisor is the highest."""
    eligible = [w > 0 for w in weights]  # weights are 0 outside the distribution
    squares = [w * w for w in weights]
    e = weights[0].shape[0]
    seats = [np.zeros(e, dtype=np.int64) for _ in weights]
    left = np.where(_sum(weights) > 0, h, 0)
    fallback = np.zeros(e, dtype=bool)

    def divisor(x: Array) -> Array:
        return x * (x + 1)  # type: ignore[no-any-return]

    _rounds(squares, eligible, seats, left, fallback, by_order, divisor, None)
    return seats, fallback


def _rounds(num: Cols, eligible: list[Mask], seats: Cols, left: Array, fallback: Mask, by_order: bool,
            divisor: Callable[[Array], Array], step: int | None, divs: Cols | None = None) -> None:
    """The seat-by-seat process from ``seats`` until ``left`` is used up, a round at a time, for
    every election at once (``seats``, ``left`` and ``fallback`` are updated in place).

    A list's priority is ``num / divisor(seats)``, a zero divisor the highest; a list outside the
    distribution (``num`` 0) is never counted among the highest. The lists
    whose priority no other beats (``num_j * d_i >= num_i * d_j``) hold the highest: each gets a
    seat if enough are left, as in the seat-by-seat process. When fewer seats are left than
    lists tied, the earliest get them (``by_order``) or the election goes to the exact path.
    After a seat, the divisor is the old one plus ``step``, or ``divisor(seats)`` again without one.
    When few elections are left to do, the rest goes on with those only.
    """
    n, e = len(num), left.shape[0]
    if divs is None:
        divs = [divisor(x) for x in seats]
    while True:
        todo = (left > 0) & ~fallback
        busy = int(np.count_nonzero(todo))
        if busy == 0:
            return
        if busy * 2 < e and e >= 1024:
            rows = np.nonzero(todo)[0]
            sub_seats, sub_left = [x[rows] for x in seats], left[rows]
            sub_fallback = np.zeros(rows.size, dtype=bool)
            _rounds([x[rows] for x in num], [x[rows] for x in eligible], sub_seats, sub_left, sub_fallback,
                    by_order, divisor, step, [x[rows] for x in divs])
            for x, y in zip(seats, sub_seats, strict=True):
                x[rows] = y
            left[rows] = sub_left
            fallback[rows] = sub_fallback
            return
        if n <= 12:  # every pair once
            top = [todo & el for el in eligible]
            for i in range(n):
                for j in range(i + 1, n):
                    a, b = num[j] * divs[i], num[i] * divs[j]
                    top[j] &= a >= b
                    top[i] &= b >= a
        else:  # the highest priority first, then the lists at it: 2n steps instead of n^2
            bw, bd = np.zeros(e, dtype=np.int64), np.ones(e, dtype=np.int64)
            for w, d in zip(num, divs, strict=True):
                better = w * bd > bw * d
                bw, bd = np.where(better, w, bw), np.where(better, d, bd)
            top = [todo & el & (w * bd == bw * d) for el, w, d in zip(eligible, num, divs, strict=True)]
        tied = _count(top)
        give = (tied > 0) & ((tied <= left) | by_order)
        fallback |= todo & ~give
        before = np.zeros(e, dtype=np.int64)
        for j in range(n):
            got = top[j] & give
            if by_order:
                got &= before < left
                before += top[j]
            seats[j] += got
            if step is None:
                divs[j] = divisor(seats[j])
            else:
                divs[j][got] += step  # (not step * got.view(np.uint8): a uint8 product overflows)
        left -= np.minimum(tied, left) * give


def _limit(tier: m.Tier, linear: LinearDivisors | None) -> int:
    """A figure such that, while no vote figure, sum of votes or total reaches it, no product the
    vectorised path forms for this tier can reach 2**62."""
    fac = 1
    for prov in tier.provisions:
        for a in prov.actions:
            if isinstance(a, m.Correction):
                fac *= max(a.factor.numerator, a.factor.denominator)
    # thresholds: votes times a share's denominator against a base (at most three figures) times
    # its numerator
    share = max([2] + [max(th.share.numerator, th.share.denominator) for th in tier.thresholds if th.share])
    limits = [LIMIT // (3 * share)]
    method, h = tier.method, tier.seats
    if linear is not None:
        # weights (times the factors' common denominator) times a divisor or the jump's D * M,
        # plus alpha and |beta| times the weights' sum (the jump's ceiling division)
        limits.append(LIMIT // (fac * fac * 2 * (linear.largest(h) + linear.alpha + abs(linear.beta) + 1)))
    elif isinstance(method, m.Divisor):
        # Huntington-Hill: squared weights (times squared factors) times s (s + 1) <= h (h + 1)
        limits.append(math.isqrt(LIMIT // (fac**4 * (h * (h + 1) + 1))))
    else:
        # largest remainder: weights times (h + 2) over the quota times the factors' denominator
        limits.append(LIMIT // (fac * fac * (h + 2) * (h + 2)))
    return min(limits)


def allocate_batch(rules: Any, votes: Any, invalid: Any = None, **totals: Any) -> Array:
    """Seats for each row of ``votes`` (elections x lists), exactly; see the module docstring.

    The columns are the lists in registration order (ties broken by registration order go to
    the earlier column), as for ``hemicycle.compile``. ``invalid`` and the other totals
    (``against_all``, ``registered``, ``valid``, ``ballots_cast``) are one figure for every
    election or one per election. Raises ``ValueError`` for negative figures or a wrong shape,
    ``TypeError`` for figures that are not integers, and the interpreter's errors for an
    election it cannot allocate."""
    chamber: m.Chamber = rules.model if hasattr(rules, "model") else rules
    v = figure_array(votes, "votes")
    if v.ndim != 2:
        raise ValueError("votes must have shape (elections, lists)")
    e, n = v.shape
    check_sizes(chamber, n)  # the interpreter's limits, before any work
    machine = v.dtype.kind in "iu"
    if not machine and all(-LIMIT < x < LIMIT for x in v.flat):  # e.g. Python integers in an object array
        v, machine = v.astype(np.int64), True
    figures: dict[str, Any] = dict(totals)
    if invalid is not None:
        figures["invalid"] = invalid
    given: dict[str, Any] = {}
    for key, x in figures.items():
        if key not in TOTALS:
            raise ValueError(f"unknown total {key!r}; known: {', '.join(TOTALS)}")
        a = figure_array(x, key)
        if a.ndim > 1 or (a.ndim == 1 and a.shape[0] != e):
            raise ValueError(f"{key} must be one figure or one per election ({e})")
        if a.size and a.min() < 0:
            raise ValueError(f"{key} must not be negative")
        given[key] = a
    exact = compile_rules(chamber)
    out = np.zeros((e, n), dtype=np.int64)
    if e == 0 or n == 0:
        return out
    try:
        plans = [(t, _tier_plan(t)) for t in chamber.tiers] if n <= _MAX_COLUMNS and not chamber.levels else []
    except _Unsupported:
        plans = []

    rows_per_chunk = max(1, min(CHUNK, (16 * CHUNK) // n))  # a chunk holds at most 16 columns' worth of figures
    for start in range(0, e, rows_per_chunk):
        stop = min(e, start + rows_per_chunk)
        block = v[start:stop]
        cols = list(np.ascontiguousarray(block.T, dtype=np.int64)) if machine else []  # contiguous per list
        if (v.dtype.kind == "i" and min(int(c.min()) for c in cols) < 0) or (
                not machine and any(x < 0 for x in block.flat)):
            row = start + int(np.nonzero((block < 0).any(axis=1))[0][0])
            raise ValueError(f"votes must not be negative (row {row}: {v[row].tolist()})")
        ctot = {k: (a[start:stop] if a.ndim else a) for k, a in given.items()}
        safe = _safe_rows(plans, block, ctot) if plans and machine else np.zeros(stop - start, dtype=bool)
        if safe.all():
            tot64 = {k: a.astype(np.int64) for k, a in ctot.items()}
            seats, fb = _chunk(plans, cols, tot64)
            out[start:stop] = np.array(seats).T
            redo = np.nonzero(fb)[0]
        elif safe.any():  # the elections with figures too large for int64 products go row by row
            rows = np.nonzero(safe)[0]
            tot64 = {k: (a[rows] if a.ndim else a).astype(np.int64) for k, a in ctot.items()}
            seats, fb = _chunk(plans, [c[rows] for c in cols], tot64)
            out[start + rows] = np.array(seats).T
            redo = np.concatenate([np.nonzero(~safe)[0], rows[fb]])
        else:
            redo = np.arange(stop - start)
        for i in redo:
            row = start + int(i)
            t = {k: int(a[row] if a.ndim else a) for k, a in given.items()}
            out[row] = exact([int(x) for x in v[row]], t.pop("invalid", 0), **t)
    return out


def _safe_rows(plans: list[tuple[m.Tier, dict[str, Any]]], block: Any, totals: dict[str, Any]) -> Mask:
    """The elections of this chunk for which every product the vectorised path forms stays below
    2**62: no vote figure, sum of votes or total reaches the tiers' limit (``_limit``)."""
    e, n = block.shape
    limit = min(plan["limit"] for _, plan in plans)
    big_total = np.zeros(e, dtype=bool)
    for a in totals.values():
        if a.size and int(a.max()) >= limit:
            big_total |= np.broadcast_to(a >= limit, (e,))
    cell = int(block.max()) if block.size else 0
    if cell < limit // max(n, 1):
        return ~big_total  # no sum of n figures below limit / n reaches the limit
    if cell * n < 2**63:
        sums = block.astype(np.int64).sum(axis=1, dtype=np.int64)
    else:
        sums = np.array([sum(int(x) for x in row) for row in block.tolist()], dtype=object)
    return ~big_total & np.asarray(sums < limit, dtype=bool)


def _chunk(plans: list[tuple[m.Tier, dict[str, Any]]], cols: Cols, totals: dict[str, Any]) -> tuple[Cols, Mask]:
    """Every tier on one chunk of elections: seats per list and the elections to redo exactly."""
    list_votes = _sum(cols)
    acc: Cols | None = None
    fallback = np.zeros(list_votes.shape[0], dtype=bool)
    try:
        for tier, plan in plans:
            seats, fb = _tier_batch(tier, plan, cols, list_votes, totals)
            acc = seats if acc is None else [a + x for a, x in zip(acc, seats, strict=True)]
            fallback |= fb
    except _Unsupported:
        fallback[:] = True
    assert acc is not None or fallback.all()
    return acc if acc is not None else [np.zeros_like(c) for c in cols], fallback


BatchFunction = Callable[..., Array]
