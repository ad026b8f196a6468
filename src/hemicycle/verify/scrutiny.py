"""Two scrutinies over magnitudes apportioned by the votes (the Czech Republic's law since 2021):
the family the verifier encodes, its encoding and what the replay needs.

The family (issue 16): one level whose magnitudes are apportioned by a base of the votes
(``apportion by valid_votes largest_remainder quota ...``, a whole-vote quota, ties ending in a
lot or the registration order); a first tier ``in each district`` with a whole-vote
largest-remainder quota (``integer parts only`` allowed: the seats left over stay unfilled; an
excess is taken back from the smallest remainders), thresholds of a share or a number of the
valid votes, nationally or in the district, for every list or for ``lists of K parties`` (a
symbolic member count per list, the same in every district and in both elections of a step,
free: a proof covers every count); a second, national tier ``seats unfilled in tier "first"``,
``votes remainders of tier "first"`` with a whole-vote quota, ``place in each district by
remainders of tier "first"``. Anything else is refused with its line.

The encoding (``encode``): each region's valid votes are the sum of its lists' votes; the
apportionment's quota, integer parts and remainders, each region's quota over its symbolic
magnitude, each list's integer parts there, the remainders and the second scrutiny are written
by cases (``vote_apportionment``), so every constraint is linear. The placement is the
interpreter's greedy pass over (list, region) pairs, largest remainder first, as a fixpoint that a
strict order makes unique (equal remainders broken by the pair's place). Where two pairs have
equal remainders and not all of them can be placed, the interpreter breaks the tie by its chain
(or stops: a list tied with itself in two regions); such elections are **set aside** (no result
in the encoding, ``placement_tie``), and the verdict's bounds say so.

Lots: one free draw per allocation (the apportionment, each region's first scrutiny, the second
scrutiny), named by the query so that both elections of a step draw the same lot: a verdict is
about the votes, for every draw. The replay sets each draw (``Ties.draw``, ``district_draws``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import z3

from hemicycle.model import Base, Chamber, LargestRemainder, Level, Scope, SelectorKind, Threshold, Tier
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.symbolic import Ctx, SymElection
from hemicycle.verify.vote_apportionment import (
    LR,
    Favour,
    bounded,
    check_quota,
    constant,
    draw_names,
    favour,
    largest_remainder,
    quota_of,
)

Int = z3.ArithRef
APPORTIONMENT = "apportionment"
SECOND = "second"


def first_lot(region: str) -> str:
    return f"first:{region}"


@dataclass(frozen=True)
class Scrutinies:
    """The two-scrutiny family of a chamber: its level, the tier in each district, the national tier."""

    level: Level
    first: Tier
    second: Tier
    member_counts: int  # member counts 1..this per list (0: no selector by members)

    @property
    def seats(self) -> int:
        return self.level.seats


def is_scrutinies(chamber: Chamber) -> bool:
    """A level apportioned by a base of the votes: this family's (or refused by it)."""
    return len(chamber.levels) == 1 and chamber.levels[0].apportion is not None \
        and chamber.levels[0].apportion.base is not None


def scrutinies(chamber: Chamber) -> Scrutinies:
    """The chamber as the family, or ``UnsupportedClause`` naming the first clause outside it."""
    level = chamber.levels[0]
    app = level.apportion
    assert app is not None
    if app.base is not Base.VALID_VOTES:
        raise UnsupportedClause(app, "apportion by " + app.figure, "only the valid votes are encoded as the base")
    if not isinstance(app.method, LargestRemainder) or app.method.integer_parts_only:
        raise UnsupportedClause(app, "apportion by ...", "magnitudes apportioned by the votes are encoded with "
                                "largest remainder (a whole-vote quota), not a divisor method yet")
    check_quota(app.method.quota)
    if level.fixed or level.minimum is not None:
        node = level.minimum or level.fixed[0]
        raise UnsupportedClause(node, "fixed / minimum", "fixed seats or a minimum beside magnitudes apportioned "
                                "by the votes are not encoded")
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside districts are not encoded")
    if chamber.seats != level.seats:
        raise UnsupportedClause(level, level.label, "seats beside the districts' are not encoded")
    if len(chamber.tiers) != 2:
        node = chamber.tiers[2] if len(chamber.tiers) > 2 else level
        raise UnsupportedClause(node, "tier", "magnitudes apportioned by the votes are encoded with two tiers: "
                                "one in each district, one on the seats it left unfilled")
    first, second = chamber.tiers
    if first.level != level.name:
        raise UnsupportedClause(first, "tier", "the first tier must allocate `in each` district")
    _plain(first, first_tier=True)
    _plain(second, first_tier=False)
    for th in first.thresholds:
        _threshold(th)
    for what, node in (("seats unfilled in tier ...", second.seats_from), ("votes remainders of tier ...",
                                                                          second.votes_from),
                       ("place in each ... by remainders of tier ...", second.placement)):
        if node is None:
            raise UnsupportedClause(second, "tier", f"the second tier needs `{what}` in this family")
        if node.tier != first.name:  # type: ignore[attr-defined]
            raise UnsupportedClause(node, what, "must name the first tier")
    assert second.placement is not None
    if second.placement.level != level.name:
        raise UnsupportedClause(second.placement, "place in each ...", "must place into the districts")
    if second.thresholds:
        raise UnsupportedClause(second.thresholds[0], "threshold", "thresholds in the second scrutiny are not "
                                "encoded")
    counts = [th.applies_to.members for th in first.thresholds
              if th.applies_to is not None and th.applies_to.kind is SelectorKind.MEMBERS]
    return Scrutinies(level, first, second, max(counts) + 1 if counts else 0)


