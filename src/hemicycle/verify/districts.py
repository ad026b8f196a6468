"""Districted chambers in the verifier: the family it encodes, its encoding, its replay.

The family (issue 16, first slice): one level of units whose magnitudes are all **fixed** in the
rule file (``districts seats N { fixed "A" 3, "B" 4 }``, the fixed seats adding up to N), and one
tier ``in each district`` with a divisor method or largest remainder, thresholds on the
district's own figures and/or ``nationally``, and the tier's ``ties``. Every list stands in every
district (0 votes is allowed). Everything else about districts is refused with its line
(``UnsupportedClause``), never dropped.

The encoding: symbolic votes per district x list (and the other figures a base needs, per
district); the national figures are their sums; each district is the single-tier encoding
(``encode_tier``) with the district's magnitude as its house and the national election for the
thresholds ``nationally``; a list's seats in the chamber are the sum of its district seats.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction

import z3

from hemicycle.election import Election, ListEntry, Unit
from hemicycle.model import Chamber, Scope, SelectorKind, Tier
from hemicycle.verify.apportionment import DEFAULT_UNITS, Apportioned, apportioned
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.encoder import TierEnc, encode_tier
from hemicycle.verify.errors import EncodingMismatch, UnsupportedClause, VerifyError
from hemicycle.verify.num import total
from hemicycle.verify.scrutiny import Scrutinies, ScrutinyEnc, details, encode, is_scrutinies, scrutinies
from hemicycle.verify.scrutiny import replay_chamber as scrutiny_chamber
from hemicycle.verify.symbolic import EXTRAS, Ctx, SymElection, make_election, needed_extras, needed_tags
from hemicycle.verify.ties import LOT_TAG, lot_order

# the figures besides list votes a district can have (blank ballots: `valid_votes_and_blank`)
DISTRICT_EXTRAS = (*EXTRAS, "blank")
# the selectors a district tier's thresholds and exemptions can use (a list's tags are the same
# in every district: a symbolic flag per list and tag, shared by the districts of an election)
TAG_SELECTORS = (SelectorKind.EVERY_LIST, SelectorKind.TAGGED, SelectorKind.UNTAGGED)
# magnitudes from the vote file: each district's magnitude ranges over 1..this (``--max-magnitude``)
DEFAULT_MAX_MAGNITUDE = 3


@dataclass(frozen=True)
class DistrictSystem:
    """What the verifier encodes of a districted chamber."""

    chamber: Chamber
    tier: Tier
    names: tuple[str, ...]
    magnitudes: tuple[int, ...]
    integer: bool = False  # integer votes even when scale invariant (a bound on the figures)
    # magnitudes apportioned by a figure of the vote file: each vector of magnitudes is a case
    # (``magnitudes`` is then one case's, or () for the whole system)
    apportioned: Apportioned | None = None
    figures: tuple[int, ...] = ()  # the apportioned units' figures that give ``magnitudes`` (replay)
    # magnitudes from the vote file: each district's magnitude is symbolic, 1..max_magnitude (the
    # same in every election of a query); 0: fixed or apportioned magnitudes
    max_magnitude: int = 0
    # magnitudes apportioned by the votes, with two scrutinies (verify/scrutiny.py); ``tier`` is
    # then the first scrutiny
    scrutiny: Scrutinies | None = None

    @property
    def magnitude_text(self) -> str:
        """The magnitudes a verdict covers, for its bounds."""
        if self.scrutiny is not None:
            return (f"magnitudes apportioned by the votes ({self.scrutiny.seats} seats), two scrutinies; "
                    "elections where the placement of second-scrutiny seats meets equal remainders it cannot "
                    "all seat are set aside")
        if self.max_magnitude:
            return (f"magnitudes from the vote file: every vector in 1..{self.max_magnitude} per district "
                    "(the chamber their sum)")
        if self.apportioned is not None:
            return f"apportioned magnitudes ({self.chamber.levels[0].seats} seats)"
        return "/".join(str(m) for m in self.magnitudes) + " seats"

    @property
    def real(self) -> bool:
        """Rational votes: the seats do not change when every figure is scaled."""
        return not self.integer and self.tier.scale_invariant and all(t.absolute is None for t in self.tier.thresholds)


def district_system(chamber: Chamber, units: int = DEFAULT_UNITS,
                    max_magnitude: int | None = None, seats: int | None = None) -> DistrictSystem:
    """The chamber as the encoded family, or ``UnsupportedClause`` naming the first clause outside
    it. ``units``: how many units an apportioned level, or a level whose magnitudes the vote file
    gives, has (the rule file does not name them); ``max_magnitude``: the bound on a magnitude
    the vote file gives (default ``DEFAULT_MAX_MAGNITUDE``); ``seats``: an apportioned level at
    that many seats (its fixed seats and minimum kept: a smaller chamber of the same law)."""
    if max_magnitude is None:
        max_magnitude = DEFAULT_MAX_MAGNITUDE
    if seats is not None:
        chamber = at_seats(chamber, seats)
    if len(chamber.levels) != 1:
        lv = chamber.levels[1]
        raise UnsupportedClause(lv, lv.label, "one level of districts is encoded, not several")
    level = chamber.levels[0]
    if is_scrutinies(chamber):
        fam = scrutinies(chamber)
        return DistrictSystem(chamber, fam.first, tuple(f"D{k + 1}" for k in range(units)), (), integer=True,
                              scrutiny=fam)
    app = None
    if level.apportion is not None:
        if level.apportion.base is not None:
            raise UnsupportedClause(level.apportion, "apportion by " + level.apportion.figure,
                                    "magnitudes apportioned by the votes themselves are not encoded for the "
                                    "vote properties (only by a figure of the vote file, such as population)")
        app = apportioned(level, units)
    elif level.minimum is not None:
        raise UnsupportedClause(level.minimum, "minimum", "a minimum without `apportion by` is not encoded")
    free = app is None and not level.fixed
    if app is None and level.fixed and sum(f.seats for f in level.fixed) != level.seats:
        raise UnsupportedClause(level, level.label, "some magnitudes fixed in the rules and the others from "
                                "the vote file are not encoded: fix every district's seats or none")
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside districts are not encoded yet")
    if not chamber.tiers:
        raise UnsupportedClause(level, level.label, "the chamber has no tier, so no votes to verify (the "
                                "apportionment properties of its magnitudes are verified: apportionment-*)")
    if len(chamber.tiers) != 1:
        t = chamber.tiers[1] if chamber.tiers else level
        raise UnsupportedClause(t, "tier", "a districted chamber with one tier is encoded, not several")
    tier = chamber.tiers[0]
    if tier.level != level.name:
        raise UnsupportedClause(tier, "tier", "the one tier must allocate `in each` district")
    if tier.cap is not None:
        raise UnsupportedClause(tier.cap, "cap", "caps in districts are not encoded yet")
    if tier.surplus is not None:
        raise UnsupportedClause(tier.surplus, "surplus", "list sizes are not modelled")
    for p in tier.provisions:
        raise UnsupportedClause(p, "when ... / provisions", "provisions in districts are not encoded yet")
    for t in (test for th in tier.thresholds for test in th.tests):
        if t.scope in (Scope.EVERY, Scope.AT_LEAST) and t.level != level.name:
            raise UnsupportedClause(t, f"threshold ... in {t.level}", "a test in the units of another level "
                                    "than the districts is not encoded")
        if t.quotas is not None and t.scope is not Scope.UNIT:
            raise UnsupportedClause(t, f"threshold ... quota {t.scope.value}", "not encoded yet")
        if t.applies_to is not None and t.applies_to.kind not in TAG_SELECTORS:
            raise UnsupportedClause(t.applies_to, str(t.applies_to), "this selector in districts is not encoded yet")
    if tier.exempt is not None and tier.exempt.who.kind not in TAG_SELECTORS:
        raise UnsupportedClause(tier.exempt.who, str(tier.exempt.who), "this selector in districts is not encoded yet")
    if app is not None:
        return DistrictSystem(chamber, tier, app.names, (), apportioned=app)
    if free:
        if max_magnitude < 1:
            raise ValueError("the bound on a magnitude from the vote file is at least 1")
        return DistrictSystem(chamber, tier, tuple(f"D{k + 1}" for k in range(units)), (),
                              max_magnitude=max_magnitude)
    return DistrictSystem(chamber, tier, tuple(f.unit for f in level.fixed), tuple(f.seats for f in level.fixed))


def at_seats(chamber: Chamber, seats: int) -> Chamber:
    """An apportioned level's chamber at ``seats`` seats, its fixed seats and minimum kept."""
    level = chamber.levels[0] if len(chamber.levels) == 1 else None
    if level is None or level.apportion is None:
        raise VerifyError("--seats applies to districts whose magnitudes are apportioned (`apportion by ...`); "
                          "magnitudes from the vote file are bounded by --max-magnitude")
    if chamber.seats != level.seats:
        raise UnsupportedClause(level, level.label, "seats beside the districts' are not encoded")
    return dataclasses.replace(chamber, seats=seats, levels=(dataclasses.replace(level, seats=seats),))


