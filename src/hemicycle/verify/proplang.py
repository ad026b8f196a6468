"""User properties: the ``.props`` language (grammar in ``props.lark``, meaning in docs/verify.md).

A property file holds one or more properties::

    property strong-majority "More than half the votes: more than half the seats" [B&Y 1982]
      forall i: 2 * votes[i] > total implies 2 * seats[i] > house

    property gain-keeps "A list that gains votes keeps its seats"
      election B = A with votes[L1] + d
      B.seats[L1] >= seats[L1]

Each property is compiled to a :class:`~hemicycle.verify.properties.Property`: the same formula is
encoded for Z3 and evaluated in Python on the interpreter's outcomes when a counterexample is
replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import lark
import z3

from hemicycle.verify.encoder import TierEnc
from hemicycle.verify.errors import PropertyError
from hemicycle.verify.num import Num
from hemicycle.verify.problem import Outcome, Problem, Query
from hemicycle.verify.properties import Property
from hemicycle.verify.symbolic import SymElection, derive

# --- AST -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DRef:
    """A district: a 0-based index, a name from the rule file, or a quantified variable."""

    index: int | None = None
    name: str | None = None
    var: str | None = None


@dataclass(frozen=True)
class Ref:
    """A list: a 0-based index, or a quantified variable; in one district, or in the nation."""

    index: int | None = None
    var: str | None = None
    district: DRef | None = None


@dataclass(frozen=True)
class Atom:
    election: str  # "A" unless prefixed
    field: str  # seats, votes, house, total, npassed, valid, ... or "amount"
    ref: Ref | None = None
    name: str = ""  # the amount's name


@dataclass(frozen=True)
class Lin:
    """A linear expression: constant + sum(coef * atom)."""

    const: Fraction = Fraction(0)
    terms: tuple[tuple[Fraction, Atom], ...] = ()

    def __add__(self, o: Lin) -> Lin:
        return Lin(self.const + o.const, self.terms + o.terms)

    def scale(self, k: Fraction) -> Lin:
        return Lin(self.const * k, tuple((c * k, a) for c, a in self.terms))

    @property
    def is_const(self) -> bool:
        return not self.terms


VOTE_FIELDS = {"votes", "total", "valid", "ballots_cast", "registered", "invalid", "against_all",
               "amount"}


@dataclass(frozen=True)
class Cmp:
    left: Lin
    op: str
    right: Lin


@dataclass(frozen=True)
class Pred:
    election: str
    what: str
    ref: Ref


@dataclass(frozen=True)
class BoolOp:
    op: str  # and, or, not, implies
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Quant:
    kind: str  # forall, exists
    vars: tuple[str, ...]
    body: Any
    domain: str = "list"  # or "district"


@dataclass
class Change:
    ref: Ref | None = None
    sign: int = 1
    amount: str = ""
    house: int = 0


@dataclass
class ElectionDecl:
    name: str
    base: str | None  # None: a free election
    changes: list[Change] = field(default_factory=list)


@dataclass
class PropSpec:
    name: str
    definition: str
    citation: str
    elections: list[ElectionDecl]
    formula: Any
    line: int


# --- parsing ---------------------------------------------------------------------------------


@cache
def _parser() -> lark.Lark:
    text = (Path(__file__).parent / "props.lark").read_text()
    return lark.Lark(text, parser="lalr", propagate_positions=True)


def _ref(tok: lark.Token) -> Ref:
    s = str(tok)
    if s.isdigit():
        return Ref(index=int(s) - 1)
    if s[0] == "L" and s[1:].isdigit():
        return Ref(index=int(s[1:]) - 1)
    return Ref(var=s)


MAX_DIGITS = 60  # digits in one number of a property
MAX_DEPTH = 200  # nesting of a formula (parentheses, not, quantifiers, operators)
MAX_BYTES = 1_000_000  # size of a property file


class _Located(PropertyError):
    """A PropertyError raised while a node is built; the position is added by the caller."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def _number(tok: lark.Token) -> Fraction:
    text = str(tok)
    digits = sum(c.isdigit() for c in text)
    if digits > MAX_DIGITS:
        raise _Located(f"a number of {digits} digits (at most {MAX_DIGITS})", tok.line,
                       tok.column)
    return Fraction(text)


