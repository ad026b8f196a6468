"""Parametric rule files: declarations, binding, every combination checked, --set."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.diagnostics import RuleError
from hemicycle.family import Family, GridError, combinations, grid_values
from hemicycle.fmt import format_rules, model_key
from hemicycle.grammar import parse_rules

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ROOT / "rules" / "kazakhstan-2021-family.elect"
KAZ = hemicycle.load("kazakhstan-2021")
VOTES_2021 = {"QHP": 659019, "NurOtan": 5148074, "Auyl": 383023, "AkZhol": 792828, "Adal": 258618}

SMALL = """param seats in 8 .. 12
param share in 1/20, 1/10 as ten, 0.15 default ten
param quota in hare, droop default hare
chamber "C" seats $seats
tier "t" seats $seats {
  threshold $share of valid_votes
  allocate largest_remainder quota $quota
  ties registration_order
}
"""


def text_substituted(text: str, values: dict[str, str]) -> str:
    """The same member written out by hand: declarations dropped, '$NAME' replaced as text."""
    body = text[text.index("chamber"):]
    for name in sorted(values, key=len, reverse=True):
        body = body.replace(f"${name}", values[name])
    return body


def test_defaults_give_the_law() -> None:
    law = hemicycle.load("kazakhstan-2021").model
    member = hemicycle.load(FAMILY).model
    assert member.bindings == (("threshold", "7%"), ("method", "hare"))
    # the same system under another name: the member is called by its values, the law by its own label
    assert (member.label, law.label) == ("hare, 7%", "2021 law: Hare, 7%")
    assert model_key(replace(member, bindings=(), label=None)) == model_key(replace(law, label=None))


def test_every_member_is_the_file_written_out_by_hand() -> None:
    """Binding in the token stream gives the model (and the seats) of textual substitution."""
    family = hemicycle.load_family(FAMILY)
    assert family.size() == 45
    words = {"hare": "largest_remainder quota hare", "dhondt": "dhondt", "sainte_lague": "sainte_lague"}
    seen = set()
    for combo in family.grid():
        labels = {k: v.label for k, v in combo.items()}
        bound = family.bind(combo)
        by_hand = parse_rules(text_substituted(family.text, {"threshold": labels["threshold"],
                                                             "method": words[labels["method"]]}))
        t1, t2 = bound.tiers[0], by_hand.tiers[0]
        assert model_key(t1.method) == model_key(t2.method) and t1.thresholds[0].share == t2.thresholds[0].share
        seats = hemicycle.Rules(bound).allocate(VOTES_2021, invalid=297718).seats
        assert seats == hemicycle.Rules(by_hand).allocate(VOTES_2021, invalid=297718).seats
        seen.add(tuple(seats.values()))
    assert len(seen) > 5  # the family really varies


def test_bound_model_reads_unchanged_in_every_path() -> None:
    rules = hemicycle.load(FAMILY, {"threshold": "4%", "method": "sainte_lague"})
    rng = np.random.default_rng(3)
    votes = rng.integers(0, 10**6, size=(300, 5))
    batch = hemicycle.allocate_batch(rules, votes, invalid=0)
    f = hemicycle.compile(rules)
    for row, seats in zip(votes.tolist(), batch.tolist(), strict=True):
        assert tuple(seats) == f(row, invalid=0)


def test_values_by_label_or_number() -> None:
    family = Family.parse(SMALL, "s.elect")
    for given, share in (("0.05", Fraction(1, 20)), ("5%", Fraction(1, 20)), ("1/20", Fraction(1, 20)),
                         ("ten", Fraction(1, 10)), ("0.150", Fraction(15, 100))):
        assert family.bind({"seats": "10", "share": given}).tiers[0].thresholds[0].share == share
    assert family.bind({"seats": "10", "share": "10%"}).bindings[1] == ("share", "ten")
    assert family.bind({"seats": 12}).seats == 12
    with pytest.raises(RuleError) as info:
        family.bind({})
    assert info.value.render().splitlines()[:3] == [
        "s.elect:1:1: error: parameter 'seats' has no value and no default",
        "   1 | param seats in 8 .. 12", "       ^^^^^^^^^^^^^^^^^^^^^^"]
    assert "hint: give it one (--set seats=VALUE, with VALUE in 8 .. 12) or write 'default VALUE'" in \
        info.value.render()
    assert family.check().combinations == 30  # check needs no default: it binds every combination


@pytest.mark.parametrize(("given", "message"), [
    ({"seats": "13"}, "13 is not a value of parameter 'seats': it takes 8 .. 12"),
    ({"seats": "9", "quota": "imperiali"}, "imperiali is not a value of parameter 'quota'"),
    ({"seats": "9", "quotas": "hare"}, "no parameter 'quotas'.*did you mean 'quota'"),
])
def test_bad_values_are_named(given: dict[str, str], message: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_rules(SMALL, "s.elect", given)
    assert re.search(message, info.value.render(), flags=re.S)


@pytest.mark.parametrize(("decl", "message"), [
    ("param x in 5 .. 3", "is empty: it ends below its start"),
    ("param x in 1% .. 5% step 0%", "the step of a range must be more than zero"),
    ("param x in 1% .. 5%", "a range of shares or fractions needs a step"),
    ("param x in 1 .. 100000", "the range has 100000 values; a parameter has at most 10,000"),
    ("param x in 1/0 .. 1 step 1/2", "divides by zero"),
    ("param x in a, b, a", "the value 'a' is listed twice"),
    ("param x in a, b default c", "the default 'c' is not one of the values of 'x'"),
    ("param x in a, b default a\nparam x in c default c", "parameter 'x' is declared twice"),
])
def test_bad_declarations(decl: str, message: str) -> None:
    text = decl + '\nchamber "C" seats 1\ntier "t" seats 1 { allocate dhondt }\n'
    with pytest.raises(RuleError, match=message):
        parse_rules(text, "d.elect")


@pytest.mark.parametrize("head", ["param m#in dhondt, sainte_lague default dhondt", "param m in # cut\n",
                                  "param m in dhondt,"])
def test_a_declaration_cut_short_is_a_rule_error(head: str) -> None:
    """A declaration that stops before 'chamber' (a comment eating its end) is a rule error with its
    line and what was expected, not an internal error (the path fuzzer found it)."""
    with pytest.raises(RuleError) as info:
        parse_rules(head + '\n\nchamber "C" seats 1\n', "c.elect")
    assert re.search(r"c\.elect:\d+:\d+: error: unexpected", info.value.render())
    assert "expected" in info.value.render()


def test_reference_without_declaration_in_a_plain_file() -> None:
    with pytest.raises(RuleError) as info:
        parse_rules('chamber "C" seats 1\ntier "t" seats $n { allocate dhondt }\n', "p.elect")
    assert "p.elect:2:16: error: no parameter 'n' is declared" in info.value.render()


def test_check_reports_each_problem_with_its_combinations() -> None:
    text = SMALL.replace('chamber "C" seats $seats', 'chamber "C" seats 10')
    result = Family.parse(text, "s.elect").check()
    assert result.combinations == 5 * 3 * 2
    assert len(result.errors) == 4  # every seats value but 10, each with its own sums
    found = result.errors[0]
    assert found.diagnostic.message.startswith("the seats do not add up: 8 in tier 't' = 8")
    assert len(found.combinations) == 3 * 2
    assert "in 6 of 30 combinations: seats=8, share=1/20, quota=hare; seats=8, share=1/20, quota=droop" \
        in result.render(found)
    assert Family.parse(SMALL, "s.elect").check().found == []


def test_unused_parameter_is_a_warning() -> None:
    text = "param unused in a, b default a\n" + SMALL
    (warning,) = Family.parse(text, "u.elect").check().warnings
    assert warning.diagnostic.message == "parameter 'unused' is declared but never used"


def test_a_value_that_does_not_fit_is_an_error_only_where_it_is_used() -> None:
    text = SMALL.replace("param quota in hare, droop", "param quota in hare, droop, dhondt")
    result = Family.parse(text, "s.elect").check()
    (found,) = result.errors
    assert found.diagnostic.message == "$quota = dhondt: unexpected 'dhondt' here"
    assert {c["quota"].label for c in found.combinations} == {"dhondt"}
    assert (found.diagnostic.span.line, found.diagnostic.span.col) == (7, 36)


def test_grid_values() -> None:
    family = hemicycle.load_family(FAMILY)
    th = family.parameter("threshold")
    assert [v.label for v in grid_values(th, "3%..10%/0.5%")] == [v.label for v in th.values]
    assert [v.label for v in grid_values(th, "5%..6%")] == ["5%", "5.5%", "6%"]
    assert [v.label for v in grid_values(th, "0.05,7%")] == ["5%", "7%"]
    with pytest.raises(GridError, match=r"3\.3% is not a value of parameter 'threshold'"):
        grid_values(th, "3%..10%/0.3%")
    assert grid_values(th, "10%..3%/0.5%") == []
    with pytest.raises(GridError, match="the sweep has 0 combinations: no value for threshold"):
        list(combinations([family], {"threshold": "10%..3%/0.5%"}))
    with pytest.raises(GridError, match="unknown parameter 'seats': no rule file declares it"):
        list(combinations([family], {"seats": "1,2"}))
    assert len(list(combinations([family, hemicycle.load_family("kazakhstan-2021")],
                                 {"method": "dhondt"}))) == 15 + 1


def test_fmt_keeps_references_and_is_stable() -> None:
    messy = SMALL.replace("param seats in 8 .. 12", "param   seats in 8..12  ").replace(
        "allocate largest_remainder quota $quota", "allocate largest_remainder\n   quota   $quota")
    once = format_rules(messy, "s.elect")
    assert "param seats in 8 .. 12\n" in once and "allocate largest_remainder quota $quota\n" in once
    assert format_rules(once, "s.elect") == once
    assert format_rules(FAMILY.read_text("utf-8"), str(FAMILY)) == FAMILY.read_text("utf-8")


def test_editor_support_knows_parameters() -> None:
    from pygments.token import Name

    from hemicycle.editor.lsp import completions, diagnostics
    from hemicycle.editor.pygments_lexer import ElectLexer

    tokens = [(t, v) for t, v in ElectLexer().get_tokens(SMALL) if v.strip()]
    assert (Name.Variable, "$quota") in tokens and (Name.Variable, "seats") in tokens
    assert [c.label for c in completions(SMALL, 6, 37)] == ["$quota"]
    assert [c.label for c in completions(SMALL, 6, 36)] == ["$seats", "$share", "$quota"]
    bad = SMALL.replace('chamber "C" seats $seats', 'chamber "C" seats 10')
    found = diagnostics(bad)
    assert len(found) == 4 and "(in 6 of 30 combinations: seats=8, share=1/20" in found[0].message


def test_cli_set_and_check() -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["allocate", "kazakhstan-2021-family", "kazakhstan-2021", "--set", "threshold=5%",
                            "--set", "method=dhondt", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert '"NurOtan"' in r.output
    r = runner.invoke(app, ["check", "kazakhstan-2021-family"])
    assert r.exit_code == 0 and "ok (0 warning(s), 45 combinations)" in r.output
    r = runner.invoke(app, ["check", "kazakhstan-2021-family", "--set", "method=dhondt"])
    assert r.exit_code == 0 and "15 combinations" in r.output
    for args, message in [
        (["allocate", "kazakhstan-2021-family", "kazakhstan-2021", "--set", "threshold=12%"],
         "12% is not a value of parameter 'threshold': it takes 3% .. 10% step 0.5%"),
        (["allocate", "kazakhstan-2021", "kazakhstan-2021", "--set", "threshold=5%"],
         "no rule file declares a parameter 'threshold'"),
        (["verify", "kazakhstan-2021-family", "--set", "threshold"], "write NAME=VALUE"),
    ]:
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and message in r.output, (args, r.output)
