"""Tables of results in one neutral shape, written for a terminal (Rich), Markdown or LaTeX.

``reports`` builds every table of ``allocate`` and ``compare`` once as a ``Table`` (a title,
columns, rows, total rows and notes, all text); each format only writes it. Strings from files are
escaped for the format they go into:

* Rich: through ``display.DataTable`` (text, never markup; control characters shown as escapes);
* Markdown (GitHub's tables, CommonMark): every character Markdown gives a meaning inside a
  paragraph or a table cell (``\\ ` * _ [ ] < > | ~ & ! #`` and ``$`` for the math extensions)
  backslash-escaped, line breaks as spaces, control characters as escapes;
* LaTeX (``booktabs``): the ten special characters as their commands (``\\&``, ``\\%``,
  ``\\textbackslash{}`` ...), line breaks as spaces, control characters as escapes. Names in
  other scripts are kept as UTF-8, for XeLaTeX or LuaLaTeX (the output says so when it has any).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.table import Table as RichTable

from hemicycle.display import DataTable, escape_controls

ALIGNS = ("left", "right", "center")


@dataclass
class Column:
    header: str
    align: str = "left"  # "left", "right" or "center"
    fold: bool = False  # on a narrow terminal, a long word of the cells breaks onto the next line


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[str]] = field(default_factory=list)
    totals: list[list[str]] = field(default_factory=list)  # after a rule: "Total" rows
    notes: list[str] = field(default_factory=list)  # under the table: legends, bounds

    def add(self, *cells: str) -> None:
        self.rows.append(list(cells))

    def total(self, *cells: str) -> None:
        self.totals.append(list(cells))


# --- the terminal -----------------------------------------------------------------------------------


def to_rich(table: Table) -> RichTable:
    """A Rich table (text only) of ``table``; its notes are not part of it (``rich_notes``)."""
    out = DataTable(title=table.title or None, title_justify="left")
    for k, c in enumerate(table.columns):
        # never narrower than its longest word: Rich would cut it ("Sainte-Lagu…") rather than
        # take the width from a column with room to spare
        words = [w for text in [c.header, *(row[k] for row in table.rows + table.totals if k < len(row))]
                 for w in text.split()]
        longest = 0 if c.fold else min(max(map(len, words), default=0), 24)
        out.add_column(c.header, justify=c.align, overflow="fold" if c.fold else "ellipsis",  # type: ignore[arg-type]
                       min_width=longest or None)
    for row in table.rows:
        out.add_row(*row)
    if table.totals:
        out.add_section()
        for row in table.totals:
            out.add_row(*row)
    return out


# --- Markdown ---------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#$])")


def md_escape(s: str) -> str:
    """``s`` as literal text in a Markdown paragraph or table cell."""
    s = escape_controls(s, newlines=False).replace("\r", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def to_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table, its title in bold above it and its notes below."""
    lines: list[str] = []
    if table.title:
        lines += [f"**{md_escape(table.title)}**", ""]
    lines.append("| " + " | ".join(md_escape(c.header) or " " for c in table.columns) + " |")
    rule = {"left": ":---", "right": "---:", "center": ":---:"}
    lines.append("| " + " | ".join(rule[c.align] for c in table.columns) + " |")
    for row in table.rows:
        lines.append("| " + " | ".join(md_escape(cell) for cell in row) + " |")
    for row in table.totals:
        lines.append("| " + " | ".join(f"**{md_escape(cell)}**" if cell else "" for cell in row) + " |")
    if table.notes:
        lines.append("")
        lines += [md_escape(n) + "  " if i < len(table.notes) - 1 else md_escape(n)
                  for i, n in enumerate(table.notes)]
    return "\n".join(lines) + "\n"


# --- LaTeX ------------------------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))


def latex_escape(s: str) -> str:
    """``s`` as literal text in LaTeX (any font encoding)."""
    s = escape_controls(s, newlines=False).replace("\r", " ")
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], s)


def to_latex(table: Table) -> str:
    """A ``table`` float holding a ``booktabs`` tabular, with the title as its caption and the
    notes under it."""
    spec = "".join({"left": "l", "right": "r", "center": "c"}[c.align] for c in table.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if table.title:
        lines.append(r"\caption{" + latex_escape(table.title) + "}")
    lines += [r"\begin{tabular}{" + spec + "}", r"\toprule"]
    lines.append(" & ".join(latex_escape(c.header) for c in table.columns) + r" \\")
    lines.append(r"\midrule")
    lines += [" & ".join(latex_escape(cell) for cell in row) + r" \\" for row in table.rows]
    if table.totals:
        lines.append(r"\midrule")
        lines += [" & ".join(latex_escape(cell) for cell in row) + r" \\" for row in table.totals]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if table.notes:
        lines.append(r"\par\smallskip\footnotesize")
        lines += [latex_escape(n) + r"\par" for n in table.notes]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def latex_preamble_note(tables: Sequence[Table]) -> str:
    """A comment for the top of LaTeX output: the packages it needs."""
    text = " ".join([t.title for t in tables] + [c.header for t in tables for c in t.columns]
                    + [cell for t in tables for row in t.rows + t.totals for cell in row] + [n for t in tables
                                                                                            for n in t.notes])
    engine = " and XeLaTeX or LuaLaTeX (the names are UTF-8 text beyond ASCII)" if not text.isascii() else ""
    return f"% Written by hemicycle. Needs \\usepackage{{booktabs}}{engine}.\n"


def render(tables: Sequence[Table], fmt: str) -> str:
    """The tables in ``fmt`` ("markdown" or "latex"), separated by a blank line."""
    if fmt == "markdown":
        return "\n".join(to_markdown(t) for t in tables)
    if fmt == "latex":
        return latex_preamble_note(tables) + "\n".join(to_latex(t) for t in tables)
    raise ValueError(f"unknown table format {fmt!r}")


__all__ = ["ALIGNS", "Column", "Table", "latex_escape", "md_escape", "render", "to_latex", "to_markdown", "to_rich"]
