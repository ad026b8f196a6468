"""Run the encoding on fixed, concrete votes: the agreement test against the interpreter.

``encoded_seats`` fixes every vote figure of a symbolic election to the given integers, solves, and
reads the seats back; with ``unique=True`` it also proves that no other seat vector satisfies the
encoding (the encoding defines a function of the votes). ``scaled=True`` does the same on the
normalised encoding the verifier's queries use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import z3

from hemicycle.model import LargestRemainder, Tier
from hemicycle.verify.encoder import TierEnc, encode_tier
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.num import Num
from hemicycle.verify.symbolic import Ctx, make_election, needed_extras, needed_regions, needed_tags


@dataclass
class EncodedOutcome:
    seats: list[int]
    passed: list[bool]
    admitted: list[bool]
    undecided: bool
    degenerate: bool


def totals_for(votes: Sequence[int], against_all: int = 0, invalid: int = 0,
               nonvoters: int = 0, blank: int | None = None) -> dict[str, int]:
    """The totals of a concrete election; ``blank`` (given only when the rules see blank
    ballots) counts in the ballots cast beside the valid votes and the invalid ballots."""
    valid = sum(votes) + against_all
    cast = valid + invalid + (blank or 0)
    out = {
        "valid": valid,
        "invalid": invalid,
        "ballots_cast": cast,
        "registered": cast + nonvoters,
        "against_all": against_all,
    }
    if blank is not None:
        out["blank"] = blank
    return out


Regions = list[tuple[list[int], dict[str, int]]]  # per region: votes per list, the other figures


def region_totals(regions: Regions) -> dict[str, dict[str, int]]:
    """The regions R1, R2 ... of a concrete election, with their totals, for ``Election.regions``."""
    return {f"R{r + 1}": totals_for(votes, **extras) for r, (votes, extras) in enumerate(regions)}


# Solving a copy with the figures substituted and simplified in, after Z3's cheap preprocessing,
# is several times faster than the incremental solver for largest-remainder encodings (the integer
# parts, written in binary, become comparisons with constants); divisor methods are fastest
# incrementally. Either way the seats are read from Z3's model of the encoding.
_FRESH = z3.Then("simplify", "propagate-values", "solve-eqs", "smt")


class FixedVotes:
    """The encoding of one tier for ``n`` lists, solved again and again with fixed figures.

    The encoding is built once. ``scaled=True`` (scale-invariant tiers only) builds the normalised
    encoding that the verifier's queries use (admitted votes summing to 1, or a divisor cut fixed
    at 1) and fixes every figure to ``c`` times the given one, ``c > 0`` left to the solver.
    ``strategy``: ``"assume"`` (one solver, the figures pinned as assumptions of its check: what
    it learns carries over), ``"incremental"`` (push, fix, check, pop) or ``"fresh"`` (a new solver
    on the constraints with the figures substituted); by default fresh for largest remainder and
    integer encodings, assume for divisor methods (measured: 9-13 ms a case for hare and admit-next
    either way, 17 ms instead of 26-30 ms for D'Hondt with lots; incremental is the slowest).
    """

    def __init__(self, tier: Tier, n: int, *, house: int | None = None,
                 real: bool | None = None, scaled: bool = False,
                 strategy: str | None = None) -> None:
        use_real = tier.scale_invariant if real is None else real
        if scaled and not (use_real and tier.scale_invariant):
            raise ValueError("the scaled encoding needs a scale-invariant tier and rational votes")
        ctx = Ctx(real=use_real, prefix="c.")
        e = make_election(ctx, n, "E", {"against_all", "invalid", "nonvoters"} | (needed_extras([tier]) & {"blank"}),
                          needed_tags([tier]), regions=needed_regions([tier]))
        self.n = n
        self.tier = tier
        self.election = e
        self.scaled = scaled
        self.enc = encode_tier(ctx, tier, e, house=house, norm=Num(1) if scaled else None)
        self.scale = z3.Real("c.scale") if scaled else None
        self.cons = list(ctx.cons)
        if self.scale is not None:
            self.cons.append(self.scale > 0)
        if strategy is None:
            strategy = "fresh" if isinstance(tier.method, LargestRemainder) or not use_real \
                or tier.alliances is not None else "assume"
        if strategy not in ("fresh", "incremental", "assume"):
            raise ValueError(f"unknown strategy {strategy!r}")
        self.fresh = strategy == "fresh"
        self.assume = strategy == "assume"
        self._and = z3.And(self.cons)
        self.solver = z3.Solver()
        self.solver.set(timeout=60_000)
        if not self.fresh:
            self.solver.add(*self.cons)

    def run(
        self,
        votes: Sequence[int],
        *,
        against_all: int = 0,
        invalid: int = 0,
        nonvoters: int = 0,
        tags: Mapping[str, Sequence[bool]] | None = None,
        unique: bool = False,
        blank: int = 0,
        regions: Regions | None = None,
    ) -> EncodedOutcome:
        """The encoding's outcome for these figures; ``regions`` (a tier with regional thresholds:
        required): each region's votes per list and other figures, summing to the national ones."""
        n, e, enc = self.n, self.election, self.enc
        if len(votes) != n:
            raise ValueError(f"expected {n} lists, got {len(votes)}")
        val = z3.RealVal if e.votes[0].a.is_real() else z3.IntVal
        figs = [x.a for x in e.votes] + [e.against_all.a, e.invalid.a, e.nonvoters.a]
        nums = [*votes, against_all, invalid, nonvoters]
        if not isinstance(e.blank.a, int):
            figs.append(e.blank.a)
            nums.append(blank)
        elif blank:
            raise ValueError("blank ballots given, but the tier does not see them")
        if len(regions or ()) != len(e.regions):
            raise ValueError(f"the tier's elections have {len(e.regions)} regions, {len(regions or ())} given")
        for reg, (rv, rex) in zip(e.regions, regions or (), strict=True):
            figs += [x.a for x in reg.votes] + [x.a for x in reg.extra_figures().values()]
            nums += [*rv, *(rex.get(k, 0) for k in reg.extra_figures())]
        terms = [val(x) if self.scale is None else self.scale * val(x) for x in nums]
        fixed = [f == t for f, t in zip(figs, terms, strict=True)]
        tag_fix = []
        for tag, vars_ in enc.election.tags.items():  # the election's tags and the draw (lots)
            vals = (tags or {}).get(tag, [False] * n)
            tag_fix += [vars_[i] == bool(vals[i]) for i in range(n)]
        if self.fresh:
            s = _FRESH.solver()
            s.set(timeout=60_000)
            subst = list(zip(figs, terms, strict=True))
            subst += [(f.arg(0), f.arg(1)) for f in tag_fix]
            s.add(z3.simplify(z3.substitute(self._and, *subst)), *fixed, *tag_fix)
            if self.scale is not None:
                s.add(self.scale > 0)
        elif self.assume:
            return self._assumed(votes, [*fixed, *tag_fix], unique)
        else:
            s = self.solver
        s.push()
        try:
            if not self.fresh:
                s.add(*fixed, *tag_fix)
            r = s.check()
            if r != z3.sat:
                raise EncodingMismatch(f"encoding has no allocation for votes {list(votes)}: {r}")
            out = _outcome(s.model(), enc)
            seats = out.seats
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

    def _assumed(self, votes: Sequence[int], pins: list[z3.BoolRef], unique: bool) -> EncodedOutcome:
        """The ``assume`` strategy: one solver, the figures pinned as assumptions of its check
        (what it learns about the encoding is kept from one election to the next)."""
        s, enc = self.solver, self.enc
        r = s.check(*pins)
        if r != z3.sat:
            raise EncodingMismatch(f"encoding has no allocation for votes {list(votes)}: {r}")
        out = _outcome(s.model(), enc)
        seats = out.seats
        if unique:
            r2 = s.check(*pins, z3.Or([x != v for x, v in zip(enc.seats, seats, strict=True)]))
            if r2 != z3.unsat:
                other = [s.model().eval(x, model_completion=True) for x in enc.seats] if r2 == z3.sat else r2
                raise EncodingMismatch(f"encoding is not functional for votes {list(votes)}: {seats} and {other}")
        return out


