"""Standard results formats: NIST SP 1500-100 v2 JSON and OASIS EML (510 in, 520 out).

The documents in ``tests/formats/`` were written for these tests. What they are validated against:

* NIST 1500-100 v2 JSON: ``tests/schemas/nist-1500-100-v2.schema.json``, the OFFICIAL JSON schema
  (NIST, public domain; provenance in ``tests/schemas/README.md``). Every export of every bundled
  election is validated against it, and so is the official-names test document; the draft-names
  test document (``nist_draft_two_contests.json``) is not valid against it, and is read with a note.
* EML 510 input: parsed strictly with ``pyeml-bindings``, the Kiesraad's data bindings generated
  from the official EML_NL XSDs (unknown elements and attributes, wrong value types and missing
  required elements fail; xsdata does not check patterns or occurrence counts).
* EML 520 output: ``tests/schemas/eml-520-subset.xsd``, a minimal hand-written subset of EML 520,
  NOT the official schema (which is not shipped by any package we can install), with the EML core
  identifier type (NMTOKEN); the ``hc:`` extension elements are validated strictly against the XSD
  the package publishes, ``hemicycle/formats/hemicycle-allocation.xsd``.
"""

from __future__ import annotations

import functools
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
NIST_DRAFT = FORMATS / "nist_draft_two_contests.json"
EML_DOC = FORMATS / "eml510_tk.eml.xml"
HC_XSD = Path(hemicycle.__file__).parent / "formats" / "hemicycle-allocation.xsd"
ELECTIONS = sorted(Path(str(hemicycle.api.resolve_election("kazakhstan-2021"))).parent.glob("*.json"))


