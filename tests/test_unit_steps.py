"""The level-wide steps of a districted tier (hemicycle.interpreter.unit_steps) give what the
per-unit pipeline gives: the same parts, the same protocol line for line, the same ties, notes and
clauses applied, or the same error; and the seat-by-seat step's protocol follows the order in
which seats are won (hemicycle.highest_averages.seat_rounds)."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import pytest

import hemicycle
import hemicycle.interpreter.levels as levels
from hemicycle import model as m
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.highest_averages import LinearDivisors, highest_averages
from hemicycle.interpreter import allocate
from hemicycle.interpreter.divisors import divisor_rounds
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.numbers import fmt_exact
from pathfuzz import district_case


def _pipeline(*args: Any, **kwargs: Any) -> None:
    return None  # the level-wide steps decline: every unit through the pipeline


def _shown(chamber: m.Chamber, e: Election, explain: bool) -> Any:
    """Everything an allocation shows (or its error)."""
    try:
        r = allocate(chamber, e, explain=explain)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    tiers = []
    for t in r.tiers:
        tiers.append((t.name, t.seat_list, t.passed_flags, t.admitted_flags, t.admitted_by, t.vacant,
                      [s.render() for s in t.steps]))
        for p in t.parts:
            tiers.append((p.district, p.abbrs, p.seat_list, p.passed_flags, p.admitted_flags, p.admitted_by,
                          p.vacant, p.quota, list(p.index), [s.render() for s in p.steps],
                          [x.to_json() for x in p.lists]))
    return tiers, [t.to_json() for t in r.ties], r.notes, r.clauses_applied, r.to_json()


class _Counted:
    """The level-wide steps, counting the tiers they allocated (not declined)."""

    def __init__(self) -> None:
        self.ran = 0
        self.steps = levels.allocate_units

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.steps(*args, **kwargs)
        self.ran += out is not None
        return out


def same_as_pipeline(chamber: m.Chamber, e: Election, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Assert both ways show the same; True when the level-wide steps ran."""
    counted = _Counted()
    for explain in (True, False):
        monkeypatch.setattr(levels, "allocate_units", counted)
        fast = _shown(chamber, e, explain)
        monkeypatch.setattr(levels, "allocate_units", _pipeline)
        slow = _shown(chamber, e, explain)
        assert fast == slow
    monkeypatch.setattr(levels, "allocate_units", counted.steps)
    return counted.ran > 0


THRESHOLDS = ["threshold 1 quota of valid_votes", "threshold 5% of valid_votes in every district",
              "threshold 20% of list_votes in at least 2 districts", "threshold 5% of ballots_cast",
              "threshold 3% of valid_votes\nthreshold 2% of list_votes nationally"]


@pytest.mark.parametrize("seed", range(8))
def test_random_districted_elections(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    ran = 0
    for k in range(30):
        chamber, e = district_case(rng)
        if k % 3 == 0:  # thresholds beyond the fuzzer's: quotas, across the level, a base some lack
            chamber = hemicycle.loads(
                f'chamber "c" seats {chamber.seats}\ndistricts seats {chamber.seats}\ntier "t" in each district {{\n'
                f"{rng.choice(THRESHOLDS)}\nallocate {rng.choice(['dhondt', 'sainte_lague', 'adams'])}\n"
                "ties more_votes then lot seed 3\n}\n", "t.elect").model
        ran += same_as_pipeline(chamber, e, monkeypatch)
    assert ran >= 10  # the level-wide steps themselves ran on most of them


def rules(body: str, seats: int, ties: str = "ties more_votes then lot seed 7") -> m.Chamber:
    return hemicycle.loads(f'chamber "c" seats {seats}\ndistricts seats {seats}\ntier "t" in each district {{\n'
                           f"{body}\n{ties}\n}}\n", "t.elect").model


def election(units: list[Unit], **totals: int) -> Election:
    sums: dict[str, int] = {}
    for u in units:
        for a, v in u.votes.items():
            sums[a] = sums.get(a, 0) + v
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=k + 1) for k, (a, v) in enumerate(sums.items()))
    return Election(lists=lists, units=tuple(units), totals=totals)


