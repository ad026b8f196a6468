"""Differential testing against independent implementations: votelib and apportionment.

Used by ``tests/test_peers.py`` (a quick slice) and ``scripts/differential.py`` (the full run).
Each random election is allocated by hemicycle (the exact interpreter), by votelib and by
apportionment (``fractions=True``, exact), and the seats compared. Ties are broken by registration
order in hemicycle (``ties registration_order``) and by list order in apportionment; votelib
reports a tie as a ``Tie`` object, which agrees when hemicycle gave the tied places to some of the
tied lists.

Known peer bugs (each shown in a test of ``tests/test_peers.py``):

* votelib 0.4 ``RelativeThreshold(accept_equal=True)`` compares a list's *votes* with the
  threshold *share* (``n_votes == self.threshold``), so a list exactly at the threshold is
  rejected. Disagreements where a list is exactly at the threshold are classified
  ``votelib_exact_threshold``.
* apportionment 1.0 in float mode (``fractions=False``, the default) computes remainders in
  floating point, so exactly equal remainders can compare unequal and the tie goes to the wrong
  list. Only ``fractions=True`` is used in the comparison; the float bug has its own test.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import hemicycle
from hemicycle.interpreter import allocate
from hemicycle.model import Chamber

METHODS = ("hare", "droop", "dhondt", "sainte_lague")
_CLAUSE = {
    "hare": "allocate largest_remainder quota hare",
    "droop": "allocate largest_remainder quota droop",
    "dhondt": "allocate dhondt",
    "sainte_lague": "allocate sainte_lague",
}


@dataclass(frozen=True)
class Case:
    method: str
    votes: tuple[int, ...]
    seats: int
    share: Fraction | None  # threshold share of the valid (= list) votes, inclusive

    @property
    def abbrs(self) -> list[str]:
        return [f"L{i + 1}" for i in range(len(self.votes))]


@cache
def chamber(method: str, seats: int, share: Fraction | None) -> Chamber:
    threshold = "" if share is None else f"threshold {share.numerator}/{share.denominator} of valid_votes inclusive\n"
    text = (f'chamber "c" seats {seats}\ntier "t" seats {seats} {{\n{threshold}{_CLAUSE[method]}\n'
            "ties registration_order\n}\n")
    return hemicycle.loads(text).model


def hemicycle_seats(case: Case) -> list[int]:
    election = hemicycle.Election.from_votes(list(zip(case.abbrs, case.votes, strict=True)))
    result = allocate(chamber(case.method, case.seats, case.share), election, explain=False)
    return [result.seats[a] for a in case.abbrs]


def passes(case: Case) -> list[bool]:
    total = sum(case.votes)
    if case.share is None:
        return [v > 0 for v in case.votes]
    return [v > 0 and v * case.share.denominator >= case.share.numerator * total for v in case.votes]


def at_threshold(case: Case) -> bool:
    total = sum(case.votes)
    return case.share is not None and any(
        v * case.share.denominator == case.share.numerator * total for v in case.votes)


# --- votelib ------------------------------------------------------------------------------------


def corrected_threshold(share: Fraction) -> object:
    """votelib's RelativeThreshold with its exact-threshold bug fixed (shares compared)."""
    from votelib.evaluate.threshold import RelativeThreshold

    class Fixed(RelativeThreshold):  # type: ignore[misc]
        def evaluate(self, votes: dict[str, int]) -> list[str]:
            total = sum(votes.values())
            return [c for c, v in votes.items() if Fraction(v, total) >= self.threshold]

    return Fixed(share, accept_equal=True)


def votelib_seats(case: Case, *, fixed: bool = False) -> tuple[list[int], list[tuple[frozenset[str], int]]]:
    """Definite seats per list, and the ties votelib left open: (tied lists, places).
    ``fixed``: with votelib's exact-threshold bug corrected."""
    import votelib.evaluate.core as core
    from votelib.evaluate.proportional import HighestAverages, LargestRemainder
    from votelib.evaluate.threshold import RelativeThreshold

    evaluator: object
    if case.method == "hare":
        evaluator = LargestRemainder("hare")
    elif case.method == "droop":
        evaluator = LargestRemainder("droop")
    elif case.method == "dhondt":
        evaluator = HighestAverages("d_hondt")
    else:
        evaluator = HighestAverages("sainte_lague")
    if case.share is not None:
        threshold = corrected_threshold(case.share) if fixed else RelativeThreshold(case.share, accept_equal=True)
        evaluator = core.Conditioned(threshold, evaluator)
    votes = {a: v for a, v in zip(case.abbrs, case.votes, strict=True) if v > 0}
    result = evaluator.evaluate(votes, case.seats)  # type: ignore[attr-defined]
    seats = dict.fromkeys(case.abbrs, 0)
    ties: dict[frozenset[str], int] = {}
    for key, n in result.items():
        if isinstance(key, core.Tie):
            ties[frozenset(key)] = ties.get(frozenset(key), 0) + n
        else:
            seats[key] += n
    return [seats[a] for a in case.abbrs], list(ties.items())


def agrees_with_votelib(case: Case, mine: list[int], *, fixed: bool = False) -> bool:
    definite, ties = votelib_seats(case, fixed=fixed)
    extra = [m - d for m, d in zip(mine, definite, strict=True)]
    index = {a: i for i, a in enumerate(case.abbrs)}
    for group, places in ties:
        got = [extra[index[a]] for a in group]
        if sum(got) != places or any(g not in (0, 1) for g in got):
            return False
        for a in group:
            extra[index[a]] = 0
    return all(e == 0 for e in extra)


