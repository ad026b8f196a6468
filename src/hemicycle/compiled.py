"""The compiled path: a rule model turned once into a specialised allocation function.

``f = hemicycle.compile(rules)``; ``f(votes_in_list_order, invalid=0) -> tuple of seats``.
The function reads the model once, when it is built: thresholds become integer cross-multiplied
comparisons, quotas integer fractions, tie chains sort keys. No rule text is ever turned into
code (there is no eval/exec): the function is a closure over numbers taken from the model.

Semantics are those of ``docs/language.md``, exactly as the interpreter implements them; the two
are compared on random and constructed elections in ``tests/test_compiled.py``. Registration
order is the order of ``votes``. Where a clause needs what plain vote counts cannot give (ballot
order, tags, lots, list sizes), and whenever a tie cannot be broken, the function hands the
election to the interpreter, which gives the same seats (or raises the same error).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from math import lcm

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.election import TOTALS, Election
from hemicycle.highest_averages import highest_averages
from hemicycle.interpreter import MAX_LIST_TIERS, MAX_LISTS, MAX_WORK, LimitError, allocate, check_sizes, quota_value
from hemicycle.validate import election_figures

SeatsFunction = Callable[..., tuple[int, ...]]
_Checked = Callable[[Sequence[int], dict[str, int]], tuple[int, ...]]  # figures already checked


_QUOTA_OFFSET = {m.QuotaKind.HARE: 0, m.QuotaKind.HAGENBACH_BISCHOFF: 1, m.QuotaKind.IMPERIALI: 2}


class _Fallback(Exception):
    """This input needs the interpreter (e.g. a tie the chain cannot break)."""


def _missing(name: str, why: str) -> int:
    raise _Fallback  # the interpreter names the missing figure


_SIMPLE_CRITERIA = {m.TieCriterion.REGISTRATION_ORDER, m.TieCriterion.MORE_VOTES, m.TieCriterion.FEWER_VOTES}


def _chain_keys(tier: m.Tier) -> tuple[m.TieCriterion, ...] | None:
    """The tie chain as sort criteria, or None if it needs more than vote counts."""
    criteria = tier.ties.criteria if tier.ties is not None else ()
    if any(c not in _SIMPLE_CRITERIA for c in criteria):
        return None
    return criteria


def clauses_on_votes_only(tier: m.Tier) -> bool:
    """True when the tier's clauses need nothing but vote counts and totals: no extension clause,
    no tagged lists, provisions made of runner-up admission, guarantees and corrections. (The
    batch path covers a subset of these.)"""
    if tier.uses_extensions:
        return False
    if any(t.applies_to is not None and t.applies_to.kind is m.SelectorKind.TAGGED for t in tier.thresholds):
        return False
    for prov in tier.provisions:
        for action in prov.actions:
            who = getattr(action, "who", None)
            if who is not None and who.kind is m.SelectorKind.TAGGED:
                return False
            if not isinstance(action, m.AdmitRunnerUp | m.Guarantee | m.Correction):
                return False
    return True


def _supported(chamber: m.Chamber) -> bool:
    if chamber.levels:  # districts (magnitudes, tiers in units): the interpreter's alone for now
        return False
    return all(_chain_keys(t) is not None and clauses_on_votes_only(t) for t in chamber.tiers)


def votes_decide(chamber: m.Chamber) -> bool:
    """True when these rules need nothing of an election but its vote counts (in registration
    order) and totals, so that the compiled function gives an election's seats exactly."""
    return _supported(chamber)


class LotKey:
    """A chain's sort key that, where the keys cannot decide, hands the tie to ``lot(tied, places)``
    (the interpreter's tie breaker, which applies the whole chain and draws the lot)."""

    def __init__(self, key: Callable[[int], tuple[int, ...]], lot: Callable[[list[int], int], list[int]]) -> None:
        self.key = key
        self.lot = lot

    def __call__(self, k: int) -> tuple[int, ...]:
        return self.key(k)


