"""Rule variants and random elections shared by the tests that compare back ends."""

from __future__ import annotations

import random

import hemicycle

VARIANTS = {
    "kazakhstan-2021": None,
    "kazakhstan-2021-correction": None,
    "kazakhstan-2007": None,
    "kazakhstan-2023": None,
    "hare-valid": "threshold 5% of valid_votes strict\nallocate largest_remainder quota hare\n"
                  "ties more_votes then registration_order",
    "droop": "allocate largest_remainder quota droop\nties registration_order",
    "hb-up": "threshold 3% of ballots_cast\nallocate largest_remainder quota hagenbach_bischoff rounded up\n"
             "ties fewer_votes then registration_order",
    "imperiali-lr": "allocate largest_remainder quota imperiali\nties registration_order",
    "dhondt": "threshold 5% of valid_votes\nallocate dhondt\nties registration_order",
    "sainte-lague-cap": "allocate sainte_lague\ncap 4 seats per list\nties registration_order",
    "modified": "allocate modified_sainte_lague first 1.4\nties more_votes then registration_order",
    "hh": "allocate huntington_hill\nties registration_order",
    "adams": "allocate adams\nties registration_order",
    "danish": "allocate danish\nties registration_order",
    "no-ties": "allocate largest_remainder quota hare\nties none",
    "runner-up-dhondt": "threshold 10% of valid_votes\nwhen passed <= 1 {\n admit runner_up\n"
                        " correct runner_up quotient by 1/2\n guarantee runner_up at least 3 seats from largest\n}\n"
                        "allocate dhondt\nties registration_order",
}


def one_tier(body: str, seats: int = 12) -> hemicycle.Rules:
    """Rules of one tier of ``seats`` seats with the clauses ``body``."""
    return hemicycle.loads(f'chamber "c" seats {seats}\ntier "t" seats {seats} {{\n{body}\n}}\n')


def load_variant(name: str, body: str | None) -> hemicycle.Rules:
    return hemicycle.load(name) if body is None else one_tier(body)


def random_votes(rng: random.Random) -> tuple[list[int], int]:
    n = rng.randint(1, 7)
    kind = rng.random()
    if kind < 0.3:  # small numbers: many exact ties and exact thresholds
        votes = [rng.randint(0, 20) for _ in range(n)]
    elif kind < 0.5:  # constructed ties
        base = rng.randint(1, 1000)
        votes = [base * rng.choice([1, 1, 2, 3]) for _ in range(n)]
    elif kind < 0.65:  # one dominant list: the runner-up clause
        votes = [rng.randint(0, 50) for _ in range(n)]
        votes[rng.randrange(n)] = rng.randint(1000, 5000)
    else:
        votes = [rng.randint(0, 10**6) for _ in range(n)]
    invalid = rng.choice([0, 0, rng.randint(0, 100), rng.randint(0, 10**5)])
    return votes, invalid
