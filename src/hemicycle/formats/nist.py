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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hemicycle.election import TOTALS
from hemicycle.figures import Raw, Row, read_district_data
from hemicycle.formats import nist_units
from hemicycle.reading import BadValue, KeyTable, VoteFileError, json_int, kind, render_path, strict_json

if TYPE_CHECKING:
    from hemicycle.election import Election
    from hemicycle.interpreter import AllocationResult

UnitIds = dict[tuple[str, str], str]  # a unit's (level, name) -> its @id

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
    "OtherCounts": KeyTable("an OtherCounts", data=(
        "@type", "DeviceClass", "GpUnitId", "Overvotes", "Undervotes", "WriteIns")),
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
    parties = _by_id(reader, data, "Party", lambda party, where: reader.check(party, _party_kind(party), where))
    gpunits = _by_id(reader, data, "GpUnit")

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
    counts = nist_units.UnitCounts()
    national: list[tuple[str, bool]] = []  # (its place, whether it gives a contest-wide count)
    for k, selection in enumerate(reader.array(item, key, path)):
        if _type(selection) != "PartySelection":
            continue
        where = f"{path}.{key}[{k}]"
        found = _selection(reader, selection, where, district, parties, counts, gpunits)
        if found is not None:
            raw.add_row(found[0], file)
            national.append((where, found[1]))
    composing = _composing(gpunits, district)
    if not raw.rows and not composing:
        raise reader.fail("no PartySelection with vote counts", f"{path}.{key}")
    unit_totals = _ballot_counts(reader, election, item, path, district, raw)
    if counts.votes or counts.seats or composing:
        _units(reader, raw, counts, unit_totals, gpunits, national, composing)
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


def _party_kind(party: dict[str, Any]) -> str:
    return "Coalition" if _type(party) == "Coalition" else "Party"


def _by_id(reader: _Reader, data: dict[str, Any], key: str,
           check: Callable[[dict[str, Any], str], None] | None = None) -> dict[str, dict[str, Any]]:
    """The report's array ``key`` (Party, GpUnit) by @id: each item an object with an @id, and
    ``check``-ed (in the array's order) when given."""
    found: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(reader.array(data, key, "")):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise reader.fail(f"expected an object, got {kind(item)}", where)
        ident = reader.ident(item, "@id", where)
        if ident is None:
            raise reader.fail(f"a {key} needs an @id", where)
        if check is not None:
            check(item, where)
        found[ident] = item
    return found


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
            elif _type(item) == "PartyContest" and not selections:
                found.append((where, election, item))  # no lists: an apportionment to its units
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
               parties: dict[str, dict[str, Any]], units: nist_units.UnitCounts,
               gpunits: dict[str, dict[str, Any]]) -> tuple[Row, bool] | None:
    """The list of one PartySelection, and whether it gives a contest-wide count (else its votes
    are the sum of its counts per unit); its counts per unit go into ``units``."""
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
    tags, size = nist_units.party_kinds([parties[i] for i in ids], where, reader.fail)
    counts = selection.get("VoteCounts")
    if not isinstance(counts, list) or not counts:
        raise reader.fail(f"no VoteCounts for {label}", f"{where}.VoteCounts")
    indexed: list[tuple[int, dict[str, Any]]] = []
    per_unit: list[tuple[int, dict[str, Any]]] = []
    for m, count in enumerate(counts):
        if not isinstance(count, dict):
            raise reader.fail(f"expected a VoteCounts object, got {kind(count)}", f"{where}.VoteCounts[{m}]")
        reader.check(count, "VoteCounts", f"{where}.VoteCounts[{m}]")
        if not _contest_wide(reader, count, district, f"{where}.VoteCounts[{m}]"):
            per_unit.append((m, count))
        elif not _is_seats(reader, count):
            indexed.append((m, count))
    _unit_counts(reader, label, per_unit, where, units, gpunits)
    if not indexed and not any(label in v for v in units.votes.values()):
        return None  # seats only (an appointed group in an exported report)
    wide = indexed
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
    extra = {"coalition_size": size} if size is not None else {}
    return Row(row=0, abbr=label, votes=votes, name=" + ".join(names), ballot_order=order, tags=tags,
               extra=extra), bool(wide)


