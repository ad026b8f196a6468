"""Agreement of the two-scrutiny encoding (verify/scrutiny.py) with the interpreter, on random
and constructed elections: each election pinned into the encoding built once
(``district_agreement.PinnedDistricts``) with its member counts and every draw of lots given,
its seats in every region compared with the interpreter's; every ``step_every``-th election also
as the first election of a step query (a list gains votes in a region), both elections compared.

An election whose placement meets equal remainders that cannot all be seated is **set aside** by
the encoding (``ScrutinyEnc.placement_tie``): counted apart, never as an agreement."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import z3

from hemicycle.verify.district_agreement import PinnedDistricts
from hemicycle.verify.districts import DistrictCase, DistrictEnc, DistrictOutcome, DistrictSystem, fix_case, interpret
from hemicycle.verify.errors import EncodingMismatch
from hemicycle.verify.pinned import pin, seats


@dataclass
class Tally:
    elections: int = 0
    steps: int = 0
    no_result: int = 0  # the interpreter gave none (a quota of 0, seats that cannot be placed, a tie)
    set_aside: int = 0  # placement ties the encoding sets aside
    unique: int = 0  # elections also shown to allow no other seats
    bad: list[str] = field(default_factory=list)


def random_case(rng: random.Random, sys: DistrictSystem, n: int) -> DistrictCase:
    """Random or constructed votes (zeros, tiny and huge figures, equal votes, a list exactly at a
    national threshold), member counts and draws."""
    assert sys.scrutiny is not None
    regions = len(sys.names)
    kind = rng.randrange(6)
    if kind == 0:  # tiny figures: quotas near 0, rounding at the half
        votes = [[rng.randint(0, 6) for _ in range(n)] for _ in range(regions)]
    elif kind == 1:  # equal votes somewhere
        v = rng.randint(1, 500)
        votes = [[rng.choice([v, v, rng.randint(0, 1000)]) for _ in range(n)] for _ in range(regions)]
    elif kind == 2:  # huge figures
        votes = [[rng.randint(0, 10**9) for _ in range(n)] for _ in range(regions)]
    elif kind == 3:  # one list exactly at 5% of the valid votes nationally
        rest = [[rng.randint(0, 3000) for _ in range(n - 1)] for _ in range(regions)]
        total = 19 * 20 * rng.randint(1, 40)
        spread = [0] * (regions * (n - 1))
        for _ in range(total * 19 // 20):
            spread[rng.randrange(len(spread))] += 1
        rest = [spread[r * (n - 1):(r + 1) * (n - 1)] for r in range(regions)]
        small = total // 20
        cut = rng.randint(0, small)
        votes = [[cut if r == 0 else (small - cut if r == 1 else 0)] + rest[r] for r in range(regions)]
    else:
        votes = [[rng.choice([0, rng.randint(0, 60), rng.randint(0, 5000)]) for _ in range(n)]
                 for _ in range(regions)]
    members = [rng.randint(1, max(sys.scrutiny.member_counts, 1)) for _ in range(n)]
    abbrs = [f"L{i + 1}" for i in range(n)]
    lots = {"apportionment": tuple(rng.sample(sys.names, regions)), "second": tuple(rng.sample(abbrs, n))}
    for name in sys.names:
        lots[f"first:{name}"] = tuple(rng.sample(abbrs, n))
    return DistrictCase(votes, [{} for _ in range(regions)], members=members, lots=lots)


def _judge(m: z3.ModelRef, enc: DistrictEnc, want: DistrictOutcome | str, label: str, t: Tally) -> str | None:
    assert enc.scrutiny is not None
    got = seats(m, enc.seats)
    defined = z3.is_true(m.eval(enc.defined, model_completion=True))
    if z3.is_true(m.eval(enc.scrutiny.placement_tie, model_completion=True)):
        t.set_aside += 1
        return None if not defined else f"{label}: a placement tie, yet defined"
    if isinstance(want, str):
        t.no_result += 1
        return None if not defined else f"{label}: interpreter {want}, encoding {got}"
    if not defined:
        return f"{label}: interpreter {want.seats}, encoding says no result"
    if got != want.seats:
        return f"{label}: interpreter {want.seats}, encoding {got}"
    return None


def run(sys: DistrictSystem, count: int, *, seed: str = "ci", n: int = 3, unique_every: int = 25,
        step_every: int = 2, progress: Callable[[Tally], None] | None = None) -> Tally:
    """``count`` elections (and every ``step_every``-th as a step pair) against the interpreter;
    ``progress`` is called with the tally after every 50 elections."""
    # the single election's pins as assumptions, the steps' substituted: measured fastest here
    # (3 seats, 24 elections: single 170 ms vs 373 ms substituted; step 842 ms vs 1,348 ms by assumptions)
    fast = PinnedDistricts(sys, n, substitute=False, step_substitute=True)
    rng = random.Random(f"{seed}:scrutiny:{sys.scrutiny.seats if sys.scrutiny else 0}")
    t = Tally()
    for c in range(count):
        case = random_case(rng, sys, n)
        t.elections += 1
        pins = fix_case(sys, fast.elections, fast.enc, case)
        try:
            m = fast.single.ask(pins)
            if m is None:
                t.bad.append(f"no allocation for {case}")
                continue
            msg = _judge(m, fast.enc, interpret(sys, case), str(case), t)
            if msg is None and c % unique_every == 0 and z3.is_true(m.eval(fast.enc.defined, model_completion=True)):
                if not fast.single.only(pins, fast.enc.seats, seats(m, fast.enc.seats)):
                    msg = f"{case}: the encoding allows other seats"
                t.unique += 1
        except EncodingMismatch as exc:
            msg = f"{case}: {exc}"
        if msg is not None:
            t.bad.append(msg)
        if c % step_every == 0:
            t.steps += 1
            k, p = rng.randrange(len(sys.names)), rng.randrange(n)
            gain = rng.choice([1, 2, rng.randint(1, 1000), rng.randint(1, 10**6)])
            msg = _step(fast, sys, case, k, p, gain, t)
            if msg is not None:
                t.bad.append(msg)
        if progress is not None and t.elections % 50 == 0:
            progress(t)
    return t


def _step(fast: PinnedDistricts, sys: DistrictSystem, case: DistrictCase, k: int, p: int, gain: int,
          t: Tally) -> str | None:
    st = fast._step(k, p)
    moved = replace(case, votes=[list(row) for row in case.votes])
    moved.votes[k][p] += gain
    pins = [*pin([st.gain], [gain]), *fix_case(sys, st.a_ds, st.a, case), *fix_case(sys, st.b_ds, st.b, moved)]
    label = f"step {case} +{gain} L{p + 1} in {sys.names[k]}"
    try:
        m = st.solver.ask(pins)
    except EncodingMismatch as exc:
        return f"{label}: {exc}"
    if m is None:
        return f"{label}: no allocation"
    for which, enc, c in (("A", st.a, case), ("B", st.b, moved)):
        msg = _judge(m, enc, interpret(sys, c), f"{label} ({which})", t)
        if msg is not None:
            return msg
    return None
