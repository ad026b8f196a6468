"""NIST SP 1500-100 Rev. 2 (Election Results Common Data Format), JSON: read votes, write seats.

Both directions follow the official v2 JSON schema (NIST, ``NIST_V2_election_results_reporting.json``;
the tests validate every export against it, vendored in ``tests/schemas/``).

Import. The contest is a ``PartyContest``, or a ``CandidateContest`` with ``PartySelection``\\ s,
chosen with ``--contest ID`` (its ``@id``) when the report has several::

    ElectionReport.Party[] (Party or Coalition)   -> abbr (Abbreviation, else @id) and name (Name)
    Election[].Contest[].ContestSelection[]       -> one list per PartySelection, in order
        PartyIds                                  ->   the parties (several: a joint list, "A+B")
        SequenceOrder                             ->   ballot_order
        VoteCounts[]                              ->   votes: the count of Type "total" for the
                                                       whole contest (GpUnitId the contest's
                                                       ElectionDistrictId); without one, the sum
                                                       of the contest-wide counts by other Types
    Election.BallotCounts[GpUnitId = district, Type "total"]
                                                  -> ballots_cast (BallotsCast), invalid
                                                     (BallotsRejected)
    GpUnit[@id = ElectionDistrictId].VotersRegistered -> registered

Counts of Type ``seats`` (what the exporter writes) are not votes and are skipped. Counts per
reporting unit only (precinct-level reports without contest-wide counts) are refused rather than
added up, since reporting units may nest; so are counts by round and counts suppressed for privacy.
Every object read is checked against the schema's properties for its type: an unknown property
is an error with a did-you-mean (free data: keys starting with ``x-``).

Documents written to a pre-release draft of v2 are read too, with a note in every output:
``BallotSelection`` for ``ContestSelection``, ``ElectoralDistrictId`` for ``ElectionDistrictId``,
counts without ``GpUnitId`` (contest-wide), ``Contest.SummaryCounts`` for the election's
``BallotCounts``, plain strings for ``InternationalizedText``, and seats as ``Type "other"``
with ``OtherType "seats"`` (hemicycle's exports before it followed the official schema).

Export. An ``ElectionReport`` with one ``PartyContest`` for the chamber: a ``PartySelection`` per
list with its votes (Type ``total``) and its seats (Type ``seats``), and one per appointed group
with its seats only; every count names the chamber's ``ReportingUnit``. The allocation's notes are
in the report's ``Notes``. (The format has no place for ``valid`` or ``against_all``: they are not
exported; the valid votes are the lists' votes when the vote file holds every list.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hemicycle.figures import Raw, Row
from hemicycle.reading import BadValue, KeyTable, VoteFileError, json_int, kind, render_path, strict_json

if TYPE_CHECKING:
    from hemicycle.interpreter import AllocationResult

PREFIX = "ElectionResults."
REPORT = re.compile(r'"@type"\s*:\s*"(?:ElectionResults\.)?ElectionReport"')


def looks_like_nist(text: str) -> bool:
    """A JSON object whose ``@type`` is an ElectionReport."""
    return text.lstrip().startswith("{") and REPORT.search(text) is not None


# The official v2 properties of each type the reader reads (plus the draft's names, read with a note).
_PARTY = ("@id", "@type", "Abbreviation", "Color", "ContactInformation", "ExternalIdentifier",
          "IsRecognizedParty", "LeaderPersonIds", "LogoUri", "Name", "PartyScopeGpUnitIds", "Slogan")
_CONTEST = ("@id", "@type", "Abbreviation", "BallotSubTitle", "BallotTitle", "ContestSelection", "CountStatus",
            "ElectionDistrictId", "ExternalIdentifier", "HasRotation", "Name", "OtherCounts", "OtherVoteVariation",
            "SequenceOrder", "SubUnitsReported", "TotalSubUnits", "VoteVariation")
KEYS: dict[str, KeyTable] = {
    "ElectionReport": KeyTable("an ElectionReport", data=(
        "@type", "Election", "ExternalIdentifier", "Format", "GeneratedDate", "GpUnit", "Header", "IsTest",
        "Issuer", "IssuerAbbreviation", "Notes", "Office", "OfficeGroup", "Party", "Person", "SequenceEnd",
        "SequenceStart", "Status", "TestType", "VendorApplicationId")),
    "Party": KeyTable("a Party", data=_PARTY),
    "Coalition": KeyTable("a Coalition", data=(*_PARTY, "ContestIds", "PartyIds")),
    "ReportingUnit": KeyTable("a ReportingUnit", data=(
        "@id", "@type", "AuthorityIds", "ComposingGpUnitIds", "ContactInformation", "CountStatus",
        "ElectionAdministration", "ExternalIdentifier", "IsDistricted", "IsMailOnly", "Name", "Number",
        "OtherType", "PartyRegistration", "SpatialDimension", "SubUnitsReported", "TotalSubUnits", "Type",
        "VotersParticipated", "VotersRegistered")),
    "Election": KeyTable("an Election", data=(
        "@type", "BallotCounts", "BallotStyle", "Candidate", "ContactInformation", "Contest", "CountStatus",
        "ElectionScopeId", "EndDate", "ExternalIdentifier", "Name", "OtherType", "StartDate", "Type")),
    "PartyContest": KeyTable("a PartyContest", data=_CONTEST, notes=("BallotSelection", "ElectoralDistrictId",
                                                                      "SummaryCounts")),
    "CandidateContest": KeyTable("a CandidateContest", data=(
        *_CONTEST, "NumberElected", "NumberRunoff", "OfficeIds", "PrimaryPartyIds", "VotesAllowed"),
        notes=("BallotSelection", "ElectoralDistrictId", "SummaryCounts")),
    "PartySelection": KeyTable("a PartySelection", data=("@id", "@type", "PartyIds", "SequenceOrder", "VoteCounts")),
    "VoteCounts": KeyTable("a VoteCounts", data=(
        "@type", "Count", "DeviceClass", "GpUnitId", "IsSuppressedForPrivacy", "OtherType", "Round", "Type")),
    "BallotCounts": KeyTable("a BallotCounts", data=(
        "@type", "BallotsCast", "BallotsOutstanding", "BallotsRejected", "DeviceClass", "GpUnitId",
        "IsSuppressedForPrivacy", "OtherType", "Round", "Type")),
    "SummaryCounts": KeyTable("a SummaryCounts (draft)", data=(
        "@type", "BallotsCast", "BallotsOutstanding", "BallotsRejected", "DeviceClass", "GpUnitId",
        "IsSuppressedForPrivacy", "OtherType", "Type", "Overvotes", "Undervotes", "WriteIns")),
}


def _type(obj: Any) -> str:
    return str(obj.get("@type", "")).removeprefix(PREFIX) if isinstance(obj, dict) else ""


@dataclass
class _Reader:
    """One report being read: the file name for messages and the draft names met."""

    file: str
    drafts: list[str] = field(default_factory=list)

    def fail(self, message: str, where: str | None = None) -> VoteFileError:
        return VoteFileError(self.file, message, field=where)

    def draft(self, what: str) -> None:
        if what not in self.drafts:
            self.drafts.append(what)

    def check(self, obj: dict[str, Any], type_name: str, where: str) -> None:
        KEYS[type_name].check(obj, self.file, prefix=f"{where}." if where else "")

    def array(self, obj: dict[str, Any], key: str, where: str) -> list[Any]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"expected an array, got {kind(value)}", f"{where}.{key}" if where else key)
        return value

    def ident(self, obj: dict[str, Any], key: str, where: str) -> str | None:
        """An identifier (``@id``, ``ElectionDistrictId``, ...): a string, or None when absent."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f"expected an identifier (a string), got {kind(value)}", f"{where}.{key}")
        return value

    def text(self, value: Any, where: str) -> str:
        """The first text of an InternationalizedText (a plain string: the draft's form)."""
        if value is None:
            return ""
        if isinstance(value, str):
            self.draft("plain strings for InternationalizedText")
            return value
        if isinstance(value, dict):
            texts = value.get("Text")
            if isinstance(texts, list):
                for item in texts:
                    if isinstance(item, dict) and isinstance(item.get("Content"), str):
                        return str(item["Content"])
        raise self.fail(f"expected an InternationalizedText, got {kind(value)}", where)

    def figure(self, value: Any, where: str) -> int:
        try:
            return json_int(value)
        except BadValue as bad:
            raise self.fail(bad.message, where) from None


