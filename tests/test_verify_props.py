"""The .props language for user properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemicycle.grammar import parse_rules
from hemicycle.verify import PropertyError, Status, verify
from hemicycle.verify.proplang import loads_properties, parse_properties

HARE3 = parse_rules('chamber "T" seats 3\ntier "t" seats 3 {\n'
                    'allocate largest_remainder quota hare\nties registration_order\n}\n')

TEXT = """
# majority, strong and weak
property strong-majority "More than half the votes: more than half the seats" [B&Y 1982]
  forall i: 2 * votes[i] > total implies 2 * seats[i] > house

property weak-majority "More than half the votes: at least half the seats"
  forall i: 2 * votes[i] > total implies 2 * seats[i] >= house

property keeps-seat "L1 gains votes and keeps its seats"
  election B = A with votes[L1] + d
  B.seats[L1] >= seats[L1]

property bigger-house "One more seat never costs L2 a seat"
  election B = A with house + 1
  B.seats[2] >= seats[2]

property two-holders "Two lists hold a seat whenever two lists have votes"
  (exists i, j: i != j and votes[i] > 0 and votes[j] > 0)
    implies exists i, j: i != j and seats[i] >= 1 and seats[j] >= 1
"""


def test_parse() -> None:
    specs = parse_properties(TEXT)
    assert [s.name for s in specs] == ["strong-majority", "weak-majority", "keeps-seat",
                                       "bigger-house", "two-holders"]
    assert specs[0].citation == "B&Y 1982"
    assert specs[2].elections[0].base == "A"


def test_parse_error_has_position() -> None:
    with pytest.raises(PropertyError) as exc:
        parse_properties("property x\n  seats[1] >> 2\n", file="bad.props")
    assert "bad.props:2" in str(exc.value)


def test_user_properties_on_hare(tmp_path: Path) -> None:
    f = tmp_path / "mine.props"
    f.write_text(TEXT)
    res = {r.property: r for r in verify(HARE3, parties=3, timeout=60, property_file=f)}
    assert res["strong-majority"].status is Status.REFUTED
    w = res["weak-majority"]
    assert w.status is Status.REFUTED  # (3, 3, 7) -> (1, 1, 1) in the notes
    assert res["keeps-seat"].status is Status.PROVED
    assert res["bigger-house"].status is Status.REFUTED  # the Alabama paradox
    assert res["two-holders"].status is Status.REFUTED


def test_non_homogeneous_property_uses_integers() -> None:
    (p,) = loads_properties("property small\n  votes[1] >= 10 implies seats[1] >= 1\n")
    assert "integer" in p.encoding
    (r,) = verify(HARE3, ["small"], parties=2, timeout=60,
                  property_file=_write(p.name, "property small\n  votes[1] >= 10 implies "
                                       "seats[1] >= 1\n"))
    assert r.status is Status.REFUTED
    votes = r.counterexample[0].votes  # type: ignore[index]
    assert votes["L1"] >= 10


def _write(name: str, text: str) -> Path:
    import tempfile

    d = Path(tempfile.mkdtemp())
    f = d / f"{name}.props"
    f.write_text(text)
    return f


def test_unknown_list_is_an_error() -> None:
    (p,) = loads_properties("property x\n  seats[k] >= 0\n")
    with pytest.raises(PropertyError):
        verify(HARE3, ["x"], parties=2, property_file=_write("x", "property x\n seats[k] >= 0\n"))
    assert p.name == "x"


@pytest.mark.parametrize(("content", "expect"), [
    ('property p "x"\n  forall i: seats[i] * votes[i] >= 0\n', "p.props:2:13: only multiplication"),
    ('property p "x"\n  ' + "not " * 5000 + "seats[1] >= 0\n", "p.props:2:"),
    ('property p "x"\n  seats[1] >= ' + "7" * 5000 + "\n", "p.props:2:15: a number of 5000 digits"),
    ('property p "x"\n  seats[L' + "7" * 5000 + "] >= 1\n", "p.props:2:"),
    ('property p "x"\n  election B = A with house + ' + "9" * 5000 + "\n  seats[1] >= 0\n",
     "a number of 5000 digits"),
])
def test_bad_property_files_are_input_errors(tmp_path: Path, content: str, expect: str) -> None:
    """Exit 2 with file:line:col, never exit 4 or a hang (issue 12, item 7)."""
    from typer.testing import CliRunner

    from hemicycle.cli import app

    f = tmp_path / "p.props"
    f.write_text(content)
    with pytest.raises(PropertyError, match=expect.split("p.props")[-1].lstrip(":") or "."):
        verify(HARE3, parties=2, timeout=5, property_file=f)
    r = CliRunner().invoke(app, ["verify", "kazakhstan-2021", "-n", "2", "--timeout", "5",
                                 "--property-file", str(f)])
    assert r.exit_code == 2 and expect in r.output.replace("\n", ""), r.output


def test_unreadable_property_files_are_input_errors(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hemicycle.cli import app

    bad = tmp_path / "bad.props"
    bad.write_bytes(b'property p "caf\xe9"\n  seats[1] >= 0\n')
    cases = {bad: "bad.props:1:16: not UTF-8", tmp_path: "is a directory",
             tmp_path / "missing.props": "cannot read the property file"}
    for path, expect in cases.items():
        r = CliRunner().invoke(app, ["verify", "kazakhstan-2021", "-n", "2",
                                     "--property-file", str(path)])
        assert r.exit_code == 2 and expect in r.output.replace("\n", ""), r.output


def test_quantifiers_that_expand_too_far_are_refused() -> None:
    text = "property wide\n  forall a, b, c, d, e, f, g: seats[a] >= 0\n"
    with pytest.raises(PropertyError, match="expand"):
        verify(HARE3, ["wide"], parties=12, timeout=5, property_file=_write("wide", text))
