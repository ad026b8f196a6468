"""Clauses of thresholds: the tests, their bases and scopes, alternatives and whom they apply to."""

from __future__ import annotations

from typing import Any

from lark import Token, v_args

from hemicycle import model as m
from hemicycle.grammar.build_parts import Builder, _Alternative, _District, _Scope, _Test
from hemicycle.grammar.syntax import _span, _tok_span


@v_args(meta=True)
class ThresholdClauses(Builder):
    """Thresholds and the selectors of the lists they apply to."""

    # thresholds ----------------------------------------------------------------------------------
    def threshold(self, meta: Any, children: list[Any]) -> m.Threshold:
        parts, cite = self._split(children)
        test: _Test = parts[1]
        alternatives: list[m.Threshold] = []
        district: _District | None = None
        applies: m.Selector | None = None
        for item in parts[2:]:
            if isinstance(item, _Alternative):
                alternatives.append(m.Threshold(**item.test.fields, span=item.test.span, citation=cite))
            elif isinstance(item, _District):
                if district is not None:
                    self._fail(item.span, "a threshold has one 'or district_seats' alternative")
                district = item
            elif isinstance(item, m.Selector):
                applies = item
        extra: dict[str, Any] = {}
        if district is not None:
            extra = {"district_op": district.op, "district_value": district.value, "district_tier": district.tier}
        return m.Threshold(**test.fields, applies_to=applies, alternatives=tuple(alternatives), **extra,
                           span=_span(self.file, meta), citation=cite)

    def share_test(self, meta: Any, children: list[Any]) -> _Test:
        share_tok: Token = children[0]
        share = self._number(share_tok)
        if share > 1:
            self._fail(_tok_span(self.file, share_tok), f"a threshold of {share_tok} is more than 100%",
                       "write a percentage such as 7% or a fraction such as 7/100")
        if share == 0:
            self._fail(_tok_span(self.file, share_tok), "a threshold of zero lets every list pass",
                       "leave the threshold out instead")
        return _Test(_span(self.file, meta), share=share, base=m.Base(str(children[2])),
                     **self._test_tail(children[3:]))

    def quota_test(self, meta: Any, children: list[Any]) -> _Test:
        quotas = self._int(children[0], minimum=1, what="a threshold in quotas")
        return _Test(_span(self.file, meta), quotas=quotas, base=m.Base(str(children[3])),
                     **self._test_tail(children[4:]))

    def absolute_test(self, meta: Any, children: list[Any]) -> _Test:
        votes = self._int(children[0], minimum=1, what="an absolute threshold")
        return _Test(_span(self.file, meta), absolute=votes, **self._test_tail(children[2:]))

    @staticmethod
    def _test_tail(rest: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in rest:
            if isinstance(item, bool):
                out["inclusive"] = item
            elif isinstance(item, _Scope):
                out.update(scope=item.scope, level=item.level, count=item.count)
        return out

    def alternative(self, meta: Any, children: list[Any]) -> _Alternative:
        return _Alternative(children[1])

    def district_alt(self, meta: Any, children: list[Token]) -> _District:
        tier = str(children[6])[1:-1] if len(children) > 6 else None
        return _District(m.Comparator(str(children[2])), int(children[3]), _span(self.file, meta), tier)

    def nationally(self, meta: Any, children: list[Token]) -> _Scope:
        return _Scope(m.Scope.NATION)

    def in_every(self, meta: Any, children: list[Any]) -> _Scope:
        return _Scope(m.Scope.EVERY, children[2])

    def in_at_least(self, meta: Any, children: list[Any]) -> _Scope:
        return _Scope(m.Scope.AT_LEAST, children[4], self._int(children[3], minimum=1, what="a number of units"))

    def share(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    def band_share(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    def base(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    def strictness(self, meta: Any, children: list[Token]) -> bool:
        return str(children[0]) == "inclusive"

    def applies(self, meta: Any, children: list[Any]) -> m.Selector:
        sel: m.Selector = children[1]
        if sel.kind is m.SelectorKind.RUNNER_UP:
            self._fail(_span(self.file, meta),
                       "a threshold cannot be 'for runner_up': the runner-up is chosen after the "
                       "thresholds, among the lists that did not pass them",
                       "write the threshold for every list (leave out 'for ...'), or for "
                       "'lists tagged TAG'")
        return sel
