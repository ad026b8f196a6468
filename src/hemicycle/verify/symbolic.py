"""The symbolic vocabulary of the verifier: a context that names fresh variables and collects
their defining constraints (``Ctx``), bounded integers (``BInt``), and symbolic elections
(``SymElection``, ``make_election``) with the figures and tags the rules can see."""

from __future__ import annotations

from dataclasses import dataclass, field

import z3

from hemicycle.model import AdmitNext, Base, Correction, Guarantee, Selector, Tier
from hemicycle.verify.num import ZERO, Num, ite, total


@dataclass
class BInt:
    """A bounded symbolic integer, for multiplying with a vote figure without non-linearity."""

    expr: z3.ArithRef
    lo: int
    hi: int
    values: tuple[int, ...] | None = None  # the only values it can take, when few
    bits: list[z3.BoolRef] | None = None


class Ctx:
    """Collects the defining constraints and names fresh variables."""

    def __init__(self, real: bool, prefix: str = "") -> None:
        self.real = real
        self.prefix = prefix
        self.cons: list[z3.BoolRef] = []
        # normalisations that are claimed to follow from the other constraints (a second
        # election's admitted votes, known from the first's): the engine proves each one before
        # it is used, so none can remove an election from a query
        self.implied: list[tuple[str, z3.BoolRef]] = []
        self.scaled = False  # whether an allocation of this context carries the query's scale
        self._count = 0

    def name(self, base: str) -> str:
        self._count += 1
        return f"{self.prefix}{base}!{self._count}"

    def add(self, *cs: z3.BoolRef) -> None:
        self.cons.extend(cs)

    def num_var(self, base: str) -> z3.ArithRef:
        return z3.Real(self.name(base)) if self.real else z3.Int(self.name(base))

    def int_var(self, base: str) -> z3.ArithRef:
        return z3.Int(self.name(base))

    def bool_var(self, base: str) -> z3.BoolRef:
        return z3.Bool(self.name(base))

    def bint(self, base: str, lo: int, hi: int) -> BInt:
        v = self.int_var(base)
        self.add(v >= lo, v <= hi)
        return BInt(v, lo, hi)

    def mul(self, k: BInt | int, x: Num) -> Num:
        """``k * x`` for a bounded integer ``k``, linear in ``x``."""
        if isinstance(k, int):
            return x.scale(k, self.real)
        if not isinstance(x.a, z3.ExprRef) and not isinstance(x.b, z3.ExprRef):
            b = None if x.b is None else k.expr * x.b
            return Num(k.expr * x.a, b)
        if k.values is not None and len(k.values) <= 8:
            vals = list(k.values)
            out = x.scale(vals[-1], self.real)
            for v in reversed(vals[:-1]):
                out = ite(k.expr == v, x.scale(v, self.real), out)
            return out
        if k.hi - k.lo <= 4:
            out = x.scale(k.hi, self.real)
            for v in range(k.hi - 1, k.lo - 1, -1):
                out = ite(k.expr == v, x.scale(v, self.real), out)
            return out
        if k.bits is None:
            width = max(1, (k.hi - k.lo).bit_length())
            k.bits = [self.bool_var("bit") for _ in range(width)]
            self.add(k.expr == k.lo + z3.Sum([z3.If(b, 2**j, 0) for j, b in enumerate(k.bits)]))
        out = x.scale(k.lo, self.real)
        for j, b in enumerate(k.bits):
            out = out + ite(b, x.scale(2**j, self.real), ZERO)
        return out


# --- elections -------------------------------------------------------------------------------

EXTRAS = ("against_all", "invalid", "nonvoters")
# The regions of a symbolic election whose rules test a threshold region by region (``in every
# region``, ``in at least K regions``): a result covers the elections with this many regions.
REGIONS = 3


@dataclass
class SymElection:
    """One symbolic election: list votes and the other figures the bases need."""

    votes: list[Num]
    against_all: Num
    invalid: Num
    nonvoters: Num
    tags: dict[str, list[z3.BoolRef]] = field(default_factory=dict)
    blank: Num = ZERO  # blank ballots (valid votes in the base ``valid_votes_and_blank``)
    # the units of a test `in every` / `in at least`: the vote file's regions (a national tier's
    # regional threshold), or a districted chamber's districts (its national election); each a
    # SymElection of its own (votes per list, the other figures), every figure summing over them
    # to the election's
    regions: tuple[SymElection, ...] = ()

    @property
    def n(self) -> int:
        return len(self.votes)

    @property
    def list_votes(self) -> Num:
        return total(self.votes)

    @property
    def valid(self) -> Num:
        return self.list_votes + self.against_all

    @property
    def ballots_cast(self) -> Num:
        return self.valid + self.blank + self.invalid

    @property
    def registered(self) -> Num:
        return self.ballots_cast + self.nonvoters

    def base(self, base: Base) -> Num:
        return {
            Base.VALID_VOTES: self.valid,
            Base.BALLOTS_CAST: self.ballots_cast,
            Base.LIST_VOTES: self.list_votes,
            Base.VOTES_AND_AGAINST_ALL: self.valid,
            Base.VALID_VOTES_AND_BLANK: self.valid + self.blank,
            Base.REGISTERED_VOTERS: self.registered,
        }[base]

    def extra_figures(self) -> dict[str, Num]:
        """The figures besides the list votes, by their name in ``EXTRAS`` (and ``blank`` when the
        election has blank ballots), for reading a counterexample back."""
        out = {"against_all": self.against_all, "invalid": self.invalid, "nonvoters": self.nonvoters}
        if not isinstance(self.blank.a, int):
            out["blank"] = self.blank
        return out

    def with_votes(self, votes: list[Num]) -> SymElection:
        """The election with other list votes and no regions (``derive`` keeps them)."""
        return SymElection(votes, self.against_all, self.invalid, self.nonvoters, self.tags, self.blank)


