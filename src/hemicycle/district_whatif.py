"""What-ifs on vote files with districts: swings in every district or in one, and the votes a
list needs in each district to win or lose a seat.

The votes move where they are counted: in the units that carry the lists' votes at the finest
level (``hemicycle.derived.vote_units``), through ``derive_units``, which keeps every figure
consistent (a unit's valid votes and ballots cast move with its list votes, the units above and
the nation carry the sums). A list gains or loses votes only where it stood.

* A percentage swing ``ABBR=+2%`` is uniform: in every district where the list stood, its share of
  the district's list votes moves by that many points and the other lists there are scaled in
  proportion, rounded to whole votes by largest remainder within the district (its list votes stay
  as they are). A share that would fall below 0 or rise above 100% stops there; the districts where
  it did are named in a note of the derived election. ``ABBR=+2%@NAME`` moves it in the unit
  called NAME only (or, for a unit containing districts, in each district inside it).
* A vote swing ``ABBR=-5000`` is spread over the districts where the list stood in proportion to
  its votes there (largest remainder: the whole change is applied); ``ABBR=-5000@NAME`` applies it
  in that unit (spread the same way over the districts inside it).
* Margins: for each list and each district where it stood, the fewest votes it must gain there
  (the other lists' votes unchanged) for one more seat nationally, and the fewest it may lose
  there before it has one seat fewer, found by doubling and bisection on whole votes (exact when
  the list's seats do not fall as its votes rise; ``hemicycle verify --property monotonicity``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hemicycle import model as m
from hemicycle.derived import Seats, UnitKey, WhatIfError, derive_units, parse_swing, round_keep_total, vote_units
from hemicycle.election import Election, Unit

__all__ = ["DistrictMargin", "apply_district_swings", "district_margins", "first_true"]


def _targets(election: Election, abbr: str, where: str | None, text: str) -> list[Unit]:
    """The vote units the swing moves ``abbr`` in: those where it stood, in ``where`` if named."""
    units = vote_units(election)
    if where is not None:
        named = [u for u in election.units if u.name == where]
        if not named:
            names = [u.name for u in units]
            from hemicycle.reading import did_you_mean

            raise WhatIfError(f"swing {text!r}: no unit is called {where!r}{did_you_mean(where, names)}")
        if len({u.level for u in named}) > 1:
            raise WhatIfError(f"swing {text!r}: units of several levels are called {where!r}")
        keys = {(u.level, u.name) for u in named}
        tree = election.tree
        units = tuple(u for u in units if (u.level, u.name) in keys
                      or any((a.level, a.name) in keys for a in tree.ancestors(u)))
    stood = [u for u in units if abbr in u.votes]
    if not stood:
        place = f" in {where}" if where is not None else " in any district"
        raise WhatIfError(f"swing {text!r}: {abbr} did not stand{place}")
    return stood


def apply_district_swings(election: Election, swings: Sequence[str]) -> Election:
    """The election after the swings (see the module docstring), every figure kept consistent."""
    votes: dict[UnitKey, dict[str, int]] = {(u.level, u.name): dict(u.votes) for u in vote_units(election)}
    notes: list[str] = []
    for text in swings:
        abbr, value, percent, where = parse_swing(text)
        if abbr not in election.abbrs:
            raise WhatIfError(f"swing {text!r}: no list {abbr!r} in the votes (lists: {', '.join(election.abbrs)})")
        targets = _targets(election, abbr, where, text)
        if percent:
            stopped = [u.name for u in targets if _percent(votes[(u.level, u.name)], abbr, value)]
            if stopped:
                shown = ", ".join(stopped[:5]) + (f" and {len(stopped) - 5} more" if len(stopped) > 5 else "")
                notes.append(f"swing {text}: {abbr}'s share stopped at {'0' if value < 0 else '100'}% in "
                             f"{len(stopped)} district{'s' if len(stopped) > 1 else ''} ({shown})")
        else:
            here = [votes[(u.level, u.name)] for u in targets]
            have = sum(v[abbr] for v in here)
            if value < 0 and -value > have:
                raise WhatIfError(f"swing {text!r}: {abbr} has only {have} votes there")
            amount = abs(int(value))
            parts = (round_keep_total([Fraction(v[abbr] * amount, have) for v in here], amount) if have
                     else round_keep_total([Fraction(amount, len(here))] * len(here), amount))
            for v, part in zip(here, parts, strict=True):
                v[abbr] += part if value > 0 else -part
    name = (election.name + " with " + ", ".join(swings)) if election.name else ", ".join(swings)
    try:
        return derive_units(election, votes, name=name, notes=notes)
    except ValueError as e:
        raise WhatIfError(f"swing {', '.join(swings)}: {e}") from None


def _percent(votes: dict[str, int], abbr: str, points: Fraction) -> bool:
    """Move ``abbr``'s share of these votes by ``points``; True when it stopped at 0 or 100%."""
    total = sum(votes.values())
    if total == 0:
        return False
    share = Fraction(votes[abbr], total) + points / 100
    stopped = not 0 <= share <= 1
    share = min(Fraction(1), max(Fraction(0), share))
    others = total - votes[abbr]
    names = list(votes)
    exact = [share * total if a == abbr else
             (Fraction(votes[a], others) * (1 - share) * total if others else Fraction(0)) for a in names]
    if not others and share < 1:  # nobody else has a vote here: the share cannot fall
        return True
    for a, v in zip(names, round_keep_total(exact, total), strict=True):
        votes[a] = v
    return stopped