class _Build(lark.Transformer):  # type: ignore[type-arg]
    def ref(self, ch: list[Any]) -> Ref:
        tok = ch[0]
        if str(tok).lstrip("L").isdigit() and len(str(tok)) > MAX_DIGITS:
            raise _Located(f"a list number of {len(str(tok))} digits", tok.line, tok.column)
        r = _ref(tok)
        return replace(r, district=ch[2]) if len(ch) == 3 else r

    def dref(self, ch: list[lark.Token]) -> DRef:
        tok = ch[0]
        if tok.type == "STRING":
            return DRef(name=str(tok)[1:-1])
        if tok.type == "INT":
            if len(str(tok)) > MAX_DIGITS:
                raise _Located(f"a district number of {len(str(tok))} digits", tok.line, tok.column)
            return DRef(index=int(str(tok)) - 1)
        return DRef(var=str(tok))

    def int_(self, ch: list[lark.Token]) -> Lin:
        return Lin(_number(ch[0]))

    def dec(self, ch: list[lark.Token]) -> Lin:
        return Lin(_number(ch[0]))

    def frac(self, ch: list[lark.Token]) -> Lin:
        return Lin(_number(ch[0]))

    def indexed(self, ch: list[Any]) -> Lin:
        el = str(ch[0]) if len(ch) == 3 else "A"
        return Lin(terms=((Fraction(1), Atom(el, str(ch[-2]), ch[-1])),))

    def scalar(self, ch: list[Any]) -> Lin:
        el = str(ch[0]) if len(ch) == 2 else "A"
        return Lin(terms=((Fraction(1), Atom(el, str(ch[-1]))),))

    def amount(self, ch: list[Any]) -> Lin:
        return Lin(terms=((Fraction(1), Atom("A", "amount", name=str(ch[0]))),))

    def addsub(self, ch: list[Any]) -> Lin:
        a, sign, b = ch
        return a + (b if str(sign) == "+" else b.scale(Fraction(-1)))

    def neg(self, ch: list[Any]) -> Lin:
        return ch[0].scale(Fraction(-1))

    def mul(self, ch: list[Any]) -> Lin:
        a, b = ch
        if a.is_const:
            return b.scale(a.const)
        if b.is_const:
            return a.scale(b.const)
        raise _Located("only multiplication by a number is allowed (a product of two "
                       "quantities is not linear)")

    def comparison(self, ch: list[Any]) -> Cmp:
        return Cmp(ch[0], str(ch[1]), ch[2])

    def predicate(self, ch: list[Any]) -> Pred:
        el = str(ch[0]) if len(ch) == 3 else "A"
        return Pred(el, str(ch[-2]), ch[-1])

    def not_(self, ch: list[Any]) -> BoolOp:
        return BoolOp("not", (ch[0],))

    def conjunction(self, ch: list[Any]) -> BoolOp:
        return BoolOp("and", tuple(ch))

    def disjunction(self, ch: list[Any]) -> BoolOp:
        return BoolOp("or", tuple(ch))

    def implication(self, ch: list[Any]) -> BoolOp:
        return BoolOp("implies", tuple(ch))

    def quantified(self, ch: list[Any]) -> Quant:
        domain = "list"
        if isinstance(ch[1], lark.Token) and ch[1].type == "DISTRICT":
            domain, ch = "district", [ch[0], *ch[2:]]
        return Quant(str(ch[0]), tuple(str(x) for x in ch[1:-1]), ch[-1], domain)

    def vote_change(self, ch: list[Any]) -> Change:
        return Change(ref=ch[0], sign=1 if str(ch[1]) == "+" else -1, amount=str(ch[2]))

    def house_change(self, ch: list[Any]) -> Change:
        k = int(_number(ch[1]))
        return Change(house=k if str(ch[0]) == "+" else -k)

    def derived(self, ch: list[Any]) -> ElectionDecl:
        return ElectionDecl(str(ch[0]), str(ch[1]), list(ch[2:]))

    def free(self, ch: list[Any]) -> ElectionDecl:
        return ElectionDecl(str(ch[0]), None)


def _depth_check(tree: lark.Tree, file: str) -> None:
    """Refuse formulas nested deeper than MAX_DEPTH (walked without recursion)."""
    stack: list[tuple[lark.Tree, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            where = f"{meta.line}:{meta.column}" if not meta.empty else "?"
            raise PropertyError(f"{file}:{where}: the formula is nested more than {MAX_DEPTH} "
                                "levels deep")
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, lark.Tree))


