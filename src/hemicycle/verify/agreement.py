"""The agreement test: the encoding on fixed votes against the interpreter.

``RULES`` holds one small rule text per supported feature (every quota and rounding, every divisor
method, every base, inclusive and strict, tie chains, runner-up admission, correction, guarantee,
caps). ``random_case`` draws elections that stress the edges: zero votes, equal votes, a list at
exactly the threshold. ``agree`` runs both and returns a disagreement message, or ``None``.
Used by ``tests/test_verify_agreement.py`` (a quick slice) and ``scripts/agreement.py`` (the full
10,000 elections per rule).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction

from hemicycle.election import Election
from hemicycle.model import Chamber, Tier
from hemicycle.verify.alliance_tags import ALLIANCE_TAG, concrete_lists
from hemicycle.verify.concrete import encoded_seats, totals_for
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.ties import LOT_TAG, lot_reached, replay_tier


def _rule(body: str, seats: int = 10) -> str:
    return f'chamber "Test" seats {seats}\ntier "t" seats {seats} {{\n{body}\n}}\n'


KAZAKH = """
  threshold 7% of ballots_cast inclusive
  when passed = 1 {
    admit runner_up
    guarantee runner_up at least 2 seats from largest
  }
  allocate largest_remainder quota hare
  ties registration_order
"""

KAZAKH_07 = KAZAKH.replace(
    "    admit runner_up\n", "    admit runner_up\n    correct runner_up quotient by 0.7\n"
)

RUSSIA = """
  threshold 7% of ballots_cast inclusive
  admit next until admitted_votes > 60% of ballots_cast
  admit next until admitted >= 2
  allocate largest_remainder quota hare
  ties more_votes
