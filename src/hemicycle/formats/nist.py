"""NIST SP 1500-100 v2 (Election Results Common Data Format), JSON: read votes, write seats.

Import. The contest is a ``PartyContest``, or a ``CandidateContest`` with ``PartySelection``\\ s,
chosen with ``--contest ID`` (its ``@id``) when the report has several::

    ElectionReport.Party[]                        -> abbr (Abbreviation, else @id) and name (Name)
    Election[].Contest[].BallotSelection[]        -> one list per PartySelection, in order
        PartyIds                                  ->   the parties (several: a joint list, "A+B")
        SequenceOrder                             ->   ballot_order
        VoteCounts[]                              ->   votes: the count of Type "total" for the
                                                       whole contest (no GpUnitId, or the contest's
                                                       ElectoralDistrictId); without one, the sum
                                                       of the contest-wide counts by other Types
    Contest.SummaryCounts[Type "total"]           -> ballots_cast (BallotsCast), invalid
                                                     (BallotsRejected)
    GpUnit[ElectoralDistrictId].VotersRegistered  -> registered

Counts per reporting unit only (precinct-level reports without contest-wide counts) are refused
rather than added up, since reporting units may nest. Counts of Type "other" with OtherType
"seats" (what the exporter writes) are not votes and are skipped.

Export. An ``ElectionReport`` with one ``PartyContest`` for the chamber: a ``PartySelection`` per
list with its votes (Type "total") and its seats, and one per appointed group with its seats only.
The v2 ``CountItemType`` enumeration has no "seats" value, so seats are written the way the
standard extends enumerations: ``"Type": "other", "OtherType": "seats"``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from hemicycle.figures import Raw, Row
from hemicycle.reading import BadValue, VoteFileError, json_int, kind, strict_json

if TYPE_CHECKING:
    from hemicycle.interpreter import AllocationResult

PREFIX = "ElectionResults."
REPORT = re.compile(r'"@type"\s*:\s*"(?:ElectionResults\.)?ElectionReport"')


def looks_like_nist(text: str) -> bool:
    """A JSON object whose ``@type`` is an ElectionReport."""
    return text.lstrip().startswith("{") and REPORT.search(text) is not None


def _type(obj: Any) -> str:
    return str(obj.get("@type", "")).removeprefix(PREFIX) if isinstance(obj, dict) else ""


def _list(obj: dict[str, Any], key: str, file: str, where: str) -> list[Any]:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise VoteFileError(file, f"expected an array, got {kind(value)}", field=f"{where}{key}")
    return value


def _text(value: Any) -> str:
    """The first text of an InternationalizedText (a plain string is taken as it is)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        texts = value.get("Text")
        if isinstance(texts, list):
            for item in texts:
                if isinstance(item, dict) and isinstance(item.get("Content"), str):
                    return item["Content"]
    return ""


