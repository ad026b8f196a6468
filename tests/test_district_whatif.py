"""What-ifs on vote files with districts: swings in every district or one, and the votes a list
needs in one district to win or lose a seat (hemicycle.district_whatif through derived.derive_units
and the one Seats evaluator)."""

from __future__ import annotations

import json
import random
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle import model as m
from hemicycle.analyses import as_election, as_rules
from hemicycle.api import locate_election
from hemicycle.cli import app
from hemicycle.derived import Seats, WhatIfError, derive_units, vote_units
from hemicycle.district_margins import DistrictMargin
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.grammar.parser import parse_rules
from hemicycle.interpreter import allocate
from hemicycle.votes import read_vote_file
from hemicycle.whatif import apply_swings, seat_margins

# (vote file, rule file) of the districted records the what-ifs are run on
RECORDS = [("spain-2015", "spain-1986"), ("poland-2019", "poland-2019"), ("czech-2021", "czech-2021"),
           ("finland-2019", "finland-2019"), ("denmark-2015", "denmark-2015")]


def official(name: str) -> dict[tuple[str, str], dict[str, int]]:
    vf = read_vote_file(locate_election(name).path)
    out: dict[tuple[str, str], dict[str, int]] = {}
    for level, unit, abbr, seats in vf.official_units:
        if abbr is not None and seats:
            out.setdefault((level, unit), {})[abbr] = seats
    return out


def per_unit(rules: object, election: Election) -> dict[tuple[str, str], dict[str, int]]:
    result = allocate(as_rules(rules).model, election, explain=False)  # type: ignore[arg-type]
    return {(u.level, u.name): {a: n for a, n in u.seats.items() if n} for u in result.districts}


def small() -> Election:
    """Two districts of 3 and 2 seats; A and B stand in both, C in North only."""
    units = (Unit(name="North", seats=3, votes={"A": 500, "B": 300, "C": 200}, totals={"valid": 1000, "blank": 10}),
             Unit(name="South", seats=2, votes={"A": 100, "B": 400}, totals={"valid": 500}))
    lists = (ListEntry(abbr="A", votes=600, registration_order=1), ListEntry(abbr="B", votes=700, registration_order=2),
             ListEntry(abbr="C", votes=200, registration_order=3))
    return Election(lists=lists, units=units, totals={"valid": 1500, "blank": 10})


RULES = """chamber "Small" seats 5
districts seats 5
tier "list" in each district {
  threshold 5% of valid_votes
  allocate dhondt
  ties registration_order
}
"""


@pytest.fixture
def small_rules(tmp_path: Path) -> str:
    path = tmp_path / "small.elect"
    path.write_text(RULES, "utf-8")
    return str(path)


# --- derive_units --------------------------------------------------------------------------------


def test_derive_units_keeps_every_figure_consistent() -> None:
    e = small()
    d = derive_units(e, {("district", "North"): {"A": 450, "B": 300, "C": 260}})
    north = d.tree.unit("district", "North")
    assert north is not None and north.votes == {"A": 450, "B": 300, "C": 260}
    assert north.totals == {"valid": 1010, "blank": 10}  # valid moves with the list votes, blank stays
    assert [x.votes for x in d.lists] == [550, 700, 260]
    assert d.totals == {"valid": 1510, "blank": 10}
    assert derive_units(e, {}) == e


def test_derive_units_refuses_a_list_that_did_not_stand() -> None:
    with pytest.raises(ValueError, match="the same lists stand there"):
        derive_units(small(), {("district", "South"): {"A": 100, "B": 400, "C": 5}})


def test_derive_units_moves_the_units_above() -> None:
    e = as_election("denmark-2015")
    leaf = vote_units(e)[0]
    assert leaf.level == "district" and leaf.parent is not None
    abbr = next(iter(leaf.votes))
    d = derive_units(e, {(leaf.level, leaf.name): {**leaf.votes, abbr: leaf.votes[abbr] + 1000}})
    up = d.tree.unit("province", leaf.parent)
    old = e.tree.unit("province", leaf.parent)
    assert up is not None and old is not None and up.votes[abbr] == old.votes[abbr] + 1000
    assert up.totals.get("valid", 0) == old.totals.get("valid", 0) + (1000 if "valid" in old.totals else 0)
    assert d.lists[e.abbrs.index(abbr)].votes == e.lists[e.abbrs.index(abbr)].votes + 1000


