"""HTML for notebooks (Jupyter's ``_repr_html_``): rule sets, allocation results, comparisons,
seat-vote curves, margins, seat distributions and the verifier's verdicts.

Each function reads plain data (the rule model, or the JSON shape that ``--format json`` prints)
and returns one HTML fragment. The classes that show themselves (``Rules``, ``AllocationResult``,
``Comparison``, ``Curve`` ...) are ``display.NotebookHtml``: this module registers the renderer of
each by the class's name (at the end), so neither imports the other.

* Every string from a file (names, abbreviations, citations, the rule text, messages that quote
  them) is shown as text: HTML-escaped, control characters and bidirectional overrides shown as
  escapes (``display.escape_controls``).
* Styles are scoped to the fragment (class ``hemicycle``), specific enough to win over
  JupyterLab's table styles (``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` right-aligns
  every cell) and to leave the notebook's own look
  untouched; a viewer that drops ``<style>`` (GitHub's) still shows plain tables.
* A rule file is highlighted with hemicycle's Pygments lexer when Pygments is installed (the
  ``[pygments]`` extra), with inline styles; otherwise it is shown escaped, unhighlighted.
* The pictures are the command line's (``html.arch_for``, ``pictures.curve_svg``), bounded the
  same way whatever the house or the curve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from html import escape
from pathlib import PurePath
from typing import Any

from hemicycle import model as m
from hemicycle.diagnostics import source_lines
from hemicycle.display import draw_in_notebooks, escape_controls, name_with_abbr
from hemicycle.html import arch_for
from hemicycle.numbers import fmt_exact, fmt_int, fmt_percent
from hemicycle.pictures import curve_svg

STYLE = """
.hemicycle { font-family: system-ui, sans-serif; font-size: 13px; color: #222; }
.hemicycle table { border-collapse: collapse; margin: 0.4em 0; }
.hemicycle table.data th, .hemicycle table.data td { border: 1px solid #ccc; padding: 2px 8px;
  text-align: left; vertical-align: top; }
.hemicycle table.data th { background: #f3f3f3; }
.hemicycle table.data td.n, .hemicycle table.data th.n { text-align: right; font-variant-numeric: tabular-nums; }
.hemicycle table.data caption { font-weight: bold; text-align: left; padding: 2px 0; }
.hemicycle .proved { color: #1a7f37; } .hemicycle .refuted { color: #b42318; }
.hemicycle .unknown { color: #8a6d00; } .hemicycle .muted { color: #666; }
.hemicycle .row { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.hemicycle pre { margin: 0.4em 0; padding: 6px; background: #f8f8f8; overflow-x: auto; line-height: 1.35; }
"""

MAX_TABLE_ROWS = 500  # rows of a table shown in a notebook; the rest are counted (the data has them all)


def text(s: object) -> str:
    """A string from a file, safe in HTML: escaped, control characters shown as escapes."""
    return escape(escape_controls(str(s)))


def fragment(*parts: str) -> str:
    """The parts in one ``<div class=hemicycle>`` with the scoped styles."""
    return f"<div class=hemicycle><style>{STYLE}</style>" + "".join(parts) + "</div>"


def _file(path: str) -> str:
    """A rule file as shown in a notebook: its name, the whole path on hover."""
    return f"<span title='{text(path)}'>{text(PurePath(path).name)}</span>"


def _num(x: int | None) -> str:
    return "–" if x is None else fmt_int(x)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, caption: str = "",
          numeric: Iterable[int] = (), limit: int = MAX_TABLE_ROWS) -> str:
    """An HTML table of cells that are already HTML (``text`` them first); ``numeric`` columns are
    right-aligned; past ``limit`` rows the rest are counted in a last row."""
    right = set(numeric)

    def cell(tag: str, i: int, value: str) -> str:
        return f"<{tag} class=n>{value}</{tag}>" if i in right else f"<{tag}>{value}</{tag}>"

    out = ["<table class=data>"]
    if caption:
        out.append(f"<caption>{caption}</caption>")
    out.append("<tr>" + "".join(cell("th", i, h) for i, h in enumerate(headers)) + "</tr>")
    shown = 0
    hidden = 0
    for row in rows:
        if shown >= limit:
            hidden += 1
            continue
        out.append("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>")
        shown += 1
    if hidden:
        out.append(f"<tr><td colspan={len(headers)} class=muted>… and {hidden:,} more rows "
                   "(all of them in to_pandas() and to_json())</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def _notes(notes: Iterable[str]) -> str:
    items = "".join(f"<li>{text(n)}</li>" for n in notes)
    return f"<ul class=muted>{items}</ul>" if items else ""


def _arch(system: Mapping[str, Any], lists: Sequence[Mapping[str, Any]] | None = None) -> str:
    """``html.arch_for`` with its labels shown as text (the picture escapes markup only); with the
    comparison's ``lists``, each list in its colour and place, named in full."""
    shown = None if lists is None else [
        {**e, "abbr": escape_controls(e["abbr"]), "name": escape_controls(e.get("name") or "")} for e in lists]
    return arch_for({**system, "label": escape_controls(str(system["label"])),
                     "seats": {escape_controls(a): n for a, n in system["seats"].items()},
                     "appointed": {escape_controls(k): n for k, n in system["appointed"].items()},
                     "appointed_names": {escape_controls(k): escape_controls(v)
                                         for k, v in system.get("appointed_names", {}).items()}}, shown)


# --- rule sets ------------------------------------------------------------------------------------


def highlighted(source: str) -> str:
    """The rule text as HTML: highlighted by hemicycle's Pygments lexer (inline styles, line
    numbers) when Pygments is installed, else escaped in a ``<pre>``. Control characters are
    shown as escapes first, so the text reads the same either way."""
    shown = "\n".join(escape_controls(line, newlines=False) for line in source_lines(source))
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter

        from hemicycle.editor.pygments_lexer import ElectLexer
    except ImportError:
        return f"<pre>{escape(shown)}</pre>"
    formatter = HtmlFormatter(noclasses=True, linenos="inline", nobackground=True, style="default")
    return highlight(shown, ElectLexer(), formatter)


def citations(chamber: m.Chamber) -> list[tuple[int, str, str]]:
    """(line, clause text, citation) of every cited clause, in the order of the file; a citation
    that a clause's parts repeat is listed once."""
    lines = source_lines(chamber.source)
    seen: set[tuple[int, str]] = set()
    out = []
    for node in chamber.nodes:
        if not node.citation or (node.span.line, node.citation) in seen:
            continue
        seen.add((node.span.line, node.citation))
        line = lines[node.span.line - 1] if 1 <= node.span.line <= len(lines) else ""
        clause = line.split(f"[{node.citation}]")[0].split("#")[0].strip() if line else type(node).__name__
        out.append((node.span.line, clause, node.citation))
    return sorted(out)


def rules_html(chamber: m.Chamber) -> str:
    """A rule set: what it is (chamber, seats, tiers), the file highlighted, its citations."""
    tiers = ", ".join(f"{text(t.name)} ({t.seats})" for t in chamber.tiers)
    appointed = ", ".join(f"{a.seats} by {text(a.by)}" for a in chamber.appointed)
    head = (f"<p><b>{text(chamber.name)}</b>: {chamber.seats:,} seats"
            + (f"; tiers {tiers}" if tiers else "") + (f"; appointed {appointed}" if appointed else "")
            + f" <span class=muted>({_file(chamber.file)})</span></p>")
    cited = citations(chamber)
    cites = table(["Line", "Clause", "Citation"], ([str(n), f"<code>{text(c)}</code>", text(cite)]
                                                   for n, c, cite in cited),
                  caption=f"Citations ({len(cited)})", numeric=[0]) if cited else ""
    return fragment(head, highlighted(chamber.source) if chamber.source else "", cites)


# --- allocation results ---------------------------------------------------------------------------


def result_html(result: Mapping[str, Any], lists: Sequence[Mapping[str, Any]], share_base: int) -> str:
    """An allocation (``AllocationResult.to_json()``) for the election's ``lists`` (abbr, name,
    votes; vote-file order): votes, shares and seats (by tier when there are several), the
    parliament, ties, notes, and the seats in each unit when the rules use districts."""
    seats, tiers = result["seats"], result.get("tiers", [])
    by_tier = len(tiers) > 1
    headers = ["List", "Abbr", "Votes", "Share", *(text(t["name"]) for t in tiers if by_tier), "Seats"]
    rows = []
    for e in lists:
        a = e["abbr"]
        rows.append([text(e.get("name") or a), text(a), fmt_int(e["votes"]), fmt_percent(e["votes"], share_base),
                     *(str(t["seats"].get(a, 0)) for t in tiers if by_tier), f"<b>{seats.get(a, 0)}</b>"])
    for key, n in result.get("appointed", {}).items():
        by = result.get("appointed_by", {}).get(key, key)
        rows.append([f"{text(by)} (appointed)", text(key), "", "", *("" for _ in tiers if by_tier), f"<b>{n}</b>"])
    votes = sum(e["votes"] for e in lists)
    rows.append(["<b>Total</b>", "", fmt_int(votes), "", *(str(t["size"]) for t in tiers if by_tier),
                 f"<b>{result['total']}</b>"])
    numeric = range(2, len(headers))
    caption = text(result["chamber"]) + (f": {text(result['election'])}" if result.get("election") else "")
    seats_table = table(headers, rows, caption=caption, numeric=numeric, limit=MAX_TABLE_ROWS + 1)
    arch = _arch({"seats": {e["abbr"]: seats.get(e["abbr"], 0) for e in lists},
                  "appointed": result.get("appointed", {}), "label": ""})
    ties = [f"{', '.join(t['lists'])} tied in {t['stage']} at {t['value']}: {', '.join(t['winners'])} "
            f"by {t['resolved_by']}" for t in result.get("ties", [])]
    parts = [f"<div class=row><div>{seats_table}</div><div>{arch}</div></div>"]
    if ties:
        parts.append("<p>Ties:</p>" + _notes(ties))
    parts.append(_notes(f"Note: {n}" for n in result.get("notes", [])))
    parts.append(districts_html(result.get("districts") or [], lists))
    return fragment(*parts)


def districts_html(districts: Sequence[Mapping[str, Any]], lists: Sequence[Mapping[str, Any]]) -> str:
    """The seats in each unit (the ``districts`` of a result's JSON), one row per unit and one
    column per list that won a seat in any, folded under a summary line."""
    if not districts:
        return ""
    won = {a for d in districts for a, n in d["seats"].items() if n}
    order = [e["abbr"] for e in lists if e["abbr"] in won]
    order += sorted(won - set(order))
    rows = ([text(d["name"]), text(d["level"]), _num(d.get("magnitude")),
             *(str(d["seats"].get(a, 0)) for a in order)] for d in districts)
    levels = sorted({str(d["level"]) for d in districts})
    body = table(["Unit", "Level", "Seats", *(text(a) for a in order)], rows, numeric=range(2, 3 + len(order)))
    return (f"<details><summary>Seats in {len(districts):,} units ({text(', '.join(levels))})</summary>"
            f"{body}</details>")


# --- comparisons ----------------------------------------------------------------------------------

INDICES = (("gallagher", "Gallagher (least squares)"), ("loosemore_hanby", "Loosemore-Hanby"),
           ("sainte_lague", "Sainte-Laguë index"), ("enp_votes", "Effective parties (votes)"),
           ("enp_seats", "Effective parties (seats)"))


def comparison_html(report: Mapping[str, Any]) -> str:
    """A comparison (``Comparison.to_json()``): seats side by side, indices, the verifier's
    verdicts when checked, and each system's parliament."""
    systems, lists = report["systems"], report["lists"]
    base = report.get("share_base") or sum(e["votes"] for e in lists)
    labels = [text(s["label"]) for s in systems]
    rows = [[text(name_with_abbr(e["name"] or "", e["abbr"])), fmt_int(e["votes"]),
             fmt_percent(e["votes"], base), *(str(s["seats"].get(e["abbr"], 0)) for s in systems)] for e in lists]
    for k in sorted({k for s in systems for k in s["appointed"]}):
        rows.append([f"{text(k)} (appointed)", "", "", *(str(s["appointed"].get(k, 0)) for s in systems)])
    rows.append(["<b>Total</b>", fmt_int(sum(e["votes"] for e in lists)), "",
                 *(f"<b>{s['total']}</b>" for s in systems)])
    caption = "Seats" + (f": {text(report['election'])}" if report.get("election") else "")
    parts = [table(["List", "Votes", "Share", *labels], rows, caption=caption, numeric=range(1, 3 + len(systems)),
                   limit=MAX_TABLE_ROWS + 1)]
    index_rows = [[label, *(f"{s['indices'][key]:.3f}" for s in systems)] for key, label in INDICES]
    index_rows.append(["Largest list has a majority", *(
        f"{'yes' if s['majority'] else 'no'}: {text(s['largest'] or '')}" for s in systems)])
    parts.append(table(["Index", *labels], index_rows, caption="Disproportionality",
                       numeric=range(1, 1 + len(systems))))
    if any(s.get("properties") for s in systems):
        names = sorted({p for s in systems for p in (s["properties"] or {})})
        prop_rows = [[text(p), *(_status((s["properties"] or {}).get(p)) for s in systems)] for p in names]
        bounds = sorted({s["property_bounds"] for s in systems if s.get("property_bounds")})
        parts.append(table(["Property", *labels], prop_rows, caption="Properties (Z3 verifier)")
                     + _notes(f"Bounds: {b}" for b in bounds))
    parts.append("<div class=row>" + "".join(f"<div>{_arch(s, lists)}</div>" for s in systems) + "</div>")
    parts.append(_notes(sorted({f"Note: {n}" for s in systems for n in s.get("notes", [])})))
    return fragment(*parts)


def _status(status: str | None) -> str:
    if status is None:
        return "–"
    return f"<span class={escape(status) if status in ('proved', 'refuted', 'unknown') else 'muted'}>" \
           f"{text(status)}</span>"


# --- what-ifs: curves, margins, simulations -------------------------------------------------------


def curve_html(curve: Mapping[str, Any]) -> str:
    """A seat-vote curve (``Curve.to_json()``): the step plot and the table of breakpoints, each
    share shown exactly (a decimal marked … where rounded)."""
    rules, abbr = str(curve["rules"]), str(curve["abbr"])
    picture = curve_svg({abbr: [(p["from_percent"], p["to_percent"], p["seats"]) for p in curve["pieces"]]},
                        title=f"{abbr}: seats against its share of the list votes",
                        thresholds=[(t["percent"], escape_controls(t["label"])) for t in curve.get("thresholds", [])],
                        proportional=curve.get("house") or None)
    points = curve["breakpoints"]
    rows = ([fmt_exact(Fraction(x["share"]) * 100) + "%", str(x["below"]), str(x["above"]),
             "–" if x.get("at") is None else str(x["at"])] for x in points)
    breaks = table(["Share", "Seats below", "Seats above", "Seats at"], rows, numeric=range(4),
                   caption=f"{len(points):,} breakpoints")
    head = f"<p><b>Seat-vote curve of {text(abbr)}</b> <span class=muted>({_file(rules)})</span></p>"
    return fragment(head, f"<div class=row><div>{picture}</div><details><summary>Breakpoints</summary>"
                          f"{breaks}</details></div>")


def margins_html(rules: str, margins: Sequence[Mapping[str, Any]]) -> str:
    """Seat margins (each ``Margin.to_json()``): votes a list must gain for one more seat, or may
    lose before it loses one, the other lists' votes unchanged."""
    def cell(votes: Any, district: Any) -> str:
        return _num(votes) if votes is None or district is None else f"{_num(votes)} in {text(district)}"

    rows = ([text(mg["abbr"]), str(mg["seats"]), cell(mg["votes_to_gain_a_seat"], mg.get("gain_district")),
             cell(mg["votes_to_lose_a_seat"], mg.get("lose_district"))] for mg in margins)
    return fragment(table(["List", "Seats", "Votes to gain a seat", "Votes to lose one"], rows, numeric=range(1, 4),
                          caption=f"Votes that decide seats <span class=muted>({_file(rules)})</span>"),
                    _notes(["–: no number of votes changes it (others unchanged), or no seat to lose"]))


def distribution_html(data: Mapping[str, Any]) -> str:
    """Seats under uncertainty (``SeatDistribution.to_json()``): each list's mean seats, 90%
    interval and most likely number of seats; the chance that some list has a majority."""
    rows = []
    for abbr, d in data["lists"].items():
        dist = {int(k): p for k, p in d["distribution"].items()}
        mode = max(dist, key=lambda k: (dist[k], -k)) if dist else 0
        lo, hi = d["interval90"]
        rows.append([text(abbr), f"{d['mean']:.2f}", f"{lo}–{hi}", f"{mode} ({dist.get(mode, 0):.1%})"])
    caption = f"{data['simulations']:,} simulated elections <span class=muted>({_file(data['rules'])})</span>"
    return fragment(table(["List", "Mean seats", "90% interval", "Most likely"], rows, numeric=range(1, 4),
                          caption=caption),
                    f"<p>Probability that some list holds a majority: {data['majority_probability']:.3f}</p>")


# --- the verifier ---------------------------------------------------------------------------------


def verification_html(results: Sequence[Mapping[str, Any]], rules: str = "") -> str:
    """The verifier's verdicts (each ``PropertyResult.to_json()``): property, tier, status, bounds,
    and the reason or the counterexample (replayed by the interpreter) under each."""
    counts = {s: sum(r["status"] == s for r in results) for s in ("proved", "refuted", "unknown")}
    caption = ", ".join(f"{n} {s}" for s, n in counts.items() if n) + (
        f" <span class=muted>({_file(rules)})</span>" if rules else "")
    return fragment(_verdicts(results, caption))


def property_html(result: Mapping[str, Any]) -> str:
    """One verdict, with the property's definition and citation."""
    definition = f"<p>{text(result['definition'])}</p>" if result.get("definition") else ""
    cited = f"<p class=muted>{text(result['citation'])}</p>" if result.get("citation") else ""
    return fragment(_verdicts([result], ""), definition, cited)


def _verdicts(results: Sequence[Mapping[str, Any]], caption: str) -> str:
    rows = []
    for r in results:
        detail = _counterexample(r) if r.get("counterexample") else text(r.get("reason") or "")
        if r.get("clause"):
            detail += f"<br><span class=muted>{text(r['clause'])}</span>"
        rows.append([text(r["property"]), text(r.get("tier") or ""), _status(r["status"]),
                     text(r.get("bounds") or ""), f"{r.get('seconds', 0):.2f}", detail])
    return table(["Property", "Tier", "Status", "Bounds", "Seconds", "Reason or counterexample"], rows,
                 caption=caption, numeric=[4])


def _counterexample(r: Mapping[str, Any]) -> str:
    out = []
    for i, e in enumerate(r["counterexample"]["elections"], 1):
        votes = ", ".join(f"{text(a)} {fmt_int(v)}" for a, v in e["votes"].items())
        seats = ", ".join(f"{text(a)} {n}" for a, n in e["seats"].items())
        out.append(f"election {i}: votes {votes} → seats {seats} (house {e['house']})")
    return "<br>".join(out)


# --- what each result draws (display.NotebookHtml) ------------------------------------------------

# The rule file highlighted, with its citations.
draw_in_notebooks("hemicycle.api.Rules", lambda r: rules_html(r.model))
# Votes, shares and seats, the parliament, ties, notes and units.
draw_in_notebooks("hemicycle.interpreter.results.AllocationResult",
                  lambda r: result_html(r.to_json(), r.lists_json(), r.election.share_base))
# Seats side by side, indices, verdicts and parliaments.
draw_in_notebooks("hemicycle.compare.Comparison", lambda c: comparison_html(c.to_json()))
# The step plot and the breakpoints.
draw_in_notebooks("hemicycle.whatif.Curve", lambda c: curve_html(c.to_json()))
draw_in_notebooks("hemicycle.whatif.Margins", lambda mg: margins_html(mg.rules, mg.to_json()))
# Mean seats, 90% intervals and the most likely seats.
draw_in_notebooks("hemicycle.uncertainty.SeatDistribution", lambda d: distribution_html(d.to_json()))
# The verdicts, their bounds and their reasons or counterexamples.
draw_in_notebooks("hemicycle.analyses.Verification", lambda v: verification_html(v.to_json(), v.rules))
draw_in_notebooks("hemicycle.verify.results.PropertyResult", lambda r: property_html(r.to_json()))
