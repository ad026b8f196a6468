"""Standard election-results formats: read them as vote files, write allocations in them.

* NIST SP 1500-100 v2, Election Results Common Data Format, JSON (``hemicycle.formats.nist``)
* OASIS EML: 510 (count) in, 520 (result) out (``hemicycle.formats.eml``)

Vote files are told apart by content (``sniff``): ``hemicycle.votes`` hands a file that is a NIST
``ElectionReport`` or XML to ``parse_standard``, which checks it exactly as the project's own
formats are checked (same ``VoteFileError`` messages, same consistency checks of the figures:
both read with ``hemicycle.reading`` and finish with ``hemicycle.figures``). Nothing here imports
``hemicycle.votes``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hemicycle.election import Election
from hemicycle.figures import VoteFile, finish
from hemicycle.reading import VoteFileError, read_text, strict_json

__all__ = ["load_standard", "parse_standard", "sniff", "vote_file_date"]


def sniff(text: str) -> str | None:
    """``"nist"``, ``"eml"`` or ``None`` (one of hemicycle's own formats), from the content."""
    from hemicycle.formats.nist import looks_like_nist

    stripped = text.removeprefix("\ufeff").lstrip()
    if stripped.startswith("<"):
        return "eml"
    if looks_like_nist(stripped):
        return "nist"
    return None


def parse_standard(text: str, file: str, *, totals: Mapping[str, int] | None = None,
                   contest: str | None = None) -> VoteFile:
    """Parse a NIST or EML document (by content) into a ``VoteFile``; ``contest`` picks a contest."""
    text = text.removeprefix("\ufeff")
    kind = sniff(text)
    if kind == "nist":
        from hemicycle.formats.nist import parse_nist

        raw = parse_nist(text, file, contest=contest)
    elif kind == "eml":
        from hemicycle.formats.eml import parse_eml

        raw = parse_eml(text, file, contest=contest)
    else:
        raise VoteFileError(file, "neither a NIST 1500-100 JSON ElectionReport nor an EML XML document; "
                                  "--contest applies to those formats only")
    return finish(raw, file, totals)


def load_standard(path: str | Path, *, totals: Mapping[str, int] | None = None,
                  contest: str | None = None) -> Election:
    """Read a NIST or EML file; like ``hemicycle.votes.load_votes`` plus the choice of contest."""
    return parse_standard(read_text(path), str(path), totals=totals, contest=contest).election


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def vote_file_date(path: str | Path) -> str | None:
    """The election day a vote file states, if any: ``date`` (hemicycle JSON), the Election's
    ``StartDate`` (NIST), ``ElectionDate`` (EML). Best effort: ``None`` when none is found."""
    try:
        text = read_text(path).removeprefix("\ufeff")
    except VoteFileError:
        return None
    kind = sniff(text)
    if kind == "eml":
        match = re.search(r"<(?:\w+:)?ElectionDate>\s*(\d{4}-\d{2}-\d{2})", text)
        return match.group(1) if match else None
    try:
        data = strict_json(text, str(path))
    except VoteFileError:
        return None
    if not isinstance(data, dict):
        return None
    value = data.get("date")
    if kind == "nist":
        elections = data.get("Election") or [{}]
        value = elections[0].get("StartDate") if isinstance(elections[0], dict) else None
    return value if isinstance(value, str) and _DATE.fullmatch(value) else None