"""

RUSSIA_2011 = RUSSIA.replace("  allocate", "  consolation 1 seat from 5% to 6% of ballots_cast\n"
                                         "  consolation 2 seats from 6% to 7% of ballots_cast\n  allocate")

RULES: dict[str, str] = {
    "hare": _rule("allocate largest_remainder quota hare\nties registration_order"),
    "hare-98": _rule("allocate largest_remainder quota hare\nties registration_order", 98),
    "droop": _rule("allocate largest_remainder quota droop\nties registration_order"),
    "hagenbach": _rule("allocate largest_remainder quota hagenbach_bischoff\n"
                       "ties registration_order"),
    "imperiali-quota": _rule("allocate largest_remainder quota imperiali\n"
                             "ties more_votes then registration_order"),
    "hare-down": _rule("allocate largest_remainder quota hare rounded down\n"
                       "ties registration_order"),
    "hare-up": _rule("allocate largest_remainder quota hare rounded up\nties registration_order"),
    "hare-nearest": _rule("allocate largest_remainder quota hare rounded nearest\n"
                          "ties fewer_votes then registration_order"),
    "dhondt": _rule("allocate dhondt\nties registration_order"),
    "sainte_lague": _rule("allocate sainte_lague\nties more_votes then ballot_order"),
    "modified": _rule("allocate modified_sainte_lague first 1.4\nties registration_order"),
    "danish": _rule("allocate danish\nties registration_order"),
    "imperiali": _rule("allocate imperiali\nties registration_order"),
    "adams": _rule("allocate adams\nties registration_order", 4),
    "huntington_hill": _rule("allocate huntington_hill\nties registration_order", 6),
    "sequence": _rule("allocate divisors 1.5, 2, 3 step 1\nties registration_order"),
    "kazakh": _rule(KAZAKH, 98),
    "kazakh-0.7": _rule(KAZAKH_07, 98),
    "threshold-valid-strict": _rule("threshold 5% of valid_votes strict\n"
                                    "allocate dhondt\nties registration_order"),
    "threshold-registered": _rule("threshold 3% of registered_voters\n"
                                  "allocate largest_remainder quota hare\nties registration_order"),
    "threshold-against-all": _rule("threshold 10% of votes_and_against_all\n"
                                   "allocate sainte_lague\nties registration_order"),
    "threshold-absolute": _rule("threshold 20 votes\nallocate dhondt\nties registration_order"),
    "cap-hare": _rule("cap 4 seats per list\nallocate largest_remainder quota hare\n"
                      "ties registration_order"),
    "cap-dhondt": _rule("cap 4 seats per list\nallocate dhondt\nties registration_order"),
    "guarantee-every": _rule("threshold 10% of list_votes\nwhen passed <= 2 { admit runner_up\n"
                             "guarantee every list at least 1 seats from largest }\n"
                             "allocate dhondt\nties more_votes then registration_order"),
    "correct-every": _rule("correct every list quotient by 3/2\n"
                           "allocate largest_remainder quota hare\nties registration_order"),
    "hagenbach-down": _rule("allocate largest_remainder quota hagenbach_bischoff rounded down\n"
                            "ties registration_order"),
    "sequence-nostep": _rule("allocate divisors 1, 2, 3\nties registration_order", 6),
    "kazakh-strict": _rule(KAZAKH.replace("ballots_cast inclusive", "ballots_cast strict"), 98),
    "kazakh-cap": _rule(KAZAKH + "  cap 60 seats per list\n", 98),
    "dhondt-ties-votes": _rule("allocate dhondt\nties more_votes"),  # equal votes: TieError
    "hare-ties-none": _rule("allocate largest_remainder quota hare\nties none"),
    "threshold-absolute-strict": _rule("threshold 20 votes strict\n"
                                       "allocate largest_remainder quota hare\n"
                                       "ties registration_order"),
    # issue 13: a divisor that repeats, a first divisor above the second, a threshold that
    # depends on the house, guarantees for tagged lists with tie chains that can run out
    "sequence-plateau": _rule("allocate divisors 1, 1, 2 step 1\nties registration_order"),
    "modified-first-4": _rule("allocate modified_sainte_lague first 4\nties registration_order"),
    "quota-threshold": _rule("threshold 4 quota of list_votes inclusive for lists not tagged "
                             "minority\nallocate dhondt\nties registration_order"),
    "guarantee-tagged": _rule("guarantee lists tagged small at least 1 seats from largest\n"
                              "allocate dhondt\nties fewer_votes then registration_order", 4),
    "hare-fewer-votes": _rule("guarantee lists tagged small at least 1 seats from largest\n"
                              "allocate largest_remainder quota hare\nties fewer_votes", 4),
    # issue 16: alliances (Israel's surplus agreements, Dutch list combinations)
    "alliance-dhondt": _rule("threshold 3.25% of valid_votes inclusive\n"
                             "alliances from agreements split by dhondt\nallocate dhondt\nties none", 12),
    "alliance-hare-split": _rule("threshold 1 quota of valid_votes inclusive\n"
                                 "alliances from combinations split by largest_remainder quota hare\n"
                                 "allocate dhondt\nties none", 15),
    "alliance-lr": _rule("threshold 5% of list_votes strict\n"
                         "alliances from combinations split by sainte_lague\n"
                         "allocate largest_remainder quota hare\nties more_votes then registration_order"),
    "alliance-droop": _rule("alliances from agreements split by largest_remainder quota droop\n"
                            "allocate largest_remainder quota droop\nties registration_order", 8),
    # issue 16: lots (a free draw per allocation, replayed with Ties.draw)
    "dhondt-lot": _rule("allocate dhondt\nties more_votes then lot seed 1"),
    "hare-lot": _rule("threshold 5% of valid_votes\nallocate largest_remainder quota hare\nties lot seed 2"),
    "sainte-lague-lot": _rule("allocate sainte_lague\nties lot", 7),
    "droop-lot": _rule("allocate largest_remainder quota droop\nties fewer_votes then lot seed 3"),
    # issue 16: sequential admission and consolation seats (Russia 2011 and 2016)
    "admit-next": _rule(RUSSIA, 20),
    "admit-next-count": _rule("threshold 20% of valid_votes inclusive\nadmit next until admitted >= 3\n"
                              "allocate largest_remainder quota hare\nties registration_order"),
    "admit-next-dhondt": _rule("threshold 10% of list_votes strict\n"
                               "admit next until admitted_votes >= 70% of list_votes\n"
                               "allocate dhondt\nties fewer_votes then registration_order"),
    "consolation": _rule(RUSSIA_2011, 20),
    "consolation-small": _rule("threshold 30% of list_votes inclusive\n"
                               "consolation 3 seats from 10% to 30% of list_votes\n"
                               "consolation 1 seat from 2% to 15% of registered_voters\n"
                               "allocate largest_remainder quota droop\nties more_votes", 12),
}


@dataclass
class Case:
    votes: list[int]
    against_all: int = 0
    invalid: int = 0
    nonvoters: int = 0
    house: int | None = None
    notes: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # the edge cases it was built with
    tags: dict[str, list[bool]] = field(default_factory=dict)  # alliances (ALLIANCE_TAG)


def random_draw(rng: random.Random, n: int) -> dict[str, list[bool]]:
    """A random draw of n lists, as the encoder's lot tags (``lot#k`` holds the k-th drawn)."""
    order = list(range(n))
    rng.shuffle(order)
    return {f"{LOT_TAG}{k + 1}": [i == order[k] for i in range(n)] for k in range(n)}


