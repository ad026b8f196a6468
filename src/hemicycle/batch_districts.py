"""The batch path for districted rules: many whole districted elections at once, exactly.

``allocate_districts_batch(rules, election, votes, **totals)``: ``votes[d]`` an array (elections x
lists standing in district ``d``), its columns the lists of that district in ``election`` (the
order of ``district_columns``); each total (``valid``, ``blank``, ``invalid`` ...) one figure per
district or an array (elections x districts). The national figures of each election are the sums
of its districts'. Returns the seats in the same shapes, one array per district.

The rules and the election's shape are planned once by the compiled path (``hemicycle.districted``:
what is covered, the magnitudes by the interpreter's step). Elections go in chunks; in a chunk each
district's admitted lists are found by one comparison per test over the district's block (where
every test applies to every list: ``v >= lowest``, the fewest votes that pass, in integers, for
every district of the chunk at once); then each district's admitted lists become one block (lists
x elections, contiguous) for a divisor kernel: ``hemicycle.batch_cut`` for D'Hondt, Sainte-Lague
and Danish (counts at one level per election in floats, a seat more where one is missing, and an
integer certificate that the level has every won quotient at least it and every other below it),
``hemicycle.batch_divisors`` for other divisors on a line (a guess, rounds of one seat and an
integer certificate); 32-bit integers where every product fits, else 64-bit, so that no float
decides a seat. The seats are laid out list by list (each district's result is the transpose of
a lists x elections array), so that a block's rows are written as they are.
Largest remainder goes by ``divmod`` (``hemicycle.batch``). An election and district the arrays do
not decide (a tie, quotients too close at the cut, figures too large, no list to take the
seats) goes alone through the compiled steps, a lot drawn by the interpreter's tie breaker from
one draw per election continued from district to district as the interpreter does; an election
they cannot decide goes whole to the interpreter. Rules the plan does not cover go to the
interpreter, election by election.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import mmap
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.batch import _limit, _lr
from hemicycle.batch_cut import Pending, Scratch, covers, cut_block, cut_dtype, settle
from hemicycle.batch_divisors import block_dtype, divisor_block
from hemicycle.compiled import _Fallback
from hemicycle.districted import DistrictPlan, election_of, interpreted, passes, plan_districts, unit_seats
from hemicycle.election import TOTALS, Election
from hemicycle.validate import figure_array

# Elections per chunk: the arrays of a chunk (elections x districts x lists) stay in the cache.
_CHUNK = 16384

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


def _checked(votes: Sequence[Any], columns: list[list[int]], totals: Mapping[str, Any]
             ) -> tuple[list[Any], int, dict[str, Any], bool]:
    """The figures as arrays, their shapes and totals checked, and the votes given as Python objects
    checked for negative figures (arrays of machine integers are checked in the pass that reads
    their largest figures: ``_scanned``, or ``_chunk``); and whether a total is 2**63 or more (an
    unsigned array's: its elections go exactly)."""
    if len(votes) != len(columns):
        raise ValueError(f"votes must give {len(columns)} districts, not {len(votes)}")
    arrays = []
    e = None
    for d, (v, cols) in enumerate(zip(votes, columns, strict=True)):
        a = figure_array(v, f"votes of district {d}")
        if a.ndim != 2 or a.shape[1] != len(cols) or (e is not None and a.shape[0] != e):
            raise ValueError(f"votes of district {d} must have shape (elections, {len(cols)})")
        e = a.shape[0]
        if a.dtype.kind not in "iu" and a.size and a.min() < 0:
            raise ValueError(f"votes of district {d} must not be negative")
        arrays.append(a)
    e = e or 0
    given: dict[str, Any] = {}
    huge = False
    for key, x in totals.items():
        if key not in TOTALS:
            raise ValueError(f"unknown total {key!r}; known: {', '.join(TOTALS)}")
        a = figure_array(x, key)
        if a.ndim == 1 and a.shape[0] == len(columns):
            a = np.broadcast_to(a, (e, len(columns)))
        if a.shape != (e, len(columns)):
            raise ValueError(f"{key} must be one figure per district or an array (elections, districts)")
        if a.size and _distinct(a).min() < 0:
            raise ValueError(f"{key} must not be negative")
        huge |= a.dtype.kind == "u" and a.size > 0 and int(_distinct(a).max()) >= _HUGE
        given[key] = a
    return arrays, e, given, huge


def _distinct(a: np.ndarray) -> np.ndarray:
    """The figures of ``a`` without its repeats along broadcast axes (stride 0)."""
    return a[tuple(slice(0, 1) if st == 0 else slice(None) for st in a.strides)]


_HUGE = 2**63


def _scanned(arrays: Sequence[np.ndarray], scan: list[Any]) -> tuple[list[Array], bool]:
    """Each district's largest figure per list (int64, at most 2**63 - 1), read once into ``scan``
    (and kept there), and whether some figure is 2**63 or more; a negative figure is refused,
    naming the first district that has one. One pass per array: read as unsigned integers of the
    same size, a negative figure is 2**(bits - 1) or more."""
    if scan:
        return scan[0], scan[1]
    tops, huge = [], False
    for d, a in enumerate(arrays):
        if a.dtype.kind not in "iu":
            tops.append(np.zeros(a.shape[1], dtype=np.int64))  # Python objects: checked by _checked
            continue
        signed = a.dtype.kind == "i"
        top = _column_max(a.view(a.dtype.str.replace("i", "u")) if signed else a)
        most = int(top.max()) if top.size else 0
        if signed and most >= 2 ** (8 * a.dtype.itemsize - 1):
            raise ValueError(f"votes of district {d} must not be negative")
        huge |= most >= _HUGE
        tops.append(np.minimum(top.astype(np.uint64), np.uint64(_HUGE - 1)).astype(np.int64))
    scan[:] = [tops, huge]
    return tops, huge


def _huge_rows(arrays: Sequence[np.ndarray], given: Mapping[str, np.ndarray], start: int, stop: int) -> Mask:
    """The elections of rows ``start:stop`` with a figure of 2**63 or more (unsigned arrays)."""
    over = np.zeros(stop - start, dtype=bool)
    for a in [*arrays, *given.values()]:
        if a.dtype.kind == "u" and a.shape[1]:
            over |= (a[start:stop] >= _HUGE).any(axis=1)
    return over


class _Unsafe(Exception):
    """A figure of the chunk is negative, 2**63 or more, or large enough that a national sum could
    reach the limit: the chunk goes the careful way (``_careful``)."""


def allocate_districts_batch(rules: Any, election: Election, votes: Sequence[Any], **totals: Any) -> list[Array]:
    """Seats per district for each election (see the module docstring)."""
    chamber: m.Chamber = rules.model if hasattr(rules, "model") else rules
    if not chamber.levels or not election.units or not chamber.tiers:
        raise ValueError("allocate_districts_batch is for rules that allocate lists' seats in districts, and "
                         "elections with districts; use allocate_batch for national figures")
    plan = plan_districts(chamber, election)
    level = chamber.levels[0].name
    columns = district_columns(election, level)
    arrays, e, given, huge = _checked(votes, columns, totals)
    # each district's seats laid out list by list (the transpose of a (lists x elections) array),
    # so that the blocks' rows are written as they are, and lists without seats never touched
    out = [_zeros(a.shape[::-1]).T for a in arrays]
    if e == 0:
        return out
    machine = all(a.dtype.kind in "iu" for a in [*arrays, *given.values()])
    scan: list[Any] = []  # each district's largest figures per list, once read (_scanned)
    if plan is None or not machine:
        _scanned(arrays, scan)  # the check for negative figures
    for start in range(0, e, _CHUNK):
        span = (start, min(e, start + _CHUNK))
        whole: list[int] = list(range(*span))
        if plan is not None and machine:
            with contextlib.suppress(_Declined):  # the chunk needs the exact path
                whole = _machine_chunk(plan, columns, arrays, given, out, span, scan, huge)
        _exact(plan, chamber, election, columns, arrays, given, out, np.asarray(sorted(whole), dtype=np.int64))
    return out


def _zeros(shape: tuple[int, ...]) -> Array:
    """A new int64 array of zeros. A large one is a fresh anonymous mapping of its own, given no
    advice: NumPy advises huge pages for its large arrays, and on a machine whose memory is
    fragmented the first write to each huge page can stall on compaction (the result's pages are
    written once, as its seats come in); the system still gives huge pages where it has them free."""
    size = math.prod(shape) * 8
    if size < 1 << 22:
        return np.zeros(shape, dtype=np.int64)
    return np.frombuffer(mmap.mmap(-1, size), dtype=np.int64).reshape(shape)


def _machine_chunk(plan: DistrictPlan, columns: list[list[int]], arrays: list[Any], given: dict[str, Any],
                   out: list[Array], span: tuple[int, int], scan: list[Any], huge: bool) -> list[int]:
    """The elections ``span`` (machine integers) by the arrays: at once where every figure is small
    enough for every sum and product (each district's largest figures read as the district is
    allocated), else the careful way; returns the elections left to the exact path."""
    start, stop = span
    block = [a[start:stop].astype(np.int64, copy=False) for a in arrays]
    tot = {k: a[start:stop].astype(np.int64, copy=False) for k, a in given.items()}
    limit = _safe_limit(plan)
    width = sum(b.shape[1] for b in block) + sum(t.shape[1] for t in tot.values())
    small = (limit - 1) // max(width, 1)  # every figure at most this: every sum below limit
    if not scan and not huge and not any(_distinct(t).max() > small for t in tot.values() if t.size):
        try:
            redo = _chunk(plan, columns, block, tot, [o[start:stop] for o in out], small=small)
            units, at = np.nonzero(redo)
            whole: list[int] = []
            _redo(plan, columns, arrays, given, out, start + at, units, whole)
            return whole
        except _Unsafe:
            for o in out:
                o[start:stop] = 0
    tops, huge_votes = _scanned(arrays, scan)
    safe = _safe(block, tot, limit, tops)
    if huge or huge_votes:
        safe &= ~_huge_rows(arrays, given, start, stop)
    rows = np.nonzero(safe)[0]
    if not rows.size:
        return list(range(start, stop))
    if rows.size < stop - start:
        block = [b[rows] for b in block]
        tot = {k: t[rows] for k, t in tot.items()}
        seats = [np.zeros(b.shape, dtype=np.int64) for b in block]
        redo = _chunk(plan, columns, block, tot, seats)
        for d in range(len(out)):
            out[d][start + rows] = seats[d]
    else:
        redo = _chunk(plan, columns, block, tot, [o[start:stop] for o in out], tops)
    whole = (start + np.nonzero(~safe)[0]).tolist()
    units, at = np.nonzero(redo)
    _redo(plan, columns, arrays, given, out, start + rows[at], units, whole)
    return whole


def _safe_limit(plan: DistrictPlan) -> int:
    """Below this, no product the vectorised steps form for the largest district can reach 2**62."""
    tier = dataclasses.replace(plan.tier, seats=max(plan.magnitudes, default=0), level=None)
    return _limit(tier, plan.linear)


def _safe(block: list[Array], totals: dict[str, Array], limit: int, maxima: list[Array]) -> Mask:
    """The elections whose national figures (sums over districts and lists) stay below ``limit``
    (``maxima`` each district's largest figure per list)."""
    e = block[0].shape[0]
    width = sum(b.shape[1] for b in block) + sum(t.shape[1] for t in totals.values())
    small = (limit - 1) // max(width, 1)  # every figure at most this: every sum below limit
    if not any(a.max() > small for a in [*maxima, *totals.values()] if a.size):
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


def _admitted(plan: DistrictPlan, cols: list[int], w: Array, totals: dict[str, Array], d: int,
              nationally: Mask | None) -> tuple[Array, Array]:
    """District ``d``'s admitted lists: the places (among ``cols``) of those admitted in some
    election of the chunk, and their weights (elections x those lists, 0 where not admitted).

    A list is admitted where it has votes and passes every test that applies to it; each test is
    one integer comparison over the district's whole block (``v den >= num base``, or ``>``)."""
    ok = w > 0
    if plan.unit_tests:
        here = {k: t[:, d] for k, t in totals.items()}
        list_votes = w.sum(axis=1) if _needs_list_votes(plan.unit_tests, here) else np.zeros(1, dtype=np.int64)
        for base, num, den, inclusive, applies in plan.unit_tests:
            rhs = np.broadcast_to(num * base_figure(base, list_votes, here, _missing), (w.shape[0],))[:, None]
            scaled = w * den if den != 1 else w
            passed = (scaled >= rhs) if inclusive else (scaled > rhs)
            if applies is not None:
                passed |= ~np.array([applies[i] for i in cols], dtype=bool)
            ok &= passed
    if nationally is not None:
        ok &= nationally[:, cols]
    if plan.exempt is not None:
        ex = np.array([plan.exempt[i] for i in cols], dtype=bool)
        if ex.any():
            ok = np.where(ex, w > 0, ok)
    live = np.nonzero(ok.any(axis=0))[0]
    if live.size < len(cols):
        return live, w[:, live] * ok[:, live]
    return live, w * ok


def _lowest(plan: DistrictPlan, w: Array, totals: dict[str, Array], d: int) -> Array | None:
    """Where every test applies to every list and nothing is national or exempt: per election of
    the chunk, the fewest votes a list needs in district ``d`` to be admitted (at least 1), so
    that admission is one comparison ``v >= lowest``: ``v den >= r`` iff ``v >= ceil(r / den)``,
    ``v den > r`` iff ``v >= floor(r / den) + 1``. None: the tests are not of that kind."""
    if not _plain_tests(plan):
        return None
    here = {k: t[:, d] for k, t in totals.items()}
    return _fewest(plan, w.sum(axis=1) if _needs_list_votes(plan.unit_tests, here) else np.zeros(1, dtype=np.int64),
                   here, w.shape[0])


def _plain_tests(plan: DistrictPlan) -> bool:
    """Whether every test is a district's, for every list, with no exemption (``_lowest``)."""
    return not (plan.national_tests or plan.exempt is not None or any(t[4] is not None for t in plan.unit_tests))


def _fewest(plan: DistrictPlan, list_votes: Array, totals: Mapping[str, Array], e: int) -> Array:
    """The fewest votes admitted (``_lowest``) for these figures, of any shape the totals share:
    ``ceil(r / den) = (r + den - 1) // den`` for ``r >= 0``, each test's figures in one new array
    worked on in place."""
    first = next(iter(totals.values()), None)
    lowest = np.ones(first.shape if first is not None else (e,), dtype=np.int64)
    for base, num, den, inclusive, _ in plan.unit_tests:
        rhs = np.multiply(base_figure(base, list_votes, totals, _missing), num, dtype=np.int64)
        if inclusive:
            rhs += den - 1
        rhs //= den
        if not inclusive:
            rhs += 1
        np.maximum(lowest, rhs, out=lowest)
    return lowest


def _lowest_all(plan: DistrictPlan, totals: dict[str, Array]) -> Array | None:
    """``_lowest`` for every district of the chunk at once (elections x districts), where the
    totals give every base; else None (district by district)."""
    if not _plain_tests(plan) or not plan.unit_tests or _needs_list_votes(plan.unit_tests, totals):
        return None
    return _fewest(plan, np.zeros(1, dtype=np.int64), totals, 0)


def _column_max(w: np.ndarray) -> np.ndarray:
    """Each column's largest figure: a reduction along rows of a few columns runs one short inner
    loop per row, so rows are first laid side by side in groups of 64 (one long loop each)."""
    e, k = w.shape
    if e == 0 or k == 0:
        return np.zeros(k, dtype=w.dtype)
    if e < 128 or not w.flags.c_contiguous:
        return w.max(axis=0)  # type: ignore[no-any-return]
    head = e - e % 64
    top = w[:head].reshape(head // 64, 64 * k).max(axis=0).reshape(64, k).max(axis=0)
    if head < e:
        np.maximum(top, w[head:].max(axis=0), out=top)
    return top  # type: ignore[no-any-return]


def _small_tops(w: Array, small: int) -> Array:
    """Each list's largest figure of a district's block (int64), read as unsigned integers: a
    negative figure (2**63 or more so read), or one above ``small``, raises ``_Unsafe``."""
    top = _column_max(w.view(np.uint64))
    if top.size and int(top.max()) > small:
        raise _Unsafe
    return top.view(np.int64)  # type: ignore[no-any-return]


# district, admitted lists, weights, lowest votes admitted (None: weights masked), largest weight
Member = tuple[int, Array, Array, "Array | None", int]


def _chunk(plan: DistrictPlan, columns: list[list[int]], block: list[Array], totals: dict[str, Array],
           out: list[Array], maxima: list[Array] | None = None, small: int | None = None) -> Mask:
    """Every district of one chunk of elections: the seats per district into ``out`` (zeros),
    and per district and election (districts x elections) whether the exact path must decide it
    (``_redo``); ``maxima``, where given, each district's largest figure per list. With ``small``
    (and no ``maxima``), each district's figures are read for their largest as it is allocated, and
    one that is negative or above ``small`` raises ``_Unsafe``."""
    e = block[0].shape[0]
    redo = np.zeros((len(columns), e), dtype=bool)
    nationally = _national(plan, columns, block, totals)
    divisor = not isinstance(plan.method, m.LargestRemainder)
    scratch = Scratch()
    pending: dict[int, list[tuple[int, Array, Pending]]] = {}  # width -> cells left to step 4
    every = _lowest_all(plan, totals) if divisor else None
    fewest = every.min(axis=0).tolist() if every is not None and e else None  # per district, over the chunk
    if every is not None:
        every = np.ascontiguousarray(every.T)  # districts x elections: each district's row read whole
    for d, (cols, w, h) in enumerate(zip(columns, block, plan.magnitudes, strict=True)):
        tops = maxima[d] if maxima is not None else _small_tops(w, small) if small is not None else None
        if h <= 0:
            continue
        if every is not None:
            lowest: Array | None = every[d]
        else:
            lowest = _lowest(plan, w, totals, d) if divisor else None
        if lowest is not None:
            # the lists with enough votes in some election (their weights are masked in the block)
            tops = tops if tops is not None else _column_max(w)
            live = np.nonzero(tops >= (fewest[d] if fewest is not None else lowest.min()))[0]
            weights, top = w, int(tops[live].max()) if live.size else 0
        else:
            live, weights = _admitted(plan, cols, w, totals, d, nationally)
            top = int(weights.max()) if weights.size else 0
        if live.size == 0:
            redo[d] = True  # no list can take the seats: the interpreter says what happens
        elif divisor:
            _divisor_district(plan, (d, live, weights, lowest, top), out[d], redo[d], scratch, pending)
        else:
            total = weights.sum(axis=1)
            rows = list(weights.T)
            got, fb = _lr(plan.method, h, rows, None, [r > 0 for r in rows], total, total > 0, plan.by_order)
            _put(out[d], live, np.stack(got))
            redo[d] = fb | (total == 0)
    for left in pending.values():  # the cells the cut kernel left, of all districts of a width at once
        assert plan.linear is not None
        for (d, live, p), (seats, back) in zip(left, settle(plan.linear, [p for *_, p in left]), strict=True):
            out[d].T[np.ix_(live, p.cells)] = seats
            redo[d, p.cells] = back
    return redo


def _divisor_district(plan: DistrictPlan, member: Member, out: Array, redo: Mask, scratch: Scratch,
                      pending: dict[int, list[tuple[int, Array, Pending]]]) -> None:
    """One district of a chunk: its admitted lists' weights as one block (lists x elections, in
    the narrowest integers its products fit) for the divisor kernel, the seats into ``out`` and
    the elections handed back into ``redo`` (the district's row); the cells the cut kernel leaves
    to its step 4 into ``pending`` (by width)."""
    d, live, weights, lowest, w_max = member
    e = redo.shape[0]
    width = live.size
    h = plan.magnitudes[d]
    lin = plan.linear
    cut = lin is not None and covers(lin)
    # the cut kernel's bound on its products covers the other kernel's (w_max d(h + 1))
    dtype = None if lin is None else cut_dtype(lin, w_max, width, h) if cut else block_dtype(lin, w_max, h)
    if dtype is None:
        redo[:] = True
        return
    block = _gathered(weights, live if lowest is not None else None, scratch.get("block", (width, e), dtype))
    if lowest is not None:  # admitted where v >= lowest
        admitted = np.greater_equal(block, np.minimum(lowest, w_max + 1).astype(dtype),
                                    out=scratch.get("admitted", (width, e), bool))
        np.multiply(block, admitted, out=block)
    if cut:
        left: list[Pending] = []
        seats, back = cut_block(lin, block, h, scratch, w_max, left)
        pending.setdefault(width, []).extend((d, live, p) for p in left)
    else:
        seats, back = divisor_block(lin, block, np.full(e, h, dtype=np.int64))
    _put(out, live, seats)
    redo[:] = back


def _gathered(weights: Array, columns: Array | None, block: Array) -> Array:
    """``weights``' columns (all where None; each figure from 0 to below the block's integers'
    bound) as the rows of ``block``. A 64-bit figure below 2**31 is its low 32-bit word: read as
    such, the copy is one of 32-bit words, not a conversion element by element."""
    src = weights
    step = 1
    if (block.dtype == np.int32 and weights.dtype == np.int64 and weights.dtype.isnative
            and sys.byteorder == "little" and weights.strides[-1] == 8):
        src, step = weights.view(np.int32), 2
    for r, c in enumerate(columns.tolist() if columns is not None else range(block.shape[0])):
        np.copyto(block[r], src[:, step * c], casting="unsafe")
    return block


def _put(out: Array, live: Array, seats: Array) -> None:
    """The seats of the admitted lists (lists x elections) into a district's result (elections x
    lists, laid out list by list: its transpose's rows are written whole)."""
    rows = out.T
    if live.size == rows.shape[0]:
        rows[...] = seats
    else:
        rows[live] = seats


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
        votes = {d: [int(x) for x in arrays[d][r].tolist()] for d in ds}
        nationally = None
        if plan.national_tests:
            tots = [{k: int(t[r, d]) for k, t in given.items()} for d in range(len(columns))]
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
                here = {k: int(t[r, d]) for k, t in given.items()}
                won = unit_seats(plan, votes[d], cols, here, plan.magnitudes[d], nationally,
                                 lot=lambda tied, places, _tb=tb: _tb.favour(tied, places, "the cut", "a tie"))
                got[d] = [won.get(k, 0) for k in range(len(cols))]
        except (_Fallback, TieError):
            whole.append(r)
            continue
        for d, seats in got.items():
            _set_row(out[d], r, seats)


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
                    _set_row(out[d], r, got)
                continue
            except _Fallback:
                pass
        seats = interpreted(shape, election_of(shape, spread(columns, votes, n), tots, nat))
        for d, (cols, name) in enumerate(zip(columns, shape.units, strict=True)):
            won = seats.get(name, {})
            _set_row(out[d], r, [won.get(abbrs[i], 0) for i in cols])


def _set_row(out: Array, r: int, seats: list[int]) -> None:
    """Election ``r``'s seats into a district's result, writing only the figures that change: a
    page of the result never written (a list without seats in a chunk) stays the system's zeros,
    not a (huge) page to be cleared."""
    row = out[r]
    for c, (had, got) in enumerate(zip(row.tolist(), seats, strict=True)):
        if had != got:
            row[c] = got


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