# --- encoding --------------------------------------------------------------------------------


@dataclass
class DistrictEnc:
    """One symbolic districted election and its allocation."""

    districts: list[SymElection]
    national: SymElection
    units: list[TierEnc | None]  # None: a district of 0 seats, or of a symbolic magnitude
    seats: list[list[z3.ArithRef]]  # district x list
    national_seats: list[z3.ArithRef]
    defined: z3.BoolRef
    # magnitudes from the vote file: each district's magnitude and its allocation for each
    # magnitude 1..max_magnitude (``options[k][m - 1]``)
    magnitudes: list[z3.ArithRef] = field(default_factory=list)
    options: list[list[TierEnc]] = field(default_factory=list)
    scrutiny: ScrutinyEnc | None = None  # two scrutinies (verify/scrutiny.py)

    def unit_for(self, k: int, m: z3.ModelRef) -> TierEnc | None:
        """District k's allocation in the model ``m`` (its magnitude's, when symbolic)."""
        if not self.options:
            return self.units[k]
        mag = m.eval(self.magnitudes[k], model_completion=True).as_long()
        return self.options[k][mag - 1]


def national_of(ds: list[SymElection]) -> SymElection:
    n = ds[0].n
    return SymElection([total([d.votes[i] for d in ds]) for i in range(n)],
                       total([d.against_all for d in ds]), total([d.invalid for d in ds]),
                       total([d.nonvoters for d in ds]), blank=total([d.blank for d in ds]), regions=tuple(ds))


