"""OASIS EML: read a count (EML 510, as the Dutch Kiesraad publishes it), write a result (EML 520).

Import (EML 510, "Count")::

    EML[@Id="510..."]/Count/Election
        ElectionIdentifier/ElectionName                      -> the election's name
        Contests/Contest[ContestIdentifier/@Id]              -> the contest (``--contest ID``)
            TotalVotes/Selection[AffiliationIdentifier]      -> one list per affiliation:
                AffiliationIdentifier/@Id                    ->   abbr (and ballot_order when a number)
                AffiliationIdentifier/RegisteredName         ->   name
                ValidVotes                                   ->   votes
            TotalVotes/Cast                                  -> registered (EML_NL: the voters called,
                                                                "opgeroepenen")
            TotalVotes/TotalCounted                          -> valid
            TotalVotes/RejectedVotes[@ReasonCode="ongeldig"] -> invalid (no ReasonCode: invalid too)
            TotalVotes/RejectedVotes[@ReasonCode="blanco"]   -> blank (a check figure)
            TotalVotes/UncountedVotes                        -> checked to be whole numbers, not used

``ballots_cast`` is TotalCounted plus the rejected votes when both are given. Selections of
candidates (the votes within a list) are skipped: the list's ValidVotes already holds them.

Elements of the EML namespace that the reader does not know inside ``TotalVotes`` and its
``Selection`` elements are refused with a did-you-mean (a misspelled ``RejectedVote`` would otherwise be
skipped); elements of other namespaces (EML_NL's ``kr:``) are extensions and are skipped.

Export (EML 520, "Result"): one ``Contest`` with a ``Selection`` per list (its votes, and
``Elected`` yes/no); EML 520 states elected *candidates*, which an allocation does not know, so
the seat counts per list travel in an extension element of the ``urn:hemicycle:allocation``
namespace placed where EML allows foreign elements (after ``Election``), with the allocation's
notes. That namespace's XML Schema is published with the package:
``hemicycle/formats/hemicycle-allocation.xsd``. Identifiers (``Id`` attributes) are EML name
tokens (XML NMTOKEN: no spaces, parentheses, commas or en-dashes); characters XML cannot carry
(control characters) are written as ``\\\\uXXXX``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from hemicycle.figures import Raw, Row
from hemicycle.formats._xml import Element, XmlError, parse_xml
from hemicycle.reading import BadValue, VoteFileError, did_you_mean, int_from_text

if TYPE_CHECKING:
    from hemicycle.interpreter import AllocationResult

_NUMBER = re.compile(r"[0-9]{1,18}")
EML_NS = "urn:oasis:names:tc:evs:schema:eml"
HEMICYCLE_NS = "urn:hemicycle:allocation"


def _where(element: Element) -> str:
    return f"{element.path} (line {element.line})"


def _fail(file: str, element: Element | None, message: str) -> VoteFileError:
    return VoteFileError(file, message, field=_where(element) if element is not None else None)


def _text(element: Element | None) -> str:
    return element.text.strip() if element is not None else ""


def _figure(file: str, element: Element) -> int:
    try:
        return int_from_text(element.text)
    except BadValue as bad:
        raise _fail(file, element, bad.message) from None


def parse_eml(text: str, file: str, *, contest: str | None = None) -> Raw:
    """The figures of an EML 510 count (see the module docstring); ``VoteFileError`` otherwise."""
    try:
        root = parse_xml(text)
    except XmlError as exc:
        raise VoteFileError(file, exc.message, field=f"line {exc.line}" if exc.line else None) from None
    if root.local != "EML" or root.ns != EML_NS:
        shown = f"{{{root.ns}}}{root.local}" if root.ns else root.local
        raise _fail(file, root, f"not an EML document: the root element is {shown}, not EML in the "
                                f"namespace {EML_NS}")
    kind = root.attrs.get("Id", "")
    if kind.startswith("520"):
        raise _fail(file, root, "this is an EML 520 result (seats and elected candidates); a vote "
                                "file needs the count, EML 510")
    if not kind.startswith("510"):
        raise _fail(file, root, f'EML document of kind "{kind}": a vote file needs the count, EML 510')
    count = root.find("Count")
    election = count.find("Election") if count is not None else None
    if election is None:
        raise _fail(file, count or root, "no Count/Election element")
    raw = Raw(is_csv=True)  # no JSON-specific hints in messages
    identifier = election.find("ElectionIdentifier")
    raw.name = _text(identifier.find("ElectionName") if identifier is not None else None)
    contests_el = election.find("Contests")
    contests = contests_el.findall("Contest") if contests_el is not None else []
    if not contests:
        raise _fail(file, election, "no Contests/Contest element: the document gives no votes")
    chosen = _choose_contest(file, election, contests, contest)
    totals = chosen.find("TotalVotes")
    if totals is None:
        raise _fail(file, chosen, "no TotalVotes element: the contest gives no totals per list")
    _selections(file, totals, raw)
    _totals(file, totals, raw)
    return raw


def _contest_id(contest: Element) -> str:
    ident = contest.find("ContestIdentifier")
    return ident.attrs.get("Id", "") if ident is not None else ""


def _choose_contest(file: str, election: Element, contests: list[Element], wanted: str | None) -> Element:
    ids = [_contest_id(c) for c in contests]
    if wanted is not None:
        for c, ident in zip(contests, ids, strict=True):
            if ident == wanted:
                return c
        raise _fail(file, election, f'no contest with ContestIdentifier Id "{wanted}"; the document has: '
                                    + ", ".join(f'"{i}"' for i in ids))
    if len(contests) > 1:
        raise _fail(file, election, f"the document has {len(contests)} contests ("
                                    + ", ".join(f'"{i}"' for i in ids) + "): choose one with --contest ID")
    return contests[0]


# The EML-namespace children the reader knows (EML 510 TotalVotes and its Selections).
_TOTAL_VOTES = ("Selection", "Cast", "TotalCounted", "RejectedVotes", "UncountedVotes", "CountMetric")
_SELECTION = ("Candidate", "AffiliationIdentifier", "ReferendumOptionIdentifier", "ValidVotes", "CountMetric")


def _check_children(file: str, element: Element, known: tuple[str, ...]) -> None:
    for child in element.children:
        if child.ns == EML_NS and child.local not in known:
            raise _fail(file, child, f"unknown element {child.local} in {element.local}"
                                     f"{did_you_mean(child.local, known)}; known: {', '.join(known)}")


def _selections(file: str, totals: Element, raw: Raw) -> None:
    _check_children(file, totals, _TOTAL_VOTES)
    seen: dict[str, Element] = {}
    for selection in totals.findall("Selection"):
        _check_children(file, selection, _SELECTION)
        affiliation = selection.find("AffiliationIdentifier")
        if affiliation is None:
            if selection.find("ReferendumOptionIdentifier") is not None:
                raise _fail(file, selection, "a referendum option: hemicycle allocates seats to lists")
            continue  # a candidate's votes, part of the list's ValidVotes
        ident = affiliation.attrs.get("Id", "").strip()
        if not ident:
            raise _fail(file, affiliation, "the AffiliationIdentifier has no Id: every list needs one")
        if ident in seen:
            raise _fail(file, affiliation, f'affiliation "{ident}" appears twice: lines {seen[ident].line} '
                                           f"and {affiliation.line}")
        seen[ident] = affiliation
        valid = selection.find("ValidVotes")
        if valid is None:
            raise _fail(file, selection, f"no ValidVotes for affiliation {ident}")
        raw.add_row(Row(
            row=affiliation.line, abbr=ident, votes=_figure(file, valid),
            name=_text(affiliation.find("RegisteredName")), ballot_order=_ballot_number(ident),
        ), file)
    if not raw.rows:
        raise _fail(file, totals, "no Selection with an AffiliationIdentifier: the document gives no lists")


def _ballot_number(ident: str) -> int | None:
    """An affiliation Id that is a list number on the ballot (ASCII digits, a sane length)."""
    if _NUMBER.fullmatch(ident) and int(ident) > 0:
        return int(ident)
    return None


def _totals(file: str, totals: Element, raw: Raw) -> None:
    for tag, key in (("Cast", "registered"), ("TotalCounted", "valid")):
        element = totals.find(tag)
        if element is not None:
            raw.totals[key] = _figure(file, element)
            raw.origins[key] = (None, _where(element))
    rejected: dict[str, int] = {}
    for element in totals.findall("RejectedVotes"):
        reason = element.attrs.get("ReasonCode", "ongeldig").strip().lower()
        key = {"ongeldig": "invalid", "invalid": "invalid", "blanco": "blank", "blank": "blank"}.get(reason)
        if key is None:
            raise _fail(file, element, f'unknown ReasonCode "{reason}" for rejected votes; known: ongeldig '
                                       "(invalid), blanco (blank)")
        if key in rejected:
            raise _fail(file, element, f"rejected votes of the kind {reason} are given twice")
        rejected[key] = _figure(file, element)
        (raw.totals if key == "invalid" else raw.checks)[key] = rejected[key]
        raw.origins[key] = (None, _where(element))
    for element in totals.findall("UncountedVotes"):
        _figure(file, element)
    if "valid" in raw.totals and rejected:
        raw.totals["ballots_cast"] = raw.totals["valid"] + sum(rejected.values())
        raw.origins["ballots_cast"] = (None, _where(totals) + ": TotalCounted + RejectedVotes")


# --- export ---------------------------------------------------------------------------------------

# The EML core identifier type (``Id`` attributes) is an XML name token (NMTOKEN): these characters
# only (no spaces, parentheses, commas or dashes other than "-"; ":" is left out as well).
_NAME_CHARS = ("-.0-9A-Z_a-z\u00b7\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u037d\u037f-\u1fff\u200c\u200d"
               "\u203f\u2040\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd")
_NOT_NAME = re.compile(f"[^{_NAME_CHARS}]+")
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _token(text: str) -> str:
    """An EML identifier (NMTOKEN) for a name: other characters become "_"."""
    return _NOT_NAME.sub("_", text).strip("_") or "1"


def _xml_text(text: str) -> str:
    """Text XML can hold: characters it cannot are written as \\uXXXX (shown, not dropped)."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _esc(value: str) -> str:
    return escape(_xml_text(value))


