"""Agreement of the biproportional encoding with the interpreter on concrete elections.

``agree(bs, mags, case)``: the encoding with every figure fixed to ``case`` must have exactly the
interpreter's seats (and no other seats: uniqueness is asked too), or no result exactly when the
interpreter has none (an unbroken tie, no biproportional apportionment, no admitted vote).
``PinnedBipro(bs)`` asks the same questions of one encoding per magnitude vector, built once
and asked with the figures pinned (verify/pinned.py), as the district harness does: what
``scripts/biproportional_agreement.py`` uses; ``agree(..., fast=...)`` takes it.
``cases(...)`` makes random and constructed elections: ties at a cell's .5 and at the upper
apportionment's last seat, zero cells and whole zero rows, lists under the quorum, huge figures.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import z3

from hemicycle.verify.biproportional import BiproSystem, allocate_bipro
from hemicycle.verify.districts import DistrictCase, district_elections, interpret
from hemicycle.verify.pinned import Pinned
from hemicycle.verify.symbolic import Ctx


@dataclass
class Encoded:
    seats: list[list[int]] | None  # district x list; None: no result
    unique: bool


def encoded(bs: BiproSystem, case: DistrictCase, *, timeout: float = 60.0) -> Encoded:
    """The encoding's seats for ``case`` (its magnitudes), and whether they are the only ones."""
    mags = tuple(case.magnitudes)
    sys = bs.districts(mags)
    n = len(case.votes[0])
    ctx = Ctx(real=sys.real, prefix="c.")
    ds = district_elections(ctx, sys, n, "E")
    enc = allocate_bipro(ctx, bs, ds, mags, "E")
    val = z3.RealVal if sys.real else z3.IntVal
    fix = [f.a == val(v) for e, row in zip(ds, case.votes, strict=True) for f, v in zip(e.votes, row, strict=True)]
    s = z3.Solver()
    s.set(timeout=int(timeout * 1000))
    s.add(*ctx.cons, *fix)
    r = s.check()
    if r != z3.sat:
        raise RuntimeError(f"the encoding has no model for {case} ({r})")
    mdl = s.model()
    if not z3.is_true(mdl.eval(enc.defined, model_completion=True)):
        s.add(enc.defined)
        return Encoded(None, s.check() == z3.unsat)
    seats = [[mdl.eval(x, model_completion=True).as_long() for x in row] for row in enc.seats]
    s.add(z3.Or(z3.Not(enc.defined), *[x != v for row, vals in zip(enc.seats, seats, strict=True)
                                       for x, v in zip(row, vals, strict=True)]))
    return Encoded(seats, s.check() == z3.unsat)


@dataclass
class _Shape:
    pinned: Pinned
    figures: list[list[z3.ArithRef]]  # district x list: the vote figures to pin
    seats: list[list[z3.ArithRef]]
    defined: z3.BoolRef
    real: bool


