"""The verifier's speed-ups change no allocation: the order facts of largest remainder follow from
the encoding without them, and the runner-up's guarantee as one block gives the seats of one
block per list (Z3 proves both for every election of a few lists)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import z3

from hemicycle.grammar import load_rules, parse_rules
from hemicycle.model import Tier
from hemicycle.verify import encoder, quota_methods
from hemicycle.verify.symbolic import Ctx, make_election, needed_extras

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
HARE = 'chamber "T" seats 7\ntier "t" seats 7 {\nallocate largest_remainder quota hare\nties registration_order\n}\n'
DROOP = ('chamber "T" seats 9\ntier "t" seats 9 {\nthreshold 5% of valid_votes\n'
         'allocate largest_remainder quota droop\nties registration_order\n}\n')


def _kazakh() -> Tier:
    return load_rules(RULES_DIR / "kazakhstan-2021.elect").tiers[0]


def _tier(text: str) -> Tier:
    return parse_rules(text, file="t.elect").tiers[0]


def _cons(tier: Tier, n: int, real: bool, facts: bool, monkeypatch: pytest.MonkeyPatch) -> list[z3.BoolRef]:
    monkeypatch.setattr(quota_methods, "IMPLIED_ORDER", facts)
    ctx = Ctx(real=real, prefix="t.")
    e = make_election(ctx, n, "A", needed_extras([tier]), set())
    encoder.encode_tier(ctx, tier, e)
    return ctx.cons


@pytest.mark.parametrize(("tier", "n", "real"), [(_kazakh(), 3, True), (_tier(HARE), 3, True),
                                                 (_tier(DROOP), 3, False)])
def test_the_order_facts_follow_from_the_encoding(tier: Tier, n: int, real: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    without = _cons(tier, n, real, False, monkeypatch)
    with_facts = _cons(tier, n, real, True, monkeypatch)
    known = {c.sexpr() for c in without}
    facts = [c for c in with_facts if c.sexpr() not in known]
    assert facts, "the facts are added"
    s = z3.Solver()
    s.add(*without, z3.Not(z3.And(facts)))
    assert s.check() == z3.unsat


ELECTIONS = [  # (list votes, invalid ballots): one list passes 7% (the guarantee at work), ties
    ([900, 60, 40, 0], 0), ([900, 50, 50, 0], 0), ([500, 480, 10, 10], 0), ([10, 10, 10, 10], 0),
    ([97, 1, 1, 1], 0), ([990, 6, 4, 0], 0), ([800, 70, 70, 60], 0), ([300, 300, 0, 0], 100), ([5, 4, 3, 2], 1000),
]


@pytest.mark.parametrize(("votes", "invalid"), ELECTIONS)
def test_the_runner_up_guarantee_as_one_block_gives_the_same_seats(
        votes: list[int], invalid: int, monkeypatch: pytest.MonkeyPatch) -> None:
    tier = _kazakh()
    ctx = Ctx(real=True, prefix="g.")
    e = make_election(ctx, len(votes), "A", needed_extras([tier]), set())
    one = encoder.encode_tier(ctx, tier, e)
    monkeypatch.setattr(encoder._TierEncoder, "one_block", False)
    per_list = encoder.encode_tier(ctx, tier, e)
    pinned = [x.a == v for x, v in zip(e.votes, votes, strict=True)] + [e.invalid.a == invalid]
    s = z3.Solver()
    s.add(*ctx.cons, *pinned)
    assert s.check() == z3.sat
    m = s.model()
    seats = [m.eval(x).as_long() for x in one.seats]
    # both encodings admit one seat vector only, the same
    s.add(z3.Or(z3.Or([x != y for x, y in zip(one.seats, per_list.seats, strict=True)]),
                one.defined != per_list.defined, one.tie_used != per_list.tie_used,
                z3.Or([x != v for x, v in zip(one.seats, seats, strict=True)])))
    assert s.check() == z3.unsat


# --- anonymity's lemmas on cones (verify/anonymity.py, verify/cones.py) -------------------------


def _anonymity_queries(n: int) -> list:  # type: ignore[type-arg]
    from hemicycle.verify.problem import Problem
    from hemicycle.verify.properties import CATALOGUE

    p = Problem(_kazakh(), n, real=True, max_votes=None)
    return [q for q in CATALOGUE["anonymity"].build(p) if q.cones]


def _given(q: object) -> list[z3.BoolRef]:
    return [*q.assume, q.case, *(eq for _, eq in q.implied)]  # type: ignore[attr-defined]


def test_the_paired_lemmas_follow_from_the_whole_query() -> None:
    """Every lemma of the anonymity queries (B's integer parts, method seats, guarantee layers and
    seats equal to A's permuted) follows from the whole query without any cone or other lemma."""
    queries = _anonymity_queries(3)
    assert [q.label for q in queries] == ["anonymity swap L1,L2 (same admitted)",
                                          "anonymity shift L1..L3 (same admitted)"]
    for q in queries:
        kinds = {str(x.arg(0)).split(".")[1].rstrip("0123456789!") for x in q.lemmas if z3.is_eq(x)
                 and z3.is_const(x.arg(0))}
        assert {"f", "s", "g"} <= kinds, kinds
        s = z3.Solver()
        s.add(*q.ctx.cons, *_given(q))
        for lemma in q.lemmas:
            s.push()
            s.add(z3.Not(lemma))
            assert s.check() == z3.unsat, lemma
            s.pop()


def test_a_cone_is_a_sub_list_of_the_query() -> None:
    """A cone holds only the query's constraints, conjuncts of its assumptions (each conjunct
    follows from its formula) and the facts given: so what follows from a cone follows from the
    query."""
    from hemicycle.verify.cones import Cones, conjuncts

    for q in _anonymity_queries(3):
        given = [g for x in _given(q) for g in conjuncts(x)]
        for x in _given(q):
            s = z3.Solver()
            s.add(x, z3.Not(z3.And(list(conjuncts(x)))))
            assert s.check() == z3.unsat
        cones = Cones(q.ctx.cons, given)
        ids = {c.get_id() for c in [*q.ctx.cons, *given, *q.lemmas]}
        cut: set[str] = set()
        sizes = []
        for k, goal in enumerate([*q.lemmas, q.violation]):
            cone = cones.cone(goal, cut, q.lemmas[:k])
            assert all(c.get_id() in ids for c in cone)
            sizes.append(len(cone))
            if k < len(q.lemmas):
                cut |= cones.variables(goal)
        assert max(sizes) < len(q.ctx.cons) + len(given), "a cone leaves something out"


def test_a_false_lemma_is_left_out_and_a_satisfiable_query_goes_to_the_whole_solver() -> None:
    from hemicycle.verify.cones import solve_on_cones

    q = _anonymity_queries(3)[0]
    a, b = q.elections
    wrong = b.seats[0] == a.seats[0] + 1
    facts, done = solve_on_cones(q.ctx.cons, _given(q), [wrong, *q.lemmas], q.violation, time.monotonic() + 60)
    assert not any(f.eq(wrong) for f in facts) and len(facts) == len(q.lemmas) and done
    facts, done = solve_on_cones(q.ctx.cons, _given(q), q.lemmas, z3.Not(q.violation), time.monotonic() + 60)
    assert not done  # (the seats do follow: satisfiable, nothing settled on the cone)


def test_anonymity_on_cones_is_proved_with_its_non_vacuity_check() -> None:
    from hemicycle.verify import Status, verify

    (r,) = verify(load_rules(RULES_DIR / "kazakhstan-2021.elect"), ["anonymity"], parties=4, timeout=120)
    assert r.status is Status.PROVED
    assert any("non-vacuity" in n for n in r.notes)
    assert sum("(other admitted): no election falls in this case" in n for n in r.notes) == 2


def test_a_model_of_the_admission_only_case_goes_to_the_whole_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other-admitted case is asked of the admission-only encoding; a model there (here: the
    case made true for every election) is no counterexample, and the fallback (both cases on the
    whole encoding) decides."""
    from hemicycle.verify import Status, anonymity, properties, verify

    def loose(*args: object) -> object:
        q = anonymity.other_admitted(*args)  # type: ignore[arg-type]
        q.case = z3.BoolVal(True)
        return q

    monkeypatch.setattr(properties, "other_admitted", loose)
    (r,) = verify(load_rules(RULES_DIR / "kazakhstan-2021.elect"), ["anonymity"], parties=3, timeout=120,
                  search=False)
    assert r.status is Status.PROVED
    assert any("admission-only" in n for n in r.notes)
