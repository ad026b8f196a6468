"""The batch path: many elections at once with NumPy, exactly.

``hemicycle.allocate_batch(rules, votes, invalid=None) -> ndarray`` with ``votes`` of shape
(elections, lists) and seats of the same shape (tiers summed; appointed seats left out).

All arithmetic is on 64-bit integers, and only where no product can exceed 2**62: a chunk whose
figures are large enough to overflow is allocated row by row with exact Python integers. The
vectorised path handles every election without a tie at a cut; an election with such a tie (or
with a clause the vectorised path does not cover) goes to the compiled path
(``hemicycle.compiled``), which has the interpreter's semantics. The three paths are compared on
random and constructed elections in ``tests/test_batch.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.compiled import compile_rules
from hemicycle.interpreter import MissingFigure

LIMIT = 2**62
CHUNK = 16_384

Array = np.ndarray[Any, np.dtype[np.int64]]


class _Unsupported(Exception):
    pass


def _tier_plan(tier: m.Tier) -> dict[str, Any]:
    """What the vectorised path needs from a tier, or _Unsupported."""
    method = tier.method
    criteria = tier.ties.criteria if tier.ties is not None else ()
    for th in tier.thresholds:
        if th.applies_to is not None and th.applies_to.kind is m.SelectorKind.TAGGED:
            raise _Unsupported
    runner_provisions = []
    for prov in tier.provisions:
        for a in prov.actions:
            if not isinstance(a, m.AdmitRunnerUp | m.Guarantee | m.Correction):
                raise _Unsupported
            who = getattr(a, "who", None)
            if who is not None and who.kind is not m.SelectorKind.RUNNER_UP:
                raise _Unsupported
        runner_provisions.append(prov)
    admits = [p for p in tier.provisions for a in p.actions if isinstance(a, m.AdmitRunnerUp)]
    if len(admits) > 1:
        raise _Unsupported
    if isinstance(method, m.Divisor) and method.kind is m.DivisorKind.SEQUENCE and method.step is None:
        raise _Unsupported
    return {"criteria": criteria, "provisions": runner_provisions}


def _base(base: m.Base, votes: Array, totals: dict[str, Array]) -> Array:
    return base_figure(base, votes.sum(axis=1), totals, _missing)


def _missing(name: str, why: str) -> Array:
    raise MissingFigure(f"the threshold is a share of a figure that needs the '{name}' total ({why}); "
                        f"pass {name}= to allocate_batch")


def _tier_batch(tier: m.Tier, plan: dict[str, Any], votes: Array, totals: dict[str, Array]
                ) -> tuple[Array, np.ndarray[Any, np.dtype[np.bool_]]]:
    """Seats for every row, and a mask of rows that must go to the exact per-row path."""
    e, n = votes.shape
    h = tier.seats
    fallback = np.zeros(e, dtype=bool)

    # 1. thresholds
    passed = votes > 0
    for th in tier.thresholds:
        if th.absolute is not None:
            ok = votes >= th.absolute if th.inclusive else votes > th.absolute
        else:
            assert th.share is not None and th.base is not None
            base = _base(th.base, votes, totals)
            lhs = votes * th.share.denominator
            rhs = (base * th.share.numerator)[:, None]
            ok = lhs >= rhs if th.inclusive else lhs > rhs
        passed &= ok
    count = passed.sum(axis=1)
    admitted = passed.copy()

    # 2-3. conditions, runner-up (worked on the rows where a provision is active only)
    runner = np.full(e, -1, dtype=np.int64)
    factor_num: Array | None = None
    factor_den: Array | None = None
    guarantees: list[tuple[np.ndarray[Any, np.dtype[np.bool_]], int]] = []
    for prov in plan["provisions"]:
        if prov.condition is None:
            active = np.ones(e, dtype=bool)
        else:
            active = prov.condition.op.holds(count, prov.condition.value)  # numpy comparison
        act_rows = np.nonzero(active)[0]
        for a in prov.actions:
            if isinstance(a, m.AdmitRunnerUp):
                sub_v = votes[act_rows]
                candidates = np.where(~admitted[act_rows] & (sub_v > 0), sub_v, -1)
                best = candidates.max(axis=1)
                ties = (candidates == best[:, None]).sum(axis=1)
                has = best > 0
                fallback[act_rows[has & (ties > 1)]] = True
                rows = act_rows[has]
                runner[rows] = candidates[has].argmax(axis=1)
                admitted[rows, runner[rows]] = True
            elif isinstance(a, m.Correction):
                if factor_num is None:
                    factor_num = np.ones((e, n), dtype=np.int64)
                    factor_den = np.ones((e, n), dtype=np.int64)
                rows = act_rows[runner[act_rows] >= 0]
                factor_num[rows, runner[rows]] *= a.factor.numerator
                factor_den[rows, runner[rows]] *= a.factor.denominator  # type: ignore[index]
            elif isinstance(a, m.Guarantee):
                guarantees.append((active, a.seats))

    admitted_votes = np.where(admitted, votes, 0)
    weights_num = admitted_votes if factor_num is None else admitted_votes * factor_num
    total_admitted = admitted_votes.sum(axis=1)
    live = total_admitted > 0

    method = tier.method
    if isinstance(method, m.LargestRemainder):
        seats, fb = _lr(method, h, weights_num, factor_den, admitted, total_admitted)
    else:
        den = factor_den if factor_den is not None else np.ones((e, n), dtype=np.int64)
        seats, fb = _divisor(method, h, weights_num, den, admitted)
    fallback |= fb & live
    seats = np.where(live[:, None], seats, 0)

    # caps: rows over the cap go to the exact path (the method re-runs there)
    if tier.cap is not None:
        fallback |= (seats > tier.cap.seats).any(axis=1)

    # 5. guarantees from the largest list
    for active, need in guarantees:
        has = active & (runner >= 0) & live
        rows = np.nonzero(has)[0]
        for _ in range(need):
            if rows.size == 0:
                break
            r_seats = seats[rows, runner[rows]]
            short = r_seats < need
            rows = rows[short]
            if rows.size == 0:
                break
            donor_seats = seats[rows].copy()
            donor_seats[np.arange(rows.size), runner[rows]] = -1
            most = donor_seats.max(axis=1)
            tied = (donor_seats == most[:, None]).sum(axis=1)
            fallback[rows[(tied > 1) & (most > 0)]] = True
            ok = most > 0
            rows = rows[ok]
            donor = donor_seats[ok].argmax(axis=1)
            seats[rows, donor] -= 1
            seats[rows, runner[rows]] += 1
    return seats, fallback


def _lr(method: m.LargestRemainder, h: int, wnum: Array, wden: Array | None,
        admitted: np.ndarray[Any, np.dtype[np.bool_]], total: Array) -> tuple[Array, Any]:
    n = wnum.shape[1]
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
    safe_qn = np.maximum(qn, 1)
    if wden is None:
        denom = safe_qn[:, None]
        numer = wnum * qd
    else:
        # a common denominator for the correction factors
        den_l = np.lcm.reduce(wden, axis=1)
        denom = (safe_qn * den_l)[:, None]
        numer = wnum * qd * (den_l[:, None] // wden)
    floors, rems = np.divmod(numer, denom)
    rems = np.where(admitted, rems, -1)
    left = h - floors.sum(axis=1)
    n_adm = admitted.sum(axis=1)
    fallback = (qn <= 0) | (left < 0) | (left >= np.maximum(n_adm, 1))
    # the (left)-th and (left+1)-th largest remainders: equal means a tie at the cut
    ranked = np.sort(rems, axis=1)  # ascending: the j-th largest is at n - 1 - j
    after_cut = np.take_along_axis(ranked, (n - 1 - np.clip(left, 0, n - 1))[:, None], axis=1)[:, 0]
    at_cut = np.take_along_axis(ranked, (n - 1 - np.clip(left - 1, 0, n - 1))[:, None], axis=1)[:, 0]
    fallback |= (left > 0) & (left < n) & (at_cut == after_cut) & (after_cut >= 0)
    extra = np.where((left > 0)[:, None], rems > after_cut[:, None], False)
    extra |= (left >= n)[:, None] & admitted  # (such rows fall back anyway)
    return floors + extra, fallback


def _divisor(method: m.Divisor, h: int, wnum: Array, wden: Array,
             admitted: np.ndarray[Any, np.dtype[np.bool_]]) -> tuple[Array, Any]:
    """Seat by seat, vectorised over elections; quotients compared exactly by cross-multiplying.

    The priority of a list with s seats is (w / d(s))^2 = w^2 / D(s), D the squared divisor as a
    fraction Dn/Dd: list a beats b when wa^2 * Dn(sb) * Dd(sa) * wd_b^2 > wb^2 * Dn(sa) * Dd(sb) * wd_a^2.
    """
    e, n = wnum.shape
    eligible = admitted & (wnum > 0)
    squares = [method.squared(k) for k in range(h + 1)]
    if any(s is None for s in squares):
        raise _Unsupported
    dn = np.array([Fraction(s).numerator for s in squares], dtype=object)
    dd = np.array([Fraction(s).denominator for s in squares], dtype=object)
    if max(max(dn), max(dd)) > 2**20:
        raise _Unsupported
    dn64, dd64 = dn.astype(np.int64), dd.astype(np.int64)
    seats = np.zeros((e, n), dtype=np.int64)
    fallback = np.zeros(e, dtype=bool)
    w2 = wnum * wnum  # overflow is ruled out by the caller's bound check
    den2 = wden * wden
    rows = np.arange(e)
    for _ in range(h):
        # priority as a fraction pn/pd per list; ineligible lists get -1
        pn = np.where(eligible, w2 * dd64[seats], -1)
        pd = np.where(eligible, dn64[seats] * den2, 1)
        infinite = eligible & (pd == 0)
        # tournament for the maximum, exact
        best = np.zeros(e, dtype=np.int64)
        for j in range(1, n):
            bn, bd = pn[rows, best], pd[rows, best]
            jn, jd = pn[:, j], pd[:, j]
            b_inf, j_inf = infinite[rows, best], infinite[:, j]
            better = np.where(j_inf, ~b_inf, np.where(b_inf, False, jn * bd > bn * jd))
            best = np.where(better, j, best)
        bn, bd, b_inf = pn[rows, best], pd[rows, best], infinite[rows, best]
        equal = np.where(infinite, b_inf[:, None], (~b_inf[:, None]) & (pn * bd[:, None] == bn[:, None] * pd))
        equal &= eligible
        fallback |= equal.sum(axis=1) > 1
        has = eligible.any(axis=1)
        seats[rows[has], best[has]] += 1
    return seats, fallback


def _bound(tier: m.Tier) -> int:
    """A multiplier such that max(votes, totals) * multiplier < LIMIT keeps every product exact."""
    mult = max(tier.seats + 2, 2)
    for th in tier.thresholds:
        if th.share is not None:
            mult = max(mult, th.share.denominator, th.share.numerator)
    fac = 1
    for prov in tier.provisions:
        for a in prov.actions:
            if isinstance(a, m.Correction):
                fac *= max(a.factor.numerator, a.factor.denominator)
    mult *= fac * fac
    if isinstance(tier.method, m.Divisor):
        return -1  # squared weights: checked separately
    return mult


def allocate_batch(rules: Any, votes: Any, invalid: Any = None, **totals: Any) -> Array:
    """Seats for each row of ``votes`` (elections x lists), exactly; see the module docstring."""
    chamber: m.Chamber = rules.model if hasattr(rules, "model") else rules
    v = np.asarray(votes)
    if v.ndim != 2:
        raise ValueError("votes must have shape (elections, lists)")
    if (v.dtype == object or not np.issubdtype(v.dtype, np.integer)) and not all(
            isinstance(x, int | np.integer) for x in v.flat):
        raise TypeError("votes must be integers")
    if (v < 0).any():
        raise ValueError("votes must not be negative")
    e, n = v.shape
    extra: dict[str, Any] = dict(totals)
    if invalid is not None:
        extra["invalid"] = invalid
    cols = {k: np.broadcast_to(np.asarray(x), (e,)) for k, x in extra.items()}
    exact = compile_rules(chamber)

    def row_totals(i: int) -> dict[str, int]:
        return {k: int(c[i]) for k, c in cols.items()}

    def one(i: int) -> tuple[int, ...]:
        t = row_totals(i)
        inv = t.pop("invalid", 0)
        return exact([int(x) for x in v[i]], inv, **t)

    out = np.zeros((e, n), dtype=np.int64)
    plans: list[tuple[m.Tier, dict[str, Any]]] = []
    try:
        plans = [(t, _tier_plan(t)) for t in chamber.tiers]
    except _Unsupported:
        for i in range(e):
            out[i] = one(i)
        return out
    biggest = max([int(v.max()) if v.size else 0] + [int(np.max(c)) if c.size else 0 for c in cols.values()]
                  + [int(v.sum(axis=1).max()) if v.size else 0])
    safe = True
    for tier, _ in plans:
        mult = _bound(tier)
        if mult < 0:
            # divisor methods compare squared weights times squared divisors
            d_max = max(Fraction(tier.method.squared(k) or 0).numerator for k in range(tier.seats + 1)) + 1  # type: ignore[union-attr]
            safe &= biggest * biggest * d_max * 4 < LIMIT and biggest < 2**31
        else:
            safe &= biggest * mult * (tier.seats + 2) < LIMIT
    if not safe:
        for i in range(e):
            out[i] = one(i)
        return out
    v64 = v.astype(np.int64)
    t64 = {k: c.astype(np.int64) for k, c in cols.items()}
    for start in range(0, e, CHUNK):
        stop = min(e, start + CHUNK)
        chunk = np.asfortranarray(v64[start:stop])  # column-major: sums over lists are fast
        ctot = {k: c[start:stop] for k, c in t64.items()}
        acc = np.zeros_like(chunk)
        fb = np.zeros(stop - start, dtype=bool)
        try:
            for tier, plan in plans:
                s, f = _tier_batch(tier, plan, chunk, ctot)
                acc += s
                fb |= f
        except _Unsupported:
            fb[:] = True
        for i in np.nonzero(fb)[0]:
            acc[i] = one(start + int(i))
        out[start:stop] = acc
    return out


BatchFunction = Callable[..., Array]
