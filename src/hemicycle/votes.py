"""Vote files: read one election's figures from JSON or CSV, refusing anything doubtful.

Standard formats are read too, by content: a NIST 1500-100 JSON ``ElectionReport`` or an EML XML
document goes to ``hemicycle.formats``. Every format is read with the pieces of
``hemicycle.reading`` and checked by ``hemicycle.figures`` (the same checks and messages for all).

Two formats of hemicycle's own, told apart by content (a file whose first non-blank character is
``{`` or ``[`` is JSON, anything else CSV), never by extension:

* **JSON**, the shape of the bundled data (``hemicycle/elections/*.json``)::

    {"election": "NAME", "date": "YYYY-MM-DD",
     "parties": [{"abbr": "A", "name": "...", "votes": 123, "ballot_order": 1,
                  "registration_order": 1, "list_size": 40, "tags": ["minority"]}, ...],
     "totals": {"valid": 456, "invalid": 7, "ballots_cast": 463, "registered": 900},
     "parties_complete": true,
     "substitutes": {"ballots_cast": "valid"}}

  The keys each object may have are listed in ``JSON_KEYS`` (one table per kind of object:
  ``top``, ``party``, ``totals``, ``region``): the keys that carry data, and the documentation
  keys of the bundled data (``sources``, ``notes``, ``name_en``...) that are known and never read.
  **Any other key is an error** with a did-you-mean (``"agreement"`` is not silently ignored);
  free data goes under a key ``"extra"`` or a key starting with ``"x-"``, anywhere. No key may
  appear twice in an object, at any depth.

  Two party keys of the bundled data become tags: ``"minority": true`` gives the tag
  ``minority``; ``"coalition_size": k`` gives ``coalition`` plus ``coalition_2_3`` (k = 2 or 3)
  or ``coalition_4_plus`` (k >= 4). A party's ``seats`` are the official seats (compared by
  ``hemicycle reproduce``, never used to allocate). A figure that is ``null`` is unknown, i.e.
  absent. ``registration_order`` is either given for every list or for none (then it is the
  order in the file).

  For the clauses of real systems (docs/language.md) a list may also give ``district_seats``
  (mixed-member systems), ``regional_votes`` ({region: votes}, with the file's top-level
  ``"regions": {region: {total: figure}}``), ``combination`` (a list-combination name),
  ``reported_shares`` ({base: percent as published}, used only when the base figure is unknown,
  and checked against the figures when it is known; the bundled data's
  ``reported_percent_of_registered`` is read as the ``registered_voters`` share, and
  ``reported_percent`` as the share of the file's ``"reported_percent_base"``) and
  ``reported_regional_threshold`` (the official outcome of a regional threshold test). The top
  level may give ``"agreements"``: arrays of two or more abbrs (a list in one at most); ``[]``
  says that no agreement was made.

* **CSV** with a header row naming the columns (``abbr`` and ``votes`` required; ``name``,
  ``registration_order``, ``ballot_order``, ``list_size``, ``tags`` optional; tags separated by
  ``;``; a column whose name starts with ``x-`` is free data, never read). The delimiter is
  ``,``, ``;`` or a tab, whichever the header uses. Blank lines and lines starting with ``#``
  are skipped (but ``#SIEŤ,146205``, which reads as a list, is refused: quote such an abbr). A
  row whose abbr is ``total:NAME`` gives a total in its votes column, or in its second field
  when it has only two: ``total:invalid,297718``. Row numbers in messages are line numbers. A
  CSV file always holds every list. A header with a ``district`` column makes it a long-form file
  with districts (``hemicycle.district_csv``; also the columns ``seats`` and ``level``).

Besides the totals of ``hemicycle.election.TOTALS`` a file may give the check figures ``blank``
and ``disallowed`` (ballots in ``ballots_cast`` that are neither valid nor invalid),
``ballots_in_box`` (when ``ballots_cast`` counts the voters who signed for a ballot),
``ballots_issued`` and the published ``turnout_percent_reported``. They are not part of the
``Election``; they only make the consistency checks (``hemicycle.figures``) exact.

Every figure must be written as a plain non-negative integer: no sign, no decimal point, no
exponent, no thousands separators (they are refused, never guessed). Files larger than
``MAX_FILE_BYTES``, with more than ``MAX_LISTS`` lists or more than ``MAX_JSON_OBJECTS`` JSON
objects are refused while they are read. Every problem is a ``VoteFileError`` that names the
file, the row (the line number in a CSV file; the 1-based position in the JSON ``parties`` array)
and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from hemicycle.election import Election
from hemicycle.figures import (
    CHECK_FIGURES,
    VoteFile,
    election_to_json,
    finish,
)
from hemicycle.formats import parse_standard, sniff
from hemicycle.palette import with_bundled_styles
from hemicycle.reading import (
    MAX_FILE_BYTES,
    MAX_JSON_OBJECTS,
    MAX_LISTS,
    VoteFileError,
    read_text,
)
from hemicycle.vote_csv import parse_csv
from hemicycle.vote_fields import (
    CSV_COLUMNS,
    JSON_KEYS,
)
from hemicycle.vote_json import parse_json

__all__ = [
    "CHECK_FIGURES",
    "CSV_COLUMNS",
    "JSON_KEYS",
    "MAX_FILE_BYTES",
    "MAX_JSON_OBJECTS",
    "MAX_LISTS",
    "VoteFile",
    "VoteFileError",
    "check_for_rules",
    "election_to_json",
    "load_votes",
    "parse_vote_file",
    "parse_votes",
    "parse_votes_csv",
    "parse_votes_json",
    "read_vote_file",
    "read_votes_for_rules",
]

# --- public entry points -------------------------------------------------------------------------


def load_votes(path: str | Path, *, totals: Mapping[str, int] | None = None) -> Election:
    """Read a vote file (JSON or CSV, by content). ``totals`` add figures the file lacks; a figure
    that contradicts the file's is an error."""
    return read_vote_file(path, totals=totals).election