def magnitude_vars(ctx: Ctx, sys: DistrictSystem) -> list[z3.ArithRef]:
    """The symbolic magnitudes of a query (named by the query's prefix, so that every election
    of one query has the same magnitudes), each in 1..max_magnitude."""
    out = [z3.Int(f"{ctx.prefix}magnitude.{name}") for name in sys.names]
    ctx.add(*[z3.And(x >= 1, x <= sys.max_magnitude) for x in out])
    return out


def allocate_districts(ctx: Ctx, sys: DistrictSystem, ds: list[SymElection], label: str) -> DistrictEnc:
    """Encode the allocation of the districted election ``ds`` (one SymElection per district)."""
    nat = national_of(ds)
    n = nat.n
    if sys.scrutiny is not None:
        sc = encode(ctx, sys.scrutiny, sys.names, ds, label)
        return DistrictEnc(ds, nat, [None] * len(ds), sc.seats, sc.national_seats, sc.defined, scrutiny=sc)
    if sys.max_magnitude:
        return _allocate_free(ctx, sys, ds, nat, label)
    units: list[TierEnc | None] = []
    seats: list[list[z3.ArithRef]] = []
    for name, m, e in zip(sys.names, sys.magnitudes, ds, strict=True):
        if m == 0:
            units.append(None)
            seats.append([z3.IntVal(0)] * n)
            continue
        enc = encode_tier(ctx, sys.tier, e, house=m, label=f"{label} {name}", national=nat)
        units.append(enc)
        seats.append(list(enc.seats))
    nat_seats = [z3.Sum([s[i] for s in seats]) for i in range(n)]
    defined = z3.And([u.defined for u in units if u is not None] or [z3.BoolVal(True)])
    return DistrictEnc(ds, nat, units, seats, nat_seats, defined)