def needed_extras(tiers: list[Tier]) -> set[str]:
    """The figures besides list votes that the thresholds of ``tiers`` can see."""
    out: set[str] = set()
    for tier in tiers:
        bases = [t.base for t in tier.thresholds] + [c.base for c in tier.consolations]
        bases += [a.until.base for p in tier.provisions for a in p.actions if isinstance(a, AdmitNext)]
        for b in bases:
            if b in (Base.VALID_VOTES, Base.VOTES_AND_AGAINST_ALL):
                out.add("against_all")
            elif b is Base.VALID_VOTES_AND_BLANK:
                out |= {"against_all", "blank"}
            elif b is Base.BALLOTS_CAST:
                out.add("invalid")
            elif b is Base.REGISTERED_VOTERS:
                out.add("invalid")
                out.add("nonvoters")
    return out


def needed_regions(tiers: list[Tier]) -> int:
    """How many regions the symbolic elections of ``tiers`` need: ``REGIONS`` when a threshold is
    tested region by region (an absolute one is not: the interpreter tests it nationally)."""
    regional = any(t.regional and t.absolute is None for tier in tiers for t in tier.thresholds)
    return REGIONS if regional else 0


def needed_tags(tiers: list[Tier]) -> set[str]:
    out: set[str] = set()
    for tier in tiers:
        sels: list[Selector | None] = [t.applies_to for t in tier.thresholds]
        for _, a in tier.actions(Guarantee) + tier.actions(Correction):
            sels.append(a.who)  # type: ignore[attr-defined]
        if tier.exempt is not None:
            sels.append(tier.exempt.who)
        out |= {s.tag for s in sels
                if s is not None and s.kind.value in ("tagged", "untagged") and s.tag}
    return out


def make_election(
    ctx: Ctx,
    n: int,
    label: str,
    extras: set[str],
    tags: set[str],
    max_votes: int | None = None,
    regions: int = 0,
) -> SymElection:
    """A symbolic election of ``n`` lists; ``regions``: with that many regions, each with its
    votes per list and its other figures, summing to the election's."""
    def fig(name: str) -> Num:
        v = ctx.num_var(f"{label}.{name}")
        ctx.add(v >= 0)
        if max_votes is not None:
            ctx.add(v <= max_votes)
        return Num(v)

    votes = [fig(f"L{i + 1}") for i in range(n)]
    ex = {x: (fig(x) if x in extras else ZERO) for x in EXTRAS}
    tag_vars = {t: [z3.Bool(f"{label}.L{i + 1}#{t}") for i in range(n)] for t in sorted(tags)}
    blank = fig("blank") if "blank" in extras else ZERO
    e = SymElection(votes, ex["against_all"], ex["invalid"], ex["nonvoters"], tag_vars, blank)
    if regions:
        parts = tuple(make_election(ctx, n, f"{label}.R{r + 1}", extras, set(), max_votes) for r in range(regions))
        for i in range(n):
            ctx.add(votes[i].eq(total([p.votes[i] for p in parts])))
        for name, x in e.extra_figures().items():
            ctx.add(x.eq(total([p.extra_figures()[name] for p in parts])))
        e.regions = parts
    return e


def _eps(x: Num) -> z3.ArithRef | int:
    return 0 if x.b is None else x.b


def _same(x: Num, v: Num) -> bool:
    """The very term (an unchanged list), or it with a zero infinitesimal part."""
    return x is v or (x.a is v.a and isinstance(_eps(x), int) and isinstance(_eps(v), int) and _eps(x) == _eps(v))


def derive(ctx: Ctx, e: SymElection, votes: list[Num], label: str) -> SymElection:
    """``e`` with the list votes ``votes`` (a property's related election), its regions kept: a
    list whose votes are the very term of a list of ``e`` takes that list's regional votes (a
    permutation, a list left alone); any other list's regional votes are fresh, sum to its new
    votes, and each moves the way its votes move (a gain is a gain in some regions, never a loss
    in one). Without regions: ``e.with_votes(votes)``."""
    out = e.with_votes(votes)
    if not e.regions:
        return out
    rows: list[list[Num]] = []
    R = len(e.regions)
    for i, v in enumerate(votes):
        k = next((k for k, x in enumerate(e.votes) if _same(x, v)), None)
        if k is not None:
            rows.append([reg.votes[k] for reg in e.regions])
            continue
        old = [reg.votes[i] for reg in e.regions]
        if v.a is e.votes[i].a:  # an infinitesimal step: all of it in one region
            pick = ctx.int_var(f"{label}.L{i + 1}.step_region")
            ctx.add(pick >= 0, pick < R)
            delta = _eps(v) - _eps(e.votes[i])
            rows.append([Num(o.a, z3.If(pick == r, _eps(o) + delta, _eps(o))) for r, o in enumerate(old)])
            continue
        fresh = []
        for r in range(R):
            a = ctx.num_var(f"{label}.R{r + 1}.L{i + 1}")
            f = Num(a, ctx.num_var(f"{label}.R{r + 1}.L{i + 1}.eps") if v.eps else None)
            ctx.add(f.ge(ZERO))
            fresh.append(f)
        ctx.add(v.eq(total(fresh)))
        up = v.ge(e.votes[i])
        for f, o in zip(fresh, old, strict=True):
            ctx.add(z3.If(up, f.ge(o), f.le(o)))
        rows.append(fresh)
    out.regions = tuple(reg.with_votes([rows[i][r] for i in range(len(votes))]) for r, reg in enumerate(e.regions))
    return out