@pytest.mark.parametrize("votes, rules", RECORDS[:3])
def test_the_seats_evaluator_agrees_with_the_interpreter_on_changed_districts(votes: str, rules: str) -> None:
    e = as_election(votes)
    r = as_rules(rules)
    seats = Seats(r.model, e)
    units = vote_units(e)
    rng = random.Random(7)
    for _ in range(12):
        changes = {}
        for u in rng.sample(units, rng.choice([1, 2])):
            a = rng.choice(list(u.votes))
            changes[(u.level, u.name)] = {**u.votes, a: max(0, u.votes[a] + rng.randint(-u.votes[a], 50_000))}
        national, by_unit = seats.units_with(changes)
        derived = derive_units(e, changes)
        result = allocate(r.model, derived, explain=False)
        assert national == tuple(result.seats[x.abbr] for x in e.lists)
        expected = per_unit(rules, derived)
        assert by_unit == {k: v for k, v in expected.items() if k in by_unit}


# --- swings --------------------------------------------------------------------------------------


@pytest.mark.parametrize("votes, rules", RECORDS)
def test_a_zero_swing_gives_the_official_seats_in_every_district(votes: str, rules: str) -> None:
    e = as_election(votes)
    abbr = max(e.lists, key=lambda x: x.votes).abbr
    swung = apply_swings(e, [f"{abbr}=+0%"])
    assert swung.units == e.units and swung.lists == e.lists
    got = per_unit(rules, swung)
    for key, seats in official(votes).items():
        if key in got:
            assert got[key] == seats, key
    assert apply_swings(e, [f"{abbr}=+0"]).units == e.units


def test_a_uniform_swing_moves_the_share_in_every_district() -> None:
    e = small()
    d = apply_swings(e, ["C=+10%"])
    north = d.tree.unit("district", "North")
    assert north is not None and north.votes["C"] == 300 and sum(north.votes.values()) == 1000
    south = d.tree.unit("district", "South")
    assert south is not None and south.votes == {"A": 100, "B": 400}  # C did not stand there
    assert d.lists[2].votes == 300 and d.totals["valid"] == 1500


def test_a_swing_in_one_named_district() -> None:
    e = small()
    d = apply_swings(e, ["A=+100@South"])
    assert d.tree.unit("district", "North") == e.tree.unit("district", "North")
    south = d.tree.unit("district", "South")
    assert south is not None and south.votes == {"A": 200, "B": 400} and south.totals == {"valid": 600}
    assert d.lists[0].votes == 700 and d.totals["valid"] == 1600
    with pytest.raises(WhatIfError, match=r'no unit is called .Sout.; did you mean "South"'):
        apply_swings(e, ["A=+1@Sout"])
    with pytest.raises(WhatIfError, match="C did not stand in South"):
        apply_swings(e, ["C=+1%@South"])


def test_a_vote_swing_is_spread_in_proportion_and_a_share_stops_at_zero() -> None:
    e = small()
    d = apply_swings(e, ["A=-300"])  # 500 : 100 -> 250 and 50
    assert [u.votes["A"] for u in vote_units(d)] == [250, 50] and d.lists[0].votes == 300
    with pytest.raises(WhatIfError, match="A has only 600 votes"):
        apply_swings(e, ["A=-601"])
    d = apply_swings(e, ["A=-15%"])  # 50% in North -> 35%; 20% in South -> 5%
    assert [u.votes["A"] for u in vote_units(d)] == [350, 25]
    d = apply_swings(e, ["A=-30%"])
    assert [u.votes["A"] for u in vote_units(d)] == [200, 0]
    assert any("stopped at 0% in 1 district (South)" in n for n in d.notes)


def test_a_uniform_swing_on_a_real_record_keeps_each_district_total() -> None:
    e = as_election("spain-2015")
    d = apply_swings(e, ["PP=+2%"])
    for old, new in zip(vote_units(e), vote_units(d), strict=True):
        assert sum(old.votes.values()) == sum(new.votes.values()) and old.totals == new.totals
    assert allocate(as_rules("spain-1986").model, d, explain=False).seats["PP"] > 123


