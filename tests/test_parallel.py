"""Parallel tiers: single-member seats 'elected by plurality' or with the 'winners given' by the
vote file, beside an independent list tier (Kazakhstan 2023 as one whole chamber), on constructed
votes: no record of the 2023 constituency results is stored (see rules/kazakhstan-2023-chamber.elect)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.diagnostics import RuleError
from hemicycle.interpreter import AllocationError, TieError
from hemicycle.votes import VoteFileError, parse_vote_file

ROOT = Path(__file__).resolve().parent.parent
CHAMBER = ROOT / "rules" / "kazakhstan-2023-chamber.elect"
RECORD = json.loads((ROOT / "elections" / "kazakhstan-2023.json").read_text("utf-8"))
LISTS = {p["abbr"]: p["votes"] for p in RECORD["parties"]}
OFFICIAL_LIST_SEATS = {p["abbr"]: p["seats"] for p in RECORD["parties"]}
INDEPENDENTS = [f"IND:C{k}" for k in range(23, 28)]


def _winner_of(k: int) -> str:
    """Who wins constituency k: Amanat 1-22, an independent 23-27, Baytaq (below the list
    threshold) 28, Auyl 29."""
    if k <= 22:
        return "Amanat"
    if k <= 27:
        return f"IND:C{k}"
    return "Baytaq" if k == 28 else "Auyl"


def _constituency(k: int) -> dict[str, Any]:
    first = _winner_of(k)
    field = ([first] + [a for a in ("Amanat", "Auyl", "Respublica") if a != first])[:3]
    votes = [40_000 + 17 * k, 31_000 + k, 9_000]
    cands = [{"name": f"Candidate {k}-{a}", "party": a, "votes": v} for a, v in zip(field, votes, strict=True)]
    return {"name": f"Constituency {k}", "level": "constituency", "seats": 1,
            "totals": {"valid": sum(votes)}, "candidates": cands}


def _file() -> dict[str, Any]:
    parties = [{"abbr": p["abbr"], "name": p["name"], "votes": p["votes"]} for p in RECORD["parties"]]
    parties += [{"abbr": a, "name": f"{a[4:]} (independent)", "votes": 0} for a in INDEPENDENTS]
    totals = {k: RECORD["totals"][k] for k in ("registered", "ballots_cast", "invalid", "valid", "against_all")}
    return {"election": "constructed: Mazhilis 2023 list votes with constructed constituencies", "seats": 98,
            "parties": parties, "totals": totals, "districts": [_constituency(k) for k in range(1, 30)]}


def _votes(data: dict[str, Any]) -> Any:
    return parse_vote_file(json.dumps(data), "constructed.json").election


def _rules(text: str | None = None) -> Any:
    return hemicycle.loads(text if text is not None else CHAMBER.read_text("utf-8"), str(CHAMBER))


def test_the_whole_chamber_is_the_sum_of_the_list_tier_and_the_constituencies() -> None:
    result = _rules().allocate(_votes(_file()))
    constituencies, lists = result.tiers
    assert lists.seats == {**dict.fromkeys(LISTS, 0), **OFFICIAL_LIST_SEATS, **dict.fromkeys(INDEPENDENTS, 0)}
    assert constituencies.seats == {**dict.fromkeys(LISTS, 0), "Amanat": 22, "Baytaq": 1, "Auyl": 1,
                                    **dict.fromkeys(INDEPENDENTS, 1)}
    assert result.seats == {"Amanat": 62, "Auyl": 9, "Respublica": 6, "AkZhol": 6, "QHP": 5, "OSDP": 4, "Baytaq": 1,
                            **dict.fromkeys(INDEPENDENTS, 1)}
    assert result.total == 98 and sum(result.seats.values()) == 98


def test_the_list_tier_is_that_of_the_list_only_file_and_reads_no_constituency_seat() -> None:
    data = _file()
    alone = hemicycle.load(ROOT / "rules" / "kazakhstan-2023.elect").allocate(
        parse_vote_file(json.dumps(RECORD), "kazakhstan-2023.json").election)
    assert {a: n for a, n in alone.tiers[0].seats.items()} == OFFICIAL_LIST_SEATS
    swept = copy.deepcopy(data)  # Amanat wins all 29: the list seats do not move (no compensation)
    for unit in swept["districts"]:
        unit["candidates"][0]["votes"] = 10**6 if unit["candidates"][0]["party"] == "Amanat" else 0
        first = next(c for c in unit["candidates"] if c["party"] == "Amanat")
        first["votes"] = 10**6
        unit["totals"]["valid"] = sum(c["votes"] for c in unit["candidates"])
    both = [_rules().allocate(_votes(d)) for d in (data, swept)]
    assert both[0].tiers[1].seats == both[1].tiers[1].seats
    assert both[1].seats["Amanat"] == 40 + 29 and both[1].total == 98


def test_the_protocol_names_each_winner_their_share_and_lead() -> None:
    text = _rules().allocate(_votes(_file())).explain()
    assert ("Elected by plurality: Candidate 28-Baytaq (Baytaq) with 40,476 of 80,504 votes (50.28%), 9,448 ahead "
            "of the runner-up (31,028)") in text
    assert "kazakhstan-2023-chamber.elect:23 [SailauNews 21.02.2023])" in " ".join(
        _rules().allocate(_votes(_file())).clauses_applied)


def _tied() -> dict[str, Any]:
    data = _file()
    unit = data["districts"][4]
    unit["candidates"][1]["votes"] = unit["candidates"][0]["votes"]
    unit["totals"]["valid"] = sum(c["votes"] for c in unit["candidates"])
    return data


def test_an_equal_first_place_without_a_tie_rule_is_reported_with_the_constituency() -> None:
    with pytest.raises(TieError, match="Constituency 5"):
        _rules().allocate(_votes(_tied()))


def test_an_equal_first_place_is_decided_by_the_tiers_tie_rule_and_said() -> None:
    text = CHAMBER.read_text("utf-8").replace("  elected by plurality", "  elected by plurality\n  ties lot seed 7")
    result = _rules(text).allocate(_votes(_tied()))
    five = next(u for u in result.districts if u.name == "Constituency 5")
    assert sum(five.seats.values()) == 1 and set(k for k, n in five.seats.items() if n) <= {"Amanat", "Auyl"}
    assert [t for t in result.ties if "Constituency 5" in str(t)] and result.total == 98
    again = _rules(text).allocate(_votes(_tied()))  # a seeded draw: the same every time
    assert next(u for u in again.districts if u.name == "Constituency 5").seats == five.seats


def test_a_constituency_without_votes_leaves_its_seat_unfilled() -> None:
    data = _file()
    for c in data["districts"][0]["candidates"]:
        c["votes"] = 0
    data["districts"][0]["totals"]["valid"] = 0
    result = _rules().allocate(_votes(data))
    assert result.total == 97 and result.tiers[0].vacant == 1
    assert "No candidate has a vote: the seat is not filled" in result.explain()


def test_a_constituency_of_two_seats_is_refused_with_its_name() -> None:
    text = CHAMBER.read_text("utf-8").replace("seats 29 ", "seats 30 ").replace("seats 98 ", "seats 99 ")
    data = _file()
    data["districts"][2]["seats"] = 2
    with pytest.raises(AllocationError, match="constituency 'Constituency 3' has 2 seats"):
        _rules(text).allocate(_votes(data))


def _given(keep_candidates: bool) -> dict[str, Any]:
    data = _file()
    for unit in data["districts"]:
        first = unit["candidates"][0]
        unit["winner"] = {"name": first["name"], "party": first["party"]}
        if not keep_candidates:
            del unit["candidates"]
            del unit["totals"]
    return data


@pytest.mark.parametrize("keep", [True, False])
def test_winners_given_by_the_vote_file_give_the_same_chamber(keep: bool) -> None:
    text = CHAMBER.read_text("utf-8").replace("elected by plurality", "winners given")
    result = _rules(text).allocate(_votes(_given(keep)))
    assert result.seats == _rules().allocate(_votes(_file())).seats
    assert "Winner given by the vote file: Candidate 23-IND:C23 (IND:C23)" in result.explain()


def test_winners_given_without_a_winner_is_an_error_naming_the_constituency() -> None:
    text = CHAMBER.read_text("utf-8").replace("elected by plurality", "winners given")
    data = _given(True)
    del data["districts"][6]["winner"]
    with pytest.raises(AllocationError, match="constituency 'Constituency 7' gives no \"winner\""):
        _rules(text).allocate(_votes(data))


def test_a_given_winner_is_official_for_reproduce_and_round_trips() -> None:
    from hemicycle.votes import election_to_json

    vf = parse_vote_file(json.dumps(_given(False)), "t.json")
    assert ("constituency", "Constituency 28", "Baytaq", 1) in vf.official_units
    again = parse_vote_file(json.dumps(election_to_json(vf.election)), "again.json").election
    assert [u.winner for u in again.units] == [u.winner for u in vf.election.units]


@pytest.mark.parametrize("change,message,field", [
    (lambda u: u.update(winner={"name": "Nobody", "party": "Amanat"}), "not one of the candidates", "winner"),
    (lambda u: u.update(winner={"name": "X", "party": "Nope"}), "not one of the file's parties", "winner.party"),
    (lambda u: u.update(winner={"name": "X", "party": "Amanat", "votes": 3}), 'unknown key "votes"', "winner"),
    (lambda u: u.update(winner={"party": "Amanat"}), "the winner needs a name", "winner.name"),
    (lambda u: u.update(winner="Amanat"), r"the winner \(an object", "winner"),
    (lambda u: (u["candidates"][1].update(seats=1), u.update(winner={"name": u["candidates"][0]["name"],
                                                                     "party": u["candidates"][0]["party"]})),
     "the candidates' seats say", "winner"),
    (lambda u: (u.pop("candidates"), u.update(parties=[{"abbr": "Amanat", "votes": 80_000}],
                                              winner={"name": "X", "party": "Amanat"})), "not both", "winner"),
    (lambda u: u["candidates"][0].update(votes=-3), "Constituency 1, Candidate 1-Amanat", "candidates[1].votes"),
    (lambda u: u["totals"].update(valid=5), "valid in Constituency 1 is 5", "totals.valid"),
])
def test_bad_constituency_figures_are_refused_with_the_field_named(change: Any, message: str, field: str) -> None:
    data = _file()
    change(data["districts"][0])
    with pytest.raises(VoteFileError, match=message) as info:
        _votes(data)
    assert f"districts[1].{field}" in str(info.value)


@pytest.mark.parametrize("tier,message", [
    ('tier "s" seats 2 {\n  elected by plurality\n}', "must allocate 'in each' unit"),
    ('tier "s" in each "constituency" {\n  elected by plurality\n  threshold 5% of valid_votes\n}',
     "takes no other clause but 'ties'"),
    ('tier "s" in each "constituency" {\n  elected by plurality\n  allocate dhondt\n}', "no other clause but 'ties'"),
    ('tier "s" in each "constituency" {\n  winners given\n  ties lot\n}', "takes no other clause"),
    ('tier "s" in each "constituency" {\n  winners given\n  elected by plurality\n}', "a second way of filling"),
    ('tier "s" in each "constituency" {\n  elected by majority\n}', "expected"),
])
def test_bad_single_member_clauses_are_refused_with_their_line(tier: str, message: str) -> None:
    with pytest.raises(RuleError) as info:
        hemicycle.loads(f'chamber "c" seats 2\ndistricts "constituency" seats 2\n{tier}\n', "t.elect")
    text = info.value.render()
    assert message in text and "t.elect:" in text


@pytest.mark.parametrize("clause", ["elected by plurality", "winners given"])
def test_the_verifier_encodes_single_member_seats_beside_the_list_tier(clause: str) -> None:
    from hemicycle import verify as v

    text = CHAMBER.read_text("utf-8").replace("elected by plurality", clause)
    [r] = v.verify(_rules(text).model, ["house-size"], parties=2, seats=12, timeout=60)
    assert r.status is v.Status.PROVED, r.reason  # verify/mixed.py: the list tier plus symbolic winners


def test_fmt_the_lexer_textmate_and_the_language_server_know_the_new_words() -> None:
    from hemicycle.editor.lsp import hover_text
    from hemicycle.editor.vocabulary import vocabulary
    from hemicycle.fmt import format_rules

    text = CHAMBER.read_text("utf-8")
    assert format_rules(format_rules(text)) == format_rules(text)
    assert "  elected by plurality" in format_rules(text.replace("elected by plurality", "elected  by   plurality"))
    assert {"elected", "plurality", "winners", "given"} <= vocabulary().words
    grammar = (ROOT / "editors/vscode/syntaxes/elect.tmLanguage.json").read_text("utf-8")
    assert "|elected|" in grammar and "|plurality|" in grammar and "|winners|" in grammar
    line = next(k for k, t in enumerate(text.splitlines()) if "elected by plurality" in t)
    assert "relative majority" in (hover_text(text, line, 4) or "")
    hover = hover_text(text.replace("elected by plurality", "winners given"), line, 4) or ""
    assert "single-member seats from the vote file" in hover


def test_the_cli_allocates_the_whole_chamber_with_its_constituencies(tmp_path: Path) -> None:
    votes = tmp_path / "kz.json"
    votes.write_text(json.dumps(_file()), "utf-8")
    r = CliRunner().invoke(app, ["allocate", str(CHAMBER), str(votes), "--districts"])
    assert r.exit_code == 0, r.output
    assert "Constituency 28" in r.output
    bad = _file()
    bad["districts"][3]["candidates"][0]["party"] = "Nope"
    votes.write_text(json.dumps(bad), "utf-8")
    r = CliRunner().invoke(app, ["allocate", str(CHAMBER), str(votes)])
    assert r.exit_code == 2 and "districts[4].candidates[1].party" in r.output


def test_the_fast_paths_decline_a_plurality_tier_and_its_plain_twin_agrees() -> None:
    from hemicycle.districted import compile_districts, plan_districts

    alone = ('chamber "c" seats 29\ndistricts "constituency" seats 29\n'
             'tier "s" in each "constituency" {{\n  {how}\n  ties lot seed 1\n}}\n')
    election = _votes(_file())
    plurality = hemicycle.loads(alone.format(how="elected by plurality")).model
    dhondt = hemicycle.loads(alone.format(how="allocate dhondt")).model
    assert plan_districts(plurality, election) is None and compile_districts(plurality, election) is None
    assert plan_districts(dhondt, election) is not None  # the same seats by D'Hondt, on the fast path
    f = compile_districts(dhondt, election)
    assert f is not None
    ours = {u.name: {a: n for a, n in u.seats.items() if n} for u in
            hemicycle.interpreter.allocate(plurality, election).districts}
    assert f(election) == ours