def _transform(node: Any, file: str) -> Any:
    try:
        return _Build().transform(node)
    except lark.exceptions.VisitError as exc:
        orig = exc.orig_exc
        if isinstance(orig, PropertyError):
            line = getattr(orig, "line", None)
            column = getattr(orig, "column", None)
            meta = getattr(exc.obj, "meta", None)
            if line is None and meta is not None and not meta.empty:
                line, column = meta.line, meta.column
            where = f"{line}:{column}" if line is not None else "?"
            raise PropertyError(f"{file}:{where}: {orig}") from None
        raise


def parse_properties(text: str, file: str = "<props>") -> list[PropSpec]:
    try:
        tree = _parser().parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        raise PropertyError(f"{file}:{exc.line}:{exc.column}: {exc.__class__.__name__}: "
                            f"{str(exc).splitlines()[0]}") from exc
    except RecursionError:
        raise PropertyError(f"{file}: the formula is nested more than {MAX_DEPTH} levels "
                            "deep") from None
    _depth_check(tree, file)
    specs = []
    for prop in tree.children:
        line = prop.meta.line if hasattr(prop.meta, "line") else 0
        ch = list(prop.children)
        name = str(ch.pop(0))
        definition = citation = ""
        while ch and isinstance(ch[0], lark.Token):
            tok = ch.pop(0)
            if tok.type == "STRING":
                definition = str(tok)[1:-1]
            else:
                citation = str(tok)[1:-1]
        built = [_transform(c, file) if isinstance(c, lark.Tree) else c for c in ch]
        elections = [x for x in built if isinstance(x, ElectionDecl)]
        formulas = [x for x in built if not isinstance(x, ElectionDecl)]
        if len(formulas) != 1:
            raise PropertyError(f"{file}:{line}: property {name} needs exactly one formula")
        formula = _transform(formulas[0], file) if isinstance(formulas[0], lark.Tree) \
            else formulas[0]
        specs.append(PropSpec(name, definition or f"user property {name}",
                              citation or f"{file}:{line}", elections, formula, line))
    return specs


# --- meaning: what both back ends share ------------------------------------------------------


def _homogeneous(f: Any) -> bool:
    """True when every comparison is all vote figures or all seat figures (scale invariant)."""
    if isinstance(f, Cmp):
        kinds = set()
        for side in (f.left, f.right):
            for _, a in side.terms:
                kinds.add("v" if a.field in VOTE_FIELDS else "s")
        return not ("v" in kinds and ("s" in kinds or f.left.const != 0 or f.right.const != 0))
    if isinstance(f, BoolOp):
        return all(_homogeneous(a) for a in f.args)
    if isinstance(f, Quant):
        return _homogeneous(f.body)
    return True


class _Env:
    """Evaluation or encoding context: the lists, the districts (by name, in the rule file's
    order; none for a chamber without districts) and the variables bound to each."""

    def __init__(self, n: int, districts: tuple[str, ...] = ()) -> None:
        self.n = n
        self.districts = districts
        self.bind: dict[str, int] = {}
        self.dbind: dict[str, int] = {}

    def index(self, r: Ref) -> int:
        if r.index is not None:
            if not 0 <= r.index < self.n:
                raise PropertyError(f"list {r.index + 1} does not exist (there are {self.n})")
            return r.index
        if r.var not in self.bind:
            raise PropertyError(f"unknown list {r.var!r} (quantify it, or write L1..L{self.n})")
        return self.bind[r.var]

    def district(self, d: DRef) -> int:
        if not self.districts:
            raise PropertyError("these rules have no districts (`in` a district, `forall district`)")
        k = len(self.districts)
        if d.index is not None:
            if not 0 <= d.index < k:
                raise PropertyError(f"district {d.index + 1} does not exist (there are {k})")
            return d.index
        if d.name is not None:
            if d.name not in self.districts:
                raise PropertyError(f"no district named {d.name!r}; districts: " + ", ".join(self.districts))
            return self.districts.index(d.name)
        if d.var not in self.dbind:
            raise PropertyError(f"unknown district {d.var!r} (quantify it: forall district {d.var}: ...)")
        return self.dbind[d.var]

    def size(self, q: Quant) -> int:
        if q.domain == "district":
            if not self.districts:
                raise PropertyError("these rules have no districts to quantify over")
            return len(self.districts)
        return self.n

    def position(self, name: str) -> int | None:
        """A bound variable's position (list or district), for ``i != j``."""
        if name in self.bind:
            return self.bind[name]
        return self.dbind.get(name)


