"""The agreement test for the two-election encodings: the verifier's own queries, on fixed votes.

``hemicycle.verify.agreement`` checks one election at a time. The properties that relate two
elections (house, vote and population monotonicity, anonymity, distinguish) are encoded with more
than that: a second election derived from the first (one more seat, an infinitesimal or a free
gain, a swap), one scale for both, the second's admitted votes known from the first. This module
builds exactly the sub-queries the verifier solves (``Property.build``, the free-gain
``fallback``, ``distinguish``'s pair), fixes the first election's figures (times a free scale for
the rational encodings) and every other free figure, and compares the seats of **both**
elections, read from Z3's model, with the interpreter's. Every sub-query whose constraints admit
the pair must agree; a case split must admit it in exactly one case. Concordance (one election,
compared pairwise) is included as the single-election control.

For the infinitesimal step the interpreter's election is the first times ``K = 10**12`` with one
vote more (or less) for the list: beyond every breakpoint of these small figures, so it gives the
seats just after (before) the step. ``run_family`` runs one family of ``FAMILIES``;
``scripts/agreement.py --pairs`` runs them all.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import z3

from hemicycle.model import Chamber, Divisor, Tier
from hemicycle.verify.agreement import (
    RULES,
    Case,
    interpreter_seats,
    random_alliances,
    random_case,
    random_draw,
    threshold_absolute,
    threshold_share,
)
from hemicycle.verify.encoder import TierEnc
from hemicycle.verify.problem import Problem, Query
from hemicycle.verify.symbolic import needed_extras, needed_tags
from hemicycle.verify.ties import lot_reached

PROPERTIES = ("house-monotonicity", "monotonicity", "monotonicity-gain",
              "population-monotonicity", "anonymity", "concordance", "distinguish")

FAMILIES: dict[str, tuple[str, ...]] = {
    "largest remainder, exact quotas": ("hare", "hare-98", "hagenbach", "imperiali-quota",
                                        "correct-every", "cap-hare"),
    "largest remainder, integer quotas": ("droop", "hare-down", "hare-up", "hare-nearest",
                                          "hagenbach-down"),
    "divisor methods": ("dhondt", "sainte_lague", "modified", "danish", "imperiali", "adams",
                        "huntington_hill", "sequence", "sequence-nostep", "cap-dhondt",
                        "sequence-plateau", "modified-first-4"),
    "thresholds": ("threshold-valid-strict", "threshold-registered", "threshold-against-all",
                   "threshold-absolute", "threshold-absolute-strict", "quota-threshold"),
    "tie chains that can run out": ("dhondt-ties-votes", "hare-ties-none", "hare-fewer-votes",
                                    "guarantee-tagged"),
    "runner-up, correction, guarantees": ("kazakh", "kazakh-0.7", "kazakh-strict", "kazakh-cap",
                                          "guarantee-every"),
    "lots": ("dhondt-lot", "hare-lot", "sainte-lague-lot", "droop-lot"),
    "alliances": ("alliance-dhondt", "alliance-hare-split", "alliance-lr", "alliance-droop"),
    "sequential admission, consolation": ("admit-next", "admit-next-count", "admit-next-dhondt",
                                          "consolation", "consolation-small"),
}

K = 10**12  # the infinitesimal step's concrete counterpart: one vote in K times the election

_FRESH = z3.Then("simplify", "propagate-values", "solve-eqs", "smt")


@dataclass
class _Sub:
    """One sub-query, ready to be solved with fixed figures."""

    query: Query
    cons: z3.BoolRef
    solver: z3.Solver | None  # incremental (divisor methods), else a fresh solver each time


@dataclass
class Concrete:
    """One election of a pair as the interpreter sees it."""

    case: Case
    tags: dict[str, list[bool]]
    chamber: Chamber


@dataclass
class PairEncoding:
    """The sub-queries of one property for one rule and ``n`` lists."""

    name: str
    n: int
    real: bool
    subs: list[_Sub]
    scale: z3.ArithRef | None


def _uninterpreted(x: object) -> bool:
    return z3.is_const(x) and x.decl().kind() == z3.Z3_OP_UNINTERPRETED  # type: ignore[union-attr,attr-defined]


def _constants(e: z3.ExprRef) -> list[z3.ExprRef]:
    """The uninterpreted constants of ``e``."""
    out: list[z3.ExprRef] = []
    todo = [e]
    seen: set[int] = set()
    while todo:
        x = todo.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        if _uninterpreted(x):
            out.append(x)
        elif z3.is_app(x):
            todo.extend(x.children())
    return out


def _partner(tier: Tier) -> Chamber:
    from hemicycle.grammar import parse_rules

    name = "hare" if isinstance(tier.method, Divisor) else "dhondt"
    return parse_rules(RULES[name], file=f"{name}.elect")


def build(chamber: Chamber, name: str, n: int) -> PairEncoding:
    """The verifier's sub-queries of property ``name`` (``PROPERTIES``) for ``n`` lists."""
    from hemicycle.verify.distinguish import _encode
    from hemicycle.verify.properties import CATALOGUE

    tier = chamber.tiers[0]
    real = tier.scale_invariant
    queries: list[Query]
    if name == "distinguish":
        other = _partner(tier).tiers[0]
        real = real and other.scale_invariant
        pair = _encode(tier, other, n, 1, real=real, max_votes=None, prefix="pd.")
        queries = [Query("distinguish", pair.ctx, [], z3.BoolVal(True), [pair.a, pair.b])]
    else:
        problem = Problem(tier, n, real=real, max_votes=None)
        prop = CATALOGUE["monotonicity" if name == "monotonicity-gain" else name]
        # (anonymity's fallback: its other-admitted cases on the whole encoding, whose seats compare)
        builder = prop.fallback if name in ("monotonicity-gain", "anonymity") else prop.build
        assert builder is not None
        queries = list(builder(problem))
    incremental = real and isinstance(tier.method, Divisor)
    subs = []
    for q in queries:
        cons = [*q.ctx.cons, *(eq for _, eq in q.implied),
                *([q.case] if q.case is not None else [])]
        solver = None
        if incremental:
            solver = z3.Solver()
            solver.set(timeout=60_000)
            solver.add(*cons)
        subs.append(_Sub(q, z3.And(cons), solver))
    return PairEncoding(name, n, real, subs, z3.Real(f"pairs.scale.{name}") if real else None)


