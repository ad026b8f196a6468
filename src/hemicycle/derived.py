"""Derived elections: an election with other votes and totals, every other figure of it kept.

Swings, seat margins, seat-vote curves and simulations (``hemicycle.whatif``,
``hemicycle.uncertainty``) all ask "what seats would these other votes give?" of one election.
They build the other election in one way, ``derive``, which changes the lists' votes and the
totals and keeps everything else as the original has it: agreements, district seats,
combinations, regions and regional votes, tags, list sizes, ballot and registration order,
substitutes, reported outcomes, and whatever an ``Election`` or a ``ListEntry`` holds besides
(``dataclasses.replace``: a field added later is kept too). A derivation that changes nothing
gives back an equal election, so it allocates the same seats.

Two figures are shares of the votes, not independent figures, and follow them: a list's
``reported_shares`` (published shares of a base the file lacks) are multiplied by the change of
the list's votes and divided by ``scale``, the change of the electorate the base grows with (1 for
a swing: the registered voters stay; the change of the list votes for a curve or a simulation,
which keep every total in proportion to the votes). Regional votes are kept as they are: a
derivation moves national votes.

``Seats`` allocates derived elections of one election under one rule model, by the fastest path
that is exact for it: the compiled (or batch) path when the rules need nothing but vote counts
and totals and the election holds nothing else that could matter; the interpreter otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from hemicycle import model as m
from hemicycle.election import Election, ListEntry

__all__ = ["Seats", "derive"]


def derive(election: Election, votes: Sequence[int], totals: Mapping[str, int] | None = None, *,
           name: str | None = None, scale: Fraction = Fraction(1)) -> Election:
    """``election`` with these votes (one per list, in its order) and totals (default: its own),
    every other figure kept (see the module docstring)."""
    if len(votes) != len(election.lists):
        raise ValueError(f"{len(votes)} vote figures for {len(election.lists)} lists")
    lists = tuple(
        dataclasses.replace(e, votes=int(v), reported_shares=_follow(e, int(v), scale))
        if int(v) != e.votes or scale != 1 else e
        for e, v in zip(election.lists, votes, strict=True)
    )
    return dataclasses.replace(
        election, lists=lists, totals=dict(election.totals if totals is None else totals),
        name=election.name if name is None else name,
    )


def _follow(entry: ListEntry, votes: int, scale: Fraction) -> Mapping[str, Fraction]:
    if not entry.reported_shares or entry.votes == 0:
        return entry.reported_shares
    ratio = Fraction(votes, entry.votes) / scale
    return {base: share * ratio for base, share in entry.reported_shares.items()}


def _plain(election: Election) -> bool:
    """True when the election holds nothing but votes, totals, names and orders (every other field
    at its default), so that the compiled path, which sees only votes and totals, is exact."""
    keep_list = {"abbr", "votes", "name", "registration_order", "ballot_order"}
    keep_election = {"lists", "totals", "name", "source", "notes"}
    return (all(_default(e, keep_list) for e in election.lists) and _default(election, keep_election))


def _default(obj: Any, keep: set[str]) -> bool:
    for f in dataclasses.fields(obj):
        if f.name in keep:
            continue
        value = getattr(obj, f.name)
        if f.default is not dataclasses.MISSING:
            if value != f.default:
                return False
        elif f.default_factory is not dataclasses.MISSING:
            if value != f.default_factory():
                return False
        else:
            return False
    return True


class Seats:
    """The seats of the lists (tiers summed, in the election's order; appointed seats apart) for
    derived elections of ``election`` under ``chamber`` (see the module docstring)."""

    def __init__(self, chamber: m.Chamber, election: Election) -> None:
        from hemicycle.compiled import compile_rules, votes_decide

        self.chamber = chamber
        self.election = election
        n = len(election.lists)
        # the compiled path takes the lists in registration order
        self.order = sorted(range(n), key=lambda i: election.lists[i].registration_order)
        self.back = [0] * n
        for k, i in enumerate(self.order):
            self.back[i] = k
        self.fast = votes_decide(chamber) and _plain(election)
        self.function = compile_rules(chamber) if self.fast else None

    def __call__(self, votes: Sequence[int], totals: Mapping[str, int], *,
                 scale: Fraction = Fraction(1)) -> tuple[int, ...]:
        if self.function is not None:
            figures = dict(totals)
            invalid = figures.pop("invalid", 0)
            seats = self.function([int(votes[i]) for i in self.order], invalid, **figures)
            return tuple(seats[self.back[i]] for i in range(len(votes)))
        from hemicycle.interpreter import allocate

        result = allocate(self.chamber, derive(self.election, votes, totals, scale=scale), explain=False)
        return tuple(result.seats[e.abbr] for e in self.election.lists)

    def batch(self, votes: Any, totals: Mapping[str, Any]) -> Any:
        """Seats for each row of ``votes`` (elections x lists, the election's order); ``totals``
        one figure or one per row. The batch path where it is exact, else one row at a time."""
        rows = np.asarray(votes)
        if self.fast:
            from hemicycle.batch import allocate_batch

            figures = dict(totals)
            invalid = figures.pop("invalid", None)
            seats = allocate_batch(self.chamber, rows[:, self.order], invalid=invalid, **figures)
            return np.asarray(seats)[:, self.back]
        base = self.election.list_votes
        out = np.zeros(rows.shape, dtype=np.int64)
        for j, row in enumerate(rows):
            figures = {k: int(np.asarray(v).reshape(-1)[j] if np.ndim(v) else v) for k, v in totals.items()}
            scale = Fraction(int(row.sum()), base) if base else Fraction(1)
            out[j] = self(row.tolist(), figures, scale=scale or Fraction(1))
        return out
