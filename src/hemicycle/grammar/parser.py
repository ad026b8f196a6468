"""Rule text -> rule model. Lark (LALR) parses; ``ModelBuilder`` turns the tree into the model."""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from hemicycle import model as m
from hemicycle.diagnostics import Diagnostic, RuleError, source_lines
from hemicycle.grammar.params import Binding, ParamFail, build_parameters, choose

MAX_RULE_BYTES = 256_000  # a rule file is a page of law, not a data dump (256 KB parse in a few seconds)

# How each terminal reads in an "expected ..." message.
TERMINAL_WORDS: dict[str, str] = {
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "FRACTION": "a fraction like 5/100",
    "PERCENT": "a percentage like 7%",
    "STRING": 'a quoted name like "Mazhilis"',
    "CITATION": "a citation like [art. 97-1]",
    "NAME": "a name",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "COMPARATOR": "a comparison (= != < <= > >=)",
    "$END": "the end of the file",
}


@cache
def _keywords() -> dict[str, str]:
    """Terminal name -> keyword text, read from the grammar itself."""
    text = resources.files("hemicycle.grammar").joinpath("elect.lark").read_text("utf-8")
    return dict(re.findall(r'^([A-Z_]+):\s*"([a-z_]+)"\s*$', text, flags=re.M))


def words_for(terminal: str) -> str:
    kw = _keywords().get(terminal)
    if kw is not None:
        return f"'{kw}'"
    return TERMINAL_WORDS.get(terminal, terminal.lower())


# The binding in force for the parse running in this thread (None: '$NAME' stays a token).
_BINDING: ContextVar[Binding | None] = ContextVar("hemicycle_binding", default=None)


class _Substitute:
    """Lark postlexer: puts the bound value's words in place of every ``$NAME`` (grammar/params.py)."""

    always_accept = ("PARAM_REF",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        binding = _BINDING.get()
        for tok in stream:
            if tok.type == "PARAM_REF" and binding is not None:
                yield from binding.tokens(tok)
            else:
                yield tok


def make_parser(*, keep_all_tokens: bool = False) -> Lark:
    """The LALR parser of the rule language (start symbols: ``start``, ``header``)."""
    text = resources.files("hemicycle.grammar").joinpath("elect.lark").read_text("utf-8")
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=False, start=["start", "header"],
                postlex=_Substitute(), keep_all_tokens=keep_all_tokens)


@cache
def _parser() -> Lark:
    return make_parser()


def parse_with(parser: Lark, text: str, binding: Binding | None) -> Any:
    """The parse tree of ``text`` with ``binding``'s values in place of its ``$NAME``s."""
    token = _BINDING.set(binding)
    try:
        return parser.parse(text, start="start")
    finally:
        _BINDING.reset(token)


class _Cite(str):
    """A citation's text (without brackets), remembering where it was written."""

    span: m.Span


def _span(file: str, meta: Any) -> m.Span:
    if getattr(meta, "empty", False):
        return m.Span(file, 0, 0, 0, 0)
    return m.Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(file: str, tok: Token) -> m.Span:
    return m.Span(
        file, tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0
    )


class _Regional:
    """Marker: the threshold is made in every region."""


class _District:
    """The alternative 'or district_seats OP N' of a threshold."""

    def __init__(self, op: m.Comparator, value: int) -> None:
        self.op, self.value = op, value


class _Label(str):
    """The text of a ``label "..."`` statement, remembering where it was written."""

    span: m.Span


MAX_LABEL = 80  # characters: a label heads a column and names a picture
_LABEL_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_\-]*)")  # a parameter's value in a label: "Hare, $threshold"


