"""Vote files for fuzzing the readers: mutations of real files in every format.

Used by ``tests/test_fuzz_readers.py`` (a quick seeded run) and ``scripts/fuzz_readers.py`` (long
runs). The seeds are the bundled elections written in each format the readers take: hemicycle
JSON (the records as they are), CSV (built from them), NIST 1500-100 (hemicycle's export of each,
which follows the official schema; for three district records the long-form CSV and the
export with counts per GpUnit, and the hand-written test documents, official and draft) and
EML 510 (the test document, and one written from each election). Mutations work on the structure
(a key dropped, renamed by one letter or doubled; a value of another type, a huge or odd figure;
deeper nesting) and on the text (bytes cut, doubled, replaced by hostile characters).

``exercise`` reads a text, and when it is accepted allocates it with its rules, exports it to
NIST and EML, and reads the NIST export back: only ``VoteFileError`` and ``AllocationError`` may
come out, and the read-back must give the same lists and votes (a "disagreement" otherwise).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hemicycle.api import load
from hemicycle.display import csv_text
from hemicycle.district_csv import long_form_rows
from hemicycle.election import Election
from hemicycle.formats import parse_standard
from hemicycle.formats.eml import export_eml520
from hemicycle.formats.nist import export_nist
from hemicycle.interpreter import AllocationError, allocate
from hemicycle.reading import VoteFileError
from hemicycle.reproduce import bundled_cases
from hemicycle.votes import check_for_rules, parse_vote_file

HERE = Path(__file__).resolve().parent

ODD_VALUES: list[object] = [
    None, True, False, 0, -1, 1.5, 1e6, "12", "1,234", "", "²", [], {}, [1, 2], {"a": 1}, 10**30, 10**4000,
    "x" * 300, "\u001b[2J", "NaN", 2**63, 2**64 + 1,
]
ODD_TEXT = ["²", "٣", "\u0000", "\u2028", "\ufeff", "\u001b]0;x\u0007", "{", "}", "[", "]", '"', ",", ";", "\t",
            "\n", "<", ">", "&", "&amp;", "9" * 60, "-", "+", ".", "e9", "NaN", "null", "true", "<!DOCTYPE x>",
            "<![CDATA[1]]>", "]]>", "\\u0000", "\\ud800"]


@dataclass(frozen=True)
class Seed:
    kind: str  # "json", "csv", "nist", "eml"
    text: str
    rules: Path  # the rule file the election is allocated with


def _csv(election: Election, checks: dict[str, int]) -> str:
    lines = ["abbr,votes,name,registration_order,ballot_order"]
    for e in election.lists:
        name = '"' + e.name.replace('"', '""') + '"'
        abbr = '"' + e.abbr.replace('"', '""') + '"'
        lines.append(f"{abbr},{e.votes},{name},{e.registration_order},{e.ballot_order or ''}")
    lines += [f"total:{k},{v}" for k, v in (*election.totals.items(), *checks.items())]
    return "\n".join(lines) + "\n"


def _eml510(election: Election) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="510d" SchemaVersion="5">',
           "<Count><Election><ElectionIdentifier Id=\"x\">",
           f"<ElectionName>{escape(election.name)}</ElectionName></ElectionIdentifier>",
           '<Contests><Contest><ContestIdentifier Id="alle"/><TotalVotes>']
    for i, e in enumerate(election.lists, start=1):
        out.append(f"<Selection><AffiliationIdentifier Id={quoteattr(str(i))}><RegisteredName>{escape(e.label)}"
                   f"</RegisteredName></AffiliationIdentifier><ValidVotes>{e.votes}</ValidVotes></Selection>")
    if "registered" in election.totals:
        out.append(f"<Cast>{election.totals['registered']}</Cast>")
    out.append(f"<TotalCounted>{election.list_votes}</TotalCounted>")
    if "invalid" in election.totals:
        out.append(f'<RejectedVotes ReasonCode="ongeldig">{election.totals["invalid"]}</RejectedVotes>')
    out.append("</TotalVotes></Contest></Contests></Election></Count></EML>")
    return "\n".join(out)


# District records whose long-form CSV and NIST export are seeds too (the smaller ones: a quick run).
DISTRICT_SEEDS = ("czech-2021", "finland-2019", "us-house-2000")


@cache
def seeds() -> tuple[Seed, ...]:
    out: list[Seed] = []
    for case in bundled_cases():
        text = case.votes_path.read_text("utf-8")
        out.append(Seed("json", text, case.rules_path))
        vote_file = parse_vote_file(text, str(case.votes_path))
        election = vote_file.election
        if election.units:  # long-form CSV and NIST GpUnits (EML: national figures only); the smaller records
            if case.election in DISTRICT_SEEDS:
                out.append(Seed("csv", csv_text(long_form_rows(election, vote_file.official_units)), case.rules_path))
                result = allocate(load(str(case.rules_path)).model, election, explain=False)
                out.append(Seed("nist", json.dumps(export_nist(result, date="2021-01-10"), ensure_ascii=False),
                                case.rules_path))
            continue
        out.append(Seed("csv", _csv(election, dict(vote_file.check_figures)), case.rules_path))
        result = allocate(load(str(case.rules_path)).model, election, explain=False)
        out.append(Seed("nist", json.dumps(export_nist(result, date="2021-01-10"), ensure_ascii=False),
                        case.rules_path))
        if vote_file.parties_complete and not election.agreements and not election.regions:
            out.append(Seed("eml", _eml510(election), case.rules_path))
    kz = next(c.rules_path for c in bundled_cases() if c.election == "kazakhstan-2021")
    for name, kind in (("nist_two_contests.json", "nist"), ("nist_draft_two_contests.json", "nist"),
                       ("eml510_tk.eml.xml", "eml")):
        text = (HERE / "formats" / name).read_text("utf-8")
        if kind == "nist":  # one contest, so that no --contest is needed
            doc = json.loads(text)
            doc["Election"][0]["Contest"] = doc["Election"][0]["Contest"][:1]
            text = json.dumps(doc)
        out.append(Seed(kind, text, kz))
    return tuple(out)


# --- mutations ----------------------------------------------------------------------------------------


def _typo(key: str, rng: random.Random) -> str:
    if not key:
        return "x"
    i = rng.randrange(len(key))
    what = rng.randrange(4)
    if what == 0:
        return key[:i] + key[i + 1:]
    if what == 1:
        return key[:i] + key[i] + key[i:]
    if what == 2:
        return key[:i] + key[i].swapcase() + key[i + 1:]
    return key + "s"


def _nodes(value: object, out: list[object]) -> None:
    out.append(value)
    if isinstance(value, dict):
        for v in value.values():
            _nodes(v, out)
    elif isinstance(value, list):
        for v in value:
            _nodes(v, out)


def _mutate_tree(data: object, rng: random.Random) -> object:
    containers: list[object] = []
    _nodes(data, containers)
    containers = [c for c in containers if isinstance(c, dict | list) and c]
    if not containers:
        return rng.choice(ODD_VALUES)
    target = rng.choice(containers)
    if isinstance(target, dict):
        key = rng.choice(list(target))
        what = rng.randrange(5)
        if what == 0:
            del target[key]
        elif what == 1:
            target[_typo(key, rng)] = target.pop(key)
        elif what == 2:
            target[key] = rng.choice(ODD_VALUES)
        elif what == 3:
            target[key] = [target[key]] if rng.random() < 0.5 else {"x": target[key]}
        else:
            target[rng.choice(["extra", "x-note", "notes", "agreements", "regions", "votes", "Count"])] = \
                rng.choice(ODD_VALUES)
    elif isinstance(target, list):
        i = rng.randrange(len(target))
        what = rng.randrange(4)
        if what == 0:
            del target[i]
        elif what == 1:
            target.insert(i, json.loads(json.dumps(target[i])))
        elif what == 2:
            target[i] = rng.choice(ODD_VALUES)
        else:
            target.reverse()
    return data


def _duplicate_a_key(text: str, rng: random.Random) -> str:
    """A key written twice in one object (json.dumps cannot write it)."""
    starts = [i for i, c in enumerate(text) if c == '"' and text[i - 1] in "{, \n" and ":" in text[i:i + 60]]
    if not starts:
        return text
    i = rng.choice(starts)
    end = text.find(":", i)
    key = text[i:end]
    return text[:i] + f"{key}: 1, " + text[i:]


def _mutate_text(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(ODD_TEXT)
    i = rng.randrange(len(text))
    j = min(len(text), i + rng.randrange(1, 40))
    what = rng.randrange(5)
    if what == 0:
        return text[:i] + text[j:]
    if what == 1:
        return text[:j] + text[i:j] + text[j:]
    if what == 2:
        return text[:i] + rng.choice(ODD_TEXT) + text[i:]
    if what == 3:
        return text[:i] + rng.choice(ODD_TEXT) + text[j:]
    digits = [k for k, c in enumerate(text) if c.isdigit()]
    if not digits:
        return text
    k = rng.choice(digits)
    return text[:k] + rng.choice(["9" * rng.choice([20, 4301, 5000]), "0", "-", ".5", "e3", "²"]) + text[k + 1:]


def mutate(seed: Seed, rng: random.Random, rounds: int | None = None) -> str:
    text = seed.text
    for _ in range(rng.randint(1, 4) if rounds is None else rounds):
        roll = rng.random()
        if seed.kind in ("json", "nist") and roll < 0.6:
            try:
                data = json.loads(text)
            except ValueError:
                text = _mutate_text(text, rng)
                continue
            text = json.dumps(_mutate_tree(data, rng), ensure_ascii=rng.random() < 0.3)
        elif seed.kind in ("json", "nist") and roll < 0.7:
            text = _duplicate_a_key(text, rng)
        else:
            text = _mutate_text(text, rng)
    return text


# --- running one input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str  # "accepted", "refused", "refused by the rules", "disagreement"
    seconds: float
    detail: str = ""


@cache
def _rules(path: Path):  # type: ignore[no-untyped-def]
    return load(str(path)).model


def exercise(text: str, rules: Path) -> Outcome:
    """Read ``text``; when accepted, allocate, export, read the export back (see the module docstring).
    Any exception other than the readers' and the interpreter's errors escapes to the caller."""
    start = time.perf_counter()
    try:
        vote_file = parse_vote_file(text, "fuzz")
    except VoteFileError:
        return Outcome("refused", time.perf_counter() - start)
    chamber = _rules(rules)
    try:
        check_for_rules(vote_file, chamber)
        result = allocate(chamber, vote_file.election, explain=False)
    except (VoteFileError, AllocationError):
        return Outcome("refused by the rules", time.perf_counter() - start)
    document = export_nist(result, date="2021-01-10")
    if vote_file.election.lists:
        export_eml520(result)
    again = parse_standard(json.dumps(document), "export").election
    seconds = time.perf_counter() - start
    before = [(e.abbr, e.votes) for e in vote_file.election.lists]
    after = [(e.abbr, e.votes) for e in again.lists]
    if before != after:
        return Outcome("disagreement", seconds, f"{before[:3]} != {after[:3]}")
    units_before = [(u.name, u.level, u.seats, dict(u.votes)) for u in vote_file.election.units]
    units_after = [(u.name, u.level, u.seats, dict(u.votes)) for u in again.units]
    if units_before != units_after and not any(u.candidate_votes for u in vote_file.election.units):
        return Outcome("disagreement", seconds, f"districts: {units_before[:1]} != {units_after[:1]}")
    return Outcome("accepted", seconds)
