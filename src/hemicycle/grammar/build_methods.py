"""Clauses of methods and provisions: quota and divisor methods, ties, caps, surpluses, consolation,
alliances, compensation, conditional provisions and selectors."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lark import Token, v_args

from hemicycle import model as m
from hemicycle.grammar.build_parts import _INTEGER_PARTS, Builder, _Cite, _fields
from hemicycle.grammar.syntax import _span, _tok_span


@v_args(meta=True)
class MethodClauses(Builder):
    """Allocation methods, ties and the provisions around them."""

    # methods ---------------------------------------------------------------------------------
    def allocate(self, meta: Any, children: list[Any]) -> m.LargestRemainder | m.Divisor:
        parts, cite = self._split(children)
        method = parts[1]
        return type(method)(**{**_fields(method), "span": _span(self.file, meta), "citation": cite})

    def largest_remainder(self, meta: Any, children: list[Any]) -> m.LargestRemainder:
        kind = m.QuotaKind(str(children[2]))
        rest = children[3:]
        rounding = next((r for r in rest if isinstance(r, m.Rounding)), m.Rounding.EXACT)
        only = any(r is _INTEGER_PARTS for r in rest)
        if kind is m.QuotaKind.DROOP and rounding is not m.Rounding.EXACT:
            self._fail(_span(self.file, meta), "the Droop quota is already a whole number",
                       "write 'quota droop' (floor(V/(h+1)) + 1) or 'quota hagenbach_bischoff rounded ...'")
        quota = m.Quota(kind=kind, rounding=rounding, span=_span(self.file, meta))
        return m.LargestRemainder(quota=quota, integer_parts_only=only, span=_span(self.file, meta))

    def integer_parts(self, meta: Any, children: list[Token]) -> object:
        return _INTEGER_PARTS

    def quota_kind(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    def rounding(self, meta: Any, children: list[Token]) -> m.Rounding:
        return m.Rounding(str(children[1]))

    def named_divisor(self, meta: Any, children: list[Token]) -> m.Divisor:
        return m.Divisor(kind=m.DivisorKind(str(children[0])), span=_span(self.file, meta))

    def modified_sainte_lague(self, meta: Any, children: list[Token]) -> m.Divisor:
        first = self._number(children[2]) if len(children) > 2 else Fraction(7, 5)
        if first <= 0:
            self._fail(_tok_span(self.file, children[2]), "the first divisor must be positive")
        return m.Divisor(kind=m.DivisorKind.MODIFIED_SAINTE_LAGUE, first=first, span=_span(self.file, meta))

    def divisor_sequence(self, meta: Any, children: list[Token]) -> m.Divisor:
        numbers: list[Fraction] = []
        step: Fraction | None = None
        it = iter(children[1:])
        for tok in it:
            if tok.type == "COMMA":
                continue
            if tok.type == "STEP":
                step_tok = next(it)
                step = self._number(step_tok)
                if step <= 0:
                    self._fail(_tok_span(self.file, step_tok), "a divisor step must be positive")
                continue
            value = self._number(tok)
            if numbers and value < numbers[-1]:
                self._fail(_tok_span(self.file, tok), "divisors must not decrease",
                           f"{tok} comes after {numbers[-1]}")
            numbers.append(value)
        if any(n < 0 for n in numbers):
            self._fail(_span(self.file, meta), "divisors must not be negative")
        return m.Divisor(kind=m.DivisorKind.SEQUENCE, sequence=tuple(numbers), step=step,
                         span=_span(self.file, meta))

    # ties, caps, surplus ---------------------------------------------------------------------
    def ties(self, meta: Any, children: list[Any]) -> m.Ties:
        parts, cite = self._split(children)
        criteria: list[m.TieCriterion] = []
        seed: int | None = None
        for item in parts[1:]:
            if isinstance(item, tuple):
                crit, s = item
                if crit in criteria:
                    self._fail(_span(self.file, meta), f"tie criterion {crit.value} is listed twice")
                if criteria and criteria[-1] is m.TieCriterion.LOT:
                    self._fail(_span(self.file, meta), "nothing can come after 'lot'",
                               "a lot always breaks the tie; put it last")
                criteria.append(crit)
                seed = s if s is not None else seed
        return m.Ties(criteria=tuple(criteria), seed=seed, span=_span(self.file, meta), citation=cite)

    def no_ties(self, meta: Any, children: list[Any]) -> m.Ties:
        _, cite = self._split(children)
        return m.Ties(criteria=(), span=_span(self.file, meta), citation=cite)

    def tie_criterion(self, meta: Any, children: list[Token]) -> tuple[m.TieCriterion, int | None]:
        crit = m.TieCriterion(str(children[0]))
        seed = int(children[2]) if len(children) > 2 else None
        return crit, seed

    def cap(self, meta: Any, children: list[Any]) -> m.Cap:
        parts, cite = self._split(children)
        return m.Cap(seats=self._int(parts[1], minimum=1, what="a cap"), span=_span(self.file, meta),
                     citation=cite)

    def surplus(self, meta: Any, children: list[Any]) -> m.Surplus:
        parts, cite = self._split(children)
        return m.Surplus(policy=m.SurplusPolicy(str(parts[2])), span=_span(self.file, meta),
                         citation=cite)

    # consolation seats, alliances, compensation ------------------------------------------------
    def consolation(self, meta: Any, children: list[Any]) -> m.Consolation:
        parts, cite = self._split(children)
        seats = self._int(parts[1], minimum=1, what="consolation seats")
        low, high = self._number(parts[4]), self._number(parts[6])
        span = _span(self.file, meta)
        if not low < high <= 1:
            self._fail(span, f"the band from {parts[4]} to {parts[6]} is empty or above 100%",
                       "write the lower share first, e.g. 'from 5% to 6%'")
        return m.Consolation(seats=seats, low=low, high=high, base=m.Base(str(parts[8])), span=span,
                             citation=cite)

    def alliances(self, meta: Any, children: list[Any]) -> m.Alliances:
        parts, cite = self._split(children)
        return m.Alliances(source=m.AllianceSource(str(parts[2])), split=parts[5],
                           span=_span(self.file, meta), citation=cite)

    def compensate(self, meta: Any, children: list[Any]) -> m.Compensation:
        _, cite = self._split(children)
        return m.Compensation(span=_span(self.file, meta), citation=cite)

    # conditions and actions ------------------------------------------------------------------
    def when_block(self, meta: Any, children: list[Any]) -> m.Provision:
        condition: m.Condition = children[1]
        body = children[3:-1]
        cite = None
        if body and isinstance(body[0], _Cite):
            cite, body = str(body[0]), body[1:]
        span = _span(self.file, meta)
        if not body:
            self._fail(span, f"the block 'when {condition}' is empty")
        return m.Provision(condition=condition, actions=tuple(body), span=span, citation=cite)

    def condition(self, meta: Any, children: list[Token]) -> m.Condition:
        return m.Condition(subject=str(children[0]), op=m.Comparator(str(children[1])),
                           value=int(children[2]), span=_span(self.file, meta))

    def admit(self, meta: Any, children: list[Any]) -> m.AdmitRunnerUp:
        _, cite = self._split(children)
        return m.AdmitRunnerUp(span=_span(self.file, meta), citation=cite)

    def admit_next(self, meta: Any, children: list[Any]) -> m.AdmitNext:
        parts, cite = self._split(children)
        return m.AdmitNext(until=parts[3], span=_span(self.file, meta), citation=cite)

    def count_condition(self, meta: Any, children: list[Token]) -> m.Condition:
        return m.Condition(subject=str(children[0]), op=m.Comparator(str(children[1])),
                           value=int(children[2]), span=_span(self.file, meta))

    def votes_condition(self, meta: Any, children: list[Any]) -> m.Condition:
        share = self._number(children[2])
        if share > 1:
            self._fail(_tok_span(self.file, children[2]), f"a share of {children[2]} is more than 100%")
        return m.Condition(subject=str(children[0]), op=m.Comparator(str(children[1])), share=share,
                           base=m.Base(str(children[4])), span=_span(self.file, meta))

    def guarantee(self, meta: Any, children: list[Any]) -> m.Guarantee:
        parts, cite = self._split(children)
        return m.Guarantee(who=parts[1], seats=self._int(parts[4], minimum=1, what="a guarantee"),
                           source=m.GuaranteeSource.LARGEST, span=_span(self.file, meta), citation=cite)

    def correct(self, meta: Any, children: list[Any]) -> m.Correction:
        parts, cite = self._split(children)
        factor = self._number(parts[4])
        if factor <= 0:
            self._fail(_tok_span(self.file, parts[4]), "a correction factor must be positive")
        return m.Correction(who=parts[1], factor=factor, span=_span(self.file, meta), citation=cite)

    def runner_up_selector(self, meta: Any, children: list[Token]) -> m.Selector:
        return m.Selector(kind=m.SelectorKind.RUNNER_UP, span=_span(self.file, meta))

    def every_list_selector(self, meta: Any, children: list[Token]) -> m.Selector:
        return m.Selector(kind=m.SelectorKind.EVERY_LIST, span=_span(self.file, meta))

    def tagged_selector(self, meta: Any, children: list[Token]) -> m.Selector:
        return m.Selector(kind=m.SelectorKind.TAGGED, tag=str(children[2]), span=_span(self.file, meta))

    def untagged_selector(self, meta: Any, children: list[Token]) -> m.Selector:
        return m.Selector(kind=m.SelectorKind.UNTAGGED, tag=str(children[3]), span=_span(self.file, meta))

    def members_selector(self, meta: Any, children: list[Token]) -> m.Selector:
        k = self._int(children[2], minimum=1, what="a number of parties")
        word = str(children[3])
        if (k == 1) != (word == "party"):
            self._fail(_tok_span(self.file, children[3]), f"write 'lists of {k} {'party' if k == 1 else 'parties'}'")
        return m.Selector(kind=m.SelectorKind.MEMBERS, members=k, span=_span(self.file, meta))

    def members_or_more_selector(self, meta: Any, children: list[Token]) -> m.Selector:
        k = self._int(children[2], minimum=1, what="a number of parties")
        return m.Selector(kind=m.SelectorKind.MEMBERS, members=k, or_more=True, span=_span(self.file, meta))
