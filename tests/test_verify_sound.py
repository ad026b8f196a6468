"""Sound proofs (issue 13): the five false proofs found by the audit, each refuted now, and the
checks that make the class impossible (one scale per query, normalisations proved before use,
non-vacuity behind every PROVED)."""

from __future__ import annotations

from pathlib import Path

import pytest
import z3
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.grammar import load_rules, parse_rules
from hemicycle.model import Chamber
from hemicycle.verify import PropertyError, Status, VerifyError, verify
from hemicycle.verify.agreement import Case, agree
from hemicycle.verify.encoder import encode_tier
from hemicycle.verify.num import Num
from hemicycle.verify.problem import Problem, Query
from hemicycle.verify.properties import CATALOGUE, Property
from hemicycle.verify.symbolic import Ctx, make_election

RULES = Path(__file__).resolve().parents[1] / "src" / "hemicycle" / "rules"


def rule(body: str, seats: int) -> Chamber:
    return parse_rules(f'chamber "T" seats {seats}\ntier "t" seats {seats} {{\n{body}\n}}\n',
                       file="t.elect")


def props(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "p.props"
    f.write_text(text)
    return f


def seats_of(el: object) -> list[int]:
    return list(el.seats.values())  # type: ignore[attr-defined]


def assert_monotonicity_refuted(ch: Chamber, *, timeout: float) -> None:
    """The verifier refutes monotonicity with a counterexample in which one list gains votes and
    loses seats."""
    (r,) = verify(ch, ["monotonicity"], parties=3, timeout=timeout)
    assert r.status is Status.REFUTED
    lo, hi = r.counterexample  # type: ignore[misc]
    (q,) = [k for k in lo.votes if lo.votes[k] != hi.votes[k]]
    assert hi.votes[q] > lo.votes[q] and hi.seats[q] < lo.seats[q]


# --- 1. house monotonicity when the threshold depends on the house ---------------------------

QUOTA_THRESHOLD = ("threshold 4 quota of list_votes inclusive for lists not tagged minority\n"
                   "allocate dhondt\nties registration_order")


def test_1_house_dependent_threshold_breaks_house_monotonicity(tmp_path: Path) -> None:
    ch = rule(QUOTA_THRESHOLD, 10)
    (r,) = verify(ch, ["house-monotonicity"], parties=3, timeout=60)
    assert r.status is Status.REFUTED and r.found_by == "solver"  # tags: no random search
    a, b = r.counterexample  # type: ignore[misc]
    assert (a.house, b.house) == (10, 11)
    assert any(y < x for x, y in zip(seats_of(a), seats_of(b), strict=True))
    # the same property in a .props file agrees
    f = props(tmp_path, "property bigger \"one more seat\"\n  election B = A with house + 1\n"
                        "  forall i: B.seats[i] >= seats[i]\n")
    (u,) = verify(ch, ["bigger"], parties=3, timeout=60, property_file=f)
    assert u.status is Status.REFUTED


def test_1_the_audit_election_is_what_the_interpreter_gives() -> None:
    # (37, 1, 62): (0, 0, 10) at 10 seats and (4, 0, 7) at 11 (no list tagged minority)
    ch = rule(QUOTA_THRESHOLD, 10)
    assert agree(ch, Case([37, 1, 62])) is None
    assert agree(rule(QUOTA_THRESHOLD, 11), Case([37, 1, 62])) is None


# --- 2. vote monotonicity for a divisor method -----------------------------------------------


def test_2_divisor_monotonicity_with_a_guarantee_is_refuted() -> None:
    ch = rule("guarantee lists tagged small at least 1 seats from largest\nallocate dhondt\n"
              "ties fewer_votes then registration_order", 4)
    assert_monotonicity_refuted(ch, timeout=60)


def test_2_dhondt_monotonicity_still_proved_and_not_vacuously() -> None:
    (r,) = verify(rule("allocate dhondt\nties registration_order", 10), ["monotonicity"],
                  parties=3, timeout=60)
    assert r.status is Status.PROVED
    assert any("non-vacuity" in n for n in r.notes)


# --- 3. a first divisor above the second -----------------------------------------------------


def test_3_first_divisor_above_the_second(tmp_path: Path) -> None:
    ch = rule("allocate modified_sainte_lague first 4\nties registration_order", 4)
    f = props(tmp_path, "property no-one \"no list holds exactly one seat\"\n"
                        "  forall i: seats[i] != 1\n")
    (r,) = verify(ch, ["no-one"], parties=2, timeout=60, property_file=f)
    assert r.status is Status.REFUTED
    assert 1 in seats_of(r.counterexample[0])  # type: ignore[index]
    # (10, 6) at 4 seats gives (3, 1); every catalogue property now has an answer, never exit 4
    assert agree(ch, Case([10, 6])) is None and agree(ch, Case([10, 6]), scaled=True) is None
    res = verify(ch, ["seat-total", "concordance", "house-monotonicity"], parties=2, timeout=60)
    assert all(x.status in (Status.PROVED, Status.REFUTED) for x in res)


@pytest.mark.parametrize("body", [
    "allocate divisors 1, 1, 2, 3\nties registration_order",
    "allocate divisors 1, 1, 2 step 1\nties registration_order",
    "allocate modified_sainte_lague first 6\nties more_votes then registration_order",
    "allocate divisors 0, 0, 1 step 1\nties registration_order",
])
@pytest.mark.parametrize("votes", [[2, 4], [10, 6], [5, 5, 5], [3, 4, 4, 12], [1, 8, 8]])
def test_repeated_divisors_take_one_seat_per_round(body: str, votes: list[int]) -> None:
    """A divisor that repeats (or a first divisor above the second) gives one seat per round at
    a level: `divisors 1, 1, 2, 3` with (2, 4) and 4 seats is (1, 3), which the cut model on the
    raw sequence got wrong ((2, 2))."""
    for h in (4, 7, 12):
        ch = rule(body, h)
        assert agree(ch, Case(votes), unique=True) is None
        assert agree(ch, Case(votes), scaled=True) is None


# --- 4. monotonicity across an election without a result --------------------------------------


def test_4_a_gain_across_an_unbroken_tie_is_a_counterexample() -> None:
    """(40, 41, 1) -> (2, 1, 1), (41, 41, 1) has no result, (42, 41, 1) -> (1, 2, 1): the
    property is about any gain d > 0 between two elections with results."""
    ch = rule("guarantee lists tagged small at least 1 seats from largest\n"
              "allocate largest_remainder quota hare\nties fewer_votes", 4)
    assert_monotonicity_refuted(ch, timeout=120)


# --- 5. a vacuous proof ------------------------------------------------------------------------


def test_5_a_house_below_one_is_refused(tmp_path: Path) -> None:
    f = props(tmp_path, "property vac \"vacuous\"\n  election B = A with house - 1000\n"
                        "  B.seats[L1] >= 1000000\n")
    with pytest.raises(PropertyError, match="house of -902 seats"):
        verify(load_rules(RULES / "kazakhstan-2021-dhondt.elect"), ["vac"], parties=3,
               property_file=f)
    r = CliRunner().invoke(app, ["verify", "kazakhstan-2021-dhondt", "-n", "3",
                                 "--property-file", str(f)])
    assert r.exit_code == 2 and "at least 1 seat" in r.output


# --- the class made impossible -----------------------------------------------------------------


def test_one_scale_per_query() -> None:
    tier = rule("allocate dhondt\nties registration_order", 5).tiers[0]
    ctx = Ctx(real=True)
    e = make_election(ctx, 3, "A", set(), set())
    encode_tier(ctx, tier, e, norm=Num(1))
    with pytest.raises(VerifyError, match="scale"):
        encode_tier(ctx, tier, e, house=6, norm=Num(1))


def _stub(build: object) -> Property:
    return Property("stub", "a test property", "test", "test", build,  # type: ignore[arg-type]
                    lambda outs: False)


def _run(prop: Property, ch: Chamber, monkeypatch: pytest.MonkeyPatch, n: int = 3) -> object:
    monkeypatch.setitem(CATALOGUE, prop.name, prop)
    (r,) = verify(ch, [prop.name], parties=n, timeout=60)
    return r


def test_contradictory_assumptions_are_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(p: Problem) -> list[Query]:
        ctx = p.ctx()
        e = p.election(ctx, "A")
        a = p.alloc(ctx, e, norm=True)
        # "a list with more than all the votes": no election, so the proof would be vacuous
        return [Query("stub impossible", ctx, [a.defined, e.votes[0].gt(e.list_votes)],
                      z3.BoolVal(True), [a])]

    r = _run(_stub(build), rule("allocate dhondt\nties registration_order", 5), monkeypatch)
    assert r.status is Status.UNKNOWN  # type: ignore[attr-defined]
    assert "assumptions are contradictory: stub impossible" in r.reason  # type: ignore[attr-defined]


def test_a_case_emptied_by_a_normalisation_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old vote-monotonicity bug, rebuilt: the first election's cut is 1 and the second's
    admitted votes are forced to 1 + eps, so the 'same admitted lists' case has no election;
    the check sees that the case is not empty without the normalisation."""
    def build(p: Problem) -> list[Query]:
        ctx = p.ctx()
        e = p.election(ctx, "A")
        e2 = e.with_votes([Num(x.a, 1 if i == 0 else 0) for i, x in enumerate(e.votes)])
        a = p.alloc(ctx, e, norm=True)
        b = p.alloc(ctx, e2)
        if p.normalise:  # an unproved second normalisation (what the old code did)
            ctx.add(z3.Implies(b.has_votes, b.admitted_votes.eq(Num(1, 1))))
        same = z3.And(*[x == y for x, y in zip(a.admitted, b.admitted, strict=True)])
        return [Query("stub same-in", ctx, [], b.seats[0] < a.seats[0], [a, b],
                      case=z3.And(same, a.admitted[0]), step=(0, 1))]

    r = _run(_stub(build), rule("allocate dhondt\nties registration_order", 5), monkeypatch)
    assert r.status is Status.UNKNOWN  # type: ignore[attr-defined]
    assert "assumptions are contradictory: stub same-in" in r.reason  # type: ignore[attr-defined]


def test_a_false_implied_normalisation_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(p: Problem) -> list[Query]:
        ctx = p.ctx()
        e = p.election(ctx, "A")
        a = p.alloc(ctx, e, norm=True)
        # a second election with other votes cannot have the first's admitted votes
        e2 = e.with_votes([x + x for x in e.votes])
        b = p.alloc(ctx, e2, implied=Num(1))
        return [Query("stub doubled", ctx, [a.defined, b.defined], z3.BoolVal(False), [a, b])]

    r = _run(_stub(build), rule("allocate largest_remainder quota hare\n"
                                "ties registration_order", 5), monkeypatch)
    assert r.status is Status.ERROR  # type: ignore[attr-defined]
    assert "does not follow" in r.reason  # type: ignore[attr-defined]


def test_empty_cases_are_named_in_the_proof() -> None:
    # with no threshold a list never stays out when it gains: that case is empty, and said so
    (r,) = verify(rule("allocate largest_remainder quota hare\nties registration_order", 7),
                  ["monotonicity"], parties=2, timeout=60)
    assert r.status is Status.PROVED
    assert any("same-out: no election falls in this case" in n for n in r.notes)


# --- the smaller defects (item 10) -------------------------------------------------------------


def test_minimize_keeps_a_confirmed_counterexample_when_time_runs_out() -> None:
    ch = load_rules(RULES / "kazakhstan-2021.elect")
    (r,) = verify(ch, ["population-monotonicity"], parties=4, timeout=6, minimize=True)
    if r.status is Status.REFUTED:  # found in time (by the solver): never thrown away
        assert r.counterexample and r.minimal in (True, False)
    else:
        assert r.status is Status.UNKNOWN


def test_minimize_overrun_reports_minimal_false(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as _time

    from hemicycle.verify import engine

    def slow(*args: object, **kw: object) -> None:
        _time.sleep(60)

    monkeypatch.setattr(engine, "_minimize", slow)
    ch = rule("allocate largest_remainder quota hare\nties registration_order", 10)
    (r,) = verify(ch, ["majority"], parties=3, timeout=8, minimize=True)
    assert r.status is Status.REFUTED and r.minimal is False and r.counterexample
    assert any("not minimised" in n for n in r.notes)


def test_cli_reports_an_error_per_property_and_exits_4(monkeypatch: pytest.MonkeyPatch) -> None:
    real = CATALOGUE["majority"]
    monkeypatch.setitem(CATALOGUE, "majority", Property(
        real.name, real.definition, real.citation, real.encoding, real.build, lambda outs: False))
    r = CliRunner().invoke(app, ["verify", "kazakhstan-2021", "-n", "3", "-p", "majority",
                                 "-p", "threshold", "--no-search", "--format", "json"])
    assert r.exit_code == 4
    import json

    data = json.loads(r.stdout)
    assert [x["status"] for x in data["results"]] == ["error", "proved"]