def parse_nist(text: str, file: str, *, contest: str | None = None) -> Raw:
    """The figures of one contest of a NIST 1500-100 v2 JSON report (see the module docstring)."""
    data = strict_json(text, file)
    if not isinstance(data, dict) or _type(data) != "ElectionReport":
        raise VoteFileError(file, 'not a NIST 1500-100 ElectionReport (no "@type": "ElectionResults.ElectionReport")')
    parties: dict[str, dict[str, Any]] = {}
    for i, party in enumerate(_list(data, "Party", file, "")):
        if isinstance(party, dict) and isinstance(party.get("@id"), str):
            parties[party["@id"]] = party
        else:
            raise VoteFileError(file, "a Party needs an @id", field=f"Party[{i}]")
    gpunits = {g["@id"]: g for g in _list(data, "GpUnit", file, "") if isinstance(g, dict) and "@id" in g}

    found: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # (path, election, contest)
    all_ids: list[str] = []
    for i, election in enumerate(_list(data, "Election", file, "")):
        if not isinstance(election, dict):
            raise VoteFileError(file, f"expected an object, got {kind(election)}", field=f"Election[{i}]")
        for j, item in enumerate(_list(election, "Contest", file, f"Election[{i}].")):
            if not isinstance(item, dict):
                continue
            all_ids.append(str(item.get("@id", "")))
            selections = item.get("BallotSelection") or []
            has_parties = isinstance(selections, list) and any(_type(s) == "PartySelection" for s in selections)
            if _type(item) in ("PartyContest", "CandidateContest") and has_parties:
                found.append((f"Election[{i}].Contest[{j}]", election, item))
    if contest is not None:
        chosen = [f for f in found if f[2].get("@id") == contest]
        if not chosen:
            known = ", ".join(f'"{f[2].get("@id")}"' for f in found) or "none"
            why = " (it has no party selections)" if contest in all_ids else ""
            raise VoteFileError(file, f'no party contest with @id "{contest}"{why}; party contests: {known}',
                                field="Election[].Contest[]")
        found = chosen[:1]
    if not found:
        raise VoteFileError(file, "no PartyContest (or CandidateContest with PartySelections): the report "
                                  "gives no votes for lists", field="Election[].Contest[]")
    if len(found) > 1:
        known = ", ".join(f'"{f[2].get("@id")}"' for f in found)
        raise VoteFileError(file, f"the report has {len(found)} party contests ({known}): choose one with "
                                  "--contest ID", field="Election[].Contest[]")
    path, election, item = found[0]
    raw = Raw(is_csv=True)  # no hints about the hemicycle JSON format in messages
    election_name, contest_name = _text(election.get("Name")), str(item.get("Name") or "")
    raw.name = (f"{election_name} ({contest_name})" if election_name and contest_name
                and contest_name != election_name else election_name or contest_name)
    district = item.get("ElectoralDistrictId")
    for k, selection in enumerate(item["BallotSelection"]):
        if _type(selection) != "PartySelection":
            continue
        row = _selection(selection, f"{path}.BallotSelection[{k}]", district, parties, file)
        if row is not None:
            raw.add_row(row, file)
    if not raw.rows:
        raise VoteFileError(file, "no PartySelection with vote counts", field=f"{path}.BallotSelection")
    _summary(item, path, district, raw, file)
    unit = gpunits.get(district) if isinstance(district, str) else None
    if unit is not None and unit.get("VotersRegistered") is not None:
        where = f"GpUnit[@id={district}].VotersRegistered"
        try:
            raw.totals["registered"] = json_int(unit["VotersRegistered"])
        except BadValue as bad:
            raise VoteFileError(file, bad.message, field=where) from None
        raw.origins["registered"] = (None, where)
    return raw


def _contest_wide(count: dict[str, Any], district: Any) -> bool:
    unit = count.get("GpUnitId")
    return unit is None or unit == district


def _is_seats(count: dict[str, Any]) -> bool:
    return count.get("Type") == "other" and str(count.get("OtherType", "")).strip().lower() == "seats"


def _selection(selection: dict[str, Any], where: str, district: Any, parties: dict[str, dict[str, Any]],
               file: str) -> Row | None:
    ids = selection.get("PartyIds")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise VoteFileError(file, "a PartySelection needs PartyIds, an array of Party @ids", field=f"{where}.PartyIds")
    abbrs, names = [], []
    for party_id in ids:
        party = parties.get(party_id)
        if party is None:
            raise VoteFileError(file, f'"{party_id}" is not the @id of a Party of the report',
                                field=f"{where}.PartyIds")
        abbr = party.get("Abbreviation")
        abbrs.append(abbr.strip() if isinstance(abbr, str) and abbr.strip() else party_id)
        names.append(_text(party.get("Name")) or abbrs[-1])
    counts = selection.get("VoteCounts")
    if not isinstance(counts, list) or not counts:
        raise VoteFileError(file, f"no VoteCounts for {'+'.join(abbrs)}", field=f"{where}.VoteCounts")
    indexed = [(m, c) for m, c in enumerate(counts) if isinstance(c, dict) and not _is_seats(c)]
    if not indexed:
        return None  # seats only (an appointed group in an exported report)
    wide = [(m, c) for m, c in indexed if _contest_wide(c, district)]
    if not wide:
        raise VoteFileError(
            file, f"{'+'.join(abbrs)} has counts per reporting unit only; hemicycle needs the contest's "
                  "total (a VoteCounts without GpUnitId, or with the contest's ElectoralDistrictId)",
            field=f"{where}.VoteCounts")
    totals = [(m, c) for m, c in wide if c.get("Type") == "total"]
    if len(totals) > 1:
        raise VoteFileError(file, f"{'+'.join(abbrs)} has {len(totals)} contest-wide counts of Type \"total\"",
                            field=f"{where}.VoteCounts[{totals[1][0]}]")
    votes = 0
    for m, count in totals or wide:
        try:
            votes += json_int(count.get("Count"))
        except BadValue as bad:
            raise VoteFileError(file, bad.message, field=f"{where}.VoteCounts[{m}].Count") from None
    order = selection.get("SequenceOrder")
    return Row(row=0, abbr="+".join(abbrs), votes=votes, name=" + ".join(names),
                ballot_order=order if isinstance(order, int) and not isinstance(order, bool) and order > 0 else None)


