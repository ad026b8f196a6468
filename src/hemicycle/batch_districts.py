"""The batch path for districted rules: many whole districted elections at once, exactly.

``allocate_districts_batch(rules, election, votes, **totals)``: ``votes[d]`` an array (elections x
lists standing in district ``d``), its columns the lists of that district in ``election`` (the
order of ``district_columns``); each total (``valid``, ``blank``, ``invalid`` ...) one figure per
district or an array (elections x districts). The national figures of each election are the sums
of its districts'. Returns the seats in the same shapes, one array per district.

The rules and the election's shape are planned once by the compiled path (``hemicycle.districted``:
what is covered, the magnitudes by the interpreter's step). Elections go in chunks; in a chunk each
district is one set of array operations over all its elections: the admitted lists (a column whose
bounds pass or fail every test is decided at once, the others election by election), then the
method. Divisor methods are decided by a witness (``_divisor_unit``): an integer ``L`` at which
exactly ``h`` of the scaled quotients ``F w / d(i)`` are at least ``L``, so that those are the
``h`` highest and none ties the cut; counts are proposed in floating point and every one is
confirmed in integers (32-bit where every product fits, else 64-bit), so no float decides a seat.
Largest remainder goes by ``divmod`` (``hemicycle.batch``). An election and district the arrays do
not decide (a tie, quotients too close at the cut, figures too large, no list to take the
seats) goes alone through the compiled steps, a lot drawn by the interpreter's tie breaker from
one draw per election continued from district to district as the interpreter does; an election
they cannot decide goes whole to the interpreter. Rules the plan does not cover go to the
interpreter, election by election.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.batch import _limit, _lr
from hemicycle.compiled import _Fallback
from hemicycle.districted import DistrictPlan, election_of, interpreted, passes, plan_districts, unit_seats
from hemicycle.election import TOTALS, Election
from hemicycle.highest_averages import LinearDivisors
from hemicycle.validate import figure_array

# Elections per chunk: the arrays of a chunk (elections x districts x lists) stay in the cache.
_CHUNK = 16_384

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
        if a.size and (a < 0).any():
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
        whole: list[int] = list(range(start, stop))
        if plan is not None and machine:
            block = [a[start:stop].astype(np.int64, copy=False) for a in arrays]
            tot = {k: a[start:stop].astype(np.int64, copy=False) for k, a in given.items()}
            safe = _safe(block, tot, limit)
            rows = np.nonzero(safe)[0]
            if rows.size:
                try:
                    if rows.size < stop - start:
                        block = [b[rows] for b in block]
                        tot = {k: t[rows] for k, t in tot.items()}
                        seats = [np.zeros(b.shape, dtype=np.int64) for b in block]
                        redo = _chunk(plan, columns, block, tot, seats)
                        for d in range(len(out)):
                            out[d][start + rows] = seats[d]
                    else:
                        redo = _chunk(plan, columns, block, tot, [o[start:stop] for o in out])
                    whole = (start + np.nonzero(~safe)[0]).tolist()
                    at, units = np.nonzero(redo)
                    _redo(plan, columns, arrays, given, out, start + rows[at], units, whole)
                except _Declined:
                    pass
        _exact(plan, chamber, election, columns, arrays, given, out, np.asarray(sorted(whole), dtype=np.int64))
    return out


def _safe_limit(plan: DistrictPlan) -> int:
    """Below this, no product the vectorised steps form for the largest district can reach 2**62."""
    tier = dataclasses.replace(plan.tier, seats=max(plan.magnitudes, default=0), level=None)
    return _limit(tier, plan.linear)


def _safe(block: list[Array], totals: dict[str, Array], limit: int) -> Mask:
    """The elections whose national figures (sums over districts and lists) stay below ``limit``."""
    e = block[0].shape[0]
    width = sum(b.shape[1] for b in block) + sum(t.shape[1] for t in totals.values())
    small = (limit - 1) // max(width, 1)  # every figure at most this: every sum below limit
    if not any((a > small).any() for a in [*block, *totals.values()] if a.size):
        return np.ones(e, dtype=bool)
    biggest = max([int(b.max()) for b in block if b.size] + [int(t.max()) for t in totals.values() if t.size] + [0])
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


def _weights(plan: DistrictPlan, cols: list[int], w: Array, totals: dict[str, Array], d: int,
             nationally: Mask | None) -> tuple[Array, Array]:
    """District ``d``'s admitted lists: the places (among ``cols``) of those admitted in some
    election of the chunk, and their weights, one row per list (0 where not admitted).

    A list is admitted where it has votes and passes every test that applies to it. A column
    whose figures pass a test in every election of the chunk (each at least ``ceil(r / den)`` for
    the largest right-hand side ``r``) or fail it in every one (each below it for the smallest)
    is decided at once; only the others are compared election by election."""
    wt = w.T.copy()  # one row per list (a copy: changed below): every step runs along contiguous rows
    # bounds by comparisons (64-bit minima and maxima have no vector instruction here)
    votes = wt > 0
    never = ~votes.any(axis=1)
    always = votes.all(axis=1)
    has_votes = always.copy()
    tests = []
    if plan.unit_tests:
        here = {k: t[:, d] for k, t in totals.items()}
        list_votes = w.sum(axis=1) if _needs_list_votes(plan.unit_tests, here) else np.zeros(1, dtype=np.int64)
        for base, num, den, inclusive, applies in plan.unit_tests:
            rhs = np.broadcast_to(num * base_figure(base, list_votes, here, _missing), (w.shape[0],))
            r_lo, r_hi = int(rhs.min()), int(rhs.max())
            # v * den >= r  iff  v >= ceil(r / den);  v * den > r  iff  v > floor(r / den)
            if inclusive:
                fail_all = (wt < -(-r_lo // den)).all(axis=1)
                pass_all = (wt >= -(-r_hi // den)).all(axis=1)
            else:
                fail_all = (wt <= r_lo // den).all(axis=1)
                pass_all = (wt > r_hi // den).all(axis=1)
            if applies is not None:
                mine = np.array([applies[i] for i in cols], dtype=bool)
                fail_all &= mine
                pass_all |= ~mine
            never |= fail_all
            always &= pass_all
            tests.append((rhs, den, inclusive, applies))
    if nationally is not None:
        nat = nationally[:, cols]
        never |= ~nat.any(axis=0)
        always &= nat.all(axis=0)
    if plan.exempt is not None:
        ex = np.array([plan.exempt[i] for i in cols], dtype=bool)
        never = np.where(ex, ~votes.any(axis=1), never)
        always = np.where(ex, has_votes, always)
    live = np.nonzero(~never)[0]
    out = wt[live] if live.size < wt.shape[0] else wt
    for row, j in enumerate(live.tolist()):
        if always[j]:
            continue
        col = out[row]
        ok = col > 0
        if plan.exempt is None or not plan.exempt[cols[j]]:
            for rhs, den, inclusive, applies in tests:
                if applies is None or applies[cols[j]]:
                    ok &= (col * den >= rhs) if inclusive else (col * den > rhs)
            if nationally is not None:
                ok &= nationally[:, cols[j]]
        col *= ok
    return live, out


def _chunk(plan: DistrictPlan, columns: list[list[int]], block: list[Array], totals: dict[str, Array],
           out: list[Array]) -> Mask:
    """Every district of one chunk of elections: the seats per district into ``out`` (zeros),
    and per election and district whether the exact path must decide it (``_redo``)."""
    e = block[0].shape[0]
    redo = np.zeros((e, len(columns)), dtype=bool)
    nationally = _national(plan, columns, block, totals)
    for d, (cols, w, h) in enumerate(zip(columns, block, plan.magnitudes, strict=True)):
        if h <= 0:
            continue
        live, weights = _weights(plan, cols, w, totals, d, nationally)
        if live.size == 0:
            redo[:, d] = True  # no list can take the seats: the interpreter says what happens
            continue
        if isinstance(plan.method, m.LargestRemainder):
            total = weights.sum(axis=0)
            admitted = list(weights > 0)
            got, fb = _lr(plan.method, h, list(weights), None, admitted, total, total > 0, plan.by_order)
            seats = np.stack(got)
            fb |= total == 0
        else:
            seats, fb = _divisor_unit(plan, h, weights)
        if live.size == seats.shape[0] == out[d].shape[1]:
            out[d][...] = seats.T
        else:
            out[d][:, live] = seats.T
        redo[:, d] = fb
    return redo


# --- divisor methods in one district, for every election of a chunk at once --------------------------
#
# A witness decides each election: an integer L such that, with the weights scaled by F, exactly
# h of the quotients F w / d(i) are at least L. Those are then the h highest quotients, every
# other is below them (no tie at the cut), and the seats are their counts per list: the
# seat-by-seat process gives exactly these (the divisors do not decrease, so each list's quotients
# do not increase and its seats are the quotients above the cut). L/F is the divisor of the
# method ("votes per seat").
#
# L is first guessed from the totals; each list's count at L is proposed in floating point and
# confirmed exactly, in integers, by L d(S - 1) <= F w < L d(S) (32-bit integers when every
# product fits, else 64-bit). Elections whose counts do not sum to h, or whose proposal is not
# confirmed, are counted again exactly (integer division) and L moved to the next quotient,
# until the counts sum to h. An election where no integer L gives h (quotients within 1/F of
# each other at the cut: a tie, or nearly), or whose figures are too large, goes to the exact
# path (``_redo``) for that district alone.

_I32 = 2**31 - 1
_I64 = 2**62
_SCALE = 1024  # the largest F: the witness separates quotients 1/1024 of a vote apart


def _table(lin: LinearDivisors, h: int) -> list[int] | None:
    """The divisors d(0) ... d(h + 1) in integers (and the head's), when all are positive and none
    is below the one before (else None: the exact path)."""
    tab = [lin.head[i] if i < len(lin.head) else lin.alpha * i + lin.beta for i in range(max(h, len(lin.head)) + 2)]
    if tab[0] <= 0 or any(b < a for a, b in itertools.pairwise(tab)):
        return None
    return tab


def _divisor_unit(plan: DistrictPlan, h: int, weights: Array) -> tuple[Array, Mask]:
    """Highest averages in one district: ``weights`` (lists x elections, 0 where not admitted);
    the seats in the same shape, and the elections the exact path must decide."""
    k, e = weights.shape
    lin = plan.linear
    tab = _table(lin, h) if lin is not None else None
    if tab is None:
        return np.zeros((k, e), dtype=np.int64), np.ones(e, dtype=bool)
    assert lin is not None
    total = weights.sum(axis=0)
    n = np.count_nonzero(weights, axis=0)
    empty = total == 0
    alpha, beta, top = lin.alpha, lin.beta, tab[h]
    # the guess: the linear tail's divisor with h seats and half a seat lost per list
    den = np.maximum(2 * alpha * h + n * (2 * beta - alpha), alpha * h)
    t_max = int(total.max())
    # every product of the moved witnesses (64-bit) is below F * T * (the largest divisor + alpha + |beta| + 2)
    scale = min(_SCALE, _I64 // max(t_max * (max(tab) + alpha + abs(beta) + 2), 1))
    if scale < 1:
        return np.zeros((k, e), dtype=np.int64), np.ones(e, dtype=bool)  # too large: the exact path
    # the guessed witness times d(h + 1), over F, is below T (2 d(h + 1) / (alpha h) + 1): 32 bits when that fits
    narrow = min(scale, _I32 // max(t_max * (2 * (top + alpha) // max(alpha * h, 1) + 2), 1))
    if narrow >= 1 and not lin.head:
        scale = narrow
        x: Array = weights.astype(np.int32)
        if scale != 1:
            x *= np.int32(scale)
        wit = np.maximum(2 * scale * total // den, 1)
        seats, ok = _propose(lin, h, x, wit, np.int32, np.float32)
        counts = seats.sum(axis=0)  # at most k (h + 1): no overflow
        good = ok & (counts == h)
    else:
        x = weights * scale
        wit = np.maximum(2 * scale * total // den, 1)
        seats, ok = (_propose(lin, h, x, wit, np.int64, np.float64) if not lin.head
                     else (np.zeros((k, e), dtype=np.int64), np.zeros(e, dtype=bool)))
        counts = seats.sum(axis=0)
        good = ok & (counts == h)
    fallback = empty.copy()
    rows = np.nonzero(~good & ~empty)[0]
    if rows.size:
        got, lost = _move(lin, h, x[:, rows], seats[:, rows], counts[rows], ok[rows], wit[rows],
                          _I32 if x.dtype == np.int32 else _I64, x.dtype.type)
        seats = seats.astype(np.int64, copy=False)
        seats[:, rows] = got
        fallback[rows[lost]] = True
    return seats.astype(np.int64, copy=False), fallback


def _propose(lin: LinearDivisors, h: int, x: Array, wit: Array, dtype: Any, ftype: Any) -> tuple[Array, Mask]:
    """Each list's count of quotients ``x / d(i)`` at least the witness, proposed in floating point
    and confirmed in integers of ``dtype``: ``L d(S - 1) <= x < L d(S)`` (the caller has checked
    that every product of an election whose counts sum to h fits: each count is clipped to
    ``[0, h + 1]``). Returns the counts and, per election, whether all are confirmed."""
    alpha, beta = lin.alpha, lin.beta
    guess = x.astype(ftype)
    if ftype is np.float64:
        guess /= alpha * wit  # correctly rounded: a quotient exactly at the witness gives its whole count
    else:
        guess *= (1.0 / (alpha * wit)).astype(ftype)
    if alpha != beta:
        guess += ftype((alpha - beta) / alpha)
    counts = guess.astype(dtype)
    # at most h + 1 (more cannot sum to h), at least 0 (the truncation of a value at or below -1)
    np.clip(counts, 0, h + 1, out=counts)
    lw = wit.astype(dtype)
    upper = counts * dtype(alpha) if alpha != 1 else counts.copy()
    if beta:
        upper += dtype(beta)
    upper *= lw  # L d(S)
    ok = x < upper
    upper -= lw * dtype(alpha)  # L d(S - 1); for S = 0 at most 0 unless beta > alpha
    if beta > alpha:
        upper *= counts > 0
    ok &= upper <= x
    return counts, ok.all(axis=0)


def _divisors(lin: LinearDivisors, s: Array) -> Array:
    """The integer divisor ``d(s)`` for each count ``s`` (at least 0)."""
    tail = lin.alpha * s + lin.beta
    if not lin.head:
        return tail  # type: ignore[no-any-return]
    head = np.array(lin.head, dtype=np.int64)
    return np.where(s < len(lin.head), head[np.minimum(s, len(lin.head) - 1)], tail)  # type: ignore[no-any-return]


def _counts(lin: LinearDivisors, x: Array, wit: Array) -> Array:
    """Exactly, in integers, for each list, how many of its quotients ``x / d(i)`` are at least the
    witness (the divisors positive and not decreasing: the head's that are, then the tail's)."""
    k = len(lin.head)
    out = np.maximum((x - lin.beta * wit) // (lin.alpha * wit) + 1 - k, 0)
    for v in lin.head:
        out += wit * v <= x
    return out  # type: ignore[no-any-return]


def _move(lin: LinearDivisors, h: int, x: Array, seats: Array, counts: Array, ok: Mask, wit: Array,
          limit: int, dtype: Any) -> tuple[Array, Mask]:
    """The elections the guessed witness left open: where the counts are not confirmed they are
    counted exactly (64-bit integer division); where they sum to fewer than h, the witness moves
    down to the highest quotient below it, where to more, up past the lowest one at or above it,
    and the counts are proposed (the witness sits at a quotient: in double precision) and
    confirmed again (in ``dtype`` while the witness times d(h) stays below ``limit``), until
    they sum to h. Returns the counts and the elections that overshoot h (quotients within 1/F
    of each other at the cut: a tie, or nearly) for the exact path."""
    k, e = x.shape
    out = np.zeros((k, e), dtype=np.int64)
    lost = np.zeros(e, dtype=bool)
    rows = np.arange(e)
    direction = np.zeros(e, dtype=np.int64)
    s, c = seats, counts
    top = lin.head[h] if h < len(lin.head) else lin.alpha * h + lin.beta
    xf = x.astype(np.float64)
    for _ in range(h + k + 2):  # each round moves every open election one quotient or more
        if not ok.all():
            redo = np.nonzero(~ok)[0]
            s = s.astype(np.int64)
            s[:, redo] = _counts(lin, x[:, redo].astype(np.int64), wit[redo])
            c = s.sum(axis=0)
        step = np.sign(h - c)
        over = (direction != 0) & (step != 0) & (step != direction)
        done = step == 0
        if rows.size == e:
            if done.any():
                np.copyto(out, s, where=done)  # the first round: every election still open
        else:
            out[:, rows[done]] = s[:, done]
        lost[rows[over]] = True
        keep = np.nonzero(~done & ~over)[0]
        if not keep.size:
            return out, lost
        if keep.size < rows.size:
            rows, x, xf, s, step = rows[keep], x[:, keep], xf[:, keep], s[:, keep], step[keep]
        direction = step
        # down (too few seats): the highest next quotient x / d(S), its floor the new witness;
        # up (too many): the lowest last quotient x / d(S - 1), just past it
        up = direction < 0
        at = s - up if up.any() else s
        q = xf / _divisors(lin, np.maximum(at, 0))
        if up.any():
            np.putmask(q, at < 0, np.inf)
            wit = np.where(up, np.floor(q.min(axis=0)) + 1, np.floor(q.max(axis=0)))
        else:
            wit = np.floor(q.max(axis=0))
        wit = np.maximum(wit, 1).astype(np.int64)
        if lin.head:
            ok = np.zeros(rows.size, dtype=bool)
            continue
        s, ok = _propose(lin, h, x, wit, dtype, np.float64)  # the witness is at a quotient: 53 bits
        ok &= wit * (top + lin.alpha) < limit
        c = s.sum(axis=0)
    lost[rows] = True
    return out, lost


def _redo(plan: DistrictPlan, columns: list[list[int]], arrays: list[Any], given: dict[str, Any],
          out: list[Array], rows: Any, units: Any, whole: list[int]) -> None:
    """Single districts of single elections by the compiled steps on their figures (``unit_seats``;
    a lot drawn as the interpreter draws it, from one draw per election going on from district to
    district in order). An election they cannot decide is added to ``whole``."""
    from hemicycle.interpreter.ties import TieBreaker, TieError

    order = np.lexsort((units, rows))
    rows, units = rows[order], units[order]
    start = 0
    n_rows = rows.size
    while start < n_rows:
        r = int(rows[start])
        stop = start
        while stop < n_rows and rows[stop] == r:
            stop += 1
        ds = units[start:stop].tolist()
        start = stop
        tots = [{k: int(t[r, d]) for k, t in given.items()} for d in range(len(columns))]
        votes = {d: [int(x) for x in arrays[d][r].tolist()] for d in ds}
        nationally = None
        if plan.national_tests:
            national = [0] * len(plan.abbrs)
            for cols, a in zip(columns, arrays, strict=True):
                for i, v in zip(cols, a[r].tolist(), strict=True):
                    national[i] += int(v)
            try:
                nationally = passes(plan.national_tests, national, {k: sum(x[k] for x in tots) for k in given})
            except _Fallback:
                whole.append(r)
                continue
        tb = TieBreaker(plan.tier, (), [], ())
        try:
            got = {}
            for d in ds:
                cols = columns[d]
                entries = [plan.template.lists[i] for i in cols]
                tb.rebind(entries, votes[d], plan.units[d])
                won = unit_seats(plan, votes[d], cols, tots[d], plan.magnitudes[d], nationally,
                                 lot=lambda tied, places, _tb=tb: _tb.favour(tied, places, "the cut", "a tie"))
                got[d] = [won.get(k, 0) for k in range(len(cols))]
        except (_Fallback, TieError):
            whole.append(r)
            continue
        for d, seats in got.items():
            out[d][r] = seats


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
        votes, tots, nat = row_figures(arrays, given, r)
        if plan is not None:
            try:
                for d, got in enumerate(_row_seats(plan, columns, votes, tots, nat)):
                    out[d][r] = got
                continue
            except _Fallback:
                pass
        seats = interpreted(shape, election_of(shape, spread(columns, votes, n), tots, nat))
        for d, (cols, name) in enumerate(zip(columns, shape.units, strict=True)):
            won = seats.get(name, {})
            out[d][r] = [won.get(abbrs[i], 0) for i in cols]


def row_figures(arrays: Sequence[np.ndarray], given: Mapping[str, np.ndarray], r: int
                ) -> tuple[list[list[int]], list[dict[str, int]], dict[str, int]]:
    """Election ``r`` of a batch as Python integers: each district's votes (its columns), each
    district's totals, and the national totals (their sums)."""
    votes = [[int(x) for x in a[r].tolist()] for a in arrays]
    tots = [{k: int(t[r, d]) for k, t in given.items()} for d in range(len(arrays))]
    return votes, tots, {k: sum(x[k] for x in tots) for k in given}


def spread(columns: Sequence[Sequence[int]], votes: Sequence[Sequence[int]], n: int) -> list[list[int]]:
    """Each district's votes on its columns (``district_columns``) spread over all ``n`` lists (0 elsewhere)."""
    full = []
    for cols, vv in zip(columns, votes, strict=True):
        row = [0] * n
        for i, v in zip(cols, vv, strict=True):
            row[i] = v
        full.append(row)
    return full


def row_election(plan: DistrictPlan, columns: Sequence[Sequence[int]], arrays: Sequence[np.ndarray],
                 given: Mapping[str, np.ndarray], r: int, n: int) -> Election:
    """Election ``r`` of a batch (the arrays and totals given to ``allocate_districts_batch``) as
    one election, for the interpreter."""
    votes, tots, nat = row_figures(arrays, given, r)
    return election_of(plan, spread(columns, votes, n), tots, nat)


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

