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
    if kind is m.SelectorKind.MEMBERS:
        size = entry.coalition_size or 1
        return size >= sel.members if sel.or_more else size == sel.members
    return sel.tag in entry.tags
