"""Rule text -> rule model. Lark (LALR) parses; ``ModelBuilder`` turns the tree into the model."""

from __future__ import annotations

import copy
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


class _District:
    """The alternative 'or district_seats OP N' of a threshold."""

    def __init__(self, op: m.Comparator, value: int, span: m.Span, tier: str | None = None) -> None:
        self.op, self.value, self.span, self.tier = op, value, span, tier


class _Test:
    """One test of a threshold (the first, or an alternative after 'or'): Threshold fields."""

    def __init__(self, span: m.Span, **fields: Any) -> None:
        self.span = span
        self.fields = fields


class _Alternative:
    def __init__(self, test: _Test) -> None:
        self.test = test


class _Scope:
    def __init__(self, scope: m.Scope, level: str | None = None, count: int = 1) -> None:
        self.scope, self.level, self.count = scope, level, count


class _TierSeats:
    """How a tier's seats are given: a number, each unit's magnitude, or another tier's unfilled seats."""

    def __init__(self, seats: int = 0, level: str | None = None, unfilled: m.SeatsFrom | None = None,
                 span: m.Span | None = None) -> None:
        self.seats, self.level, self.unfilled, self.span = seats, level, unfilled, span


class _LevelBody:
    def __init__(self, citation: str | None, clauses: list[Any]) -> None:
        self.citation, self.clauses = citation, clauses