def _favour(cands: list[int], places: int, keyf: Callable[[int], tuple[int, ...]]) -> list[int]:
    """``places`` of ``cands`` by the chain's keys; _Fallback when the chain cannot decide (unless
    the key is a ``LotKey``)."""
    if places >= len(cands):
        return cands
    order = sorted(cands, key=keyf)
    if keyf(order[places - 1]) == keyf(order[places]):
        if isinstance(keyf, LotKey):
            return keyf.lot(cands, places)
        raise _Fallback
    return order[:places]


Key = Callable[[int], tuple[int, ...]]
# base (None: an absolute number of votes), denominator, numerator, inclusive
_Test = tuple["m.Base | None", int, int, bool]


def _chain_key(chain: tuple[m.TieCriterion, ...], votes: Sequence[int]) -> Key:
    """The chain's sort key of list ``i`` (registration order is the list's place)."""
    def key(i: int) -> tuple[int, ...]:
        out = []
        for c in chain:
            if c is m.TieCriterion.REGISTRATION_ORDER:
                out.append(i)
            elif c is m.TieCriterion.MORE_VOTES:
                out.append(-votes[i])
            else:
                out.append(votes[i])
        return tuple(out)
    return key


def _tests(tier: m.Tier) -> list[_Test]:
    out: list[_Test] = []
    for th in tier.thresholds:
        if th.absolute is not None:
            out.append((None, 1, th.absolute, th.inclusive))
        else:
            assert th.share is not None and th.base is not None
            out.append((th.base, th.share.denominator, th.share.numerator, th.inclusive))
    return out


def _passed(tests: list[_Test], votes: Sequence[int], totals: dict[str, int]) -> list[bool]:
    """The lists with votes that pass every threshold."""
    passed = [v > 0 for v in votes]
    for base, den, num, inclusive in tests:
        if base is None:  # absolute: votes >= num
            passed = [p and (v >= num if inclusive else v > num) for p, v in zip(passed, votes, strict=True)]
        else:
            rhs = num * base_figure(base, sum(votes), totals, _missing)
            if inclusive:
                passed = [p and v * den >= rhs for p, v in zip(passed, votes, strict=True)]
            else:
                passed = [p and v * den > rhs for p, v in zip(passed, votes, strict=True)]
    return passed


def _runner_up(active: Sequence[Sequence[m.Action]], admitted: list[bool], votes: Sequence[int], key: Key
               ) -> int | None:
    """The list a ``when`` block admits (the most votes among the others; ``admitted`` grows)."""
    for acts in active:
        for a in acts:
            if isinstance(a, m.AdmitRunnerUp):
                others = [i for i in range(len(votes)) if not admitted[i] and votes[i] > 0]
                if not others:
                    return None
                top = max(votes[i] for i in others)
                tied = [i for i in others if votes[i] == top]
                runner = _favour(tied, 1, key)[0] if len(tied) > 1 else tied[0]
                admitted[runner] = True
                return runner
    return None


def _factors(active: Sequence[Sequence[m.Action]], admitted: list[bool], runner: int | None, n: int
             ) -> tuple[list[int], list[int]]:
    """Each list's correction factor, as numerator and denominator."""
    fn = ones = [1] * n
    fd = ones
    for acts in active:
        for a in acts:
            if isinstance(a, m.Correction):
                for i in range(n):
                    if admitted[i] and (a.who.kind is m.SelectorKind.EVERY_LIST or i == runner):
                        if fn is ones:
                            fn, fd = [1] * n, [1] * n
                        fn[i] *= a.factor.numerator
                        fd[i] *= a.factor.denominator
    return fn, fd


