"""A self-contained HTML report of a comparison: tables and pictures, no external files."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from hemicycle.numbers import fmt_int, fmt_percent
from hemicycle.pictures import APPOINTED, colour, curve_svg, parliament_svg

if TYPE_CHECKING:
    from hemicycle.compare import Comparison, SystemOutcome
    from hemicycle.uncertainty import SeatDistribution
    from hemicycle.whatif import Curve, Margin

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
.arches { display: flex; flex-wrap: wrap; gap: 1em; }
.proved { color: #1a7f37; } .refuted { color: #b42318; } .unknown { color: #8a6d00; }
"""


def arch_for(system: SystemOutcome) -> str:
    election = system.result.election
    parts = [(e.abbr, system.result.seats[e.abbr], colour(i)) for i, e in enumerate(election.lists)
             if system.result.seats[e.abbr] > 0]
    parts += [(k, n, APPOINTED) for k, n in system.result.appointed.items()]
    return parliament_svg(parts, title=system.label)


def comparison_html(
    comparison: Comparison, *, standalone: bool = True, curves: Sequence[Curve] = (),
    margins: dict[str, list[Margin]] | None = None, distributions: Sequence[SeatDistribution] = (),
    title: str = "",
) -> str:
    systems = comparison.systems
    election = comparison.election
    total_votes = election.share_base
    head = title or f"Comparison of {len(systems)} electoral systems" + (
        f": {election.name}" if election.name else "")
    out: list[str] = []
    out.append(f"<h1>{escape(head)}</h1>")
    out.append("<h2>Seats</h2><table><tr><th>List</th><th>Votes</th><th>Share</th>"
               + "".join(f"<th>{escape(s.label)}</th>" for s in systems) + "</tr>")
    for e in election.lists:
        out.append(f"<tr><td>{escape(e.name or e.abbr)} ({escape(e.abbr)})</td><td class=n>{fmt_int(e.votes)}</td>"
                   f"<td class=n>{fmt_percent(e.votes, total_votes)}</td>"
                   + "".join(f"<td class=n>{s.result.seats[e.abbr]}</td>" for s in systems) + "</tr>")
    keys = sorted({k for s in systems for k in s.result.appointed})
    for k in keys:
        out.append(f"<tr><td>{escape(k)} (appointed)</td><td></td><td></td>"
                   + "".join(f"<td class=n>{s.result.appointed.get(k, 0)}</td>" for s in systems) + "</tr>")
    out.append("<tr><th>Total</th><td class=n>" + fmt_int(election.list_votes) + "</td><td></td>"
               + "".join(f"<th>{s.result.total}</th>" for s in systems) + "</tr></table>")

    notes = sorted({n for s in systems for n in s.result.notes})
    if notes:
        out.append("<ul class=notes>" + "".join(f"<li>Note: {escape(n)}</li>" for n in notes) + "</ul>")
    out.append("<h2>Disproportionality</h2><table><tr><th>Index</th>"
               + "".join(f"<th>{escape(s.label)}</th>" for s in systems) + "</tr>")
    for key, label in (("gallagher", "Gallagher (least squares)"), ("loosemore_hanby", "Loosemore-Hanby"),
                       ("sainte_lague", "Sainte-Laguë index"), ("enp_votes", "Effective parties (votes)"),
                       ("enp_seats", "Effective parties (seats)")):
        out.append(f"<tr><td>{label}</td>" + "".join(
            f"<td class=n>{getattr(s.indices, key):.3f}</td>" for s in systems) + "</tr>")
    out.append("<tr><td>Largest list has a majority</td>" + "".join(
        f"<td>{'yes' if s.majority else 'no'} ({escape(s.largest or '')})</td>" for s in systems) + "</tr></table>")

    if any(s.properties for s in systems):
        names = sorted({p for s in systems for p in (s.properties or {})})
        out.append("<h2>Properties (Z3 verifier)</h2><table><tr><th>Property</th>"
                   + "".join(f"<th>{escape(s.label)}</th>" for s in systems) + "</tr>")
        for p in names:
            out.append(f"<tr><td>{escape(p)}</td>" + "".join(
                f"<td class={escape((s.properties or {}).get(p, ''))}>{escape((s.properties or {}).get(p, '–'))}</td>"
                for s in systems) + "</tr>")
        bounds = {s.property_bounds for s in systems if s.property_bounds}
        out.append("</table>" + "".join(f"<p>Bounds: {escape(b)}</p>" for b in bounds))

    out.append("<h2>Parliaments</h2><div class=arches>")
    out.extend(f"<div>{arch_for(s)}</div>" for s in systems)
    out.append("</div>")

    if curves:
        out.append("<h2>Seat-vote curves</h2>")
        by_list: dict[str, list[Curve]] = {}
        for c in curves:
            by_list.setdefault(c.abbr, []).append(c)
        for abbr, cs in by_list.items():
            share = next((e.votes for e in election.lists if e.abbr == abbr), 0) / max(1, election.list_votes) * 100
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
    from pathlib import Path

    return Path(path).stem