# --- drawing pairs ------------------------------------------------------------------------------


def _tags(rng: random.Random, tier: Tier, n: int) -> dict[str, list[bool]]:
    out = {t: [rng.random() < 0.4 for _ in range(n)] for t in sorted(needed_tags([tier]))}
    if tier.alliances is not None:
        out |= random_alliances(rng, n)
    if lot_reached(tier.ties):
        out |= random_draw(rng, n)
    return out


def _own_draw(rng: random.Random, tier: Tier, n: int, tags: dict[str, list[bool]]) -> dict[str, list[bool]]:
    """The second election's tags: under a lot, half the time its own draw (docs/verify.md, Ties:
    each election of a two-election property draws independently, so the harness pins each to
    its own draw, equal to the first's or not), else the first's."""
    if not lot_reached(tier.ties) or rng.random() < 0.5:
        return tags
    return tags | random_draw(rng, n)


def _with_votes(case: Case, votes: list[int], house: int | None = None, k: int = 1) -> Case:
    return Case(votes=votes, against_all=case.against_all * k, invalid=case.invalid * k,
                nonvoters=case.nonvoters * k, house=house, kinds=set(case.kinds))


@dataclass
class Plan:
    """A pair: the sub-queries that may hold it (by label prefix), the concrete figures of every
    election in the query's order, and the free gain when there is one."""

    prefix: str
    elections: list[Concrete]
    gain: int | None = None


