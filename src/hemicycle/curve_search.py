"""Seat-vote curves on whole votes, found by search: for districted rules the exact share curves
(``hemicycle.district_whatif.DistrictCurve``) do not cover, such as magnitudes apportioned by the
votes (Czech 2021), rounded quotas, two scrutinies, levelling and compensatory tiers, or
Huntington-Hill.

The curve is a function of whole votes. Let T be the list votes in the vote units (the units that
carry the lists' votes, ``derived.vote_units``) and U the list's votes there. At V votes for the
list (0 <= V <= T):

* the list's V votes go to the units where it stood in proportion to its votes there, and the other
  lists' T - V votes to their (list, unit) cells in proportion to theirs, each in whole votes by
  Sainte-Lague (``webster``: a divisor method, so a cell never loses a vote when its side gains
  one); every list keeps its geography and the other lists their proportions;
* every other figure of each unit is kept as ``derived.derive_units`` keeps it (valid votes and
  ballots cast move with the list votes; blank, invalid, registered and population stay), so the
  electorate has the size it had and rules that count votes (rounded quotas, absolute thresholds,
  magnitudes apportioned by votes) see real numbers.

Its seats at V come from the one evaluator of derived elections (``derived.Seats``), exactly. The
steps are found by evaluating the seats on a grid of ``grid + 1`` vote counts from 0 to T and, where
two neighbouring points differ, bisecting on whole votes until each change sits between V - 1 and
V: every step reported is exact to the vote. Bounds, stated in the curve's note: between two grid
points whose seats are equal no step is looked for, so a rise and fall back (or a fall and rise)
narrower than the grid step may be missed; where the list's seats do not fall as its votes rise
(``hemicycle verify --property monotonicity``) there is none, and the curve is complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from hemicycle import model as m
from hemicycle.derived import Seats, UnitKey, WhatIfError, derive_units, vote_units
from hemicycle.election import Election
from hemicycle.interpreter.errors import AllocationError

SEARCH = "search on whole votes"


def webster(weights: Sequence[int], total: int) -> list[int]:
    """``total`` whole units to cells in proportion to ``weights`` (>= 0, not all 0) by Sainte-Lague
    (Webster): the seats s with max w / (2 s + 1) <= min w / (2 s - 1) over the cells (s > 0); among
    equal quotients the first cell in order gains first and the last loses first. Exact integers:
    the rounded quotas, then one unit at a time to the cell with the highest w / (2 s + 1), or from
    the one with the lowest w / (2 s - 1), until the seats add up and no move from one cell to
    another raises the lower of the two quotients."""
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("no weight")
    seats = [(2 * w * total + whole) // (2 * whole) for w in weights]
    while True:
        have = sum(seats)
        up = _next_up(weights, seats)
        down = _next_down(weights, seats)
        if have < total:
            seats[up] += 1
        elif have > total:
            seats[down] -= 1
        elif down is not None and weights[up] * (2 * seats[down] - 1) > weights[down] * (2 * seats[up] + 1):
            seats[up] += 1
            seats[down] -= 1
        else:
            return seats


def _next_up(weights: Sequence[int], seats: Sequence[int]) -> int:
    """The cell with the highest w / (2 s + 1) (the first among equal ones)."""
    best = -1
    for i, w in enumerate(weights):
        if w and (best < 0 or w * (2 * seats[best] + 1) > weights[best] * (2 * seats[i] + 1)):
            best = i
    return best


def _next_down(weights: Sequence[int], seats: Sequence[int]) -> int | None:
    """The cell with the lowest w / (2 s - 1) among those with a seat (the last among equal ones)."""
    best: int | None = None
    for i, w in enumerate(weights):
        if seats[i] and (best is None or w * (2 * seats[best] - 1) <= weights[best] * (2 * seats[i] - 1)):
            best = i
    return best


class WholeVoteCurve:
    """The seats of list ``abbr`` at V of the T list votes (see the module docstring)."""

    def __init__(self, chamber: m.Chamber, election: Election, abbr: str) -> None:
        if abbr not in election.abbrs:
            raise WhatIfError(f"no list {abbr!r} in the votes")
        self.election = election
        self.abbr = abbr
        self.p = election.abbrs.index(abbr)
        self.keys: list[UnitKey] = []
        self.mine: list[tuple[int, int]] = []  # (unit index, the list's votes there)
        self.theirs: list[tuple[int, str, int]] = []  # (unit index, list, votes there)
        for k, u in enumerate(vote_units(election)):
            self.keys.append((u.level, u.name))
            for a, v in u.votes.items():
                if a == abbr:
                    self.mine.append((k, v))
                else:
                    self.theirs.append((k, a, v))
        self.units = [dict(u.votes) for u in vote_units(election)]
        self.own = sum(v for _, v in self.mine)
        self.total = self.own + sum(v for _, _, v in self.theirs)
        if self.total == 0:
            raise WhatIfError("no list has a vote")
        if self.own == 0 or self.own == self.total:
            raise WhatIfError(f"{abbr} has {'no' if self.own == 0 else 'every'} vote: its votes in the districts "
                              "cannot be moved to other shares")
        self.seats = Seats(chamber, election)
        self.memo: dict[int, int | None] = {}
        self.failures: dict[int, str] = {}

    def votes_at(self, votes: int) -> dict[UnitKey, dict[str, int]]:
        """Each vote unit's list votes with ``votes`` for the list (``webster`` on each side)."""
        rows = [dict(u) for u in self.units]
        for (k, _), n in zip(self.mine, webster([v for _, v in self.mine], votes), strict=True):
            rows[k][self.abbr] = n
        if self.theirs:
            for (k, a, _), n in zip(self.theirs, webster([v for _, _, v in self.theirs], self.total - votes),
                                    strict=True):
                rows[k][a] = n
        return dict(zip(self.keys, rows, strict=True))

    def seats_at(self, votes: int) -> int | None:
        """The list's seats at ``votes``; None where the rules cannot allocate (the reason in
        ``failures``: a real gap of the law, such as a seat no district can take)."""
        if votes not in self.memo:
            derived = derive_units(self.election, self.votes_at(votes))
            try:
                self.memo[votes] = self.seats.units(derived)[0][self.p]
            except AllocationError as e:
                self.memo[votes] = None
                self.failures[votes] = str(e)
        return self.memo[votes]

    def steps(self, grid: int) -> list[tuple[int, int | None, int | None]]:
        """(V, seats at V - 1, seats at V) for each change found (see the module docstring)."""
        points = sorted({self.total * k // grid for k in range(grid + 1)})
        out: list[tuple[int, int | None, int | None]] = []
        for lo, hi in pairwise(points):
            stack = [(lo, hi)]
            found: list[tuple[int, int | None, int | None]] = []
            while stack:
                a, b = stack.pop()
                sa, sb = self.seats_at(a), self.seats_at(b)
                if sa == sb:
                    continue
                if b - a == 1:
                    found.append((b, sa, sb))
                    continue
                mid = (a + b) // 2
                stack.extend([(mid, b), (a, mid)])
            out.extend(sorted(found))
        return out


def grid_for(chamber: m.Chamber) -> int:
    """The grid: two points per seat of the house (at least 64), so that a seat's step on a
    smooth curve has a grid interval to itself."""
    house = sum(t.seats for t in chamber.tiers) or sum(lv.seats for lv in chamber.levels)
    return max(64, 2 * house)


def searched_steps(chamber: m.Chamber, election: Election, abbr: str, grid: int | None = None
                   ) -> tuple[WholeVoteCurve, int, list[tuple[int, int | None, int | None]]]:
    """The curve's evaluator, its grid and the steps found (``WholeVoteCurve.steps``)."""
    curve = WholeVoteCurve(chamber, election, abbr)
    size = grid or grid_for(chamber)
    return curve, size, curve.steps(size)


def bounds_note(total: int, grid: int, why: str) -> str:
    """The curve's note: why the search, its resolution and what it may miss."""
    step = -(-total // grid)
    return (f"found by search on whole votes ({why.rstrip('.')}): the list's votes from 0 to {total:,} "
            f"(the others in proportion), every step exact to the vote; evaluated every {step:,} votes "
            f"({grid + 1} points) and bisected where the seats differ, so a rise and fall back within "
            f"{step:,} votes may be missed (none where the list's seats do not fall as its votes rise)")
