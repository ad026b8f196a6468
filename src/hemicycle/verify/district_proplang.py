"""User properties (``.props``) of districted chambers: the property language's formulas over the
district encoding (verify/districts.py), decided like the district catalogue
(verify/district_properties.py: every counterexample replayed, every PROVED non-vacuous).

In a districted chamber ``votes[x]`` and ``seats[x]`` are the list's national figures, ``votes[x in
d]`` and ``seats[x in d]`` its figures in district ``d`` (a variable of ``forall district d`` /
``exists district d``, a district's name as a string, or its number in the rule file's order);
``total``, ``valid``, ``ballots_cast``, ``registered``, ``invalid``, ``against_all`` the national
figures and ``house`` the chamber's seats. A derived election changes votes in one named district
(``election B = A with votes[L1 in "North"] + g``). ``passed``, ``admitted``, ``npassed`` and
``with house + k`` are not available for districts yet (an input error says so).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import z3

from hemicycle.verify.district_properties import DistrictProperty, DQuery
from hemicycle.verify.districts import (
    DistrictEnc,
    DistrictOutcome,
    DistrictSystem,
    allocate_districts,
    district_elections,
)
from hemicycle.verify.errors import PropertyError
from hemicycle.verify.num import Num
from hemicycle.verify.proplang import (
    Atom,
    Pred,
    PropSpec,
    Ref,
    SymLeaves,
    Values,
    _amount,
    _Env,
    _homogeneous,
    check_declarations,
    check_size,
    figures_of,
    parse_properties,
    read_properties_text,
    replayed_amounts,
)
from hemicycle.verify.symbolic import Ctx, SymElection

_NOT_YET = "is not available for districted chambers yet"


def _cell(env: _Env, r: Ref) -> tuple[int, int | None]:
    """(list, district or None for the nation)."""
    return env.index(r), (None if r.district is None else env.district(r.district))


class _DistrictLeaves(SymLeaves):
    def __init__(self, spec: PropSpec, env: _Env, amounts: dict[str, Num], encs: dict[str, DistrictEnc],
                 house: int) -> None:
        super().__init__(spec, env, amounts)
        self.encs, self.house = encs, house

    def atom(self, a: Atom) -> tuple[str, Any]:
        if a.election not in self.encs:
            raise PropertyError(f"property {self.spec.name}: unknown election {a.election!r}")
        enc = self.encs[a.election]
        if a.field in ("seats", "votes"):
            i, k = _cell(self.env, a.ref)  # type: ignore[arg-type]
            if a.field == "seats":
                return "s", enc.national_seats[i] if k is None else enc.seats[k][i]
            return "v", enc.national.votes[i] if k is None else enc.districts[k].votes[i]
        if a.field == "house":
            return "s", z3.IntVal(self.house)
        if a.field == "npassed":
            raise PropertyError(f"property {self.spec.name}: npassed {_NOT_YET}")
        e = enc.national
        figs = {"total": e.list_votes, "valid": e.valid, "ballots_cast": e.ballots_cast,
                "registered": e.registered, "invalid": e.invalid, "against_all": e.against_all}
        return "v", figs[a.field]

    def pred(self, f: Pred) -> z3.BoolRef:
        raise PropertyError(f"property {self.spec.name}: {f.what}[...] {_NOT_YET}")


class _DistrictValues(Values):
    def __init__(self, spec: PropSpec, env: _Env, amounts: dict[str, Fraction], by: dict[str, DistrictOutcome],
                 house: int) -> None:
        super().__init__(spec, env, amounts)
        self.by, self.house = by, house

    def atom(self, a: Atom) -> Fraction:
        o = self.by[a.election]
        if a.field in ("seats", "votes"):
            i, k = _cell(self.env, a.ref)  # type: ignore[arg-type]
            if a.field == "seats":
                return Fraction(o.national[i] if k is None else o.seats[k][i])
            return Fraction(o.national_votes[i] if k is None else o.case.votes[k][i])
        if a.field == "house":
            return Fraction(self.house)
        extras = {x: sum(d.get(x, 0) for d in o.case.extras) for x in ("against_all", "invalid", "nonvoters")}
        return Fraction(figures_of(o.national_votes, extras)[a.field])


def _elections(spec: PropSpec, sys: DistrictSystem, n: int, max_votes: int | None, ctx: Ctx
               ) -> tuple[dict[str, list[SymElection]], dict[str, Num]]:
    """The declared districted elections (one SymElection per district each) and the amounts."""
    elections = {"A": district_elections(ctx, sys, n, "A", max_votes)}
    amounts: dict[str, Num] = {}
    env = _Env(n, sys.names)
    for d in spec.elections:
        if d.base is None:
            elections[d.name] = district_elections(ctx, sys, n, d.name, max_votes)
            continue
        if d.base not in elections:
            raise PropertyError(f"property {spec.name}: election {d.base} is not declared before it is used")
        ds = list(elections[d.base])
        for c in d.changes:
            if c.ref is None:
                raise PropertyError(f"property {spec.name}: `with house {c.house:+d}` {_NOT_YET}")
            if c.ref.district is None:
                raise PropertyError(f"property {spec.name}: in a districted chamber a change names its district "
                                    f"(votes[L1 in \"{sys.names[0]}\"] + {c.amount})")
            i, k = _cell(env, c.ref)
            assert k is not None
            amount = _amount(ctx, amounts, c.amount)
            votes = list(ds[k].votes)
            votes[i] = votes[i] + amount if c.sign > 0 else votes[i] - amount
            ctx.add(votes[i].a >= 0)
            if max_votes is not None:
                ctx.add(votes[i].a <= max_votes)
            ds[k] = ds[k].with_votes(votes)
        elections[d.name] = ds
    return elections, amounts


def compile_district_property(spec: PropSpec) -> DistrictProperty:
    """A user property of a districted chamber, decided by ``district_properties.decide``."""
    names = check_declarations(spec)
    homogeneous = _homogeneous(spec.formula)

    def build(sys: DistrictSystem, n: int, max_votes: int | None) -> list[DQuery]:
        check_size(spec, n, len(sys.names))
        ctx = Ctx(real=sys.real, prefix="user.")
        elections, amounts = _elections(spec, sys, n, max_votes, ctx)
        encs = {nm: allocate_districts(ctx, sys, elections[nm], nm) for nm in names}
        env = _Env(n, sys.names)
        formula = _DistrictLeaves(spec, env, amounts, encs, sys.chamber.seats).formula()
        return [DQuery(spec.name, ctx, [encs[nm].defined for nm in names], z3.Not(formula),
                       [encs[nm] for nm in names])]

    def violated(outs: list[DistrictOutcome], where: tuple[int, int] | None) -> bool:
        by = dict(zip(names, outs, strict=True))
        env = _Env(len(outs[0].national), outs[0].names)
        amounts = replayed_amounts(spec, lambda e, r: by[e].case.votes[env.district(r.district)][env.index(r)],
                                   env)
        return not _DistrictValues(spec, env, amounts, by, outs[0].house).holds()

    return DistrictProperty(spec.name, spec.definition, spec.citation, build, violated,
                            elections=len(names), integer=not homogeneous)


def load_district_properties(path: Any) -> list[DistrictProperty]:
    return [compile_district_property(s) for s in parse_properties(read_properties_text(path), file=str(path))]


def loads_district_properties(text: str, file: str = "<props>") -> list[DistrictProperty]:
    return [compile_district_property(s) for s in parse_properties(text, file=file)]