def draw(rng: random.Random, chamber: Chamber, name: str,
         lists: tuple[int, int] = (2, 5)) -> tuple[int, Plan]:
    """A random pair for property ``name`` (its first election from ``random_case``)."""
    tier = chamber.tiers[0]
    share, absolute = threshold_share(chamber), threshold_absolute(chamber)
    a = random_case(rng, share, absolute, lists)
    # the figures the verifier does not model for these rules are 0 (it folds them into
    # the ones it does: 'against all' counts in ballots cast like an invalid ballot)
    tiers = [tier, _partner(tier).tiers[0]] if name == "distinguish" else [tier]
    modelled = needed_extras(tiers)
    for x in ("against_all", "invalid", "nonvoters"):
        if x not in modelled:
            setattr(a, x, 0)
    n = len(a.votes)
    tags = _tags(rng, tier, n)
    one = Concrete(a, tags, chamber)
    real = tier.scale_invariant
    if name == "house-monotonicity":
        return n, Plan("house-monotonicity", [one, Concrete(
            _with_votes(a, list(a.votes), tier.seats + 1), _own_draw(rng, tier, n, tags), chamber)])
    if name == "monotonicity":
        q = rng.randrange(n)
        sign = -1 if real and a.votes[q] > 0 and rng.random() < 0.5 else 1
        if not real:
            up = list(a.votes)
            up[q] += 1
            return n, Plan(f"monotonicity L{q + 1}+1", [one, Concrete(_with_votes(a, up),
                                                                          _own_draw(rng, tier, n, tags), chamber)])
        moved = [v * K for v in a.votes]
        moved[q] += sign
        other = Concrete(_with_votes(a, moved, k=K), _own_draw(rng, tier, n, tags), chamber)
        order = [one, other] if sign > 0 else [other, one]
        return n, Plan(f"monotonicity L{q + 1}{'+' if sign > 0 else '-'}eps ", order)
    if name == "monotonicity-gain":
        q = rng.randrange(n)
        d = rng.choice([1, 1, 2, 10, 1000, max(1, a.votes[q] // 3), max(1, sum(a.votes))])
        up = list(a.votes)
        up[q] += d
        return n, Plan(f"monotonicity L{q + 1}+d", [one, Concrete(_with_votes(a, up),
                                                                      _own_draw(rng, tier, n, tags), chamber)],
                       gain=d)
    if name == "population-monotonicity":
        b = [max(0, v + rng.choice([0, 0, 1, -1, rng.randint(-v, v + 10)])) for v in a.votes]
        if rng.random() < 0.3:
            b = [v * 2 for v in a.votes]  # the same shares
        tags_b = _tags(rng, tier, n)
        bc = _with_votes(a, b)
        bc.invalid = rng.choice([a.invalid, 0, rng.randint(0, 100)])
        return n, Plan("population-monotonicity", [one, Concrete(bc, tags_b, chamber)])
    if name == "anonymity":
        from hemicycle.verify.properties import anonymity_generators

        what, perm = rng.choice(anonymity_generators(n))  # the permutations the queries check
        sw = [a.votes[perm[i]] for i in range(n)]
        tags_b = _own_draw(rng, tier, n, {t: [f[perm[i]] for i in range(n)] for t, f in tags.items()})
        return n, Plan(f"anonymity {what} ", [one, Concrete(
            _with_votes(a, sw), tags_b, chamber)])
    if name == "concordance":
        return n, Plan("concordance", [one])
    if name == "distinguish":
        return n, Plan("distinguish", [one, Concrete(a, tags, _partner(tier))])
    raise ValueError(f"unknown property {name!r}")


# --- checking a pair ----------------------------------------------------------------------------


def _fixings(enc: PairEncoding, sub: _Sub, plan: Plan) -> list[tuple[z3.ExprRef, z3.ExprRef]]:
    """Every free figure of the sub-query set to the plan's value (times the scale)."""
    def term(x: int) -> z3.ExprRef:
        if enc.scale is None:
            return z3.IntVal(x)
        return enc.scale * z3.RealVal(x)

    out: list[tuple[z3.ExprRef, z3.ExprRef]] = []
    seen: set[int] = set()

    def fix(var: object, value: z3.ExprRef) -> None:
        if _uninterpreted(var) and var.get_id() not in seen:  # type: ignore[attr-defined]
            seen.add(var.get_id())  # type: ignore[attr-defined]
            out.append((var, value))  # type: ignore[arg-type]

    for enc_e, conc in zip(sub.query.elections, plan.elections, strict=True):
        e = enc_e.election
        for t, flags in e.tags.items():  # tags, alliances and each allocation's own draw
            for var, f in zip(flags, conc.tags.get(t, []), strict=False):
                fix(var, z3.BoolVal(f))
        if any(x.b is not None for x in e.votes):
            continue  # the infinitesimal step: its figures are the other election's
        c = conc.case
        for x, v in zip(e.votes, c.votes, strict=True):
            fix(x.a, term(v))
        for x, v in ((e.against_all, c.against_all), (e.invalid, c.invalid),
                     (e.nonvoters, c.nonvoters)):
            fix(x.a, term(v))
    if plan.gain is not None:
        for enc_e in sub.query.elections[1:]:
            for x in enc_e.election.votes:
                if not isinstance(x.a, int):
                    for cst in _constants(x.a):
                        fix(cst, term(plan.gain))
    return out


@dataclass
class _Read:
    seats: list[list[int]]
    flags: list[tuple[bool, bool]]  # undecided, degenerate per election


def _solve(enc: PairEncoding, sub: _Sub, fixes: list[tuple[z3.ExprRef, z3.ExprRef]],
           unique: bool) -> _Read | str | None:
    """The seats of every election of ``sub`` with the figures fixed; None when the sub-query
    does not admit them; a message when it admits more than one seat vector."""
    eqs = [v == t for v, t in fixes]
    extra = [enc.scale > 0] if enc.scale is not None else []
    if sub.solver is not None:
        s = sub.solver
        s.push()
        s.add(*eqs, *extra)
    else:
        s = _FRESH.solver()
        s.set(timeout=60_000)
        s.add(z3.simplify(z3.substitute(sub.cons, *fixes)), *eqs, *extra)
    try:
        r = s.check()
        if r == z3.unsat:
            return None
        if r != z3.sat:
            return f"{sub.query.label}: solver {r}"
        m = s.model()
        encs: list[TierEnc] = sub.query.elections
        seats = [[m.eval(x, model_completion=True).as_long() for x in e.seats] for e in encs]
        flags = [(z3.is_true(m.eval(e.undecided, model_completion=True)),
                  z3.is_true(m.eval(e.degenerate, model_completion=True))) for e in encs]
        if unique:
            s.add(z3.Or([x != v for e, vs in zip(encs, seats, strict=True)
                         for x, v in zip(e.seats, vs, strict=True)]))
            if s.check() != z3.unsat:
                return f"{sub.query.label}: more than one seat vector for the fixed figures"
        return _Read(seats, flags)
    finally:
        if sub.solver is not None:
            s.pop()


def check_pair(enc: PairEncoding, plan: Plan, *, unique: bool = False,
               outcome: list[str] | None = None) -> str | None:
    """Compare every sub-query that admits the pair with the interpreter; a message on any
    difference, or when no sub-query (or more than one case of a split) admits it."""
    wants = [interpreter_seats(c.chamber, c.chamber.tiers[0], c.case, c.tags)
             for c in plan.elections]
    if outcome is not None:
        outcome.extend("tie" if w == "tie" else "error" if isinstance(w, str) else "seats"
                       for w in wants)
    hits = 0
    cases = 0
    for sub in enc.subs:
        if not sub.query.label.startswith(plan.prefix):
            continue
        got = _solve(enc, sub, _fixings(enc, sub, plan), unique)
        if got is None:
            continue
        if isinstance(got, str):
            return got
        hits += 1
        cases += sub.query.case is not None
        for j, (want, seats, (undecided, degenerate)) in enumerate(
                zip(wants, got.seats, got.flags, strict=True)):
            where = f"{sub.query.label}, election {j + 1} {plan.elections[j].case.votes}"
            if isinstance(want, str):
                if (want == "tie" and undecided) or (want.startswith("error") and degenerate):
                    continue
                return f"{where}: interpreter {want}, encoding {seats}"
            if undecided or degenerate:
                return f"{where}: interpreter {want}, encoding flags no result"
            if seats != want:
                return f"{where}: interpreter {want}, encoding {seats}"
    if hits == 0:
        return f"{plan.prefix}: no sub-query admits {[c.case.votes for c in plan.elections]}"
    if cases > 1:
        return f"{plan.prefix}: {cases} cases of one split admit the pair"
    return None


# --- running ------------------------------------------------------------------------------------


@dataclass
class PairRun:
    """The two-election agreement on one rule and one property."""

    rule: str
    property: str
    pairs: int = 0
    disagreements: int = 0
    unique: int = 0
    seconds: float = 0.0
    interpreter: dict[str, int] = field(default_factory=dict)  # seats, tie, error (elections)
    messages: list[str] = field(default_factory=list)


def run_rule(rule: str, name: str, count: int, *, seed: str = "pairs", unique_every: int = 50,
             text: str | None = None, lists: tuple[int, int] = (2, 5)) -> PairRun:
    """``count`` random pairs for property ``name`` on rule ``rule`` of ``RULES``, with
    ``lists[0]`` to ``lists[1]`` lists (each number of lists is encoded once)."""
    from hemicycle.grammar import parse_rules

    chamber = parse_rules(text if text is not None else RULES[rule], file=f"{rule}.elect")
    rng = random.Random(f"{seed}-{rule}-{name}")
    run = PairRun(rule, name)
    cache: dict[int, PairEncoding] = {}
    t0 = time.monotonic()
    for k in range(count):
        n, plan = draw(rng, chamber, name, lists)
        enc = cache.get(n)
        if enc is None:
            enc = cache[n] = build(chamber, name, n)
        unique = unique_every > 0 and k % unique_every == 0
        what: list[str] = []
        msg = check_pair(enc, plan, unique=unique, outcome=what)
        run.pairs += 1
        run.unique += unique
        for w in what:
            run.interpreter[w] = run.interpreter.get(w, 0) + 1
        if msg:
            run.disagreements += 1
            if len(run.messages) < 5:
                run.messages.append(msg)
    run.seconds = time.monotonic() - t0
    return run


def family_plan(family: str, pairs: int) -> Iterator[tuple[str, str, int]]:
    """(rule, property, count) so that the family gets at least ``pairs`` pairs, spread evenly."""
    rules = FAMILIES[family]
    cells = [(r, p) for r in rules for p in PROPERTIES]
    per = -(-pairs // len(cells))
    for r, p in cells:
        yield r, p, per