def _where(path: tuple[str | int, ...]) -> tuple[int | None, str | None]:
    return None, render_path(path) or None


def parse_nist(text: str, file: str, *, contest: str | None = None) -> Raw:
    """The figures of one contest of a NIST 1500-100 v2 JSON report (see the module docstring)."""
    data = strict_json(text, file, _where)
    if not isinstance(data, dict) or _type(data) != "ElectionReport":
        raise VoteFileError(file, 'not a NIST 1500-100 ElectionReport (no "@type": "ElectionResults.ElectionReport")')
    reader = _Reader(file)
    reader.check(data, "ElectionReport", "")
    parties = _parties(reader, data)
    gpunits: dict[str, dict[str, Any]] = {}
    for i, unit in enumerate(reader.array(data, "GpUnit", "")):
        where = f"GpUnit[{i}]"
        if not isinstance(unit, dict):
            raise reader.fail(f"expected an object, got {kind(unit)}", where)
        ident = reader.ident(unit, "@id", where)
        if ident is None:
            raise reader.fail("a GpUnit needs an @id", where)
        gpunits[ident] = unit

    path, election, item = _choose(reader, data, contest)
    reader.check(item, _type(item), path)
    raw = Raw(is_csv=True)  # no hints about the hemicycle JSON format in messages
    election_name = reader.text(election.get("Name"), f"{path.rsplit('.', 1)[0]}.Name")
    contest_name = item.get("Name") if isinstance(item.get("Name"), str) else ""
    raw.name = (f"{election_name} ({contest_name})" if election_name and contest_name
                and contest_name != election_name else election_name or contest_name)
    district = reader.ident(item, "ElectionDistrictId", path)
    if district is None:
        district = reader.ident(item, "ElectoralDistrictId", path)
        if district is not None:
            reader.draft("ElectoralDistrictId for ElectionDistrictId")
    key = _selections_key(reader, item)
    for k, selection in enumerate(reader.array(item, key, path)):
        if _type(selection) != "PartySelection":
            continue
        row = _selection(reader, selection, f"{path}.{key}[{k}]", district, parties)
        if row is not None:
            raw.add_row(row, file)
    if not raw.rows:
        raise reader.fail("no PartySelection with vote counts", f"{path}.{key}")
    _ballot_counts(reader, election, item, path, district, raw)
    unit = gpunits.get(district) if district is not None else None
    if unit is not None:
        where = f"GpUnit[@id={district}]"
        if _type(unit) == "ReportingUnit":
            reader.check(unit, "ReportingUnit", where)
        if unit.get("VotersRegistered") is not None:
            raw.totals["registered"] = reader.figure(unit["VotersRegistered"], f"{where}.VotersRegistered")
            raw.origins["registered"] = (None, f"{where}.VotersRegistered")
    if reader.drafts:
        raw.notes.append("the NIST 1500-100 report uses names of a pre-release draft of v2 ("
                         + "; ".join(reader.drafts) + "); read as the official v2 names")
    return raw


