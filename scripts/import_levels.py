"""Write the multi-tier records of the levels issue (issue 15) as hemicycle vote files.

    python scripts/import_levels.py SOURCE_DIR [NAME ...]

SOURCE_DIR holds the records (norway-2021.json ...; their shapes are described in the project's
docs/elections-data.md). Figures carry over unchanged; every total the file gives is checked by the
vote-file reader when the written file is read back. Writes src/hemicycle/elections/NAME.json.
This script is a development tool: neither the package nor the tests run it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "src" / "hemicycle" / "elections"


BLANK_VOID = {"valid": "votes_valid", "blank": "blank", "invalid": "void"}


def _head(rec: dict[str, Any]) -> dict[str, Any]:
    return {"election": rec["election"], "date": rec["date"], "body": rec["body"], "seats": rec["seats"],
            "rule": {"prose": rec["rule"]["prose"]}}


def _tail(out: dict[str, Any], rec: dict[str, Any], notes: str) -> dict[str, Any]:
    out["sources"] = rec["sources"]
    out["data_notes"] = rec["data_notes"] + (" " + notes if notes else "")
    return out


def _totals(t: dict[str, Any], mapping: dict[str, str]) -> dict[str, int]:
    return {ours: t[theirs] for ours, theirs in mapping.items() if t.get(theirs) is not None}


def _parties(parties: list[dict[str, Any]], *, no_votes_is_0: bool = False) -> list[dict[str, Any]]:
    """The national entries. An individual candidate (the record's "individual") is a list of one, a
    national minority's party ("national_minority") is tagged "minority"; with ``no_votes_is_0`` a
    party the record gives no votes (it stood only in constituencies) has 0."""
    out = []
    for p in parties:
        entry: dict[str, Any] = {"abbr": p["abbr"], "name": p["name"],
                                 "votes": (p["votes"] or 0) if no_votes_is_0 else p["votes"], "seats": p["seats"]}
        if p.get("individual"):
            entry["list_size"] = 1
        if p.get("national_minority"):
            entry["tags"] = ["minority"]
        out.append(entry)
    return out


def _counts(parties: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A unit's parties: votes and seats."""
    return [{"abbr": p["abbr"], "votes": p["votes"], "seats": p["seats"]} for p in parties]


def norway(rec: dict[str, Any]) -> dict[str, Any]:
    """District magnitude = the district seats (n - 1); the one levelling seat per district is the rule's."""
    out = _head(rec)
    out["parties"] = _parties(rec["national"]["parties"])
    out["totals"] = _totals(rec["national"]["totals"], {"valid": "votes_valid", "blank": "blank",
                                                        "invalid": "rejected"})
    out["districts"] = [{
        "name": d["name"], "seats": d["district_seats"],
        "totals": _totals(d["totals"], {"valid": "votes_valid", "blank": "blank", "invalid": "rejected"}),
        "parties": _counts(d["parties"]),
    } for d in rec["districts"]]
    return _tail(out, rec, "Here each district's seats are its district seats (the record's district_seats); "
                           "the one levelling seat of every district is stated by the rule file.")


def scotland(rec: dict[str, Any]) -> dict[str, Any]:
    """Regions (magnitude: the 7 regional seats, list votes) with their constituencies inside
    (magnitude 1, the candidates' votes). An individual regional candidate is a list of one."""
    out = _head(rec)
    out["parties"] = _parties(rec["national"]["parties"], no_votes_is_0=True)
    out["totals"] = {"valid": rec["national"]["totals"]["regional_votes_valid"]}
    districts = []
    for d in rec["districts"]:
        constituencies = []
        for c in d["constituencies"]:
            constituencies.append({
                "name": c["name"], "level": "constituency", "seats": c["seats"],
                "totals": {"valid": sum(x["votes"] for x in c["candidates"])},
                "candidates": [{"name": x["name"], "party": x["party"], "votes": x["votes"],
                                "seats": 1 if x["party"] == c["winner"] else 0} for x in c["candidates"]],
            })
        districts.append({
            "name": d["name"], "level": "region", "seats": d["regional_seats"],
            "totals": {"valid": d["totals"]["regional_votes_valid"]},
            "parties": _counts(p for p in d["parties"] if p["votes"] is not None),
            "districts": constituencies,
        })
    out["districts"] = districts
    return _tail(out, rec, "Here each region's seats are its 7 regional seats, with its constituencies inside it "
                           "(their candidates' votes); the regional list votes are the list votes. A constituency-"
                           "only party or independent has no seats figure in its region (it won none).")


def new_zealand(rec: dict[str, Any]) -> dict[str, Any]:
    """Party votes nationally; the 71 electorates with their candidates. A party or independent that
    stood only in electorates is a national entry with no party votes (0)."""
    out = _head(rec)
    parties = _parties(rec["national"]["parties"])
    known = {p["abbr"] for p in parties}
    for d in rec["districts"]:
        for c in d["parties"]:
            if c["abbr"] not in known:
                known.add(c["abbr"])
                won = sum(x["seats"] for e in rec["districts"] for x in e["parties"] if x["abbr"] == c["abbr"])
                parties.append({"abbr": c["abbr"], "name": c["name"], "votes": 0, "seats": won})
    out["parties"] = parties
    t = rec["national"]["totals"]
    out["totals"] = {"valid": t["party_votes_valid"],
                     "invalid": t["party_votes_informal"] + t["party_votes_disallowed"]}
    out["districts"] = [{
        "name": d["name"], "level": "electorate", "seats": d["seats"],
        "totals": {"valid": d["totals"]["votes_valid"]},
        "candidates": [{"name": c["candidate"], "party": c["abbr"], "votes": c["votes"], "seats": c["seats"]}
                       for c in d["parties"]],
    } for d in rec["districts"]]
    return _tail(out, rec, "Here the electorates are units of level 'electorate' with their candidates; a party or "
                           "independent that stood only in electorates has 0 party votes; invalid = informal + "
                           "disallowed party votes.")


def germany(rec: dict[str, Any]) -> dict[str, Any]:
    """The 16 Länder (second votes of the Land lists; no magnitude: it is an outcome) with their
    constituencies inside (first votes of every candidate, the winner's seat official only if seated).
    An independent (EB:) has no second votes (0). The record gives no candidate names: a candidate
    is named by its party."""
    out = _head(rec)
    out["parties"] = _parties(rec["national"]["parties"], no_votes_is_0=True)
    t = rec["national"]["totals"]
    out["totals"] = {"valid": t["second_votes_valid"], "invalid": t["second_votes_invalid"]}
    districts = []
    for d in rec["districts"]:
        constituencies = [{
            "name": c["name"], "level": "constituency", "seats": 1,
            "totals": {"valid": c["first_votes_valid"], "invalid": c["first_votes_invalid"]},
            "candidates": [{"name": f"{a} candidate", "party": a, "votes": v,
                            "seats": 1 if a == c["winner"] and c["winner_seated"] else 0}
                           for a, v in c["first_votes"].items()],
        } for c in d["constituencies"]]
        districts.append({
            "name": d["name"], "level": "state",
            "totals": {"valid": d["totals"]["second_votes_valid"], "invalid": d["totals"]["second_votes_invalid"]},
            "parties": _counts(p for p in d["parties"] if p["votes"] is not None),
            "districts": constituencies,
        })
    out["districts"] = districts
    return _tail(out, rec, "Here the Länder are units of level 'state' (second votes), the constituencies units "
                           "of level 'constituency' inside them (first votes); a winner's seat is 1 when seated "
                           "(the record's winner_seated), else 0.")


def iceland(rec: dict[str, Any]) -> dict[str, Any]:
    """District magnitude = the constituency seats; the adjustment seats of each constituency (fixed
    in advance) are its figure "adjustment_seats"."""
    out = _head(rec)
    out["parties"] = _parties(rec["national"]["parties"])
    out["totals"] = _totals(rec["national"]["totals"], BLANK_VOID)
    out["districts"] = [{
        "name": d["name"], "seats": d["district_seats"], "figures": {"adjustment_seats": d["adjustment_seats"]},
        "totals": _totals(d["totals"], BLANK_VOID),
        "parties": _counts(d["parties"]),
    } for d in rec["districts"]]
    return _tail(out, rec, "Here each constituency's seats are its constituency seats; its adjustment seats are "
                           "its figure adjustment_seats.")


def denmark(rec: dict[str, Any]) -> dict[str, Any]:
    """The 3 provinces (landsdele: their party votes, figure compensatory_seats) with their storkredse
    inside (magnitude: the constituency seats). An independent candidate is a list of one."""
    out = _head(rec)
    out["parties"] = _parties(rec["national"]["parties"])
    out["totals"] = _totals(rec["national"]["totals"], BLANK_VOID)
    districts = []
    for prov in rec["provinces"]:
        inside = [{
            "name": d["name"], "level": "district", "seats": d["district_seats"],
            "totals": _totals(d["totals"], BLANK_VOID),
            "parties": _counts(d["parties"]),
        } for d in rec["districts"] if d["province"] == prov["name"]]
        sums: dict[str, list[int]] = {}
        for d in inside:
            for p in d["parties"]:
                got = sums.setdefault(p["abbr"], [0, 0])
                got[0] += p["votes"]
                got[1] += p["seats"]
        given = {p["abbr"]: p for p in prov["parties"]}
        for abbr, p in given.items():
            if sums.get(abbr, [None])[0] != p["votes"] or sums[abbr][1] != p["seats"]:
                raise ValueError(f"{prov['name']}: {abbr} does not add up over its storkredse")
        districts.append({
            "name": prov["name"], "level": "province", "figures": {"compensatory_seats": prov["compensatory_seats"]},
            "parties": [{"abbr": a, "votes": v, "seats": n} for a, (v, n) in sums.items()],
            "districts": inside,
        })
    out["districts"] = districts
    return _tail(out, rec, "Here the provinces are units of level 'province' (their party votes; their fixed "
                           "compensatory seats as the figure compensatory_seats) with their storkredse inside "
                           "(level 'district', magnitude = the constituency seats).")


CONVERTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "norway-2021": norway,
    "scotland-2011": scotland,
    "new-zealand-2014": new_zealand,
    "germany-2025": germany,
    "iceland-2021": iceland,
    "iceland-2021-first-count": iceland,
    "denmark-2015": denmark,
}


def main(argv: list[str]) -> int:
    src = Path(argv[1])
    names = argv[2:] or list(CONVERTERS)
    for name in names:
        rec = json.loads((src / f"{name}.json").read_text("utf-8"))
        out = CONVERTERS[name](rec)
        (OUT / f"{name}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {OUT / name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
