"""A sweep from start to end: split it into tasks, take what the cache holds, run the rest on an
engine, and gather one tidy table."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hemicycle.sweep.cache import Cache
from hemicycle.sweep.engines import Engine
from hemicycle.sweep.spec import SweepSpec
from hemicycle.sweep.table import Row, build_rows
from hemicycle.sweep.tasks import Payload, Task, chunk_count

ALLOCATE_GROUP = 8  # variants per allocation task (each allocates every real election)
SIMULATED_PER_TASK = 1_000_000  # allocations per simulation task, about (a few tenths of a second)


def plan(spec: SweepSpec) -> list[Task]:
    """The tasks of a sweep: solver runs first (the longest), then simulations, then allocations."""
    tasks: list[Task] = []
    variants = spec.variants
    if spec.verification is not None:
        for v in variants:
            for prop in spec.verification.properties:
                tasks.append(Task("verify", (v,), verification=spec.verification, prop=prop))
    s = spec.simulation
    if s is not None and s.count > 0:
        group = max(1, SIMULATED_PER_TASK // s.chunk)
        for e in spec.elections:
            for chunk in range(chunk_count(s)):
                for i in range(0, len(variants), group):
                    tasks.append(Task("simulate", variants[i:i + group], (e,), chunk=chunk, simulation=s))
    if spec.elections:
        for i in range(0, len(variants), ALLOCATE_GROUP):
            tasks.append(Task("allocate", variants[i:i + ALLOCATE_GROUP], spec.elections))
    return tasks


@dataclass
class SweepResult:
    spec: SweepSpec
    rows: list[Row]
    units: int  # units of results in the sweep
    cached: int  # of which taken from the cache
    seconds: float
    engine: str
    lost: int  # units whose task was given up (workers died)
    cpu_seconds: float = 0.0  # CPU time of the worker processes on the tasks run (not a forked solver child)


def _missing(task: Task, have: dict[str, Payload]) -> Task | None:
    """The task cut down to the variants it still has to compute (None: nothing left)."""
    keep = tuple(v for v in task.variants if any(k not in have for k, u, _ in task.units() if u is v))
    if not keep:
        return None
    return task if len(keep) == len(task.variants) else replace(task, variants=keep)


def run_sweep(spec: SweepSpec, engine: Engine, cache: Cache | None = None,
              progress: Callable[[int, int], Any] | None = None) -> SweepResult:
    """Run every unit of ``spec`` that the cache does not hold; ``progress(done, total)`` is
    called as work completes (in allocations or solver runs)."""
    start = time.monotonic()
    cache = cache or Cache(None)
    tasks = plan(spec)
    have: dict[str, Payload] = {}
    total = sum(t.weight for t in tasks)
    done = 0
    todo: list[Task] = []
    for task in tasks:
        for key, _, _ in task.units():
            hit = cache.get(key)
            if hit is not None:
                have[key] = hit
        rest = _missing(task, have)
        if rest is None:
            done += task.weight
        else:
            done += task.weight - rest.weight
            todo.append(rest)
    cached = len(have)
    if progress is not None:
        progress(done, total)
    lost = 0
    cpu = 0.0
    for task, (results, seconds) in engine.run(todo):
        cpu += seconds
        for key, payload in results:
            if payload.get("lost"):
                lost += 1  # a task given up: not cached, so that the next run tries it again
            else:
                cache.put(key, payload)
            have[key] = payload
        done += task.weight
        if progress is not None:
            progress(done, total)
    units = sum(len(t.units()) for t in tasks)
    return SweepResult(spec, build_rows(spec, have), units, cached, time.monotonic() - start, engine.name, lost,
                       cpu)