# --- apportionment --------------------------------------------------------------------------------

_APPORTIONMENT = {"hare": "largest_remainder", "dhondt": "dhondt", "sainte_lague": "saintelague"}


def apportionment_seats(case: Case, *, fractions: bool = True) -> list[int] | None:
    """apportionment's seats (None: it has no such method, e.g. Droop)."""
    from apportionment.methods import compute

    name = _APPORTIONMENT.get(case.method)
    if name is None:
        return None
    return list(compute(name, list(case.votes), case.seats, fractions=fractions, threshold=case.share,
                        parties=[f"L{i + 1}" for i in range(len(case.votes))]))


# --- elections -------------------------------------------------------------------------------------

SHARES = [None, Fraction(3, 100), Fraction(5, 100), Fraction(7, 100), Fraction(1, 10), Fraction(1, 4)]


def random_case(rng: random.Random, method: str | None = None) -> Case:
    method = method or rng.choice(METHODS)
    n = rng.randint(1, 10)
    kind = rng.random()
    if kind < 0.5:
        votes = [rng.randint(0, 10**rng.randint(1, 7)) for _ in range(n)]
    elif kind < 0.7:  # few distinct values: exact ties everywhere
        base = rng.randint(1, 50)
        votes = [base * rng.randint(0, 4) for _ in range(n)]
    elif kind < 0.85:  # one list exactly at the threshold
        share = rng.choice(SHARES[1:])
        return at_threshold_case(rng, method, share)
    else:  # huge numbers
        votes = [rng.randint(0, 10**30) for _ in range(n)]
    if sum(votes) == 0:
        votes[0] = 1
    return Case(method, tuple(votes), rng.randint(1, 60), rng.choice(SHARES))


def at_threshold_case(rng: random.Random, method: str, share: Fraction) -> Case:
    """An election in which one list has exactly ``share`` of the votes."""
    scale = share.denominator * rng.randint(1, 200)
    at = share.numerator * scale // share.denominator  # exactly share * total when total = scale
    rest = scale - at
    others = rng.randint(1, 6)
    cuts = sorted(rng.randint(0, rest) for _ in range(others - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, rest], strict=True)]
    votes = parts[:]
    votes.insert(rng.randint(0, len(votes)), at)
    return Case(method, tuple(votes), rng.randint(1, 40), share)


@dataclass
class Verdict:
    votelib: str  # "agree", "votelib_exact_threshold", "votelib_unfilled", "disagree", "no_list_passes"
    apportionment: str  # "agree", "apportionment_tie_order", "not_compared", "disagree", "no_list_passes"


def compare(case: Case) -> tuple[list[int], Verdict]:
    mine = hemicycle_seats(case)
    if not any(passes(case)):
        return mine, Verdict("no_list_passes", "no_list_passes")
    try:
        same = agrees_with_votelib(case, mine)
    except ValueError:  # votelib fails when its threshold lets no list through
        same = False
    if same:
        v = "agree"
    elif at_threshold(case) and agrees_with_votelib(case, mine, fixed=True):
        v = "votelib_exact_threshold"
    elif votelib_unfilled(case, mine):
        v = "votelib_unfilled"
    else:
        v = "disagree"
    theirs = apportionment_seats(case)
    if theirs is None:
        a = "not_compared"
    elif theirs == mine:
        a = "agree"
    elif case.method == "hare" and passes_over_larger_remainder(case, theirs):
        a = "apportionment_tie_order"
    else:
        a = "disagree"
    return mine, Verdict(v, a)


def votelib_unfilled(case: Case, mine: Sequence[int]) -> bool:
    """votelib leaves seats empty when a largest-remainder quota leaves at least as many seats as
    lists (a small Droop quota): it gives at most one remainder seat per list, where hemicycle
    (docs/language.md) gives every list floor(L / n) first. Its seats are then at most ours."""
    try:
        definite, ties = votelib_seats(case, fixed=at_threshold(case))
    except ValueError:
        return False
    tied = {a for group, _ in ties for a in group}
    return (case.method in ("hare", "droop")
            and sum(definite) + sum(places for _, places in ties) < case.seats
            and all(d + (a in tied) <= m for a, d, m in zip(case.abbrs, definite, mine, strict=True)))


def passes_over_larger_remainder(case: Case, seats: Sequence[int]) -> bool:
    """True when ``seats`` (a Hare largest-remainder result) gives a remainder seat to a list
    while a list with a strictly larger remainder gets none: apportionment's tie-order bug."""
    ok = passes(case)
    total = sum(v for v, p in zip(case.votes, ok, strict=True) if p)
    rems: list[tuple[Fraction, bool]] = []
    for v, p, s in zip(case.votes, ok, seats, strict=True):
        if not p:
            continue
        q = Fraction(v * case.seats, total)
        floor = q.numerator // q.denominator
        rems.append((q - floor, s > floor))
    given = [r for r, extra in rems if extra]
    denied = [r for r, extra in rems if not extra]
    return bool(given and denied) and max(denied) > min(given)


def describe(case: Case, seats: Sequence[int]) -> str:
    return f"{case.method} seats={case.seats} share={case.share} votes={list(case.votes)} hemicycle={list(seats)}"