# --- margins -------------------------------------------------------------------------------------


def check_margins_flip(rules: str, e: Election, abbrs: list[str] | None = None) -> None:
    """Each margin, applied in its district, really changes the list's seats (interpreter), and one
    vote fewer does not."""
    r = as_rules(rules)
    now = allocate(r.model, e, explain=False).seats
    for mg in seat_margins(r, e, abbrs):
        assert mg.districts, mg.abbr
        gains = [d.gain for d in mg.districts if d.gain is not None]
        assert gains == sorted(gains) and (mg.gain == (gains[0] if gains else None))
        for dm in mg.districts[:2]:
            unit = e.tree.unit(dm.level, dm.district)
            assert unit is not None
            for amount, sign, moved in ((dm.gain, 1, lambda s, n: s > n), (dm.lose, -1, lambda s, n: s < n)):
                if amount is None:
                    continue
                for k, flips in ((amount, True), (amount - 1, False)):
                    moved_votes = {**unit.votes, mg.abbr: unit.votes[mg.abbr] + sign * k}
                    d = derive_units(e, {(dm.level, dm.district): moved_votes})
                    seats = allocate(r.model, d, explain=False).seats[mg.abbr]
                    assert moved(seats, now[mg.abbr]) is flips or k == 0, (mg.abbr, dm.district, k)


def test_margins_on_constructed_districts(small_rules: str) -> None:
    e = small()
    margins = seat_margins(as_rules(small_rules), e)
    by = {mg.abbr: mg for mg in margins}
    assert [(d.district, d.votes) for d in by["C"].districts] == [("North", 200)]
    assert by["A"].to_json()["gain_district"] == by["A"].gain_district
    check_margins_flip(small_rules, e)


@pytest.mark.parametrize("votes, rules, abbrs", [("spain-2015", "spain-1986", ["PP", "Cs", "EAJ-PNV"]),
                                                ("poland-2019", "poland-2019", ["PiS", "KO"]),
                                                ("finland-2019", "finland-2019", ["KOK", "VIHR"])])
def test_margins_on_real_records_flip_the_seat(votes: str, rules: str, abbrs: list[str] | None) -> None:
    e = as_election(votes)
    assert set(abbrs or []) <= set(e.abbrs)
    check_margins_flip(rules, e, abbrs)



def _admitted(result: object) -> frozenset[str]:
    """The lists admitted in any district (the national verdicts, where the rules have them)."""
    return frozenset(a for u in result.districts for t in u.tiers for a in t.admitted)  # type: ignore[attr-defined]


def check_every_margin(rules: str, votes: str, national: bool) -> None:
    """Every list x district margin, applied there, changes the list's seats in the interpreter and
    one vote fewer does not; a margin of None is checked at the most there is (all the list's
    votes there lost; for a gain: it holds every seat there).

    The districts' seats depend only on their own figures and the national verdicts, so one
    interpreter run checks one margin in every district at once (round r: the r-th list of each
    district) when the run's national verdicts are the election's; ``national`` rules whose
    verdicts moved in a round are checked margin by margin on the national seats."""
    r, e = as_rules(rules), as_election(votes)
    assert national or all(th.scope is not m.Scope.NATION for t in r.model.tiers for th in t.thresholds)
    first = allocate(r.model, e, explain=False)
    base, now, verdicts = per_unit(r, e), first.seats, _admitted(first)
    magnitudes = {(u.level, u.name): u.magnitude for u in first.districts}
    units = {(u.level, u.name): u for u in vote_units(e)}
    rounds: dict[int, list[tuple[tuple[str, str], str, int, str]]] = {}
    count = 0
    for mg in seat_margins(r, e):
        by_unit: dict[tuple[str, str], DistrictMargin] = {(d.level, d.district): d for d in mg.districts}
        assert set(by_unit) == {k for k, u in units.items() if mg.abbr in u.votes}, mg.abbr
        for key, dm in by_unit.items():
            count += 1
            if dm.gain is None:
                assert base.get(key, {}).get(mg.abbr, 0) == magnitudes[key] or national, (mg.abbr, key)
            rounds.setdefault(list(units[key].votes).index(mg.abbr), []).extend(
                [(key, mg.abbr, dm.gain, "gain")] if dm.gain is not None else [])
            if now[mg.abbr] > 0:
                lost = dm.lose if dm.lose is not None else dm.votes
                kind = "lose" if dm.lose else "keep"
                rounds[list(units[key].votes).index(mg.abbr)].append((key, mg.abbr, lost, kind))
    assert count == sum(len(u.votes) for u in units.values())
    for items in rounds.values():
        for kind in ("gain", "lose", "keep"):
            batch = [it for it in items if it[3] == kind]
            for fewer in ((0, 1) if kind != "keep" else (0,)):
                _check_round(r, e, batch, fewer, base, now, verdicts, national)


