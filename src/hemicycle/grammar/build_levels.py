"""Clauses of levels: districts and their magnitudes, apportionment, placement, levelling, overhang."""

from __future__ import annotations

from typing import Any

from lark import Token, v_args

from hemicycle import model as m
from hemicycle.grammar.build_parts import Builder, _Cite, _fields, _LevelBody, _TierSeats
from hemicycle.grammar.syntax import _span, _tok_span


@v_args(meta=True)
class LevelClauses(Builder):
    """How a tier's seats are given and how levels hold and move them."""

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
        method: m.Divisor | m.LargestRemainder = parts[5]
        if isinstance(method, m.Divisor) and method.kind is m.DivisorKind.HUNTINGTON_HILL:
            self._fail(method.span, "seats are placed by quotients votes / divisor; Huntington-Hill has none")
        options: dict[str, Any] = {}
        for opt in parts[6:]:
            key, value, where = opt
            if key in options:
                self._fail(where, f"the placement says '{key.replace('_', ' ')}' twice")
            options[key] = value
        if isinstance(method, m.LargestRemainder) and (set(options) != {"entitlement"}
                                                       or method.integer_parts_only):
            self._fail(method.span, "a largest remainder method only splits an entitlement as a whole "
                                    "('place in each LEVEL by largest_remainder ... of entitlement', no other "
                                    "option); seats placed by quotients need a divisor method")
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