def _parties(reader: _Reader, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    parties: dict[str, dict[str, Any]] = {}
    for i, party in enumerate(reader.array(data, "Party", "")):
        where = f"Party[{i}]"
        if not isinstance(party, dict):
            raise reader.fail(f"expected an object, got {kind(party)}", where)
        ident = reader.ident(party, "@id", where)
        if ident is None:
            raise reader.fail("a Party needs an @id", where)
        reader.check(party, "Coalition" if _type(party) == "Coalition" else "Party", where)
        parties[ident] = party
    return parties


def _selections_key(reader: _Reader, item: dict[str, Any]) -> str:
    if "ContestSelection" in item:
        return "ContestSelection"
    if "BallotSelection" in item:
        reader.draft("BallotSelection for ContestSelection")
        return "BallotSelection"
    return "ContestSelection"


def _choose(reader: _Reader, data: dict[str, Any], contest: str | None) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The party contest asked for, or the only one: (its path, its election, the contest)."""
    found: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    all_ids: list[str] = []
    for i, election in enumerate(reader.array(data, "Election", "")):
        if not isinstance(election, dict):
            raise reader.fail(f"expected an object, got {kind(election)}", f"Election[{i}]")
        reader.check(election, "Election", f"Election[{i}]")
        for j, item in enumerate(reader.array(election, "Contest", f"Election[{i}]")):
            if not isinstance(item, dict):
                continue
            where = f"Election[{i}].Contest[{j}]"
            ident = reader.ident(item, "@id", where) or ""
            all_ids.append(ident)
            selections = item.get("ContestSelection", item.get("BallotSelection")) or []
            has_parties = isinstance(selections, list) and any(_type(s) == "PartySelection" for s in selections)
            if _type(item) in ("PartyContest", "CandidateContest") and has_parties:
                found.append((where, election, item))
    if contest is not None:
        chosen = [f for f in found if f[2].get("@id") == contest]
        if not chosen:
            known = ", ".join(f'"{f[2].get("@id")}"' for f in found) or "none"
            why = " (it has no party selections)" if contest in all_ids else ""
            raise reader.fail(f'no party contest with @id "{contest}"{why}; party contests: {known}',
                              "Election[].Contest[]")
        found = chosen[:1]
    if not found:
        raise reader.fail("no PartyContest (or CandidateContest with PartySelections): the report gives no "
                          "votes for lists", "Election[].Contest[]")
    if len(found) > 1:
        known = ", ".join(f'"{f[2].get("@id")}"' for f in found)
        raise reader.fail(f"the report has {len(found)} party contests ({known}): choose one with --contest ID",
                          "Election[].Contest[]")
    return found[0]


def _is_seats(reader: _Reader, count: dict[str, Any]) -> bool:
    if count.get("Type") == "seats":
        return True
    if count.get("Type") == "other" and str(count.get("OtherType", "")).strip().lower() == "seats":
        reader.draft('seats as Type "other", OtherType "seats"')
        return True
    return False


def _contest_wide(reader: _Reader, count: dict[str, Any], district: str | None, where: str) -> bool:
    unit = reader.ident(count, "GpUnitId", where)
    if unit is None:
        reader.draft("counts without GpUnitId")
        return True
    return unit == district


def _selection(reader: _Reader, selection: dict[str, Any], where: str, district: str | None,
               parties: dict[str, dict[str, Any]]) -> Row | None:
    reader.check(selection, "PartySelection", where)
    ids = selection.get("PartyIds")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise reader.fail("a PartySelection needs PartyIds, an array of Party @ids", f"{where}.PartyIds")
    abbrs, names = [], []
    for party_id in ids:
        party = parties.get(party_id)
        if party is None:
            raise reader.fail(f'"{party_id}" is not the @id of a Party of the report', f"{where}.PartyIds")
        abbr = reader.text(party.get("Abbreviation"), f"Party[@id={party_id}].Abbreviation").strip()
        abbrs.append(abbr or party_id)
        names.append(reader.text(party.get("Name"), f"Party[@id={party_id}].Name") or abbrs[-1])
    label = "+".join(abbrs)
    counts = selection.get("VoteCounts")
    if not isinstance(counts, list) or not counts:
        raise reader.fail(f"no VoteCounts for {label}", f"{where}.VoteCounts")
    indexed: list[tuple[int, dict[str, Any]]] = []
    for m, count in enumerate(counts):
        if not isinstance(count, dict):
            raise reader.fail(f"expected a VoteCounts object, got {kind(count)}", f"{where}.VoteCounts[{m}]")
        reader.check(count, "VoteCounts", f"{where}.VoteCounts[{m}]")
        if not _is_seats(reader, count):
            indexed.append((m, count))
    if not indexed:
        return None  # seats only (an appointed group in an exported report)
    wide = [(m, c) for m, c in indexed if _contest_wide(reader, c, district, f"{where}.VoteCounts[{m}]")]
    if not wide:
        raise reader.fail(f"{label} has counts per reporting unit only; hemicycle needs the contest's total "
                          "(a VoteCounts whose GpUnitId is the contest's ElectionDistrictId)", f"{where}.VoteCounts")
    for m, count in wide:
        if count.get("Round") is not None or count.get("IsSuppressedForPrivacy") is True:
            what = "a count by round" if count.get("Round") is not None else "a count suppressed for privacy"
            raise reader.fail(f"{label}: {what} is not the list's votes", f"{where}.VoteCounts[{m}]")
    totals = [(m, c) for m, c in wide if c.get("Type") == "total"]
    if len(totals) > 1:
        raise reader.fail(f'{label} has {len(totals)} contest-wide counts of Type "total"',
                          f"{where}.VoteCounts[{totals[1][0]}]")
    votes = sum(reader.figure(count.get("Count"), f"{where}.VoteCounts[{m}].Count") for m, count in totals or wide)
    order = selection.get("SequenceOrder")
    if order is not None:
        order = reader.figure(order, f"{where}.SequenceOrder") or None
    return Row(row=0, abbr=label, votes=votes, name=" + ".join(names), ballot_order=order)


def _ballot_counts(reader: _Reader, election: dict[str, Any], item: dict[str, Any], path: str,
                   district: str | None, raw: Raw) -> None:
    """ballots_cast and invalid: the election's BallotCounts for the contest's district (official)
    or the contest's SummaryCounts (draft)."""
    election_path = path.rsplit(".", 1)[0]
    sources = [(f"{election_path}.BallotCounts", "BallotCounts", reader.array(election, "BallotCounts", election_path))]
    if item.get("SummaryCounts") is not None:
        reader.draft("Contest.SummaryCounts for Election.BallotCounts")
        sources.append((f"{path}.SummaryCounts", "SummaryCounts", reader.array(item, "SummaryCounts", path)))
    wide: list[tuple[str, dict[str, Any]]] = []
    for where, type_name, counts in sources:
        for n, count in enumerate(counts):
            if not isinstance(count, dict):
                raise reader.fail(f"expected an object, got {kind(count)}", f"{where}[{n}]")
            reader.check(count, type_name, f"{where}[{n}]")
            unit = reader.ident(count, "GpUnitId", f"{where}[{n}]")
            if count.get("Type") == "total" and (unit == district or (unit is None and type_name == "SummaryCounts")):
                wide.append((f"{where}[{n}]", count))
    if len(wide) > 1:
        raise reader.fail(f'more than one count of ballots of Type "total" for the contest\'s district '
                          f"({wide[0][0]} and {wide[1][0]})", wide[1][0])
    for where, count in wide:
        for key, total in (("BallotsCast", "ballots_cast"), ("BallotsRejected", "invalid")):
            if count.get(key) is not None:
                raw.totals[total] = reader.figure(count[key], f"{where}.{key}")
                raw.origins[total] = (None, f"{where}.{key}")


# --- export ---------------------------------------------------------------------------------------


def _itext(text: str) -> dict[str, Any]:
    # The language of names in a vote file is not known: "und" (BCP 47 "undetermined").
    return {"@type": PREFIX + "InternationalizedText",
            "Text": [{"@type": PREFIX + "LanguageString", "Content": text, "Language": "und"}]}


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def export_nist(result: AllocationResult, *, date: str, generated: dt.datetime | None = None,
                version: str = "") -> dict[str, Any]:
    """The allocation as a NIST 1500-100 v2 ``ElectionReport`` (see the module docstring).

    ``date`` is the election day (YYYY-MM-DD), which the format requires and a vote file may lack.
    """
    dt.date.fromisoformat(date)  # ValueError for anything else
    generated = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    election = result.election
    unit = "gpu-" + _ident(result.chamber)
    parties: list[dict[str, Any]] = []
    selections: list[dict[str, Any]] = []

    def count(kind_: str, n: int) -> dict[str, Any]:
        return {"@type": PREFIX + "VoteCounts", "GpUnitId": unit, "Type": kind_, "Count": n}

    used: set[str] = set()

    def unique(ident: str) -> str:
        while ident in used:
            ident += "_"
        used.add(ident)
        return ident

    for entry in election.lists:
        pid = unique("party-" + _ident(entry.abbr))
        parties.append({"@type": PREFIX + "Party", "@id": pid, "Abbreviation": _itext(entry.abbr),
                        "Name": _itext(entry.label)})
        selection: dict[str, Any] = {
            "@type": PREFIX + "PartySelection", "@id": "sel-" + pid, "PartyIds": [pid],
            "VoteCounts": [count("total", entry.votes), count("seats", result.seats.get(entry.abbr, 0))],
        }
        if entry.ballot_order is not None:
            selection["SequenceOrder"] = entry.ballot_order
        selections.append(selection)
    for key, n in result.appointed.items():
        pid = unique("appointed-" + _ident(key))
        parties.append({"@type": PREFIX + "Party", "@id": pid, "Abbreviation": _itext(key),
                        "Name": _itext(result.appointed_names.get(key, key))})
        selections.append({"@type": PREFIX + "PartySelection", "@id": "sel-" + pid, "PartyIds": [pid],
                           "VoteCounts": [count("seats", n)]})
    contest: dict[str, Any] = {
        "@type": PREFIX + "PartyContest", "@id": "contest-" + _ident(result.chamber), "Name": result.chamber,
        "ElectionDistrictId": unit, "VoteVariation": "proportional", "ContestSelection": selections,
    }
    record: dict[str, Any] = {
        "@type": PREFIX + "Election", "Name": _itext(election.name or result.chamber),
        "ElectionScopeId": unit, "StartDate": date, "EndDate": date, "Type": "general",
        "Contest": [contest],
    }
    ballots: dict[str, Any] = {"@type": PREFIX + "BallotCounts", "GpUnitId": unit, "Type": "total"}
    if "ballots_cast" in election.totals:
        ballots["BallotsCast"] = election.totals["ballots_cast"]
    if "invalid" in election.totals:
        ballots["BallotsRejected"] = election.totals["invalid"]
    if len(ballots) > 3:
        record["BallotCounts"] = [ballots]
    gpunit: dict[str, Any] = {"@type": PREFIX + "ReportingUnit", "@id": unit, "Type": "other",
                              "OtherType": "electoral area of the chamber", "Name": _itext(result.chamber)}
    if "registered" in election.totals:
        gpunit["VotersRegistered"] = election.totals["registered"]
    notes = "Seats computed by hemicycle from the votes under a rule file; not an official result."
    if result.notes:
        notes += " Notes: " + " ".join(f"({i}) {n}" for i, n in enumerate(result.notes, start=1))
    return {
        "@type": PREFIX + "ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": generated.isoformat().replace("+00:00", "Z"),
        "Issuer": "hemicycle",
        "IssuerAbbreviation": "hemicycle",
        "Notes": notes,
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "unofficial-complete",
        "VendorApplicationId": f"hemicycle {version}".strip(),
        "GpUnit": [gpunit],
        "Party": parties,
        "Election": [record],
    }


def export_nist_text(result: AllocationResult, **kwargs: Any) -> str:
    return json.dumps(export_nist(result, **kwargs), indent=2, ensure_ascii=False) + "\n"
