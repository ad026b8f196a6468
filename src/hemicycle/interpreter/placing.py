"""Placing a tier's seats back into units by quotients (docs/language.md, 'place in each LEVEL by
METHOD'): levelling and adjustment seats into districts.

* ``compete``: every (list, unit) pair competes with the list's votes there / the divisor for its
  next seat there, scaled; the highest quotient overall takes a seat, while the list has seats to
  place and the unit room (Norway; Denmark's provinces);
* ``in_turn``: the seats are taken in the order of the tier's national quotients: the next one says
  which list, that list's best quotient in a unit with room says where; a list with no quotient
  left loses its remaining turns (Iceland);
* ``split_within``: each list's seats in each unit of the placement before are split among the
  units below it by the method on its votes there (Denmark's storkredse).

Every seat placed is a protocol line with its quotient and why it went there.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hemicycle import model as m
from hemicycle.election import Election, Unit
from hemicycle.interpreter.errors import AllocationError, MissingFigure, TieError
from hemicycle.interpreter.protocol import Lazy, Recorder, Step
from hemicycle.interpreter.results import Tie, TierResult
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View, level_views
from hemicycle.numbers import fmt_exact, fmt_int


@dataclass
class _Cell:
    """One list in one unit: its votes there, its seats held there, the seats placed there."""

    abbr: str
    unit: str
    votes: int
    held: int
    scale: Fraction  # the quotient's factor (1, seats per vote ...)
    scale_text: str = ""  # the factor, as the protocol shows it
    placed: int = 0

    def quotient(self, method: m.Divisor) -> Fraction | None:
        d = method.divisor(self.held + self.placed)
        if d is None:
            return None
        if d == 0:
            raise AllocationError(f"a zero divisor places seats at infinity ({self.abbr} in {self.unit})", method)
        return Fraction(self.votes) / d * self.scale

    def describe(self, method: m.Divisor, after: str | None, scale: m.PlaceScale, q: Fraction) -> str:
        d = method.divisor(self.held + self.placed)
        held = f", {self.held} seat(s) of tier {after!r} here" if after is not None else ""
        placed = f", {self.placed} placed here before" if self.placed else ""
        scaled = self.scale_text
        return (f"{fmt_int(self.votes)} / {fmt_exact(d)}{scaled} = {fmt_exact(q, 6)} "
                f"({self.abbr}{held}{placed})")


class Placer:
    """The cells and rooms of one placement."""

    def __init__(self, p: m.LevelPlacement, tier: m.Tier, election: Election, held: dict[str, dict[str, int]],
                 units: list[Unit], views: dict[str, View], lists: set[str]) -> None:
        self.p, self.tier, self.election = p, tier, election
        self.room: dict[str, int] = {}
        self.cells: dict[str, list[_Cell]] = {}  # abbr -> its cells
        for u in units:
            self.room[u.name] = _room(p, u)
            view = views[u.name]
            here = held.get(u.name, {})
            total = view.list_votes
            scale = Fraction(1)
            text = ""
            if p.scale is m.PlaceScale.VOTES_PER_SEAT:
                seats = sum(here.values())
                if seats == 0 or total == 0:
                    raise AllocationError(f"{u.name}: votes per seat of tier {p.after!r} are not defined there "
                                          f"({total} votes, {seats} seats)", p)
                scale = Fraction(seats, total)
                text = f" / ({fmt_int(total)} votes / {seats} seats here)"
            elif p.scale is m.PlaceScale.VALID_VOTES:
                if total == 0:
                    raise AllocationError(f"{u.name}: no list votes to divide by", p)
                scale = Fraction(1, total)
                text = f" / {fmt_int(total)} (the list votes here)"
            for a, v in zip(view.names, view.votes, strict=True):
                if a in lists and v > 0:
                    self.cells.setdefault(a, []).append(_Cell(a, u.name, v, here.get(a, 0), scale, text))

    def open_cells(self, abbr: str) -> list[tuple[Fraction, _Cell]]:
        out = []
        limit = self.p.quotients
        for c in self.cells.get(abbr, ()):
            if self.room[c.unit] <= 0 or (limit is not None and c.placed >= limit):
                continue
            q = c.quotient(self.p.method)
            if q is not None:
                out.append((q, c))
        return out


def _room(p: m.LevelPlacement, u: Unit) -> int:
    if p.per_unit is not None:
        return p.per_unit
    if p.per_unit_figure is not None:
        if p.per_unit_figure not in u.figures:
            raise MissingFigure(f"{u.level} {u.name!r}: the placement limits the seats by the figure "
                                f"{p.per_unit_figure!r}, which the vote file does not give for it", p)
        return u.figures[p.per_unit_figure]
    return 1 << 62


def held_by_unit(ledger_seats_in: object, level: str, units: list[Unit],
                 after: str | None) -> dict[str, dict[str, int]]:
    """Each unit's seats of tier ``after`` (summed below it), by list."""
    if after is None:
        return {}
    return {u.name: ledger_seats_in(level, u.name, after) for u in units}  # type: ignore[operator]


