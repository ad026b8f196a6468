"""The Bundestag law of 2005 (rules/germany-2005.elect) on constructed votes: Hare-Niemeyer above,
Hare-Niemeyer to the Land lists, constituency seats kept Land by Land (overhang, not compensated);
and the placement of an entitlement by largest remainder ('place ... by largest_remainder ... of
entitlement')."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hemicycle
from hemicycle.diagnostics import RuleError
from hemicycle.election import Candidate, Election, ListEntry, Unit
from hemicycle.interpreter import allocate

ROOT = Path(__file__).resolve().parent.parent


def _law(house: int = 10, constituencies: int = 5) -> Any:
    text = (ROOT / "rules/germany-2005.elect").read_text("utf-8")
    assert text.count("seats 598") == 2 and "seats 299" in text
    return hemicycle.grammar.parse_rules(text.replace("seats 598", f"seats {house}")
                                         .replace("seats 299", f"seats {constituencies}"), "<test>")


def _seat(name: str, state: str, **votes: int) -> Unit:
    return Unit(name=name, level="constituency", parent=state, seats=1, totals={"valid": sum(votes.values())},
                candidates=tuple(Candidate(name=f"{a} candidate", party=a, votes=v) for a, v in votes.items()))


def _election(south: tuple[Unit, Unit]) -> Election:
    units = [Unit(name="N", level="state", votes={"A": 400, "B": 350, "C": 250}),
             Unit(name="S", level="state", votes={"A": 310, "B": 200, "C": 100}),
             _seat("N1", "N", A=50, B=30), _seat("N2", "N", A=40, C=35), _seat("N3", "N", A=45, B=44), *south]
    lists = tuple(ListEntry(abbr=a, votes=v, registration_order=k + 1)
                  for k, (a, v) in enumerate({"A": 710, "B": 550, "C": 350}.items()))
    return Election(lists=lists, units=tuple(units))


def test_hare_niemeyer_above_and_to_the_land_lists_with_overhang_kept() -> None:
    r = allocate(_law(), _election((_seat("S1", "S", A=30, B=20), _seat("S2", "S", A=25, C=10))))
    # 10 seats: A 4.41, B 3.42, C 2.17 -> A 4, B 4, C 2; A's 4 to N 2.25 and S 1.75 -> N 2, S 2
    assert r.tiers[1].entitlement == {"A": 4, "B": 4, "C": 2}
    states = {u.name: dict(u.seats) for u in r.districts if u.level == "state"}
    # A won 3 constituencies in N (share 2): it keeps them; in S its 2 constituencies fill its share
    assert states["N"] == {"A": 3, "B": 3, "C": 1} and states["S"] == {"A": 2, "B": 1, "C": 1}
    assert r.seats == {"A": 5, "B": 4, "C": 2} and r.total == 11 and r.tiers[1].overhang == 1


def test_overhang_is_decided_land_by_land_not_on_the_national_total() -> None:
    # A wins 3 of N's constituencies and none of S's: nationally 3 < its entitlement of 4, but in N
    # 3 > its share of 2: it keeps them and still gets its 2 list seats in S
    r = allocate(_law(), _election((_seat("S1", "S", A=10, B=20), _seat("S2", "S", A=5, C=10))))
    states = {u.name: dict(u.seats) for u in r.districts if u.level == "state"}
    assert states["N"]["A"] == 3 and states["S"]["A"] == 2
    assert r.seats["A"] == 5 and r.total == 11 and r.tiers[1].overhang == 1
    assert "it keeps them (1 overhang)" in r.explain()


@pytest.mark.parametrize("option", ['after tier "c"', "in turn", 'at least tier "c"'])
def test_largest_remainder_places_only_a_whole_entitlement(option: str) -> None:
    text = ('chamber "C" seats 4\ndistricts "constituency" seats 2\ntier "c" in each "constituency" {\n'
            '  allocate dhondt\n}\ntier "t" seats 4 {\n  levelling against tier "c"\n  overhang kept\n'
            '  allocate sainte_lague\n'
            f'  place in each "state" by largest_remainder quota hare of entitlement {option}\n}}\n')
    with pytest.raises(RuleError, match="largest remainder method only splits an entitlement"):
        hemicycle.grammar.parse_rules(text, "<test>")