def _unit_counts(reader: _Reader, label: str, per_unit: list[tuple[int, dict[str, Any]]], where: str,
                 units: nist_units.UnitCounts, gpunits: dict[str, dict[str, Any]]) -> None:
    """A list's counts per reporting unit: its votes (Type "total", else the sum of the other Types)
    and its seats there."""
    votes: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for m, count in per_unit:
        at = f"{where}.VoteCounts[{m}]"
        unit = str(count.get("GpUnitId"))
        if unit not in gpunits:
            raise reader.fail(f'{label}: "{unit}" is not the @id of a GpUnit of the report', f"{at}.GpUnitId")
        if count.get("Round") is not None or count.get("IsSuppressedForPrivacy") is True:
            what = "a count by round" if count.get("Round") is not None else "a count suppressed for privacy"
            raise reader.fail(f"{label}: {what} is not the list's votes", at)
        if _is_seats(reader, count):
            if unit in units.seats and label in units.seats[unit]:
                raise reader.fail(f"{label}: a second count of seats in {unit}", at)
            units.add(unit, label, None, reader.figure(count.get("Count"), f"{at}.Count"), at)
        else:
            votes.setdefault(unit, []).append((m, count))
    for unit, found in votes.items():
        totals = [(m, c) for m, c in found if c.get("Type") == "total"]
        if len(totals) > 1:
            raise reader.fail(f'{label} has {len(totals)} counts of Type "total" in {unit}',
                              f"{where}.VoteCounts[{totals[1][0]}]")
        n = sum(reader.figure(c.get("Count"), f"{where}.VoteCounts[{m}].Count") for m, c in totals or found)
        units.add(unit, label, n, None, f"{where}.VoteCounts[{(totals or found)[0][0]}]")


def _composing(gpunits: dict[str, dict[str, Any]], district: str | None) -> set[str]:
    """The @ids of the GpUnits the contest's district is composed of, at any depth."""
    out: set[str] = set()
    todo = [district] if district is not None else []
    while todo:
        unit = gpunits.get(todo.pop())
        for child in (unit or {}).get("ComposingGpUnitIds") or []:
            if isinstance(child, str) and child in gpunits and child not in out and child != district:
                out.add(child)
                todo.append(child)
    return out


def _units(reader: _Reader, raw: Raw, counts: nist_units.UnitCounts, unit_totals: dict[str, dict[str, int]],
           gpunits: dict[str, dict[str, Any]], national: list[tuple[str, bool]], composing: set[str]) -> None:
    """The reporting units the contest counts in or its district is composed of, as districts
    (``hemicycle.formats.nist_units``)."""
    used = [(uid, u, f"GpUnit[@id={uid}]") for uid, u in gpunits.items()
            if uid in counts.votes or uid in counts.seats or uid in unit_totals or uid in composing]
    for uid, u, where in used:
        if _type(u) != "ReportingUnit":
            raise reader.fail(f"counts are given for {uid}, which is not a ReportingUnit", where)
        reader.check(u, "ReportingUnit", where)
    districts, places = nist_units.districts_data(used, counts, unit_totals, reader.text, reader.figure,
                                                  lambda message, where: reader.fail(message, where))
    data: dict[str, Any] = {
        "parties": [{"abbr": r.abbr, "votes": r.votes if given else None} for r, (_, given) in zip(
            raw.rows, national, strict=True)],
        "totals": {k: v for k, v in raw.totals.items() if k in TOTALS},
        "districts": districts,
    }
    locate = nist_units.locator(places)
    try:
        read_district_data(data, reader.file, raw)
    except VoteFileError as exc:
        if exc.row is not None:
            raise reader.fail(exc.message, national[exc.row - 1][0]) from None
        raise reader.fail(exc.message, exc.field if (exc.field or "").startswith("totals.")
                          else locate(exc.field or "")[1]) from None
    for row, party in zip(raw.rows, data["parties"], strict=True):
        row.votes = party["votes"]
    for key, value in data["totals"].items():
        raw.totals.setdefault(key, value)
    raw.locate = locate


def _ballot_counts(reader: _Reader, election: dict[str, Any], item: dict[str, Any], path: str,
                   district: str | None, raw: Raw) -> dict[str, dict[str, int]]:
    """ballots_cast and invalid: the election's BallotCounts for the contest's district (official)
    or the contest's SummaryCounts (draft); blank: the contest's OtherCounts (Undervotes). The same
    figures for the other reporting units are returned (unit id -> totals)."""
    units: dict[str, dict[str, int]] = {}
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
            elif count.get("Type") == "total" and unit is not None and type_name == "BallotCounts":
                if unit in units:
                    raise reader.fail(f'a second count of ballots of Type "total" for {unit}', f"{where}[{n}]")
                units[unit] = {total: reader.figure(count[key], f"{where}[{n}].{key}") for key, total in (
                    ("BallotsCast", "ballots_cast"), ("BallotsRejected", "invalid")) if count.get(key) is not None}
    if len(wide) > 1:
        raise reader.fail(f'more than one count of ballots of Type "total" for the contest\'s district '
                          f"({wide[0][0]} and {wide[1][0]})", wide[1][0])
    for where, count in wide:
        for key, total in (("BallotsCast", "ballots_cast"), ("BallotsRejected", "invalid")):
            if count.get(key) is not None:
                raw.totals[total] = reader.figure(count[key], f"{where}.{key}")
                raw.origins[total] = (None, f"{where}.{key}")
    for n, count in enumerate(reader.array(item, "OtherCounts", path)):
        where = f"{path}.OtherCounts[{n}]"
        if not isinstance(count, dict):
            raise reader.fail(f"expected an object, got {kind(count)}", where)
        reader.check(count, "OtherCounts", where)
        if count.get("Undervotes") is None:
            continue
        unit = reader.ident(count, "GpUnitId", where)
        blank = reader.figure(count["Undervotes"], f"{where}.Undervotes")
        if unit == district:
            raw.totals["blank"] = blank
            raw.origins["blank"] = (None, f"{where}.Undervotes")
        elif unit is not None:
            units.setdefault(unit, {})["blank"] = blank
    return units


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
    used: set[str] = {unit}

    def unique(ident: str) -> str:
        while ident in used:
            ident += "_"
        used.add(ident)
        return ident

    ids = nist_units.unit_ids(election, unique)
    parties, selections = _party_selections(result, unit, ids, unique)
    contest: dict[str, Any] = {
        "@type": PREFIX + "PartyContest", "@id": "contest-" + _ident(result.chamber), "Name": result.chamber,
        "ElectionDistrictId": unit, "VoteVariation": "proportional", "ContestSelection": selections,
    }
    record: dict[str, Any] = {
        "@type": PREFIX + "Election", "Name": _itext(election.name or result.chamber),
        "ElectionScopeId": unit, "StartDate": date, "EndDate": date, "Type": "general",
        "Contest": [contest],
    }
    _add_ballot_counts(record, contest, election, unit, ids)
    return {
        "@type": PREFIX + "ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": generated.isoformat().replace("+00:00", "Z"),
        "Issuer": "hemicycle",
        "IssuerAbbreviation": "hemicycle",
        "Notes": _report_notes(result),
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "unofficial-complete",
        "VendorApplicationId": f"hemicycle {version}".strip(),
        "GpUnit": [_chamber_unit(result, unit, ids), *nist_units.reporting_units(election, ids, _itext)],
        "Party": parties,
        "Election": [record],
    }


