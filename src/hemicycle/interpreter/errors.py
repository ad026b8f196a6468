"""Why an allocation stops: the rules cannot be applied to these votes, and the message says where."""

from __future__ import annotations

from collections.abc import Sequence

from hemicycle import model as m


class AllocationError(Exception):
    """The rules cannot be applied to these votes; the message says why and where."""

    def __init__(self, message: str, node: m.Node | None = None) -> None:
        self.node = node
        self.message = message  # without the clause's location
        where = f" ({node.where})" if node is not None and node.span.line else ""
        super().__init__(message + where)


class MissingFigure(AllocationError):
    """The rules need a figure (e.g. ballots cast) that the vote file does not give."""


class TieError(AllocationError):
    """A tie that the rules' tie-break chain cannot break."""

    def __init__(self, message: str, lists: Sequence[str], node: m.Node | None = None) -> None:
        self.lists = tuple(lists)
        super().__init__(message, node)


class LimitError(AllocationError):
    """The input is beyond what hemicycle allocates (see ``hemicycle.interpreter.workload``)."""
