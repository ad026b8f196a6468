"""Biproportional apportionment in the verifier (docs/verify.md, "Biproportional apportionment").

The family: one level of units (magnitudes fixed in the rule file, or from the vote file: each
vector of magnitudes in 1..M is a case of its own), one biproportional tier ``in each`` unit
(``upper apportionment`` by a divisor method on votes or voter numbers, ``lower apportionment``
by a divisor method whose first divisor is positive and whose sequence does not end), its
thresholds on the whole election (as the interpreter tests them), and ``ties none``. Everything
else is refused with its line (``UnsupportedClause``), never dropped.

The encoding of one election, for a fixed vector of magnitudes:

1. *Thresholds*: the single-tier encoder's, on the national election whose units are the
   districts (``encode_tier(..., method=False)``: admission only).
2. *Upper apportionment*: the single-tier encoding of the tier's method on the admitted lists'
   weights (votes, or voter numbers: a unit's votes / its seats, exact or rounded per unit by
   integer bounds), with the tier's ``ties none`` (an unbroken tie: no result).
3. *Lower apportionment*, by the cycle characterization (Balinski and Demange 1989; Gaffke and
   Pukelsheim 2008): a seat matrix ``x`` with the right row and column sums and seats only in cells
   with votes is a biproportional apportionment (divisors exist) iff for every alternating cycle
   of cells, ``P`` = (i1,j1), (i2,j2), ... and ``M`` = (i2,j1), (i3,j2), ..., (i1,jt),

       prod_P d(x_p) * prod_M v_m  >=  prod_M d(x_m - 1) * prod_P v_p      (d(-1) = 0),

   the condition that no cycle of the difference constraints ``log d(x-1) - log v <= log row
   multiplier + log column multiplier <= log d(x) - log v`` is negative. Every candidate matrix
   with the magnitudes as column sums is enumerated; the products of vote symbols are named once
   each (a monomial per set of cells), so every cycle condition is linear in the monomials with
   the candidate's signposts as constants. The interpreter's result is the one feasible matrix;
   two feasible matrices are a tie (the interpreter's ``tied_moves`` finds a cycle for any
   divisors then), which ``ties none`` leaves without a result, as does no feasible matrix (its
   ``NoSolution``).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import z3

from hemicycle import model as m
from hemicycle.verify.districts import DistrictEnc, DistrictSystem, national_of
from hemicycle.verify.encoder import encode_tier
from hemicycle.verify.errors import UnsupportedClause
from hemicycle.verify.num import ZERO, Num, ite, total
from hemicycle.verify.symbolic import Ctx, SymElection

# the defaults of the family: units of a level whose magnitudes the vote file gives, and the bound
# on each magnitude (every vector in 1..M is a case; 3 units of 3 seats is 1,000 candidates a case)
DEFAULT_UNITS = 2
DEFAULT_MAX_MAGNITUDE = 3
MAX_CANDIDATES = 2000  # candidate seat matrices per election and magnitude vector, beyond: refused


@dataclass(frozen=True)
class BiproSystem:
    """What the verifier encodes of a biproportional chamber."""

    chamber: m.Chamber
    tier: m.Tier
    names: tuple[str, ...]
    vectors: tuple[tuple[int, ...], ...]  # the magnitude vectors decided (one case each)
    free: bool  # magnitudes from the vote file (each vector a case) rather than fixed in the rules
    integer: bool = False  # integer votes even when scale invariant

    @property
    def upper(self) -> m.UpperApportionment:
        assert self.tier.upper is not None
        return self.tier.upper

    @property
    def lower(self) -> m.LowerApportionment:
        assert self.tier.lower is not None
        return self.tier.lower

    @property
    def real(self) -> bool:
        """Rational votes: the seats do not change when every figure is scaled (voter numbers
        rounded per unit are not scale invariant)."""
        rounded = self.upper.weights is m.Weights.VOTER_NUMBERS and self.upper.rounding is not m.Rounding.EXACT
        return not self.integer and not rounded and all(t.scale_invariant for t in self.tier.thresholds)

    @property
    def magnitude_text(self) -> str:
        if self.free:
            top = max(max(v) for v in self.vectors)
            return f"magnitudes from the vote file: every vector in 1..{top} per unit ({len(self.vectors)} cases)"
        return "/".join(str(x) for x in self.vectors[0]) + " seats"

    def districts(self, vec: tuple[int, ...]) -> DistrictSystem:
        """The districted system of one magnitude vector (for the symbolic elections and the replay)."""
        return DistrictSystem(self.chamber, self.tier, self.names, vec, integer=not self.real)


def is_biproportional(chamber: m.Chamber) -> bool:
    return any(t.biproportional or t.upper is not None for t in chamber.tiers)


def bipro_system(chamber: m.Chamber, units: int | None = None, max_magnitude: int | None = None) -> BiproSystem:
    """The chamber as the encoded family, or ``UnsupportedClause`` naming the first clause outside it."""
    units = DEFAULT_UNITS if units is None else units
    top = DEFAULT_MAX_MAGNITUDE if max_magnitude is None else max_magnitude
    if len(chamber.levels) != 1:
        lv = chamber.levels[1] if chamber.levels else chamber
        raise UnsupportedClause(lv, "districts", "a biproportional chamber with one level of units is encoded")
    level = chamber.levels[0]
    if len(chamber.tiers) != 1:
        raise UnsupportedClause(chamber.tiers[1], "tier", "a biproportional chamber with one tier is encoded")
    for a in chamber.appointed:
        raise UnsupportedClause(a, "appointed", "appointed seats beside a biproportional tier are not encoded")
    tier = chamber.tiers[0]
    if tier.upper is None or tier.lower is None:
        node = tier.upper or tier.lower or tier
        raise UnsupportedClause(node, "upper/lower apportionment", "both steps are needed")
    if level.apportion is not None or level.minimum is not None:
        raise UnsupportedClause(level.apportion or level.minimum, "apportion by ...",
                                "magnitudes apportioned beside a biproportional tier are not encoded")
    if tier.ties is not None and tier.ties.criteria:
        raise UnsupportedClause(tier.ties, "ties ...", "a biproportional tier is encoded with `ties none` only (the "
                                "upper apportionment's chain compares the lists' votes, not the weights it "
                                "apportions on, and a lot in the lower one draws per tied cycle)")
    up = tier.upper.method
    if not isinstance(up, m.Divisor) or up.kind is m.DivisorKind.HUNTINGTON_HILL:
        raise UnsupportedClause(up, "upper apportionment ...", "only a divisor method (not Huntington-Hill) is "
                                "encoded for the upper apportionment")
    low = tier.lower.method
    if low.kind is m.DivisorKind.SEQUENCE and low.step is None:
        raise UnsupportedClause(tier.lower, "lower apportionment divisors ...",
                                "a divisor sequence that ends (a cell's seats bounded) is not encoded")
    if low.kind is m.DivisorKind.HUNTINGTON_HILL or not (low.divisor(0) or 0) > 0:
        raise UnsupportedClause(tier.lower, f"lower apportionment {low.kind.value}",
                                "a first divisor of 0 (every cell with a vote gets a seat) is not encoded")
    if level.fixed:
        if sum(f.seats for f in level.fixed) != level.seats:
            raise UnsupportedClause(level, level.label, "some magnitudes fixed and the others from the vote file")
        names = tuple(f.unit for f in level.fixed)
        vectors: tuple[tuple[int, ...], ...] = (tuple(f.seats for f in level.fixed),)
        free = False
    else:
        if units < 1 or top < 1:
            raise ValueError("at least one unit of at least one seat")
        names = tuple(f"D{k + 1}" for k in range(units))
        vectors = tuple(itertools.product(range(1, top + 1), repeat=units))
        free = True
    return BiproSystem(chamber, tier, names, vectors, free)


# --- the cycle characterization --------------------------------------------------------------

Cell = tuple[int, int]


@dataclass(frozen=True)
class Cycle:
    """An alternating cycle: ``plus`` cells (i1,j1), (i2,j2) ... and ``minus`` cells (i2,j1), ..."""

    plus: tuple[Cell, ...]
    minus: tuple[Cell, ...]


def cycles(rows: int, cols: int) -> list[Cycle]:
    """Every simple alternating cycle of a rows x cols matrix, once (its lowest row first)."""
    out = []
    for t in range(2, min(rows, cols) + 1):
        for rs in itertools.permutations(range(rows), t):
            if rs[0] != min(rs):
                continue
            for cs in itertools.permutations(range(cols), t):
                plus = tuple((rs[a], cs[a]) for a in range(t))
                minus = tuple((rs[(a + 1) % t], cs[a]) for a in range(t))
                out.append(Cycle(plus, minus))
    return out


def matrices(rows: int, cols: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Every rows x len(cols) matrix of non-negative integers with column sums ``cols``."""
    per_col = [list(_compositions(c, rows)) for c in cols]
    for choice in itertools.product(*per_col):
        yield tuple(tuple(choice[j][i] for j in range(len(cols))) for i in range(rows))


