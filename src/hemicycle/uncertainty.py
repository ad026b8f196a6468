"""Seats under uncertainty: simulate elections around the shares and allocate each one exactly.

Two models of the uncertainty of vote shares:

* ``dirichlet``: shares ~ Dirichlet(concentration * observed shares); a concentration of c gives
  each share roughly the variance of a poll of c respondents;
* ``normal``: each list's share ~ Normal(observed share, its standard error), cut at zero, then
  renormalised to sum to one.

The random shares become whole vote counts (share x the observed list votes, rounded down); the
invalid ballots and other totals keep their observed ratio to the list votes. Only the simulation
uses floating point: every simulated election is then allocated exactly, with every other figure
of the election kept (``hemicycle.derived``): in batches by ``hemicycle.allocate_batch`` when the
rules need nothing but vote counts, one at a time by the interpreter otherwise. Same seed, same
numbers. With districts, each district's votes are drawn (``simulate_district_votes``) for rules
that allocate in them, in the units that carry the lists' votes (``derived.vote_units``: the
states' list votes of a Bundestag file, the districts of a Danish one); rules with one level the
votes are drawn at go by the batch path, others (levelling, compensation, two votes) each
simulated election through the interpreter; rules that allocate nationally see the national votes
only, and those are drawn (either model).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hemicycle.api import Rules
from hemicycle.derived import Seats, national_view, units_matter
from hemicycle.display import NotebookHtml
from hemicycle.election import Election
from hemicycle.validate import check_standard_error


@dataclass
class SeatDistribution(NotebookHtml):
    rules: str
    abbrs: list[str]
    simulations: int
    counts: dict[str, dict[int, int]]  # abbr -> seats -> number of simulations
    majority: float  # share of simulations where some list has more than half of the list seats
    # Simulated elections the rules could not allocate (a tie they do not break, a seat no district
    # can take: each a gap of the law), left out of ``simulations`` and every figure; the first reason.
    undecided: int = 0
    undecided_reason: str = ""

    def probability(self, abbr: str, seats: int) -> float:
        return self.counts[abbr].get(seats, 0) / self.simulations

    def mean(self, abbr: str) -> float:
        return sum(s * c for s, c in self.counts[abbr].items()) / self.simulations

    def interval(self, abbr: str, level: float = 0.9) -> tuple[int, int]:
        lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
        acc = 0
        lo = hi = None
        for s in sorted(self.counts[abbr]):
            acc += self.counts[abbr][s]
            if lo is None and acc / self.simulations >= lo_q:
                lo = s
            if hi is None and acc / self.simulations >= hi_q:
                hi = s
        return (lo or 0, hi or 0)


    def to_pandas(self) -> Any:
        """One row per list and number of seats it won in some simulation: ``rules, abbr, seats,
        simulations, probability`` (needs pandas: ``pip install 'hemicycle[pandas]'``)."""
        from hemicycle.frames import distribution_frame

        return distribution_frame(self.rules, self.counts, self.simulations)

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": self.rules, "simulations": self.simulations, "majority_probability": self.majority,
            "lists": {a: {"mean": self.mean(a), "interval90": list(self.interval(a)),
                          "distribution": {str(s): c / self.simulations for s, c in sorted(self.counts[a].items())}}
                      for a in self.abbrs},
            **({"undecided": self.undecided, "undecided_reason": self.undecided_reason} if self.undecided else {}),
        }


def simulate_votes(
    election: Election, simulations: int, *, model: str = "dirichlet", concentration: float = 2000.0,
    standard_errors: Mapping[str, float] | None = None, seed: int = 0,
) -> tuple[np.ndarray[Any, Any], dict[str, np.ndarray[Any, Any]]]:
    """Simulated vote counts (simulations x lists) and totals in proportion."""
    rng = np.random.default_rng(seed)
    votes = np.array([e.votes for e in election.lists], dtype=np.float64)
    total = votes.sum()
    if total <= 0:
        raise ValueError("no list has a vote")
    shares = votes / total
    if model == "dirichlet":
        alpha = np.maximum(shares * concentration, 1e-9)
        sims = rng.dirichlet(alpha, size=simulations)
    elif model == "normal":
        errors = dict(standard_errors or {})
        unknown = [a for a in errors if a not in election.abbrs]
        if unknown:
            raise ValueError(f"a standard error is given for {', '.join(map(repr, unknown))}, which is not a "
                             f"list of the election; the lists are {', '.join(election.abbrs)}")
        se = np.array([check_standard_error(errors.get(e.abbr, 0.0), f"the standard error of {e.abbr}")
                       for e in election.lists])
        sims = np.clip(rng.normal(shares, se, size=(simulations, len(shares))), 0, None)
        sums = sims.sum(axis=1, keepdims=True)
        sims = np.where(sums > 0, sims / np.where(sums > 0, sums, 1), shares)
    else:
        raise ValueError(f"unknown uncertainty model {model!r}: dirichlet or normal")
    counts = np.floor(sims * int(total)).astype(np.int64)
    listed = counts.sum(axis=1)

    def in_ratio(value: int) -> np.ndarray[Any, Any]:
        return np.floor(listed * (value / total)).astype(np.int64)  # type: ignore[no-any-return]

    # Every total keeps its ratio to the list votes; the figures made of others stay so made
    # (valid = the lists' votes + against all when the file holds every list; ballots cast =
    # valid + invalid + what else the file counts in them, such as blank or disallowed ballots).
    given = election.totals
    totals = {key: in_ratio(value) for key, value in given.items()}
    against = totals.get("against_all", 0)
    if "valid" in given and given["valid"] == int(total) + given.get("against_all", 0):
        totals["valid"] = listed + against
    if "ballots_cast" in given:
        valid = given.get("valid", int(total) + given.get("against_all", 0))
        rest = given["ballots_cast"] - valid - given.get("invalid", 0)
        if rest >= 0:
            sim_valid = totals["valid"] if "valid" in totals else listed + against
            totals["ballots_cast"] = sim_valid + totals.get("invalid", 0) + in_ratio(rest)
    return counts, totals


def seat_distribution(
    rules: Rules, election: Election, simulations: int = 1_000_000, *, model: str = "dirichlet",
    concentration: float = 2000.0, standard_errors: Mapping[str, float] | None = None, seed: int = 0,
    chunk: int = 200_000, progress: Callable[[int], None] | None = None,
) -> SeatDistribution:
    if election.units and not units_matter(rules.model):
        election = national_view(election)  # allocated nationally: only the national votes matter
    if election.units and not rules.model.levels:
        raise ValueError(f"these rules read the {len(election.units)} units of the vote file but allocate "
                         "nationally: simulations of such elections are not supported yet")
    if election.units and model != "dirichlet":
        raise ValueError("simulations of districted elections draw each district's votes by the dirichlet model; "
                         "the normal model (national standard errors) is not supported for districts yet")
    abbrs = list(election.abbrs)
    level = _drawn_level(rules, election)  # where each district's votes are drawn
    if not election.units:
        seats_of = Seats(rules.model, election).batch
    elif not any(u.votes for u in election.units):
        raise ValueError("simulations of this election: the rules allocate in its units, but no unit of the vote "
                         "file gives the lists' votes (they are given nationally), so there are no district votes "
                         "to draw")
    elif level == rules.model.levels[0].name and len(rules.model.levels) == 1 \
            and all(u.level == level for u in election.units):
        seats_of = _district_seats(rules, election)
    else:
        seats_of = _unit_seats(rules, election, level)
    counts: dict[str, dict[int, int]] = {a: {} for a in abbrs}
    majority = 0
    done = 0
    undecided = 0
    chunk_seed = seed
    while done < simulations:
        size = min(chunk, simulations - done)
        if election.units:
            votes, totals = simulate_district_votes(election, size, concentration=concentration, seed=chunk_seed,
                                                    level=level)
        else:
            votes, totals = simulate_votes(election, size, model=model, concentration=concentration,
                                           standard_errors=standard_errors, seed=chunk_seed)
        chunk_seed += 1
        seats = seats_of(votes, totals)
        decided = (seats >= 0).all(axis=1)  # a row of -1: the rules could not allocate it (``_unit_seats``)
        if not decided.all():
            undecided += int((~decided).sum())
            seats = seats[decided]
        for j, a in enumerate(abbrs):
            values, freq = np.unique(seats[:, j], return_counts=True)
            for s, c in zip(values.tolist(), freq.tolist(), strict=True):
                counts[a][s] = counts[a].get(s, 0) + c
        tot = seats.sum(axis=1)
        majority += int((2 * seats.max(axis=1) > tot).sum())
        done += size
        if progress is not None:
            progress(size)
    kept = simulations - undecided
    reason = (getattr(seats_of, "reason", None) or [""])[0]  # the first draw's, from ``_unit_seats``
    if not kept:
        raise ValueError(f"none of the {simulations} simulated elections could be allocated: {reason}")
    return SeatDistribution(rules=rules.path, abbrs=abbrs, simulations=kept, counts=counts, majority=majority / kept,
                            undecided=undecided, undecided_reason=reason)


def simulate_district_votes(election: Election, simulations: int, *, concentration: float = 2000.0, seed: int = 0,
                            level: str = "district") -> tuple[list[np.ndarray[Any, Any]], dict[str, Any]]:
    """Simulated votes of a districted election: in each district of ``level``, the lists standing
    there drawn by the dirichlet model around their shares there (``simulate_votes``), its totals
    in proportion; the columns of ``hemicycle.batch_districts.district_columns``, the totals an
    array (simulations x districts) for each total every district gives."""
    from hemicycle.batch_districts import district_columns

    units = election.units_of(level)
    columns = district_columns(election, level)
    votes: list[np.ndarray[Any, Any]] = []
    per_unit: list[dict[str, np.ndarray[Any, Any]]] = []
    for d, (u, cols) in enumerate(zip(units, columns, strict=True)):
        lists = tuple(dataclasses.replace(election.lists[i], votes=u.votes[election.lists[i].abbr]) for i in cols)
        if not lists or not any(e.votes for e in lists):  # nobody stood or nobody has a vote: it stays so
            votes.append(np.zeros((simulations, len(cols)), dtype=np.int64))
            per_unit.append({k: np.full(simulations, v, dtype=np.int64) for k, v in u.totals.items()})
            continue
        here = Election(lists=lists, totals=u.totals)
        v, t = simulate_votes(here, simulations, concentration=concentration, seed=seed * 1_000_003 + d)
        votes.append(v)
        per_unit.append(t)
    keys = set.intersection(*(set(t) for t in per_unit)) if per_unit else set()
    totals = {k: np.stack([np.broadcast_to(t[k], (simulations,)) for t in per_unit], axis=1) for k in sorted(keys)}
    return votes, totals


def _district_seats(rules: Rules, election: Election) -> Callable[[Any, Mapping[str, Any]], np.ndarray[Any, Any]]:
    """Seats per list nationally of simulated districted elections (``allocate_districts_batch``)."""
    from hemicycle.batch_districts import allocate_districts_batch, national_seats

    level = rules.model.levels[0].name

    def seats(votes: Any, totals: Mapping[str, Any]) -> np.ndarray[Any, Any]:
        return national_seats(election, allocate_districts_batch(rules, election, votes, **totals), level)

    return seats


def _drawn_level(rules: Rules, election: Election) -> str:
    """The level whose units carry the lists' votes (``derived.vote_units``): their votes are
    drawn. The rules' own level where that is it or no unit carries votes."""
    from hemicycle.derived import vote_units

    own = rules.model.levels[0].name if rules.model.levels else "district"
    found = {u.level for u in vote_units(election)} if election.units else set()
    return own if own in found or len(found) != 1 else found.pop()