@functools.cache
def nist_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "nist-1500-100-v2.schema.json").read_text("utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def nist_errors(document: object) -> list[str]:
    def deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
        return deepest(jsonschema.exceptions.best_match(error.context)) if error.context else error

    return [f"{list(e.absolute_path)}: {deepest(e).message}" for e in nist_validator().iter_errors(document)]


def assert_nist_valid(document: object) -> None:
    errors = nist_errors(document)
    assert not errors, errors


@functools.cache
def eml520_schema() -> xmlschema.XMLSchema:
    """The EML 520 subset with the hc: namespace imported from the published XSD, strictly."""
    text = (SCHEMAS / "eml-520-subset.xsd").read_text("utf-8")
    text = text.replace('<xs:any namespace="##other" processContents="lax"',
                        '<xs:any namespace="##other" processContents="strict"')
    text = text.replace('elementFormDefault="qualified">',
                        'elementFormDefault="qualified">\n  <xs:import namespace="urn:hemicycle:allocation" '
                        f'schemaLocation="{HC_XSD.as_uri()}"/>', 1)
    return xmlschema.XMLSchema(text, base_url=str(SCHEMAS))


# --- the test documents are what they claim to be ------------------------------------------------


def test_nist_test_document_validates() -> None:
    assert_nist_valid(json.loads(NIST_DOC.read_text("utf-8")))


def test_the_draft_document_is_not_official_and_is_read_with_a_note() -> None:
    errors = nist_errors(json.loads(NIST_DRAFT.read_text("utf-8")))
    assert any("'ElectionDistrictId' is a required property" in e for e in errors), errors
    assert any("'A' is not of type 'object'" in e for e in errors), errors  # a plain-string Abbreviation
    official = load_standard(NIST_DOC, contest="c-house")
    draft = load_standard(NIST_DRAFT, contest="c-house")
    assert draft.lists == official.lists and draft.totals == official.totals
    assert official.notes == ()
    [note] = draft.notes
    for name in ("BallotSelection for ContestSelection", "ElectoralDistrictId for ElectionDistrictId",
                 "Contest.SummaryCounts for Election.BallotCounts", "counts without GpUnitId"):
        assert name in note
    result = hemicycle.load("kazakhstan-2021").allocate(draft)
    assert note in result.notes  # in every output


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
SEL = f"{CONTEST}.ContestSelection[0]"


def _sel(d: dict) -> dict:  # type: ignore[type-arg]
    return d["Election"][0]["Contest"][0]["ContestSelection"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: _sel(d)["VoteCounts"][0].update(Count=600.5), f"{SEL}.VoteCounts[0].Count: 600.5 has a decimal part"),
    (lambda d: _sel(d)["VoteCounts"][0].update(Count=-5), f"{SEL}.VoteCounts[0].Count: -5 is negative"),
    (lambda d: _sel(d)["VoteCounts"][0].update(Count="600"), "write it without quotes"),
    (lambda d: _sel(d).update(PartyIds=["p-x"]), '"p-x" is not the @id of a Party'),
    (lambda d: _sel(d)["VoteCounts"][0].update(GpUnitId="precinct-1"), "\"precinct-1\" is not the @id of a GpUnit"),
    (lambda d: _sel(d)["VoteCounts"][0].update(Round=2), "a count by round is not the list's votes"),
    (lambda d: d["Election"][0]["BallotCounts"][0].update(BallotsRejected=True),
     "Election[0].BallotCounts[0].BallotsRejected: expected an integer, got the boolean true"),
    (lambda d: d["Election"][0]["Contest"][0].update({"@type": "ElectionResults.BallotMeasureContest"}),
     "no PartyContest"),
    (lambda d: _sel(d)["VoteCounts"][0].update(Counts=1),
     f'field {SEL}.VoteCounts[0].Counts: unknown key "Counts" in a VoteCounts; did you mean "Count"?'),
    (lambda d: d["Election"][0].update(BallotCount=[]), 'unknown key "BallotCount" in an Election; did you mean'),
    (lambda d: d["GpUnit"][0].update({"@id": ["ru-country"]}), "field GpUnit[0].@id: expected an identifier (a "
                                                                "string), got an array"),
    (lambda d: d["GpUnit"][0].update({"@id": {"x": 1}}), "expected an identifier (a string), got an object"),
    (lambda d: _sel(d)["VoteCounts"][0].update(GpUnitId=5), "expected an identifier (a string), got the number 5"),
    (lambda d: d["Party"][0].update(Abbreviation=["A"]), "expected an InternationalizedText, got an array"),
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
    assert dict(e.totals) == {"registered": 13000, "valid": 10000, "invalid": 30, "ballots_cast": 10050, "blank": 20}
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
    for selection in document["Election"][0]["Contest"][0]["ContestSelection"]:
        for count in selection["VoteCounts"]:
            if count["Type"] == "seats":  # the official CountItemType for seats
                seats[selection["PartyIds"][0]] = count["Count"]
    assert seats["party-NurOtan"] == 76 and seats["appointed-APK"] == 9
    assert sum(seats.values()) == 107
    again = parse_standard(json.dumps(document), "export.json").election
    original = kazakhstan.election
    assert again.notes == ()  # official names: no note
    assert [(x.abbr, x.votes) for x in again.lists] == [(x.abbr, x.votes) for x in original.lists]
    assert {k: again.totals[k] for k in ("ballots_cast", "invalid", "registered")} == {
        k: original.totals[k] for k in ("ballots_cast", "invalid", "registered")}
    assert hemicycle.load("kazakhstan-2021").allocate(again).seats == kazakhstan.seats


@pytest.mark.parametrize("path", ELECTIONS, ids=lambda p: p.stem)
def test_every_bundled_election_exports_to_the_official_schema(path: Path) -> None:
    from hemicycle.reproduce import cases_for

    [case] = cases_for([path.stem])
    rules = hemicycle.load(str(case.rules_path))
    result = rules.allocate(load_votes(path), explain=False)
    document = export_nist(result, date="2021-01-10")
    assert_nist_valid(document)
    again = parse_standard(json.dumps(document), "export.json").election
    assert [(x.abbr, x.votes) for x in again.lists] == [(x.abbr, x.votes) for x in result.election.lists]
    if any(u.candidate_votes for u in result.election.units):  # single-member contests: candidates' votes
        return  # (NIST CandidateContests per unit: not yet; the list tier's national votes are checked above)
    if not result.election.units:  # national records carry figures the format has no place for
        eml520_schema().validate(export_eml520(result))
        return
    # the counts per GpUnit are the districts: the same seats, nationally and in every district
    assert [(u.name, u.level, u.seats, dict(u.votes)) for u in again.units] == [
        (u.name, u.level, u.seats, dict(u.votes)) for u in result.election.units]
    back = rules.allocate(again, explain=False)
    assert back.seats == result.seats
    assert [(d.name, d.seats) for d in back.districts] == [(d.name, d.seats) for d in result.districts]
    if result.election.lists:  # EML: national counts only (per reporting unit: not yet)
        eml520_schema().validate(export_eml520(result))


def test_nist_export_needs_a_real_date(kazakhstan) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        export_nist(kazakhstan, date="10.01.2021")


def test_eml520_export_validates(kazakhstan) -> None:  # type: ignore[no-untyped-def]
    text = export_eml520(kazakhstan)
    eml520_schema().validate(text)
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


# --- EML identifiers and the hc: namespace (issue 12, items 7 and 14) --------------------------------


def test_the_hc_schema_is_strict() -> None:
    kazakhstan = next(p for p in ELECTIONS if p.stem == "kazakhstan-2021")
    text = export_eml520(hemicycle.load("kazakhstan-2021").allocate(load_votes(kazakhstan), explain=False))
    eml520_schema().validate(text)
    for bad in (text.replace("hc:Appointed", "hc:Appointee"), text.replace('Abbr="', 'Abr="', 1),
                text.replace("</hc:Seats>", "x</hc:Seats>", 1)):
        assert bad != text
        with pytest.raises(xmlschema.XMLSchemaValidationError):
            eml520_schema().validate(bad)


@pytest.mark.parametrize("ident", ["²", "9" * 5000, "0", "-3", "1e3"])
def test_eml_affiliation_ids_that_are_not_ballot_numbers(ident: str) -> None:
    text = _eml('<AffiliationIdentifier Id="3">', f'<AffiliationIdentifier Id="{ident}">')
    e = parse_votes(text, "count.xml")
    entry = e.lists[2]
    assert entry.abbr == ident and entry.ballot_order is None


@pytest.mark.parametrize("abbr", ["²", "9" * 5000, "A (B), C – D", "bell\x07", "0"])
def test_eml_export_of_any_abbreviation_is_valid(abbr: str) -> None:
    election = hemicycle.Election.from_votes({abbr: 600, "Other": 400}, invalid=0)
    rules = hemicycle.loads('chamber "Camera (lower), 2021 – x" seats 10\ntier "t" seats 10 { allocate dhondt '
                            "ties registration_order }")
    text = export_eml520(rules.allocate(election, explain=False))
    eml520_schema().validate(text)
    assert '<ContestIdentifier Id="Camera_lower_2021_x">' in text
    if abbr == "bell\x07":
        assert 'Abbr="bell\\u0007"' in text


def test_cli_export_with_odd_abbreviations_exits_0(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hemicycle.cli import app

    votes = tmp_path / "v.csv"
    votes.write_text(f"abbr,votes\n²,600\n{'9' * 5000},300\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["export", "kazakhstan-2021", str(votes), "--to", "eml", "--total", "invalid=0"])
    assert r.exit_code == 0, r.output
    eml520_schema().validate(r.stdout)


def test_unknown_eml_elements_are_refused() -> None:
    with pytest.raises(VoteFileError, match='unknown element RejectedVote in TotalVotes; did you mean "RejectedVotes"'):
        parse_votes(_eml("<RejectedVotes", "<RejectedVote").replace("</RejectedVotes>", "</RejectedVote>", 1),
                    "count.xml")
    with pytest.raises(VoteFileError, match='unknown element ValidVote in Selection; did you mean "ValidVotes"'):
        parse_votes(_eml("<ValidVotes>3000</ValidVotes>", "<ValidVote>3000</ValidVote>"), "count.xml")


def test_the_readers_do_not_import_each_other_back() -> None:
    """votes dispatches to formats; formats, figures and reading never import votes (issue 12)."""
    import ast

    src = Path(hemicycle.__file__).parent
    low = [src / "reading.py", src / "figures.py", *sorted((src / "formats").glob("*.py"))]
    for path in low:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert "hemicycle.votes" not in names, f"{path.name} imports hemicycle.votes"
    for node in ast.walk(ast.parse((src / "reading.py").read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hemicycle"):
            assert node.module == "hemicycle.election", node.module  # the bottom of the chain