def _compositions(total_: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total_,)
        return
    for first in range(total_ + 1):
        for rest in _compositions(total_ - first, parts - 1):
            yield (first, *rest)


def signpost(method: m.Divisor, k: int) -> Fraction:
    """d(k), the quotient where a cell's (k+1)-th seat begins; d(-1) = 0."""
    if k < 0:
        return Fraction(0)
    d = method.divisor(k)
    assert d is not None
    return d


def feasible(votes: list[list[int]], x: tuple[tuple[int, ...], ...], method: m.Divisor) -> bool:
    """The cycle condition on concrete figures (seats only where there are votes): whether ``x``
    is a biproportional apportionment of ``votes`` for its own sums (tests and the agreement)."""
    rows, cols = len(x), len(x[0])
    if any(x[i][j] and not votes[i][j] for i in range(rows) for j in range(cols)):
        return False
    for c in cycles(rows, cols):
        lhs = _prod(signpost(method, x[i][j]) for i, j in c.plus) * _prod(votes[i][j] for i, j in c.minus)
        rhs = _prod(signpost(method, x[i][j] - 1) for i, j in c.minus) * _prod(votes[i][j] for i, j in c.plus)
        if lhs < rhs:
            return False
    return True


def _prod(xs: Iterator[Fraction] | Iterator[int]) -> Fraction:
    out = Fraction(1)
    for x in xs:
        out *= x
    return out


