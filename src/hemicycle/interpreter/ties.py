"""The tie breaker: a tier's ``ties`` chain applied to lists tied at a cut, every tie recorded."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hemicycle import model as m
from hemicycle.election import ListEntry
from hemicycle.interpreter.errors import MissingFigure, TieError
from hemicycle.interpreter.results import Tie


class TieBreaker:
    """Applies a tier's ``ties`` chain and records every tie it breaks.

    ``entries`` are the lists of the allocation (indices refer to them); ``votes`` their votes
    there (default: the entries' own), which ``more_votes`` and ``fewer_votes`` compare."""

    def __init__(self, tier: m.Tier | m.Level, entries: Sequence[ListEntry], record: list[Tie],
                 votes: Sequence[int] | None = None, *, district: str | None = None) -> None:
        self.tier = tier
        self.ties = tier.ties
        self.entries = entries
        self.votes = votes if votes is not None else [e.votes for e in entries]
        self.record = record
        self.district = district  # the unit the tie is in (None: the whole election)
        seed = self.ties.seed if self.ties is not None else None
        self._seed = seed if seed is not None else 0
        self._random: random.Random | None = None  # made on the first lot, in the order lots are drawn
        self._lots = 0  # lots drawn so far (a replay's k-th lot follows ``Ties.draws[k]``)

    def lot(self) -> random.Random:
        """The tier's draw of lots (seeded by its ``ties lot seed N``), continued from earlier draws."""
        if self._random is None:
            self._random = random.Random(self._seed)
        return self._random

    def rebind(self, entries: Sequence[ListEntry], votes: Sequence[int], district: str | None) -> None:
        """The same chain (and the same draw of lots, continued) for the lists of another unit."""
        self.entries, self.votes, self.district = entries, votes, district

    @property
    def owner(self) -> str:
        owner = f"tier {self.tier.name!r}" if isinstance(self.tier, m.Tier) else self.tier.label
        return owner if self.district is None else f"{owner} in {self.district}"

    def _key(self, crit: m.TieCriterion, i: int) -> int:
        e = self.entries[i]
        if crit is m.TieCriterion.REGISTRATION_ORDER:
            return e.registration_order
        if crit is m.TieCriterion.BALLOT_ORDER:
            if e.ballot_order is None:
                raise MissingFigure(
                    f"the tie-break uses ballot order, but the vote file gives none for {e.abbr}",
                    self.ties,
                )
            return e.ballot_order
        if crit is m.TieCriterion.MORE_VOTES:
            return -self.votes[i]
        if crit is m.TieCriterion.FEWER_VOTES:
            return self.votes[i]
        raise AssertionError(crit)

    def favour(self, tied: list[int], places: int, stage: str, value: str) -> list[int]:
        """Pick ``places`` of the ``tied`` lists (indices) to favour, by the chain."""
        if places <= 0:
            return []
        if places >= len(tied):
            return list(tied)
        chosen: list[int] = []
        remaining = sorted(tied)
        need = places
        criteria = self.ties.criteria if self.ties is not None else ()
        used = ""
        for crit in criteria:
            used = crit.value
            if crit is m.TieCriterion.LOT:
                pool = sorted(remaining, key=lambda i: self.entries[i].registration_order)
                draw = self.ties.draw_in(self.district) if self.ties is not None else None
                if self.ties is not None and self.district is None and self._lots < len(self.ties.draws):
                    draw = self.ties.draws[self._lots]
                self._lots += 1
                if draw is not None:  # a given draw (the verifier's replay): first drawn first
                    rank = {a: k for k, a in enumerate(draw)}
                    pool.sort(key=lambda i: rank.get(self.entries[i].abbr, len(rank)))
                    used = f"lot (the draw {', '.join(draw)})"
                else:
                    if self._random is None:
                        self._random = random.Random(self._seed)
                    self._random.shuffle(pool)
                    used = f"lot (seed {self.ties.seed if self.ties and self.ties.seed is not None else 0})"
                chosen += pool[:need]
                need = 0
                break
            groups: dict[int, list[int]] = {}
            for i in remaining:
                groups.setdefault(self._key(crit, i), []).append(i)
            straddle: list[int] = []
            for key in sorted(groups):
                group = groups[key]
                if len(group) <= need:
                    chosen += group
                    need -= len(group)
                    if need == 0:
                        break
                else:
                    straddle = group
                    break
            if need == 0:
                break
            remaining = straddle
        abbrs = tuple(self.entries[i].abbr for i in sorted(tied))
        if need > 0:
            names = ", ".join(abbrs)
            raise TieError(
                f"unbroken tie in {stage} of {self.owner}: {names} are tied at {value} "
                f"for {places} place(s), and the rules give no way to break it"
                + (" (ties none)" if not criteria else f" (chain: {', '.join(c.value for c in criteria)})"),
                abbrs,
                self.ties or self.tier,
            )
        self.record.append(
            Tie(
                tier=self.tier.name if isinstance(self.tier, m.Tier) else self.tier.label, stage=stage, lists=abbrs,
                value=value, places=places, winners=tuple(self.entries[i].abbr for i in chosen), resolved_by=used,
                clause=self.ties.where if self.ties is not None else "", district=self.district,
            )
        )
        return chosen