def _plain(tier: Tier, *, first_tier: bool) -> None:
    """The tier holds only what this family encodes."""
    if not isinstance(tier.method, LargestRemainder):
        raise UnsupportedClause(tier.method, "allocate ...", "a divisor method is not encoded in this family yet")
    check_quota(tier.method.quota)
    if not first_tier and tier.method.integer_parts_only:
        raise UnsupportedClause(tier.method, "integer parts only", "only the first tier may leave seats unfilled")
    if not first_tier and tier.level is not None:
        raise UnsupportedClause(tier, "tier", "the second tier must be national")
    clauses = [(tier.cap, "cap"), (tier.surplus, "surplus"), (tier.alliances, "alliances"), (tier.bonus, "bonus"),
               (tier.compensation, "compensate"), (tier.exempt, "exempt"), (tier.levelling, "levelling"),
               (tier.continuation, "continue after"), (tier.single_member, "elected by plurality"),
               (tier.upper, "upper apportionment"), (tier.calculation, "calculation only")]
    for node, what in clauses:
        if node is not None:
            raise UnsupportedClause(node, what, "not encoded beside magnitudes apportioned by the votes")
    for node in (*tier.provisions, *tier.consolations, *tier.level_placements):
        raise UnsupportedClause(node, "provision / consolation / placement", "not encoded in this family")
    if first_tier and (tier.seats_from or tier.votes_from or tier.placement):
        node = tier.seats_from or tier.votes_from or tier.placement
        raise UnsupportedClause(node, "tier ... of tier", "the first tier reads no other tier")  # type: ignore[arg-type]


def _threshold(th: Threshold) -> None:
    if th.alternatives or th.district_op is not None:
        raise UnsupportedClause(th, "threshold ... or ...", "alternatives are not encoded in this family")
    if th.quotas is not None or (th.share is not None and th.base is not Base.VALID_VOTES):
        raise UnsupportedClause(th, "threshold", "a share of the valid votes (or a number of votes) is encoded here")
    if th.scope not in (Scope.NATION, Scope.UNIT):
        raise UnsupportedClause(th, f"threshold ... {th.scope.value}", "nationally or in the district is encoded")
    if th.applies_to is not None and th.applies_to.kind not in (SelectorKind.EVERY_LIST, SelectorKind.MEMBERS):
        raise UnsupportedClause(th.applies_to, str(th.applies_to), "not encoded in this family")


# --- encoding ---------------------------------------------------------------------------------


@dataclass
class ScrutinyEnc:
    """One symbolic election's two scrutinies."""

    magnitudes: list[Int]
    first: list[LR]  # per region
    second: LR
    placed: list[list[Int]]  # region x list: second-scrutiny seats placed there
    seats: list[list[Int]]  # region x list: all seats there
    national_seats: list[Int]
    defined: z3.BoolRef
    placement_tie: z3.BoolRef
    members: list[Int]
    lots: dict[str, Favour] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lot -> the entries drawn


def member_vars(ctx: Ctx, fam: Scrutinies, n: int) -> list[Int]:
    """Each list's number of member parties, 1..member_counts, the same for every election of a query."""
    out = [z3.Int(f"{ctx.prefix}members.L{i + 1}") for i in range(n)]
    hi = max(fam.member_counts, 1)
    ctx.add(*[z3.And(x >= 1, x <= hi) for x in out])
    return out


def _selected(th: Threshold, members: Int) -> z3.BoolRef:
    sel = th.applies_to
    if sel is None or sel.kind is SelectorKind.EVERY_LIST:
        return z3.BoolVal(True)
    return members >= sel.members if sel.or_more else members == sel.members


