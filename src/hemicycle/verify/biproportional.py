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
import weakref
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
# on each magnitude (every vector in 1..M is a case; 2 units in 1..2: 4 cases, decided within the
# default 60 s per property at 3 lists; `--max-magnitude 3` gives 9)
DEFAULT_UNITS = 2
DEFAULT_MAX_MAGNITUDE = 2
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


class _Shared:
    """The terms of the cycle conditions, made once per query (its elections share the vote
    symbols of the units a property leaves unchanged): each product of vote symbols as a named
    monomial, each cycle condition, and each vote's sign."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.monos: dict[tuple[int, ...], z3.ArithRef] = {}
        self.atoms: dict[tuple[tuple[int, ...], tuple[int, ...], int, int], z3.BoolRef] = {}
        self.signs: dict[int, tuple[z3.BoolRef, z3.BoolRef]] = {}

    def mono(self, terms: list[z3.ArithRef]) -> z3.ArithRef:
        key = tuple(sorted(t.get_id() for t in terms))
        got = self.monos.get(key)
        if got is None:
            got = self.ctx.num_var("bipro.prod")
            prod = terms[0]
            for t in terms[1:]:
                prod = prod * t
            self.ctx.add(got == prod, got >= 0)
            self.monos[key] = got
        return got

    def sign(self, v: Num) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(v > 0, v = 0)."""
        a = _plain(v)
        got = self.signs.get(a.get_id())
        if got is None:
            got = self.signs[a.get_id()] = (a > 0, a == 0)
        return got

    def zero(self, t: z3.ArithRef) -> z3.BoolRef:
        got = self.signs.get(t.get_id())
        if got is None:
            got = self.signs[t.get_id()] = (t > 0, t == 0)
        return got[1]

    def atom(self, plus: list[z3.ArithRef], minus: list[z3.ArithRef], lhs: int, rhs: int) -> z3.BoolRef:
        """``lhs * prod(minus) > rhs * prod(plus)``, or a plus cell without votes."""
        key = (tuple(t.get_id() for t in plus), tuple(t.get_id() for t in minus), lhs, rhs)
        got = self.atoms.get(key)
        if got is None:
            strict = lhs * self.mono(minus) > rhs * self.mono(plus)
            got = self.atoms[key] = _or([strict, *[self.zero(t) for t in plus]])
        return got


_SHARED: weakref.WeakKeyDictionary[Ctx, _Shared] = weakref.WeakKeyDictionary()


def _shared(ctx: Ctx) -> _Shared:
    got = _SHARED.get(ctx)
    if got is None:
        got = _SHARED[ctx] = _Shared(ctx)
    return got


def _plain(v: Num) -> z3.ArithRef:
    assert v.b is None and isinstance(v.a, z3.ArithRef), "the biproportional encoding takes plain vote symbols"
    return v.a


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


def allocate_bipro(ctx: Ctx, bs: BiproSystem, ds: list[SymElection], mags: tuple[int, ...], label: str,
                   *, lower: bool = True) -> DistrictEnc:
    """Encode the biproportional allocation of the election ``ds`` (one SymElection per unit) at
    the magnitudes ``mags``. A list's seats in the chamber are its upper apportionment's (the
    lower one gives every list its row sum whenever it has a result). ``lower=False``: the
    upper apportionment only, the cells fresh unconstrained integers and ``defined`` the upper
    one's: every election with a result satisfies it (a relaxation, for properties of the
    chamber's seats: unsatisfiable there is unsatisfiable with the lower apportionment)."""
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
    if lower:
        lower_ok, cells = _lower(ctx, bs.lower, votes, rows, mags, label)
    else:
        lower_ok = z3.BoolVal(True)
        cells = [[ctx.int_var(f"{label}.free.cell") for _ in range(k)] for _ in range(n)]
    seats = [[cells[i][j] for i in range(n)] for j in range(k)]  # district x list
    defined = z3.And(z3.Or(admitted), up.has_votes, up.defined, lower_ok)
    return DistrictEnc(list(ds), nat, [None] * k, seats, rows, defined,
                       [z3.IntVal(x) for x in mags])