def _attr(value: str) -> str:
    return quoteattr(_xml_text(value))


def export_eml520(result: AllocationResult, *, transaction_id: str = "1") -> str:
    """The allocation as an EML 520 result document (see the module docstring). Identifiers are
    EML name tokens; the ``hc:`` elements follow ``hemicycle/formats/hemicycle-allocation.xsd``."""
    election = result.election
    name = election.name or result.chamber
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<EML xmlns="{EML_NS}" xmlns:hc="{HEMICYCLE_NS}" Id="520" SchemaVersion="5.0">',
        f"  <TransactionId>{_esc(transaction_id)}</TransactionId>",
        "  <Result>",
        "    <Election>",
        f"      <ElectionIdentifier Id={_attr(_token(name))}>",
        f"        <ElectionName>{_esc(name)}</ElectionName>",
        "      </ElectionIdentifier>",
        "      <Contest>",
        f"        <ContestIdentifier Id={_attr(_token(result.chamber))}>",
        f"          <ContestName>{_esc(result.chamber)}</ContestName>",
        "        </ContestIdentifier>",
    ]
    ids: dict[str, str] = {}
    taken: set[int] = set()
    for position, entry in enumerate(election.lists, start=1):
        # EML affiliation Ids are positive numbers: the ballot number where known.
        number = entry.ballot_order or _ballot_number(entry.abbr) or position
        if number in taken:
            number = max(taken) + 1
        taken.add(number)
        ids[entry.abbr] = str(number)
        seats = result.seats.get(entry.abbr, 0)
        lines += [
            "        <Selection>",
            f"          <AffiliationIdentifier Id={_attr(ids[entry.abbr])}>",
            f"            <RegisteredName>{_esc(entry.label)}</RegisteredName>",
            "          </AffiliationIdentifier>",
            f"          <Votes>{entry.votes}</Votes>",
            f"          <Elected>{'yes' if seats > 0 else 'no'}</Elected>",
            "        </Selection>",
        ]
    lines += ["      </Contest>", "    </Election>"]
    lines.append(f"    <hc:Allocation Chamber={_attr(result.chamber)} Seats=\"{result.total}\">")
    for entry in election.lists:
        lines.append(f"      <hc:Seats AffiliationId={_attr(ids[entry.abbr])} Abbr={_attr(entry.abbr)}>"
                     f"{result.seats.get(entry.abbr, 0)}</hc:Seats>")
    for key, seats in result.appointed.items():
        by = result.appointed_names.get(key, key)
        lines.append(f"      <hc:Appointed Key={_attr(key)} By={_attr(by)}>{seats}</hc:Appointed>")
    for note in result.notes:
        lines.append(f"      <hc:Note>{_esc(note)}</hc:Note>")
    lines += ["    </hc:Allocation>", "  </Result>", "</EML>", ""]
    return "\n".join(lines)