def _expand(f: Any, env: _Env, leaf: Any, conj: Any, disj: Any, neg: Any) -> Any:
    if isinstance(f, (Cmp, Pred)):
        return leaf(f)
    if isinstance(f, BoolOp):
        args = [_expand(a, env, leaf, conj, disj, neg) for a in f.args]
        if f.op == "and":
            return conj(args)
        if f.op == "or":
            return disj(args)
        if f.op == "not":
            return neg(args[0])
        return disj([neg(args[0]), args[1]])
    if isinstance(f, Quant):
        parts = []
        table = env.dbind if f.domain == "district" else env.bind
        size = env.size(f)

        def loop(k: int) -> None:
            if k == len(f.vars):
                parts.append(_expand(f.body, env, leaf, conj, disj, neg))
                return
            for i in range(size):
                table[f.vars[k]] = i
                loop(k + 1)
            del table[f.vars[k]]

        loop(0)
        return conj(parts) if f.kind == "forall" else disj(parts)
    raise PropertyError(f"cannot read {f!r}")


MAX_LEAVES = 100_000  # comparisons after the quantifiers are expanded over the lists


def _leaves(f: Any, n: int, districts: int = 0) -> int:
    """How many comparisons ``f`` expands to with n lists (and ``districts`` districts)."""
    if isinstance(f, BoolOp):
        return sum(_leaves(a, n, districts) for a in f.args)
    if isinstance(f, Quant):
        return (districts if f.domain == "district" else n) ** len(f.vars) * _leaves(f.body, n, districts)
    return 1


def check_size(spec: PropSpec, n: int, districts: int = 0) -> None:
    if _leaves(spec.formula, n, districts) > MAX_LEAVES:
        raise PropertyError(f"property {spec.name}: with {n} lists its quantifiers expand "
                            f"to more than {MAX_LEAVES:,} comparisons")


def check_declarations(spec: PropSpec) -> list[str]:
    """The names of the property's elections, A first; an error for one declared twice."""
    names = ["A"] + [d.name for d in spec.elections]
    if len(set(names)) != len(names):
        raise PropertyError(f"property {spec.name}: an election is declared twice")
    return names


_OPS = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _real(c: Fraction) -> z3.ArithRef:
    return z3.RealVal(f"{c.numerator}/{c.denominator}")


class SymLeaves:
    """The formula as a Z3 term. ``atom`` gives each quantity: ("v", Num) for a vote figure,
    ("s", term) for a seat figure (or a position); ``pred`` gives ``passed`` / ``admitted``."""

    def __init__(self, spec: PropSpec, env: _Env, amounts: dict[str, Num]) -> None:
        self.spec, self.env, self.amounts = spec, env, amounts

    def atom(self, a: Atom) -> tuple[str, Any]:
        raise NotImplementedError

    def pred(self, f: Pred) -> z3.BoolRef:
        raise NotImplementedError

    def amount(self, a: Atom) -> tuple[str, Any]:
        pos = self.env.position(a.name)
        if pos is not None:  # a bound variable: its position
            return "s", z3.IntVal(pos)
        if a.name not in self.amounts:
            raise PropertyError(f"property {self.spec.name}: unknown name {a.name!r}")
        return "v", self.amounts[a.name]

    def lin(self, x: Lin) -> tuple[Num, Any]:
        out_v = Num(0)
        out_s: Any = _real(x.const)
        for c, a in x.terms:
            kind, val = self.amount(a) if a.field == "amount" else self.atom(a)
            if kind == "v":
                out_v = out_v + val.scale(c, True)
            else:
                out_s = out_s + _real(c) * val
        return out_v, out_s

    def leaf(self, f: Any) -> z3.BoolRef:
        if isinstance(f, Pred):
            return self.pred(f)
        lv, ls = self.lin(f.left)
        rv, rs = self.lin(f.right)
        # vote parts and seat parts meet as plain Z3 terms (mixed only when not homogeneous)
        return _OPS[f.op](lv.a + ls, rv.a + rs)

    def formula(self) -> z3.BoolRef:
        return _expand(self.spec.formula, self.env, self.leaf, lambda xs: z3.And(xs),
                       lambda xs: z3.Or(xs), z3.Not)


