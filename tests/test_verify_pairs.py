"""The two-election encodings agree with the interpreter (a quick slice: few lists, a few pairs
per rule and property; ``python scripts/agreement.py --pairs`` runs 10,000 pairs per family)."""

from __future__ import annotations

import pytest

from hemicycle.verify.pairs import FAMILIES, PROPERTIES, run_rule

SLICE = ("hare", "droop", "dhondt", "modified-first-4", "sequence-plateau", "quota-threshold",
         "hare-fewer-votes", "guarantee-every")


def test_every_rule_is_in_a_family() -> None:
    from hemicycle.verify.agreement import RULES

    members = [r for rules in FAMILIES.values() for r in rules]
    assert sorted(members) == sorted(RULES)


@pytest.mark.parametrize("rule", SLICE)
@pytest.mark.parametrize("prop", PROPERTIES)
def test_pairs_slice(rule: str, prop: str) -> None:
    run = run_rule(rule, prop, 4, seed="ci", unique_every=2, lists=(2, 3))
    assert run.pairs == 4
    assert run.disagreements == 0, "\n".join(run.messages)