def _reaches(th: Threshold, votes: Int, base: Int) -> z3.BoolRef:
    if th.share is None:
        assert th.absolute is not None
        return votes >= th.absolute if th.inclusive else votes > th.absolute
    num, den = th.share.numerator, th.share.denominator
    return votes * den >= base * num if th.inclusive else votes * den > base * num


def encode(ctx: Ctx, fam: Scrutinies, names: tuple[str, ...], ds: list[SymElection], label: str) -> ScrutinyEnc:
    """The two scrutinies of the districted election ``ds`` (one SymElection per region)."""
    n, r_count, S = ds[0].n, len(ds), fam.seats
    votes = [[x.a for x in d.votes] for d in ds]
    valid = [z3.Sum(row) for row in votes]
    nat = [z3.Sum([votes[r][i] for r in range(r_count)]) for i in range(n)]
    nat_valid = z3.Sum(valid)
    members = member_vars(ctx, fam, n)
    part_hi = 2 * (S + 2)
    # the magnitudes
    app = fam.level.apportion
    assert app is not None and isinstance(app.method, LargestRemainder)
    on_a = z3.BoolVal(True)
    qa = quota_of(ctx, app.method.quota, nat_valid, constant(S), on_a, f"{label}.apportion")
    fav_a = favour(ctx, fam.level.ties, APPORTIONMENT, valid, fam.level)
    lr_a = largest_remainder(ctx, f"{label}.apportion", valid, [z3.BoolVal(True)] * r_count, qa, constant(S),
                             qa >= 1, fav_a, part_hi, S)
    mag_bits = lr_a.seats
    mags = [b.expr for b in mag_bits]
    ok = [qa >= 1]
    # the thresholds, each list passing or not nationally (and in each region)
    first = fam.first
    assert isinstance(first.method, LargestRemainder)
    lots = {APPORTIONMENT: fav_a}
    lot_names = {APPORTIONMENT: names}
    firsts: list[LR] = []
    final_rems: list[list[Int]] = []
    has_rem: list[list[z3.BoolRef]] = []
    unfilled: list[Int] = []
    for r in range(r_count):
        passed = []
        for i in range(n):
            p = votes[r][i] > 0
            for th in first.thresholds:
                v, base = (nat[i], nat_valid) if th.scope is Scope.NATION else (votes[r][i], valid[r])
                p = z3.And(p, z3.Implies(_selected(th, members[i]), _reaches(th, v, base)))
            passed.append(p)
        on = z3.And(mags[r] >= 1, z3.Or(passed))
        w = z3.Sum([z3.If(passed[i], votes[r][i], 0) for i in range(n)])
        q = quota_of(ctx, first.method.quota, w, mag_bits[r], on, f"{label}.{names[r]}")
        fav = favour(ctx, first.ties, first_lot(names[r]), votes[r], first)
        lots[first_lot(names[r])] = fav
        lot_names[first_lot(names[r])] = tuple(f"L{i + 1}" for i in range(n))
        live = z3.And(on, q >= 1)
        ok.append(z3.Implies(on, q >= 1))
        lr = largest_remainder(ctx, f"{label}.{names[r]}", votes[r], passed, q, mag_bits[r], live, fav, part_hi,
                               S, give=not first.method.integer_parts_only)
        firsts.append(lr)
        final_rems.append([votes[r][i] - lr.seats[i].times(q) for i in range(n)])
        has_rem.append([z3.And(live, passed[i]) for i in range(n)])
        unfilled.append(mags[r] - z3.Sum([b.expr for b in lr.seats]))
    # the second scrutiny on the remainders
    second = fam.second
    assert isinstance(second.method, LargestRemainder)
    u = bounded(ctx, f"{label}.unfilled", S, z3.Sum(unfilled))
    rv = [z3.Sum([z3.If(has_rem[r][i], final_rems[r][i], 0) for r in range(r_count)]) for i in range(n)]
    passed2 = [x > 0 for x in rv]
    on2 = z3.And(u.expr >= 1, z3.Or(passed2))
    q2 = quota_of(ctx, second.method.quota, z3.Sum([z3.If(passed2[i], rv[i], 0) for i in range(n)]), u, on2,
                  f"{label}.second")
    fav2 = favour(ctx, second.ties, SECOND, rv, second)
    lots[SECOND] = fav2
    lot_names[SECOND] = tuple(f"L{i + 1}" for i in range(n))
    ok.append(z3.Implies(on2, q2 >= 1))
    lr2 = largest_remainder(ctx, f"{label}.second", rv, passed2, q2, u, z3.And(on2, q2 >= 1), fav2, part_hi, S)
    need = [b.expr for b in lr2.seats]
    placed, tie, fits = _place(ctx, need, final_rems, has_rem, unfilled, f"{label}.place")
    seats = [[firsts[r].seats[i].expr + placed[r][i] for i in range(n)] for r in range(r_count)]
    national = [z3.Sum([firsts[r].seats[i].expr for r in range(r_count)]) + need[i] for i in range(n)]
    defined = z3.And(*ok, fits, z3.Not(tie))
    return ScrutinyEnc(mags, firsts, lr2, placed, seats, national, defined, tie, members, lots, lot_names)


