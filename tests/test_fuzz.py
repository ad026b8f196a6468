"""Hostile rule files: generated from the grammar and mutated from the bundled rules, nothing but
the language's own diagnostics may come out, fast. (The long run: ``scripts/fuzz.py``.)"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hemicycle
from hemicycle.diagnostics import RuleError
from hemicycle.interpreter import LimitError
from rulegen import Chooser, bundled_sources, exercise, exercise_editor, generate, mutate, token_stream

BOUND = 30.0  # a hang guard, not a speed test: seconds no small input may reach even on a loaded machine
FAST = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@FAST
@given(st.data())
def test_generated_rule_files(data: st.DataObject) -> None:
    text = generate(Chooser.from_hypothesis(data), max_depth=10, max_tokens=150)
    assert exercise(text).seconds < BOUND


@FAST
@given(st.data(), st.sampled_from(range(len(bundled_sources()))))
def test_mutated_bundled_rules(data: st.DataObject, which: int) -> None:
    text = mutate(bundled_sources()[which], Chooser.from_hypothesis(data), rounds=6)
    assert exercise(text).seconds < BOUND


@settings(max_examples=150, deadline=None, database=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    exercise(text)


@FAST
@given(st.data())
def test_random_token_streams(data: st.DataObject) -> None:
    """Terminals in random order, foreign digits, odd line separators: refused cleanly, with every
    diagnostic inside the file (issue 12: fuzz the grammar with token streams too)."""
    assert exercise(token_stream(Chooser.from_hypothesis(data))).seconds < BOUND


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.data(), st.sampled_from(["generated", "mutated", "tokens"]))
def test_language_server_functions(data: st.DataObject, kind: str) -> None:
    """Diagnostics inside the document, hover and completion at any position, completion from the
    clause at the cursor the same as from the whole prefix (the long run: scripts/fuzz.py --lsp)."""
    ch = Chooser.from_hypothesis(data)
    text = (generate(ch, max_depth=10, max_tokens=150) if kind == "generated" else
            mutate(data.draw(st.sampled_from(bundled_sources())), ch, rounds=4) if kind == "mutated" else
            token_stream(ch))
    assert exercise_editor(text, ch, positions=3).seconds < BOUND


# --- what fuzzing found: each was a traceback ------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ('chamber "c" seats ' + "9" * 5000 + '\ntier "t" seats 1 { allocate dhondt }', "5000 digits is too long"),
    ('chamber "c" seats 1\ntier "t" seats 1 { threshold 0.' + "0" * 5000 + '1% of valid_votes allocate dhondt }',
     "digits is too long"),
    ('chamber "c" seats 1\ntier "t" seats 1 { threshold 1/0 of valid_votes allocate dhondt }', "1/0 divides by zero"),
    ('chamber "c" seats 1\ntier "t" seats 1 { allocate divisors 1/0, 2 }', "divides by zero"),
    ('chamber "c" seats 1\ntier "t" seats 1 { allocate modified_sainte_lague first 0/0 }', "divides by zero"),
    ('chamber "c" seats 1\ntier "t" seats 1 { allocate dhondt ties lot seed ' + "9" * 5000 + " }", "too long"),
    ('chamber "c" seats 1\ntier "t" seats 1 { when passed = ' + "9" * 5000 + " { admit runner_up } allocate dhondt }",
     "too long"),
])
def test_numbers_that_crashed_the_parser(text: str, message: str) -> None:
    with pytest.raises(RuleError) as err:
        hemicycle.loads(text)
    assert message in err.value.render()


def test_huge_rule_file_is_refused_quickly() -> None:
    text = 'chamber "c" seats 1\n' + 'tier "a" seats 1 { allocate dhondt }\n' * 20_000
    start = time.perf_counter()
    with pytest.raises(RuleError, match="larger than 256,000 bytes"):
        hemicycle.loads(text)
    assert time.perf_counter() - start < 1


# --- limits ----------------------------------------------------------------------------------------

def _rules(method: str, seats: int) -> hemicycle.Rules:
    return hemicycle.loads(f'chamber "c" seats {seats}\ntier "t" seats {seats} {{ allocate {method} '
                           "ties registration_order }")


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague", "huntington_hill", "adams",
                                    "largest_remainder quota hare"])
def test_house_of_a_million_seats_and_a_thousand_lists(method: str) -> None:
    votes = {f"L{i}": (i * 7919) % 100_003 + 1 for i in range(1000)}
    start = time.perf_counter()
    result = _rules(method, 1_000_000).allocate(votes)
    assert sum(result.seats.values()) == 1_000_000
    assert time.perf_counter() - start < 10
    assert len(result.explain().splitlines()) < 5000  # the protocol summarises the jump start


def test_seats_above_the_limit_are_refused() -> None:
    with pytest.raises(LimitError, match="at most 10,000,000"):
        _rules("dhondt", 10**12).allocate({"A": 1, "B": 2})


def test_too_many_lists_are_refused() -> None:
    votes = {f"L{i}": 1 for i in range(100_001)}
    with pytest.raises(LimitError, match="at most 100,000"):
        _rules("dhondt", 10).allocate(votes, explain=False)


def test_hopeless_guarantee_is_refused_not_run() -> None:
    rules = hemicycle.loads('chamber "c" seats 1000000\ntier "t" seats 1000000 { allocate dhondt '
                            "guarantee every list at least 1000000 seats from largest ties registration_order }")
    votes = {f"L{i}": i + 1 for i in range(200)}
    start = time.perf_counter()
    with pytest.raises(LimitError, match="guarantee moves more than"):
        rules.allocate(votes, explain=False)
    assert time.perf_counter() - start < 15