def _unit_seats(rules: Rules, election: Election, level: str
                ) -> Callable[[Any, Mapping[str, Any]], np.ndarray[Any, Any]]:
    """Seats per list nationally of simulated elections whose votes are drawn in the units of
    ``level`` while the rules allocate at other levels too (levelling, compensation, two votes):
    each simulated election made by ``derived.derive_units`` (every other figure of each unit kept
    consistent) and allocated by ``derived.Seats`` (the interpreter), one at a time."""
    from hemicycle.batch_districts import district_columns
    from hemicycle.derived import derive_units
    from hemicycle.interpreter.errors import AllocationError

    units = election.units_of(level)
    columns = district_columns(election, level)
    abbrs = election.abbrs
    evaluate = Seats(rules.model, election)

    reason: list[str] = []

    def seats(votes: Any, totals: Mapping[str, Any]) -> np.ndarray[Any, Any]:
        size = votes[0].shape[0] if votes else 0
        out = np.zeros((size, len(abbrs)), dtype=np.int64)
        for j in range(size):
            drawn = {(u.level, u.name): {abbrs[i]: int(v) for i, v in zip(cols, block[j].tolist(), strict=True)}
                     for u, cols, block in zip(units, columns, votes, strict=True)}
            try:
                out[j] = evaluate.units(derive_units(election, drawn))[0]
            except AllocationError as e:  # a gap of the law on this draw: counted apart, the reason kept
                out[j] = -1
                if not reason:
                    reason.append(str(e))
        return out

    seats.reason = reason  # type: ignore[attr-defined]
    return seats


def seat_distributions(rules: Sequence[Rules], election: Election, **kwargs: Any) -> list[SeatDistribution]:
    return [seat_distribution(r, election, **kwargs) for r in rules]