# --- the encoding ----------------------------------------------------------------------------


class _Monomials:
    """Each product of vote symbols the cycle conditions need, named once per election."""

    def __init__(self, ctx: Ctx, votes: list[list[Num]], label: str) -> None:
        self.ctx, self.votes, self.label = ctx, votes, label
        self.made: dict[tuple[Cell, ...], z3.ArithRef] = {}

    def of(self, cells: tuple[Cell, ...]) -> z3.ArithRef:
        key = tuple(sorted(cells))
        got = self.made.get(key)
        if got is None:
            terms = []
            for i, j in key:
                v = self.votes[i][j]
                assert v.b is None, "the biproportional encoding takes plain vote figures"
                terms.append(v.a)
            got = self.ctx.num_var(f"{self.label}.prod")
            prod = terms[0]
            for t in terms[1:]:
                prod = prod * t
            self.ctx.add(got == prod, got >= 0)
            self.made[key] = got
        return got


def _weights(ctx: Ctx, upper: m.UpperApportionment, votes: list[list[Num]], mags: tuple[int, ...],
             label: str) -> list[Num]:
    """Each list's weight in the upper apportionment (any common factor: the method is a divisor
    method, scale invariant): its votes, or the sum of its voter numbers (times the lcm of the
    magnitudes when exact and the votes are integers)."""
    n = len(votes)
    if upper.weights is m.Weights.VOTES:
        return [total(votes[i]) for i in range(n)]
    if upper.rounding is m.Rounding.EXACT:
        if ctx.real:
            return [total([votes[i][j].scale(Fraction(1, mags[j]), True) for j in range(len(mags))])
                    for i in range(n)]
        big = lcm(*mags)
        return [total([votes[i][j].scale(big // mags[j], False) for j in range(len(mags))]) for i in range(n)]
    assert not ctx.real, "rounded voter numbers need integer votes"
    out = []
    for i in range(n):
        parts = []
        for j, s in enumerate(mags):
            v = votes[i][j].a
            q = ctx.int_var(f"{label}.voters.L{i + 1}.{j}")
            if upper.rounding is m.Rounding.NEAREST:  # q = floor((2v + s) / 2s): half up
                ctx.add(2 * s * q <= 2 * v + s, 2 * v + s < 2 * s * (q + 1))
            elif upper.rounding is m.Rounding.DOWN:
                ctx.add(s * q <= v, v < s * (q + 1))
            else:
                ctx.add(s * q >= v, v > s * (q - 1))
            parts.append(Num(q))
        out.append(total(parts))
    return out


def allocate_bipro(ctx: Ctx, bs: BiproSystem, ds: list[SymElection], mags: tuple[int, ...], label: str
                   ) -> DistrictEnc:
    """Encode the biproportional allocation of the election ``ds`` (one SymElection per unit) at
    the magnitudes ``mags``."""
    nat = national_of(ds)
    n, k = nat.n, len(ds)
    house = sum(mags)
    tier = bs.tier
    screen_tier = dataclasses.replace(tier, upper=None, lower=None, method=bs.upper.method)
    screen = encode_tier(ctx, screen_tier, nat, house=house, label=f"{label} thresholds", method=False,
                         national=nat)
    votes = [[ds[j].votes[i] for j in range(k)] for i in range(n)]
    weights = _weights(ctx, bs.upper, votes, mags, label)
    admitted = screen.admitted
    zero = ZERO
    weighted = SymElection([ite(admitted[i], weights[i], zero) for i in range(n)], zero, zero, zero)
    alloc_tier = dataclasses.replace(tier, upper=None, lower=None, method=bs.upper.method, thresholds=(),
                                     exempt=None, level=None)
    up = encode_tier(ctx, alloc_tier, weighted, house=house, label=f"{label} upper")
    rows = list(up.seats)
    lower_ok, cells = _lower(ctx, bs.lower, votes, rows, mags, label)
    seats = [[cells[i][j] for i in range(n)] for j in range(k)]  # district x list
    national_seats = [z3.Sum(cells[i]) if k > 1 else cells[i][0] for i in range(n)]
    defined = z3.And(z3.Or(admitted), up.has_votes, up.defined, lower_ok)
    return DistrictEnc(list(ds), nat, [None] * k, seats, national_seats, defined,
                       [z3.IntVal(x) for x in mags])


def _lower(ctx: Ctx, node: m.LowerApportionment, votes: list[list[Num]], rows: list[z3.ArithRef], mags: tuple[int, ...],
           label: str) -> tuple[z3.BoolRef, list[list[z3.ArithRef]]]:
    """Whether exactly one candidate matrix is feasible, and its cells (list x unit)."""
    n, k = len(votes), len(mags)
    method = node.method
    cands = list(matrices(n, mags))
    if len(cands) > MAX_CANDIDATES:
        raise UnsupportedClause(node, "lower apportionment", f"{len(cands)} candidate seat matrices at "
                                f"{n} lists x magnitudes {mags} (the encoding enumerates at most {MAX_CANDIDATES})")
    mono = _Monomials(ctx, votes, label)
    cyc = cycles(n, k)
    flags = []
    for x in cands:
        conds: list[z3.BoolRef] = [rows[i] == sum(x[i]) for i in range(n)]
        conds += [votes[i][j].pos() for i in range(n) for j in range(k) if x[i][j] > 0]
        for c in cyc:
            lhs_k = _prod(signpost(method, x[i][j]) for i, j in c.plus)
            rhs_k = _prod(signpost(method, x[i][j] - 1) for i, j in c.minus)
            if rhs_k == 0:
                continue  # a cell of M with no seat: no lower bound, the cycle cannot be negative
            den = lcm(lhs_k.denominator, rhs_k.denominator)  # both sides in whole numbers
            conds.append(int(lhs_k * den) * mono.of(c.minus) >= int(rhs_k * den) * mono.of(c.plus))
        f = ctx.bool_var(f"{label}.feasible")
        ctx.add(f == z3.And(conds))
        flags.append((f, x))
    exactly_one = z3.PbEq([(f, 1) for f, _ in flags], 1)
    cells = [[z3.Sum([z3.If(f, x[i][j], 0) for f, x in flags if x[i][j]] or [z3.IntVal(0)])
              for j in range(k)] for i in range(n)]
    return exactly_one, cells

