"""Errors the verifier raises."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hemicycle.model import Node


class VerifyError(Exception):
    """Base class of the verifier's errors."""


class UnsupportedClause(VerifyError):
    """A clause of the rules that the encoder cannot express; it is never silently dropped."""

    def __init__(self, node: Node, clause: str, why: str) -> None:
        self.node = node
        self.clause = clause
        self.why = why
        self.line = node.span.line
        super().__init__(f"{node.span}: cannot verify `{clause}`: {why}")

    def __reduce__(self) -> tuple[type[UnsupportedClause], tuple[Node, str, str]]:
        # rebuilt from its parts when it crosses from a verification process to its parent
        return (UnsupportedClause, (self.node, self.clause, self.why))


def refuse_present(clauses: Iterable[tuple[Node | Sequence[Node] | None, str]], why: str) -> None:
    """Raise ``UnsupportedClause`` (``why``) for the first of ``clauses`` the rules use: each a
    model node (None: absent) or a sequence of them (empty: absent; the first is named)."""
    for node, what in clauses:
        first = node if node is None or isinstance(node, Node) else next(iter(node), None)
        if first is not None:
            raise UnsupportedClause(first, what, why)


class EncodingMismatch(VerifyError):
    """The interpreter did not confirm a counterexample of the encoding: a bug, never a result."""


class PropertyError(VerifyError):
    """A property (catalogue name or ``.props`` file) that cannot be used."""
