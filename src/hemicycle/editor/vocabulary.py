"""The words of the rule language, read from the Lark grammar and sorted into kinds.

* ``keywords``: every keyword (terminal name -> text), as ``hemicycle.grammar.parser._keywords``.
* ``values``: keywords that make up a whole alternative of a grammar rule on their own (names of
  methods, quotas, bases, tie criteria, selectors, ...): highlighted as built-in constants.
* ``clause_words``: keywords that open a clause (the first word of a rule used as a clause).
* ``methods`` / ``bases``: the words of the method and base rules, for completion.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from hemicycle.grammar.parser import _keywords, _parser

METHOD_RULES = frozenset({"divisor_method", "largest_remainder", "quota_kind"})
BASE_RULES = frozenset({"base"})


@dataclass(frozen=True)
class Vocabulary:
    keywords: dict[str, str]
    values: frozenset[str]
    clause_words: frozenset[str]
    methods: frozenset[str]
    bases: frozenset[str]
    before_names: frozenset[str] = frozenset()  # keywords a name follows ('as', 'tagged'): a keyword there is a name
    # (keyword, clause word) written next to each other inside a clause ('after tier', 'district_seats
    # overhang'): there the clause word does not open a clause
    inner_pairs: frozenset[tuple[str, str]] = frozenset()

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self.keywords.values())

    @property
    def plain_keywords(self) -> frozenset[str]:
        """Keywords that are not values."""
        return self.words - self.values


@cache
def vocabulary() -> Vocabulary:
    keywords = dict(_keywords())
    rules = _parser().rules
    values: set[str] = set()
    methods: set[str] = set()
    bases: set[str] = set()
    firsts: dict[str, set[str]] = {}
    before_names: set[str] = set()
    for rule in rules:
        names = [s.name for s in rule.expansion]
        origin = str(rule.origin.name)
        before_names.update(keywords[a] for a, b in pairwise(names)
                            if b == "NAME" and a in keywords)
        if len(names) == 1 and names[0] in keywords:
            values.add(keywords[names[0]])
        if names and names[0] in keywords:
            firsts.setdefault(origin, set()).add(keywords[names[0]])
        if origin in METHOD_RULES:
            methods.update(keywords[n] for n in names[:1] if n in keywords)
        if origin in BASE_RULES:
            bases.update(keywords[n] for n in names if n in keywords)
    # Clauses: the rules written at the top level or inside a block (after a '{'), following
    # Lark's helper rules (__x_star_n) and inlined rules (?clause, ?action) down to real ones.
    by_origin: dict[str, list[list[str]]] = {}
    inlined: set[str] = set()
    for rule in rules:
        origin = str(rule.origin.name)
        by_origin.setdefault(origin, []).append([s.name for s in rule.expansion])
        if rule.options.expand1:
            inlined.add(origin)
    todo: list[str] = []
    for origin, expansions in by_origin.items():
        for names in expansions:
            if origin == "start":
                todo += [n for n in names if n in by_origin]
            elif "LBRACE" in names:
                todo += [n for n in names[names.index("LBRACE") + 1:] if n in by_origin]
    clause_rules: set[str] = set()
    while todo:
        name = todo.pop()
        if name in clause_rules:
            continue
        clause_rules.add(name)
        if name.startswith("__") or name in inlined:
            todo += [n for names in by_origin.get(name, []) for n in names if n in by_origin]
    clause_words = {w for r in clause_rules for w in firsts.get(r, set())}
    inner_pairs = {(keywords[a], keywords[b]) for rule in rules
                   for a, b in pairwise([s.name for s in rule.expansion])
                   if a in keywords and b in keywords and keywords[b] in clause_words}
    # a word that opens a clause is a clause word, even where it also stands alone ('districts')
    return Vocabulary(keywords=keywords, values=frozenset(values - clause_words), clause_words=frozenset(clause_words),
                      methods=frozenset(methods), bases=frozenset(bases), before_names=frozenset(before_names),
                      inner_pairs=frozenset(inner_pairs))