def _allocate_free(ctx: Ctx, sys: DistrictSystem, ds: list[SymElection], nat: SymElection,
                   label: str) -> DistrictEnc:
    """Magnitudes from the vote file: each district's allocation for every magnitude in the bound,
    the district's seats those of its symbolic magnitude."""
    n = nat.n
    mags = magnitude_vars(ctx, sys)
    seats: list[list[z3.ArithRef]] = []
    options: list[list[TierEnc]] = []
    defined: list[z3.BoolRef] = []
    for name, mag, e in zip(sys.names, mags, ds, strict=True):
        opts = [encode_tier(ctx, sys.tier, e, house=m, label=f"{label} {name} ({m} seats)", national=nat)
                for m in range(1, sys.max_magnitude + 1)]
        options.append(opts)
        row = []
        for i in range(n):
            s: z3.ArithRef = opts[-1].seats[i]
            for m in range(sys.max_magnitude - 1, 0, -1):
                s = z3.If(mag == m, opts[m - 1].seats[i], s)
            row.append(s)
        seats.append(row)
        defined.append(z3.Or([z3.And(mag == m, o.defined) for m, o in enumerate(opts, start=1)]))
    nat_seats = [z3.Sum([s[i] for s in seats]) for i in range(n)]
    return DistrictEnc(ds, nat, [None] * len(ds), seats, nat_seats, z3.And(defined), mags, options)


def district_elections(ctx: Ctx, sys: DistrictSystem, n: int, label: str,
                       max_votes: int | None = None) -> list[SymElection]:
    """One symbolic election per district; the lists' tags (``needed_tags``) are the election's,
    the same in every district."""
    extras = needed_extras([sys.tier]) if sys.scrutiny is None else set()  # two scrutinies: list votes only
    tags = {t: [z3.Bool(f"{ctx.prefix}{label}.L{i + 1}#{t}") for i in range(n)]
            for t in sorted(needed_tags([sys.tier]))}
    out = [make_election(ctx, n, f"{label}.{name}", extras, set(), max_votes) for name in sys.names]
    for e in out:
        e.tags = dict(tags)
    return out


# --- concrete elections and the interpreter --------------------------------------------------


@dataclass
class DistrictCase:
    """A concrete districted election: votes[district][list] and per district the extras; the
    draw of each district's lot (None: no draw named) and, when the vote file gives them, the
    magnitudes."""

    votes: list[list[int]]
    extras: list[dict[str, int]]
    draws: list[tuple[str, ...] | None] = field(default_factory=list)
    magnitudes: list[int] = field(default_factory=list)
    tags: dict[str, list[bool]] = field(default_factory=dict)  # per tag, which lists carry it
    members: list[int] = field(default_factory=list)  # each list's member parties (coalition_size)
    lots: dict[str, tuple[str, ...]] = field(default_factory=dict)  # two scrutinies: each lot's draw

    def __str__(self) -> str:
        out = f"votes {self.votes}" + (f" extras {self.extras}" if any(any(x.values()) for x in self.extras)
                                       else "")
        if self.magnitudes:
            out += f" magnitudes {self.magnitudes}"
        for t, flags in self.tags.items():
            out += f" tagged {t}: " + (", ".join(f"L{i + 1}" for i, f in enumerate(flags) if f) or "none")
        if any(d is not None for d in self.draws):
            out += " draws " + "; ".join(", ".join(d) if d else "-" for d in self.draws)
        if self.members:
            out += f" member parties {self.members}"
        for key, d in self.lots.items():
            out += f" lot {key}: {', '.join(d)}"
        return out


@dataclass
class DistrictOutcome:
    case: DistrictCase
    seats: list[list[int]]  # district x list
    national: list[int]
    trace: str = ""
    names: tuple[str, ...] = ()  # the districts, in the rule file's order
    house: int = 0  # the chamber's seats
    magnitudes: tuple[int, ...] = ()
    figures: dict[str, int] = field(default_factory=dict)  # apportioned units: the figure apportioned by

    @property
    def national_votes(self) -> list[int]:
        return [sum(d[i] for d in self.case.votes) for i in range(len(self.national))]


def _figures(sys: DistrictSystem) -> dict[str, int]:
    if not sys.figures:
        return {}
    assert sys.apportioned is not None
    return dict(zip(sys.apportioned.pool, sys.figures, strict=True))


def _totals(votes: list[int], extras: dict[str, int], blank: bool) -> dict[str, int]:
    return totals_for(votes, **{k: extras.get(k, 0) for k in EXTRAS},
                      blank=extras.get("blank", 0) if blank else None)


