"""Run the encoding on fixed, concrete votes: the agreement test against the interpreter.

``encoded_seats`` fixes every vote figure of a symbolic election to the given integers, solves, and
reads the seats back; with ``unique=True`` it also proves that no other seat vector satisfies the
encoding (the encoding defines a function of the votes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import z3

from hemicycle.model import Tier
from hemicycle.verify.encoder import Ctx, encode_tier, make_election, needed_tags
from hemicycle.verify.errors import EncodingMismatch


@dataclass
class EncodedOutcome:
    seats: list[int]
    passed: list[bool]
    admitted: list[bool]
    undecided: bool
    degenerate: bool


def totals_for(votes: Sequence[int], against_all: int = 0, invalid: int = 0,
               nonvoters: int = 0) -> dict[str, int]:
    valid = sum(votes) + against_all
    cast = valid + invalid
    return {
        "valid": valid,
        "invalid": invalid,
        "ballots_cast": cast,
        "registered": cast + nonvoters,
        "against_all": against_all,
    }


class FixedVotes:
    """The encoding of one tier for ``n`` lists, solved again and again with fixed figures."""

    def __init__(self, tier: Tier, n: int, *, house: int | None = None,
                 real: bool | None = None) -> None:
        use_real = tier.scale_invariant if real is None else real
        ctx = Ctx(real=use_real, prefix="c.")
        e = make_election(ctx, n, "E", {"against_all", "invalid", "nonvoters"},
                          needed_tags([tier]))
        self.n = n
        self.tier = tier
        self.election = e
        self.enc = encode_tier(ctx, tier, e, house=house)
        self.cons = ctx.cons
        # non-linear encodings (rounded quotas) solve far faster from scratch, with the fixed
        # figures simplified in, than incrementally
        self.fresh = not use_real
        self.solver = z3.Solver()
        self.solver.set(timeout=60_000)
        self.solver.add(*ctx.cons)

    def run(
        self,
        votes: Sequence[int],
        *,
        against_all: int = 0,
        invalid: int = 0,
        nonvoters: int = 0,
        tags: Mapping[str, Sequence[bool]] | None = None,
        unique: bool = False,
    ) -> EncodedOutcome:
        n, e, enc, s = self.n, self.election, self.enc, self.solver
        if len(votes) != n:
            raise ValueError(f"expected {n} lists, got {len(votes)}")
        fixed = [e.votes[i].a == votes[i] for i in range(n)]
        fixed += [e.against_all.a == against_all, e.invalid.a == invalid,
                  e.nonvoters.a == nonvoters]
        for tag, vars_ in e.tags.items():
            vals = (tags or {}).get(tag, [False] * n)
            fixed += [vars_[i] == bool(vals[i]) for i in range(n)]
        if self.fresh:
            s = z3.Solver()
            s.set(timeout=60_000)
            val = z3.RealVal if e.votes[0].a.is_real() else z3.IntVal
            subst = [(e.votes[i].a, val(votes[i])) for i in range(n)]
            subst += [(e.against_all.a, val(against_all)), (e.invalid.a, val(invalid)),
                      (e.nonvoters.a, val(nonvoters))]
            s.add(*[z3.simplify(z3.substitute(c, *subst)) for c in self.cons], *fixed)
        s.push()
        try:
            s.add(*fixed)
            r = s.check()
            if r != z3.sat:
                raise EncodingMismatch(f"encoding has no allocation for votes {list(votes)}: {r}")
            m = s.model()
            seats = [m.eval(x, model_completion=True).as_long() for x in enc.seats]
            out = EncodedOutcome(
                seats=seats,
                passed=[z3.is_true(m.eval(p, model_completion=True)) for p in enc.passed],
                admitted=[z3.is_true(m.eval(a, model_completion=True)) for a in enc.admitted],
                undecided=z3.is_true(m.eval(enc.undecided, model_completion=True)),
                degenerate=z3.is_true(m.eval(enc.degenerate, model_completion=True)),
            )
            if unique:
                s.add(z3.Or([x != v for x, v in zip(enc.seats, seats, strict=True)]))
                r2 = s.check()
                if r2 != z3.unsat:
                    other = [s.model().eval(x, model_completion=True) for x in enc.seats] \
                        if r2 == z3.sat else r2
                    raise EncodingMismatch(
                        f"encoding is not functional for votes {list(votes)}: {seats} and {other}"
                    )
            return out
        finally:
            s.pop()


_CACHE: dict[tuple[int, int, int | None, bool | None], FixedVotes] = {}


def encoded_seats(
    tier: Tier,
    votes: Sequence[int],
    *,
    against_all: int = 0,
    invalid: int = 0,
    nonvoters: int = 0,
    tags: Mapping[str, Sequence[bool]] | None = None,
    house: int | None = None,
    unique: bool = False,
    real: bool | None = None,
) -> EncodedOutcome:
    """The seats the encoding gives ``tier`` for these concrete figures (list order = index)."""
    key = (id(tier), len(votes), house, real)
    fv = _CACHE.get(key)
    if fv is None or fv.tier is not tier:
        fv = FixedVotes(tier, len(votes), house=house, real=real)
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = fv
    return fv.run(votes, against_all=against_all, invalid=invalid, nonvoters=nonvoters,
                  tags=tags, unique=unique)
