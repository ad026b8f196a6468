"""A biproportional tier (docs/language.md, 'Biproportional apportionment'): the quorum on the whole
election, the upper apportionment of the tier's seats to the admitted lists (on votes or voter
numbers), then the lower apportionment to list x unit cells by ``hemicycle.biproportional``, its
divisors in the protocol. The result's parts are the cells of each unit, as for a tier in each unit."""

from __future__ import annotations

from fractions import Fraction

from hemicycle import model as m
from hemicycle.biproportional import NoSolution, Signpost, Solution, biproportional, tied_moves
from hemicycle.interpreter.context import Applied, Context
from hemicycle.interpreter.errors import AllocationError, TieError
from hemicycle.interpreter.levels import Ledger
from hemicycle.interpreter.methods import apply_method
from hemicycle.interpreter.protocol import Recorder, Step
from hemicycle.interpreter.results import Tie, TierResult
from hemicycle.interpreter.thresholds import Across, passing
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View, level_views
from hemicycle.numbers import fmt_exact, fmt_int


def allocate_biproportional(tier: m.Tier, ledger: Ledger, ties: list[Tie], notes: list[str], applied: Applied,
                            explain: bool) -> TierResult:
    """The whole biproportional tier: national sums as the result, the cells of each unit as its parts."""
    assert tier.level is not None and tier.upper is not None and tier.lower is not None
    election = ledger.election
    magnitudes = ledger.magnitudes[tier.level]
    views = level_views(election, tier.level)
    total = sum(magnitudes[v.unit.name] for v in views)  # type: ignore[union-attr]
    rec = Recorder(explain)
    nat = View.national(election)
    ctx = Context(tier=tier, view=nat, seats=total, notes=notes, applied=applied, rec=rec,
                  tb=TieBreaker(tier, nat.entries, ties, nat.votes), across=Across(total, election, notes, rec))
    passed = passing(ctx)
    pool = [i for i, ok in enumerate(passed) if ok]
    n = len(nat.entries)
    if rec.on:
        rec.say("Admitted to the biproportional apportionment: {}", ", ".join(nat.names[i] for i in pool) or "none")
    matrix = _matrix(election.lists, views, n)
    upper = _upper(ctx, tier.upper, matrix, [magnitudes[v.unit.name] for v in views], pool)  # type: ignore[union-attr]
    rows = [i for i in pool if upper[i] > 0]
    cols = list(range(len(views)))
    seats_rows = [upper[i] for i in rows]
    seats_cols = [magnitudes[v.unit.name] for v in views]  # type: ignore[union-attr]
    sub = [[matrix[i][j] for j in cols] for i in rows]
    ctx.used(tier.lower, "lower apportionment")
    d = tier.lower.method.divisor
    names = [nat.names[i] for i in rows]
    units = [v.unit.name for v in views]  # type: ignore[union-attr]
    try:
        sol = biproportional(sub, seats_rows, seats_cols, d)
    except NoSolution as e:
        what = ", ".join(names[i] for i in e.rows) or "the lists"
        where = ", ".join(units[j] for j in e.cols) or "no unit"
        raise AllocationError(f"tier {tier.name!r}: no biproportional apportionment exists: {e} ({what}; {where})",
                              tier.lower) from None
    _decide_ties(ctx, sub, sol, d, names, units)
    if rec.on:
        rec.block(_lower_lines, tier.lower, sol, names, units)
    seats = [[0] * len(views) for _ in range(n)]
    for k, i in enumerate(rows):
        seats[i] = sol.seats[k]
    return _result(tier, nat, views, matrix, seats, passed, rec)


