"""A self-contained HTML report of a comparison: tables and pictures, no external files.

The report is drawn from the comparison's JSON shape (``Comparison.to_json()``, the same data as
``hemicycle compare --format json``), so this module knows nothing of how a comparison is made
and ``hemicycle.compare`` can use it for Jupyter without the two importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hemicycle.numbers import fmt_int, fmt_percent
from hemicycle.pictures import APPOINTED, colour, curve_svg, parliament_svg

if TYPE_CHECKING:
    from hemicycle.uncertainty import SeatDistribution
    from hemicycle.whatif import Curve, Margin


class ComparisonData(Protocol):
    """What the report reads: a comparison (or one system of it) in the JSON shape of
    ``hemicycle compare``."""

    def to_json(self) -> dict[str, Any]: ...


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
.arches { display: flex; flex-wrap: wrap; gap: 1em; }
.proved { color: #1a7f37; } .refuted { color: #b42318; } .unknown { color: #8a6d00; }
"""


def arch_for(system: Mapping[str, Any] | ComparisonData) -> str:
    """The parliament of one system: a ``systems`` entry of the comparison's JSON, or an object
    with that ``to_json()`` (``compare.SystemOutcome``). Its ``seats`` are in vote-file order,
    which gives each list its colour."""
    data = system if isinstance(system, Mapping) else system.to_json()
    seats = data["seats"]
    parts = [(abbr, n, colour(i)) for i, (abbr, n) in enumerate(seats.items()) if n > 0]
    parts += [(k, n, APPOINTED) for k, n in data["appointed"].items()]
    return parliament_svg(parts, title=data["label"])


def comparison_html(
    comparison: ComparisonData, *, standalone: bool = True, curves: Sequence[Curve] = (),
    margins: dict[str, list[Margin]] | None = None, distributions: Sequence[SeatDistribution] = (),
    title: str = "",
) -> str:
    report = comparison.to_json()
    systems, lists, name = report["systems"], report["lists"], report["election"]
    list_votes = sum(e["votes"] for e in lists)
    total_votes = report.get("share_base", list_votes)  # shares are of every list's votes, listed or not
    head = title or f"Comparison of {len(systems)} electoral systems" + (f": {name}" if name else "")
    labels = "".join(f"<th>{escape(s['label'])}</th>" for s in systems)
    out: list[str] = []
    out.append(f"<h1>{escape(head)}</h1>")
    out.append(f"<h2>Seats</h2><table><tr><th>List</th><th>Votes</th><th>Share</th>{labels}</tr>")
    for e in lists:
        out.append(f"<tr><td>{escape(e['name'] or e['abbr'])} ({escape(e['abbr'])})</td>"
                   f"<td class=n>{fmt_int(e['votes'])}</td><td class=n>{fmt_percent(e['votes'], total_votes)}</td>"
                   + "".join(f"<td class=n>{s['seats'][e['abbr']]}</td>" for s in systems) + "</tr>")
    for k in sorted({k for s in systems for k in s["appointed"]}):
        out.append(f"<tr><td>{escape(k)} (appointed)</td><td></td><td></td>"
                   + "".join(f"<td class=n>{s['appointed'].get(k, 0)}</td>" for s in systems) + "</tr>")
    out.append("<tr><th>Total</th><td class=n>" + fmt_int(list_votes) + "</td><td></td>"
               + "".join(f"<th>{s['total']}</th>" for s in systems) + "</tr></table>")

    notes = sorted({n for s in systems for n in s["notes"]})
    if notes:
        out.append("<ul class=notes>" + "".join(f"<li>Note: {escape(n)}</li>" for n in notes) + "</ul>")
    out.append(f"<h2>Disproportionality</h2><table><tr><th>Index</th>{labels}</tr>")
    for key, label in (("gallagher", "Gallagher (least squares)"), ("loosemore_hanby", "Loosemore-Hanby"),
                       ("sainte_lague", "Sainte-Laguë index"), ("enp_votes", "Effective parties (votes)"),
                       ("enp_seats", "Effective parties (seats)")):
        out.append(f"<tr><td>{label}</td>" + "".join(
            f"<td class=n>{s['indices'][key]:.3f}</td>" for s in systems) + "</tr>")
    out.append("<tr><td>Largest list has a majority</td>" + "".join(
        f"<td>{'yes' if s['majority'] else 'no'} ({escape(s['largest'] or '')})</td>" for s in systems)
        + "</tr></table>")

    if any(s["properties"] for s in systems):
        names = sorted({p for s in systems for p in (s["properties"] or {})})
        out.append(f"<h2>Properties (Z3 verifier)</h2><table><tr><th>Property</th>{labels}</tr>")
        for p in names:
            out.append(f"<tr><td>{escape(p)}</td>" + "".join(
                f"<td class={escape((s['properties'] or {}).get(p, ''))}>"
                f"{escape((s['properties'] or {}).get(p, '–'))}</td>" for s in systems) + "</tr>")
        bounds = {s["property_bounds"] for s in systems if s["property_bounds"]}
        out.append("</table>" + "".join(f"<p>Bounds: {escape(b)}</p>" for b in sorted(bounds)))

    out.append("<h2>Parliaments</h2><div class=arches>")
    out.extend(f"<div>{arch_for(s)}</div>" for s in systems)
    out.append("</div>")

    if curves:
        out.append("<h2>Seat-vote curves</h2>")
        by_list: dict[str, list[Curve]] = {}
        for c in curves:
            by_list.setdefault(c.abbr, []).append(c)
        for abbr, cs in by_list.items():
            share = next((e["votes"] for e in lists if e["abbr"] == abbr), 0) / max(1, list_votes) * 100
            data = {_stem(c.rules): [(float(p.start * 100), float(p.end * 100), p.seats) for p in c.pieces]
                    for c in cs}
            out.append(curve_svg(data, title=f"{abbr}: seats against vote share", actual=share))
    if margins:
        out.append("<h2>Votes that decide seats</h2><table><tr><th>System</th><th>List</th><th>Seats</th>"
                   "<th>Votes to gain a seat</th><th>Votes to lose one</th></tr>")
        for label, ms in margins.items():
            for mg in ms:
                out.append(f"<tr><td>{escape(label)}</td><td>{escape(mg.abbr)}</td><td class=n>{mg.seats}</td>"
                           f"<td class=n>{'–' if mg.gain is None else fmt_int(mg.gain)}</td>"
                           f"<td class=n>{'–' if mg.lose is None else fmt_int(mg.lose)}</td></tr>")
        out.append("</table>")
    if distributions:
        out.append("<h2>Seats under uncertainty</h2>")
        for d in distributions:
            out.append(f"<h3>{escape(_stem(d.rules))}: {d.simulations:,} simulated elections</h3>"
                       "<table><tr><th>List</th><th>Mean seats</th><th>90% interval</th></tr>")
            for a in d.abbrs:
                lo, hi = d.interval(a)
                out.append(f"<tr><td>{escape(a)}</td><td class=n>{d.mean(a):.2f}</td><td class=n>{lo}–{hi}</td></tr>")
            out.append(f"</table><p>Probability that some list holds a majority: {d.majority:.3f}</p>")
    body = "\n".join(out)
    if not standalone:
        return f"<div><style>{STYLE}</style>{body}</div>"
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>{escape(head)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n<p><small>Made with hemicycle.</small></p></body></html>\n")


def _stem(path: str) -> str:
    return Path(path).stem
