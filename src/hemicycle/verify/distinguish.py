"""Distinguishing elections: votes on which two electoral systems give some list k seats apart.

``distinguish(chamber_a, chamber_b, k=1, parties=5)`` encodes one tier of each system over the
**same** symbolic election (the vote variables and the other figures are shared; each tier has its
own seat variables) and asks Z3 for an election where some list's seats differ by at least ``k``.
The answer is FOUND (with the election, replayed through the interpreter under both systems),
NONE (proved: no election with ``parties`` lists, within ``max_votes`` if given, separates them by
``k`` seats) or UNKNOWN (the time limit). With ``minimize`` (the default) Z3's Optimize then looks
for the election with the fewest total votes on the integer encoding; ``minimal`` says whether
the optimum was proved. See docs/verify.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import z3

from hemicycle.model import Chamber, Tier
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.encoder import TierEnc, check_supported, encode_tier
from hemicycle.verify.engine import _bounds, _check, _Concrete, _read, _replay, _scale
from hemicycle.verify.errors import EncodingMismatch, PropertyError
from hemicycle.verify.num import Num
from hemicycle.verify.problem import Outcome
from hemicycle.verify.symbolic import Ctx, SymElection, make_election, needed_extras, needed_tags


class DistinguishStatus(str, Enum):
    FOUND = "found"
    NONE = "none"
    UNKNOWN = "unknown"


@dataclass
class DistinguishResult:
    """The outcome of :func:`distinguish`.

    ``seats_a`` and ``seats_b`` are the interpreter's seats for the election under each system
    (the tier's seats, without appointed seats); ``list`` is the list with the largest difference
    and ``gap`` that difference (always >= k when FOUND).
    """

    status: DistinguishStatus
    k: int
    parties: int
    seconds: float
    system_a: str
    system_b: str
    tier_a: str
    tier_b: str
    bounds: str
    encoding: str
    votes: dict[str, int] | None = None
    totals: dict[str, int] | None = None
    tags: dict[str, list[str]] = field(default_factory=dict)
    seats_a: dict[str, int] | None = None
    seats_b: dict[str, int] | None = None
    list: str | None = None
    gap: int | None = None
    minimal: bool | None = None  # minimize=True and FOUND: whether the fewest votes was proved
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    trace_a: str | None = None
    trace_b: str | None = None

    @property
    def total_votes(self) -> int | None:
        """List votes + invalid + against all + non-voters (what ``minimize`` minimises)."""
        if self.totals is None:
            return None
        return self.totals["registered"]

    def to_json(self) -> dict[str, Any]:
        election = None
        if self.votes is not None:
            election = {"votes": self.votes, "totals": self.totals}
            if self.tags:
                election["tags"] = self.tags
        return {
            "status": self.status.value,
            "k": self.k,
            "parties": self.parties,
            "seconds": round(self.seconds, 3),
            "system_a": self.system_a,
            "system_b": self.system_b,
            "tier_a": self.tier_a,
            "tier_b": self.tier_b,
            "bounds": self.bounds,
            "encoding": self.encoding,
            "election": election,
            "seats_a": self.seats_a,
            "seats_b": self.seats_b,
            "list": self.list,
            "gap": self.gap,
            "minimal": self.minimal,
            "reason": self.reason,
            "notes": self.notes,
            "trace_a": self.trace_a,
            "trace_b": self.trace_b,
        }


def _system_name(chamber: Chamber) -> str:
    """The rule file's name when it has one (two systems often share a chamber name)."""
    file = chamber.span.file
    if file and not file.startswith("<"):
        return Path(file).stem
    return chamber.name


def _pick_tier(chamber: Chamber, name: str | None, which: str) -> Tier:
    if name is not None:
        for t in chamber.tiers:
            if t.name == name:
                return t
        raise PropertyError(f"system {which} ({chamber.name}) has no tier named {name!r}; tiers: "
                            + ", ".join(repr(t.name) for t in chamber.tiers))
    if len(chamber.tiers) != 1:
        raise PropertyError(f"system {which} ({chamber.name}) has {len(chamber.tiers)} tiers; "
                            f"name the one to compare (tier_{which.lower()})")
    return chamber.tiers[0]


@dataclass
class _Pair:
    """Both tiers encoded on one shared symbolic election."""

    ctx: Ctx
    election: SymElection
    a: TierEnc
    b: TierEnc
    goal: z3.BoolRef
    objective: z3.ArithRef


def _encode(tier_a: Tier, tier_b: Tier, n: int, k: int, *, real: bool,
            max_votes: int | None, prefix: str) -> _Pair:
    ctx = Ctx(real=real, prefix=prefix)
    e = make_election(ctx, n, "E", needed_extras([tier_a, tier_b]), needed_tags([tier_a, tier_b]),
                      max_votes)
    # In the rational encoding the whole query is scale invariant (both tiers are, and so is a seat
    # difference), so one scale may be fixed: system A's admitted votes sum to 1 (its divisor cut
    # is 1). System B then sees the same votes at that scale, unnormalised.
    a = encode_tier(ctx, tier_a, e, norm=Num(1) if real else None)
    b = encode_tier(ctx, tier_b, e)
    apart = [z3.Or(sa - sb >= k, sb - sa >= k) for sa, sb in zip(a.seats, b.seats, strict=True)]
    goal = z3.And(a.defined, b.defined, z3.Or(apart))
    figs = [*e.votes, e.against_all, e.invalid, e.nonvoters]
    objective = z3.Sum([f.a for f in figs if not isinstance(f.a, int)])
    return _Pair(ctx, e, a, b, goal, objective)


def _outcomes(chamber_a: Chamber, tier_a: Tier, chamber_b: Chamber, tier_b: Tier,
              m: z3.ModelRef, pair: _Pair, k: int) -> tuple[_Concrete, Outcome, Outcome]:
    """Read the election from a model, replay it under both systems, confirm the difference."""
    raw_a = _read(m, pair.a)
    (ca,) = _scale([raw_a])
    seats_b_model = [m.eval(s, model_completion=True).as_long() for s in pair.b.seats]
    cb = _Concrete(votes=ca.votes, extras=ca.extras, tags=ca.tags, house=pair.b.house,
                   model_seats=seats_b_model)
    out_a = _replay(chamber_a, tier_a, ca)
    out_b = _replay(chamber_b, tier_b, cb)
    for which, c, o in (("A", ca, out_a), ("B", cb, out_b)):
        if o.seats != c.model_seats:
            raise EncodingMismatch(
                f"distinguish: for votes {c.votes} {c.extras} the encoding of system {which} gives "
                f"{c.model_seats} but the interpreter {o.seats}"
            )
    if max(abs(x - y) for x, y in zip(out_a.seats, out_b.seats, strict=True)) < k:
        raise EncodingMismatch(
            f"distinguish: the interpreter's seats {out_a.seats} and {out_b.seats} for votes "
            f"{ca.votes} {ca.extras} are not {k} seat(s) apart"
        )
    return ca, out_a, out_b


def _fill(result: DistinguishResult, c: _Concrete, out_a: Outcome, out_b: Outcome) -> None:
    abbrs = [f"L{i + 1}" for i in range(len(c.votes))]
    result.votes = dict(zip(abbrs, c.votes, strict=True))
    result.totals = totals_for(c.votes, **c.extras)
    result.tags = {t: [abbrs[i] for i, f in enumerate(flags) if f] for t, flags in c.tags.items()}
    result.seats_a = dict(zip(abbrs, out_a.seats, strict=True))
    result.seats_b = dict(zip(abbrs, out_b.seats, strict=True))
    gaps = [abs(x - y) for x, y in zip(out_a.seats, out_b.seats, strict=True)]
    best = max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    result.list, result.gap = abbrs[best], gaps[best]
    result.trace_a, result.trace_b = out_a.trace, out_b.trace


def distinguish(
    chamber_a: Chamber,
    chamber_b: Chamber,
    *,
    k: int = 1,
    parties: int = 5,
    max_votes: int | None = None,
    timeout: float = 60.0,
    minimize: bool = True,
    tier_a: str | None = None,
    tier_b: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> DistinguishResult:
    """Find votes (``parties`` lists) on which the two systems give some list >= ``k`` seats
    apart, the fewest total votes first (``minimize``), or prove that there are none.

    Each chamber contributes one tier (its only tier, or the one named ``tier_a``/``tier_b``);
    seats are compared per list, tier against tier (appointed seats play no part; the tiers may
    differ in size). Raises ``PropertyError`` for bad arguments, ``UnsupportedClause`` for a
    clause the encoder cannot express and ``EncodingMismatch`` if the interpreter does not confirm
    an election the encoding found (a bug). ``progress(done, total, step)`` is told each phase
    (the search, then the minimisation) and the end.
    """
    start = time.monotonic()
    deadline = start + timeout
    if k < 1:
        raise PropertyError("k must be at least 1")
    if parties < 1:
        raise PropertyError("parties must be at least 1")
    ta = _pick_tier(chamber_a, tier_a, "A")
    tb = _pick_tier(chamber_b, tier_b, "B")
    check_supported(ta)
    check_supported(tb)
    # one arithmetic for both: rational only when both systems are scale invariant
    real = ta.scale_invariant and tb.scale_invariant and max_votes is None
    result = DistinguishResult(
        status=DistinguishStatus.UNKNOWN, k=k, parties=parties, seconds=0.0,
        system_a=_system_name(chamber_a), system_b=_system_name(chamber_b),
        tier_a=ta.name, tier_b=tb.name,
        bounds=_bounds(parties, real, max_votes), encoding="rational" if real else "integer",
        notes=["elections where either system gives no result (unbroken tie, zero quota, "
               "exhausted divisors) are not considered"],
    )
    phases = 2 if minimize else 1
    if progress is not None:
        progress(0, phases, f"looking for votes that put a list {k} or more seats apart")
    pair = _encode(ta, tb, parties, k, real=real, max_votes=max_votes, prefix="d.")
    solver = z3.Solver()
    solver.add(*pair.ctx.cons, pair.goal)
    r, why = _check(solver, max(0.0, deadline - time.monotonic()))
    if r == z3.unsat:
        # non-vacuity: NONE is a proof only if some election has a result under both systems
        check = z3.Solver()
        check.add(*pair.ctx.cons, pair.a.defined, pair.b.defined)
        r2, why2 = _check(check, max(0.0, min(deadline - time.monotonic(), 30.0)))
        if r2 == z3.sat:
            result.status = DistinguishStatus.NONE
            result.notes.append("non-vacuity: some election has a result under both systems")
        else:
            result.reason = ("assumptions are contradictory: no election has a result under "
                             "both systems" if r2 == z3.unsat else
                             f"could not show that some election has a result ({why2})")
    elif r == z3.unknown:
        result.reason = why or "unknown"
    else:
        result.status = DistinguishStatus.FOUND
        c, out_a, out_b = _outcomes(chamber_a, ta, chamber_b, tb, solver.model(), pair, k)
        _fill(result, c, out_a, out_b)
        if minimize:
            if progress is not None:
                progress(1, phases, "looking for the fewest votes that do")
            _minimize(chamber_a, ta, chamber_b, tb, result, parties, k, max_votes, deadline)
    if progress is not None:
        progress(phases, phases, "")
    result.seconds = time.monotonic() - start
    return result


def _minimize(chamber_a: Chamber, ta: Tier, chamber_b: Chamber, tb: Tier,
              result: DistinguishResult, parties: int, k: int, max_votes: int | None,
              deadline: float) -> None:
    """Replace the election by one with the fewest total votes (Optimize, integer encoding)."""
    pair = _encode(ta, tb, parties, k, real=False, max_votes=max_votes, prefix="dm.")
    opt = z3.Optimize()
    opt.add(*pair.ctx.cons, pair.goal)
    if result.total_votes is not None:
        opt.add(pair.objective <= result.total_votes)  # the election found is a bound
    opt.minimize(pair.objective)
    left = deadline - time.monotonic()
    if left <= 0:
        result.minimal = False
        result.notes.append("minimize: no time left to look for fewer votes")
        return
    r, _ = _check(opt, left)
    m: z3.ModelRef | None = None
    if r != z3.unsat:
        try:
            m = opt.model()
        except z3.Z3Exception:
            m = None
    if m is not None and len(m) > 0:
        total = m.eval(pair.objective, model_completion=True).as_long()
        if total <= (result.total_votes or 0):
            c, out_a, out_b = _outcomes(chamber_a, ta, chamber_b, tb, m, pair, k)
            _fill(result, c, out_a, out_b)
    result.minimal = r == z3.sat
    if not result.minimal:
        result.notes.append("minimize: the fewest total votes was not proved in time; the "
                            "election shown is the best found")


# --- showing a result --------------------------------------------------------------------------


def format_distinguish(r: DistinguishResult) -> str:
    """A plain-text report of one result."""
    head = f"{r.system_a} [{r.tier_a}] vs {r.system_b} [{r.tier_b}], k = {r.k}, {r.parties} lists"
    lines = [head]
    if r.status is DistinguishStatus.NONE:
        lines.append(f"none: no election puts any list {r.k} or more seats apart ({r.bounds}); "
                     f"{r.seconds:.2f} s")
    elif r.status is DistinguishStatus.UNKNOWN:
        lines.append(f"unknown: {r.reason}; {r.seconds:.2f} s")
    else:
        assert r.votes is not None and r.seats_a is not None and r.seats_b is not None
        assert r.totals is not None
        minimal = {True: "fewest total votes (proved)", False: "not proved minimal",
                   None: "not minimised"}[r.minimal]
        lines.append(f"found: {r.list} is {r.gap} seat(s) apart; {r.total_votes:,} votes in all, "
                     f"{minimal}; {r.seconds:.2f} s")
        rows = [("list", "votes", "seats A", "seats B")]
        for abbr, v in r.votes.items():
            rows.append((abbr, f"{v:,}", str(r.seats_a[abbr]), str(r.seats_b[abbr])))
        extra = {x: r.totals[x] for x in ("invalid", "against_all") if r.totals[x]}
        nonvoters = r.totals["registered"] - r.totals["ballots_cast"]
        if nonvoters:
            extra["non-voters"] = nonvoters
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            lines.append("  " + "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if extra:
            lines.append("  " + ", ".join(f"{x} {v:,}" for x, v in extra.items()))
        if r.tags:
            lines.append("  tags: " + "; ".join(f"{t}: {', '.join(ls) or '-'}"
                                                for t, ls in r.tags.items()))
    lines.extend(f"note: {n}" for n in r.notes)
    return "\n".join(lines)
