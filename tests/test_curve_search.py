"""Seat-vote curves on whole votes by search (hemicycle.curve_search): the rounding of each side's
votes (Sainte-Lague, against the seat-by-seat process), every step the search reports against the
interpreter at every vote count of small constructed elections (magnitudes apportioned by votes,
rounded quotas, levelling), and the curve the what-ifs build from it (pieces, gaps, note)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from hemicycle.analyses import as_rules
from hemicycle.curve_search import SEARCH, WholeVoteCurve, searched_steps, webster
from hemicycle.derived import derive_units
from hemicycle.district_whatif import curve_covered
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.grammar.parser import parse_rules
from hemicycle.interpreter import allocate
from hemicycle.interpreter.errors import AllocationError
from hemicycle.whatif import WhatIfError, seat_vote_curve


def seat_by_seat(weights: list[int], total: int) -> list[int]:
    seats = [0] * len(weights)
    for _ in range(total):
        i = max((i for i in range(len(weights)) if weights[i]),
                key=lambda i: (Fraction(weights[i], 2 * seats[i] + 1), -i))
        seats[i] += 1
    return seats


def test_webster_is_the_seat_by_seat_sainte_lague() -> None:
    rng = random.Random(5)
    for _ in range(300):
        weights = [rng.choice([0, rng.randint(1, 40), rng.randint(1, 10**6)]) for _ in range(rng.randint(1, 7))]
        if not any(weights):
            continue
        total = rng.randint(0, 120)
        assert webster(weights, total) == seat_by_seat(weights, total), (weights, total)
    assert webster([7, 7, 7], 2) == [1, 1, 0]  # equal quotients: the first cells gain first
    with pytest.raises(ValueError):
        webster([0, 0], 3)


APPORTIONED = """chamber "Apportioned" seats 9
districts seats 9 {
  apportion by valid_votes largest_remainder quota hare rounded nearest
  ties lot seed 1
}
tier "list" in each district {
  threshold 5% of valid_votes nationally
  allocate largest_remainder quota imperiali rounded nearest
  ties more_votes then lot seed 1
}
"""

LEVELLING = """chamber "Levelled" seats 8
districts seats 6
tier "district seats" in each district {
  allocate modified_sainte_lague first 1.4
  ties more_votes then lot seed 1
}
tier "levelling seats" seats 8 {
  threshold 4% of valid_votes
  levelling against tier "district seats"
  overhang excluded
  allocate modified_sainte_lague first 1.4
  place in each district by sainte_lague after tier "district seats" per votes_per_seat at most 1 per district
  ties more_votes then lot seed 1
}
"""


def election(rng: random.Random, magnitudes: bool) -> Election:
    """Three districts, three or four lists, under 300 votes (every vote count is checked)."""
    abbrs = ["A", "B", "C", "D"][: rng.randint(3, 4)]
    units = []
    for k, seats in enumerate((3, 2, 1) if magnitudes else (None, None, None)):
        votes = {a: rng.randint(1, 25) for a in abbrs if a == "A" or rng.random() < 0.8}
        units.append(Unit(name=f"U{k}", seats=seats if magnitudes else None, votes=votes,
                          totals={"valid": sum(votes.values()), "blank": rng.randint(0, 5)}))
    lists = tuple(ListEntry(abbr=a, votes=sum(u.votes.get(a, 0) for u in units), registration_order=i + 1)
                  for i, a in enumerate(abbrs))
    return Election(lists=lists, units=tuple(units),
                    totals={"valid": sum(u.totals["valid"] for u in units),
                            "blank": sum(u.totals["blank"] for u in units)})


def every_vote(rules: object, curve: WholeVoteCurve) -> list[int | None]:
    """The list's seats at every vote count, by the interpreter on the derived election."""
    out: list[int | None] = []
    for v in range(curve.total + 1):
        try:
            result = allocate(rules.model, derive_units(curve.election, curve.votes_at(v)), explain=False)  # type: ignore[attr-defined]
            out.append(result.seats.get(curve.abbr, 0))
        except AllocationError:
            out.append(None)
    return out


