"""A self-contained HTML report of a comparison: tables and pictures, no external files.

The report is drawn from the comparison's JSON shape (``Comparison.to_json()``, the same data as
``hemicycle compare --format json``), so this module knows nothing of how a comparison is made
and ``hemicycle.compare`` can use it for Jupyter without the two importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hemicycle.display import name_with_abbr
from hemicycle.numbers import fmt_int, fmt_percent
from hemicycle.palette import APPOINTED, arch_order, parse_position, resolve_colours
from hemicycle.pictures import colour, curve_svg, parliament_svg

if TYPE_CHECKING:
    from hemicycle.uncertainty import SeatDistribution
    from hemicycle.whatif import Curve, Margin


class ComparisonData(Protocol):
    """What the report reads: a comparison (or one system of it) in the JSON shape of
    ``hemicycle compare``."""

    def to_json(self) -> dict[str, Any]: ...


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #222;
       line-height: 1.4; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.name { min-width: 14em; }
.scroll td.name, .scroll th:first-child { position: sticky; left: 0; background: #fff; z-index: 1; }
.scroll th:first-child { background: #f3f3f3; }
.sw { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; vertical-align: baseline;
      border-radius: 2px; }
.arches { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 440px), 1fr)); gap: 1em; }
svg { max-width: 100%; height: auto; }
.notes { color: #444; }
.proved { color: #1a7f37; } .refuted { color: #b42318; } .unknown { color: #8a6d00; }
@media (max-width: 600px) {
  body { margin: 0.8em auto; padding: 0 0.6em; font-size: 15px; }
  h1 { font-size: 1.3em; }
  th, td { padding: 3px 5px; }
  td.name { min-width: 9em; max-width: 11em; }
}
"""
VIEWPORT = '<meta name=viewport content="width=device-width, initial-scale=1">'


def list_styles(lists: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str, Fraction | None]]:
    """abbr -> (name for people, colour, position) of the ``lists`` of a comparison's JSON; colours
    the JSON lacks are the colour-blind-safe ones (``hemicycle.palette``)."""
    colours = resolve_colours([(e["abbr"], e.get("color")) for e in lists])
    out: dict[str, tuple[str, str, Fraction | None]] = {}
    for e in lists:
        position = e.get("position")
        out[e["abbr"]] = (name_with_abbr(e.get("name") or "", e["abbr"]), colours[e["abbr"]],
                          None if position is None else parse_position(position))
    return out


def arch_for(system: Mapping[str, Any] | ComparisonData, lists: Sequence[Mapping[str, Any]] | None = None,
             order: str = "position") -> str:
    """The parliament of one system: a ``systems`` entry of the comparison's JSON, or an object
    with that ``to_json()`` (``compare.SystemOutcome``, which also gives its ``lists_json()``).
    ``lists``: the comparison's ``lists`` (names, colours, positions); without them the lists are
    named by abbreviation and coloured in vote-file order. ``order``: ``position``, ``size`` or
    ``file`` (``hemicycle.palette.arch_order``)."""
    data = system if isinstance(system, Mapping) else system.to_json()
    if lists is None and not isinstance(system, Mapping) and hasattr(system, "lists_json"):
        lists = system.lists_json()
    seats: dict[str, int] = data["seats"]
    styles = list_styles(lists if lists is not None else [{"abbr": a} for a in seats])
    known = [(a, n, styles[a][2] if a in styles else None) for a, n in seats.items() if n > 0]
    parts = [(styles[a][0] if a in styles else a, seats[a], styles[a][1] if a in styles else colour(i))
             for i, a in enumerate(arch_order(known, order))]
    parts += [(data.get("appointed_names", {}).get(k, k), n, APPOINTED) for k, n in data["appointed"].items()]
    unseated = [styles[a][0] if a in styles else a for a, n in seats.items() if n == 0]
    return parliament_svg(parts, title=data["label"], unseated=unseated)


def _table(head: str, rows: list[str]) -> str:
    return f'<div class=scroll><table>{head}{"".join(rows)}</table></div>'


