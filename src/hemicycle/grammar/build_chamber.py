"""The parse tree -> the model: ``ModelBuilder`` reads the chamber, its tiers and levels and checks
their references; the other clauses are read by the groups it combines (grammar/build_*.py)."""

from __future__ import annotations

import dataclasses
import difflib
import re
from typing import Any

from lark import Token, v_args

from hemicycle import model as m
from hemicycle.grammar.build_levels import LevelClauses
from hemicycle.grammar.build_methods import MethodClauses
from hemicycle.grammar.build_parts import _LABEL_REF, MAX_LABEL, _Cite, _Label, _TierSeats
from hemicycle.grammar.build_thresholds import ThresholdClauses
from hemicycle.grammar.params import Binding
from hemicycle.grammar.syntax import _span, _tok_span


@v_args(meta=True)
class ModelBuilder(LevelClauses, ThresholdClauses, MethodClauses):
    """Parse tree -> model. Semantic errors raise ``_Fail`` with a diagnostic at the spot."""

    def __init__(self, file: str, source: str, binding: Binding | None = None) -> None:
        super().__init__()
        self.file = file
        self.source = source
        self._each: dict[str, m.Span] = {}  # tier name -> where its 'in each LEVEL' is written
        self.binding = binding  # the parameters' values, for a label's $NAME

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
