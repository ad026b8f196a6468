"""NIST SP 1500-100 v2 reports with counts per ``GpUnit``: reporting units as districts.

The mapping (official v2 names throughout; docs/elections-data.md)::

    ReportingUnit                        -> a unit (district, region, state ...)
        Name                             ->   its name (else its @id)
        Type "other" + OtherType LEVEL   ->   its level (another Type, "state", "county" ...: that word)
        ComposingGpUnitIds               ->   the units inside it (its children)
        VotersRegistered                 ->   registered
        ExternalIdentifier[Type "other",
          OtherType "hemicycle-seats"]   ->   its magnitude (Value: the digits)
          OtherType "hemicycle-figure-F" ->   its figure F (population ...)
    PartySelection.VoteCounts[GpUnitId = unit, Type "total"] -> the list's votes there
                             [GpUnitId = unit, Type "seats"] -> the list's seats there (official figures,
                                                                compared by ``hemicycle reproduce``)
    Election.BallotCounts[GpUnitId = unit, Type "total"]    -> ballots_cast (BallotsCast), invalid
                                                                (BallotsRejected) there
    Contest.OtherCounts[GpUnitId = unit].Undervotes          -> blank there (a blank ballot leaves the
                                                                one choice of a party contest unmade)

The units are every ReportingUnit that a count of the contest names, other than the contest's own
``ElectionDistrictId`` (the nation). A list's contest-wide count, when the report gives one, must be
the sum of its counts in the units; the units' figures are read by the same code as a JSON file's
``"districts"`` (``hemicycle.figures.read_district_data``), so the same checks apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hemicycle.election import Election, Unit
    from hemicycle.interpreter import AllocationResult

PREFIX = "ElectionResults."
SEATS_ID = "hemicycle-seats"
TAG_ID = "hemicycle-tag"
SIZE_ID = "hemicycle-coalition-size"
_SIZE_TAGS = frozenset({"coalition", "coalition_2_3", "coalition_4_plus"})
FIGURE_ID = "hemicycle-figure-"


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def unit_ids(election: Election, unique: Callable[[str], str]) -> dict[tuple[str, str], str]:
    """An @id for every unit of ``election``: (level, name) -> id."""
    return {(u.level, u.name): unique(f"gpu-{_ident(u.level)}-{_ident(u.name)}") for u in election.units}


def reporting_units(election: Election, ids: dict[tuple[str, str], str],
                    itext: Callable[[str], dict[str, Any]]) -> list[dict[str, Any]]:
    """The ReportingUnit of every unit (see the module docstring)."""
    children: dict[str, list[str]] = {}
    for u in election.units:
        if u.parent is not None:
            parent = next(p for p in election.units if p.name == u.parent and p.level != u.level)
            children.setdefault(ids[(parent.level, parent.name)], []).append(ids[(u.level, u.name)])
    out = []
    for u in election.units:
        uid = ids[(u.level, u.name)]
        record: dict[str, Any] = {"@type": PREFIX + "ReportingUnit", "@id": uid, "Name": itext(u.name),
                                  "Type": "other", "OtherType": u.level}
        if uid in children:
            record["ComposingGpUnitIds"] = children[uid]
        if "registered" in u.totals:
            record["VotersRegistered"] = u.totals["registered"]
        extra = [_external(SEATS_ID, u.seats)] if u.seats is not None else []
        extra += [_external(FIGURE_ID + k, v) for k, v in u.figures.items()]
        if extra:
            record["ExternalIdentifier"] = extra
        out.append(record)
    return out


def top_unit_ids(election: Election, ids: dict[tuple[str, str], str]) -> list[str]:
    return [ids[(u.level, u.name)] for u in election.units if u.parent is None]


def _external(kind: str, value: int | str) -> dict[str, Any]:
    return {"@type": PREFIX + "ExternalIdentifier", "Type": "other", "OtherType": kind, "Value": str(value)}


def unit_counts(result: AllocationResult, abbr: str, ids: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """The VoteCounts of one list in every unit where it stood (votes) or won seats (seats)."""
    out: list[dict[str, Any]] = []
    seats = {(d.level, d.name): d.seats for d in result.districts}
    for u in result.election.units:
        uid = ids[(u.level, u.name)]
        if abbr in u.votes:
            out.append({"@type": PREFIX + "VoteCounts", "GpUnitId": uid, "Type": "total", "Count": u.votes[abbr]})
        won = seats.get((u.level, u.name), {})
        if abbr in won and (abbr in u.votes or won[abbr]):
            out.append({"@type": PREFIX + "VoteCounts", "GpUnitId": uid, "Type": "seats", "Count": won[abbr]})
    return out


def ballot_counts(units: tuple[Unit, ...], ids: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    out = []
    for u in units:
        record: dict[str, Any] = {"@type": PREFIX + "BallotCounts", "GpUnitId": ids[(u.level, u.name)],
                                  "Type": "total"}
        if "ballots_cast" in u.totals:
            record["BallotsCast"] = u.totals["ballots_cast"]
        if "invalid" in u.totals:
            record["BallotsRejected"] = u.totals["invalid"]
        if len(record) > 3:
            out.append(record)
    return out


def other_counts(units: tuple[Unit, ...], ids: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    return [{"@type": PREFIX + "OtherCounts", "GpUnitId": ids[(u.level, u.name)], "Undervotes": u.totals["blank"]}
            for u in units if "blank" in u.totals]


# --- reading ---------------------------------------------------------------------------------------


class UnitCounts:
    """What a report says per reporting unit, as it is read: the JSON shape of ``"districts"`` and
    the place in the report each figure came from."""

    def __init__(self) -> None:
        self.votes: dict[str, dict[str, int]] = {}  # unit id -> abbr -> votes
        self.seats: dict[str, dict[str, int]] = {}  # unit id -> abbr -> seats (official)
        self.places: dict[str, str] = {}  # "<unit id>/<abbr>" -> its place in the report

    def add(self, unit: str, abbr: str, votes: int | None, seats: int | None, where: str) -> None:
        if votes is not None:
            self.votes.setdefault(unit, {})[abbr] = votes
            self.places[f"{unit}/{abbr}"] = where
        if seats is not None:
            self.seats.setdefault(unit, {})[abbr] = seats
            self.places.setdefault(f"{unit}/{abbr}", where)


def unit_level(unit: dict[str, Any]) -> str:
    kind = unit.get("Type")
    if kind == "other" and isinstance(unit.get("OtherType"), str) and unit["OtherType"].strip():
        return str(unit["OtherType"]).strip()
    return str(kind) if isinstance(kind, str) and kind else "district"


def unit_figures(unit: dict[str, Any], where: str, figure: Callable[[Any, str], int],
                 fail: Callable[[str, str], Exception]) -> tuple[int | None, dict[str, int]]:
    """A ReportingUnit's magnitude and figures (its hemicycle ExternalIdentifiers)."""
    seats: int | None = None
    figures: dict[str, int] = {}
    extra = unit.get("ExternalIdentifier") or []
    if not isinstance(extra, list):
        raise fail("expected an array", f"{where}.ExternalIdentifier")
    for k, item in enumerate(extra):
        at = f"{where}.ExternalIdentifier[{k}]"
        if not isinstance(item, dict) or item.get("Type") != "other":
            continue
        kind = item.get("OtherType")
        if kind != SEATS_ID and not (isinstance(kind, str) and kind.startswith(FIGURE_ID)):
            continue
        value = item.get("Value")
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            raise fail(f"{kind}: expected the digits of a whole number, got {value!r}", f"{at}.Value")
        number = figure(int(value), f"{at}.Value")
        if kind == SEATS_ID:
            seats = number
        else:
            figures[str(kind).removeprefix(FIGURE_ID)] = number
    return seats, figures


def districts_data(units: list[tuple[str, dict[str, Any], str]], counts: UnitCounts,
                   totals: dict[str, dict[str, int]], text: Callable[[Any, str], str],
                   figure: Callable[[Any, str], int], fail: Callable[[str, str], Exception],
                   ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The ``"districts"`` of the JSON shape for ``units`` ((id, GpUnit, its place) of every unit the
    contest counts in, in report order) and where each JSON path came from in the report."""
    names = {uid: (text(u.get("Name"), f"{w}.Name") or uid) for uid, u, w in units}
    parent_of: dict[str, str] = {}
    for uid, u, _ in units:
        for child in u.get("ComposingGpUnitIds") or []:
            if child in names:
                parent_of[child] = uid
    out: list[dict[str, Any]] = []
    places: dict[str, str] = {}
    for i, (uid, u, where) in enumerate(units, start=1):
        at = f"districts[{i}]"
        places[at] = where
        seats, figs = unit_figures(u, where, figure, fail)
        record: dict[str, Any] = {"name": names[uid], "level": unit_level(u)}
        if uid in parent_of:
            record["parent"] = names[parent_of[uid]]
        if seats is not None:
            record["seats"] = seats
        if figs:
            record["figures"] = figs
        unit_totals = dict(totals.get(uid, {}))
        if u.get("VotersRegistered") is not None:
            unit_totals["registered"] = figure(u["VotersRegistered"], f"{where}.VotersRegistered")
        if unit_totals:
            record["totals"] = unit_totals
        parties = []
        votes, won = counts.votes.get(uid, {}), counts.seats.get(uid, {})
        for abbr, n in votes.items():  # seats where a list did not stand are the result's only
            entry: dict[str, Any] = {"abbr": abbr, "votes": n}
            if abbr in won:
                entry["seats"] = won[abbr]
            parties.append(entry)
            places[f"{at}.parties[{len(parties)}]"] = counts.places[f"{uid}/{abbr}"]
        if parties:
            record["parties"] = parties
        out.append(record)
    return out, places


def locator(places: dict[str, str]) -> Callable[[str], tuple[int | None, str | None]]:
    """A JSON path of the ``"districts"`` as the place in the report it came from (``Raw.locate``)."""
    def where(path: str) -> tuple[int | None, str | None]:
        probe = path
        while probe:
            if probe in places:
                rest = path[len(probe):]
                return None, places[probe] + (f" ({rest.lstrip('.')})" if rest else "")
            cut = max(probe.rfind("."), probe.rfind("["))
            if cut <= 0:
                break
            probe = probe[:cut]
        return None, path
    return where


def party_identifiers(entry: Any) -> list[dict[str, Any]]:
    """A list's tags and coalition size as ExternalIdentifiers of its Party (a ``ListEntry``)."""
    size = entry.coalition_size
    tags = entry.tags - _SIZE_TAGS if (size or 1) >= 2 else entry.tags  # the size gives those back
    out = [_external(TAG_ID, tag) for tag in sorted(tags)]
    if size is not None:
        out.append(_external(SIZE_ID, size))
    return out


def party_kinds(parties: list[dict[str, Any]], where: str,
                fail: Callable[..., Exception]) -> tuple[frozenset[str], int | None]:
    """The tags and the coalition size the Parties of one selection give (hemicycle ExternalIdentifiers)."""
    tags: set[str] = set()
    size: int | None = None
    for party in parties:
        for item in party.get("ExternalIdentifier") or []:
            if not isinstance(item, dict) or item.get("Type") != "other":
                continue
            value = item.get("Value")
            if item.get("OtherType") == TAG_ID:
                if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", value):
                    raise fail(f"{TAG_ID}: {value!r} cannot be named in a rule file", f"{where}.PartyIds")
                tags.add(value)
            elif item.get("OtherType") == SIZE_ID:
                if not isinstance(value, str) or not value.isascii() or not value.isdigit() or int(value) < 1:
                    raise fail(f"{SIZE_ID}: expected a whole number of at least 1, got {value!r}", f"{where}.PartyIds")
                size = int(value)
    if size is not None and size >= 2:
        tags.update(("coalition", "coalition_2_3" if size <= 3 else "coalition_4_plus"))
    return frozenset(tags), size