class _Fail(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


@v_args(meta=True)
class ModelBuilder(Transformer[Token, m.Chamber]):
    """Parse tree -> model. Semantic errors raise ``_Fail`` with a diagnostic at the spot."""

    def __init__(self, file: str, source: str, binding: Binding | None = None) -> None:
        super().__init__()
        self.file = file
        self.source = source
        self.binding = binding  # the parameters' values, for a label's $NAME

    # helpers ---------------------------------------------------------------------------------
    def _fail(self, where: m.Span, message: str, hint: str | None = None) -> None:
        raise _Fail(Diagnostic(where, message, hint))

    @staticmethod
    def _split(children: list[Any]) -> tuple[list[Any], str | None]:
        if children and isinstance(children[-1], _Cite):
            return children[:-1], str(children[-1])
        return children, None

    def _int(self, tok: Token, *, minimum: int = 0, what: str = "number") -> int:
        value = int(tok)
        if value < minimum:
            self._fail(_tok_span(self.file, tok), f"{what} must be at least {minimum}, not {value}")
        return value

    @staticmethod
    def _number(tok: Token) -> Fraction:
        text = str(tok).rstrip("%")
        value = Fraction(text)
        return value / 100 if str(tok).endswith("%") else value

    # citations -----------------------------------------------------------------------------------
    def citation(self, meta: Any, children: list[Token]) -> _Cite:
        tok = children[0]
        cite = _Cite(str(tok)[1:-1].strip())
        cite.span = _tok_span(self.file, tok)
        return cite

    # top level -----------------------------------------------------------------------------------
    def start(self, meta: Any, children: list[Any]) -> m.Chamber:
        chamber: m.Chamber = next(c for c in children if isinstance(c, m.Chamber))  # after any 'param'
        label = next((str(c) for c in children if isinstance(c, _Label)), None)
        appointed = tuple(c for c in children[1:] if isinstance(c, m.Appointed))
        tiers = tuple(c for c in children[1:] if isinstance(c, m.Tier))
        keys: dict[str, m.Appointed] = {}
        for a in appointed:
            if a.key in keys:
                self._fail(a.span, f"two appointed groups are both reported as {a.key!r}",
                           "give each one its own key with 'as KEY'")
            keys[a.key] = a
        names: set[str] = set()
        for t in tiers:
            if t.name in names:
                self._fail(t.span, f"two tiers are both called {t.name!r}")
            names.add(t.name)
        return m.Chamber(
            name=chamber.name, seats=chamber.seats, label=label, appointed=appointed, tiers=tiers,
            span=chamber.span, citation=chamber.citation, source=self.source,
        )

    def chamber(self, meta: Any, children: list[Any]) -> m.Chamber:
        parts, cite = self._split(children)
        return m.Chamber(
            name=str(parts[1])[1:-1], seats=self._int(parts[3], minimum=1, what="the chamber's seats"),
            span=_span(self.file, meta), citation=cite,
        )

    def label(self, meta: Any, children: list[Token]) -> _Label:
        tok = children[1]
        span = _tok_span(self.file, tok)
        text = _Label(self._label_values(str(tok)[1:-1].strip(), span))
        text.span = span
        if not text:
            self._fail(text.span, "the label is empty",
                       'name the system for people, e.g. label "D\'Hondt, 7% threshold", or leave the line out')
        if len(text) > MAX_LABEL:
            self._fail(text.span, f"a label of {len(text)} characters is too long for a table's column "
                                  f"(at most {MAX_LABEL})",
                       "keep the label short; the chamber's name and comments can say more")
        return text

    def _label_values(self, text: str, span: m.Span) -> str:
        """A label of a file with parameters names its member: each ``$NAME`` in it becomes the
        value's label, and the values of parameters it does not name follow in brackets
        (``label "Hare, $threshold"`` with method=dhondt: "Hare, 5% (method=dhondt)")."""
        binding = self.binding
        chosen = binding.chosen if binding is not None else {}
        named: list[str] = []

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in chosen:
                close = difflib.get_close_matches(name, list(chosen), n=1, cutoff=0.6)
                self._fail(span, f"the label names ${name}, but no parameter {name!r} is declared",
                           f"did you mean '${close[0]}'?" if close else
                           "a label's $NAME is the value of a parameter declared before 'chamber'")
            named.append(name)
            if binding is not None:
                binding.used.add(name)
            return chosen[name].label

        text = _LABEL_REF.sub(value, text)
        rest = [(k, v) for k, v in (binding.labels() if binding is not None else ()) if k not in named]
        return text + (" (" + ", ".join(f"{k}={v}" for k, v in rest) + ")" if text and rest else "")

    def appointed(self, meta: Any, children: list[Any]) -> m.Appointed:
        parts, cite = self._split(children)
        key = str(parts[5]) if len(parts) > 5 else "appointed"
        return m.Appointed(
            seats=self._int(parts[1], minimum=1, what="appointed seats"), by=str(parts[3])[1:-1],
            key=key, span=_span(self.file, meta), citation=cite,
        )

    def tier(self, meta: Any, children: list[Any]) -> m.Tier:
        name = str(children[1])[1:-1]
        seats = self._int(children[3], minimum=1, what="a tier's seats")
        body = children[5:-1]
        cite = None
        if body and isinstance(body[0], _Cite):
            cite, body = str(body[0]), body[1:]
        span = _span(self.file, meta)
        thresholds: list[m.Threshold] = []
        methods: list[m.LargestRemainder | m.Divisor] = []
        ties: list[m.Ties] = []
        caps: list[m.Cap] = []
        surpluses: list[m.Surplus] = []
        provisions: list[m.Provision] = []
        consolations: list[m.Consolation] = []
        alliances: list[m.Alliances] = []
        compensations: list[m.Compensation] = []
        loose: list[m.Node] = []
        for clause in body:
            if isinstance(clause, m.Consolation):
                consolations.append(clause)
            elif isinstance(clause, m.Alliances):
                alliances.append(clause)
            elif isinstance(clause, m.Compensation):
                compensations.append(clause)
            elif isinstance(clause, m.Threshold):
                thresholds.append(clause)
            elif isinstance(clause, m.LargestRemainder | m.Divisor):
                methods.append(clause)
            elif isinstance(clause, m.Ties):
                ties.append(clause)
            elif isinstance(clause, m.Cap):
                caps.append(clause)
            elif isinstance(clause, m.Surplus):
                surpluses.append(clause)
            elif isinstance(clause, m.Provision):
                provisions.append(clause)
            else:
                loose.append(clause)
        if loose:
            provisions.append(m.Provision(condition=None, actions=tuple(loose), span=loose[0].span))  # type: ignore[arg-type]
        if not methods:
            self._fail(span, f"tier {name!r} does not say how seats are allocated",
                       "add a clause such as 'allocate largest_remainder quota hare'")
        for kind, found in (("allocate", methods), ("ties", ties), ("cap", caps), ("surplus", surpluses),
                            ("alliances", alliances), ("compensate", compensations)):
            if len(found) > 1:
                self._fail(found[1].span, f"tier {name!r} has a second '{kind}' clause",
                           f"the first is on line {found[0].span.line}; keep one")
        return m.Tier(
            name=name, seats=seats, thresholds=tuple(thresholds), method=methods[0],
            ties=ties[0] if ties else None, cap=caps[0] if caps else None,
            surplus=surpluses[0] if surpluses else None, provisions=tuple(provisions),
            consolations=tuple(consolations), alliances=alliances[0] if alliances else None,
            compensation=compensations[0] if compensations else None,
            span=span, citation=cite,
        )

    # thresholds ----------------------------------------------------------------------------------
    def threshold(self, meta: Any, children: list[Any]) -> m.Threshold:
        parts, cite = self._split(children)
        share_tok: Token = parts[1]
        share = self._number(share_tok)
        if share > 1:
            self._fail(_tok_span(self.file, share_tok), f"a threshold of {share_tok} is more than 100%",
                       "write a percentage such as 7% or a fraction such as 7/100")
        if share == 0:
            self._fail(_tok_span(self.file, share_tok), "a threshold of zero lets every list pass",
                       "leave the threshold out instead")
        base = m.Base(str(parts[3]))
        inclusive, applies = self._threshold_tail(parts[4:])
        return m.Threshold(share=share, base=base, inclusive=inclusive, applies_to=applies,
                           span=_span(self.file, meta), citation=cite, **self._threshold_extra(parts[4:]))

    def quota_threshold(self, meta: Any, children: list[Any]) -> m.Threshold:
        parts, cite = self._split(children)
        quotas = self._int(parts[1], minimum=1, what="a threshold in quotas")
        base = m.Base(str(parts[4]))
        inclusive, applies = self._threshold_tail(parts[5:])
        return m.Threshold(quotas=quotas, base=base, inclusive=inclusive, applies_to=applies,
                           span=_span(self.file, meta), citation=cite, **self._threshold_extra(parts[5:]))

    @staticmethod
    def _threshold_extra(rest: list[Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for item in rest:
            if isinstance(item, _Regional):
                extra["regional"] = True
            elif isinstance(item, _District):
                extra["district_op"], extra["district_value"] = item.op, item.value
        return extra

    def regional(self, meta: Any, children: list[Token]) -> _Regional:
        return _Regional()

    def district_alt(self, meta: Any, children: list[Token]) -> _District:
        return _District(m.Comparator(str(children[2])), int(children[3]))

    def absolute_threshold(self, meta: Any, children: list[Any]) -> m.Threshold:
        parts, cite = self._split(children)
        votes = self._int(parts[1], minimum=1, what="an absolute threshold")
        inclusive, applies = self._threshold_tail(parts[3:])
        return m.Threshold(absolute=votes, inclusive=inclusive, applies_to=applies,
                           span=_span(self.file, meta), citation=cite)

    @staticmethod
    def _threshold_tail(rest: list[Any]) -> tuple[bool, m.Selector | None]:
        inclusive, applies = True, None
        for item in rest:
            if isinstance(item, bool):
                inclusive = item
            elif isinstance(item, m.Selector):
                applies = item
        return inclusive, applies

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

    # methods ---------------------------------------------------------------------------------
    def allocate(self, meta: Any, children: list[Any]) -> m.LargestRemainder | m.Divisor:
        parts, cite = self._split(children)
        method = parts[1]
        return type(method)(**{**_fields(method), "span": _span(self.file, meta), "citation": cite})

    def largest_remainder(self, meta: Any, children: list[Any]) -> m.LargestRemainder:
        kind = m.QuotaKind(str(children[2]))
        rounding = children[3] if len(children) > 3 else m.Rounding.EXACT
        if kind is m.QuotaKind.DROOP and rounding is not m.Rounding.EXACT:
            self._fail(_span(self.file, meta), "the Droop quota is already a whole number",
                       "write 'quota droop' (floor(V/(h+1)) + 1) or 'quota hagenbach_bischoff rounded ...'")
        quota = m.Quota(kind=kind, rounding=rounding, span=_span(self.file, meta))
        return m.LargestRemainder(quota=quota, span=_span(self.file, meta))

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


def _fields(node: Any) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(node, f.name) for f in fields(node)}


# --- syntax errors --------------------------------------------------------------------------


def _word_at(source: str, line: int, col: int) -> str:
    lines = source_lines(source)
    if not 1 <= line <= len(lines):
        return ""
    match = re.match(r"[A-Za-z_][A-Za-z0-9_\-]*|\S", lines[line - 1][col - 1 :])
    return match.group(0) if match else ""


def _foreign_digit_hint(word: str) -> str | None:
    """Numbers are written with the ASCII digits only: '৪' (a Bengali 4 that looks like 8), '٧' or
    '７' would read as something else to a reader of the law."""
    if len(word) == 1 and word not in "0123456789" and unicodedata.digit(word, None) is not None:
        return (f"{word!r} is the digit {unicodedata.digit(word)} of another script ({unicodedata.name(word, '?')}); "
                "write numbers with the digits 0-9")
    return None


def _syntax_diagnostic(err: UnexpectedInput, file: str, source: str) -> Diagnostic:
    line, col = getattr(err, "line", 0) or 0, getattr(err, "column", 0) or 0
    if isinstance(err, UnexpectedCharacters):
        expected_terms = sorted(err.allowed or ())
    else:
        expected_terms = sorted(getattr(err, "expected", None) or ())
    # '$NAME' may stand anywhere (the postlexer replaces it), so it is never named as expected
    expected_terms = [t for t in expected_terms if t != "PARAM_REF"]
    expected = tuple(sorted({words_for(t) for t in expected_terms if t not in ("COMMENT", "WS")}))
    tok = getattr(err, "token", None)
    if isinstance(tok, Token) and (tok.type == "PARAM_REF" or hasattr(tok, "param_ref")):
        return _parameter_diagnostic(tok, file, expected)
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        lines = source_lines(source)
        line, col = len(lines), len(lines[-1]) + 1
        span = m.Span(file, line, col, line, col + 1)
        return Diagnostic(span, "the file ends too early", _eof_hint(expected_terms), expected=expected)
    word = _word_at(source, line, col)
    span = m.Span(file, line, col, line, col + max(1, len(word)))
    message = f"unexpected {word!r}" if word else "unexpected input"
    hint = _foreign_digit_hint(word)
    replacement = None
    keywords = _keywords()
    candidates = [keywords[t] for t in expected_terms if t in keywords]
    if hint is None and word and candidates:
        close = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.6)
        if close:
            hint, replacement = f"did you mean '{close[0]}'?", close[0]
    if hint is None and word and not candidates:
        close = difflib.get_close_matches(word.lower(), list(keywords.values()), n=1, cutoff=0.75)
        if close and close[0] != word:
            hint, replacement = f"'{word}' is not valid here; did you mean '{close[0]}'?", close[0]
    if hint is None:
        hint = _curated_hint(word, set(expected_terms))
    return Diagnostic(span, message, hint, expected=expected, replacement=replacement)


def _parameter_diagnostic(tok: Token, file: str, expected: tuple[str, ...]) -> Diagnostic:
    """A value that cannot stand where its ``$NAME`` is, or a ``$NAME`` where none may stand."""
    span = _tok_span(file, tok)
    if tok.type == "PARAM_REF":
        return Diagnostic(span, f"{tok} cannot stand here", "a parameter's values are written out in its "
                          "declaration; '$NAME' stands for a value in the clauses after 'chamber'")
    ref, label = getattr(tok, "param_ref", "$?"), getattr(tok, "param_label", "")
    return Diagnostic(span, f"{ref} = {label}: unexpected {str(tok)!r} here",
                      f"this value of {ref} does not fit the clause where {ref} is written", expected=expected)


def _curated_hint(word: str, expected: set[str]) -> str | None:
    """Hints for the slips people make most (each one has a golden test in tests/bad_rules)."""
    if word == "=" and expected == {"INT"}:
        return "equality is written with one '=': 'when passed = 1'"
    if expected in ({"VOTES"}, {"QUOTA", "VOTES"}):
        return ("a share needs its unit written against the number: 5% or 5/100; "
                "'N votes' is an absolute threshold, 'N quota of BASE' one in quotas")
    if word == "label":
        return ("a label names the whole system: write it once, on the line after the chamber "
                "('chamber \"...\" seats N' then 'label \"...\"')")
    if word == "[":
        return "a citation must be closed with ']' on the same line"
    if word == '"':
        return 'a quoted name must be closed with \'"\' on the same line'
    if word == "{" or word == "}":
        return "check that every '{' has its '}'"
    return None


def _eof_hint(expected: list[str]) -> str | None:
    if "RBRACE" in expected:
        return "a '{' block is not closed with '}'"
    return None


# --- entry points ---------------------------------------------------------------------------


MAX_NUMBER_DIGITS = 100  # digits in one number of a rule file (seats, shares, seeds, divisors)
_NUMBER_TERMINALS = frozenset({"INT", "DECIMAL", "FRACTION", "PERCENT"})


def _check_numbers(tree: Any, file: str) -> Diagnostic | None:
    """The first number that cannot be a figure of law: too many digits, or a fraction over 0."""
    for tok in tree.scan_values(lambda v: isinstance(v, Token) and v.type in _NUMBER_TERMINALS):
        text = str(tok)
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_NUMBER_DIGITS:
            return Diagnostic(_tok_span(file, tok), f"a number of {digits} digits is too long",
                              f"numbers in a rule file have at most {MAX_NUMBER_DIGITS} digits")
        if tok.type == "FRACTION" and int(text.split("/")[1]) == 0:
            return Diagnostic(_tok_span(file, tok), f"the fraction {text} divides by zero")
    return None


def rule_text(text: str) -> str:
    """Rule text as every reader of it sees it: without a byte-order mark, and with a lone carriage
    return read as the line break that editors and the language server protocol take it for (the
    same length, so every position stays; see ``diagnostics.LINE_BREAK``)."""
    return _LONE_CR.sub("\n", text.removeprefix("\ufeff"))


_LONE_CR = re.compile(r"\r(?!\n)")


def _check_size(text: str, file: str) -> str:
    if len(text) > MAX_RULE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_RULE_BYTES:
        span = m.Span(file, 1, 1, 1, 2)
        raise RuleError([Diagnostic(span, f"rule file is larger than {MAX_RULE_BYTES:,} bytes")])
    return rule_text(text)


def read_parameters(text: str, file: str = "<rules>") -> tuple[m.Parameter, ...]:
    """The ``param`` declarations at the head of rule text (the first pass); () when none.

    A problem in the declarations is a ``RuleError``; the rest of the file is not read here."""
    text = _check_size(text, file)
    try:
        tree = _parser().parse(text, start="header")  # only a file of nothing but declarations
    except UnexpectedInput as err:
        tok = getattr(err, "token", None)
        if not (isinstance(tok, Token) and tok.type == "CHAMBER") or err.interactive_parser is None:
            if isinstance(tok, Token) and tok.type == "PARAM_REF":
                raise RuleError([_syntax_diagnostic(err, file, text)], text) from None
            return ()  # the second pass reports the problem, with the whole grammar's expectations
        tree = err.interactive_parser.feed_eof(tok)
    bad_number = _check_numbers(tree, file)
    if bad_number is not None:
        raise RuleError([bad_number], text)
    try:
        return build_parameters(tree, file)
    except ParamFail as e:
        raise RuleError([e.diagnostic], text) from None


def make_binding(parameters: tuple[m.Parameter, ...], chosen: Mapping[str, m.ParamValue], file: str) -> Binding:
    """The postlexer's view of chosen values (``grammar/params.py``), with the grammar's keywords."""
    return Binding(parameters, chosen, {v: k for k, v in _keywords().items()}, file)


def binding_for(text: str, file: str, params: Mapping[str, Any] | None = None) -> Binding:
    """The values for the parameters of ``text``: those in ``params`` (labels or numbers as
    text), the others their defaults. ``RuleError`` for an unknown name or a value outside its
    parameter's domain."""
    text = _check_size(text, file)
    parameters = read_parameters(text, file)
    try:
        chosen = choose(parameters, params or {}, file)
    except ParamFail as e:
        raise RuleError([e.diagnostic], text) from None
    return make_binding(parameters, chosen, file)


def parse_rules(text: str, file: str = "<rules>", params: Mapping[str, Any] | None = None,
                *, binding: Binding | None = None) -> m.Chamber:
    """Parse rule text into the model; raise ``RuleError`` with diagnostics on any problem.

    A file with parameters is bound first: ``params`` maps a parameter's name to its value (a
    label such as ``"dhondt"`` or a number such as ``"5%"``); the others take their defaults.
    The model that comes out is an ordinary one (its ``bindings`` say which values it has)."""
    text = _check_size(text, file)
    if binding is None:
        binding = binding_for(text, file, params)
    try:
        tree = parse_with(_parser(), text, binding)
    except UnexpectedInput as err:
        raise RuleError([_syntax_diagnostic(err, file, text)], text) from None
    except ParamFail as e:
        raise RuleError([e.diagnostic], text) from None
    bad_number = _check_numbers(tree, file)
    if bad_number is not None:
        raise RuleError([bad_number], text)
    try:
        chamber = ModelBuilder(file, text, binding).transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, _Fail):
            raise RuleError([err.orig_exc.diagnostic], text) from None
        raise
    labels = binding.labels()
    return dataclasses.replace(chamber, bindings=labels) if labels else chamber


