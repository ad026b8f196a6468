"""The units of work of a sweep, and the function that runs them (in a worker, or here).

A ``Task`` is plain data (it pickles); ``run_task`` parses and binds its variants, builds any Z3
object, and returns one JSON-able result per *unit*: the seats of one variant on one election,
the counts of one chunk of simulated elections for one variant, the verdict of one property for
one variant. Results are cached per unit (``cache.py``), so a sweep that is interrupted, or
widened, computes only the units it lacks.

* ``allocate``: a few variants x every real election, through the interpreter (exact, with its
  errors: a variant that cannot allocate an election gives an ``error`` result, not a crash);
* ``simulate``: one election x one chunk of simulated elections x a few variants: the votes are
  simulated once (``hemicycle.uncertainty``, seeded by the sweep's seed, the election's content
  and the chunk: every variant sees the same elections, on every engine) and each variant
  allocates them at once through ``hemicycle.allocate_batch``;
* ``verify``: one variant x one property: one solver run, with its timeout. A timeout is the
  verdict UNKNOWN, a result like any other (never retried).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hemicycle.sweep.spec import ElectionInput, Simulation, Variant, Verification, unit_key

Payload = dict[str, Any]
_Z3 = threading.Lock()  # Z3's global context is not thread-safe: one solver run per process at a time


@dataclass(frozen=True)
class Task:
    kind: str  # "allocate" | "simulate" | "verify"
    variants: tuple[Variant, ...]
    elections: tuple[ElectionInput, ...] = ()
    chunk: int = 0  # simulate: which chunk of the simulated elections
    simulation: Simulation | None = None
    verification: Verification | None = None
    prop: str = ""  # verify: the property

    def units(self) -> list[tuple[str, Variant, ElectionInput | None]]:
        """(cache key, variant, election) of every unit this task computes, in order."""
        out: list[tuple[str, Variant, ElectionInput | None]] = []
        for v in self.variants:
            if self.kind == "verify":
                out.append((verify_key(v, self.prop, self.verification), v, None))  # type: ignore[arg-type]
            for e in self.elections:
                if self.kind == "allocate":
                    out.append((allocate_key(v, e), v, e))
                elif self.kind == "simulate":
                    out.append((simulate_key(v, e, self.chunk, self.simulation), v, e))  # type: ignore[arg-type]
        return out

    @property
    def weight(self) -> int:
        """Allocations (or solver runs) in the task, for the progress bar."""
        if self.kind == "simulate" and self.simulation is not None:
            return len(self.variants) * chunk_size(self.simulation, self.chunk)
        return len(self.units())


def allocate_key(v: Variant, e: ElectionInput) -> str:
    return unit_key("allocate", variant=v.digest, election=e.digest)


def simulate_key(v: Variant, e: ElectionInput, chunk: int, s: Simulation) -> str:
    return unit_key("simulate", variant=v.digest, election=e.digest, chunk=chunk, size=chunk_size(s, chunk),
                    seed=s.seed, model=s.model, concentration=s.concentration, chunk_of=s.chunk)


def verify_key(v: Variant, prop: str, ver: Verification) -> str:
    return unit_key("verify", variant=v.digest, property=prop, parties=ver.parties, timeout=ver.timeout)


def chunk_count(s: Simulation) -> int:
    return -(-s.count // s.chunk)


def chunk_size(s: Simulation, chunk: int) -> int:
    return min(s.chunk, s.count - chunk * s.chunk)


def chunk_seed(s: Simulation, e: ElectionInput, chunk: int) -> int:
    """The seed of one chunk: the same for every variant and every engine."""
    text = f"{s.seed}|{e.digest}|{chunk}".encode()
    return int(hashlib.sha256(text).hexdigest()[:15], 16)


# --- running ---------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _chamber(text: str, file: str, values: tuple[tuple[str, str], ...]) -> Any:
    """The bound model of a variant, parsed once per worker process."""
    from hemicycle.grammar import parse_rules

    return parse_rules(text, file, dict(values))


def run_task(task: Task) -> list[tuple[str, Payload]]:
    """Run a task; one (cache key, result) per unit. Errors of the inputs (a variant that cannot
    allocate an election, a property the encoder does not cover) are results; only a bug raises."""
    if task.kind == "allocate":
        return [(key, _allocate(v, e)) for key, v, e in task.units() if e is not None]
    if task.kind == "simulate":
        return _simulate(task)
    if task.kind == "verify":
        return [(key, _verify(v, task.prop, task.verification)) for key, v, _ in task.units()]  # type: ignore[arg-type]
    raise ValueError(f"unknown task kind {task.kind!r}")


def timed_task(task: Task) -> tuple[list[tuple[str, Payload]], float]:
    """``run_task`` and the CPU seconds the worker spent on it (the engines run this)."""
    start = time.process_time()
    results = run_task(task)
    return results, time.process_time() - start


def _allocate(v: Variant, e: ElectionInput) -> Payload:
    from hemicycle.indices import indices
    from hemicycle.interpreter import AllocationError, allocate

    try:
        result = allocate(_chamber(v.text, v.file, v.values), e.election, explain=False)
    except AllocationError as err:
        return {"error": str(err)}
    votes = {x.abbr: x.votes for x in e.election.lists}
    seats = {a: result.seats[a] for a in votes}
    return {"seats": seats, "gallagher": indices(votes, seats).gallagher, "notes": list(result.notes)}


def _simulate(task: Task) -> list[tuple[str, Payload]]:
    from hemicycle.api import allocate_batch
    from hemicycle.interpreter import AllocationError
    from hemicycle.uncertainty import simulate_votes

    s = task.simulation
    assert s is not None and len(task.elections) == 1
    e = task.elections[0]
    lists = e.election.lists
    order = sorted(range(len(lists)), key=lambda i: (lists[i].registration_order, i))  # the batch path's columns
    abbrs = [lists[i].abbr for i in order]
    size = chunk_size(s, task.chunk)
    try:
        votes, totals = simulate_votes(e.election, size, model=s.model, concentration=s.concentration,
                                       seed=chunk_seed(s, e, task.chunk))
    except ValueError as err:
        return [(key, {"error": str(err)}) for key, _, _ in task.units()]
    votes = votes[:, order]
    notes = []
    for name, sub in e.election.substitutes.items():  # a figure the vote file says stands in for another
        if name not in totals and sub in totals:
            totals[name] = totals[sub]
            notes.append(f"{sub} stands in for {name}, as the vote file says")
    invalid = totals.pop("invalid", None)
    out = []
    for key, v, _ in task.units():
        try:
            seats = allocate_batch(_chamber(v.text, v.file, v.values), votes, invalid=invalid, **totals)
        except (AllocationError, ValueError) as err:
            out.append((key, {"error": str(err)}))
            continue
        total = seats.sum(axis=1)
        out.append((key, {
            "n": size,
            "sum": dict(zip(abbrs, seats.sum(axis=0).tolist(), strict=True)),
            "any": dict(zip(abbrs, (seats > 0).sum(axis=0).tolist(), strict=True)),
            "majority": int((2 * seats.max(axis=1) > total).sum()) if seats.shape[1] else 0,
            "empty": int((total == 0).sum()),
            "notes": notes,
        }))
    return out


def _verify(v: Variant, prop: str, ver: Verification) -> Payload:
    from hemicycle import verify as z

    chamber = _chamber(v.text, v.file, v.values)
    try:
        with _Z3:
            results = [_run_property(chamber, tier, prop, ver) for tier in chamber.tiers]
    except z.VerifyError as err:  # an input the verifier refuses, e.g. a clause it does not encode
        return {"status": "error", "detail": str(err)}
    worst = next((r for s in ("refuted", "unknown", "proved") for r in results if r.status.value == s), None)
    if worst is None:
        return {"status": "error", "detail": "the rules have no tier"}
    return {"status": worst.status.value, "detail": _detail(worst), "tier": worst.tier}


def _run_property(chamber: Any, tier: Any, prop: str, ver: Verification) -> Any:
    """One solver run. In a daemonic process (a Dask worker) no child may be forked, so the
    property runs here under Z3's own timeout and the verifier's wall-clock guard; elsewhere in a
    child that is ended at the timeout (``run_bounded``)."""
    from hemicycle.verify import CATALOGUE, PropertyError, run_property
    from hemicycle.verify.engine import run_bounded

    if prop not in CATALOGUE:
        raise PropertyError(f"unknown property {prop!r}")
    p = CATALOGUE[prop]
    if multiprocessing.current_process().daemon:
        return run_property(chamber, tier, p, parties=ver.parties, max_votes=None, timeout=ver.timeout,
                            minimize=False)
    return run_bounded(chamber, tier, p, parties=ver.parties, max_votes=None, timeout=ver.timeout, minimize=False)


def _detail(r: Any) -> str:
    if r.status.value == "refuted" and r.counterexample:
        shown = " then ".join(
            "(" + ", ".join(str(x) for x in c.votes.values()) + ") -> (" + ", ".join(str(x) for x in c.seats.values())
            + ")" for c in r.counterexample)
        return f"votes {shown}" + (f"; {r.clause}" if r.clause else "")
    if r.status.value == "unknown":
        return r.reason or "unknown"
    return r.bounds or ""