def _decide_ties(ctx: Context, sub: list[list[int]], sol: Solution, d: Signpost, names: list[str],
                 units: list[str]) -> None:
    """A tied lower apportionment (seats can move along a cycle of cells at a rounding boundary,
    every sum still holding): decided by lot when the tier's ``ties`` chain has ``lot`` (one draw
    between the two apportionments for each tied cycle, its cells then fixed), else a ``TieError``
    naming the cells. Each decision is recorded as a tie and said in the protocol."""
    tier = ctx.tier
    moves = tied_moves(sub, sol, d)
    if moves is None:
        return
    criteria = tier.ties.criteria if tier.ties is not None else ()
    if m.TieCriterion.LOT not in criteria:
        cells = ", ".join(f"{names[i]} in {units[j]}" for i, j, _ in moves)
        raise TieError(f"tier {tier.name!r}: the lower apportionment is tied: seats can move between the cells "
                       f"{cells} with every sum and every rounding still holding; the rules do not say which "
                       "apportionment to take (only 'ties lot' decides a tie between cells)",
                       sorted({names[i] for i, _, _ in moves}), tier.lower or tier)
    assert tier.ties is not None
    fixed: set[tuple[int, int]] = set()
    seed = tier.ties.seed if tier.ties.seed is not None else 0
    while moves is not None:
        moved = ctx.tb.lot().randrange(2) == 1
        if moved:
            for i, j, delta in moves:
                sol.seats[i][j] += delta
        holders = tuple(f"{names[i]} in {units[j]}" for i, j, delta in moves if (delta > 0) == moved)
        others = [f"{names[i]} in {units[j]}" for i, j, delta in moves if (delta > 0) != moved]
        ctx.tb.record.append(Tie(
            tier=tier.name, stage="the lower apportionment", lists=tuple(sorted({names[i] for i, _, _ in moves})),
            value="a rounding boundary in the cells " + ", ".join(f"{names[i]} in {units[j]}" for i, j, _ in moves),
            places=len(holders), winners=holders, resolved_by=f"lot (seed {seed})", clause=tier.ties.where))
        ctx.rec.say("Tie in the lower apportionment: a seat can move between the cells {} (every sum and rounding "
                    "still holding); by lot (seed {}) the seat(s) go to {} rather than {}", ", ".join(
                        f"{names[i]} in {units[j]}" for i, j, _ in moves), seed, ", ".join(holders),
                    ", ".join(others), clause=tier.ties)
        fixed.update((i, j) for i, j, _ in moves)
        moves = tied_moves(sub, sol, d, frozenset(fixed))


def _matrix(entries: tuple, views: list[View], n: int) -> list[list[int]]:  # type: ignore[type-arg]
    """votes[list][unit] (0 where the list did not stand)."""
    out = [[0] * len(views) for _ in range(n)]
    for j, v in enumerate(views):
        for k, i in enumerate(v.index):
            out[i][j] = v.votes[k]
    return out


def _upper(ctx: Context, upper: m.UpperApportionment, matrix: list[list[int]], magnitudes: list[int],
           pool: list[int]) -> list[int]:
    """The upper apportionment: the tier's seats to the admitted lists by the clause's method, on
    votes or on voter numbers (a list's votes in each unit / the unit's seats, rounded as said)."""
    ctx.used(upper, "upper apportionment")
    view, rec = ctx.view, ctx.rec
    n = len(view.entries)
    votes = [sum(row) for row in matrix]
    factors: list[Fraction] | None = None
    if upper.weights is m.Weights.VOTER_NUMBERS:
        numbers = [sum((_rounded(Fraction(v, s), upper.rounding) for v, s in zip(row, magnitudes, strict=True)
                        if s > 0 and v > 0), Fraction(0)) for row in matrix]
        factors = [numbers[i] / votes[i] if votes[i] else Fraction(0) for i in range(n)]
        if rec.on:
            how = {m.Rounding.EXACT: "not rounded", m.Rounding.NEAREST: "each rounded to the nearest whole number",
                   m.Rounding.UP: "each rounded up", m.Rounding.DOWN: "each rounded down"}[upper.rounding]
            rec.say("Voter numbers (a list's votes in each unit / the unit's seats, {}): {}", how,
                    ", ".join(f"{view.names[i]} {fmt_exact(numbers[i], 4)}" for i in pool), clause=upper)
    if rec.on:
        rec.say("Upper apportionment: {} seats to the lists by {}", ctx.seats, _method_name(upper.method),
                clause=upper)
    if factors is not None and any(factors[i] == 0 for i in pool):
        # a voter number rounded to 0 has no quotient above 0: the list takes no seat (the
        # method's highest averages take positive weights only)
        if rec.on:
            rec.say("No seat for a voter number of 0: {}", ", ".join(view.names[i] for i in pool if factors[i] == 0),
                    clause=upper)
        pool = [i for i in pool if factors[i] > 0]
    if not any(votes[i] for i in pool):
        raise AllocationError(f"tier {ctx.tier.name!r}: no admitted list has a vote", upper)
    outcome = apply_method(upper.method, votes, factors, pool, ctx.seats, ctx.tb, view.names, rec.on)
    if rec.on:
        rec.entries.extend(outcome.steps)
        rec.say("Upper apportionment: {}", ", ".join(f"{view.names[i]} {outcome.seats[i]}" for i in pool))
    return list(outcome.seats)


