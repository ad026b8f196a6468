"""What every step of one tier's allocation reads and writes besides its own figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hemicycle import model as m
from hemicycle.interpreter.protocol import Recorder
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.view import View


class Applied:
    """The clauses an allocation applied, each once, in the order first applied."""

    __slots__ = ("_seen", "labels")

    def __init__(self, labels: list[str] | None = None) -> None:
        self.labels: list[str] = labels if labels is not None else []
        self._seen: set[tuple[int, str]] = set()

    def add(self, node: m.Node, what: str) -> None:
        key = (id(node), what)
        if key in self._seen:
            return
        self._seen.add(key)
        label = f"{what} ({node.where})"
        if label not in self.labels:
            self.labels.append(label)


@dataclass(slots=True)
class Context:
    tier: m.Tier
    view: View
    seats: int  # the seats this run allocates
    notes: list[str]
    applied: Applied
    rec: Recorder
    tb: TieBreaker
    across: Any = None  # thresholds.Across: the verdicts made once for a tier allocated in units
    exempted: frozenset[int] = frozenset()  # the lists 'exempt ... from thresholds' let pass
    held: Any = None  # 'continue after tier': each list's seats held in that tier here (None: not continued)

    @property
    def explain(self) -> bool:
        return self.rec.on

    @property
    def label(self) -> str:
        """The tier and, in a unit, where: for messages and notes."""
        return f"tier {self.tier.name!r}{self.view.label}"

    def used(self, node: m.Node, what: str) -> None:
        self.applied.add(node, what)