class Values:
    """The formula evaluated on the interpreter's outcomes; ``atom`` gives each quantity."""

    def __init__(self, spec: PropSpec, env: _Env, amounts: dict[str, Fraction]) -> None:
        self.spec, self.env, self.amounts = spec, env, amounts

    def atom(self, a: Atom) -> Fraction:
        raise NotImplementedError

    def pred(self, f: Pred) -> bool:
        raise NotImplementedError

    def lin(self, x: Lin) -> Fraction:
        total = x.const
        for c, a in x.terms:
            if a.field == "amount":
                pos = self.env.position(a.name)
                total += c * (Fraction(pos) if pos is not None else self.amounts[a.name])
            else:
                total += c * self.atom(a)
        return total

    def leaf(self, f: Any) -> bool:
        if isinstance(f, Pred):
            return self.pred(f)
        return bool(_OPS[f.op](self.lin(f.left), self.lin(f.right)))

    def holds(self) -> bool:
        return bool(_expand(self.spec.formula, self.env, self.leaf, all, any, lambda b: not b))


def figures_of(votes: list[int], extras: dict[str, int]) -> dict[str, int]:
    """The scalar vote figures of a concrete election (or district)."""
    total = sum(votes)
    valid = total + extras.get("against_all", 0)
    cast = valid + extras.get("invalid", 0)
    return {"total": total, "valid": valid, "ballots_cast": cast,
            "registered": cast + extras.get("nonvoters", 0), "invalid": extras.get("invalid", 0),
            "against_all": extras.get("against_all", 0)}


def national_only(spec: PropSpec, r: Ref | None) -> None:
    if r is not None and r.district is not None:
        raise PropertyError(f"property {spec.name}: these rules have no districts (`in` a district)")


# --- the single-tier back end ------------------------------------------------------------------


class _TierLeaves(SymLeaves):
    def __init__(self, spec: PropSpec, env: _Env, amounts: dict[str, Num], encs: dict[str, TierEnc]) -> None:
        super().__init__(spec, env, amounts)
        self.encs = encs

    def atom(self, a: Atom) -> tuple[str, Any]:
        national_only(self.spec, a.ref)
        if a.election not in self.encs:
            raise PropertyError(f"property {self.spec.name}: unknown election {a.election!r}")
        enc = self.encs[a.election]
        e = enc.election
        if a.field == "seats":
            return "s", enc.seats[self.env.index(a.ref)]  # type: ignore[arg-type]
        if a.field == "votes":
            return "v", e.votes[self.env.index(a.ref)]  # type: ignore[arg-type]
        if a.field == "house":
            return "s", z3.IntVal(enc.house)
        if a.field == "npassed":
            return "s", enc.n_passed
        figs = {"total": e.list_votes, "valid": e.valid, "ballots_cast": e.ballots_cast,
                "registered": e.registered, "invalid": e.invalid, "against_all": e.against_all}
        return "v", figs[a.field]

    def pred(self, f: Pred) -> z3.BoolRef:
        national_only(self.spec, f.ref)
        enc = self.encs[f.election]
        i = self.env.index(f.ref)
        return enc.passed[i] if f.what == "passed" else enc.admitted[i]


class _TierValues(Values):
    def __init__(self, spec: PropSpec, env: _Env, amounts: dict[str, Fraction], by: dict[str, Outcome]) -> None:
        super().__init__(spec, env, amounts)
        self.by = by

    def atom(self, a: Atom) -> Fraction:
        o = self.by[a.election]
        if a.field == "seats":
            return Fraction(o.seats[self.env.index(a.ref)])  # type: ignore[arg-type]
        if a.field == "votes":
            return Fraction(o.votes[self.env.index(a.ref)])  # type: ignore[arg-type]
        if a.field == "house":
            return Fraction(o.house)
        if a.field == "npassed":
            return Fraction(sum(o.passed))
        return Fraction(figures_of(o.votes, o.extras)[a.field])

    def pred(self, f: Pred) -> bool:
        o = self.by[f.election]
        i = self.env.index(f.ref)
        return o.passed[i] if f.what == "passed" else o.admitted[i]


