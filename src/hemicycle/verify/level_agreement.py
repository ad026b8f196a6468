"""Agreement of the levels encoding with the interpreter, on random and constructed elections.

``FAMILIES``: the bundled laws of the levels family at small sizes (Germany 2005: Hare-Niemeyer,
Land lists, overhang kept; Germany 2025: Sainte-Laguë, Zweitstimmendeckung; Germany 2013: the
Länder apportioned by population, Sitzkontingente, least seats, the house enlarged, the split
with minimums; New Zealand 2014:
Sainte-Laguë, overhang kept, no Länder; New Zealand 2017: the district seats figures of the vote
file; Kazakhstan 2023: a list tier beside single-member seats) and variants that differ in one clause. ``random_case``
draws elections that stress the edges: zero votes, a Land where a list has none, equal votes
(ties at a cut: the encoding must leave the election out exactly when the interpreter needs its
lot), a list exactly at 5%, a list with 3 constituencies and few votes, many overhang seats.
``agree`` (verify/levels.py) compares one election; ``agree_step`` the two elections of a step
query (one list gains votes in one Land), both encoded together as the properties encode them.
Each builds its encoding anew; ``PinnedLevels`` builds the single-election encoding and each step
query's encoding once per shape (lists x Länder x seats) and checks every election against it with
the figures pinned as assumptions (verify/pinned.py): what ``run`` uses, the same checks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

import z3

from hemicycle.api import load
from hemicycle.grammar import parse_rules
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.levels import (
    LevelCase,
    LevelElection,
    LevelEnc,
    LevelOutcome,
    LevelSystem,
    agree,
    allocate_levels,
    interpret,
    judged,
    left_out,
    level_election,
    level_system,
    reduce,
)
from hemicycle.verify.pinned import Pinned, pin, seats
from hemicycle.verify.symbolic import Ctx, needed_extras

__all__ = ["FAMILIES", "PinnedLevels", "agree", "agree_step", "family", "random_case"]

_VARIANT = """chamber "T" seats 10
districts "constituency" seats 5
tier "c" in each "constituency" {{
  allocate dhondt
  ties lot seed 1
}}
tier "list" seats 10 {{
  {threshold}
  levelling against tier "c"
  overhang {policy}
  allocate {method}
  {place}
  ties lot seed 1
}}
"""

_ICELAND = """chamber "T" seats 63
districts seats 54
tier "c" in each district {
  allocate dhondt
  ties lot seed 1
}
tier "adjustment" seats 9 {
  threshold 5% of valid_votes
  continue after tier "c"
  allocate dhondt
  place in each district by dhondt after tier "c" per valid_votes at most 1 per district
  ties lot seed 1
}
"""

# Denmark's placements with a threshold the province quota test decides at small sizes
_DENMARK_QUOTA = """chamber "T" seats 12
districts seats 9
tier "c" in each district {
  allocate dhondt
  ties lot seed 1
}
tier "compensatory" seats 12 {
  threshold 30% of valid_votes or 1 quota of valid_votes in at least 2 "province"
  levelling against tier "c"
  overhang excluded
  allocate largest_remainder quota hare
  place in each "province" by sainte_lague after tier "c" at most compensatory_seats per "province"
  place in each district by danish after tier "c" within
  ties lot seed 1
}
"""

FAMILIES: dict[str, tuple[str, int, int]] = {  # name -> (rules or text, seats, Länder)
    "germany-2005": ("germany-2005", 10, 2),
    "germany-2005-3-lander": ("germany-2005", 12, 3),
    "germany-2025": ("germany-2025", 10, 2),
    "germany-2013": ("germany-2013", 10, 2),
    "new-zealand-2014": ("new-zealand-2014", 10, 1),
    "new-zealand-2017": ("new-zealand-2017", 10, 1),  # district seats as figures of the vote file
    "kazakhstan-2023-chamber": ("kazakhstan-2023-chamber", 10, 1),  # parallel tiers
    "norway-2021": ("norway-2021", 12, 2),  # districts from the list votes, overhang excluded
    "norway-2021-3-districts": ("norway-2021", 14, 3),
    "iceland-2021-not-in-turn": (_ICELAND, 10, 2),  # adjustment seats continuing after the district seats
    "iceland-2021": ("iceland-2021", 21, 2),  # ... placed in turn (3 adjustment seats, 2 quotients per list)
    "iceland-2021-3-districts": ("iceland-2021", 28, 3),  # 4 adjustment seats in 3 districts
    # levelling seats placed into provinces, then within them (Denmark; the province quota threshold)
    "denmark-2015": ("denmark-2015", 12, 2),  # 3 levelling seats, 2 provinces of one district
    "denmark-2015-3-districts": ("denmark-2015", 14, 3),  # 3 levelling seats, provinces of 2 and 1 districts
    "denmark-quota": (_DENMARK_QUOTA, 12, 3),  # the province quota test deciding admission
    "scotland-2011": ("scotland-2011", 10, 2),
    "dhondt-kept-no-threshold": (_VARIANT.format(threshold="", policy="kept", method="dhondt",
                                                 place='place in each "state" by dhondt of entitlement'), 10, 2),
    "hare-not-seated-strict": (_VARIANT.format(threshold="threshold 10% of valid_votes strict or district_seats >= 2",
                                               policy="not seated ranked by share of valid_votes",
                                               method="largest_remainder quota hare",
                                               place='place in each "state" by sainte_lague of entitlement'),
                               10, 2),
}


def family(name: str) -> LevelSystem:
    """The family at its size; a placement's per-valid-votes bound on the district totals raised
    above every total ``random_case`` draws (up to about 3.3 million a district)."""
    rules, seats, units = FAMILIES[name]
    chamber = parse_rules(rules, "<family>") if "\n" in rules else load(rules).model
    sys = level_system(reduce(chamber, seats) if chamber.seats != seats else chamber, units=units)
    return replace(sys, total_bound=2**22) if sys.total_bound else sys


def random_case(sys: LevelSystem, n: int, rng: random.Random) -> LevelCase:
    K, C = sys.units, sys.constituencies
    kind = rng.randrange(6)
    top = rng.choice([5, 20, 100, 10_000])
    votes = [[rng.randint(0, top) for _ in range(n)] for _ in range(K)]
    if kind == 1:  # equal votes, zeros
        v = rng.randint(1, top)
        votes = [[rng.choice([0, v, v, 2 * v]) for _ in range(n)] for _ in range(K)]
    elif kind == 2:  # a list exactly at 5% or 10% of the national votes
        others = sum(votes[k][p] for k in range(K) for p in range(1, n))
        share = rng.choice([5, 10])
        votes = [[x * (100 - share) for x in row] for row in votes]  # L1 then has exactly share %
        target = others * share - sum(votes[k][0] for k in range(1, K))
        votes[0][0] = max(0, target)
    elif kind == 3:  # proportional Länder
        base = [rng.randint(0, top) for _ in range(n)]
        votes = [[x * (k + 1) for x in base] for k in range(K)]
    if sys.districted:  # magnitudes at least 1, adding up to the level's seats; no winners
        mags = [1] * K
        for _ in range(C - K):
            mags[rng.randrange(K)] += 1
        if kind == 5 and n >= 2:
            for k in range(K):
                votes[k][n - 1] = rng.randint(0, 3)
        return LevelCase(votes, [], None, None, mags)
    won = [[0] * n for _ in range(K)]
    counts = [0 if sys.figures else 1] * K
    held = rng.choice([0, C, rng.randint(0, C)]) if sys.figures else C  # figures: at most C district seats
    for _ in range(held - sum(counts)):
        counts[rng.randrange(K)] += 1
    for k in range(K):
        for _ in range(counts[k]):
            if kind == 4:  # one list wins everywhere: overhang
                won[k][0] += 1
            else:
                won[k][rng.randrange(n)] += 1
    if kind == 5 and n >= 2:  # a small list with constituencies
        for k in range(K):
            votes[k][n - 1] = rng.randint(0, 3)
    pop = None
    if sys.states is not None:  # populations: proportional to the votes, equal, or free
        pop = [rng.choice([sum(votes[k]) + 1, 1000, rng.randint(1, 10_000)]) for k in range(K)]
    extras = None
    if sys.parallel:  # the figures besides list votes the list tier's bases read
        extras = {x: rng.choice([0, rng.randint(0, top)]) for x in sorted(needed_extras([sys.upper]))}
    return LevelCase(votes, won, pop, extras)


def agree_step(sys: LevelSystem, a: LevelCase, k: int, p: int, gain: int) -> str | None:
    """Both elections of a step query (list p gains ``gain`` votes in unit k), encoded together
    with A's figures and the gain fixed, against the interpreter's seats for each."""
    n = len(a.votes[0])
    b = LevelCase([list(r) for r in a.votes], a.won, a.pop, a.extras, a.mags)
    b.votes[k][p] += gain
    wa, wb = interpret(sys, a), interpret(sys, b)
    if isinstance(wa, str) or isinstance(wb, str):
        return None
    ctx = Ctx(real=True, prefix="s.")
    ea = level_election(ctx, sys, n, "A")
    g = z3.Real(ctx.name("gain"))
    eb = ea.with_votes(k, p, ea.votes[k][p] + g)
    x, y = allocate_levels(ctx, sys, ea), allocate_levels(ctx, sys, eb)
    s = z3.Solver()
    s.set(timeout=60_000)
    s.add(*ctx.cons, g == gain, x.defined, y.defined)
    s.add(*[v == val for row, vals in zip(ea.votes, a.votes, strict=True) for v, val in zip(row, vals, strict=True)])
    s.add(*[v == val for row, vals in zip(ea.won, a.won, strict=True) for v, val in zip(row, vals, strict=True)])
    if ea.pop is not None and a.pop is not None:
        s.add(*[v == val for v, val in zip(ea.pop, a.pop, strict=True)])
    s.add(*[x == (a.extras or {}).get(name, 0) for name, x in (ea.extras or {}).items()])
    if ea.mags is not None and a.mags is not None:
        s.add(*[x == v for x, v in zip(ea.mags, a.mags, strict=True)])
    if s.check() != z3.sat:
        return None if _tie(sys, a) or _tie(sys, b) else f"step {a} +{gain} at ({k}, {p}): no joint model"
    m = s.model()
    got = [[[m.eval(c, model_completion=True).as_long() for c in row] for row in e.seats] for e in (x, y)]
    if got != [wa.seats, wb.seats]:
        return f"step {a} +{gain} at ({k}, {p}): interpreter {[wa.seats, wb.seats]}, encoding {got}"
    return None


def _tie(sys: LevelSystem, case: LevelCase, outcome: LevelOutcome | None = None) -> bool:
    """``levels.left_out``, given the interpreter's outcome when known (not interpreted again)."""
    return left_out(sys, case, outcome)


