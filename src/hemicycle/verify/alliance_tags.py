"""Alliances as a free partition of the lists (``alliance#k`` tags), and the concrete lists of a
counterexample (tags, combinations, agreements) for the interpreter."""

from __future__ import annotations

from collections.abc import Sequence

import z3

from hemicycle.election import ListEntry
from hemicycle.verify.symbolic import Ctx, SymElection
from hemicycle.verify.ties import is_lot_tag

ALLIANCE_TAG = "alliance#"  # tags of the free alliance partition (no rule file can name them)


def alliance_pairs(ctx: Ctx, e: SymElection) -> list[list[z3.BoolRef]]:
    """For each pair of lists, whether they are in one alliance: a free partition of the lists,
    as tags ``alliance#1`` .. ``alliance#m`` (m = n // 2, enough for every partition into groups
    of two or more), each list in at most one. Made once per election and shared, like its
    tags, with the elections derived from it; a counterexample names its alliances."""
    n = e.n
    m = max(1, n // 2)
    names = [f"{ALLIANCE_TAG}{k + 1}" for k in range(m)]
    if names[0] not in e.tags:
        for t in names:
            e.tags[t] = [ctx.bool_var(f"L{i + 1}#{t}") for i in range(n)]
    for i in range(n):
        ctx.add(z3.AtMost(*[e.tags[t][i] for t in names], 1))
    return [[z3.Or([z3.And(e.tags[t][i], e.tags[t][j]) for t in names]) for j in range(n)]
            for i in range(n)]


def alliance_groups(tags: dict[str, list[bool]]) -> list[list[int]]:
    """The alliances a counterexample's tags name (indices of lists), for the interpreter."""
    return [[i for i, on in enumerate(flags) if on] for t, flags in sorted(tags.items())
            if t.startswith(ALLIANCE_TAG) and sum(flags) >= 2]


def concrete_lists(votes: list[int], tags: dict[str, list[bool]],
                   regions: Sequence[tuple[list[int], object]] = ()) -> tuple[tuple[ListEntry, ...],
                                                                            tuple[tuple[str, ...], ...]]:
    """The lists L1..Ln of a concrete election (registered and on the ballot in that order) with
    their tags, and the alliances the tags name: as each list's combination and as agreements,
    so that either source of ``alliances`` reads them. ``regions``: each region's votes per list
    (the regions R1, R2 ...), as the lists' regional votes."""
    groups = alliance_groups(tags)
    comb = {i: f"A{k + 1}" for k, g in enumerate(groups) for i in g}
    entries = tuple(
        ListEntry(abbr=f"L{i + 1}", votes=v, registration_order=i + 1, ballot_order=i + 1,
                  tags=frozenset(t for t, flags in tags.items()
                                 if flags[i] and not t.startswith(ALLIANCE_TAG) and not is_lot_tag(t)),
                  combination=comb.get(i),
                  regional_votes={f"R{r + 1}": rv[i] for r, (rv, _) in enumerate(regions)})
        for i, v in enumerate(votes))
    return entries, tuple(tuple(f"L{i + 1}" for i in g) for g in groups)