def _check_round(r: object, e: Election, batch: list[tuple[tuple[str, str], str, int, str]], fewer: int,
                 base: dict[tuple[str, str], dict[str, int]], now: dict[str, int], verdicts: frozenset[str],
                 national: bool) -> None:
    if not batch:
        return
    units = {(u.level, u.name): u for u in vote_units(e)}

    def changes(items: list[tuple[tuple[str, str], str, int, str]]) -> dict[tuple[str, str], dict[str, int]]:
        out = {}
        for key, abbr, amount, kind in items:
            sign = 1 if kind == "gain" else -1
            out[key] = {**units[key].votes, abbr: units[key].votes[abbr] + sign * (amount - fewer)}
        return out

    def flipped(before: int, after: int, kind: str) -> bool:
        return after > before if kind == "gain" else after < before

    result = allocate(r.model, derive_units(e, changes(batch)), explain=False)  # type: ignore[attr-defined]
    alone = batch
    if _admitted(result) == verdicts or not national:
        # a lot is drawn on from district to district: where one was drawn, one margin at a time
        lots = {t.district for t in result.ties if t.resolved_by.startswith("lot")}
        got = {(u.level, u.name): u.seats for u in result.districts}
        alone = [it for it in batch if it[0][1] in lots]
        for key, abbr, amount, kind in batch:
            if key[1] not in lots:
                flips = kind != "keep" and fewer == 0
                assert flipped(base[key].get(abbr, 0), got[key].get(abbr, 0), kind) is flips, (abbr, key, kind, amount)
    for item in alone:  # a national verdict moved or a lot was drawn: one margin at a time, the national seats
        key, abbr, amount, kind = item
        seats = allocate(r.model, derive_units(e, changes([item])), explain=False).seats[abbr]  # type: ignore[attr-defined]
        assert flipped(now[abbr], seats, kind) is (kind != "keep" and fewer == 0), (abbr, key, kind, amount)


@pytest.mark.parametrize("votes, rules, national", [("spain-2015", "spain-1986", False),
                                                     ("finland-2019", "finland-2019", False),
                                                     ("poland-2019", "poland-2019", True)])
def test_every_margin_of_every_list_in_every_district_flips_the_seat(votes: str, rules: str, national: bool) -> None:
    check_every_margin(rules, votes, national)


SMALL_JSON = {"election": "small", "parties": [{"abbr": "A"}, {"abbr": "B"}, {"abbr": "C"}],
              "districts": [{"name": "North", "seats": 3, "totals": {"valid": 1000, "blank": 10},
                             "parties": [{"abbr": "A", "votes": 500}, {"abbr": "B", "votes": 300},
                                         {"abbr": "C", "votes": 200}]},
                            {"name": "South", "seats": 2, "totals": {"valid": 500},
                             "parties": [{"abbr": "A", "votes": 100}, {"abbr": "B", "votes": 400}]}]}