def _party_selections(result: AllocationResult, unit: str, ids: UnitIds, unique: Callable[[str], str]
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A Party and its PartySelection (votes, seats, per unit) for each list, then one for each
    appointed group (seats only), their @ids made unique in that order."""
    parties: list[dict[str, Any]] = []
    selections: list[dict[str, Any]] = []

    def count(kind_: str, n: int) -> dict[str, Any]:
        return {"@type": PREFIX + "VoteCounts", "GpUnitId": unit, "Type": kind_, "Count": n}

    for entry in result.election.lists:
        pid = unique("party-" + _ident(entry.abbr))
        party: dict[str, Any] = {"@type": PREFIX + "Party", "@id": pid, "Abbreviation": _itext(entry.abbr),
                                 "Name": _itext(entry.label)}
        kinds = nist_units.party_identifiers(entry)
        if kinds:
            party["ExternalIdentifier"] = kinds
        parties.append(party)
        selection: dict[str, Any] = {
            "@type": PREFIX + "PartySelection", "@id": "sel-" + pid, "PartyIds": [pid],
            "VoteCounts": [count("total", entry.votes), count("seats", result.seats.get(entry.abbr, 0)),
                           *nist_units.unit_counts(result, entry.abbr, ids)],
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
    return parties, selections


def _add_ballot_counts(record: dict[str, Any], contest: dict[str, Any], election: Election, unit: str,
                       ids: UnitIds) -> None:
    """Ballots cast and rejected (the election's BallotCounts) and blank ballots (the contest's
    OtherCounts), the chamber's and each unit's, where the vote file gives them."""
    ballots: dict[str, Any] = {"@type": PREFIX + "BallotCounts", "GpUnitId": unit, "Type": "total"}
    if "ballots_cast" in election.totals:
        ballots["BallotsCast"] = election.totals["ballots_cast"]
    if "invalid" in election.totals:
        ballots["BallotsRejected"] = election.totals["invalid"]
    counts = ([ballots] if len(ballots) > 3 else []) + nist_units.ballot_counts(election.units, ids)
    if counts:
        record["BallotCounts"] = counts
    others = nist_units.other_counts(election.units, ids)
    if "blank" in election.totals:
        others.insert(0, {"@type": PREFIX + "OtherCounts", "GpUnitId": unit, "Undervotes": election.totals["blank"]})
    if others:
        contest["OtherCounts"] = others


def _chamber_unit(result: AllocationResult, unit: str, ids: UnitIds) -> dict[str, Any]:
    """The chamber's ReportingUnit: registered voters, and the units it is made of."""
    election = result.election
    gpunit: dict[str, Any] = {"@type": PREFIX + "ReportingUnit", "@id": unit, "Type": "other",
                              "OtherType": "electoral area of the chamber", "Name": _itext(result.chamber)}
    if "registered" in election.totals:
        gpunit["VotersRegistered"] = election.totals["registered"]
    if election.units:
        gpunit["ComposingGpUnitIds"] = nist_units.top_unit_ids(election, ids)
    return gpunit


def _report_notes(result: AllocationResult) -> str:
    notes = "Seats computed by hemicycle from the votes under a rule file; not an official result."
    if result.notes:
        notes += " Notes: " + " ".join(f"({i}) {n}" for i, n in enumerate(result.notes, start=1))
    return notes


def export_nist_text(result: AllocationResult, **kwargs: Any) -> str:
    return json.dumps(export_nist(result, **kwargs), indent=2, ensure_ascii=False) + "\n"
