"""The harness the long random runs share (``fuzz.py``, ``fuzz_readers.py``, ``differential.py``).

A run is cut into chunks of seeded work (``spans``, ``seeded``) handed to a pool of worker
processes (``pooled``); each chunk returns a ``Tally`` (counts by outcome, the slowest input and
what was found), merged as they come back. ``options`` builds the command line the runs share and
``save`` writes what was found, one input and one reason a file.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


@dataclass
class Tally:
    """What one chunk (or the whole run) gave: counts by outcome, the slowest input, and the
    inputs found wrong, each with its reason."""

    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    slowest: float = 0.0
    slow_text: str = ""
    found: list[tuple[str, str]] = field(default_factory=list)

    def timed(self, seconds: float, text: str) -> None:
        if seconds > self.slowest:
            self.slowest, self.slow_text = seconds, text

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)
        self.found += other.found
        self.timed(other.slowest, other.slow_text)


def options(doc: str, count: str = "--inputs", default: int = 100_000) -> argparse.ArgumentParser:
    """The command line every run has: how many inputs, the seed, the worker processes."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument(count, type=int, default=default)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    return ap


def spans(total: int, chunk: int) -> list[tuple[int, int]]:
    """``(start, count)`` for each chunk of ``total`` inputs."""
    return [(s, min(chunk, total - s)) for s in range(0, total, chunk)]


def seeded(seed: int, start: int) -> random.Random:
    """The random stream of the chunk from ``start`` under the run's seed."""
    return random.Random(seed * 1_000_003 + start)


def pooled(work: Callable[[Job], Result], jobs: list[Job], workers: int) -> tuple[list[Result], float]:
    """Every job's result (in the order they finish) and the seconds the whole pool took."""
    started = time.perf_counter()
    with multiprocessing.Pool(workers) as pool:
        results = list(pool.imap_unordered(work, jobs))
    return results, time.perf_counter() - started


def merged(tallies: list[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total


def save(out: Path, found: list[tuple[str, str]], text_name: str, why_name: str) -> None:
    """Each input and its reason under ``out``, named ``text_name`` and ``why_name`` with ``{i}``."""
    out.mkdir(exist_ok=True)
    for i, (text, why) in enumerate(found):
        (out / text_name.format(i=i)).write_text(text, "utf-8", errors="surrogateescape")
        (out / why_name.format(i=i)).write_text(why, "utf-8")
