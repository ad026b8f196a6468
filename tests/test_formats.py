"""Standard results formats: NIST SP 1500-100 v2 JSON and OASIS EML (510 in, 520 out).

The documents in ``tests/formats/`` were written for these tests. What they are validated against:

* NIST 1500-100 v2 JSON: ``tests/schemas/nist-1500-100-v2-subset.schema.json``, a SUBSET of the
  official JSON schema written for these tests (the official schema is not shipped by any package
  we can install). Its definitions keep the official names, required properties, types and
  enumerations and list only some properties (``additionalProperties: false``), so a document
  valid against it is valid against the official schema as well.
* EML 510 input: parsed strictly with ``pyeml-bindings``, the Kiesraad's data bindings generated
  from the official EML_NL XSDs (unknown elements and attributes, wrong value types and missing
  required elements fail; xsdata does not check patterns or occurrence counts).
* EML 520 output: ``tests/schemas/eml-520-subset.xsd``, a minimal hand-written subset of EML 520,
  NOT the official schema (which is not shipped by any package we can install).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema

import hemicycle
from hemicycle.formats import load_standard, parse_standard, sniff, vote_file_date
from hemicycle.formats.eml import export_eml520
from hemicycle.formats.nist import export_nist
from hemicycle.votes import VoteFileError, load_votes, parse_votes

HERE = Path(__file__).resolve().parent
FORMATS = HERE / "formats"
SCHEMAS = HERE / "schemas"
NIST_DOC = FORMATS / "nist_two_contests.json"
EML_DOC = FORMATS / "eml510_tk.eml.xml"


def nist_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "nist-1500-100-v2-subset.schema.json").read_text("utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_nist_valid(document: object) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in nist_validator().iter_errors(document)]
    assert not errors, errors


# --- the test documents are what they claim to be ------------------------------------------------


def test_nist_test_document_validates() -> None:
    assert_nist_valid(json.loads(NIST_DOC.read_text("utf-8")))


def test_eml510_test_document_parses_strictly_with_the_kiesraad_bindings() -> None:
    pytest.importorskip("pyeml_bindings")
    from pyeml_bindings import Eml510
    from xsdata.formats.dataclass.parsers import XmlParser
    from xsdata.formats.dataclass.parsers.config import ParserConfig

    config = ParserConfig(fail_on_unknown_properties=True, fail_on_unknown_attributes=True,
                          fail_on_converter_warnings=True)
    eml = XmlParser(config=config).from_path(EML_DOC, Eml510)
    assert eml.count.election.contests.contest[0].total_votes.total_counted == 10000


# --- NIST import ---------------------------------------------------------------------------------


def test_nist_party_contest() -> None:
    e = load_standard(NIST_DOC, contest="c-house")
    assert [(x.abbr, x.name, x.votes, x.ballot_order) for x in e.lists] == [
        ("A", "Party A", 600, 1), ("B", "Party B", 250, 2), ("p-c", "Party C", 110, 3)]
    assert dict(e.totals) == {"ballots_cast": 1000, "invalid": 40, "registered": 1500}
    assert e.name == "Testland general election 2021 (House of Representatives)"


def test_nist_candidate_contest_with_party_selections_and_joint_list() -> None:
    e = load_standard(NIST_DOC, contest="c-senate")
    assert [(x.abbr, x.votes) for x in e.lists] == [("A+B", 700), ("p-c", 260)]
    assert e.lists[0].name == "Party A + Party B"


def test_nist_several_contests_need_a_choice() -> None:
    with pytest.raises(VoteFileError, match=r'2 party contests \("c-house", "c-senate"\): choose one with --contest'):
        load_votes(NIST_DOC)
    with pytest.raises(VoteFileError, match=r'no party contest with @id "nope"; party contests: "c-house"'):
        load_standard(NIST_DOC, contest="nope")


def _nist(mutate) -> str:  # type: ignore[no-untyped-def]
    doc = json.loads(NIST_DOC.read_text("utf-8"))
    doc["Election"][0]["Contest"] = doc["Election"][0]["Contest"][:1]
    mutate(doc)
    return json.dumps(doc)


CONTEST = "Election[0].Contest[0]"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["Election"][0]["Contest"][0]["BallotSelection"][0]["VoteCounts"][0].update(Count=600.5),
     f"{CONTEST}.BallotSelection[0].VoteCounts[0].Count: 600.5 has a decimal part"),
    (lambda d: d["Election"][0]["Contest"][0]["BallotSelection"][0]["VoteCounts"][0].update(Count=-5),
     f"{CONTEST}.BallotSelection[0].VoteCounts[0].Count: -5 is negative"),
    (lambda d: d["Election"][0]["Contest"][0]["BallotSelection"][0]["VoteCounts"][0].update(Count="600"),
     "write it without quotes"),
    (lambda d: d["Election"][0]["Contest"][0]["BallotSelection"][0].update(PartyIds=["p-x"]),
     '"p-x" is not the @id of a Party'),
    (lambda d: d["Election"][0]["Contest"][0]["BallotSelection"][0]["VoteCounts"][0].update(GpUnitId="precinct-1"),
     "counts per reporting unit only"),
    (lambda d: d["Election"][0]["Contest"][0]["SummaryCounts"][0].update(BallotsRejected=True),
     f"{CONTEST}.SummaryCounts[0].BallotsRejected: expected an integer, got the boolean true"),
    (lambda d: d["Election"][0]["Contest"][0].update({"@type": "ElectionResults.BallotMeasureContest"}),
     "no PartyContest"),
])
def test_nist_errors_name_the_field(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VoteFileError) as info:
        parse_votes(_nist(mutate), "report.json")
    assert message in str(info.value)
    assert str(info.value).startswith("report.json: ")


def test_sniffing() -> None:
    assert sniff(NIST_DOC.read_text("utf-8")) == "nist"
    assert sniff(EML_DOC.read_text("utf-8")) == "eml"
    assert sniff('{"election": "x", "parties": []}') is None
    assert sniff("abbr,votes\nA,1\n") is None
    assert vote_file_date(NIST_DOC) == "2021-03-17"
    assert vote_file_date(EML_DOC) == "2021-03-17"


# --- EML 510 import ------------------------------------------------------------------------------


def test_eml510_count() -> None:
    e = load_votes(EML_DOC)
    assert [(x.abbr, x.name, x.votes, x.ballot_order) for x in e.lists] == [
        ("1", "VVD", 5000, 1), ("2", "PVV (Partij voor de Vrijheid)", 3000, 2), ("3", "CDA", 2000, 3)]
    # Cast (the voters called) -> registered; ballots_cast = TotalCounted + rejected (30 + 20 blank)
    assert dict(e.totals) == {"registered": 13000, "valid": 10000, "invalid": 30, "ballots_cast": 10050}
    assert e.name == "Tweede Kamer 2021 (test)"


def _eml(old: str, new: str) -> str:
    text = EML_DOC.read_text("utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("<ValidVotes>3000</ValidVotes>", "<ValidVotes>3.000</ValidVotes>",
     "EML/Count/Election/Contests/Contest/TotalVotes/Selection[3]/ValidVotes (line 38): "
     '"3.000" looks like it has thousands separators'),
    ("<TotalCounted>10000</TotalCounted>", "<TotalCounted>10001</TotalCounted>",
     "TotalCounted (line 47): valid is 10001 but the lists' votes add up to 10000"),
    ('<AffiliationIdentifier Id="3">', '<AffiliationIdentifier Id="2">', 'affiliation "2" appears twice'),
    ('Id="510d"', 'Id="520"', "this is an EML 520 result"),
    ('ReasonCode="blanco"', 'ReasonCode="kapot"', 'unknown ReasonCode "kapot"'),
    ("<Contests>", "<Contests><Contest><ContestIdentifier Id=\"2\"/></Contest>", '2 contests ("2", "alle")'),
    ("</Count>", "</Cnt>", "not well-formed XML: mismatched tag"),
])
def test_eml_errors_name_the_element(old: str, new: str, message: str) -> None:
    with pytest.raises(VoteFileError) as info:
        parse_votes(_eml(old, new), "count.xml")
    assert message in str(info.value)


def test_eml_contest_choice() -> None:
    text = _eml("<Contests>", '<Contests><Contest><ContestIdentifier Id="2"/></Contest>')
    e = parse_standard(text, "count.xml", contest="alle").election
    assert e.list_votes == 10000


def test_xml_entities_are_refused() -> None:
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE EML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="510d">&b;</EML>')
    with pytest.raises(VoteFileError, match="DOCTYPE declaration; it is refused"):
        parse_votes(bomb, "bomb.xml")
    external = ('<?xml version="1.0"?>\n<!DOCTYPE EML SYSTEM "file:///etc/passwd">\n'
                '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="510d"/>')
    with pytest.raises(VoteFileError, match="DOCTYPE"):
        parse_votes(external, "ext.xml")


def test_not_eml() -> None:
    with pytest.raises(VoteFileError, match="not an EML document: the root element is html"):
        parse_votes("<html><body/></html>", "page.html")


# --- export --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kazakhstan():  # type: ignore[no-untyped-def]
    rules = hemicycle.load("kazakhstan-2021")
    return rules.allocate(load_votes(Path(str(hemicycle.api.resolve_election("kazakhstan-2021")))))


def test_nist_export_validates_and_round_trips(kazakhstan) -> None:  # type: ignore[no-untyped-def]
    document = export_nist(kazakhstan, date="2021-01-10")
    assert_nist_valid(document)
    seats = {}
    for selection in document["Election"][0]["Contest"][0]["BallotSelection"]:
        for count in selection["VoteCounts"]:
            if count["Type"] == "other" and count["OtherType"] == "seats":
                seats[selection["PartyIds"][0]] = count["Count"]
    assert seats["party-NurOtan"] == 76 and seats["appointed-APK"] == 9
    assert sum(seats.values()) == 107
    again = parse_standard(json.dumps(document), "export.json").election
    original = kazakhstan.election
    assert [(x.abbr, x.votes) for x in again.lists] == [(x.abbr, x.votes) for x in original.lists]
    assert {k: again.totals[k] for k in ("ballots_cast", "invalid", "registered")} == {
        k: original.totals[k] for k in ("ballots_cast", "invalid", "registered")}
    assert hemicycle.load("kazakhstan-2021").allocate(again).seats == kazakhstan.seats


def test_nist_export_needs_a_real_date(kazakhstan) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        export_nist(kazakhstan, date="10.01.2021")


def test_eml520_export_validates(kazakhstan) -> None:  # type: ignore[no-untyped-def]
    text = export_eml520(kazakhstan)
    xmlschema.XMLSchema(str(SCHEMAS / "eml-520-subset.xsd")).validate(text)
    assert '<hc:Seats AffiliationId="2" Abbr="NurOtan">76</hc:Seats>' in text or ">76</hc:Seats>" in text
    assert '<hc:Appointed Key="APK" By="Assembly of People of Kazakhstan">9</hc:Appointed>' in text
    assert text.count("<Elected>yes</Elected>") == 3


def test_cli_export_and_contest(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hemicycle.cli import app

    runner = CliRunner()
    out = tmp_path / "seats.json"
    r = runner.invoke(app, ["export", "kazakhstan-2021", str(EML_DOC), "--to", "nist", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert_nist_valid(json.loads(out.read_text("utf-8")))
    r = runner.invoke(app, ["export", "kazakhstan-2021", "kazakhstan-2021", "--to", "eml"])
    assert r.exit_code == 0 and "<hc:Allocation" in r.stdout
    r = runner.invoke(app, ["allocate", "kazakhstan-2021", str(NIST_DOC), "--contest", "c-house", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["total"] == 107
    r = runner.invoke(app, ["allocate", "kazakhstan-2021", str(NIST_DOC)])
    assert r.exit_code == 2 and "--contest" in r.output
    csv = tmp_path / "v.csv"
    csv.write_text("abbr,votes\nA,10\nB,5\ntotal:invalid,1\n", encoding="utf-8")
    r = runner.invoke(app, ["export", "kazakhstan-2021", str(csv), "--to", "nist"])
    assert r.exit_code == 2 and "--election-date" in r.output
