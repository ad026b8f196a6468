"""Strings from files, shown as text: on a terminal, in JSON and in spreadsheets.

Party names, abbreviations, rule-file strings and citations, file names and the messages that
quote them are data. Shown anywhere, they must read as what they are:

* on a terminal (``DataConsole``, ``DataTable``, ``text``): control characters (ANSI and OSC
  escape sequences, carriage returns, C1 codes such as CSI), bidirectional overrides and
  isolates, and line or paragraph separators are shown as escapes (``\\x1b``, ``\\u202e``);
  nothing is read as Rich markup (``[bold]``, ``[link=...]``, ``[/x]``) or as an emoji code
  (``:smile:``);
* in JSON (``json_text``): the same characters as ``\\u`` escapes, which is the same data;
* in CSV (``csv_text``): a text cell that a spreadsheet would read as a formula (it starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``, and every text
  cell is quoted, as OWASP recommends against CSV injection; numbers are written as numbers.

Every console, table and machine format of the command line goes through this module; nothing
else builds a Rich object from file text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.segment import Segment
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

# Shown as escapes: every control character but the newline (C0, DEL, C1), the bidirectional
# embeddings, overrides and isolates (they reorder what follows them on the line, digits
# included), and the Unicode line and paragraph separators.
_UNSAFE = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_UNSAFE_RE = re.compile(_UNSAFE)
_UNSAFE_WITH_NEWLINE_RE = re.compile(_UNSAFE[:-1] + "\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(s: str, *, newlines: bool = True) -> str:
    """``s`` with every character that could act on a terminal shown as an escape; newlines are
    kept unless ``newlines=False``."""
    pattern = _UNSAFE_RE if newlines else _UNSAFE_WITH_NEWLINE_RE
    return pattern.sub(_escape, s) if pattern.search(s) else s


def text(s: str, style: str | Style = "") -> Text:
    """A Rich ``Text`` of data: never markup, never emoji, control characters escaped."""
    return Text(escape_controls(s), style=style)


def _as_text(value: Any) -> Any:
    return text(value) if isinstance(value, str) else value


class DataTable(Table):
    """A Rich table whose title, headers and cells given as strings are data (see ``text``), so
    it shows the same on any console."""

    def __init__(self, *headers: Any, title: Any = None, caption: Any = None, **kwargs: Any) -> None:
        super().__init__(*(_as_text(h) for h in headers), title=_as_text(title), caption=_as_text(caption),
                         **kwargs)

    def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
        super().add_column(_as_text(header), *args, **kwargs)

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(_as_text(r) for r in renderables), **kwargs)


class DataConsole(Console):
    """A Rich console for output that quotes files: markup, emoji codes and highlighting are off
    whatever a call asks, strings are escaped before layout (``render_str``), and every segment
    of text is escaped again on its way out (``render``), so a ``Text`` built elsewhere from file
    text cannot reach the terminal raw either. Styles come only from ``Text`` objects."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False)
        return super().render_str(escape_controls(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not _UNSAFE_RE.search(segment.text):
                yield segment
            else:
                yield Segment(escape_controls(segment.text), segment.style)


def _squashed(s: str) -> str:
    return re.sub(r"[\W_]+", "", s).casefold()


def name_with_abbr(name: str, abbr: str) -> str:
    """How a list is named for people: ``Name (ABBR)``; the name alone when it already shows the
    abbreviation (``«Ауыл» (Auyl)``, ``Партия «Nur Otan»`` for NurOtan); the abbreviation alone
    when there is no other name. Never a name or an abbreviation twice."""
    name, abbr = name.strip(), abbr.strip()
    if not name or name == abbr:
        return abbr
    if not abbr or re.search(rf"(?<!\w){re.escape(abbr)}(?!\w)", name, flags=re.IGNORECASE):
        return name
    if len(_squashed(abbr)) >= 4 and _squashed(abbr) in _squashed(name):
        return name
    return f"{name} ({abbr})"


def progress(console: Console) -> Progress:
    """A transient progress bar whose task descriptions (file names) are text, not markup."""
    return Progress(TextColumn("{task.description}", markup=False, style="progress.description"),
                    BarColumn(), TaskProgressColumn(), TimeRemainingColumn(), console=console, transient=True)


class Steps:
    """The progress of a long command (``verify``, ``distinguish``, ``compare``'s first property
    checks, ``reproduce``), on ``console`` (stderr): one transient bar, its description the step
    under way (a property, a system, an election), its file names shown as text. Silent when
    ``enabled`` is false (``--quiet``, or stderr is not a terminal), so pipes and logs get only
    the results.

    ``callback(what)`` gives the function a step-by-step computation calls: ``(done, total,
    step)`` before each step and ``(total, total, "")`` at the end."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled and console.is_terminal
        self.bar: Progress | None = None

    def __enter__(self) -> Steps:
        if self.enabled:
            description = TextColumn("{task.description}", markup=False, style="progress.description",
                                     table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis"))
            self.bar = Progress(description, BarColumn(bar_width=16), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=self.console, transient=True, expand=True)
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def callback(self, what: str) -> Any:
        """A ``(done, total, step)`` function for one computation (nothing happens when silent)."""
        if self.bar is None:
            return None
        bar = self.bar
        task = bar.add_task(escape_controls(what, newlines=False), total=None)

        def report(done: int, total: int | None, step: str = "") -> None:
            text = f"{what}: {step}" if step else what
            bar.update(task, completed=done, total=total, description=escape_controls(text, newlines=False))

        return report


# --- JSON -----------------------------------------------------------------------------------------

# Characters json.dumps(ensure_ascii=False) leaves raw that the terminal would act on. In JSON text
# they can only stand inside strings, so their \u escapes are the same document.
_JSON_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """JSON of ``data``, readable (non-ASCII letters kept) and safe to show on a terminal."""
    dumped = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)


# --- CSV ------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A text cell a spreadsheet reads as text: a formula-like start gets a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_text(rows: Iterable[Sequence[str | int | float | None]]) -> str:
    """CSV of ``rows``: text cells neutralised (``csv_cell``) and quoted, numbers as they are,
    ``None`` as an empty cell. Every CSV hemicycle writes goes through here."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow([csv_cell(c) if isinstance(c, str) else ("" if c is None else c) for c in row])
    return buf.getvalue()


# --- notebooks ------------------------------------------------------------------------------------

_HTML: dict[str, Callable[[Any], str]] = {}


def draw_in_notebooks(cls: str, render: Callable[[Any], str]) -> None:
    """How a notebook draws an object of the class named ``cls`` (``module.Class``) as HTML:
    ``hemicycle.notebook``, imported with the package, registers one for each kind of result, by
    name, so that it imports none of their modules either."""
    _HTML[cls] = render


class NotebookHtml:
    """A result that a notebook draws (Jupyter's ``_repr_html_``) with the renderer registered for
    its class, so the module of a result needs no import of the notebook module above it. None (the
    plain ``repr``) when none is registered."""

    def _repr_html_(self) -> str | None:
        for c in type(self).__mro__:
            render = _HTML.get(f"{c.__module__}.{c.__qualname__}")
            if render is not None:
                return render(self)
        return None