def _capped(method: m.Method, votes: Sequence[int], fn: list[int], fd: list[int], pool: list[int], h: int,
            cap: int | None, key: Key) -> list[int]:
    """The method's seats; lists over the cap keep the cap and the others share the rest again."""
    seats = [0] * len(votes)
    fixed: set[int] = set()
    remaining = h
    while True:
        live = [i for i in pool if i not in fixed]
        if isinstance(method, m.LargestRemainder):
            got = _lr(method, votes, fn, fd, live, remaining, key)
        else:
            got = _divisor(method, votes, fn, fd, live, remaining, key)  # type: ignore[arg-type]
        for i in live:
            seats[i] = got.get(i, 0)
        over = [i for i in live if cap is not None and seats[i] > cap]
        if not over:
            return seats
        for i in over:
            seats[i] = cap  # type: ignore[assignment]
            fixed.add(i)
        remaining = h - cap * len(fixed)  # type: ignore[operator]
        if remaining <= 0 or len(fixed) == len(pool):
            return seats


def _guarantee(active: Sequence[Sequence[m.Action]], admitted: list[bool], runner: int | None, seats: list[int],
               key: Key) -> None:
    """Guarantees: each missing seat from the list holding the most (ties by the chain)."""
    n = len(seats)
    moves, held = 0, sum(seats)
    for acts in active:
        for a in acts:
            if not isinstance(a, m.Guarantee):
                continue
            for i in range(n):
                if not admitted[i] or not (a.who.kind is m.SelectorKind.EVERY_LIST or i == runner):
                    continue
                moves += max(0, min(a.seats, held) - seats[i])
                if moves * n > MAX_WORK:
                    raise _Fallback  # the interpreter refuses it (LimitError), before moving any
                while seats[i] < a.seats:
                    donors = [j for j in range(n) if j != i and seats[j] > 0]
                    if not donors:
                        break
                    most = max(seats[j] for j in donors)
                    tied = [j for j in donors if seats[j] == most]
                    if len(tied) > 1:
                        keep = _favour(tied, len(tied) - 1, key)
                        tied = [j for j in tied if j not in keep]
                    seats[tied[0]] -= 1
                    seats[i] += 1


def _tier_function(tier: m.Tier) -> Callable[[Sequence[int], dict[str, int]], list[int]]:
    chain = _chain_keys(tier) or ()
    h = tier.seats
    tests = _tests(tier)
    conditions = [(p.condition, p.actions) for p in tier.provisions]
    method = tier.method
    cap = tier.cap.seats if tier.cap is not None else None

    def run(votes: Sequence[int], totals: dict[str, int]) -> list[int]:
        n = len(votes)
        admitted = _passed(tests, votes, totals)
        count = sum(admitted)
        key = _chain_key(chain, votes)
        active = [acts for cond, acts in conditions if cond is None or cond.op.holds(count, cond.value)] \
            if conditions else ()
        runner = _runner_up(active, admitted, votes, key) if active else None
        fn, fd = _factors(active, admitted, runner, n) if active else ([1] * n, [1] * n)
        pool = [i for i in range(n) if admitted[i]]
        if not pool or sum(votes[i] for i in pool) == 0:
            return [0] * n
        seats = _capped(method, votes, fn, fd, pool, h, cap, key)
        if active:
            _guarantee(active, admitted, runner, seats, key)
        return seats

    return run


