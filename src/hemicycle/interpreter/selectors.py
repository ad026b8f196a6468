"""Which lists a clause is about (docs/language.md, 'Selectors')."""

from __future__ import annotations

from hemicycle import model as m
from hemicycle.election import ListEntry


def selects(sel: m.Selector, entry: ListEntry, runner_up: str | None) -> bool:
    kind = sel.kind
    if kind is m.SelectorKind.EVERY_LIST:
        return True
    if kind is m.SelectorKind.RUNNER_UP:
        return entry.abbr == runner_up
    if kind is m.SelectorKind.UNTAGGED:
        return sel.tag not in entry.tags
    return sel.tag in entry.tags