def compete(placer: Placer, need: dict[str, int], ties: list[Tie], rec: Recorder,
            order: list[str] | None = None) -> dict[str, dict[str, int]]:
    """The highest quotient among all open cells takes a seat, until every list's seats are placed.
    With ``order`` (in turn): the lists in that order each place their next seat at their best cell
    (a list with none left loses its turns). Returns unit -> abbr -> seats placed."""
    p, tier = placer.p, placer.tier
    placed: dict[str, dict[str, int]] = {}
    total = sum(need.values())
    k = 0
    if order is not None:
        dropped: set[str] = set()
        for abbr in order:
            if k == total or abbr in dropped or need.get(abbr, 0) == 0:
                continue
            cells = placer.open_cells(abbr)
            if not cells:
                dropped.add(abbr)
                rec.say("{}: no quotient left in a unit with room; it loses its remaining turns", abbr, clause=p)
                continue
            q, cell = _best(cells, placer, ties)
            k += 1
            _take(placer, cell, q, need, placed, rec, k, total, "its best quotient")
        return placed
    while k < total:
        cells = [qc for abbr, n in need.items() if n > 0 for qc in placer.open_cells(abbr)]
        if not cells:
            left = ", ".join(f"{a} {n}" for a, n in need.items() if n > 0)
            raise AllocationError(f"tier {tier.name!r}: seats cannot be placed ({left}): no unit of level "
                                  f"{p.level!r} with room has a vote for the list", p)
        q, cell = _best(cells, placer, ties)
        k += 1
        _take(placer, cell, q, need, placed, rec, k, total, "the highest quotient left")
    return placed


def _best(cells: list[tuple[Fraction, _Cell]], placer: Placer, ties: list[Tie]) -> tuple[Fraction, _Cell]:
    top = max(q for q, _ in cells)
    tied = [(q, c) for q, c in cells if q == top]
    if len(tied) == 1:
        return tied[0]
    abbrs = sorted({c.abbr for _, c in tied})
    if len(abbrs) < len(tied):
        raise TieError(f"tier {placer.tier.name!r}: equal quotients {fmt_exact(top, 6)} for "
                       f"{', '.join(f'{c.abbr} in {c.unit}' for _, c in tied)}; the rules do not say where the seat "
                       "goes", abbrs, placer.p)
    entries = [e for e in placer.election.lists if e.abbr in abbrs]
    tb = TieBreaker(placer.tier, entries, ties)
    chosen = tb.favour(list(range(len(entries))), 1, "placing a seat by quotient", f"quotient {fmt_exact(top, 6)}")
    winner = entries[chosen[0]].abbr
    return next((q, c) for q, c in tied if c.abbr == winner)


def _take(placer: Placer, cell: _Cell, q: Fraction, need: dict[str, int], placed: dict[str, dict[str, int]],
          rec: Recorder, k: int, total: int, why: str) -> None:
    p = placer.p
    if rec.on:
        rec.entries.append(Step(f"Seat {k} of {total}: {cell.abbr} in {cell.unit}, {why}: "
                                + cell.describe(p.method, p.after, p.scale, q)))
    cell.placed += 1
    need[cell.abbr] -= 1
    placer.room[cell.unit] -= 1
    here = placed.setdefault(cell.unit, {})
    here[cell.abbr] = here.get(cell.abbr, 0) + 1
    if rec.on:
        if placer.room[cell.unit] == 0:
            rec.entries.append(Step(f"  {cell.unit} has all its seats of this tier: its other quotients leave"))
        if need[cell.abbr] == 0:
            rec.entries.append(Step(f"  {cell.abbr} has all its seats of this tier placed"))