def _lr(method: m.LargestRemainder, votes: Sequence[int], fn: list[int], fd: list[int], pool: list[int],
        seats: int, key: Callable[[int], tuple[int, ...]]) -> dict[int, int]:
    total = 0
    for i in pool:
        total += votes[i]
    quota = method.quota
    if quota.rounding is m.Rounding.EXACT and quota.kind is not m.QuotaKind.DROOP:
        # q = total / (seats + c): votes / q = votes * (seats + c) / total
        qn, qd = total, seats + _QUOTA_OFFSET[quota.kind]
    else:
        q = quota_value(quota, total, seats)
        qn, qd = q.numerator, q.denominator
    if qn == 0:
        raise _Fallback  # the interpreter raises the error
    den_l = 1
    for i in pool:
        if fd[i] != 1:
            den_l = lcm(den_l, fd[i])
    out: dict[int, int] = {}
    rems: dict[int, int] = {}
    used = 0
    if den_l == 1 and all(fn[i] == 1 for i in pool):
        for i in pool:
            f, r = divmod(votes[i] * qd, qn)
            out[i] = f
            rems[i] = r
            used += f
    else:
        denom = qn * den_l
        for i in pool:
            f, r = divmod(votes[i] * fn[i] * qd * (den_l // fd[i]), denom)
            out[i] = f
            rems[i] = r
            used += f
    left = seats - used
    if left > 0:
        rounds, rest = divmod(left, len(pool))
        if rounds:
            for i in pool:
                out[i] += rounds
        if rest:
            order = sorted(pool, key=lambda i: -rems[i])
            cut = rems[order[rest - 1]]
            if rems[order[rest]] == cut:
                sure = [i for i in pool if rems[i] > cut]
                tied = [i for i in pool if rems[i] == cut]
                order = sure + _favour(tied, rest - len(sure), key)
            for i in order[:rest]:
                out[i] += 1
    elif left < 0:
        need = -left
        while need > 0:
            holders = [i for i in pool if out[i] > 0]
            take = min(need, len(holders))
            if take == 0:
                raise _Fallback
            order = sorted(holders, key=lambda i: rems[i])
            if take < len(holders) and rems[order[take - 1]] == rems[order[take]]:
                cut = rems[order[take - 1]]
                sure = [i for i in holders if rems[i] < cut]
                tied = [i for i in holders if rems[i] == cut]
                keep = _favour(tied, len(tied) - (take - len(sure)), key)
                order = sure + [i for i in tied if i not in keep]
            for i in order[:take]:
                out[i] -= 1
            need -= take
    return out


def _divisor(method: m.Divisor, votes: Sequence[int], fn: list[int], fd: list[int], pool: list[int],
             seats: int, key: Callable[[int], tuple[int, ...]]) -> dict[int, int]:
    # the interpreter's algorithm (hemicycle.highest_averages), with this path's tie chain
    weights: dict[int, Fraction | int] = {
        i: votes[i] if fn[i] == fd[i] == 1 else Fraction(votes[i] * fn[i], fd[i]) for i in pool if votes[i] > 0
    }
    run = highest_averages(method, weights, list(weights), seats, lambda tied, places, _: _favour(tied, places, key))
    if run.left > 0:
        raise _Fallback  # every divisor sequence used up: the interpreter raises the error
    out = dict.fromkeys(pool, 0)
    out.update(run.seats)
    return out


def _fast_lr(tier: m.Tier, general: _Checked) -> _Checked | None:
    """A tight function for the commonest shape: share thresholds, an exact (unrounded, not
    Droop) largest-remainder quota, no cap, and a tie chain that always decides (registration
    order after any vote criteria). Whenever a ``when`` block would apply, it hands over to
    ``general``. None when the tier has another shape."""
    method = tier.method
    if not isinstance(method, m.LargestRemainder) or tier.cap is not None:
        return None
    quota = method.quota
    if quota.rounding is not m.Rounding.EXACT or quota.kind is m.QuotaKind.DROOP:
        return None
    criteria = tier.ties.criteria if tier.ties is not None else ()
    if m.TieCriterion.REGISTRATION_ORDER not in criteria:
        return None
    prefix = criteria[: criteria.index(m.TieCriterion.REGISTRATION_ORDER)]
    if any(c not in (m.TieCriterion.MORE_VOTES, m.TieCriterion.FEWER_VOTES) for c in prefix):
        return None
    if any(th.absolute is not None or th.applies_to is not None for th in tier.thresholds):
        return None
    if any(p.condition is None for p in tier.provisions):
        return None
    conditions = [(p.condition.op.holds, p.condition.value) for p in tier.provisions if p.condition]
    tests = [(th.base, th.share.numerator, th.share.denominator, th.inclusive)  # type: ignore[union-attr]
             for th in tier.thresholds]
    h = tier.seats
    mult = h + _QUOTA_OFFSET[quota.kind]
    signs = [-1 if c is m.TieCriterion.MORE_VOTES else 1 for c in prefix]

    def f(votes: Sequence[int], totals: dict[str, int]) -> tuple[int, ...]:
        n = len(votes)
        pool = [i for i in range(n) if votes[i] > 0]
        if tests:
            list_votes = sum(votes)
            for base, num, den, inclusive in tests:
                try:
                    b = base_figure(base, list_votes, totals, _missing)
                except _Fallback:
                    return general(votes, totals)
                rhs = num * b
                if inclusive:
                    pool = [i for i in pool if votes[i] * den >= rhs]
                else:
                    pool = [i for i in pool if votes[i] * den > rhs]
        count = len(pool)
        for holds, value in conditions:
            if holds(count, value):
                return general(votes, totals)
        seats = [0] * n
        total = 0
        for i in pool:
            total += votes[i]
        if total == 0:
            return tuple(seats)
        used = 0
        rems = []
        for i in pool:
            q, r = divmod(votes[i] * mult, total)
            seats[i] = q
            used += q
            if signs:
                rems.append((-r, *[s * votes[i] for s in signs], i))
            else:
                rems.append((-r, i))
        left = h - used
        if left:
            if left < 0 or left >= count:
                return general(votes, totals)
            rems.sort()
            for key in rems[:left]:
                seats[key[-1]] += 1
        return tuple(seats)

    return f


def compile_rules(chamber: m.Chamber) -> SeatsFunction:
    """A function ``f(votes, invalid=0, **totals) -> tuple`` of seats per list, tiers summed
    (appointed seats are not included: they do not depend on votes). ``votes`` and the totals
    are checked as everywhere (``hemicycle.validate``; NumPy integers are welcome), and the
    interpreter's limits hold (``LimitError``, before any work)."""
    supported = _supported(chamber)
    tiers = [_tier_function(t) for t in chamber.tiers] if supported else []
    try:
        check_sizes(chamber, 0)
        sized = True
    except LimitError:
        sized = False  # every call raises the interpreter's error
    n_tiers = max(1, len(chamber.tiers))

    def interpreted(votes: Sequence[int], totals: dict[str, int]) -> tuple[int, ...]:
        election = Election.from_votes([(f"L{i + 1}", v) for i, v in enumerate(votes)], **totals)
        result = allocate(chamber, election, explain=False)
        return tuple(result.seats[f"L{i + 1}"] for i in range(len(votes)))

    def summed(votes: Sequence[int], totals: dict[str, int]) -> tuple[int, ...]:
        if not supported:
            return interpreted(votes, totals)
        try:
            acc = [0] * len(votes)
            for tf in tiers:
                for i, s in enumerate(tf(votes, totals)):
                    acc[i] += s
            return tuple(acc)
        except _Fallback:
            return interpreted(votes, totals)

    run: _Checked = summed
    if len(tiers) == 1 and supported:
        only = tiers[0]

        def single(votes: Sequence[int], totals: dict[str, int]) -> tuple[int, ...]:
            try:
                return tuple(only(votes, totals))
            except _Fallback:
                return interpreted(votes, totals)

        run = _fast_lr(chamber.tiers[0], single) or single

    def f(votes: Sequence[int], invalid: int = 0, **totals: int) -> tuple[int, ...]:
        figures, given = election_figures(votes, {"invalid": invalid, **totals}, TOTALS)
        n = len(figures)
        if not sized or n > MAX_LISTS or n * n_tiers > MAX_LIST_TIERS:
            check_sizes(chamber, n)
        return run(figures, given)

    return f