_INTEGER_PARTS = object()  # marker: 'integer parts only'


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
        self._each: dict[str, m.Span] = {}  # tier name -> where its 'in each LEVEL' is written
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
        levels = tuple(c for c in children[1:] if isinstance(c, m.Level))
        tiers = tuple(c for c in children[1:] if isinstance(c, m.Tier))
        keys: dict[str, m.Appointed] = {}
        for a in appointed:
            if a.key in keys:
                self._fail(a.span, f"two appointed groups are both reported as {a.key!r}",
                           "give each one its own key with 'as KEY'")
            keys[a.key] = a
        declared: dict[str, m.Level] = {}
        for lv in levels:
            if lv.name in declared:
                self._fail(lv.span, f"the districts of level {lv.name!r} are declared twice",
                           f"the first is on line {declared[lv.name].span.line}; keep one")
            declared[lv.name] = lv
        names: set[str] = set()
        for t in tiers:
            if t.name in names:
                self._fail(t.span, f"two tiers are both called {t.name!r}")
            names.add(t.name)
        done: dict[str, m.Tier] = {}
        fixed_up: list[m.Tier] = []
        for t in tiers:
            t = self._tier_against(t, declared, done, names)
            done[t.name] = t
            fixed_up.append(t)
        return m.Chamber(
            name=chamber.name, seats=chamber.seats, label=label, appointed=appointed, tiers=tuple(fixed_up),
            levels=levels,
            span=chamber.span, citation=chamber.citation, source=self.source,
        )

    def _tier_against(self, t: m.Tier, levels: dict[str, m.Level], before: dict[str, m.Tier],
                      all_names: set[str]) -> m.Tier:
        """Check a tier's references to levels and earlier tiers; a tier in each unit gets the
        level's seats."""
        def level_of(name: str, span: m.Span) -> m.Level:
            if name not in levels:
                known = f"; declared: {', '.join(repr(k) for k in levels)}" if levels else ""
                self._fail(span, f"no 'districts' clause declares the level {name!r}{known}",
                           "declare it, e.g. 'districts seats 350' (level \"district\") or "
                           f"'districts \"{name}\" seats N'")
            return levels[name]

        def earlier(node: m.SeatsFrom | m.VotesFrom | m.Placement) -> m.Tier:
            if node.tier not in before:
                if node.tier == t.name:
                    self._fail(node.span, f"tier {t.name!r} refers to itself",
                               "name the tier whose seats or remainders it takes")
                if node.tier in all_names:
                    self._fail(node.span, f"tier {node.tier!r} comes after tier {t.name!r}",
                               "a tier can only refer to a tier written before it")
                close = difflib.get_close_matches(node.tier, list(before), n=1)
                self._fail(node.span, f"no tier is called {node.tier!r}",
                           f"did you mean {close[0]!r}?" if close else
                           "a tier can only refer to a tier written before it")
            return before[node.tier]

        def remainders_of(node: m.VotesFrom | m.Placement, whole: bool) -> m.Tier:
            other = earlier(node)
            method = other.method
            if not (isinstance(method, m.LargestRemainder) and method.integer_parts_only):
                self._fail(node.span, f"tier {other.name!r} leaves no remainders: it must allocate by "
                                      "'largest_remainder ... integer parts only'")
            assert isinstance(method, m.LargestRemainder)
            if whole and method.quota.rounding is m.Rounding.EXACT and method.quota.kind is not m.QuotaKind.DROOP:
                self._fail(node.span, f"the remainders of tier {other.name!r} are votes only if its quota is "
                                      "a whole number", "round its quota, e.g. 'quota imperiali rounded nearest'")
            return other

        seats = t.seats
        if t.level is not None:
            seats = level_of(t.level, self._each.get(t.name, t.span)).seats
        if t.seats_from is not None:
            earlier(t.seats_from)
        if t.votes_from is not None:
            remainders_of(t.votes_from, True)
        if t.placement is not None:
            other = remainders_of(t.placement, False)
            level_of(t.placement.level, t.placement.span)
            if other.level != t.placement.level:
                self._fail(t.placement.span, f"tier {other.name!r} has remainders in each "
                                             f"{other.level or 'nation'}, not in each {t.placement.level!r}")
        self._levels_against(t, levels, level_of, earlier)
        named = {th.district_tier for th in t.thresholds if th.district_tier is not None}
        for th in t.thresholds:
            if th.district_tier is not None:
                earlier(m.SeatsFrom(tier=th.district_tier, span=th.span))
                if len(named) > 1:
                    self._fail(th.span, f"tier {t.name!r} reads the district seats of more than one tier",
                               "name the same tier in every 'or district_seats ... of tier' alternative")
        return t if seats == t.seats else dataclasses.replace(t, seats=seats)

    def _levels_against(self, t: m.Tier, levels: dict[str, m.Level], level_of: Any, earlier: Any) -> None:
        """The references of the levels clauses (issue 15): earlier tiers, declared levels."""
        for node in (t.levelling, t.continuation):
            if node is not None:
                earlier(node)
        if t.levelling is not None and t.levelling.other is not None:
            earlier(m.SeatsFrom(tier=t.levelling.other, span=t.levelling.span))
        if t.overhang_policy is not None and t.levelling is None and t.compensation is None:
            self._fail(t.overhang_policy.span, f"tier {t.name!r} says what happens to overhang, but levels "
                                               "nothing", "add 'levelling against tier \"NAME\"'")
        if t.levelling is not None and t.level is not None:
            self._fail(t.levelling.span, f"tier {t.name!r} allocates in each {t.level}; a levelling tier "
                                         "computes one entitlement over its seats")
        if t.level_placements and (t.level is not None or t.placement is not None):
            self._fail(t.level_placements[0].span, f"tier {t.name!r} cannot place its seats into units: it "
                                                   "already allocates in units or places by remainders")
        for k, p in enumerate(t.level_placements):
            if p.level in levels or p.per_unit is not None:
                level_of(p.level, p.span)
            if p.entitlement and (t.levelling is None or k > 0 or p.in_turn or p.within):
                self._fail(p.span, "'of entitlement' splits a levelling tier's entitlement; it is the tier's first "
                                   "placement, not in turn or within")
            if p.after is not None:
                earlier(m.SeatsFrom(tier=p.after, span=p.span))
            if p.at_least is not None:
                earlier(m.SeatsFrom(tier=p.at_least, span=p.span))
                if not p.entitlement:
                    self._fail(p.span, "'at least tier' is a minimum of the split of an entitlement ('of entitlement')")
            if p.within and k == 0:
                self._fail(p.span, "'within' splits the seats placed by the clause before it; this is the "
                                   "first placement of the tier")
            if p.in_turn and k > 0:
                self._fail(p.span, "'in turn' places the seats in the order the tier's method gave them; only "
                                   "the first placement can")

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
        how: _TierSeats = children[2]
        body = children[4:-1]
        cite = None
        if body and isinstance(body[0], _Cite):
            cite, body = str(body[0]), body[1:]
        span = _span(self.file, meta)
        found: dict[type, list[Any]] = {}
        loose: list[m.Node] = []
        kinds = (m.Consolation, m.Alliances, m.Compensation, m.Threshold, m.LargestRemainder, m.Divisor, m.Ties,
                 m.Cap, m.Surplus, m.Provision, m.Exempt, m.VotesFrom, m.Placement,
                 m.Levelling, m.Overhang, m.Continuation, m.LevelPlacement, m.Calculation,
                 m.UpperApportionment, m.LowerApportionment, m.Bonus, m.SingleMember)
        for clause in body:
            kind = next((k for k in kinds if isinstance(clause, k)), None)
            if kind is None:
                loose.append(clause)
            else:
                found.setdefault(m.LargestRemainder if kind is m.Divisor else kind, []).append(clause)
        provisions: list[m.Provision] = found.get(m.Provision, [])
        if loose:
            provisions.append(m.Provision(condition=None, actions=tuple(loose), span=loose[0].span))  # type: ignore[arg-type]
        methods = found.get(m.LargestRemainder, [])
        upper, lower = found.get(m.UpperApportionment, []), found.get(m.LowerApportionment, [])
        if upper or lower:
            self._biproportional_tier(name, how, span, methods, upper, lower, found)
            methods = [upper[0].method]
        single = found.get(m.SingleMember, [])
        if single:
            methods = [self._single_member_tier(name, how, single, {**found, m.Provision: provisions})]
        if not methods:
            self._fail(span, f"tier {name!r} does not say how seats are allocated",
                       "add a clause such as 'allocate largest_remainder quota hare'")
        for kind, label in ((m.LargestRemainder, "allocate"), (m.Ties, "ties"), (m.Cap, "cap"),
                            (m.Surplus, "surplus"), (m.Alliances, "alliances"), (m.Compensation, "compensate"),
                            (m.Exempt, "exempt"), (m.VotesFrom, "votes"), (m.Placement, "place"),
                            (m.Levelling, "levelling"), (m.Overhang, "overhang"), (m.Continuation, "continue"),
                            (m.Calculation, "calculation only"),
                            (m.UpperApportionment, "upper apportionment"),
                            (m.LowerApportionment, "lower apportionment"), (m.Bonus, "bonus")):
            clauses = found.get(kind, [])
            if len(clauses) > 1:
                self._fail(clauses[1].span, f"tier {name!r} has a second '{label}' clause",
                           f"the first is on line {clauses[0].span.line}; keep one")

        def one(kind: type) -> Any:
            return found[kind][0] if kind in found else None

        if how.span is not None:
            self._each[name] = how.span
        bonus = one(m.Bonus)
        if (bonus is not None and bonus.top_up and how.level is None and how.unfilled is None
                and bonus.seats > how.seats):
            self._fail(bonus.span, f"the first list is to have at least {bonus.seats} seats, more than tier "
                                   f"{name!r}'s {how.seats}")
        if bonus is not None and bonus.coalition and one(m.Alliances) is None:
            self._fail(bonus.span, f"a bonus to the first coalition needs tier {name!r}'s 'alliances' clause, which "
                                   "says what a coalition is and how its seats are split among its lists",
                       "add e.g. 'alliances from agreements split by largest_remainder quota hare'")
        if how.level is not None and (one(m.VotesFrom) is not None or one(m.Placement) is not None):
            clause = one(m.VotesFrom) or one(m.Placement)
            self._fail(clause.span, f"tier {name!r} allocates in each {how.level} on the votes there; it "
                                    "cannot also take other votes or place its seats elsewhere")
        return m.Tier(
            name=name, seats=how.seats, thresholds=tuple(found.get(m.Threshold, [])), method=methods[0],
            ties=one(m.Ties), cap=one(m.Cap), surplus=one(m.Surplus), provisions=tuple(provisions),
            consolations=tuple(found.get(m.Consolation, [])), alliances=one(m.Alliances),
            compensation=one(m.Compensation), level=how.level, seats_from=how.unfilled,
            votes_from=one(m.VotesFrom), placement=one(m.Placement), exempt=one(m.Exempt),
            levelling=one(m.Levelling), overhang_policy=one(m.Overhang), continuation=one(m.Continuation),
            level_placements=tuple(found.get(m.LevelPlacement, [])), calculation=one(m.Calculation),
            upper=one(m.UpperApportionment), lower=one(m.LowerApportionment), bonus=one(m.Bonus),
            single_member=one(m.SingleMember), span=span, citation=cite,
        )

    def _single_member_tier(self, name: str, how: _TierSeats, single: list[Any],
                            found: dict[type, list[Any]]) -> m.Divisor:
        """A tier of single-member seats says how each is filled in one clause; it allocates in each
        unit of a level, and takes no other clause (but 'ties', for plurality). Its method is D'Hondt,
        which for one seat is the same as the most votes."""
        first = single[0]
        word = "filled by the winners the vote file gives" if first.given else "elected by plurality"
        if len(single) > 1:
            self._fail(single[1].span, f"tier {name!r} has a second way of filling its seats",
                       f"the first is on line {first.span.line}; keep one")
        if how.level is None:
            self._fail(first.span, f"single-member seats are filled in each unit of a level: tier {name!r} must "
                                   "allocate 'in each' unit", f"write 'tier \"{name}\" in each \"constituency\"'")
        allowed = {m.SingleMember} | ({m.Ties} if not first.given else set())
        for kind, clauses in found.items():
            if kind not in allowed and clauses:
                self._fail(clauses[0].span, f"tier {name!r} is {word}: it takes no other clause"
                                            + ("" if first.given else " but 'ties'"))
        return m.Divisor(kind=m.DivisorKind.DHONDT, span=first.span, citation=first.citation)

    def _biproportional_tier(self, name: str, how: _TierSeats, span: m.Span, methods: list[Any], upper: list[Any],
                             lower: list[Any], found: dict[type, list[Any]]) -> None:
        """A biproportional tier has both steps, allocates in each unit of a level, and has no
        'allocate' clause (the upper apportionment says the method) nor clauses that act on one
        unit's seats alone."""
        if not upper or not lower:
            there = (upper or lower)[0]
            missing = "lower" if not lower else "upper"
            self._fail(there.span, f"tier {name!r} has one step of a biproportional apportionment but no "
                                   f"'{missing} apportionment' clause",
                       "write both: 'upper apportionment sainte_lague on voter_numbers' and "
                       "'lower apportionment sainte_lague'")
        if methods:
            self._fail(methods[0].span, f"tier {name!r} is biproportional: its 'upper apportionment' clause says "
                                        "how the seats go to the lists", "remove the 'allocate' clause")
        if how.level is None:
            self._fail(upper[0].span, f"a biproportional tier apportions to lists x units: tier {name!r} must "
                                      "allocate 'in each' unit of a level", f"write 'tier \"{name}\" in each district'")
        for kind, label in ((m.Cap, "cap"), (m.Surplus, "surplus"), (m.Consolation, "consolation"),
                            (m.Alliances, "alliances"), (m.Compensation, "compensate"), (m.Provision, "when"),
                            (m.Bonus, "bonus")):
            if found.get(kind):
                self._fail(found[kind][0].span, f"'{label}' is not defined for a biproportional tier ({name!r})",
                           "the lower apportionment fixes every cell's seats from both sums")

    def upper_apportionment(self, meta: Any, children: list[Any]) -> m.UpperApportionment:
        parts, cite = self._split(children)
        method = dataclasses.replace(parts[2], citation=cite)
        weights, rounding = m.Weights.VOTES, m.Rounding.EXACT
        if len(parts) > 3:
            weights, rounding = parts[4]
        return m.UpperApportionment(method=method, weights=weights, rounding=rounding,
                                    span=_span(self.file, meta), citation=cite)

    def weights_votes(self, meta: Any, children: list[Token]) -> tuple[m.Weights, m.Rounding]:
        return m.Weights.VOTES, m.Rounding.EXACT

    def weights_voter_numbers(self, meta: Any, children: list[Any]) -> tuple[m.Weights, m.Rounding]:
        rounding = children[1] if len(children) > 1 else m.Rounding.EXACT
        return m.Weights.VOTER_NUMBERS, rounding

    def bonus(self, meta: Any, children: list[Any]) -> m.Bonus:
        parts, cite = self._split(children)
        span = _span(self.file, meta)
        fields: dict[str, Any] = {"seats": self._int(parts[1], minimum=1, what="bonus seats"),
                                  "coalition": parts[5].type == "COALITION"}
        for part in parts[6:]:
            fields.update(part)
        if "step" in fields and "share" not in fields:
            self._fail(span, "a bonus that grows by steps of share needs the share it starts from",
                       "write e.g. 'bonus 20 seats to first list from 25% of valid_votes plus 1 seat per 0.5%'")
        cap = fields.get("cap")
        if cap is not None and cap < fields["seats"]:
            self._fail(span, f"the bonus starts at {fields['seats']} seats, above its cap of {cap}")
        return m.Bonus(**fields, span=span, citation=cite)

    def bonus_top_up(self, meta: Any, children: list[Any]) -> m.Bonus:
        parts, cite = self._split(children)
        fields: dict[str, Any] = {"seats": self._int(parts[6], minimum=1, what="the first list's seats"),
                                  "top_up": True, "coalition": parts[3].type == "COALITION"}
        for part in parts[8:]:
            fields.update(part)
        return m.Bonus(**fields, span=_span(self.file, meta), citation=cite)

    def bonus_from(self, meta: Any, children: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"share": self._number(children[1]), "base": m.Base(str(children[3]))}
        if len(children) > 4:
            out["inclusive"] = children[4]
        return out

    def bonus_step(self, meta: Any, children: list[Any]) -> dict[str, Any]:
        step = self._number(children[4])
        if step <= 0:
            self._fail(_span(self.file, meta), "a bonus step must be a positive share")
        return {"step_seats": self._int(children[1], minimum=1, what="seats per step"), "step": step}

    def bonus_cap(self, meta: Any, children: list[Token]) -> dict[str, Any]:
        return {"cap": self._int(children[2], minimum=1, what="the bonus's cap")}

    def lower_apportionment(self, meta: Any, children: list[Any]) -> m.LowerApportionment:
        parts, cite = self._split(children)
        method: m.Divisor = parts[2]
        if method.kind is m.DivisorKind.HUNTINGTON_HILL:
            self._fail(method.span, "the lower apportionment needs rational signposts; huntington_hill's are "
                                    "square roots", "use a divisor method with rational divisors, e.g. sainte_lague")
        return m.LowerApportionment(method=method, span=_span(self.file, meta), citation=cite)

    def seats_count(self, meta: Any, children: list[Token]) -> _TierSeats:
        return _TierSeats(seats=self._int(children[1], minimum=1, what="a tier's seats"))

    def seats_in_each(self, meta: Any, children: list[Any]) -> _TierSeats:
        return _TierSeats(level=children[2], span=_span(self.file, meta))

    def seats_unfilled(self, meta: Any, children: list[Any]) -> _TierSeats:
        return _TierSeats(unfilled=m.SeatsFrom(tier=str(children[4])[1:-1], span=_span(self.file, meta)))

    def level_ref(self, meta: Any, children: list[Token]) -> str:
        return self._level_name(children[0])

    def level_refs(self, meta: Any, children: list[Token]) -> str:
        return self._level_name(children[0])

    @staticmethod
    def _level_name(tok: Token) -> str:
        if tok.type == "STRING":
            return str(tok)[1:-1]
        return {"DISTRICT": "district", "DISTRICTS": "district", "REGION": "region", "REGIONS": "region"}[tok.type]

    # districts -----------------------------------------------------------------------------------
    def districts(self, meta: Any, children: list[Any]) -> m.Level:
        parts = list(children)
        body = parts.pop() if parts and isinstance(parts[-1], _LevelBody) else _LevelBody(None, [])
        cite = str(parts.pop()) if parts and isinstance(parts[-1], _Cite) else body.citation
        span = _span(self.file, meta)
        name = str(parts[1])[1:-1] if len(parts) == 4 else "district"
        if not name.strip():
            self._fail(span, "a level needs a name", 'write e.g. districts "province" seats 350')
        seats = self._int(parts[-1], minimum=1, what="the seats of a level")
        fixed: list[m.FixedSeats] = []
        single: dict[type, Any] = {}
        for clause in body.clauses:
            if isinstance(clause, list):
                fixed.extend(clause)
                continue
            kind = type(clause)
            if kind in single:
                word = {m.Minimum: "minimum", m.Apportion: "apportion", m.Ties: "ties"}[kind]
                self._fail(clause.span, f"the districts have a second '{word}' clause",
                           f"the first is on line {single[kind].span.line}; keep one")
            single[kind] = clause
        seen: dict[str, m.FixedSeats] = {}
        for f in fixed:
            if f.unit in seen:
                self._fail(f.span, f"{f.unit!r} is given fixed seats twice")
            seen[f.unit] = f
        minimum = single.get(m.Minimum)
        apportion = single.get(m.Apportion)
        if minimum is not None and apportion is None:
            self._fail(minimum.span, "a minimum applies to seats apportioned to the districts",
                       "add an 'apportion by FIGURE METHOD' clause, or give the magnitudes in the vote file")
        if sum(f.seats for f in fixed) > seats:
            self._fail(span, f"the fixed seats ({sum(f.seats for f in fixed)}) are more than the {seats} seats")
        return m.Level(name=name, seats=seats, fixed=tuple(fixed), minimum=minimum, apportion=apportion,
                       ties=single.get(m.Ties), span=span, citation=cite)

    def level_block(self, meta: Any, children: list[Any]) -> _LevelBody:
        body = children[1:-1]
        cite = None
        if body and isinstance(body[0], _Cite):
            cite, body = str(body[0]), body[1:]
        return _LevelBody(cite, body)

    def fixed(self, meta: Any, children: list[Any]) -> list[m.FixedSeats]:
        parts, cite = self._split(children)
        items = [p for p in parts[1:] if not (isinstance(p, Token) and p.type == "COMMA")]
        out = []
        for name_tok, seats_tok in zip(items[0::2], items[1::2], strict=True):
            out.append(m.FixedSeats(unit=str(name_tok)[1:-1], seats=self._int(seats_tok, what="fixed seats"),
                                    span=_tok_span(self.file, name_tok), citation=cite))
        return out

    def minimum(self, meta: Any, children: list[Any]) -> m.Minimum:
        parts, cite = self._split(children)
        return m.Minimum(seats=self._int(parts[1], what="a minimum"), span=_span(self.file, meta), citation=cite)

    def apportion(self, meta: Any, children: list[Any]) -> m.Apportion:
        parts, cite = self._split(children)
        figure: Token = parts[2]
        method = parts[3]
        span = _span(self.file, meta)
        if isinstance(method, m.LargestRemainder) and method.integer_parts_only:
            self._fail(span, "an apportionment gives every seat: 'integer parts only' does not apply here")
        base = m.Base(str(figure)) if figure.type != "NAME" else None
        method = type(method)(**{**_fields(method), "span": span, "citation": cite})
        return m.Apportion(figure=str(figure), base=base, method=method, span=span, citation=cite)

    def figure(self, meta: Any, children: list[Token]) -> Token:
        return children[0]

    # cross-tier references and exemptions ------------------------------------------------------------
    def exempt(self, meta: Any, children: list[Any]) -> m.Exempt:
        parts, cite = self._split(children)
        sel: m.Selector = parts[1]
        if sel.kind is m.SelectorKind.RUNNER_UP:
            self._fail(sel.span, "the runner-up is chosen among the lists that did not pass the thresholds; "
                                 "it cannot be exempt from them")
        return m.Exempt(who=sel, span=_span(self.file, meta), citation=cite)

    def votes_from(self, meta: Any, children: list[Any]) -> m.VotesFrom:
        parts, cite = self._split(children)
        return m.VotesFrom(tier=str(parts[4])[1:-1], span=_span(self.file, meta), citation=cite)

    def placement(self, meta: Any, children: list[Any]) -> m.Placement:
        parts, cite = self._split(children)
        return m.Placement(level=parts[3], tier=str(parts[8])[1:-1], span=_span(self.file, meta), citation=cite)

    # levels (issue 15) ---------------------------------------------------------------------------
    def levelling(self, meta: Any, children: list[Any]) -> m.Levelling:
        parts, cite = self._split(children)
        other = str(parts[6])[1:-1] if len(parts) > 4 else None
        level = parts[9] if len(parts) > 4 else None
        return m.Levelling(tier=str(parts[3])[1:-1], other=other, level=level, span=_span(self.file, meta),
                           citation=cite)

    def elected_by_plurality(self, meta: Any, children: list[Any]) -> m.SingleMember:
        _, cite = self._split(children)
        return m.SingleMember(given=False, span=_span(self.file, meta), citation=cite)

    def winners_given(self, meta: Any, children: list[Any]) -> m.SingleMember:
        _, cite = self._split(children)
        return m.SingleMember(given=True, span=_span(self.file, meta), citation=cite)

    def calculation(self, meta: Any, children: list[Any]) -> m.Calculation:
        _, cite = self._split(children)
        return m.Calculation(span=_span(self.file, meta), citation=cite)

    def place_at_least(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "at_least", str(children[3])[1:-1], _span(self.file, meta)

    def overhang_kept(self, meta: Any, children: list[Any]) -> m.Overhang:
        _, cite = self._split(children)
        return m.Overhang(policy=m.OverhangPolicy.KEPT, span=_span(self.file, meta), citation=cite)

    def overhang_excluded(self, meta: Any, children: list[Any]) -> m.Overhang:
        parts, cite = self._split(children)
        policy = m.OverhangPolicy.EXCLUDED_ONE if len(parts) > 2 else m.OverhangPolicy.EXCLUDED
        return m.Overhang(policy=policy, span=_span(self.file, meta), citation=cite)

    def overhang_enlarged(self, meta: Any, children: list[Any]) -> m.Overhang:
        _, cite = self._split(children)
        return m.Overhang(policy=m.OverhangPolicy.ENLARGED, span=_span(self.file, meta), citation=cite)

    def overhang_not_seated(self, meta: Any, children: list[Any]) -> m.Overhang:
        parts, cite = self._split(children)
        return m.Overhang(policy=m.OverhangPolicy.NOT_SEATED, ranked_by=m.Base(str(parts[-1])),
                          span=_span(self.file, meta), citation=cite)

    def continuation(self, meta: Any, children: list[Any]) -> m.Continuation:
        parts, cite = self._split(children)
        return m.Continuation(tier=str(parts[3])[1:-1], span=_span(self.file, meta), citation=cite)

    def level_place(self, meta: Any, children: list[Any]) -> m.LevelPlacement:
        parts, cite = self._split(children)
        span = _span(self.file, meta)
        method: m.Divisor = parts[5]
        if method.kind is m.DivisorKind.HUNTINGTON_HILL:
            self._fail(method.span, "seats are placed by quotients votes / divisor; Huntington-Hill has none")
        options: dict[str, Any] = {}
        for opt in parts[6:]:
            key, value, where = opt
            if key in options:
                self._fail(where, f"the placement says '{key.replace('_', ' ')}' twice")
            options[key] = value
        cap = options.get("per_unit")
        if cap is not None and cap[1] != parts[3]:
            self._fail(span, f"the limit is per {cap[1]}, but the seats are placed in each {parts[3]}")
        figure = options.get("per_unit_figure")
        if figure is not None and figure[1] != parts[3]:
            self._fail(span, f"the limit is per {figure[1]}, but the seats are placed in each {parts[3]}")
        if cap is not None and figure is not None:
            self._fail(span, "the placement gives two limits per unit; keep one")
        return m.LevelPlacement(
            level=parts[3], method=method, after=options.get("after"),
            scale=options.get("scale", m.PlaceScale.NONE), per_unit=cap[0] if cap else None,
            per_unit_figure=figure[0] if figure else None, in_turn="in_turn" in options,
            quotients=options.get("quotients"), within="within" in options,
            entitlement="entitlement" in options, at_least=options.get("at_least"), span=span, citation=cite)

    def place_after(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "after", str(children[2])[1:-1], _span(self.file, meta)

    def place_per_seat(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "scale", m.PlaceScale.VOTES_PER_SEAT, _span(self.file, meta)

    def place_per_valid(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "scale", m.PlaceScale.VALID_VOTES, _span(self.file, meta)

    def place_cap(self, meta: Any, children: list[Any]) -> tuple[str, Any, m.Span]:
        return "per_unit", (self._int(children[2], minimum=1, what="seats per unit"), children[4]), \
            _span(self.file, meta)

    def place_cap_figure(self, meta: Any, children: list[Any]) -> tuple[str, Any, m.Span]:
        return "per_unit_figure", (str(children[2]), children[4]), _span(self.file, meta)

    def place_quotients(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "quotients", self._int(children[0], minimum=1, what="quotients per list"), _span(self.file, meta)

    def place_in_turn(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "in_turn", True, _span(self.file, meta)

    def place_within(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "within", True, _span(self.file, meta)

    def place_of_entitlement(self, meta: Any, children: list[Token]) -> tuple[str, Any, m.Span]:
        return "entitlement", True, _span(self.file, meta)

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


def _acceptable(state: Any, terminals: set[str]) -> set[str]:
    """The terminals the parser really accepts in ``state``. An LALR state merges the lookaheads
    of every context it serves (a method ends a tier's ``allocate`` and a level's ``apportion``),
    so its table lists words that only fit elsewhere; each one is tried on a copy of the state."""
    if state is None or not hasattr(state, "feed_token"):
        return terminals
    conf = copy.copy(state.parse_conf)
    conf.callbacks = {}
    out: set[str] = set()
    for t in terminals:
        if t == "$END":
            out.add(t)
            continue
        trial = state.copy(deepcopy_values=False)
        trial.parse_conf = conf
        try:
            trial.feed_token(Token(t, ""))
        except (UnexpectedInput, AssertionError, KeyError):
            continue
        out.add(t)
    return out or terminals


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
        terminals = set(err.allowed or ())
    else:
        terminals = set(getattr(err, "expected", None) or ())
    expected_terms = sorted(_acceptable(getattr(err, "state", None), terminals))
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