class PinnedBipro:
    """``encoded`` on one encoding per magnitude vector, built when first asked; the figures
    pinned (``Pinned``: as assumptions or substituted, whichever its first asks measure cheaper)."""

    def __init__(self, bs: BiproSystem, *, timeout: float = 60.0, substitute: bool | None = None) -> None:
        self.bs, self.timeout, self.substitute = bs, timeout, substitute
        self.shapes: dict[tuple[tuple[int, ...], int], _Shape] = {}

    def _shape(self, mags: tuple[int, ...], n: int) -> _Shape:
        if (mags, n) not in self.shapes:
            sys = self.bs.districts(mags)
            ctx = Ctx(real=sys.real, prefix="c.")
            ds = district_elections(ctx, sys, n, "E")
            enc = allocate_bipro(ctx, self.bs, ds, mags, "E")
            self.shapes[mags, n] = _Shape(Pinned(ctx.cons, self.timeout, substitute=self.substitute),
                                          [[f.a for f in e.votes] for e in ds], enc.seats, enc.defined, sys.real)
        return self.shapes[mags, n]

    def encoded(self, case: DistrictCase) -> Encoded:
        sh = self._shape(tuple(case.magnitudes), len(case.votes[0]))
        val = z3.RealVal if sh.real else z3.IntVal
        pins = [x == val(v) for xs, row in zip(sh.figures, case.votes, strict=True)
                for x, v in zip(xs, row, strict=True)]
        mdl = sh.pinned.ask(pins)
        if mdl is None:
            raise RuntimeError(f"the encoding has no model for {case}")
        if not z3.is_true(mdl.eval(sh.defined, model_completion=True)):
            return Encoded(None, sh.pinned.ask(pins, sh.defined) is None)
        seats = [[mdl.eval(x, model_completion=True).as_long() for x in row] for row in sh.seats]
        other = z3.Or(z3.Not(sh.defined), *[x != v for row, vals in zip(sh.seats, seats, strict=True)
                                             for x, v in zip(row, vals, strict=True)])
        return Encoded(seats, sh.pinned.ask(pins, other) is None)


def agree(bs: BiproSystem, case: DistrictCase, fast: PinnedBipro | None = None) -> str | None:
    """None when the encoding and the interpreter agree on ``case``, else what differs (``fast``:
    asked of its pinned encodings, else of an encoding built for ``case``)."""
    want = interpret(bs.districts(tuple(case.magnitudes)), case, explain=False)
    got = encoded(bs, case) if fast is None else fast.encoded(case)
    if not got.unique:
        return f"{case}: the encoding allows another outcome"
    if isinstance(want, str):
        return None if got.seats is None else f"{case}: interpreter {want}, encoding {got.seats}"
    if got.seats is None:
        return f"{case}: interpreter {want.seats}, encoding says no result"
    return None if got.seats == want.seats else f"{case}: interpreter {want.seats}, encoding {got.seats}"


def cases(bs: BiproSystem, n: int, count: int, seed: int | str = 0) -> Iterator[tuple[str, DistrictCase]]:
    """``count`` elections of ``n`` lists over the system's magnitude vectors: (kind, case)."""
    rng = random.Random(seed)
    kinds = ("random", "small", "zeros", "tie-cell", "huge", "quorum", "equal")
    for t in range(count):
        mags = list(bs.vectors[t % len(bs.vectors)])
        kind = kinds[t % len(kinds)]
        yield kind, DistrictCase(_votes(rng, kind, n, mags), [{} for _ in mags], [None] * len(mags), mags)


def _votes(rng: random.Random, kind: str, n: int, mags: list[int]) -> list[list[int]]:
    k = len(mags)
    if kind == "small":
        return [[rng.randint(0, 6) for _ in range(n)] for _ in range(k)]
    if kind == "zeros":
        v = [[rng.choice([0, 0, rng.randint(1, 40)]) for _ in range(n)] for _ in range(k)]
        if rng.random() < 0.3:
            p = rng.randrange(n)
            for row in v:
                row[p] = 0
        return v
    if kind == "tie-cell":  # multiples of each magnitude: voter numbers and cells on exact halves more often
        return [[mags[j] * rng.randint(0, 8) for _ in range(n)] for j in range(k)]
    if kind == "huge":
        return [[rng.randint(10**12, 10**13) for _ in range(n)] for _ in range(k)]
    if kind == "quorum":  # one list near the 5% / 3% lines
        v = [[rng.randint(50, 200) for _ in range(n)] for _ in range(k)]
        for row in v:
            row[-1] = rng.randint(0, max(1, sum(row) // 15))
        return v
    if kind == "equal":  # equal rows or columns: ties in the upper apportionment and in cycles
        base = [rng.randint(1, 10) for _ in range(n)]
        return [[x * rng.choice([1, 1, 2]) for x in base] for _ in range(k)]
    return [[rng.randint(0, 100) for _ in range(n)] for _ in range(k)]