def _tier_elections(spec: PropSpec, p: Problem, ctx: Any
                    ) -> tuple[dict[str, SymElection], dict[str, int], dict[str, Num]]:
    """The declared elections (A and each ``election`` line), their houses and the amounts."""
    elections: dict[str, SymElection] = {"A": p.election(ctx, "A")}
    houses: dict[str, int] = {"A": p.tier.seats}
    amounts: dict[str, Num] = {}
    for d in spec.elections:
        if d.base is None:
            elections[d.name] = p.election(ctx, d.name)
            houses[d.name] = p.tier.seats
            continue
        if d.base not in elections:
            raise PropertyError(f"property {spec.name}: election {d.base} is not declared before it is used")
        votes = list(elections[d.base].votes)
        house = houses[d.base]
        env = _Env(p.n)
        for c in d.changes:
            if c.ref is None:
                house += c.house
                if house < 1:
                    raise PropertyError(
                        f"property {spec.name}: election {d.name} would have a house of {house} seats "
                        f"(the tier has {p.tier.seats}); a house must be at least 1 seat")
                continue
            national_only(spec, c.ref)
            amount = _amount(ctx, amounts, c.amount)
            i = env.index(c.ref)
            votes[i] = votes[i] + amount if c.sign > 0 else votes[i] - amount
            ctx.add(votes[i].a >= 0)
            if p.max_votes is not None:
                ctx.add(votes[i].a <= p.max_votes)
        elections[d.name] = derive(ctx, elections[d.base], votes, d.name)  # regions follow the votes
        houses[d.name] = house
    return elections, houses, amounts


def _amount(ctx: Any, amounts: dict[str, Num], name: str) -> Num:
    """The positive amount ``name`` (shared by every change that names it)."""
    if name not in amounts:
        v = ctx.num_var(f"amount.{name}")
        ctx.add(v > 0)
        amounts[name] = Num(v)
    return amounts[name]


def replayed_amounts(spec: PropSpec, votes_of: Any, env: _Env) -> dict[str, Fraction]:
    """Each amount's value in concrete outcomes: the change it made to the votes it moved.
    ``votes_of(election, ref)`` is the votes a change names."""
    amounts: dict[str, Fraction] = {}
    for d in spec.elections:
        if d.base is None:
            continue
        for c in d.changes:
            if c.ref is not None and c.amount not in amounts:
                amounts[c.amount] = Fraction((votes_of(d.name, c.ref) - votes_of(d.base, c.ref)) * c.sign)
    return amounts


def compile_property(spec: PropSpec) -> Property:
    """A property of a chamber without districts: the formula over the tier's elections."""
    names = check_declarations(spec)
    homogeneous = _homogeneous(spec.formula)

    def build(p: Problem) -> list[Query]:
        check_size(spec, p.n)
        if p.real and not homogeneous:
            # the formula compares vote figures with constants: scaling is not allowed
            p = Problem(p.tier, p.n, real=False, max_votes=p.max_votes)
        ctx = p.ctx()
        elections, houses, amounts = _tier_elections(spec, p, ctx)
        # one scale for the whole query: election A carries it, the others follow from it
        encs = {name: p.alloc(ctx, elections[name], house=houses[name], norm=(k == 0 and homogeneous),
                              label=f"election {name}") for k, name in enumerate(names)}
        formula = _TierLeaves(spec, _Env(p.n), amounts, encs).formula()
        return [Query(spec.name, ctx, [encs[nm].defined for nm in names], z3.Not(formula),
                      [encs[nm] for nm in names], objective=p.total_votes(elections["A"]))]

    def violated(outs: list[Outcome]) -> bool:
        by = dict(zip(names, outs, strict=True))
        env = _Env(len(outs[0].votes))
        amounts = replayed_amounts(spec, lambda e, r: by[e].votes[env.index(r)], env)
        return not _TierValues(spec, env, amounts, by).holds()

    return Property(
        name=spec.name,
        definition=spec.definition,
        citation=spec.citation,
        encoding="user property: the formula's negation over the declared elections"
        + ("" if homogeneous else " (compares votes with constants: integer encoding)"),
        build=build,
        violated=violated,
        elections=len(names),
    )


def read_properties_text(path: Path | str) -> str:
    """The text of a property file, or a ``PropertyError`` that says what is wrong with it
    (missing, a directory, too large, not UTF-8: with the line and column of the bad byte)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise PropertyError(f"{p}: is a directory, not a property file")
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PropertyError(f"{p}: cannot read the property file: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise PropertyError(f"{p}: a property file of more than {MAX_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PropertyError(f"{p}:{line}:{col}: not UTF-8 text (byte 0x{data[exc.start]:02x})"
                            ) from None


def load_properties(path: Path | str) -> list[Property]:
    p = Path(path)
    return [compile_property(s) for s in parse_properties(read_properties_text(p), file=str(p))]


def loads_properties(text: str, file: str = "<props>") -> list[Property]:
    return [compile_property(s) for s in parse_properties(text, file=file)]
