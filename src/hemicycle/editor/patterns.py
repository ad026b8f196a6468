"""The lexical patterns of the rule language, shared by the Pygments lexer and the TextMate
grammar. The terminals' regular expressions mirror ``elect.lark``; the keywords come from it."""

from __future__ import annotations

import re

from hemicycle.editor.vocabulary import vocabulary

COMMENT = r"#[^\n]*"
STRING = r'"[^"\n]*"'
CITATION = r"\[[^\]\n]*\]"
PERCENT = r"[0-9]+(?:\.[0-9]+)?%"
FRACTION = r"[0-9]+/[0-9]+"
DECIMAL = r"[0-9]+\.[0-9]+"
INT = r"[0-9]+"
NUMBER = f"(?:{PERCENT}|{FRACTION}|{DECIMAL}|{INT})"
COMPARATOR = r"<=|>=|!=|=|<|>"
NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
PARAM_REF = r"\$[A-Za-z_][A-Za-z0-9_\-]*"  # a parameter's value: '$threshold'
PARAM_DECLARATION = rf"(param)(\s+)({NAME})"  # the name declared: a parameter, whatever its spelling
RANGE = r"\.\."  # 'param threshold in 3% .. 10% step 0.5%'
# A word is a keyword only when it is not part of a longer name (names may hold '-').
_BEFORE, _AFTER = r"(?<![A-Za-z0-9_\-])", r"(?![A-Za-z0-9_\-])"


def words_pattern(words: frozenset[str] | set[str]) -> str:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return f"{_BEFORE}(?:{alternatives}){_AFTER}"


def clause_pattern() -> str:
    return words_pattern(vocabulary().clause_words)


def value_pattern() -> str:
    return words_pattern(vocabulary().values)


def keyword_pattern() -> str:
    v = vocabulary()
    return words_pattern(v.plain_keywords - v.clause_words)
