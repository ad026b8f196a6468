"""A quick random search for counterexamples, before any solver is asked.

Many refutations are easy to stumble upon (an Alabama paradox, a majority that is not turned into
seats) but expensive for a solver to construct. For the catalogue properties whose elections have
a simple shape (one election; the same votes with one more seat; one list gaining votes), this
module draws elections at random, allocates them with the compiled path, and hands any candidate
to the engine, which replays it through the interpreter and checks it with the property's own
Python test before it becomes a result. The search can only REFUTE: when it finds nothing, the
solver decides as before, so a proof is always the solver's.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable

from hemicycle.compiled import compile_rules
from hemicycle.interpreter import AllocationError
from hemicycle.model import Chamber, Tier
from hemicycle.verify.concrete import totals_for
from hemicycle.verify.symbolic import needed_extras, needed_tags

SINGLE = {"seat-total", "threshold", "lower-quota", "upper-quota", "majority", "concordance",
          "runner-up-guarantee"}
HOUSE = {"house-monotonicity"}
STEP = {"monotonicity"}
SEARCHABLE = SINGLE | HOUSE | STEP

Candidate = list[tuple[list[int], dict[str, int], int]]  # (votes, extras, house) per election


def _chamber_for(chamber: Chamber, tier: Tier, house: int) -> Chamber:
    t = tier if house == tier.seats else dataclasses.replace(tier, seats=house)
    return dataclasses.replace(chamber, seats=house, appointed=(), tiers=(t,))


def _draw(rng: random.Random, n: int, extras: set[str], max_votes: int | None) -> tuple[list[int], dict[str, int]]:
    top = max_votes if max_votes is not None else rng.choice([20, 200, 10_000, 10**6, 10**8])
    shape = rng.random()
    if shape < 0.3:
        votes = [rng.randint(0, top) for _ in range(n)]
    elif shape < 0.6:  # skewed: a few large lists, some small ones near a threshold
        votes = [int(top * rng.random() ** 3) for _ in range(n)]
    elif shape < 0.8:  # one dominant list
        votes = [rng.randint(0, max(1, top // 20)) for _ in range(n)]
        votes[rng.randrange(n)] = rng.randint(top // 2, top)
    else:  # small numbers: exact ties and exact thresholds
        votes = [rng.randint(0, min(top, 30)) for _ in range(n)]
    ex: dict[str, int] = {}
    for key in extras:
        ex[key] = 0 if rng.random() < 0.5 else rng.randint(0, max(1, sum(votes) // rng.choice([2, 5, 20])))
        if max_votes is not None:
            ex[key] = min(ex[key], max_votes)
    return votes, ex


def search(chamber: Chamber, tier: Tier, name: str, parties: int, max_votes: int | None,
           seconds: float, confirm: Callable[[Candidate], bool], seed: int = 0) -> Candidate | None:
    """Elections that look like a counterexample to ``name`` and that ``confirm`` accepts."""
    if name not in SEARCHABLE or needed_tags([tier]) or seconds <= 0:
        return None
    extras = needed_extras([tier])
    h = tier.seats
    f = compile_rules(_chamber_for(chamber, tier, h))
    g = compile_rules(_chamber_for(chamber, tier, h + 1)) if name in HOUSE else None
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds

    def seats(fn: Callable[..., tuple[int, ...]], votes: list[int], ex: dict[str, int]) -> tuple[int, ...] | None:
        totals = totals_for(votes, **ex)
        inv = totals.pop("invalid")
        try:
            return fn(votes, inv, **totals)
        except AllocationError:
            return None

    tries = 0
    while time.monotonic() < deadline:
        tries += 1
        votes, ex = _draw(rng, parties, extras, max_votes)
        base = seats(f, votes, ex)
        if base is None:
            continue
        candidate: Candidate | None = None
        if name in HOUSE and g is not None:
            more = seats(g, votes, ex)
            if more is not None and any(y < x for x, y in zip(base, more, strict=True)):
                candidate = [(votes, ex, h), (votes, ex, h + 1)]
        elif name in STEP:
            q = rng.randrange(parties)
            step = rng.choice([1, 1, 2, 10, 1000, max(1, votes[q] // 10)])
            if max_votes is not None and votes[q] + step > max_votes:
                continue
            gained = list(votes)
            gained[q] += step
            after = seats(f, gained, ex)
            if after is not None and after[q] < base[q]:
                candidate = [(votes, ex, h), (gained, ex, h)]
        else:
            candidate = [(votes, ex, h)]
        if candidate is not None and confirm(candidate):
            return candidate
    return None