def unit(name: str, seats: int, votes: dict[str, int], **totals: int) -> Unit:
    return Unit(name=name, votes=votes, seats=seats, totals={"valid": sum(votes.values()), **totals})


CONSTRUCTED = {
    # the last seat tied in every district: the lot goes on from district to district
    "lots": (rules("allocate dhondt", 6, "ties lot seed 5"),
             election([unit("A", 1, {"X": 10, "Y": 10}), unit("B", 3, {"X": 30, "Y": 20, "Z": 10}),
                       unit("C", 2, {"X": 7, "Y": 7, "Z": 7})])),
    # exactly at a 3% threshold, inclusive and strict, blank ballots in the base
    "at the cut": (rules("threshold 3% of valid_votes_and_blank\nallocate dhondt", 5),
                   election([unit("A", 3, {"X": 950, "Y": 30, "Z": 20}, blank=0),
                             unit("B", 2, {"X": 900, "Y": 70, "Z": 29}, blank=1)])),
    "strict": (rules("threshold 3% of valid_votes_and_blank strict\nallocate dhondt", 3),
               election([unit("A", 3, {"X": 950, "Y": 30, "Z": 20}, blank=0)])),
    # a district where no list has a vote, one of no seats, one of one seat
    "empty units": (rules("threshold 5% of valid_votes\nallocate dhondt", 4),
                    election([unit("A", 0, {"X": 5, "Y": 3}), unit("B", 2, {"X": 0, "Y": 0}),
                              unit("C", 1, {"X": 4, "Y": 4}), unit("D", 1, {"X": 9, "Y": 1})])),
    "one seat, no threshold": (rules("allocate dhondt", 2),
                               election([unit("A", 1, {"X": 4, "Y": 4}), unit("B", 1, {"X": 1, "Y": 9})])),
    # a base figure one district lacks: the pipeline says which (the level-wide steps decline)
    "missing blank": (rules("threshold 3% of valid_votes_and_blank\nallocate dhondt", 4),
                      election([unit("A", 2, {"X": 9, "Y": 1}, blank=1), unit("B", 2, {"X": 5, "Y": 5})])),
    # a national test and a district test; Adams (a zero first divisor); Sainte-Lague's ties
    "national": (rules("threshold 10% of list_votes nationally\nthreshold 5% of valid_votes\nallocate dhondt", 6),
                 election([unit("A", 3, {"X": 50, "Y": 40, "Z": 3}), unit("B", 3, {"X": 10, "Y": 10, "Z": 30})])),
    "adams": (rules("allocate adams", 5), election([unit("A", 2, {"X": 50, "Y": 40, "Z": 3}),
                                                     unit("B", 3, {"X": 10, "Y": 10, "Z": 30, "W": 1})])),
    "sainte-lague": (rules("allocate sainte_lague", 4, "ties registration_order"),
                     election([unit("A", 4, {"X": 30, "Y": 10, "Z": 10})])),
    "no tie clause": (rules("allocate dhondt", 1, ""), election([unit("A", 1, {"X": 3, "Y": 3})])),
    "big magnitude": (rules("threshold 1% of valid_votes\nallocate dhondt", 120),
                      election([unit("A", 120, {f"L{i}": 1000 + 37 * i * i for i in range(12)})])),
}


