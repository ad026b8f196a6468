"""The compiled and batch paths for districted rules give the interpreter's seats in every district,
or hand the election over to it (hemicycle.districted, hemicycle.batch_districts)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

import hemicycle
from hemicycle import model as m
from hemicycle.api import resolve_election
from hemicycle.batch_districts import allocate_districts_batch, district_columns, national_seats
from hemicycle.compiled import _Fallback
from hemicycle.districted import compile_districts, district_seats, plan_districts
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.interpreter import allocate
from hemicycle.votes import load_votes
from pathfuzz import district_case, run_district_cases

Seats = dict[str, dict[str, int]]


def rules(text: str) -> m.Chamber:
    return hemicycle.loads(text, "t.elect").model


def districted(seats: int, method: str = "dhondt", thresholds: str = "", ties: str = "ties more_votes then lot seed 1",
               level: str = "") -> m.Chamber:
    return rules(f'chamber "c" seats {seats}\ndistricts seats {seats} {level}\n'
                 f'tier "t" in each district {{\n{thresholds}\nallocate {method}\n{ties}\n}}\n')


def election(units: list[Unit], order: list[str] | None = None,
             tags: dict[str, frozenset[str]] | None = None) -> Election:
    sums: dict[str, int] = {}
    for u in units:
        for a, v in u.votes.items():
            sums[a] = sums.get(a, 0) + v
    names = order or list(sums)
    lists = tuple(ListEntry(abbr=a, votes=sums.get(a, 0), registration_order=k + 1,
                            tags=(tags or {}).get(a, frozenset())) for k, a in enumerate(names))
    return Election(lists=lists, units=tuple(units))


def reference(chamber: m.Chamber, e: Election) -> Seats | str:
    try:
        result = allocate(chamber, e, explain=False)
    except Exception as exc:
        return type(exc).__name__
    return {u.name: {a: n for a, n in u.seats.items() if n} for u in result.districts}


def compiled(chamber: m.Chamber, e: Election) -> Seats | str:
    f = compile_districts(chamber, e)
    assert f is not None
    try:
        return f(e)
    except Exception as exc:
        return type(exc).__name__


def batched(chamber: m.Chamber, e: Election) -> Seats | str:
    """The election as a batch of one (its district totals per district)."""
    cols = district_columns(e, chamber.levels[0].name)
    units = e.units_of(chamber.levels[0].name)
    votes = [np.array([[u.votes.get(e.lists[i].abbr, 0) for i in c]], dtype=object if _huge(u) else np.int64)
             for u, c in zip(units, cols, strict=True)]
    keys = set.intersection(*(set(u.totals) for u in units)) if units else set()
    totals = {k: np.array([[u.totals[k] for u in units]], dtype=object) for k in keys}
    try:
        out = allocate_districts_batch(chamber, e, votes, **totals)
    except Exception as exc:
        return type(exc).__name__
    return {u.name: {e.lists[i].abbr: int(s) for i, s in zip(c, out[d][0].tolist(), strict=True) if s}
            for d, (u, c) in enumerate(zip(units, cols, strict=True))}


def _huge(u: Unit) -> bool:
    return any(v >= 2**62 for v in [*u.votes.values(), *u.totals.values()])


def agree(chamber: m.Chamber, e: Election) -> Seats | str:
    ref = reference(chamber, e)
    assert compiled(chamber, e) == ref
    assert batched(chamber, e) == ref
    return ref


def unit(name: str, votes: dict[str, int], seats: int | None = None, **totals: int) -> Unit:
    return Unit(name=name, votes=votes, seats=seats, totals=totals)


# --- the bundled districted laws on their records ----------------------------------------------------


@pytest.mark.parametrize(("rule", "record"), [
    ("spain-1986", "spain-2015"), ("spain-sainte-lague", "spain-2015"), ("spain-1977", "spain-1977"),
    ("poland-2019", "poland-2019"), ("poland-no-coalition-threshold", "poland-2019"),
    ("poland-sainte-lague", "poland-2019"), ("finland-2019", "finland-2019"),
])
def test_bundled_laws_on_their_records(rule: str, record: str) -> None:
    chamber = hemicycle.load(rule).model
    e = load_votes(resolve_election(record))
    assert plan_districts(chamber, e) is not None
    assert isinstance(agree(chamber, e), dict)


@pytest.mark.parametrize(("rule", "record"), [("czech-2021", "czech-2021"), ("us-house-2000", "us-house-2000")])
def test_what_the_paths_do_not_cover_is_declined(rule: str, record: str) -> None:
    chamber = hemicycle.load(rule).model
    e = load_votes(resolve_election(record))
    assert plan_districts(chamber, e) is None and compile_districts(chamber, e) is None
    if chamber.tiers:
        assert batched(chamber, e) == reference(chamber, e)  # the batch path hands it to the interpreter
    else:  # an apportionment: no lists to allocate
        assert batched(chamber, e) == "ValueError"


def test_a_batch_of_perturbed_spanish_elections() -> None:
    chamber = hemicycle.load("spain-1986").model
    e = load_votes(resolve_election("spain-2015"))
    cols = district_columns(e)
    units = e.units_of("district")
    rng = np.random.default_rng(5)
    n = 40
    votes = []
    for u, c in zip(units, cols, strict=True):
        base = np.array([u.votes[e.lists[i].abbr] for i in c], dtype=np.int64)
        votes.append(base + rng.integers(-(base // 5) - 1, base // 5 + 2, size=(n, len(c))).clip(-base, None))
    blank = np.array([[u.totals["blank"] for u in units]] * n)
    valid = np.stack([v.sum(axis=1) for v in votes], axis=1)
    out = allocate_districts_batch(chamber, e, votes, valid=valid, blank=blank)
    nat = national_seats(e, out)
    assert (nat.sum(axis=1) == 350).all()
    for row in range(n):
        one = _row_election(e, units, cols, votes, {"valid": valid, "blank": blank}, row)
        want = reference(chamber, one)
        got = {u.name: {e.lists[i].abbr: int(s) for i, s in zip(c, out[d][row].tolist(), strict=True) if s}
               for d, (u, c) in enumerate(zip(units, cols, strict=True))}
        assert got == want


def _row_election(e: Election, units: Any, cols: Any, votes: Any, totals: dict[str, Any], row: int) -> Election:
    new_units = []
    for d, (u, c) in enumerate(zip(units, cols, strict=True)):
        v = {e.lists[i].abbr: int(x) for i, x in zip(c, votes[d][row].tolist(), strict=True)}
        new_units.append(Unit(name=u.name, level=u.level, seats=u.seats, figures=u.figures, votes=v,
                              totals={k: int(t[row, d]) for k, t in totals.items()}))
    sums = {a.abbr: sum(x.votes.get(a.abbr, 0) for x in new_units) for a in e.lists}
    lists = tuple(ListEntry(abbr=a.abbr, votes=sums[a.abbr], registration_order=a.registration_order, tags=a.tags)
                  for a in e.lists)
    return Election(lists=lists, units=tuple(new_units))


# --- constructed elections ------------------------------------------------------------------------------


def test_tie_at_the_cut_broken_by_more_votes_or_handed_to_the_lot() -> None:
    # in N: A 60 / 2 = 30 ties B 30 for the last seat; more votes gives it to A
    e = election([unit("N", {"A": 60, "B": 30}, 3), unit("S", {"A": 10, "B": 10}, 1)])
    assert agree(districted(4), e)["N"] == {"A": 2, "B": 1}  # type: ignore[index]
    # in S equal votes: only the lot decides (the interpreter's draw), or registration order
    assert isinstance(agree(districted(4), e), dict)
    assert isinstance(agree(districted(4, ties="ties registration_order"), e), dict)


def test_tie_with_no_tie_clause_is_the_interpreters_error() -> None:
    e = election([unit("N", {"A": 10, "B": 10}, 1)])
    assert agree(districted(1, ties=""), e) == reference(districted(1, ties=""), e)


@pytest.mark.parametrize("inclusive", ["", " strict"])
def test_district_threshold_exactly_at_the_cut(inclusive: str) -> None:
    # 3% of (97 valid + 3 blank) = 3 votes
    e = election([unit("N", {"A": 50, "B": 44, "C": 3}, 40, valid=97, blank=3), unit("S", {"A": 5, "B": 5}, 1,
                                                                                     valid=10, blank=0)])
    chamber = districted(41, thresholds=f"threshold 3% of valid_votes_and_blank{inclusive}")
    seats = agree(chamber, e)
    assert isinstance(seats, dict) and ("C" in seats["N"]) == (inclusive == "")


def test_national_threshold_exactly_at_the_cut_with_tags_and_exemptions() -> None:
    units = [unit("N", {"A": 50, "B": 25, "C": 5, "M": 1}, 4, valid=81), unit("S", {"A": 10, "B": 4, "C": 5, "M": 0}, 2,
                                                                            valid=19)]
    tags = {"B": frozenset({"coalition"}), "M": frozenset({"minority"})}
    e = election(units, tags=tags)
    e = Election(lists=e.lists, units=e.units, totals={"valid": 100})
    chamber = districted(6, thresholds="threshold 5% of valid_votes nationally for lists not tagged coalition\n"
                                       "threshold 30% of valid_votes nationally for lists tagged coalition\n"
                                       "exempt lists tagged minority from thresholds")
    seats = agree(chamber, e)
    assert isinstance(seats, dict) and "B" not in seats["N"]


def test_zero_votes_and_no_seats() -> None:
    e = election([unit("N", {"A": 60, "B": 40}, 3), unit("S", {"A": 0, "B": 0}, 2), unit("E", {"A": 5}, 0)])
    agree(districted(5), e)


def test_huge_figures_go_through_exact_integers() -> None:
    big = 10**30
    e = election([unit("N", {"A": 3 * big + 1, "B": 2 * big, "C": big}, 5), unit("S", {"A": big, "B": big + 1}, 2)])
    for method in ("dhondt", "sainte_lague", "largest_remainder quota hare", "largest_remainder quota droop"):
        agree(districted(7, method=method), e)


# --- random districted elections under random rules (tests/pathfuzz.py; at scale: scripts/fuzz_paths.py) ---


@pytest.mark.parametrize("seed", range(6))
def test_random_districted_elections_agree(seed: int) -> None:
    rng = random.Random(seed)
    decided = 0
    for _ in range(40):
        chamber, e = district_case(rng)
        agree(chamber, e)
        plan = plan_districts(chamber, e)
        assert plan is not None
        try:
            district_seats(plan, e)
            decided += 1
        except _Fallback:
            pass
    assert decided >= 10  # the compiled steps themselves decide most of them (not only the interpreter)


def test_simulations_of_a_districted_election() -> None:
    from hemicycle.uncertainty import seat_distribution

    rules_ = hemicycle.load("spain-1986")
    e = load_votes(resolve_election("spain-2015"))
    dist = seat_distribution(rules_, e, 30, seed=3, chunk=16)
    assert dist.simulations == 30
    assert all(sum(dist.counts[a].values()) == 30 for a in dist.abbrs)
    means = {a: sum(s * c for s, c in dist.counts[a].items()) / 30 for a in dist.abbrs}
    assert abs(sum(means.values()) - 350) < 1e-9 and means["PP"] > 100
    with pytest.raises(ValueError, match="normal model"):
        seat_distribution(rules_, e, 10, model="normal")


def test_compare_simulate_takes_district_vote_files() -> None:
    from typer.testing import CliRunner

    from hemicycle.cli import app

    r = CliRunner().invoke(app, ["compare", "spain-1986", "spain-sainte-lague", "--votes", "spain-2015",
                                 "--no-properties", "--simulate", "20", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert "not supported" not in r.output


def test_district_fuzz_runner_finds_no_disagreement() -> None:
    tally = run_district_cases(random.Random(9), 30)
    assert tally.clean and tally.elections > 0, tally.summary()


# --- many constructed elections in one batch, row by row against the interpreter ---------------------


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague", "modified_sainte_lague", "imperiali", "danish",
                                    "adams", "largest_remainder quota hare", "largest_remainder quota droop"])
@pytest.mark.parametrize("ties", ["ties more_votes then lot seed 4", "ties registration_order", "ties lot seed 2"])
def test_a_batch_of_constructed_elections_agrees_row_by_row(method: str, ties: str) -> None:
    """Ties (small figures: equal quotients, equal votes, two lots in one election), thresholds met
    exactly, zero votes, magnitude 1, a list absent from a district, one list with votes, figures
    about the 32-bit bound of the divisor block and huge figures: one batch, each
    election's seats compared with the interpreter's (and the compiled path's)."""
    template = election([unit("N", {"A": 9, "B": 5, "C": 3, "D": 1}, 5), unit("S", {"A": 2, "B": 1}, 1),
                         unit("E", {"B": 4, "C": 4, "D": 2}, 3), unit("W", {"A": 1, "B": 1, "C": 1, "D": 1}, 7)])
    chamber = districted(16, method=method, thresholds="threshold 10% of valid_votes_and_blank", ties=ties)
    units = template.units
    cols = district_columns(template)
    rng = random.Random(hash((method, ties)) % 1000)
    rows: list[list[list[int]]] = []
    for r in range(200):
        kind = r % 10
        row = []
        for c in cols:
            if kind == 0:
                row.append([rng.randint(0, 6) for _ in c])  # many equal quotients and votes
            elif kind == 1:
                row.append([0] * len(c))  # a district with no votes at all
            elif kind == 2:
                row.append([rng.choice([10, 20, 30, 40]) for _ in c])  # quotients tied across lists
            elif kind == 3:
                row.append([rng.randint(2**40, 2**41) for _ in c])  # large, still within 64 bits
            elif kind == 4:
                # about where a weight times the largest divisor leaves 32 bits (the block's integers)
                row.append([rng.randint(2**31 // 10 - 3, 2**31 // 8) for _ in c])
            elif kind == 5:
                row.append([rng.randint(1, 50) if k == 0 else 0 for k in range(len(c))])  # one list
            else:
                row.append([rng.randint(0, 10_000) for _ in c])
        rows.append(row)
    votes = [np.array([row[d] for row in rows], dtype=np.int64) for d in range(len(cols))]
    valid = np.stack([v.sum(axis=1) for v in votes], axis=1)
    blank = np.array([[rng.choice([0, 0, 1, 9]) for _ in cols] for _ in rows], dtype=np.int64)
    blank[::10] = 0
    totals = {"valid": valid, "blank": blank}
    out = allocate_districts_batch(chamber, template, votes, **totals)
    f = compile_districts(chamber, template)
    assert f is not None
    for r in range(len(rows)):
        one = _row_election(template, units, cols, votes, totals, r)
        want = reference(chamber, one)
        if isinstance(want, str):
            continue  # the interpreter's error: the batch raises it for the whole batch (below)
        got = {u.name: {template.lists[i].abbr: int(s) for i, s in zip(c, out[d][r].tolist(), strict=True) if s}
               for d, (u, c) in enumerate(zip(units, cols, strict=True))}
        assert got == want, (r, rows[r])
        assert compiled(chamber, one) == want


def test_district_batch_fuzz_runner_finds_no_disagreement() -> None:
    from pathfuzz import run_district_batches

    tally = run_district_batches(random.Random(11), 8, per_case=24)
    assert tally.clean and tally.elections > 50, tally.summary()


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague", "modified_sainte_lague", "imperiali", "danish"])
def test_the_divisor_block_gives_the_seat_by_seat_result_or_hands_the_cell_back(method: str) -> None:
    """hemicycle.batch_divisors on blocks of small figures (many quotients tied at the cut), zero
    columns, one list and mixed magnitudes, in 32 and 64 bits: every cell it keeps has the seats
    of the exact seat-by-seat process (Fractions) with no tie at the cut; every tied cell is handed back."""
    from fractions import Fraction

    from hemicycle.batch_divisors import divisor_block
    from hemicycle.highest_averages import LinearDivisors

    tier = districted(4, method=method).tiers[0]
    lin = LinearDivisors.of(tier.method)
    assert lin is not None
    rng = np.random.default_rng(7)
    for k, top, dtype in [(1, 9, np.int32), (3, 6, np.int32), (5, 40, np.int64), (7, 10**6, np.int32)]:
        weights = rng.integers(0, top + 1, size=(k, 400)).astype(dtype)
        weights[:, ::9] = 0
        seats = rng.integers(1, 13, size=400).astype(np.int64)
        got, back = divisor_block(lin, weights, seats)
        for c in range(400):
            w = [int(x) for x in weights[:, c]]
            if not any(w):
                assert back[c]
                continue
            s, tied = [0] * k, False
            for _ in range(int(seats[c])):
                q = [Fraction(w[i] * lin.D, lin.head[s[i]] if s[i] < len(lin.head) else lin.alpha * s[i] + lin.beta)
                     for i in range(k)]
                best = max(q)
                s[q.index(best)] += 1
            q = [Fraction(w[i] * lin.D, lin.head[s[i]] if s[i] < len(lin.head) else lin.alpha * s[i] + lin.beta)
                 for i in range(k)]
            won = [Fraction(w[i] * lin.D, lin.head[s[i] - 1] if s[i] - 1 < len(lin.head)
                            else lin.alpha * (s[i] - 1) + lin.beta) for i in range(k) if s[i]]
            tied = max(q) >= min(won)
            if tied:
                assert back[c], (w, int(seats[c]))
            elif not back[c]:
                assert got[:, c].tolist() == s, (w, int(seats[c]))
        assert back.mean() < 0.9  # most cells decided: a block that hands everything back fails here