def _pins(e: LevelElection, case: LevelCase) -> list[z3.BoolRef]:
    """The election's figures fixed to the case's."""
    out = pin([x for row in e.votes for x in row], [v for row in case.votes for v in row])
    out += pin([x for row in e.won for x in row], [v for row in case.won for v in row])
    if e.pop is not None:
        if case.pop is None:
            raise ValueError("the rules apportion the Länder by population: the case must give it")
        out += pin(e.pop, case.pop)
    names = list(e.extras or {})
    out += pin([(e.extras or {})[x] for x in names], [(case.extras or {}).get(x, 0) for x in names])
    if e.mags is not None:  # districts allocated from the list votes: their magnitudes
        if case.mags is None:
            raise ValueError("the rules allocate districts from the list votes: the case must give their magnitudes")
        out += pin(e.mags, case.mags)
    return out


@dataclass
class _Step:
    solver: Pinned
    a: LevelEnc
    b: LevelEnc
    gain: z3.ArithRef


class PinnedLevels:
    """The levels encodings of one system for ``n`` lists, built once: the single election and
    each step query (list p gains votes in unit k, built when first asked)."""

    def __init__(self, sys: LevelSystem, n: int, *, substitute: bool | None = True, in_z3: bool = True) -> None:
        self.sys, self.n, self.substitute, self.in_z3 = sys, n, substitute, in_z3
        ctx = Ctx(real=True, prefix="c.")
        self.election = level_election(ctx, sys, n, "E")
        self.enc = allocate_levels(ctx, sys, self.election)
        self.single = Pinned(ctx.cons, substitute=substitute, in_z3=in_z3)
        self.steps: dict[tuple[int, int], _Step] = {}
        self.compared = 0  # step pairs whose seats were compared (both elections have a result, no tie)

    def agree(self, case: LevelCase, *, unique: bool = False, want: LevelOutcome | str | None = None) -> str | None:
        """``levels.agree`` on the pinned encoding: the same checks, the same messages (``want``:
        the interpreter's outcome, when already known)."""
        sys = self.sys
        want = interpret(sys, case, explain=False) if want is None else want
        pins = _pins(self.election, case)
        try:
            m = self.single.ask(pins, self.enc.defined)  # defined: some cut has no tie
            defined = m is not None
            if m is None:
                m = self.single.ask(pins)
                if m is None:
                    return f"the levels encoding has no allocation for {case}"
            got = seats(m, self.enc.seats)
            total = m.eval(self.enc.total, model_completion=True).as_long()
            if unique and defined and not self.single.only(pins, self.enc.seats, got, self.enc.defined):
                return f"the levels encoding allows other seats for {case}"
        except EncodingMismatch as exc:
            return f"{case}: {exc}"
        return judged(sys, case, want, got, total, defined)

    def _step(self, k: int, p: int) -> _Step:
        if (k, p) not in self.steps:
            ctx = Ctx(real=True, prefix=f"s{k}_{p}.")
            ea = level_election(ctx, self.sys, self.n, "A")
            g = z3.Real(ctx.name("gain"))
            x = allocate_levels(ctx, self.sys, ea)
            y = allocate_levels(ctx, self.sys, ea.with_votes(k, p, ea.votes[k][p] + g))
            self.steps[k, p] = _Step(Pinned([*ctx.cons, x.defined, y.defined], substitute=self.substitute,
                                                     in_z3=self.in_z3), x, y, g)
        return self.steps[k, p]

    def agree_step(self, a: LevelCase, k: int, p: int, gain: int, wa: LevelOutcome | str | None = None
                   ) -> str | None:
        """``agree_step`` on the pinned step encoding (``wa``: the interpreter's outcome of ``a``)."""
        b = LevelCase([list(r) for r in a.votes], a.won, a.pop, a.extras, a.mags)
        b.votes[k][p] += gain
        wa = interpret(self.sys, a, explain=False) if wa is None else wa
        wb = interpret(self.sys, b, explain=False)
        if isinstance(wa, str) or isinstance(wb, str):
            return None
        st = self._step(k, p)
        try:
            m = st.solver.ask([*_pins(st.a.election, a), st.gain == gain])
        except EncodingMismatch as exc:
            return f"step {a} +{gain} at ({k}, {p}): {exc}"
        if m is None:
            return None if _tie(self.sys, a) or _tie(self.sys, b) else f"step {a} +{gain} at ({k}, {p}): no joint model"
        got = [seats(m, e.seats) for e in (st.a, st.b)]
        self.compared += 1
        if got != [wa.seats, wb.seats]:
            return f"step {a} +{gain} at ({k}, {p}): interpreter {[wa.seats, wb.seats]}, encoding {got}"
        return None


