"""Numbers for the encoder: plain Z3 terms, or ``a + b*eps`` pairs for the infinitesimal step.

Every vote figure in the encoding is a :class:`Num`. In the plain case ``b`` is ``None`` and a
``Num`` is just a Z3 arithmetic term. In the infinitesimal case the number stands for ``a + b*eps``
with ``eps`` a positive infinitesimal; comparisons are lexicographic (first ``a``, then ``b``).
Every quantity the encoder compares is linear in the votes once denominators are cleared, so the
pair representation is exact (no ``eps**2`` terms ever arise, except in Huntington-Hill squares,
where :meth:`Num.square` keeps the first-order part, which is all a lexicographic comparison
of squares of non-negative numbers needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import z3

Scalar = int | Fraction


def const(x: Scalar, real: bool) -> z3.ArithRef:
    if isinstance(x, Fraction):
        if x.denominator == 1:
            x = x.numerator
        elif not real:
            raise ValueError(f"non-integer coefficient {x} in an integer encoding")
        else:
            return z3.RealVal(f"{x.numerator}/{x.denominator}")
    return z3.RealVal(x) if real else z3.IntVal(x)


def _scale(term: z3.ArithRef | int, k: Scalar, real: bool) -> z3.ArithRef | int:
    if isinstance(term, int):
        prod = term * k
        if isinstance(prod, Fraction) and prod.denominator == 1:
            return int(prod)
        return prod  # type: ignore[return-value]
    if k == 1:
        return term
    if k == 0:
        return 0
    return term * const(Fraction(k), real)


@dataclass(frozen=True, slots=True)
class Num:
    a: z3.ArithRef | int
    b: z3.ArithRef | int | None = None

    # -- arithmetic -------------------------------------------------------------------------
    def __add__(self, other: Num) -> Num:
        return Num(self.a + other.a, _add_opt(self.b, other.b))

    def __sub__(self, other: Num) -> Num:
        nb = None if other.b is None else -other.b
        return Num(self.a - other.a, _add_opt(self.b, nb))

    def scale(self, k: Scalar, real: bool) -> Num:
        return Num(_scale(self.a, k, real), None if self.b is None else _scale(self.b, k, real))

    @property
    def eps(self) -> bool:
        return self.b is not None

    # -- comparisons ------------------------------------------------------------------------
    def lt(self, o: Num) -> z3.BoolRef:
        if self.b is None and o.b is None:
            return _b(self.a < o.a)
        return z3.Or(_b(self.a < o.a), z3.And(_b(self.a == o.a), _b(_z(self.b) < _z(o.b))))

    def le(self, o: Num) -> z3.BoolRef:
        if self.b is None and o.b is None:
            return _b(self.a <= o.a)
        return z3.Or(_b(self.a < o.a), z3.And(_b(self.a == o.a), _b(_z(self.b) <= _z(o.b))))

    def eq(self, o: Num) -> z3.BoolRef:
        if self.b is None and o.b is None:
            return _b(self.a == o.a)
        return z3.And(_b(self.a == o.a), _b(_z(self.b) == _z(o.b)))

    def gt(self, o: Num) -> z3.BoolRef:
        return o.lt(self)

    def ge(self, o: Num) -> z3.BoolRef:
        return o.le(self)

    def pos(self) -> z3.BoolRef:
        return self.gt(ZERO)

    def square(self) -> Num:
        if self.b is None:
            return Num(self.a * self.a)
        return Num(self.a * self.a, 2 * self.a * self.b)


ZERO = Num(0)


def _z(x: z3.ArithRef | int | None) -> z3.ArithRef | int:
    return 0 if x is None else x


def _add_opt(x: z3.ArithRef | int | None, y: z3.ArithRef | int | None) -> z3.ArithRef | int | None:
    if x is None:
        return y
    if y is None:
        return x
    return x + y


def _b(x: object) -> z3.BoolRef:
    if isinstance(x, bool):
        return z3.BoolVal(x)
    return x  # type: ignore[return-value]


def ite(c: z3.BoolRef, x: Num, y: Num) -> Num:
    if z3.is_true(c):
        return x
    if z3.is_false(c):
        return y
    if x.b is None and y.b is None:
        return Num(_ite(c, x.a, y.a))
    return Num(_ite(c, x.a, y.a), _ite(c, _z(x.b), _z(y.b)))


def _ite(c: z3.BoolRef, x: z3.ArithRef | int, y: z3.ArithRef | int) -> z3.ArithRef | int:
    if isinstance(x, int) and isinstance(y, int) and x == y:
        return x
    return z3.If(c, x, y)


def total(xs: list[Num]) -> Num:
    out = ZERO
    for x in xs:
        out = out + x
    return out


def count(bs: list[z3.BoolRef]) -> z3.ArithRef:
    if not bs:
        return z3.IntVal(0)
    return z3.Sum([z3.If(b, 1, 0) for b in bs])