def _summary(item: dict[str, Any], path: str, district: Any, raw: Raw, file: str) -> None:
    summaries = item.get("SummaryCounts") or []
    if not isinstance(summaries, list):
        return
    wide = [(n, s) for n, s in enumerate(summaries)
            if isinstance(s, dict) and s.get("Type") == "total" and _contest_wide(s, district)]
    if len(wide) > 1:
        raise VoteFileError(file, 'more than one contest-wide SummaryCounts of Type "total"',
                            field=f"{path}.SummaryCounts[{wide[1][0]}]")
    for n, summary in wide:
        for key, total in (("BallotsCast", "ballots_cast"), ("BallotsRejected", "invalid")):
            if summary.get(key) is None:
                continue
            where = f"{path}.SummaryCounts[{n}].{key}"
            try:
                raw.totals[total] = json_int(summary[key])
            except BadValue as bad:
                raise VoteFileError(file, bad.message, field=where) from None
            raw.origins[total] = (None, where)


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

    def seats_count(n: int) -> dict[str, Any]:
        return {"@type": PREFIX + "VoteCounts", "Type": "other", "OtherType": "seats", "Count": n}

    used: set[str] = set()
    for entry in election.lists:
        pid = "party-" + _ident(entry.abbr)
        while pid in used:
            pid += "_"
        used.add(pid)
        parties.append({"@type": PREFIX + "Party", "@id": pid, "Abbreviation": entry.abbr,
                        "Name": _itext(entry.label)})
        selection: dict[str, Any] = {
            "@type": PREFIX + "PartySelection", "@id": "sel-" + pid.removeprefix("party-"), "PartyIds": [pid],
            "VoteCounts": [{"@type": PREFIX + "VoteCounts", "Type": "total", "Count": entry.votes},
                           seats_count(result.seats.get(entry.abbr, 0))],
        }
        if entry.ballot_order is not None:
            selection["SequenceOrder"] = entry.ballot_order
        selections.append(selection)
    for key, n in result.appointed.items():
        pid = "appointed-" + _ident(key)
        parties.append({"@type": PREFIX + "Party", "@id": pid, "Abbreviation": key,
                        "Name": _itext(result.appointed_names.get(key, key))})
        selections.append({"@type": PREFIX + "PartySelection", "@id": "sel-" + pid, "PartyIds": [pid],
                           "VoteCounts": [seats_count(n)]})
    contest: dict[str, Any] = {
        "@type": PREFIX + "PartyContest", "@id": "contest-" + _ident(result.chamber), "Name": result.chamber,
        "ElectoralDistrictId": unit, "VoteVariation": "proportional", "BallotSelection": selections,
    }
    summary: dict[str, Any] = {"@type": PREFIX + "SummaryCounts", "Type": "total"}
    if "ballots_cast" in election.totals:
        summary["BallotsCast"] = election.totals["ballots_cast"]
    if "invalid" in election.totals:
        summary["BallotsRejected"] = election.totals["invalid"]
    if len(summary) > 2:
        contest["SummaryCounts"] = [summary]
    gpunit: dict[str, Any] = {"@type": PREFIX + "ReportingUnit", "@id": unit, "Type": "other",
                              "OtherType": "electoral area of the chamber", "Name": result.chamber}
    if "registered" in election.totals:
        gpunit["VotersRegistered"] = election.totals["registered"]
    return {
        "@type": PREFIX + "ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": generated.isoformat().replace("+00:00", "Z"),
        "Issuer": "hemicycle",
        "IssuerAbbreviation": "hemicycle",
        "Notes": "Seats computed by hemicycle from the votes under a rule file; not an official result.",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "unofficial-complete",
        "VendorApplicationId": f"hemicycle {version}".strip(),
        "GpUnit": [gpunit],
        "Party": parties,
        "Election": [{
            "@type": PREFIX + "Election", "Name": _itext(election.name or result.chamber),
            "ElectionScopeId": unit, "StartDate": date, "EndDate": date, "Type": "general",
            "Contest": [contest],
        }],
    }


def export_nist_text(result: AllocationResult, **kwargs: Any) -> str:
    return json.dumps(export_nist(result, **kwargs), indent=2, ensure_ascii=False) + "\n"