def run(name: str, count: int, n: int, seed: int = 1, unique_every: int = 25,
        pinned: bool = True, substitute: bool | None = True, in_z3: bool = True,
        progress: Callable[[tuple[int, int, int, list[str]]], None] | None = None, every: int = 0,
        ) -> tuple[int, int, int, list[str]]:
    """(elections, step pairs, elections left out as ties, disagreements) for one family (step
    pairs: those compared, both elections with a result and no tie; with ``pinned=False``, each
    election through an encoding built for it (the old harness), every step pair asked);
    ``progress`` is told the same figures so far every ``every`` elections (a long run stopped
    early keeps its count)."""
    sys = family(name)
    rng = random.Random(f"{name}-{seed}")
    bad: list[str] = []
    ties = 0
    fast = PinnedLevels(sys, n, substitute=substitute, in_z3=in_z3) if pinned else None
    for j in range(count):
        if progress is not None and every and j and j % every == 0:
            progress((j, fast.compared if fast is not None else j, ties, bad))
        case = random_case(sys, n, rng)
        unique = j % unique_every == 0
        o = interpret(sys, case, explain=False)
        why = fast.agree(case, unique=unique, want=o) if fast is not None else agree(sys, case, unique=unique)
        if why is not None:
            bad.append(why)
        if isinstance(o, str):
            continue
        if _tie(sys, case, o):
            ties += 1
        k, p, gain = rng.randrange(sys.units), rng.randrange(n), rng.randint(1, 50)
        why = fast.agree_step(case, k, p, gain, o) if fast is not None else agree_step(sys, case, k, p, gain)
        if why is not None:
            bad.append(why)
    return count, fast.compared if fast is not None else count, ties, bad