def _lower(ctx: Ctx, node: m.LowerApportionment, votes: list[list[Num]], rows: list[z3.ArithRef],
           mags: tuple[int, ...], label: str) -> tuple[z3.BoolRef, list[list[z3.ArithRef]]]:
    """Whether the lower apportionment has a result (one feasible candidate without a tied
    cycle), and its cells (list x unit).

    A candidate is the result iff it is feasible and no cycle condition holds with equality over
    cells that all have votes: such an equality puts every cell of the cycle on a signpost for any
    divisors, so seats move along it (a tie); and a second feasible matrix y gives one (on the
    support of x - y both sides are equal). So at most one candidate qualifies, and it is the
    interpreter's result exactly when the interpreter has one."""
    n, k = len(votes), len(mags)
    method = node.method
    cands = list(matrices(n, mags))
    if len(cands) > MAX_CANDIDATES:
        raise UnsupportedClause(node, "lower apportionment", f"{len(cands)} candidate seat matrices at "
                                f"{n} lists x magnitudes {mags} (the encoding enumerates at most {MAX_CANDIDATES})")
    sh = _shared(ctx)
    cyc = cycles(n, k)
    terms = [[_plain(votes[i][j]) for j in range(k)] for i in range(n)]
    row_eq: dict[tuple[int, int], z3.BoolRef] = {}
    # the signposts d(-1) = 0, d(0), ... d(max magnitude), brought to whole numbers by one common
    # factor (each cycle condition has as many signposts on either side)
    table = [signpost(method, s - 1) for s in range(max(mags) + 2)]
    big = lcm(*[d.denominator for d in table])
    sp = [int(d * big) for d in table]
    flags = []
    for x in cands:
        conds: list[z3.BoolRef] = []
        for i in range(n):
            key = (i, sum(x[i]))
            if key not in row_eq:
                row_eq[key] = rows[i] == key[1]
            conds.append(row_eq[key])
        conds += [sh.sign(votes[i][j])[0] for i in range(n) for j in range(k) if x[i][j] > 0]
        for c in cyc:
            lhs_k = rhs_k = 1
            for i, j in c.plus:
                lhs_k *= sp[x[i][j] + 1]
            for i, j in c.minus:
                rhs_k *= sp[x[i][j]]
            if rhs_k == 0:
                continue  # a cell of M with no seat: no lower bound, the cycle cannot be negative
            # strictly (equality is a tie), unless a plus cell has no votes (it cannot gain a seat)
            conds.append(sh.atom([terms[i][j] for i, j in c.plus], [terms[i][j] for i, j in c.minus], lhs_k, rhs_k))
        f = ctx.bool_var(f"{label}.result")
        ctx.add(f == _and(conds))
        flags.append((f, x))
    consts = {v: z3.IntVal(v) for v in range(max(mags) + 1)}
    zero = consts[0]
    cells = [[_sum([_ite(f, consts[x[i][j]], zero) for f, x in flags if x[i][j]] or [zero])
              for j in range(k)] for i in range(n)]
    return _or([f for f, _ in flags]), cells


# the z3 API's own And / Or / If / Sum coerce every argument, which dominates building the
# candidates' conditions; these take terms that are already of the right sort


def _asts(xs: list[z3.ExprRef]) -> tuple[int, object]:
    arr = (z3.Ast * len(xs))()
    for i, x in enumerate(xs):
        arr[i] = x.as_ast()
    return len(xs), arr


def _and(xs: list[z3.BoolRef]) -> z3.BoolRef:
    if not xs:
        return z3.BoolVal(True)
    c = xs[0].ctx
    return z3.BoolRef(z3.Z3_mk_and(c.ref(), *_asts(xs)), c)


def _or(xs: list[z3.BoolRef]) -> z3.BoolRef:
    if not xs:
        return z3.BoolVal(False)
    c = xs[0].ctx
    return z3.BoolRef(z3.Z3_mk_or(c.ref(), *_asts(xs)), c)


def _ite(b: z3.BoolRef, x: z3.ArithRef, y: z3.ArithRef) -> z3.ArithRef:
    c = b.ctx
    return z3.ArithRef(z3.Z3_mk_ite(c.ref(), b.as_ast(), x.as_ast(), y.as_ast()), c)


def _sum(xs: list[z3.ArithRef]) -> z3.ArithRef:
    if len(xs) == 1:
        return xs[0]
    c = xs[0].ctx
    return z3.ArithRef(z3.Z3_mk_add(c.ref(), *_asts(xs)), c)

