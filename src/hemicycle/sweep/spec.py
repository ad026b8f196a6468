"""What a sweep computes: variants (members of rule-file families), elections, measures.

Everything here is plain data that pickles: a variant carries its rule text and the labels of its
values, never a parsed model (workers bind it themselves), and an election is the ``Election``
read from its vote file. ``digest`` gives each input the content hash that cache keys are made of.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

from hemicycle.election import Election


@dataclass(frozen=True)
class Variant:
    """One member of a family: a rule file with a value for each of its parameters."""

    rules: str  # the rule file's name (its stem), for the table
    file: str  # where it was read, for messages
    text: str  # the rule text: workers parse it
    values: tuple[tuple[str, str], ...]  # (parameter, value label), in declaration order
    index: int  # position in the sweep (the table's order)

    @property
    def label(self) -> str:
        """``threshold=5%, method=dhondt``; the rule file's name for a file without parameters."""
        return ", ".join(f"{k}={v}" for k, v in self.values) or self.rules

    @cached_property
    def digest(self) -> str:
        return _sha({"rules": self.text, "values": self.values})


@dataclass(frozen=True)
class ElectionInput:
    name: str  # the vote file's name (its stem)
    election: Election

    @cached_property
    def digest(self) -> str:
        return _sha(canonical(self.election))


@dataclass(frozen=True)
class Simulation:
    """``count`` simulated elections around each real one (``hemicycle.uncertainty``)."""

    count: int
    seed: int = 0
    model: str = "dirichlet"
    concentration: float = 2000.0
    chunk: int = 100_000  # simulated elections per unit of work (and of cache)


@dataclass(frozen=True)
class Verification:
    """Catalogue properties checked for every variant, one solver run each."""

    properties: tuple[str, ...]
    parties: int = 4
    timeout: float = 30.0


@dataclass(frozen=True)
class SweepSpec:
    variants: tuple[Variant, ...]
    elections: tuple[ElectionInput, ...] = ()
    simulation: Simulation | None = None
    verification: Verification | None = None

    @property
    def parameters(self) -> list[str]:
        """Every parameter name, in the order the variants declare them."""
        names: list[str] = []
        for v in self.variants:
            names += [k for k, _ in v.values if k not in names]
        return names


def canonical(value: Any) -> Any:
    """A JSON form that is the same for equal content in every process (sets sorted, mappings
    by key, fractions as text), for content hashes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return [[str(k), canonical(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, frozenset | set):
        return sorted(canonical(v) for v in value)
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value


def _sha(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def unit_key(kind: str, **parts: Any) -> str:
    """The content address of one unit of results (with the hemicycle version: a new version
    computes afresh)."""
    from hemicycle.version import __version__

    return _sha({"kind": kind, "version": __version__, **parts})
