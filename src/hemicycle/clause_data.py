"""What the clauses of a rule model need from the vote file, and what to say when it is absent.

A clause whose data the vote file does not give would otherwise do nothing, silently: an
alliance clause without agreements joins no list, a clause for lists tagged ``minority`` applies
to none. Two outcomes, one table:

* where the law allows the absence (no agreement was signed, no list is a minority list), a
  **note** in every output: ``notes`` is called by the interpreter for every allocation;
* where the file cannot be what the rules mean (it never says whether agreements were made, it
  gives no regional figures for a regional threshold, it lacks some lists so a base cannot be
  counted), an **error**: ``problems`` is called by ``hemicycle.votes.check_for_rules`` for every
  vote file a command reads for rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hemicycle import model as m
from hemicycle.election import Election

__all__ = ["Problem", "notes", "problems"]


@dataclass(frozen=True)
class Problem:
    """A vote file that cannot serve a clause: the message and the field of the file."""

    message: str
    field: str | None = None


def notes(chamber: m.Chamber, election: Election) -> list[str]:
    """A note for each clause whose data the election does not give, where the law allows it."""
    out = _tag_notes(chamber, election)
    for tier in chamber.tiers:
        alliances = tier.alliances
        if alliances is None:
            continue
        if alliances.source is m.AllianceSource.AGREEMENTS and not election.agreements:
            out.append(f"the rules join lists bound by surplus-vote agreements ({alliances.where}), but the vote "
                       "file gives no agreement: every list takes part alone")
        if alliances.source is m.AllianceSource.COMBINATIONS and all(e.combination is None for e in election.lists):
            out.append(f"the rules join lists in list combinations ({alliances.where}), but no list of the vote "
                       "file names a combination: every list takes part alone")
    return out


def _tag_notes(chamber: m.Chamber, election: Election) -> list[str]:
    """A tag the rules name that no list of the vote file carries (a typo in the rules or in the
    file would otherwise pass silently)."""
    carried = {t for e in election.lists for t in e.tags}
    named: dict[str, m.Node] = {}
    for node in chamber.nodes:
        tag = getattr(node, "tag", None)
        if isinstance(node, m.Selector) and isinstance(tag, str) and tag not in carried:
            named.setdefault(tag, node)
    out = []
    for tag, node in named.items():
        known = f"; the file's tags are: {', '.join(sorted(carried))}" if carried else "; the file gives no tags"
        out.append(f"the rules name lists tagged {tag} ({node.where}), but no list in the vote file "
                   f"carries that tag{known}")
    return out


def problems(chamber: m.Chamber, election: Election, *, given: frozenset[str], complete: bool) -> Iterator[Problem]:
    """What makes this vote file unable to serve the rules. ``given``: the top-level keys of the
    file (empty for formats without them); ``complete``: the file holds every list."""
    for tier in chamber.tiers:
        alliances = tier.alliances
        if (alliances is not None and alliances.source is m.AllianceSource.AGREEMENTS
                and "agreements" not in given):
            yield Problem(f"missing: the rules join lists bound by surplus-vote agreements ({alliances.where}); "
                          'give them ("agreements": [["A", "B"], ...]) in a JSON vote file, or "agreements": [] '
                          "if none were made", "agreements")
        for th in tier.thresholds:
            unitless = th.regional and not election.units_of(th.level or "region")
            if unitless and not election.regions and all(e.reported_regional is None for e in election.lists):
                yield Problem(f"missing: the rules test a threshold in every region ({th.where}); give the "
                              '"regions" and each list\'s "regional_votes", or each list\'s officially reported '
                              'outcome ("reported_regional_threshold")', "regions")
    if not complete:
        yield from _incomplete(chamber, election)
    for level in chamber.levels:
        if not election.units_of(level.name):
            level_key = "" if level.name == "district" else f', each with "level": "{level.name}"'
            yield Problem(f"missing: the rules allocate in the units of level {level.name!r} ({level.where}); give "
                          f'the file\'s "districts"{level_key} (see docs/elections-data.md)', "districts")


def _incomplete(chamber: m.Chamber, election: Election) -> Iterator[Problem]:
    """Bases that would be counted from the lists of a file that lacks some lists."""
    totals = election.totals
    for node in chamber.nodes:
        base = getattr(node, "base", None)
        if not isinstance(base, m.Base):
            continue
        why = None
        if base is m.Base.LIST_VOTES:
            why = "the votes of every list"
        elif base is m.Base.VOTES_AND_AGAINST_ALL:
            why = "the votes of every list plus those against all"
        elif base is m.Base.VALID_VOTES and "valid" not in totals and "valid" not in election.substitutes:
            why = "the valid votes, which the file does not give"
        elif (base is m.Base.BALLOTS_CAST and "ballots_cast" not in totals and "invalid" in totals
              and "valid" not in totals and "ballots_cast" not in election.substitutes):
            why = "the valid votes (for the ballots cast, valid plus invalid), which the file does not give"
        if why is not None:
            yield Problem(f"false: the file lacks some lists, but the rules need {why} (a share of "
                          f"{base.value} at {node.where}); give every list, or the missing total",
                          "parties_complete")