def random_alliances(rng: random.Random, n: int) -> dict[str, list[bool]]:
    """A random partition of n lists into alliances (as the encoder's alliance tags): each list
    in one of n // 2 alliances or in none; an alliance of one list is void."""
    m = max(1, n // 2)
    where = [rng.randrange(m + 1) if rng.random() < 0.7 else m for _ in range(n)]
    return {f"{ALLIANCE_TAG}{k + 1}": [w == k for w in where] for k in range(m)}


def random_case(rng: random.Random, share: Fraction | None = None,
                absolute: int | None = None, lists: tuple[int, int] = (2, 6)) -> Case:
    """A random election with edge cases: zeros, equal votes, a list exactly at ``share`` (of
    the list votes, other figures 0) or at ``absolute`` votes (or one vote either side);
    between ``lists[0]`` and ``lists[1]`` lists."""
    n = rng.randint(*lists)
    style = rng.random()
    if style < 0.3:
        votes = [rng.choice([0, 1, 2, 3, 5, 8]) for _ in range(n)]
    elif style < 0.6:
        votes = [rng.randint(0, 100) for _ in range(n)]
    else:
        votes = [rng.randint(0, 100_000) for _ in range(n)]
    if rng.random() < 0.3 and n >= 2:  # constructed tie
        i, j = rng.sample(range(n), 2)
        votes[j] = votes[i]
    if rng.random() < 0.15:  # one big list
        votes[rng.randrange(n)] = rng.randint(1, 10) * max(1, sum(votes))
    case = Case(votes)
    if votes[i := rng.randrange(n)] != 0 and rng.random() < 0.1:  # a list with no vote
        votes[i] = 0
    if absolute is not None and rng.random() < 0.3:
        k = rng.randrange(n)
        votes[k] = absolute + rng.choice([0, 0, -1, 1])
        case.kinds.add("threshold")
        case.notes.append(f"L{k + 1} at {votes[k]} votes, threshold {absolute}")
    if rng.random() < 0.5:
        case.invalid = rng.choice([0, rng.randint(0, 50), rng.randint(0, 10_000)])
        case.against_all = rng.choice([0, rng.randint(0, 50)])
        case.nonvoters = rng.choice([0, rng.randint(0, 1000)])
    if share is not None and rng.random() < 0.3:
        # make list k sit exactly at the share of the list votes (a base every rule can use)
        k = rng.randrange(n)
        rest = sum(votes) - votes[k]
        num, den = share.numerator, share.denominator
        if num < den and rest > 0:
            # v = num/den * (rest + v)  =>  v = num * rest / (den - num)
            scale = den - num
            votes = [x * scale for x in votes]
            votes[k] = num * (rest * scale) // scale
            case.votes = votes
            case.invalid = case.against_all = case.nonvoters = 0
            case.notes.append(f"L{k + 1} at exactly {share} of the list votes")
            case.kinds.add("threshold")
    if 0 in case.votes:
        case.kinds.add("zero")
    nz = [v for v in case.votes if v]
    if len(set(nz)) < len(nz):
        case.kinds.add("tie")
    return case


def election_of(case: Case, tags: dict[str, list[bool]] | None = None) -> Election:
    entries, agreements = concrete_lists(case.votes, tags or {})
    totals = totals_for(case.votes, case.against_all, case.invalid, case.nonvoters)
    return Election(lists=entries, totals=totals, agreements=agreements)


def interpreter_seats(chamber: Chamber, tier: Tier, case: Case,
                      tags: dict[str, list[bool]] | None = None) -> list[int] | str:
    """The interpreter's seats for the tier (with ``case.house`` seats if given), or the kind
    of error it raised."""
    import dataclasses

    from hemicycle.interpreter import AllocationError, TieError, allocate

    if case.house is not None and case.house != tier.seats:
        tier = dataclasses.replace(tier, seats=case.house)
    tier = replay_tier(tier, tags or {})  # a draw named by the tags (lots)
    one = Chamber(name=chamber.name, seats=tier.seats, tiers=(tier,), span=chamber.span)
    try:
        res = allocate(one, election_of(case, tags), explain=False)
    except TieError:
        return "tie"
    except AllocationError as exc:
        return f"error: {exc}"
    seats = res.tiers[0].seats
    return [seats[f"L{i + 1}"] for i in range(len(case.votes))]


def agree(chamber: Chamber, case: Case, *, unique: bool = False, scaled: bool = False,
          outcome: list[str] | None = None) -> str | None:
    """Compare the encoding with the interpreter on one election; a message when they differ.

    ``scaled``: use the normalised encoding of the verifier's queries (scale-invariant tiers).
    ``outcome``: receives what the interpreter did ("seats", "tie" or "error")."""
    tier = chamber.tiers[0]
    want = interpreter_seats(chamber, tier, case, case.tags)
    if outcome is not None:
        outcome.append(want if isinstance(want, str) and want == "tie"
                       else "error" if isinstance(want, str) else "seats")
    try:
        got = encoded_seats(tier, case.votes, against_all=case.against_all, invalid=case.invalid,
                            nonvoters=case.nonvoters, unique=unique, scaled=scaled,
                            tags=case.tags)
    except EncodingMismatch as exc:
        return str(exc)
    if isinstance(want, str):
        if want == "tie" and got.undecided:
            return None
        if want.startswith("error") and got.degenerate:
            return None
        return f"{case}: interpreter {want}, encoding {got.seats} (undecided={got.undecided})"
    if got.undecided or got.degenerate:
        return f"{case}: interpreter {want}, encoding flags undecided/degenerate"
    if got.seats != want:
        return f"{case}: interpreter {want}, encoding {got.seats}"
    return None


def threshold_absolute(chamber: Chamber) -> int | None:
    for t in chamber.tiers[0].thresholds:
        if t.absolute is not None:
            return t.absolute
    return None


def threshold_share(chamber: Chamber) -> Fraction | None:
    for t in chamber.tiers[0].thresholds:
        if t.share is not None:
            return t.share
    return None


@dataclass
class RuleRun:
    """The agreement test on one rule: how many elections of each kind, and the disagreements."""

    rule: str
    elections: int = 0
    disagreements: int = 0
    seconds: float = 0.0
    scaled: int = 0  # checked on the normalised encoding (the rest on the plain one)
    unique: int = 0  # also proved to have no other seat vector
    kinds: dict[str, int] = field(default_factory=dict)  # zero, tie, threshold
    interpreter: dict[str, int] = field(default_factory=dict)  # seats, tie, error
    messages: list[str] = field(default_factory=list)


def run_rule(name: str, count: int, *, seed: str = "bench", unique_every: int = 50,
             scaled: bool = True, text: str | None = None) -> RuleRun:
    """``count`` random elections for rule ``name`` of ``RULES`` (or ``text``); for
    scale-invariant rules every other election is checked on the normalised encoding."""
    import time

    from hemicycle.grammar import parse_rules

    chamber = parse_rules(text if text is not None else RULES[name], file=f"{name}.elect")
    rng = random.Random(f"{seed}-{name}")
    share, absolute = threshold_share(chamber), threshold_absolute(chamber)
    can_scale = scaled and chamber.tiers[0].scale_invariant
    run = RuleRun(name)
    t0 = time.monotonic()
    for k in range(count):
        case = random_case(rng, share, absolute)
        if chamber.tiers[0].alliances is not None:
            case.tags = random_alliances(rng, len(case.votes))
            case.kinds.add("alliance")
        if lot_reached(chamber.tiers[0].ties):
            case.tags = random_draw(rng, len(case.votes))
        use_scaled = can_scale and k % 2 == 1
        unique = unique_every > 0 and k % unique_every == 0
        what: list[str] = []
        msg = agree(chamber, case, unique=unique, scaled=use_scaled, outcome=what)
        run.elections += 1
        run.scaled += use_scaled
        run.unique += unique
        for kind in case.kinds:
            run.kinds[kind] = run.kinds.get(kind, 0) + 1
        for w in what:
            run.interpreter[w] = run.interpreter.get(w, 0) + 1
        if msg:
            run.disagreements += 1
            if len(run.messages) < 5:
                run.messages.append(("scaled: " if use_scaled else "") + msg)
    run.seconds = time.monotonic() - t0
    return run