def election_of(sys: DistrictSystem, case: DistrictCase) -> Election:
    n = len(case.votes[0])
    figs = _figures(sys)
    fig_name = sys.apportioned.apportion.figure if sys.apportioned is not None else ""
    level = sys.chamber.levels[0].name
    blank = "blank" in needed_extras([sys.tier])
    mags = case.magnitudes or [None] * len(sys.names)
    lists = tuple(ListEntry(abbr=f"L{i + 1}", votes=sum(d[i] for d in case.votes), registration_order=i + 1,
                            ballot_order=i + 1, tags=frozenset(t for t, f in case.tags.items() if f[i]),
                            coalition_size=case.members[i] if case.members else None)
                  for i in range(n))
    units = tuple(Unit(name=name, level=level, votes={f"L{i + 1}": d[i] for i in range(n)},
                       totals=_totals(d, x, blank), figures={fig_name: figs[name]} if name in figs else {},
                       seats=m)
                  for name, d, x, m in zip(sys.names, case.votes, case.extras, mags, strict=True))
    nat_extras = {k: sum(x.get(k, 0) for x in case.extras) for k in DISTRICT_EXTRAS}
    return Election(lists=lists, totals=_totals([sum(d[i] for d in case.votes) for i in range(n)], nat_extras,
                                                blank), units=units, name="counterexample")


def replay_chamber(sys: DistrictSystem, case: DistrictCase) -> Chamber:
    """The chamber the interpreter replays ``case`` on: each district's lot drawn as the case
    says (``Ties.district_draws``); magnitudes from the vote file: the chamber of their sum."""
    ch = sys.chamber
    if sys.scrutiny is not None:
        return scrutiny_chamber(ch, sys.scrutiny, sys.names, case.lots)
    tier = sys.tier
    draws = tuple((name, d) for name, d in zip(sys.names, case.draws, strict=False) if d is not None)
    if draws and tier.ties is not None:
        tier = dataclasses.replace(tier, ties=dataclasses.replace(tier.ties, district_draws=draws))
        ch = dataclasses.replace(ch, tiers=(tier,))
    if case.magnitudes:
        total_seats = sum(case.magnitudes)
        ch = dataclasses.replace(ch, seats=total_seats,
                                 levels=(dataclasses.replace(ch.levels[0], seats=total_seats),))
    return ch


def interpret(sys: DistrictSystem, case: DistrictCase, *, explain: bool = True) -> DistrictOutcome | str:
    """The interpreter's seats, or "tie" (an unbroken tie) / "error: ..." (no result);
    ``explain=False``: no trace (the agreement harnesses compare seats only)."""
    from hemicycle.interpreter import AllocationError, TieError, allocate

    chamber = replay_chamber(sys, case)
    try:
        res = allocate(chamber, election_of(sys, case), explain=explain)
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    n = len(case.votes[0])
    abbrs = [f"L{i + 1}" for i in range(n)]
    seats = [[0] * n for _ in sys.names]
    for t in res.tiers:  # every tier's seats in each district (two scrutinies: both, placed)
        by_unit = {p.district: p for p in t.parts}
        for k, name in enumerate(sys.names):
            if name in by_unit:
                for i, a in enumerate(abbrs):
                    seats[k][i] += by_unit[name].seats.get(a, 0)
    mags = tuple(case.magnitudes) or sys.magnitudes
    if sys.scrutiny is not None:  # apportioned by the votes: the interpreter's magnitudes
        mags = tuple(res.levels[0].magnitudes[name] for name in sys.names)
    return DistrictOutcome(case, seats, [res.seats.get(a, 0) for a in abbrs], res.explain() if explain else "",
                           sys.names, chamber.seats, mags, _figures(sys))


def draw_of(enc: DistrictEnc, k: int, m: z3.ModelRef) -> tuple[str, ...] | None:
    """District k's draw of lots in the model ``m`` (None: its allocation draws none)."""
    unit = enc.unit_for(k, m)
    if unit is None:
        return None
    tags = {t: [z3.is_true(m.eval(v, model_completion=True)) for v in vs]
            for t, vs in unit.election.tags.items()}
    return lot_order(tags)