_CACHE: dict[tuple[int, int, int | None, bool | None, bool], FixedVotes] = {}


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
    scaled: bool = False,
    blank: int = 0,
    regions: Regions | None = None,
) -> EncodedOutcome:
    """The seats the encoding gives ``tier`` for these concrete figures (list order = index);
    ``scaled``: in the normalised encoding, the figures times a free positive factor."""
    key = (id(tier), len(votes), house, real, scaled)
    fv = _CACHE.get(key)
    if fv is None or fv.tier is not tier:
        fv = FixedVotes(tier, len(votes), house=house, real=real, scaled=scaled)
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = fv
    return fv.run(votes, against_all=against_all, invalid=invalid, nonvoters=nonvoters,
                  tags=tags, unique=unique, blank=blank, regions=regions)


def _outcome(m: z3.ModelRef, enc: TierEnc) -> EncodedOutcome:
    """What the model says of the encoded tier: its seats and which lists passed, were admitted."""
    def true(x: z3.BoolRef) -> bool:
        return z3.is_true(m.eval(x, model_completion=True))

    return EncodedOutcome(
        seats=[m.eval(x, model_completion=True).as_long() for x in enc.seats],
        passed=[true(p) for p in enc.passed], admitted=[true(a) for a in enc.admitted],
        undecided=true(enc.undecided), degenerate=true(enc.degenerate))
