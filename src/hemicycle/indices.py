"""Disproportionality indices, computed exactly and rounded only when reported.

Shares are in percent: of the votes of all lists in the vote file, and of the seats those votes
elect (appointed seats left out). With v_i and s_i those percentages:

* Gallagher (least squares): sqrt(1/2 * sum (v_i - s_i)^2)
* Loosemore-Hanby: 1/2 * sum |v_i - s_i|
* Sainte-Lague index: sum (s_i - v_i)^2 / v_i over lists with votes
* effective number of parties (Laakso-Taagepera): 1 / sum (p_i)^2, p_i as fractions of 1
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Indices:
    gallagher: float
    loosemore_hanby: float
    sainte_lague: float
    enp_votes: float
    enp_seats: float

    def to_json(self) -> dict[str, float]:
        return {
            "gallagher": self.gallagher, "loosemore_hanby": self.loosemore_hanby,
            "sainte_lague": self.sainte_lague, "enp_votes": self.enp_votes, "enp_seats": self.enp_seats,
        }


def shares(values: Mapping[str, int]) -> dict[str, Fraction]:
    total = sum(values.values())
    if total == 0:
        return {k: Fraction(0) for k in values}
    return {k: Fraction(100 * v, total) for k, v in values.items()}


def indices(votes: Mapping[str, int], seats: Mapping[str, int]) -> Indices:
    """Indices for lists' ``votes`` and the ``seats`` they won (same keys)."""
    v = shares(votes)
    s = shares({k: seats.get(k, 0) for k in votes})
    sq = sum((v[k] - s[k]) ** 2 for k in votes)
    lh = sum(abs(v[k] - s[k]) for k in votes) / 2
    sl = sum((s[k] - v[k]) ** 2 / v[k] for k in votes if v[k] > 0)

    def enp(p: dict[str, Fraction]) -> float:
        conc = sum((x / 100) ** 2 for x in p.values())
        return float(1 / conc) if conc else 0.0

    return Indices(
        gallagher=math.sqrt(sq / 2), loosemore_hanby=float(lh), sainte_lague=float(sl),
        enp_votes=enp(v), enp_seats=enp(s),
    )
