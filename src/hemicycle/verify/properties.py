"""The property catalogue: what each property says, where it comes from, how it is encoded.

A property's ``definition`` is about elections and seats only, never about how a rule file is
written. ``build`` turns it into solver queries whose models are counterexamples; ``violated``
checks the same statement in plain Python on the interpreter's outcomes, so that every
counterexample is confirmed independently of the encoding.

Conventions shared by all properties (docs/verify.md):
* lists are L1..Ln, registered (and on the ballot) in that order;
* "votes" are list votes; other figures (invalid ballots, 'against all', registered voters) are
  free non-negative figures when a threshold's base needs them;
* an election is considered only when the interpreter gives it a result (no unbroken tie, no zero
  quota);
* "passes" means passing every threshold of the tier with at least one vote; "admitted" means
  passed or admitted by `admit runner_up`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import z3

from hemicycle.model import Divisor, LargestRemainder
from hemicycle.verify.anonymity import mark, other_admitted, paired_lemmas
from hemicycle.verify.encoder import TierEnc
from hemicycle.verify.num import Num
from hemicycle.verify.problem import Outcome, Part, Problem, Query
from hemicycle.verify.symbolic import derive

Builder = Callable[[Problem], Iterable[Query]]
Checker = Callable[[list[Outcome]], bool]


@dataclass(frozen=True)
class Property:
    name: str
    definition: str
    citation: str
    encoding: str  # how it is encoded, in words
    build: Builder
    violated: Checker  # True when the outcomes break the property
    elections: int = 1  # how many related elections a counterexample has
    # queries that settle what ``build``'s non-refuting parts leave open (see Part)
    fallback: Builder | None = None


def _single(p: Problem, label: str, goal_of: Callable[[Problem, z3.ArithRef, object], z3.BoolRef]
            ) -> list[Query]:
    ctx = p.ctx()
    e = p.election(ctx, "A")
    a = p.alloc(ctx, e, norm=True)
    return [Query(label, ctx, [a.defined], goal_of(p, ctx, a), [a],  # type: ignore[arg-type]
                  objective=p.total_votes(e))]


# --- seat-total ------------------------------------------------------------------------------


def _seat_total(p: Problem) -> list[Query]:
    """Split in two parts that cover every election: no list admitted although some has votes
    (a threshold nobody passes: the solver finds such an election at once when it is asked for
    it alone, and wanders through the allocation when it is not), and some list admitted."""
    def goal(p: Problem, ctx: object, a: object) -> z3.BoolRef:
        return z3.And(a.election.list_votes.pos(), z3.Sum(a.seats) != a.house)  # type: ignore

    qs = _single(p, "seat-total", goal)  # type: ignore[arg-type]
    for q in qs:
        a = q.elections[0]
        q.parts = [Part("no admitted list with votes", z3.Not(a.has_votes)),
                   Part("an admitted list with votes", a.has_votes)]
    return qs


def _seat_total_bad(o: list[Outcome]) -> bool:
    return o[0].total > 0 and sum(o[0].seats) != o[0].house


# --- runner-up guarantee ---------------------------------------------------------------------


def _runner_up(p: Problem) -> list[Query]:
    def goal(p: Problem, ctx: object, a: object) -> z3.BoolRef:
        n = p.n
        v = a.election.votes  # type: ignore[attr-defined]
        passed = a.passed  # type: ignore[attr-defined]
        top = []
        for j in range(n):
            most = [z3.Implies(z3.Not(passed[k]), v[j].ge(v[k])) for k in range(n) if k != j]
            top.append(z3.And(z3.Not(passed[j]), v[j].pos(), *most))
        seats = a.seats  # type: ignore[attr-defined]
        return z3.And(a.n_passed == 1, z3.Or(top),  # type: ignore[attr-defined]
                      *[z3.Implies(top[j], seats[j] < 2) for j in range(n)])

    return _single(p, "runner-up-guarantee", goal)  # type: ignore[arg-type]


def _runner_up_bad(o: list[Outcome]) -> bool:
    x = o[0]
    if sum(x.passed) != 1:
        return False
    rest = [i for i in range(len(x.votes)) if not x.passed[i] and x.votes[i] > 0]
    if not rest:
        return False
    most = max(x.votes[i] for i in rest)
    return all(x.seats[i] < 2 for i in rest if x.votes[i] == most)


# --- threshold -------------------------------------------------------------------------------


def _threshold(p: Problem) -> list[Query]:
    def goal(p: Problem, ctx: object, a: object) -> z3.BoolRef:
        return z3.Or([z3.And(a.seats[i] > 0, z3.Not(a.admitted[i]))  # type: ignore[attr-defined]
                      for i in range(p.n)])

    return _single(p, "threshold", goal)  # type: ignore[arg-type]


def _threshold_bad(o: list[Outcome]) -> bool:
    x = o[0]
    return any(s > 0 and not adm for s, adm in zip(x.seats, x.admitted, strict=True))


# --- quota -----------------------------------------------------------------------------------


def _quota(lower: bool) -> Builder:
    def build(p: Problem) -> list[Query]:
        ctx = p.ctx()
        e = p.election(ctx, "A")
        a = p.alloc(ctx, e, norm=True)
        V = a.v_norm
        bad = []
        for i in range(p.n):
            hv = e.votes[i].scale(a.house, p.real)
            if lower:  # seats < floor(h v / V)  <=>  (seats + 1) V <= h v
                bad.append(z3.And(a.admitted[i], p.seats_times(ctx, a.seats[i], V, 1).le(hv)))
            else:  # seats > ceil(h v / V)  <=>  (seats - 1) V >= h v
                bad.append(z3.And(a.admitted[i], p.seats_times(ctx, a.seats[i], V, -1).ge(hv)))
        return [Query("lower-quota" if lower else "upper-quota", ctx, [a.defined],
                      z3.And(a.has_votes, z3.Or(bad)), [a], objective=p.total_votes(e))]

    return build


def _quota_bad(lower: bool) -> Checker:
    def bad(o: list[Outcome]) -> bool:
        x = o[0]
        if x.admitted_votes == 0:
            return False
        for i in range(len(x.votes)):
            if not x.admitted[i]:
                continue
            q = x.quota(i)
            fl, ce = q.numerator // q.denominator, -(-q.numerator // q.denominator)
            if (lower and x.seats[i] < fl) or (not lower and x.seats[i] > ce):
                return True
        return False

    return bad


# --- house monotonicity ----------------------------------------------------------------------


def _same_admitted(a: TierEnc, b: TierEnc, n: int, perm: list[int] | None = None) -> z3.BoolRef:
    """The lists that pass and are admitted are the same in both allocations (b's list i is
    a's list perm[i])."""
    pm = perm or list(range(n))
    return z3.And(*[z3.And(b.passed[i] == a.passed[pm[i]], b.admitted[i] == a.admitted[pm[i]])
                    for i in range(n)])


def _house(p: Problem) -> list[Query]:
    """The same votes with h and h + 1 seats. The first allocation carries the scale; the second
    knows its admitted votes only when it admits the same lists (a threshold of `N quota`
    depends on the house), so the query is split there."""
    out = []
    # (the plain encoding is split the same way, so that its cases can be compared)
    lr = p.real and isinstance(p.tier.method, LargestRemainder)
    cases = ("same admitted lists", "admitted lists change") if lr else ("",)
    for case in cases:
        label = f"house-monotonicity{' (' + case + ')' if case else ''}"
        if not p.wants(label):
            continue
        ctx = p.ctx()
        e = p.election(ctx, "A")
        a = p.alloc(ctx, e, norm=True, label="house h")
        same_case = case == "same admitted lists"
        b = p.alloc(ctx, e, house=a.house + 1, implied=Num(1) if same_case else None,
                    label="house h + 1")
        split = None
        if case:
            same = _same_admitted(a, b, p.n)
            split = same if same_case else z3.Not(same)
        # divisor methods: the cut of the larger house is not above the smaller's (proved first)
        lemmas = ([z3.Implies(a.has_votes, b.cut.le(a.cut))]
                  if a.cut is not None and b.cut is not None else [])
        # and where the cut falls (or stays), each list keeps its seats: list by list
        keep = [b.seats[i] >= a.seats[i] for i in range(p.n)]
        out.append(Query(label, ctx,
                         [a.defined, b.defined],
                         z3.Or([b.seats[i] < a.seats[i] for i in range(p.n)]), [a, b],
                         case=split, objective=p.total_votes(e), lemmas=lemmas,
                         parts=_by_cut([Part("", z3.BoolVal(True))], a, b, keep, keep)))
    return out


def _house_bad(o: list[Outcome]) -> bool:
    a, b = o
    return b.house == a.house + 1 and any(y < x for x, y in zip(a.seats, b.seats, strict=True))


# --- vote monotonicity -----------------------------------------------------------------------


def _lr_lemma(a: object, b: object, p_list: int, sign: int, admitted: bool) -> list[z3.BoolRef]:
    """Integer parts move by at most one, in the step's direction (same admitted set)."""
    ra, rb = a.rounds, b.rounds  # type: ignore[attr-defined]
    if len(ra) != 1 or len(rb) != 1:
        return []
    out = []
    for i, (fa, fb) in enumerate(zip(ra[0].f, rb[0].f, strict=True)):
        if not admitted:
            out.append(fb == fa)
        elif (i == p_list) == (sign > 0):
            out.append(z3.And(fa <= fb, fb <= fa + 1))
        else:
            out.append(z3.And(fa - 1 <= fb, fb <= fa))
    return out


def _results(a: TierEnc, b: TierEnc, moved: int | None = None) -> list[Part]:
    """Both elections have a result (a counterexample), or one of them has none: the encoding
    still gives it seats (the tie chain ends in index order), a total extension of the rules.
    If the extension never drops, the rules never drop between two elections with results, at
    any distance; where it drops at an election without a result, ``fallback`` decides.

    Divisor methods are split once more by where the second cut is: where it does not rise the
    gaining list keeps its seats, where it does not fall the others keep theirs (each part is
    much easier for the solver than the whole; the three cover every election)."""
    both = z3.And(a.defined, b.defined)
    parts = [Part("", both), Part("through an election without a result", z3.Not(both),
                                  refutes=False)]
    others = [j for j in range(len(a.seats)) if j != moved]
    return _by_cut(parts, a, b, [b.seats[j] >= a.seats[j] for j in others],
                   [b.seats[j] <= a.seats[j] for j in others])


def _by_cut(parts: list[Part], a: TierEnc, b: TierEnc, falls: list[z3.BoolRef],
            rises: list[z3.BoolRef]) -> list[Part]:
    """Divisor methods: each part split by whether the second allocation's cut is below, at or
    above the first's (the three cover every election), with lemmas for the lists whose votes
    do not move the other way (``falls``, ``rises``; each proved before use)."""
    if a.cut is None or b.cut is None:
        return parts
    cuts = [("falls", b.cut.lt(a.cut), falls), ("stays", b.cut.eq(a.cut), []),
            ("rises", b.cut.gt(a.cut), rises)]
    return [Part(f"{p.label + ', ' if p.label else ''}cut {word}", z3.And(p.cond, c), p.refutes,
                 lemmas)
            for p in parts for word, c, lemmas in cuts]


def _monotonicity(p: Problem) -> Iterator[Query]:
    """Queries are built lazily: the first counterexample stops the building."""
    n = p.n
    if not p.real:
        for q in range(n):
            ctx = p.ctx()
            e = p.election(ctx, "A")
            up = [x + Num(1) if i == q else x for i, x in enumerate(e.votes)]
            e2 = derive(ctx, e, up, "A+1")
            if p.max_votes is not None:
                ctx.add(up[q].a <= p.max_votes)
            a = p.alloc(ctx, e, label="A")
            b = p.alloc(ctx, e2, label="A + 1 vote")
            yield Query(f"monotonicity L{q + 1}+1", ctx, [], b.seats[q] < a.seats[q], [a, b],
                        parts=_results(a, b, q), objective=p.total_votes(e))
        return
    lr = isinstance(p.tier.method, LargestRemainder)
    for q in range(n):
        for sign in (1, -1):
            for case in ("changed", "same-in", "same-out"):
                label = f"monotonicity L{q + 1}{'+' if sign > 0 else '-'}eps {case}"
                if not p.wants(label):
                    continue
                ctx = p.ctx()
                e = p.election(ctx, "A")
                moved = [Num(x.a, sign if i == q else 0) for i, x in enumerate(e.votes)]
                e2 = derive(ctx, e, moved, "A moved")
                a = p.alloc(ctx, e, norm=True, label="A")
                # with the same admitted lists, the second election's admitted votes are the
                # first's (1) moved by eps when the list is admitted
                implied = {"same-in": Num(1, sign), "same-out": Num(1, 0)}.get(case)
                b = p.alloc(ctx, e2, implied=implied, label="A moved by eps")
                same = _same_admitted(a, b, n)
                assume = [e.votes[q].pos()] if sign < 0 else []
                lemmas: list[z3.BoolRef] = []
                if case == "changed":
                    split = z3.Not(same)
                else:
                    split = z3.And(same, a.admitted[q] if case == "same-in"
                                   else z3.Not(a.admitted[q]))
                    lemmas = _lr_lemma(a, b, q, sign, case == "same-in") if lr else []
                if sign > 0:  # b = a + eps: b must not have fewer seats
                    violation = b.seats[q] < a.seats[q]
                    order = [a, b]
                else:  # b = a - eps: b must not have more seats
                    violation = b.seats[q] > a.seats[q]
                    order = [b, a]
                yield Query(label, ctx, assume, violation, order, case=split, step=(q, sign),
                            parts=_results(a, b, q), lemmas=lemmas)


def _monotonicity_free(p: Problem) -> Iterator[Query]:
    """The property as stated: an election and the same with list p's votes up by a free
    amount d > 0, both with results (slower to solve than the step; used where the rules'
    extension drops at an election without a result)."""
    for q in range(p.n):
        ctx = p.ctx()
        e = p.election(ctx, "A")
        d = ctx.num_var(f"gain.L{q + 1}")
        ctx.add(d >= 1 if not p.real else d > 0)
        up = [x + Num(d) if i == q else x for i, x in enumerate(e.votes)]
        if p.max_votes is not None:
            ctx.add(up[q].a <= p.max_votes)
        a = p.alloc(ctx, e, norm=True, label="A")
        b = p.alloc(ctx, derive(ctx, e, up, "A+d"), label="A + d")
        yield Query(f"monotonicity L{q + 1}+d", ctx, [a.defined, b.defined],
                    b.seats[q] < a.seats[q], [a, b], objective=p.total_votes(e))


def _mono_bad(o: list[Outcome]) -> bool:
    lo, hi = o
    diff = [i for i in range(len(lo.votes)) if lo.votes[i] != hi.votes[i]]
    if len(diff) != 1 or lo.extras != hi.extras or lo.house != hi.house:
        return False
    q = diff[0]
    return hi.votes[q] > lo.votes[q] and hi.seats[q] < lo.seats[q]


# --- population monotonicity -----------------------------------------------------------------


def _population(p: Problem) -> list[Query]:
    ctx = p.ctx()
    e = p.election(ctx, "A")
    e2 = p.election(ctx, "B")
    a = p.alloc(ctx, e, norm=True, label="A")
    b = p.alloc(ctx, e2, label="B")
    n = p.n
    bad = []
    for i in range(n):
        for j in range(n):
            if i != j:
                bad.append(z3.And(e2.votes[i].ge(e.votes[i]), e2.votes[j].le(e.votes[j]),
                                  b.seats[i] < a.seats[i], b.seats[j] > a.seats[j]))
    # a list with no fewer votes keeps its seats where the cut falls, one with no more votes
    # gains none where it rises
    falls = [z3.Implies(e2.votes[k].ge(e.votes[k]), b.seats[k] >= a.seats[k]) for k in range(n)]
    rises = [z3.Implies(e2.votes[k].le(e.votes[k]), b.seats[k] <= a.seats[k]) for k in range(n)]
    return [Query("population-monotonicity", ctx, [a.defined, b.defined], z3.Or(bad), [a, b],
                  parts=_by_cut([Part("", z3.BoolVal(True))], a, b, falls, rises),
                  objective=p.total_votes(e))]


def _population_bad(o: list[Outcome]) -> bool:
    a, b = o
    n = len(a.votes)
    return any(
        b.votes[i] >= a.votes[i] and b.votes[j] <= a.votes[j]
        and b.seats[i] < a.seats[i] and b.seats[j] > a.seats[j]
        for i in range(n) for j in range(n) if i != j
    )


# --- majority, concordance -------------------------------------------------------------------


def _majority(p: Problem) -> list[Query]:
    def goal(p: Problem, ctx: object, a: object) -> z3.BoolRef:
        e = a.election  # type: ignore[attr-defined]
        T = e.list_votes
        return z3.Or([z3.And(e.votes[i].scale(2, p.real).gt(T), 2 * a.seats[i] <= a.house)  # type: ignore
                      for i in range(p.n)])

    return _single(p, "majority", goal)  # type: ignore[arg-type]


def _majority_bad(o: list[Outcome]) -> bool:
    x = o[0]
    return any(2 * v > x.total and 2 * s <= x.house for v, s in zip(x.votes, x.seats, strict=True))


def _concordance(p: Problem) -> list[Query]:
    def goal(p: Problem, ctx: object, a: object) -> z3.BoolRef:
        v = a.election.votes  # type: ignore[attr-defined]
        s = a.seats  # type: ignore[attr-defined]
        return z3.Or([z3.And(v[i].gt(v[j]), s[i] < s[j])
                      for i in range(p.n) for j in range(p.n) if i != j])

    return _single(p, "concordance", goal)  # type: ignore[arg-type]


def _concordance_bad(o: list[Outcome]) -> bool:
    x = o[0]
    n = len(x.votes)
    return any(x.votes[i] > x.votes[j] and x.seats[i] < x.seats[j]
               for i in range(n) for j in range(n) if i != j)


# --- anonymity -------------------------------------------------------------------------------


def anonymity_generators(n: int) -> list[tuple[str, list[int]]]:
    """The permutations the anonymity queries check, as (label, perm) with b's list i being a's
    list perm[i]: the swap of L1 and L2 and the cyclic shift of all n lists, which generate every
    permutation (two queries pairs instead of n - 1 adjacent swaps). A permutation is a product of
    them, and an election without a tie broken stays so when its lists are permuted (ties are
    equalities of figures, which a permutation keeps), so the property for the generators gives
    it for every permutation."""
    if n < 2:
        return []
    swap = list(range(n))
    swap[0], swap[1] = 1, 0
    out = [("swap L1,L2", swap)]
    if n >= 3:
        out.append((f"shift L1..L{n}", [(i + 1) % n for i in range(n)]))
    return out


def _anonymity(p: Problem, whole: bool = False) -> Iterator[Query]:
    """The same-admitted cases on the whole encoding; the other-admitted cases on the
    admission-only encoding (verify/anonymity.py), or, with ``whole`` (the fallback, when that
    one has a model), on the whole encoding too."""
    n = p.n
    for what, perm in anonymity_generators(n):
        for same in (True, False):
            label = f"anonymity {what} ({'same' if same else 'other'} admitted)"
            if not p.wants(label):
                continue
            if not same and not whole:
                yield other_admitted(p, label, perm, _same_admitted)
                continue
            ctx = p.ctx()
            e = p.election(ctx, "A")
            # A first: its allocation makes the tags it draws freely (the alliances' partition),
            # which the permuted election must take permuted, not draw afresh
            start = mark(ctx)
            a = p.alloc(ctx, e, norm=True, label="A")
            e2 = derive(ctx, e, [e.votes[perm[i]] for i in range(n)], "A permuted")
            e2.tags = {t: [vs[perm[i]] for i in range(n)] for t, vs in e.tags.items()}
            mid = mark(ctx)
            # when the admitted lists are the permuted ones, the admitted votes are A's (1)
            b = p.alloc(ctx, e2, implied=Num(1) if same else None, label="A permuted")
            corresponds = _same_admitted(a, b, n, perm)
            differ = z3.Or([b.seats[i] != a.seats[perm[i]] for i in range(n)])
            lemmas = []
            if same and len(a.rounds) == 1 and len(b.rounds) == 1:
                lemmas = [b.rounds[0].f[i] == a.rounds[0].f[perm[i]] for i in range(n)]
            if same and a.cut is not None and b.cut is not None:
                # the lowest winning quotient is the same for the permuted election
                lemmas.append(z3.Implies(a.has_votes, b.cut.eq(a.cut)))
            if same:
                lemmas += [b.method_seats[i] == a.method_seats[perm[i]] for i in range(n)]
                # and the runner-up is the permuted one (a guarantee's list)
                lemmas += [b.runner_up[i] == a.runner_up[perm[i]] for i in range(n)]
                # and every variable of B is its counterpart of A (verify/anonymity.py), each
                # lemma proved on its cone (verify/cones.py)
                lemmas += [x for x in paired_lemmas(ctx, start, mid, mark(ctx), perm)
                           if not any(x.eq(y) for y in lemmas)]
            yield Query(label, ctx,
                        [a.defined, b.defined, z3.Not(a.tie_used), z3.Not(b.tie_used)], differ,
                        [a, b], case=corresponds if same else z3.Not(corresponds),
                        objective=p.total_votes(e), lemmas=lemmas, cones=same)


def _anonymity_bad(o: list[Outcome]) -> bool:
    """b's votes (and tags) are a's permuted by a generator (or any swap), and for no such
    permutation that matches the votes do the seats follow."""
    a, b = o
    if a.ties or b.ties or a.extras != b.extras:
        return False
    n = len(a.votes)
    if a.votes == b.votes:
        return a.seats != b.seats
    perms = [perm for _, perm in anonymity_generators(n)]
    for i in range(n):
        for j in range(i + 1, n):
            swap = list(range(n))
            swap[i], swap[j] = j, i
            perms.append(swap)
    fits = [perm for perm in perms if all(b.votes[x] == a.votes[perm[x]] for x in range(n))
            and all(tb[x] == ta[perm[x]] for ta, tb in zip(a.tags.values(), b.tags.values(), strict=True)
                    for x in range(n))]
    return bool(fits) and all(any(b.seats[x] != a.seats[perm[x]] for x in range(n)) for perm in fits)


# --- the catalogue ---------------------------------------------------------------------------

CATALOGUE: dict[str, Property] = {
    p.name: p
    for p in [
        Property(
            "seat-total",
            "Whenever some list has at least one vote, the seats of the tier add up to its size.",
            "Balinski & Young, Fair Representation (1982/2001), ch. 1 (an apportionment "
            "distributes exactly h seats)",
            "One election, rational votes with the admitted-vote sum fixed at 1; asks for "
            "list votes > 0 and sum of seats != h.",
            _seat_total,
            _seat_total_bad,
        ),
        Property(
            "monotonicity",
            "A list that gains votes (any amount), all other figures unchanged (the other lists' "
            "votes, invalid ballots, 'against all', non-voters), never loses seats; the two "
            "elections compared both have a result.",
            "Balinski & Young 1982, ch. 6 (vote monotonicity); Pukelsheim, Proportional "
            "Representation (2017), sec. 7.3",
            "Infinitesimal step on the encoding's total extension of the rules (unbroken ties "
            "end in index order): the second election is the first with list p at v_p +/- eps, "
            "numbers a + b*eps compared lexicographically; split by list, direction and "
            "whether the admitted set changes (the second election's admitted votes then "
            "proved equal to 1 +/- eps), with the lemma f' in {f-1, f} (or {f, f+1}); divisor "
            "methods also split by where the second cut lies. If the extension drops only next "
            "to an election without a result, direct queries with a free gain d > 0 decide. "
            "Integer encoding: one extra vote, then a free integer gain.",
            _monotonicity,
            _mono_bad,
            elections=2,
            fallback=_monotonicity_free,
        ),
        Property(
            "runner-up-guarantee",
            "Whenever exactly one list passes the thresholds and another list has a vote, some "
            "list among those with the most votes after it (the most among the lists that did "
            "not pass) holds at least 2 seats.",
            "Constitutional Law of Kazakhstan on Elections, art. 97-1 p.2; IPU Parline",
            "One election; asks for passed = 1, a non-passing list with votes, and every "
            "non-passing list with the most votes below 2 seats.",
            _runner_up,
            _runner_up_bad,
        ),
        Property(
            "threshold",
            "A list that does not pass the thresholds gets no seat, unless it was admitted "
            "(admit runner_up).",
            "Pukelsheim 2017, sec. 13.1 (electoral thresholds)",
            "One election; asks for a list with seats that is neither passed nor admitted.",
            _threshold,
            _threshold_bad,
        ),
        Property(
            "lower-quota",
            "Every admitted list gets at least floor(h * v_i / V) seats, V the admitted lists' "
            "votes.",
            "Balinski & Young 1982, ch. 4 (quota)",
            "One election with V = 1: asks for (s_i + 1) <= h v_i.",
            _quota(True),
            _quota_bad(True),
        ),
        Property(
            "upper-quota",
            "Every admitted list gets at most ceil(h * v_i / V) seats, V the admitted lists' "
            "votes.",
            "Balinski & Young 1982, ch. 4 (quota)",
            "One election with V = 1: asks for (s_i - 1) >= h v_i.",
            _quota(False),
            _quota_bad(False),
        ),
        Property(
            "house-monotonicity",
            "With the same votes, adding one seat to the tier never costs a list a seat "
            "(no Alabama paradox).",
            "Balinski & Young 1982, ch. 5 (the Alabama paradox)",
            "The same election allocated twice, with h and h + 1 seats; the first carries the "
            "scale (V = 1, or a divisor cut of 1); largest remainder is split by whether the "
            "admitted lists change with the house (when they do not, the second V = 1 is "
            "proved); divisor methods: a free second cut, with the proved lemma that it is not "
            "above the first.",
            _house,
            _house_bad,
            elections=2,
        ),
        Property(
            "population-monotonicity",
            "If list a's votes do not fall and list b's votes do not rise (everything else "
            "free), it is not the case that a loses a seat while b gains one.",
            "Balinski & Young 1982, ch. 6 (population monotonicity)",
            "Two independent elections, the first carrying the scale; the second's integer parts "
            "(or divisor seat counts) are written in binary so that the encoding stays linear; "
            "divisor methods split by where the second cut lies, with per-list lemmas.",
            _population,
            _population_bad,
            elections=2,
        ),
        Property(
            "majority",
            "A list with more than half of all list votes gets more than half of the tier's "
            "seats.",
            "Pukelsheim 2017, sec. 12.8 (majority clause); Balinski & Young 1982",
            "One election; asks for 2 v_i > sum of list votes and 2 s_i <= h.",
            _majority,
            _majority_bad,
        ),
        Property(
            "concordance",
            "A list with more votes than another never gets fewer seats.",
            "Balinski & Young 1982, ch. 9 (order preservation)",
            "One election; asks for v_i > v_j and s_i < s_j.",
            _concordance,
            _concordance_bad,
        ),
        Property(
            "anonymity",
            "Swapping the votes of two lists swaps their seats, in elections where no tie had "
            "to be broken.",
            "Balinski & Young 1982, ch. 9 (symmetry)",
            "An election and the same election with L1's and L2's votes swapped, and with all "
            "lists' votes shifted by one (the two generate every permutation), both without any "
            "tie; split by whether the admitted lists correspond (then the second V = 1, or the "
            "same cut, is proved and used, and every variable of the second is proved its "
            "counterpart's, each on its cone); the case where they do not is shown empty on the "
            "admission-only encoding (else asked of the whole one).",
            _anonymity,
            _anonymity_bad,
            elections=2,
            fallback=lambda p: _anonymity(p, whole=True),
        ),
    ]
}

# Methods the definitions do not depend on; imported for type checkers.
_ = (Divisor,)