def split_within(p: m.LevelPlacement, tier: m.Tier, election: Election, parents: dict[str, dict[str, int]],
                 parent_level: str, held: dict[str, dict[str, int]], ties: list[Tie],
                 rec: Recorder) -> dict[str, dict[str, int]]:
    """Each list's seats in each parent unit split among the units of ``p.level`` below it."""
    tree = election.tree
    views = {v.unit.name: v for v in level_views(election, p.level)}  # type: ignore[union-attr]
    children: dict[str, list[Unit]] = {}
    for u in election.units_of(p.level):
        up = next((a for a in tree.ancestors(u) if a.level == parent_level), None)
        if up is not None:
            children.setdefault(up.name, []).append(u)
    out: dict[str, dict[str, int]] = {}
    for parent, by_list in parents.items():
        units = children.get(parent, [])
        for abbr, n in by_list.items():
            if n <= 0:
                continue
            placer = Placer(p, tier, election, held, units, views, {abbr})
            rec.say("{}: its {} seat(s) in {} go to the units below by {}", abbr, n, parent, p.method.kind.value,
                    clause=p)
            got = compete(placer, {abbr: n}, ties, rec)
            for unit, seats in got.items():
                here = out.setdefault(unit, {})
                for a, s in seats.items():
                    here[a] = here.get(a, 0) + s
    return out


SeatsIn = object  # Ledger.seats_in: (level, unit, tier) -> {abbr: seats}


def place_by_quotients(tier: m.Tier, result: TierResult, election: Election, seats_in: SeatsIn,
                       national_held: dict[str, int], ties: list[Tie], explain: bool,
                       lower: TierResult | None = None) -> None:
    """Place ``result``'s seats by the tier's placement clauses, in order; writes ``result.parts``
    (in each unit of the last placement's level) and, in turn, the seats each list got."""
    rec = Recorder(explain)
    need = {a: n for a, n in zip(result.abbrs, result.seat_list, strict=True) if n > 0}
    placed: dict[str, dict[str, int]] = {}
    previous = ""
    for k, p in enumerate(tier.level_placements):
        units = list(election.units_of(p.level))
        if not units:
            raise AllocationError(f"the vote file has no units of level {p.level!r} to place the seats into", p)
        held = held_by_unit(seats_in, p.level, units, p.after)
        if k == 0 and p.entitlement:
            assert tier.levelling is not None and lower is not None
            won = held_by_unit(seats_in, p.level, units, tier.levelling.tier)
            rec.say("Each list's entitlement split into each {} by {}; the seats it won there in tier {!r} taken up "
                    "within its share", p.level, method_name(p.method), tier.levelling.tier, clause=p)
            least = held_by_unit(seats_in, p.level, units, p.at_least) if p.at_least is not None else None
            placed = split_entitlement(p, tier, election, result, lower, won, ties, rec, least)
        elif k == 0:
            views = {v.unit.name: v for v in level_views(election, p.level)}  # type: ignore[union-attr]
            admitted = [a for a, ok in zip(result.abbrs, result.admitted_flags, strict=True) if ok]
            placer = Placer(p, tier, election, held, units, views, set(admitted if p.in_turn else need))
            rec.say("Seats placed into each {} by {}{}{}", p.level, p.method.kind.value,
                    f" after the seats of tier {p.after!r} there" if p.after else "",
                    " in the order of the tier's quotients" if p.in_turn else ", the highest quotient first",
                    clause=p)
            if p.in_turn:
                order = _turns(tier, election, result, national_held, sum(result.seat_list), ties)
                want = {a: sum(result.seat_list) for a in admitted}
                placed = compete(placer, want, ties, rec, order)
                got = {a: sum(s.get(a, 0) for s in placed.values()) for a in result.abbrs}
                if got != result.seats:
                    rec.say("Seats of this tier, as placed: {}", ", ".join(f"{a} {n}" for a, n in got.items() if n))
                result.seat_list = [got[a] for a in result.abbrs]
            else:
                placed = compete(placer, dict(need), ties, rec)
        else:
            placed = split_within(p, tier, election, placed, previous, held, ties, rec)
        previous = p.level
    result.log.extend(rec.entries)
    _parts(tier, result, election, previous, placed, explain)


