"""The compiled path gives exactly the interpreter's seats (or raises the same error)."""

from __future__ import annotations

import random
import zlib

import pytest

import hemicycle
from hemicycle.compiled import compile_rules
from hemicycle.interpreter import AllocationError
from variants import VARIANTS, load_variant, random_votes


@pytest.mark.parametrize("name", list(VARIANTS))
def test_compiled_agrees_with_interpreter(name: str) -> None:
    rules = load_variant(name, VARIANTS[name])
    f = compile_rules(rules.model)
    rng = random.Random(zlib.crc32(name.encode()))
    checked = 0
    for _ in range(400):
        votes, invalid = random_votes(rng)
        abbrs = [f"L{i + 1}" for i in range(len(votes))]
        totals = {"invalid": invalid, "against_all": 0}
        try:
            expected = rules.allocate(dict(zip(abbrs, votes, strict=True)), explain=False, **totals)
        except AllocationError as e:
            with pytest.raises(type(e)):
                f(votes, **totals)
            continue
        got = f(votes, **totals)
        assert got == tuple(expected.seats[a] for a in abbrs), (votes, invalid)
        checked += 1
    assert checked > 100


def test_public_compile() -> None:
    f = hemicycle.compile(hemicycle.load("kazakhstan-2021"))
    assert f([659019, 5148074, 383023, 792828, 258618], invalid=297718) == (10, 76, 0, 12, 0)