def load_rules(path: str | Path, params: Mapping[str, Any] | None = None) -> m.Chamber:
    """Read a rule file (UTF-8) and parse it (with ``params`` for its parameters, if any)."""
    return parse_rules(read_rule_text(path), str(Path(path)), params)


def read_rule_text(path: str | Path) -> str:
    """The text of a rule file, read up to the size limit only; ``RuleError`` if it cannot be read,
    is too large or is not UTF-8."""
    path = Path(path)
    try:
        with path.open("rb") as f:  # never more than the limit: /dev/zero is a file too
            raw = f.read(MAX_RULE_BYTES + 1)
    except OSError as err:
        raise RuleError([Diagnostic(m.Span(str(path), 0, 0, 0, 0), f"cannot read: {err.strerror}")]) from None
    return decode_rule_bytes(raw, str(path))


def decode_rule_bytes(raw: bytes, file: str) -> str:
    """Rule-file bytes as text: at most the size limit, UTF-8 (``RuleError`` naming the spot if not)."""
    if len(raw) > MAX_RULE_BYTES:
        span = m.Span(file, 1, 1, 1, 2)
        raise RuleError([Diagnostic(span, f"rule file is larger than {MAX_RULE_BYTES:,} bytes")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        span = m.Span(file, line, col, line, col + 1)
        raise RuleError([Diagnostic(span, "the file is not UTF-8 text", "save it as UTF-8")]) from None