def _turns(tier: m.Tier, election: Election, result: TierResult, held: dict[str, int], seats: int,
           ties: list[Tie]) -> list[str]:
    """The admitted lists in the order of their national quotients votes / d(held + j), highest first;
    each list as often as there are seats."""
    method = tier.method
    if not isinstance(method, m.Divisor) or method.kind is m.DivisorKind.HUNTINGTON_HILL:
        raise AllocationError("'in turn' needs a divisor method with rational divisors", tier.level_placements[0])
    figures: list[tuple[Fraction, str]] = []
    for a, v, ok in zip(result.abbrs, result.votes, result.admitted_flags, strict=True):
        if not ok or v <= 0:
            continue
        for j in range(seats):
            d = method.divisor(held.get(a, 0) + j)
            if d:
                figures.append((Fraction(v) / d, a))
    figures.sort(key=lambda f: -f[0])
    order: list[str] = []
    k = 0
    while k < len(figures):
        j = k
        while j < len(figures) and figures[j][0] == figures[k][0]:
            j += 1
        group = [a for _, a in figures[k:j]]
        if len(group) > 1 and k < seats * 2:
            entries = [e for e in election.lists if e.abbr in group]
            tb = TieBreaker(tier, entries, ties)
            rest = list(range(len(entries)))
            while rest:
                first = tb.favour(rest, 1, "the order of the national quotients",
                                  f"quotient {fmt_exact(figures[k][0], 4)}")
                order.append(entries[first[0]].abbr)
                rest.remove(first[0])
        else:
            order.extend(group)
        k = j
    return order


def _parts(tier: m.Tier, result: TierResult, election: Election, level: str,
           placed: dict[str, dict[str, int]], explain: bool) -> None:
    result.level = level
    admitted = set(result.admitted)
    for view in level_views(election, level):
        u = view.unit
        assert u is not None
        got = placed.get(u.name, {})
        names = list(view.names)
        for a in got:
            if a not in names:
                names.append(a)
        seats = [got.get(a, 0) for a in names]
        n = len(names)
        log: list[Step] = [Step(f"{a}: {s} seat(s) placed here") for a, s in zip(names, seats, strict=True)
                           if s] if explain else []
        votes = dict(zip(view.names, view.votes, strict=True))
        result.parts.append(TierResult(
            name=tier.name, size=sum(seats), abbrs=names, names=names, votes=[votes.get(a, 0) for a in names],
            passed_flags=[a in admitted for a in names], admitted_flags=[a in admitted for a in names],
            admitted_by=[""] * n, seat_list=seats, log=list(log), level=level, district=u.name))


_BASE_TOTAL = {m.Base.VALID_VOTES: "valid", m.Base.BALLOTS_CAST: "ballots_cast", m.Base.REGISTERED_VOTERS: "registered"}


def split_entitlement(p: m.LevelPlacement, tier: m.Tier, election: Election, result: TierResult,
                      lower: TierResult, held: dict[str, dict[str, int]], ties: list[Tie],
                      rec: Recorder, minimum: dict[str, dict[str, int]] | None = None) -> dict[str, dict[str, int]]:
    """Each list's entitlement split among the units of ``p.level``; in each unit the seats it holds
    in the levelled tier are taken up as far as its share there goes (ranked by share, the rest not
    seated, under 'overhang not seated'); this tier's seats there are the share less those taken up."""
    assert result.entitlement is not None
    units = list(election.units_of(p.level))
    views = {v.unit.name: v for v in level_views(election, p.level)}  # type: ignore[union-attr]
    shares: dict[str, dict[str, int]] = {}
    for abbr, n in result.entitlement.items():
        if n <= 0:
            continue
        rec.say("{}: its entitlement of {} split among the units of level {!r} by {}", abbr, n, p.level,
                method_name(p.method), clause=p)
        if p.at_least is not None:
            least = {u: here.get(abbr, 0) for u, here in (minimum or {}).items()}
            for unit, seats in _split_at_least(p, tier, abbr, n, units, views, least, rec).items():
                shares.setdefault(unit, {})[abbr] = seats
            continue
        if p.after is None and p.per_unit is None and p.per_unit_figure is None and p.quotients is None:
            for unit, seats in _split_one(p, tier, abbr, n, units, views, ties, rec).items():
                shares.setdefault(unit, {})[abbr] = seats
            continue
        placer = Placer(p, tier, election, {} if p.after is None else held, units, views, {abbr})
        for unit, got in compete(placer, {abbr: n}, ties, rec).items():
            shares.setdefault(unit, {}).update(got)
    policy = tier.overhang_policy
    not_seated = policy is not None and policy.policy is m.OverhangPolicy.NOT_SEATED
    admitted = set(result.entitlement)
    votes = dict(zip(result.abbrs, result.votes, strict=True))
    lower_parts = _parts_below(election, lower, p.level)
    placed: dict[str, dict[str, int]] = {}
    kept = 0  # 'overhang kept': seats won in a unit beyond the list's share there
    for u in units:
        share, won = shares.get(u.name, {}), held.get(u.name, {})
        here: dict[str, int] = {}
        for abbr in sorted(set(share) | set(won), key=result.abbrs.index):
            s, w = share.get(abbr, 0), won.get(abbr, 0)
            if abbr in admitted:
                seated = min(w, s) if not_seated else w
                if not not_seated and w > s:
                    kept += w - s
                    rec.say("{} in {}: {} constituency seat(s) won, {} seat(s) there: it keeps them ({} overhang)",
                            abbr, u.name, w, s, w - s, clause=policy or p)
                here[abbr] = max(0, s - seated)
                if w > seated:
                    assert policy is not None
                    rec.say("{} in {}: {} constituency seat(s) won, {} seat(s) there: {} not seated", abbr, u.name, w,
                            s, w - seated, clause=policy)
                    _unseat(election, lower, lower_parts.get(u.name, []), abbr, w - seated, policy, rec)
            elif not_seated and w and votes.get(abbr, 0) > 0:
                assert policy is not None
                rec.say("{} in {}: takes no part in the distribution; its {} seat(s) won there are not seated", abbr,
                        u.name, w, clause=policy)
                _unseat(election, lower, lower_parts.get(u.name, []), abbr, w, policy, rec)
        placed[u.name] = {a: n for a, n in here.items() if n}
    if policy is not None and policy.policy is m.OverhangPolicy.KEPT:
        result.overhang = kept
    got = {a: 0 for a in result.abbrs}
    for here in placed.values():
        for a, n in here.items():
            got[a] += n
    result.seat_list = [got[a] for a in result.abbrs]
    return placed