def comparison_html(
    comparison: ComparisonData, *, standalone: bool = True, curves: Sequence[Curve] = (),
    margins: dict[str, list[Margin]] | None = None, distributions: Sequence[SeatDistribution] = (),
    title: str = "", order: str = "position",
) -> str:
    """The report of a comparison: seats, indices, properties, parliaments (arches ordered by
    ``order``), seat-vote curves, margins and simulations; readable from a phone to a desktop."""
    report = comparison.to_json()
    systems, lists, name = report["systems"], report["lists"], report["election"]
    styles = list_styles(lists)
    labels_by_path = {s["rules"]: s["label"] for s in systems}
    list_votes = sum(e["votes"] for e in lists)
    total_votes = report.get("share_base", list_votes)  # shares are of every list's votes, listed or not
    head = title or f"Comparison of {len(systems)} electoral systems" + (f": {name}" if name else "")
    labels = "".join(f"<th class=n>{escape(s['label'])}</th>" for s in systems)
    out: list[str] = [f"<h1>{escape(head)}</h1>", "<h2>Seats</h2>"]
    rows = []
    for e in lists:
        shown, col, _ = styles[e["abbr"]]
        rows.append(f"<tr><td class=name><span class=sw style='background:{col}'></span>{escape(shown)}</td>"
                    f"<td class=n>{fmt_int(e['votes'])}</td><td class=n>{fmt_percent(e['votes'], total_votes)}</td>"
                    + "".join(f"<td class=n>{s['seats'][e['abbr']]}</td>" for s in systems) + "</tr>")
    for k in sorted({k for s in systems for k in s["appointed"]}):
        rows.append(f"<tr><td class=name><span class=sw style='background:{APPOINTED}'></span>{escape(k)} "
                    "(appointed)</td><td></td><td></td>"
                    + "".join(f"<td class=n>{s['appointed'].get(k, 0)}</td>" for s in systems) + "</tr>")
    rows.append("<tr><th>Total</th><td class=n>" + fmt_int(list_votes) + "</td><td></td>"
                + "".join(f"<th class=n>{s['total']}</th>" for s in systems) + "</tr>")
    out.append(_table(f"<tr><th>List</th><th class=n>Votes</th><th class=n>Share</th>{labels}</tr>", rows))

    notes = sorted({n for s in systems for n in s["notes"]})
    ties = [f"Tie ({s['label']}): {t['description']}" for s in systems for t in s["ties"] if t.get("description")]
    if notes or ties:
        out.append("<ul class=notes>" + "".join(f"<li>{escape(t)}</li>" for t in ties)
                   + "".join(f"<li>Note: {escape(n)}</li>" for n in notes) + "</ul>")
    out.append("<h2>Disproportionality</h2>")
    rows = []
    for key, label in (("gallagher", "Gallagher (least squares)"), ("loosemore_hanby", "Loosemore-Hanby"),
                       ("sainte_lague", "Sainte-Laguë index"), ("enp_votes", "Effective parties (votes)"),
                       ("enp_seats", "Effective parties (seats)")):
        rows.append(f"<tr><td>{label}</td>" + "".join(
            f"<td class=n>{s['indices'][key]:.3f}</td>" for s in systems) + "</tr>")
    rows.append("<tr><td>Largest list has a majority</td>" + "".join(
        f"<td class=n>{'yes' if s['majority'] else 'no'}: {escape(s['largest'] or '')}</td>" for s in systems)
        + "</tr>")
    out.append(_table(f"<tr><th>Index</th>{labels}</tr>", rows))

    if any(s["properties"] for s in systems):
        names = sorted({p for s in systems for p in (s["properties"] or {})})
        out.append("<h2>Properties (Z3 verifier)</h2>")
        rows = [f"<tr><td>{escape(p)}</td>" + "".join(
            f"<td class={escape((s['properties'] or {}).get(p, ''))}>"
            f"{escape((s['properties'] or {}).get(p, '–'))}</td>" for s in systems) + "</tr>" for p in names]
        out.append(_table(f"<tr><th>Property</th>{labels}</tr>", rows))
        bounds = {s["property_bounds"] for s in systems if s["property_bounds"]}
        out.append("".join(f"<p>Bounds: {escape(b)}</p>" for b in sorted(bounds)))

    how = {"position": "left to right by political position where known",
           "size": "largest list first", "file": "in the order of the vote file"}.get(order, order)
    out.append(f"<h2>Parliaments</h2><p class=notes>Lists {escape(how)}; appointed seats in grey.</p>"
               "<div class=arches>")
    out.extend(f"<div>{arch_for(s, lists, order)}</div>" for s in systems)
    out.append("</div>")
    out += _curves_html(curves, lists, list_votes, labels_by_path, styles)
    out += _margins_html(margins)
    out += _distributions_html(distributions, labels_by_path)
    body = "\n".join(out)
    if not standalone:
        return f"<div><style>{STYLE}</style>{body}</div>"
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>{VIEWPORT}<title>{escape(head)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n<p><small>Made with hemicycle.</small></p></body></html>\n")


def curve_picture(curves: Sequence[Curve], share: float | None, labels: Mapping[str, str] | None = None,
                  name: str = "") -> str:
    """The seat-vote curves of one list under several systems, as SVG (``pictures.curve_svg``):
    round ticks, the thresholds and the list's actual share labelled, the line of proportionality."""
    labels = labels or {}
    first = curves[0]
    data = {labels.get(c.rules, _stem(c.rules)): [(float(p.start * 100), float(p.end * 100), p.seats)
                                                  for p in c.pieces] for c in curves}
    thresholds = sorted({(float(x * 100), label) for c in curves for x, label in getattr(c, "thresholds", [])})
    house = max((getattr(c, "house", 0) for c in curves), default=0) or None
    who = name if name and len(name) <= 32 else first.abbr
    return curve_svg(data, title=f"{who}: seats against its share of the votes", actual=share,
                     actual_label=None if share is None else f"actual {share:.2f}%",  # type: ignore[arg-type]
                     thresholds=thresholds, proportional=house)


def _curves_html(curves: Sequence[Curve], lists: Sequence[Mapping[str, Any]], list_votes: int,
                 labels: Mapping[str, str], styles: Mapping[str, tuple[str, str, Any]]) -> list[str]:
    if not curves:
        return []
    out = ["<h2>Seat-vote curves</h2><p class=notes>The list's seats as its share of the list votes goes "
           "from 0 to 100%, the other lists keeping their proportions (exact breakpoints). The dashed "
           "diagonal is exact proportionality: the share times the seats the tiers allocate.</p>"]
    by_list: dict[str, list[Curve]] = {}
    for c in curves:
        by_list.setdefault(c.abbr, []).append(c)
    for abbr, cs in by_list.items():
        share = next((e["votes"] for e in lists if e["abbr"] == abbr), 0) / max(1, list_votes) * 100
        name = styles[abbr][0] if abbr in styles else abbr
        out.append(f"<div>{curve_picture(cs, share, labels, name)}</div>")
    return out


def _margin_cell(votes: int | None, district: str | None) -> str:
    if votes is None:
        return "–"
    return fmt_int(votes) if district is None else f"{fmt_int(votes)} in {escape(district)}"


def _margins_html(margins: dict[str, list[Margin]] | None) -> list[str]:
    if not margins:
        return []
    rows = [f"<tr><td>{escape(label)}</td><td>{escape(mg.abbr)}</td><td class=n>{mg.seats}</td>"
            f"<td class=n>{_margin_cell(mg.gain, mg.gain_district)}</td>"
            f"<td class=n>{_margin_cell(mg.lose, mg.lose_district)}</td></tr>"
            for label, ms in margins.items() for mg in ms]
    return ["<h2>Votes that decide seats</h2>", _table(
        "<tr><th>System</th><th>List</th><th class=n>Seats</th><th class=n>Votes to gain a seat</th>"
        "<th class=n>Votes to lose one</th></tr>", rows)]


def _distributions_html(distributions: Sequence[SeatDistribution], labels: Mapping[str, str]) -> list[str]:
    out = ["<h2>Seats under uncertainty</h2>"] if distributions else []
    for d in distributions:
        rows = []
        for a in d.abbrs:
            lo, hi = d.interval(a)
            rows.append(f"<tr><td>{escape(a)}</td><td class=n>{d.mean(a):.2f}</td><td class=n>{lo}–{hi}</td></tr>")
        out.append(f"<h3>{escape(labels.get(d.rules, _stem(d.rules)))}: {d.simulations:,} simulated elections</h3>")
        out.append(_table("<tr><th>List</th><th class=n>Mean seats</th><th class=n>90% interval</th></tr>", rows))
        out.append(f"<p>Probability that some list holds a majority: {d.majority:.3f}</p>")
    return out


def _stem(path: str) -> str:
    return Path(path).stem