@pytest.mark.parametrize("case", list(CONSTRUCTED))
def test_constructed_districted_elections(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chamber, e = CONSTRUCTED[case]
    ran = same_as_pipeline(chamber, e, monkeypatch)
    assert ran == (case not in ("missing blank", "no tie clause"))  # declined; raised (the same error)


def test_the_bundled_spanish_record(monkeypatch: pytest.MonkeyPatch) -> None:
    from hemicycle.api import resolve_election
    from hemicycle.votes import load_votes

    assert same_as_pipeline(hemicycle.load("spain-1986").model, load_votes(resolve_election("spain-2015")),
                            monkeypatch)


# --- the seat-by-seat step's protocol against the seat-by-seat process ---------------------------------


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague", "adams", "imperiali", "danish"])
def test_seat_lines_are_the_seats_in_the_order_won(method: str) -> None:
    """The protocol of ``divisor_rounds`` (D'Hondt: the rounds start at the lower quota, the seats
    before it written in quotient order) is the seat-by-seat process of ``highest_averages``
    without its jump start: the same seats, one line each, in the same order, with the same
    quotient; ties by registration order in both."""
    kind = m.Divisor(kind=m.DivisorKind(method))
    lin = LinearDivisors.of(kind)
    assert lin is not None
    rng = random.Random(method)
    tier = hemicycle.loads('chamber "c" seats 9\ntier "t" seats 9 {\nallocate dhondt\nties registration_order\n}\n',
                           "t.elect").model.tiers[0]
    for _ in range(300):
        n = rng.randint(1, 7)
        votes = [rng.choice([0, rng.randint(1, 20), rng.randint(1, 10**5)]) for _ in range(n)]
        if n > 1 and rng.random() < 0.4:
            votes[1] = votes[0]
        eligible = [i for i in range(n) if votes[i] > 0]
        if not eligible:
            continue
        seats = rng.randint(1, 3 * n + 3)
        names = [f"L{i}" for i in range(n)]
        entries = [ListEntry(abbr=a, votes=v, registration_order=k + 1)
                   for k, (a, v) in enumerate(zip(names, votes, strict=True))]
        got = divisor_rounds(kind, lin, votes, eligible, seats, TieBreaker(tier, entries, [], votes), names, True)
        lines = [s.text for step in got.steps for s in step.lines()]

        def favour(tied: list[int], places: int, key: Any) -> list[int]:
            return sorted(tied)[:places]  # registration order: the lists' order

        run = highest_averages(kind, votes, eligible, seats, favour, record=True, jump=False)
        want = [f"Seat {k}: {names[i]} (quotient {_quotient(kind, key)})" for k, (i, key) in enumerate(run.order, 1)]
        assert lines == want
        assert [got.seats[i] for i in eligible] == [run.seats[i] for i in eligible]


def _quotient(method: m.Divisor, key: tuple[int, Fraction]) -> str:
    if key[0]:
        return "∞"
    q = key[1]  # squared
    root = Fraction(_isqrt(q.numerator), _isqrt(q.denominator))
    assert root * root == q
    return fmt_exact(root, 4)


def _isqrt(x: int) -> int:
    from math import isqrt

    return isqrt(x)


def test_a_unit_part_is_the_tier_result_its_init_makes() -> None:
    """``unit_part`` sets only the columns the level-wide steps give: every field reads as the
    dataclass's ``__init__`` would make it (a field added to TierResult without a plain default
    would fail here, not in an allocation)."""
    import dataclasses

    from hemicycle.interpreter.protocol import Step
    from hemicycle.interpreter.results import TierResult
    from hemicycle.interpreter.unit_steps import unit_part
    from hemicycle.interpreter.view import level_views

    e = election([unit("A", 3, {"X": 5, "Y": 3, "Z": 0})])
    view = level_views(e, "district")[0]
    flags, by, got, log = [True, True, False], ["threshold", "threshold", ""], [2, 1, 0], [Step("x")]
    part = unit_part("t", 3, view, flags, by, got, "district", log)
    made = TierResult(name="t", size=3, abbrs=view.names, names=view.labels, votes=view.votes, passed_flags=flags,
                      admitted_flags=flags, admitted_by=by, seat_list=got, index=view.index, level="district",
                      district="A", log=log)
    assert type(part) is TierResult
    for f in dataclasses.fields(TierResult):
        assert getattr(part, f.name) == getattr(made, f.name), f.name
    assert part.to_json() == made.to_json() and part.parts is not made.parts


# --- thresholds for some lists, exemptions, largest remainder (Poland, the Czech first scrutiny), caps --

SELECTED = ["threshold 5% of valid_votes nationally for lists not tagged coalition\n"
            "threshold 8% of valid_votes nationally for lists tagged coalition",
            "threshold 5% of valid_votes nationally for lists of 1 party\n"
            "threshold 8% of valid_votes nationally for lists of 2 parties\n"
            "threshold 11% of valid_votes nationally for lists of 3 or more parties",
            "threshold 10% of valid_votes for lists tagged coalition",
            "threshold 1 quota of valid_votes for lists not tagged minority\nthreshold 2% of list_votes nationally",
            "threshold 4% of valid_votes", ""]
EXEMPT = ["", "exempt lists tagged minority from thresholds"]
CAPS = ["", "", "cap 2 seats per list", "cap 4 seats per list"]
LR = ["largest_remainder quota hare", "largest_remainder quota droop", "largest_remainder quota hagenbach_bischoff",
      "largest_remainder quota imperiali rounded nearest integer parts only",
      "largest_remainder quota hare rounded down", "dhondt", "sainte_lague"]


def tagged_case(rng: random.Random) -> tuple[m.Chamber, Election]:
    """Random districts whose lists carry tags and coalition sizes, under thresholds for some
    lists, an exemption, largest remainder (integer parts only among them) or a divisor method,
    a cap per list."""
    abbrs = [f"L{i}" for i in range(rng.randint(1, 7))]
    units = []
    for k in range(rng.randint(1, 6)):
        scale = rng.choice([3, 10, 1000, 10**6])
        standing = rng.sample(abbrs, rng.randint(1, len(abbrs)))
        votes = {a: rng.randint(0, scale) for a in standing}
        if rng.random() < 0.3 and len(standing) > 1:  # equal votes: ties
            votes[standing[1]] = votes[standing[0]]
        units.append(unit(f"D{k}", rng.randint(0 if k else 1, 12), votes))
    seats = sum(u.seats or 0 for u in units)
    body = "\n".join(x for x in (rng.choice(SELECTED), rng.choice(EXEMPT), f"allocate {rng.choice(LR)}",
                                 rng.choice(CAPS)) if x)
    chamber = rules(body, seats, rng.choice(["ties more_votes then lot seed 3", "ties lot seed 4",
                                               "ties registration_order"]))
    e = election(units)
    lists = tuple(dataclass_replace(x, tags=frozenset(rng.sample(["coalition", "minority"], rng.randint(0, 1))),
                                    coalition_size=rng.choice([None, 1, 2, 3])) for x in e.lists)
    return chamber, Election(lists=lists, units=e.units, totals=e.totals)


def dataclass_replace(x: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(x, **changes)


@pytest.mark.parametrize("seed", range(6))
def test_random_tagged_exempt_and_largest_remainder(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(100 + seed)
    ran = 0
    for _ in range(25):
        chamber, e = tagged_case(rng)
        ran += same_as_pipeline(chamber, e, monkeypatch)
    assert ran >= 15


def _tagged(e: Election, tags: dict[str, str]) -> Election:
    lists = tuple(dataclass_replace(x, tags=frozenset([tags[x.abbr]]) if x.abbr in tags else frozenset())
                  for x in e.lists)
    return Election(lists=lists, units=e.units, totals=e.totals)


SECOND_SCRUTINY = (
    'chamber "c" seats 9\ndistricts seats 9\n'
    'tier "first" in each district {\nthreshold 5% of valid_votes nationally\n'
    "allocate largest_remainder quota imperiali rounded nearest integer parts only\n"
    "ties more_votes then lot seed 1\n}\n"
    'tier "second" seats unfilled in tier "first" {\nvotes remainders of tier "first"\n'
    "allocate largest_remainder quota hagenbach_bischoff rounded nearest\n"
    'place in each district by remainders of tier "first"\nties more_votes then lot seed 1\n}\n')

TAGGED = {
    # an exempt list below the threshold, one with no vote (not freed), one above it anyway
    "exempt": (rules("threshold 5% of valid_votes\nexempt lists tagged minority from thresholds\nallocate dhondt", 7),
               _tagged(election([unit("A", 4, {"X": 900, "M": 30, "Y": 70}), unit("B", 3, {"X": 50, "M": 0, "Y": 50}),
                                 unit("C", 0, {"M": 5})]), {"M": "minority"})),
    "exempt above": (rules("threshold 5% of valid_votes\nexempt lists tagged minority from thresholds\nallocate dhondt",
                           3), _tagged(election([unit("A", 3, {"X": 500, "M": 500})]), {"M": "minority"})),
    # a national threshold for coalitions only, exactly at its cut
    "for coalitions": (rules("threshold 8% of valid_votes nationally for lists tagged coalition\nallocate dhondt", 6),
                       _tagged(election([unit("A", 3, {"X": 46, "K": 8}), unit("B", 3, {"X": 46, "K": 0})]),
                               {"K": "coalition"})),
    # equal remainders across districts: the lot goes on; Hare, Droop; a remainder tie with the cut
    "remainders tied": (rules("allocate largest_remainder quota hare", 5, "ties lot seed 9"),
                        election([unit("A", 2, {"X": 5, "Y": 5, "Z": 5}),
                                  unit("B", 3, {"X": 1, "Y": 1, "Z": 1, "W": 1})])),
    "droop": (rules("threshold 2% of valid_votes\nallocate largest_remainder quota droop", 8),
              election([unit("A", 8, {"X": 4000, "Y": 2500, "Z": 1500, "W": 100})])),
    # integer parts only, then a national second scrutiny of the remainders placed back into the districts
    "second scrutiny": (hemicycle.loads(SECOND_SCRUTINY, "t.elect").model,
                        election([unit("A", 4, {"X": 400, "Y": 330, "Z": 270}),
                                  unit("B", 3, {"X": 100, "Y": 250, "Z": 150}),
                                  unit("C", 2, {"X": 1, "Y": 1, "Z": 1})])),
    # a cap that binds in one district and leaves seats vacant in another (every list full)
    "cap": (rules("threshold 5% of valid_votes\nallocate dhondt\ncap 2 seats per list", 8),
            election([unit("A", 5, {"X": 900, "Y": 60, "Z": 40}), unit("B", 3, {"X": 10, "Y": 0})])),
    "cap lr": (rules("exempt lists tagged minority from thresholds\nthreshold 10% of valid_votes\n"
                     "allocate largest_remainder quota hare\ncap 3 seats per list", 9),
               _tagged(election([unit("A", 9, {"X": 700, "Y": 200, "M": 60, "Z": 40})]), {"M": "minority"})),
    "one seat lr": (rules("allocate largest_remainder quota hare", 2),
                    election([unit("A", 1, {"X": 4, "Y": 4}), unit("B", 1, {"X": 1, "Y": 9})])),
}


@pytest.mark.parametrize("case", list(TAGGED))
def test_constructed_exempt_and_largest_remainder(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chamber, e = TAGGED[case]
    assert same_as_pipeline(chamber, e, monkeypatch)


@pytest.mark.parametrize("rules_file, votes", [("poland-2019", "poland-2019"), ("poland-2019", "poland-2023"),
                                               ("czech-2021", "czech-2021"), ("finland-2019", "finland-2019")])
def test_bundled_records_of_the_other_shapes(rules_file: str, votes: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from hemicycle.api import resolve_election
    from hemicycle.votes import load_votes

    assert same_as_pipeline(hemicycle.load(rules_file).model, load_votes(resolve_election(votes)), monkeypatch)