def test_margins_and_swings_on_the_command_line(small_rules: str, tmp_path: Path) -> None:
    votes = tmp_path / "small.json"
    votes.write_text(json.dumps(SMALL_JSON), "utf-8")
    run = CliRunner().invoke
    r = run(app, ["compare", small_rules, "--votes", str(votes), "--swing", "A=+1%", "--swing", "B=-50@South",
                  "--margins", "--no-properties", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    margins = next(iter(data["margins"].values()))
    a = next(mg for mg in margins if mg["abbr"] == "A")
    assert a["gain_district"] == a["districts"][0]["district"]
    assert {"district", "level", "votes", "votes_to_gain_a_seat", "votes_to_lose_a_seat"} <= set(a["districts"][0])
    r = run(app, ["compare", small_rules, "--votes", str(votes), "--margins", "--no-properties", "-q"])
    assert r.exit_code == 0 and (" in North" in r.stdout or " in South" in r.stdout), r.output
    r = run(app, ["compare", small_rules, "--votes", str(votes), "--swing", "A=+1%@Nowhere", "--no-properties", "-q"])
    assert r.exit_code == 2 and "no unit is called" in r.output


def test_margins_frame_per_district() -> None:
    pytest.importorskip("pandas")
    e = small()
    rules = as_rules(parse_rules(RULES, "small.elect"))
    df = seat_margins(rules, e).to_pandas(districts=True)
    assert list(df.columns)[:6] == ["rules", "abbr", "seats", "district", "level", "votes"]
    assert len(df) == 5  # A and B in two districts, C in one
    assert "gain_district" in seat_margins(rules, e).to_pandas().columns



# --- seat-vote curves ----------------------------------------------------------------------------


def check_curve(text: str, e: Election, abbr: str, randoms: int = 40) -> int:
    """The curve's seats agree with the interpreter at every breakpoint, just beside each, half way
    between each two and at random shares (the votes scaled in every district as DistrictCurve
    says); the number of breakpoints."""
    from fractions import Fraction

    from hemicycle.district_whatif import DistrictCurve
    from hemicycle.whatif import seat_vote_curve

    rules = as_rules(parse_rules(text, "curve.elect"))
    curve = seat_vote_curve(rules, e, abbr)
    exact = DistrictCurve(rules.model, e, abbr)
    assert curve.at[Fraction(0)] == 0
    points = [x for x, _, _ in curve.breakpoints()]
    edges = [Fraction(0), *points, Fraction(1)]
    rng = random.Random(3)
    eps = Fraction(1, 10**9)
    probes = [*points, *(x + eps for x in points), *(x - eps for x in points),
              *((a + b) / 2 for a, b in pairwise(edges)),
              *(Fraction(rng.randint(1, 10**6 - 1), 10**6) for _ in range(randoms))]
    for x in probes:
        seats = allocate(rules.model, exact.election_at(x), explain=False).seats[abbr]
        assert curve.seats_at(x) == seats, (abbr, x, text)
    now = Fraction(e.lists[e.abbrs.index(abbr)].votes, e.list_votes)
    assert curve.seats_at(now) == allocate(rules.model, e, explain=False).seats[abbr]
    return len(points)


LR_RULES = [RULES.replace("allocate dhondt", f"allocate largest_remainder quota {q}")
            for q in ("hare", "hagenbach_bischoff", "imperiali")]


@pytest.mark.parametrize("text", [RULES, *LR_RULES])
def test_a_district_curve_is_exact_on_constructed_districts(text: str) -> None:
    e = small()
    for abbr in ("A", "C"):
        assert check_curve(text, e, abbr), abbr


def test_a_largest_remainder_curve_is_exact_on_random_districted_elections() -> None:
    """Breakpoints where a list's integer part steps or two remainders cross, with district and
    national thresholds and ties, against the interpreter."""
    rng = random.Random(21)
    checked = 0
    while checked < 8:
        text, e = random_districted(rng)
        quota = rng.choice(["hare", "hagenbach_bischoff", "imperiali"])
        text = text.replace(text.split("allocate ")[1].split("\n")[0], f"largest_remainder quota {quota}")
        abbr = max(e.lists, key=lambda x: x.votes).abbr
        if 0 < e.lists[e.abbrs.index(abbr)].votes < e.list_votes:
            check_curve(text, e, abbr, randoms=10)
            checked += 1


def test_the_exact_district_curve_says_what_it_does_not_cover() -> None:
    """Those curves are searched on whole votes instead (tests/test_curve_search.py)."""
    from hemicycle.district_whatif import curve_covered

    with pytest.raises(WhatIfError, match="apportioned by valid_votes"):
        curve_covered(as_rules("czech-2021").model)
    with pytest.raises(WhatIfError, match="does not allocate in each district by itself"):
        curve_covered(as_rules("denmark-2015").model)


def random_districted(rng: random.Random) -> tuple[str, Election]:
    """A random districted election and rules: a divisor method, district and national share
    thresholds or none, tie chains with and without a lot, equal votes to make ties."""
    n_lists, n_units = rng.randint(2, 5), rng.randint(2, 4)
    abbrs = [chr(65 + i) for i in range(n_lists)]
    pool = [rng.randint(0, 3000) for _ in range(4)]  # repeated figures: ties
    units = []
    for k in range(n_units):
        stood = rng.sample(abbrs, rng.randint(2, n_lists))
        votes = {a: rng.choice(pool) if rng.random() < 0.3 else rng.randint(1, 3000) for a in stood}
        blank = rng.randint(0, 200)
        units.append(Unit(name=f"U{k}", seats=rng.randint(1, 7), votes=votes,
                          totals={"valid": sum(votes.values()), "blank": blank}))
    lists = tuple(ListEntry(abbr=a, votes=sum(u.votes.get(a, 0) for u in units), registration_order=i + 1)
                  for i, a in enumerate(abbrs))
    seats = sum(u.seats or 0 for u in units)
    totals = {"valid": sum(u.totals["valid"] for u in units), "blank": sum(u.totals["blank"] for u in units)}
    thresholds = rng.choice(["", "threshold 5% of valid_votes", "threshold 12% of valid_votes_and_blank",
                             "threshold 10% of valid_votes nationally",
                             "threshold 3% of valid_votes\n  threshold 8% of valid_votes nationally"])
    method = rng.choice(["dhondt", "sainte_lague", "modified_sainte_lague", "danish", "imperiali"])
    ties = rng.choice(["registration_order", "more_votes then lot seed 3", "lot seed 2",
                       "fewer_votes then registration_order"])
    rules = (f'chamber "R" seats {seats}\ndistricts seats {seats}\ntier "list" in each district {{\n'
             f'  {thresholds}\n  allocate {method}\n  ties {ties}\n}}\n')
    return rules, Election(lists=lists, units=tuple(units), totals=totals)


def test_the_closed_form_gives_the_searched_margins_on_random_districted_elections() -> None:
    """Every margin of the closed form (each confirmed by the evaluator) is the search's, on random
    elections; and the closed form decides nearly all of them (else it would be the search)."""
    from hemicycle.district_margins import CLOSED_FORM, district_margins

    rng = random.Random(14)
    ways: dict[str | None, int] = {}
    for _ in range(50):
        text, e = random_districted(rng)
        model = parse_rules(text, "random.elect")
        closed = district_margins(model, e)
        searched = district_margins(model, e, closed_form=False)
        shape = [[(a, s, [(d.district, d.gain, d.lose, d.gain_seats) for d in found]) for a, s, found in x]
                 for x in (closed, searched)]
        assert shape[0] == shape[1], text
        for _, _, found in closed:
            for d in found:
                ways[d.gain_by] = ways.get(d.gain_by, 0) + 1
                ways[d.lose_by] = ways.get(d.lose_by, 0) + 1
    decided = ways.get(CLOSED_FORM, 0)
    assert decided >= 0.9 * (decided + ways.get("search", 0)), ways


def test_the_evaluator_draws_a_lot_as_the_interpreter_does() -> None:
    """A tie the chain leaves to the lot in a changed district: Seats.units_with draws it as the
    interpreter does (Soria 2015: PP at Podemos's 8,328 votes for the second seat)."""
    r, e = as_rules("spain-1986"), as_election("spain-2015")
    seats = Seats(r.model, e)
    soria = e.tree.unit("district", "Soria")
    assert soria is not None
    for pp in (8327, 8328, 8329, 16656, 16657):
        changes = {("district", "Soria"): {**soria.votes, "PP": pp}}
        national, by_unit = seats.units_with(changes)
        result = allocate(r.model, derive_units(e, changes), explain=False)
        assert national == tuple(result.seats[x.abbr] for x in e.lists), pp
        assert by_unit[("district", "Soria")] == per_unit(r, derive_units(e, changes))[("district", "Soria")], pp
    assert any(t.resolved_by.startswith("lot") for t in
               allocate(r.model, derive_units(e, {("district", "Soria"): {**soria.votes, "PP": 8328}}),
                        explain=False).ties)