def _rounded(x: Fraction, rounding: m.Rounding) -> Fraction:
    if rounding is m.Rounding.EXACT:
        return x
    if rounding is m.Rounding.DOWN:
        return Fraction(x.numerator // x.denominator)
    if rounding is m.Rounding.UP:
        return Fraction(-((-x.numerator) // x.denominator))
    return Fraction((2 * x.numerator + x.denominator) // (2 * x.denominator))  # half up


def _method_name(method: m.Method) -> str:
    return method.kind.value if isinstance(method, m.Divisor) else f"largest_remainder quota {method.quota.kind.value}"


def signpost_scale(method: m.Divisor) -> int:
    """The factor that turns the method's divisors into its rounding signposts: Sainte-Lague's
    1, 3, 5 ... are the signposts 1/2, 3/2, 5/2 ... of standard rounding."""
    return 2 if method.kind in (m.DivisorKind.SAINTE_LAGUE, m.DivisorKind.MODIFIED_SAINTE_LAGUE) else 1


def _lower_lines(lower: m.LowerApportionment, sol: Solution, names: list[str], units: list[str]) -> list[Step]:
    scale = signpost_scale(lower.method)
    rounding = "standard rounding" if scale == 2 else f"the signposts of {lower.method.kind.value}"
    lines = [Step(f"Lower apportionment by {lower.method.kind.value}: every cell's seats are its votes / (unit "
                  f"divisor x list divisor) by {rounding}", lower)]
    how = f"{sol.rounds} alternating-scaling step(s)"
    if sol.transfers or sol.scalings:
        how += f", then tie and transfer ({sol.transfers} transfer(s), {sol.scalings} divisor update(s))"
    lines.append(Step(f"Found by {how}"))
    lines.extend(Step(f"  {h}") for h in sol.history)
    lines.append(Step("Unit divisors: " + ", ".join(f"{u} {fmt_exact(dv * scale, 4)}"
                                                     for u, dv in zip(units, sol.col_divisors, strict=True))))
    lines.append(Step("List divisors: " + ", ".join(f"{a} {fmt_exact(dv, 4)}"
                                                     for a, dv in zip(names, sol.row_divisors, strict=True))))
    return lines


def _result(tier: m.Tier, nat: View, views: list[View], matrix: list[list[int]], seats: list[list[int]],
            passed: list[bool], rec: Recorder) -> TierResult:
    n = len(nat.entries)
    parts: list[TierResult] = []
    for j, v in enumerate(views):
        got = [seats[i][j] for i in v.index]
        log: list[Step] = []
        if rec.on:
            log = [Step(f"{v.names[k]}: {fmt_int(v.votes[k])} votes, {got[k]} seat(s)") for k in range(len(got))]
        part = TierResult(name=tier.name, size=sum(got), abbrs=v.names, names=v.labels, votes=v.votes,
                          passed_flags=[passed[i] for i in v.index], admitted_flags=[passed[i] for i in v.index],
                          admitted_by=[""] * len(got), seat_list=got, log=log, level=tier.level,
                          district=v.unit.name if v.unit is not None else None, index=v.index)
        parts.append(part)
    totals = [sum(row) for row in seats]
    return TierResult(name=tier.name, size=sum(totals), abbrs=nat.names, names=nat.labels, votes=nat.votes,
                      passed_flags=passed, admitted_flags=list(passed), admitted_by=[""] * n, seat_list=totals,
                      log=rec.entries, level=tier.level, parts=parts)