@pytest.mark.parametrize(("text", "magnitudes"), [(APPORTIONED, False), (LEVELLING, True)])
def test_every_step_found_is_exact_and_none_is_missed_where_the_seats_only_rise(text: str, magnitudes: bool) -> None:
    """Each step the search reports is where the interpreter's seats change (at V and not at V - 1);
    where the seats never fall as the list's votes rise, the steps are all the changes there are."""
    rules = as_rules(parse_rules(text, "curve.elect"))
    with pytest.raises(WhatIfError):
        curve_covered(rules.model)  # the exact share curve does not cover these
    rng = random.Random(8 if magnitudes else 9)
    complete = 0
    for _ in range(6):
        e = election(rng, magnitudes)
        found, _, steps = searched_steps(rules.model, e, "A", grid=16)
        truth = every_vote(rules, found)
        changes = [(v, truth[v - 1], truth[v]) for v in range(1, len(truth)) if truth[v] != truth[v - 1]]
        assert set(steps) <= set(changes), text
        rises = all(b is not None and a is not None and b >= a for _, a, b in changes)
        if rises:
            assert steps == changes, text
            complete += 1
    assert complete >= 2  # the completeness claim is tested (tiny elections often fall somewhere)


def test_votes_at_keeps_each_side_and_each_district_in_proportion() -> None:
    e = election(random.Random(2), True)
    rules = parse_rules(LEVELLING, "curve.elect")
    curve = WholeVoteCurve(rules, e, "A")
    for v in (0, 1, curve.own, curve.total // 2, curve.total):
        rows = curve.votes_at(v)
        assert sum(row["A"] for row in rows.values()) == v
        assert sum(n for row in rows.values() for a, n in row.items() if a != "A") == curve.total - v
        assert all(set(row) == set(u.votes) for row, u in zip(rows.values(), e.units, strict=True))
    assert curve.votes_at(curve.own) == {(u.level, u.name): u.votes for u in e.units}  # the election itself


def test_the_curve_of_rules_the_closed_form_does_not_cover_is_searched() -> None:
    rules = as_rules(parse_rules(LEVELLING, "curve.elect"))
    e = election(random.Random(4), True)
    curve = seat_vote_curve(rules, e, "A")
    assert curve.found_by == SEARCH and "every step exact to the vote" in curve.note
    data = curve.to_json()
    assert data["found_by"] == SEARCH and data["note"] == curve.note
    found = WholeVoteCurve(rules.model, e, "A")
    truth = every_vote(rules, found)
    assert curve.at[Fraction(0)] == truth[0] and curve.at[Fraction(1)] == truth[-1]
    for x, below, above in curve.breakpoints():
        v = x * found.total
        assert v.denominator == 1 and (truth[int(v) - 1], truth[int(v)]) == (below, above)
        assert curve.at[x] == above


def test_a_vote_count_the_rules_cannot_allocate_is_a_gap_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = as_rules(parse_rules(LEVELLING, "curve.elect"))
    e = election(random.Random(4), True)
    total = WholeVoteCurve(rules.model, e, "A").total
    real = WholeVoteCurve.seats_at

    def failing(self: WholeVoteCurve, votes: int) -> int | None:
        if total // 3 <= votes <= total // 2:
            self.memo[votes] = None
            self.failures[votes] = f"no seat can be placed at {votes}"
            return None
        return real(self, votes)

    monkeypatch.setattr(WholeVoteCurve, "seats_at", failing)
    curve = seat_vote_curve(rules, e, "A")
    [(start, end, why)] = curve.gaps
    assert (start, end) == (Fraction(total // 3, total), Fraction(total // 2, total))
    assert why == f"no seat can be placed at {total // 3}"
    assert all(p.end <= start or p.start >= end for p in curve.pieces)
    assert curve.to_json()["gaps"][0]["reason"] == why
    assert all(x != end for x, _, _ in curve.breakpoints())  # no breakpoint across the gap