# --- margins -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictMargin:
    district: str
    level: str
    votes: int  # the list's votes there
    gain: int | None  # fewest extra votes there for one more seat nationally; None: no amount does
    lose: int | None  # fewest votes lost there for one seat fewer; None: losing them all does not
    gain_seats: int | None = None  # its seats there once it gains them (None: no gain)

    def to_json(self) -> dict[str, object]:
        return {"district": self.district, "level": self.level, "votes": self.votes,
                "votes_to_gain_a_seat": self.gain, "votes_to_lose_a_seat": self.lose,
                "seats_there_after_gain": self.gain_seats}


def district_margins(chamber: m.Chamber, election: Election, lists: Sequence[str] | None = None
                     ) -> list[tuple[str, int, list[DistrictMargin]]]:
    """For every list (or those of ``lists``): (abbr, its seats, its margins in each district where
    it stood, the cheapest gain first)."""
    if not election.lists:
        raise WhatIfError("the vote file has no lists: there are no votes to move")
    seats_of = Seats(chamber, election)
    units = vote_units(election)
    now, _ = seats_of.units_with({})
    limit = 4 * max(1, election.list_votes + election.totals.get("invalid", 0))
    out = []
    for i, e in enumerate(election.lists):
        if lists is not None and e.abbr not in lists:
            continue
        found = []
        for u in units:
            if e.abbr not in u.votes:
                continue
            key = (u.level, u.name)

            def with_change(d: int, u: Unit = u, key: UnitKey = key, a: str = e.abbr
                            ) -> tuple[tuple[int, ...], dict[UnitKey, dict[str, int]]]:
                return seats_of.units_with({key: {**u.votes, a: u.votes[a] + d}})

            gain = first_true(lambda d, i=i, f=with_change: f(d)[0][i] > now[i], limit)
            lose = (None if now[i] == 0 or u.votes[e.abbr] == 0 else
                    first_true(lambda d, i=i, f=with_change: f(-d)[0][i] < now[i], u.votes[e.abbr]))
            there = None
            if gain is not None:
                there = with_change(gain)[1].get(key, {}).get(e.abbr, 0)
            found.append(DistrictMargin(district=u.name, level=u.level, votes=u.votes[e.abbr], gain=gain, lose=lose,
                                        gain_seats=there))
        found.sort(key=lambda dm: (dm.gain is None, dm.gain or 0))
        out.append((e.abbr, now[i], found))
    return out


def first_true(pred: Callable[[int], bool], limit: int) -> int | None:
    """Smallest d in 1..limit with pred(d), assuming pred is monotone; None if pred(limit) fails."""
    hi = 1
    while not pred(hi):
        if hi >= limit:
            return None
        hi = min(limit, hi * 2)
    lo = hi // 2  # pred(lo) is false (or lo == 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi

