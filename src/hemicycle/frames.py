"""Tidy pandas DataFrames of results (the optional extra ``[pandas]``): one row per observation,
one column per variable, read from the same JSON shapes as ``--format json``.

* ``result_frame``: one row per list (and appointed group) with its seats in the whole election,
  then, when the rules allocate in districts, one row per list and unit (``district`` and
  ``level`` say which; both are missing for the whole election's rows);
* ``comparison_frame``: the same rows for every system of a comparison, with ``system`` and
  ``rules`` columns; ``comparison_indices_frame`` and ``comparison_properties_frame`` for the
  indices and the verifier's verdicts;
* ``curve_frame``, ``margins_frame``, ``distribution_frame``, ``verification_frame`` for the
  what-ifs and the verifier.

The lists (``abbr``) and systems (``system``) are categoricals in vote-file order and in the
order the systems were given, so that ``pivot``, ``groupby`` and plots keep that order. Vote and
seat figures are exact integers (a column of pandas' nullable ``Int64`` where some rows
have none, such as appointed seats); shares of a curve are kept exact (``Fraction``) besides the
floats of the percent columns, which are for plotting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

PANDAS_MISSING = ("to_pandas() needs pandas, which hemicycle does not install by default: "
                  "pip install 'hemicycle[pandas]' (or pip install pandas)")

RESULT_COLUMNS = ("district", "level", "abbr", "name", "votes", "seats", "appointed")


def pandas() -> Any:
    """The pandas module, or an ImportError that says how to install it."""
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError(PANDAS_MISSING) from e
    return pd


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], integers: Sequence[str] = (),
           ordered: Sequence[str] = ()) -> Any:
    """A DataFrame of ``rows``; ``integers`` columns as nullable ``Int64``; ``ordered`` columns as
    categoricals in the order their values first appear (vote-file order of the lists, the order
    systems were given), so that ``pivot``, ``groupby`` and plots keep it."""
    pd = pandas()
    df = pd.DataFrame(list(rows), columns=list(columns))
    for c in integers:
        df[c] = df[c].astype("Int64")
    for c in ordered:
        df[c] = pd.Categorical(df[c], categories=list(dict.fromkeys(df[c].dropna())))
    return df


def _unit_votes(unit: Mapping[str, Any]) -> dict[str, int]:
    """Each list's votes in a unit, as its tiers' results give them (the first tier that lists it)."""
    votes: dict[str, int] = {}
    for tier in unit.get("tiers", []):
        for lr in tier.get("lists", []):
            votes.setdefault(lr["abbr"], lr["votes"])
    return votes


def result_rows(result: Mapping[str, Any], lists: Sequence[Mapping[str, Any]],
                districts: bool = True) -> list[dict[str, Any]]:
    """The rows of ``result_frame`` as dicts."""
    seats = result["seats"]
    rows: list[dict[str, Any]] = [
        {"district": None, "level": None, "abbr": e["abbr"], "name": e.get("name") or "", "votes": e["votes"],
         "seats": seats.get(e["abbr"], 0), "appointed": False} for e in lists]
    by = result.get("appointed_by", {})
    rows += [{"district": None, "level": None, "abbr": k, "name": by.get(k, ""), "votes": None, "seats": n,
              "appointed": True} for k, n in result.get("appointed", {}).items()]
    if districts:
        names = {e["abbr"]: e.get("name") or "" for e in lists}
        for unit in result.get("districts") or []:
            votes = _unit_votes(unit)
            order = [e["abbr"] for e in lists if e["abbr"] in votes or e["abbr"] in unit["seats"]]
            order += [a for a in unit["seats"] if a not in set(order)]
            rows += [{"district": unit["name"], "level": unit["level"], "abbr": a, "name": names.get(a, ""),
                      "votes": votes.get(a), "seats": unit["seats"].get(a, 0), "appointed": False} for a in order]
    return rows


def result_frame(result: Mapping[str, Any], lists: Sequence[Mapping[str, Any]], *, districts: bool = True) -> Any:
    """An allocation (``AllocationResult.to_json()``) for the election's ``lists`` (abbr, name,
    votes), as a tidy DataFrame: columns ``district, level, abbr, name, votes, seats, appointed``."""
    return _frame(result_rows(result, lists, districts), RESULT_COLUMNS, ["votes", "seats"], ["abbr"])


def comparison_frame(report: Mapping[str, Any], results: Sequence[Mapping[str, Any]], *,
                     districts: bool = True) -> Any:
    """A comparison (``Comparison.to_json()``, and each system's ``AllocationResult.to_json()`` in
    ``results``, for the units): columns ``system, rules`` then those of ``result_frame``."""
    rows = []
    for system, result in zip(report["systems"], results, strict=True):
        for row in result_rows(result, report["lists"], districts):
            rows.append({"system": system["label"], "rules": system["rules"], **row})
    return _frame(rows, ["system", "rules", *RESULT_COLUMNS], ["votes", "seats"], ["system", "abbr"])


def comparison_indices_frame(report: Mapping[str, Any]) -> Any:
    """One row per system and index: ``system, rules, index, value``; plus ``largest`` and
    ``majority`` per system as columns."""
    rows = [{"system": s["label"], "rules": s["rules"], "index": k, "value": v, "largest": s["largest"],
             "majority": s["majority"]} for s in report["systems"] for k, v in s["indices"].items()]
    return _frame(rows, ["system", "rules", "index", "value", "largest", "majority"], ordered=["system", "index"])


def comparison_properties_frame(report: Mapping[str, Any]) -> Any:
    """One row per system and property checked: ``system, rules, property, status, bounds``."""
    rows = [{"system": s["label"], "rules": s["rules"], "property": p, "status": status,
             "bounds": s.get("property_bounds")}
            for s in report["systems"] for p, status in (s.get("properties") or {}).items()]
    return _frame(rows, ["system", "rules", "property", "status", "bounds"], ordered=["system"])


def curve_frame(curve: Mapping[str, Any]) -> Any:
    """A seat-vote curve (``Curve.to_json()``): one row per piece, the list's seats on the open
    interval of shares ``(from, to)`` (exact ``Fraction`` columns and float percents); the seats
    exactly at a breakpoint are in ``seats_at_end``."""
    at = {x["share"]: x.get("at") for x in curve["breakpoints"]}
    rows = [{"rules": curve["rules"], "abbr": curve["abbr"], "from": Fraction(p["from"]), "to": Fraction(p["to"]),
             "from_percent": p["from_percent"], "to_percent": p["to_percent"], "seats": p["seats"],
             "seats_at_end": at.get(p["to"])} for p in curve["pieces"]]
    return _frame(rows, ["rules", "abbr", "from", "to", "from_percent", "to_percent", "seats", "seats_at_end"],
                  ["seats", "seats_at_end"])


def margins_frame(rules: str, margins: Sequence[Mapping[str, Any]], *, districts: bool = False) -> Any:
    """Seat margins (each ``Margin.to_json()``): ``rules, abbr, seats, votes_to_gain_a_seat,
    votes_to_lose_a_seat`` (missing: no number of votes does it); with districts also
    ``gain_district, lose_district`` (the cheapest). ``districts=True``: one row per list and
    district where it stood (cheapest gain first): ``rules, abbr, seats, district, level, votes,
    votes_to_gain_a_seat, votes_to_lose_a_seat, seats_there_after_gain``."""
    counts = ["seats", "votes_to_gain_a_seat", "votes_to_lose_a_seat"]
    if districts:
        rows = [{"rules": rules, "abbr": mg["abbr"], "seats": mg["seats"], **d}
                for mg in margins for d in mg.get("districts", [])]
        return _frame(rows, ["rules", "abbr", "seats", "district", "level", "votes", "votes_to_gain_a_seat",
                             "votes_to_lose_a_seat", "seats_there_after_gain"],
                      [*counts, "votes", "seats_there_after_gain"], ["abbr", "district", "level"])
    rows = [{"rules": rules, **{k: v for k, v in mg.items() if k != "districts"}} for mg in margins]
    columns = ["rules", "abbr", "seats", "votes_to_gain_a_seat", "votes_to_lose_a_seat"]
    if any("districts" in mg for mg in margins):
        columns += ["gain_district", "lose_district"]
    return _frame(rows, columns, counts, ["abbr", *columns[5:]])


def distribution_frame(rules: str, counts: Mapping[str, Mapping[int, int]], simulations: int) -> Any:
    """Seats under uncertainty: one row per list and number of seats it won in some simulation:
    ``rules, abbr, seats, simulations`` (how many), ``probability``."""
    rows = [{"rules": rules, "abbr": a, "seats": s, "simulations": c, "probability": c / simulations}
            for a, by_seats in counts.items() for s, c in sorted(by_seats.items())]
    return _frame(rows, ["rules", "abbr", "seats", "simulations", "probability"], ["seats", "simulations"], ["abbr"])


def verification_frame(results: Sequence[Mapping[str, Any]], rules: str = "") -> Any:
    """The verifier's verdicts (each ``PropertyResult.to_json()``): one row per property and tier."""
    columns = ["rules", "property", "tier", "status", "parties", "bounds", "seconds", "found_by", "reason", "clause"]
    rows = [{"rules": rules, **{k: r.get(k) for k in columns[1:]}} for r in results]
    return _frame(rows, columns, ["parties"])