def _place(ctx: Ctx, need: list[Int], rems: list[list[Int]], present: list[list[z3.BoolRef]], room: list[Int],
           label: str) -> tuple[list[list[Int]], z3.BoolRef, z3.BoolRef]:
    """The interpreter's ``levels.place``: pairs (region, list), largest remainder first, one seat
    a pair while the list has seats to place and the region has room. Returns the seats placed,
    the flag of a tie that the greedy pass does not settle as the interpreter would, and whether
    every seat was placed."""
    R, n = len(rems), len(need)
    pairs = [(r, i) for r in range(R) for i in range(n)]
    live = {p: z3.And(present[p[0]][p[1]], need[p[1]] > 0) for p in pairs}
    x = {p: ctx.bool_var(f"{label}.r{p[0] + 1}L{p[1] + 1}") for p in pairs}

    def rem(p: tuple[int, int]) -> Int:
        return rems[p[0]][p[1]]

    def ahead(a: tuple[int, int], b: tuple[int, int]) -> z3.BoolRef:
        """a comes before b in the pass (a strict total order on the pairs)."""
        return z3.Or(rem(a) > rem(b), z3.And(rem(a) == rem(b), z3.BoolVal(pairs.index(a) < pairs.index(b))))

    def taken(b: tuple[int, int], same: int, strict: bool) -> Int:
        """Seats placed before b in b's list (same=1) or region (same=0)."""
        others = [a for a in pairs if a != b and a[same] == b[same]]
        return z3.Sum([z3.If(z3.And(x[a], rem(a) > rem(b) if strict else ahead(a, b)), 1, 0) for a in others]
                      or [z3.IntVal(0)])

    for p in pairs:
        r, i = p
        ctx.add(x[p] == z3.And(live[p], need[i] - taken(p, 1, False) > 0, room[r] - taken(p, 0, False) > 0))
    ties = []
    for p in pairs:
        r, i = p
        open_at_start = z3.And(live[p], need[i] - taken(p, 1, True) > 0, room[r] - taken(p, 0, True) > 0)
        for a in pairs:
            if a != p:
                ties.append(z3.And(x[a], z3.Not(x[p]), open_at_start, live[a], rem(a) == rem(p)))
    placed = [[z3.If(x[(r, i)], 1, 0) for i in range(n)] for r in range(R)]
    fits = z3.And([z3.Sum([placed[r][i] for r in range(R)]) == need[i] for i in range(n)])
    return placed, z3.Or(ties), fits


def details(enc: ScrutinyEnc, m: z3.ModelRef) -> tuple[list[int], dict[str, tuple[str, ...]]]:
    """The model's member counts and draws (each lot's entries, first drawn first)."""
    members = [m.eval(x, model_completion=True).as_long() for x in enc.members]
    lots = {}
    for key, fav in enc.lots.items():
        d = draw_names(m, fav, enc.names[key])
        if d is not None:
            lots[key] = d
    return members, lots


def replay_chamber(chamber: Chamber, fam: Scrutinies, names: tuple[str, ...],
                   lots: dict[str, tuple[str, ...]]) -> Chamber:
    """The chamber with each lot drawn as the case says."""
    level, first, second = fam.level, fam.first, fam.second
    if APPORTIONMENT in lots and level.ties is not None:
        level = dataclasses.replace(level, ties=dataclasses.replace(level.ties, draw=lots[APPORTIONMENT]))
    per = tuple((name, lots[first_lot(name)]) for name in names if first_lot(name) in lots)
    if per and first.ties is not None:
        first = dataclasses.replace(first, ties=dataclasses.replace(first.ties, district_draws=per))
    if SECOND in lots and second.ties is not None:
        second = dataclasses.replace(second, ties=dataclasses.replace(second.ties, draw=lots[SECOND]))
    return dataclasses.replace(chamber, levels=(level,), tiers=(first, second))
