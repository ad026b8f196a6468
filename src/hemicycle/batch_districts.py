"""The batch path for districted rules: many whole districted elections at once, exactly.

``allocate_districts_batch(rules, election, votes, **totals)``: ``votes[d]`` an array (elections x
lists standing in district ``d``), its columns the lists of that district in ``election`` (the
order of ``district_columns``); each total (``valid``, ``blank``, ``invalid`` ...) one figure per
district or an array (elections x districts). The national figures of each election are the sums
of its districts'. Returns the seats in the same shapes, one array per district.

The rules and the election's shape are planned once by the compiled path (``hemicycle.districted``:
what is covered, the magnitudes by the interpreter's step). Each district's columns are then
allocated by the batch path's own vectorised steps (``hemicycle.batch``: the divisor jump start
and exact rounds, largest remainder by ``divmod``), on 64-bit integers only while no product can
reach 2**62; elections with larger figures, a tie the vectorised steps do not decide, or a
district no list can take go one by one through the compiled path (which hands what it cannot
decide to the interpreter). Rules the plan does not cover go to the interpreter, election by
election. No float anywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.batch import LIMIT, _limit, _lr
from hemicycle.compiled import _Fallback
from hemicycle.districted import DistrictPlan, election_of, interpreted, passes, plan_districts, unit_seats
from hemicycle.election import TOTALS, Election
from hemicycle.highest_averages import LinearDivisors
from hemicycle.validate import figure_array

# Elections per chunk: the arrays of a chunk (elections x districts x lists) stay in the cache.
_CHUNK = 2048

Array = np.ndarray[Any, np.dtype[np.int64]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]


class _Declined(Exception):
    """The chunk needs the exact path (e.g. a base figure the totals lack)."""


def district_columns(election: Election, level: str = "district") -> list[list[int]]:
    """For each district of ``level``, the places (among the election's lists) of the lists standing
    there, in registration order: the columns of ``votes[d]``."""
    place = {e.abbr: i for i, e in enumerate(election.lists)}
    rank = [e.registration_order for e in election.lists]
    return [sorted((place[a] for a in u.votes), key=lambda i: (rank[i], i)) for u in election.units_of(level)]


def _missing(name: str, why: str) -> Array:
    raise _Declined


def _checked(votes: Sequence[Any], columns: list[list[int]], totals: Mapping[str, Any]) -> tuple[list[Any], int,
                                                                                                dict[str, Any]]:
    if len(votes) != len(columns):
        raise ValueError(f"votes must give {len(columns)} districts, not {len(votes)}")
    arrays = []
    e = None
    for d, (v, cols) in enumerate(zip(votes, columns, strict=True)):
        a = figure_array(v, f"votes of district {d}")
        if a.ndim != 2 or a.shape[1] != len(cols) or (e is not None and a.shape[0] != e):
            raise ValueError(f"votes of district {d} must have shape (elections, {len(cols)})")
        e = a.shape[0]
        if a.size and a.min() < 0:
            raise ValueError(f"votes of district {d} must not be negative")
        arrays.append(a)
    e = e or 0
    given: dict[str, Any] = {}
    for key, x in totals.items():
        if key not in TOTALS:
            raise ValueError(f"unknown total {key!r}; known: {', '.join(TOTALS)}")
        a = figure_array(x, key)
        if a.ndim == 1 and a.shape[0] == len(columns):
            a = np.broadcast_to(a, (e, len(columns)))
        if a.shape != (e, len(columns)):
            raise ValueError(f"{key} must be one figure per district or an array (elections, districts)")
        if a.size and a.min() < 0:
            raise ValueError(f"{key} must not be negative")
        given[key] = a
    return arrays, e, given


def allocate_districts_batch(rules: Any, election: Election, votes: Sequence[Any], **totals: Any) -> list[Array]:
    """Seats per district for each election (see the module docstring)."""
    chamber: m.Chamber = rules.model if hasattr(rules, "model") else rules
    if not chamber.levels or not election.units or not chamber.tiers:
        raise ValueError("allocate_districts_batch is for rules that allocate lists' seats in districts, and "
                         "elections with districts; use allocate_batch for national figures")
    plan = plan_districts(chamber, election)
    level = chamber.levels[0].name
    columns = district_columns(election, level)
    arrays, e, given = _checked(votes, columns, totals)
    out = [np.zeros(a.shape, dtype=np.int64) for a in arrays]
    if e == 0:
        return out
    machine = all(a.dtype.kind in "iu" for a in arrays) and all(a.dtype.kind in "iu" for a in given.values())
    limit = _safe_limit(plan) if plan is not None else 0
    for start in range(0, e, _CHUNK):
        stop = min(e, start + _CHUNK)
        redo: Any = np.arange(stop - start)
        if plan is not None and machine:
            block = [a[start:stop].astype(np.int64) for a in arrays]
            tot = {k: a[start:stop].astype(np.int64) for k, a in given.items()}
            safe = _safe(block, tot, limit)
            rows = np.nonzero(safe)[0]
            if rows.size:
                try:
                    sub = {k: t[rows] for k, t in tot.items()}
                    seats, fallback = _chunk(plan, columns, [b[rows] for b in block], sub)
                    for d in range(len(out)):
                        out[d][start + rows] = seats[d]
                    redo = np.concatenate([np.nonzero(~safe)[0], rows[fallback]])
                except _Declined:
                    pass
        _exact(plan, chamber, election, columns, arrays, given, out, start + np.asarray(redo, dtype=np.int64))
    return out


def _safe_limit(plan: DistrictPlan) -> int:
    """Below this, no product the vectorised steps form for the largest district can reach 2**62."""
    tier = dataclasses.replace(plan.tier, seats=max(plan.magnitudes, default=0), level=None)
    return _limit(tier, plan.linear)


def _safe(block: list[Array], totals: dict[str, Array], limit: int) -> Mask:
    """The elections whose national figures (sums over districts and lists) stay below ``limit``."""
    e = block[0].shape[0]
    biggest = max([int(b.max()) for b in block if b.size] + [int(t.max()) for t in totals.values() if t.size] + [0])
    width = sum(b.shape[1] for b in block) + sum(t.shape[1] for t in totals.values())
    if biggest * max(width, 1) < limit:
        return np.ones(e, dtype=bool)
    if biggest >= 2**63 // max(width, 1):
        return np.zeros(e, dtype=bool)  # the sums themselves would not fit: every election exactly
    sums = sum((b.sum(axis=1) for b in block if b.size), np.zeros(e, dtype=np.int64))
    ok = sums < limit
    for t in totals.values():
        ok &= t.sum(axis=1) < limit
    return ok  # type: ignore[no-any-return]


def _national(plan: DistrictPlan, columns: list[list[int]], block: list[Array], totals: dict[str, Array]
              ) -> Mask | None:
    """Per election and list (by place), whether it passes every national test; None: no test."""
    if not plan.national_tests:
        return None
    e, n = block[0].shape[0], len(plan.abbrs)
    nat = np.zeros((e, n), dtype=np.int64)
    for cols, b in zip(columns, block, strict=True):
        nat[:, cols] += b
    sums = {k: t.sum(axis=1) for k, t in totals.items()}
    list_votes = nat.sum(axis=1)
    ok = np.ones((e, n), dtype=bool)
    for base, num, den, inclusive, applies in plan.national_tests:
        rhs = num * base_figure(base, list_votes, sums, _missing)[:, None]
        fails = (nat * den < rhs) if inclusive else (nat * den <= rhs)
        if applies is not None:
            fails &= np.array(applies, dtype=bool)[None, :]
        ok &= ~fails
    return ok


def _needs_list_votes(tests: Sequence[Any], totals: Mapping[str, Any]) -> bool:
    """Whether a base of these tests is made of the lists' votes (else the totals give it)."""
    for base, *_ in tests:
        if base in (m.Base.LIST_VOTES, m.Base.VOTES_AND_AGAINST_ALL):
            return True
        if (base is m.Base.BALLOTS_CAST and "ballots_cast" in totals) or base is m.Base.REGISTERED_VOTERS:
            continue
        if "valid" not in totals:
            return True
    return False


def _admitted(plan: DistrictPlan, cols: list[int], w: Array, totals: dict[str, Array], d: int,
              nationally: Mask | None) -> Mask:
    """Per election and list of district ``d``, whether it takes part in the allocation there."""
    ok = w > 0
    if plan.unit_tests:
        here = {k: t[:, d] for k, t in totals.items()}
        list_votes = w.sum(axis=1) if _needs_list_votes(plan.unit_tests, here) else np.zeros(1, dtype=np.int64)
        for base, num, den, inclusive, applies in plan.unit_tests:
            rhs = num * base_figure(base, list_votes, here, _missing)[:, None]
            fails = (w * den < rhs) if inclusive else (w * den <= rhs)
            if applies is not None:
                fails &= np.array([applies[i] for i in cols], dtype=bool)[None, :]
            ok &= ~fails
    if nationally is not None:
        ok &= nationally[:, cols]
    if plan.exempt is not None:
        ok |= (w > 0) & np.array([plan.exempt[i] for i in cols], dtype=bool)[None, :]
    return ok  # type: ignore[no-any-return]


def _chunk(plan: DistrictPlan, columns: list[list[int]], block: list[Array], totals: dict[str, Array]
           ) -> tuple[list[Array], Mask]:
    """Every district of one chunk of elections: seats per district and the elections to redo.

    The lists admitted in some election of the chunk are packed, district by district, into one
    array of (elections x districts) rows and as many columns as the most any district admits,
    in registration order; divisor methods then run on all rows at once (``_divisor_rows``).
    Largest remainder goes district by district (``hemicycle.batch``)."""
    e = block[0].shape[0]
    fallback = np.zeros(e, dtype=bool)
    nationally = _national(plan, columns, block, totals)
    out = [np.zeros(w.shape, dtype=np.int64) for w in block]
    packed: list[tuple[int, Array, Array]] = []  # district, its admitted columns, their weights
    for d, (cols, w, h) in enumerate(zip(columns, block, plan.magnitudes, strict=True)):
        if h <= 0:
            continue
        ok = _admitted(plan, cols, w, totals, d, nationally)
        none = ~ok.any(axis=1)
        fallback |= none  # no list can take the seats: the interpreter says what happens
        live = np.nonzero(ok.any(axis=0))[0]  # the lists admitted in some election of the chunk
        if live.size == 0:
            continue
        weights = np.where(ok[:, live], w[:, live], 0)
        if isinstance(plan.method, m.LargestRemainder):
            cols_w = list(weights.T)
            total = weights.sum(axis=1)
            got, fb = _lr(plan.method, h, cols_w, None, list(ok[:, live].T), total, total > 0, plan.by_order)
            fallback |= fb
            out[d][:, live] = np.stack(got, axis=1)
        else:
            packed.append((d, live, weights))
    if packed:
        k = max(live.size for _, live, _ in packed)
        grid = np.zeros((e, len(packed), k), dtype=np.int64)
        for g, (_, live, weights) in enumerate(packed):
            grid[:, g, :live.size] = weights
        seats = np.array([plan.magnitudes[d] for d, _, _ in packed], dtype=np.int64)
        got, fb = _divisor_rows(plan, grid.reshape(e * len(packed), k), np.tile(seats, e))
        fallback |= fb.reshape(e, len(packed)).any(axis=1)
        got3 = got.reshape(e, len(packed), k)
        for g, (d, live, _) in enumerate(packed):
            out[d][:, live] = got3[:, g, :live.size]
    return out, fallback


def _divisors(lin: LinearDivisors, s: Array) -> Array:
    """The divisor for each list's next seat, times the sequence's common denominator."""
    tail = lin.alpha * s + lin.beta
    if not lin.head:
        return tail  # type: ignore[no-any-return]
    head = np.array(lin.head, dtype=np.int64)
    return np.where(s < len(lin.head), head[np.minimum(s, len(lin.head) - 1)], tail)  # type: ignore[no-any-return]


def _divisor_rows(plan: DistrictPlan, w: Array, h: Array) -> tuple[Array, Mask]:
    """Highest averages on each row of ``w`` (weights, 0 outside the distribution) for ``h[row]``
    seats: seats per cell, and the rows to redo exactly.

    Priorities are compared as integers: with ``Z`` at least the square of every divisor used,
    ``w * Z // d`` orders the quotients ``w / d`` exactly (two different quotients differ by at
    least ``1 / (d1 d2)``, so their keys by at least 1; equal ones have equal keys). D'Hondt starts
    from ``floor(h * w / W)`` (each list has at least that in the end: lower quota); others from
    none. Each round gives a seat to the highest key of every row still short; lists tied at the
    top all get one when the seats left allow, else the earliest column (registration order, when
    the chain starts with it) or the exact path."""
    lin = plan.linear
    assert lin is not None
    ok = w > 0
    total = w.sum(axis=1)
    fallback = (total == 0) & (h > 0)
    if not plan.positive:
        return np.zeros(w.shape, dtype=np.int64), np.ones(h.shape, dtype=bool)  # a zero divisor: exact path
    top = int(_divisors(lin, np.array([int(h.max(initial=0))]))[0])
    z = max(top, max(lin.head, default=1)) ** 2
    if int(w.max(initial=0)) * max(z, 2 * int(h.max(initial=0)) + w.shape[1]) >= LIMIT:
        return np.zeros(w.shape, dtype=np.int64), np.ones(h.shape, dtype=bool)  # too large: the exact path
    if not lin.head and lin.alpha == lin.beta:
        # D'Hondt: every quotient at or above W / (h + n/2) (a list's floor(w (2h + n) / 2W)) is
        # the allocation of as many seats as that gives; seats are then added or taken back
        n = ok.sum(axis=1)
        seats = (w * (2 * h + n)[:, None]) // np.maximum(2 * total, 1)[:, None]
    else:
        seats = np.zeros(w.shape, dtype=np.int64)
    left = np.where(total > 0, h - seats.sum(axis=1), 0)
    _take_back(lin, w, z, seats, left, fallback)
    _add(plan, lin, w, z, seats, left, fallback)
    return seats, fallback


def _take_back(lin: LinearDivisors, w: Array, z: int, seats: Array, left: Array, fallback: Mask) -> None:
    """Rows with more seats than ``h`` (``left`` < 0): the seats of the lowest last quotients
    ``w / d(s - 1)`` go back one round at a time; a tie there goes to the exact path."""
    while True:
        act = np.nonzero((left < 0) & ~fallback)[0]
        if act.size == 0:
            return
        got = seats[act]
        held = got > 0
        key = np.where(held, (w[act] * z) // _divisors(lin, np.maximum(got - 1, 0)), LIMIT)
        low = key == key.min(axis=1)[:, None]
        count = low.sum(axis=1)
        tie = count > -left[act]
        fallback[act[tie]] = True
        take = low & ~tie[:, None]
        seats[act] = got - take
        left[act] += take.sum(axis=1)


def _add(plan: DistrictPlan, lin: LinearDivisors, w: Array, z: int, seats: Array, left: Array,
         fallback: Mask) -> None:
    """Rows with seats left: the highest next quotients ``w / d(s)`` get them, a round at a time."""
    ok = w > 0
    key: Array | None = None
    while True:
        act = np.nonzero((left > 0) & ~fallback)[0]
        if act.size == 0:
            return
        got = seats[act]
        sub = np.where(ok[act], (w[act] * z) // _divisors(lin, got), -1) if key is None else key[act]
        tied = sub == sub.max(axis=1)[:, None]
        count = tied.sum(axis=1)
        room = left[act]
        if plan.by_order:
            give = tied & (np.cumsum(tied, axis=1) <= room[:, None])
        else:
            give = tied & (count <= room)[:, None]
            fallback[act[count > room]] = True
        got = got + give
        seats[act] = got
        left[act] = room - give.sum(axis=1)
        del key
        key = None


def _exact(plan: DistrictPlan | None, chamber: m.Chamber, election: Election, columns: list[list[int]],
           arrays: list[Any], given: dict[str, Any], out: list[Array], rows: Any) -> None:
    """These elections one by one: the compiled steps on their figures, and the interpreter for
    what they cannot decide (or for rules the plan does not cover)."""
    if rows.size == 0:
        return
    n = len(election.lists)
    shape = plan if plan is not None else _plain_plan(chamber, election)
    abbrs = election.abbrs
    for r in rows.tolist():
        votes = [[int(x) for x in a[r].tolist()] for a in arrays]
        tots = [{k: int(t[r, d]) for k, t in given.items()} for d in range(len(columns))]
        nat = {k: sum(x[k] for x in tots) for k in given}
        if plan is not None:
            try:
                for d, got in enumerate(_row_seats(plan, columns, votes, tots, nat)):
                    out[d][r] = got
                continue
            except _Fallback:
                pass
        full = []
        for cols, vv in zip(columns, votes, strict=True):
            row = [0] * n
            for i, v in zip(cols, vv, strict=True):
                row[i] = v
            full.append(row)
        seats = interpreted(shape, election_of(shape, full, tots, nat))
        for d, (cols, name) in enumerate(zip(columns, shape.units, strict=True)):
            won = seats.get(name, {})
            out[d][r] = [won.get(abbrs[i], 0) for i in cols]


def _row_seats(plan: DistrictPlan, columns: list[list[int]], votes: list[list[int]], totals: list[dict[str, int]],
               national_totals: dict[str, int]) -> list[list[int]]:
    """One election by the compiled steps (``unit_seats``), on its figures; _Fallback for what
    they cannot decide."""
    nationally = None
    if plan.national_tests:
        national = [0] * len(plan.abbrs)
        for cols, vv in zip(columns, votes, strict=True):
            for i, v in zip(cols, vv, strict=True):
                national[i] += v
        nationally = passes(plan.national_tests, national, national_totals)
    out = []
    for cols, vv, tot, h in zip(columns, votes, totals, plan.magnitudes, strict=True):
        got = unit_seats(plan, vv, cols, tot, h, nationally)
        out.append([got.get(k, 0) for k in range(len(cols))])
    return out


def _plain_plan(chamber: m.Chamber, election: Election) -> DistrictPlan:
    """A plan only for building elections and reading the interpreter's seats (rules not covered)."""
    level = chamber.levels[0]
    tier = next((t for t in chamber.tiers if t.level == level.name), chamber.tiers[0])
    units = election.units_of(level.name)
    return DistrictPlan(chamber=chamber, tier=tier, template=election, units=tuple(u.name for u in units),
                        magnitudes=tuple(u.seats or 0 for u in units), unit_tests=(), national_tests=(), chain=(),
                        by_order=False, level=level, linear=None, exempt=None)


def national_seats(election: Election, seats: Sequence[Array], level: str = "district") -> Array:
    """The seats of each list nationally (elections x the election's lists): the sums over the
    districts of ``allocate_districts_batch``'s result."""
    columns = district_columns(election, level)
    e = seats[0].shape[0] if seats else 0
    out = np.zeros((e, len(election.lists)), dtype=np.int64)
    for cols, s in zip(columns, seats, strict=True):
        out[:, cols] += s
    return out