def _parts_below(election: Election, lower: TierResult, level: str) -> dict[str, list[TierResult]]:
    """The levelled tier's parts by the unit of ``level`` they are in."""
    tree = election.tree
    out: dict[str, list[TierResult]] = {}
    for part in lower.parts:
        if part.level is None or part.district is None:
            continue
        unit = tree.unit(part.level, part.district)
        if unit is None:
            continue
        up = unit if unit.level == level else next((a for a in tree.ancestors(unit) if a.level == level), None)
        if up is not None:
            out.setdefault(up.name, []).append(part)
    return out


def _unseat(election: Election, lower: TierResult, parts: list[TierResult], abbr: str, count: int,
            policy: m.Overhang, rec: Recorder) -> None:
    """The ``count`` seats of ``abbr`` in ``parts`` with the lowest share of the ranking base are not
    taken up (equal shares at the cut: the rules give no order)."""
    base = policy.ranked_by or m.Base.VALID_VOTES
    key = _BASE_TOTAL.get(base)
    ranked: list[tuple[Fraction, TierResult, int]] = []
    for part in parts:
        if abbr not in part.abbrs:
            continue
        k = part.abbrs.index(abbr)
        if not part.seat_list[k]:
            continue
        unit = part.district or ""
        found = election.tree.unit(part.level or "", unit)
        figure = found.totals.get(key or "") if found is not None else None
        if not figure:
            raise MissingFigure(f"{unit}: ranking the seats won by share of {base.value} needs that figure there",
                                policy)
        ranked.append((Fraction(part.votes[k], figure), part, k))
    ranked.sort(key=lambda r: -r[0])
    keep = len(ranked) - count
    if keep > 0 and count > 0 and ranked[keep - 1][0] == ranked[keep][0]:
        raise TieError(f"{abbr}: equal shares {fmt_exact(ranked[keep][0] * 100, 4)}% at the cut of the seats taken "
                       "up; the rules give no order", [abbr], policy)
    for rank, (share, part, k) in enumerate(ranked, 1):
        percent = Lazy(fmt_exact, share * 100, 4)
        if rank <= keep:
            rec.say("  {}. {} in {}: {}% of {}: seated", rank, abbr, part.district, percent, base.value)
            continue
        rec.say("  {}. {} in {}: {}% of {}: not seated (beyond its seats)", rank, abbr, part.district, percent,
                base.value)
        part.seat_list[k] = 0
        part.log.append(Step("{}: the seat won here is not taken up ({}% of {}; the party's seats in the unit "
                             "above are all filled by its winners with higher shares)", policy,
                             (abbr, percent, base.value)))
        i = lower.abbrs.index(abbr)
        lower.seat_list[i] -= 1