def read_vote_file(path: str | Path, *, totals: Mapping[str, int] | None = None,
                   contest: str | None = None) -> VoteFile:
    """Like ``load_votes`` but keeps ``parties_complete`` and the check figures; ``contest``
    chooses the contest of a NIST or EML file that has several."""
    vote_file = parse_vote_file(read_text(path), str(path), totals=totals, contest=contest)
    styled = with_bundled_styles(vote_file.election, Path(path).name.removesuffix(".json"))
    return vote_file if styled is vote_file.election else replace(vote_file, election=styled)


def read_votes_for_rules(path: str | Path, chambers: Iterable[Any], *, totals: Mapping[str, int] | None = None,
                         contest: str | None = None) -> VoteFile:
    """The one way a command reads a vote file for rules: ``read_vote_file`` plus
    ``check_for_rules`` against each chamber (a ``hemicycle.model.Chamber``)."""
    vote_file = read_vote_file(path, totals=totals, contest=contest)
    for chamber in chambers:
        check_for_rules(vote_file, chamber)
    return vote_file


def parse_votes(text: str, file: str, *, totals: Mapping[str, int] | None = None) -> Election:
    """Parse the text of a vote file, JSON or CSV by content."""
    return parse_vote_file(text, file, totals=totals).election


def parse_vote_file(text: str, file: str, *, totals: Mapping[str, int] | None = None,
                    contest: str | None = None) -> VoteFile:
    """Like ``parse_votes`` but keeps ``parties_complete`` and the check figures."""
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise VoteFileError(file, "the file is empty")
    if contest is not None or sniff(stripped) is not None:
        return parse_standard(text, file, totals=totals, contest=contest)
    raw = parse_json(text, file) if stripped[0] in "{[" else parse_csv(text, file)
    return finish(raw, file, totals)


def parse_votes_json(text: str, file: str) -> Election:
    """Parse a JSON vote file (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise VoteFileError(file, "the file is empty")
    return finish(parse_json(text, file), file, None).election


def parse_votes_csv(text: str, file: str) -> Election:
    """Parse a CSV vote file (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise VoteFileError(file, "the file is empty")
    return finish(parse_csv(text, file), file, None).election


# --- the vote file against the rules -------------------------------------------------------------


def check_for_rules(vote_file: VoteFile, chamber: Any) -> None:
    """Refuse a vote file that cannot serve these rules (a ``hemicycle.model.Chamber``): a clause
    whose data the file does not give where the law needs it (``hemicycle.clause_data``). Where
    the law allows the absence (tags no list carries, no agreement made) the allocation notes it."""
    from hemicycle import clause_data

    for problem in clause_data.problems(chamber, vote_file.election, given=vote_file.given,
                                        complete=vote_file.parties_complete):
        raise VoteFileError(vote_file.election.source or "<votes>", problem.message, field=problem.field)