def fix_case(sys: DistrictSystem, ds: list[SymElection], enc: DistrictEnc, case: DistrictCase
             ) -> list[z3.BoolRef]:
    """Constraints fixing the encoded election ``ds`` / ``enc`` to ``case`` (its draws and magnitudes too)."""
    val = z3.RealVal if sys.real else z3.IntVal
    fix = []
    for e, vs, x in zip(ds, case.votes, case.extras, strict=True):
        fix += [f.a == val(v) for f, v in zip(e.votes, vs, strict=True)]
        for name in DISTRICT_EXTRAS:
            fig = getattr(e, name)
            if isinstance(fig.a, z3.ExprRef):
                fix.append(fig.a == val(x.get(name, 0)))
            elif x.get(name, 0):
                raise ValueError(f"the rules do not see {name}; leave it 0")
    for t, vs in ds[0].tags.items():
        flags = case.tags.get(t, [False] * len(vs))
        fix += [v == bool(f) for v, f in zip(vs, flags, strict=True)]
    if enc.scrutiny is not None:
        fix += scrutiny_fix(enc.scrutiny, case)
    if enc.magnitudes:
        if len(case.magnitudes) != len(ds):
            raise ValueError("magnitudes from the vote file: the case gives one per district")
        fix += [x == m for x, m in zip(enc.magnitudes, case.magnitudes, strict=True)]
    for k, draw in enumerate(case.draws):
        if draw is None:
            continue
        units = enc.options[k] if enc.options else [enc.units[k]]
        for u in units:
            if u is None:
                continue
            for t, vs in u.election.tags.items():
                if t.startswith(LOT_TAG):
                    drawn = draw[int(t[len(LOT_TAG):]) - 1]
                    fix += [v == (f"L{i + 1}" == drawn) for i, v in enumerate(vs)]
    return fix


def scrutiny_fix(sc: ScrutinyEnc, case: DistrictCase) -> list[z3.BoolRef]:
    """Two scrutinies: the case's member counts (1 when not given) and draws."""
    fix = [x == (case.members[i] if case.members else 1) for i, x in enumerate(sc.members)]
    for key, draw in case.lots.items():
        fav = sc.lots.get(key)
        if fav is not None and fav.lot:
            place = {a: k for k, a in enumerate(draw)}
            fix += [x == place[a] for x, a in zip(fav.lot, sc.names[key], strict=True)]
    return fix


def scrutiny_details(enc: DistrictEnc, m: z3.ModelRef) -> tuple[list[int], dict[str, tuple[str, ...]]]:
    """The member counts and draws of a model of a two-scrutiny encoding (none otherwise)."""
    return details(enc.scrutiny, m) if enc.scrutiny is not None else ([], {})


def encoded(sys: DistrictSystem, case: DistrictCase, *, unique: bool = False) -> tuple[list[list[int]], bool]:
    """The encoding's district seats for a concrete election, and whether it is defined;
    ``unique``: also prove no other seats satisfy the encoding."""
    n = len(case.votes[0])
    ctx = Ctx(real=sys.real, prefix="c.")
    ds = district_elections(ctx, sys, n, "E")
    enc = allocate_districts(ctx, sys, ds, "E")
    fix = fix_case(sys, ds, enc, case)
    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, *fix)
    if s.check() != z3.sat:
        raise EncodingMismatch(f"the districted encoding has no allocation for {case}")
    m = s.model()
    seats = [[m.eval(x, model_completion=True).as_long() for x in row] for row in enc.seats]
    defined = z3.is_true(m.eval(enc.defined, model_completion=True))
    if unique:
        s.add(z3.Or([x != v for row, vals in zip(enc.seats, seats, strict=True)
                     for x, v in zip(row, vals, strict=True)]))
        if s.check() != z3.unsat:
            raise EncodingMismatch(f"the districted encoding allows other seats for {case}")
    return seats, defined


def agree(sys: DistrictSystem, case: DistrictCase, *, unique: bool = False) -> str | None:
    """None when the encoding and the interpreter agree on ``case``, else what differs."""
    want = interpret(sys, case)
    try:
        got, defined = encoded(sys, case, unique=unique)
    except EncodingMismatch as exc:
        return str(exc)
    if isinstance(want, str):
        if not defined:
            return None
        return f"{case}: interpreter {want}, encoding {got}"
    if not defined:
        return f"{case}: interpreter {want.seats}, encoding says no result"
    if got != want.seats:
        return f"{case}: interpreter {want.seats}, encoding {got}"
    return None


def scale_to_integers(rows: list[list[Fraction]]) -> list[list[int]]:
    from math import lcm

    den = 1
    for row in rows:
        for x in row:
            den = lcm(den, x.denominator)
    return [[int(x * den) for x in row] for row in rows]