def method_name(method: m.Divisor | m.LargestRemainder) -> str:
    """A placement's method as the rules write it."""
    if isinstance(method, m.Divisor):
        return method.kind.value
    return f"largest_remainder quota {method.quota.kind.value}"


def _split_one(p: m.LevelPlacement, tier: m.Tier, abbr: str, seats: int, units: list[Unit], views: dict[str, View],
               ties: list[Tie], rec: Recorder) -> dict[str, int]:
    """One list's seats among the units by the method on its votes there (the units as the method's
    lists: ties between units by the tier's chain, 'more_votes' meaning more votes there)."""
    from hemicycle.election import ListEntry
    from hemicycle.interpreter.methods import apply_method

    names = [u.name for u in units]
    votes = []
    for u in units:
        view = views[u.name]
        k = _position(view, abbr)
        votes.append(view.votes[k] if k is not None else 0)
    entries = [ListEntry(abbr=name, votes=v, registration_order=i + 1)
               for i, (name, v) in enumerate(zip(names, votes, strict=True))]
    tb = TieBreaker(tier, entries, ties, votes)
    outcome = apply_method(p.method, votes, None, list(range(len(units))), seats, tb, names, rec.on)
    if rec.on:
        rec.entries.extend(outcome.steps)
        rec.say("{}: {}", abbr, ", ".join(f"{names[i]} {n}" for i, n in enumerate(outcome.seats) if n))
    return {names[i]: n for i, n in enumerate(outcome.seats) if n}


def _position(view: View, abbr: str) -> int | None:
    index = view.election.derived.get(("positions", id(view)))
    if index is None:
        index = {a: k for k, a in enumerate(view.names)}
        view.election.derived[("positions", id(view))] = index
    return index.get(abbr)  # type: ignore[union-attr]


def _split_at_least(p: m.LevelPlacement, tier: m.Tier, abbr: str, seats: int, units: list[Unit],
                    views: dict[str, View], least: dict[str, int], rec: Recorder) -> dict[str, int]:
    """One list's seats among the units by the divisor method, each unit getting at least ``least``:
    the divisor method's seats k in a unit count only beyond the unit's least seats (a unit's share is
    max(least, k)); the highest quotient votes / d(k) takes the next seat until the shares add up."""
    votes = {}
    for u in units:
        k = _position(views[u.name], abbr)
        votes[u.name] = views[u.name].votes[k] if k is not None else 0
    floor = sum(least.get(u.name, 0) for u in units)
    if floor > seats:
        raise AllocationError(f"{abbr}: its {seats} seat(s) are fewer than the {floor} it must get at least in the "
                              f"units of level {p.level!r}", p)
    k = dict.fromkeys(votes, 0)
    total = floor
    rec.say("{}: {} seat(s), at least its seats of tier {!r} in each {}: {}", abbr, seats, p.at_least, p.level,
            ", ".join(f"{u} {n}" for u, n in least.items() if n) or "none", clause=p)
    while total < seats:
        best: Fraction | None = None
        at: list[str] = []
        for u, v in votes.items():
            d = p.method.divisor(k[u])
            if v <= 0 or d is None:
                continue
            q = Fraction(v) / d if d else Fraction(1 << 200)
            if best is None or q > best:
                best, at = q, [u]
            elif q == best:
                at.append(u)
        if best is None:
            raise AllocationError(f"{abbr}: {seats - total} seat(s) cannot be split: no unit with a vote left", p)
        counting = [u for u in at if k[u] + 1 > least.get(u, 0)]
        if len(at) > 1 and total + len(counting) > seats:  # equal quotients for fewer seats than they ask
            raise TieError(f"{abbr}: equal quotients {fmt_exact(best, 4)} in {', '.join(at)}; the rules do not say "
                           "which unit takes the seat", [abbr], p)
        for u in at:  # equal quotients that all get a seat: the order does not matter
            k[u] += 1
            if k[u] > least.get(u, 0):
                total += 1
                rec.say("  {}: a seat in {} ({:n} / {} = {})", abbr, u, votes[u],
                        Lazy(fmt_exact, p.method.divisor(k[u] - 1)), Lazy(fmt_exact, best, 4))
    return {u: max(least.get(u, 0), k[u]) for u in votes if max(least.get(u, 0), k[u])}
