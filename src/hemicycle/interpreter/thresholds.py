"""Thresholds: which lists pass (docs/language.md, 'threshold ...' and 'Threshold scopes').

A threshold is one test or several joined by ``or`` (any one passing is enough), each taking its
base and the list's votes at its scope: the allocation's own unit, the whole election, or unit by
unit across a level. A test answers per list True (passes), False (fails) or None (cannot be
decided from the figures, with the reason). When a tier allocates in each district, the tests made
nationally or across a level do not depend on the district: ``Across`` makes each of them once,
in the tier's own protocol, and every district reads the verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from hemicycle import model as m
from hemicycle.bases import base_figure
from hemicycle.election import Election, ListEntry, Unit
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import MissingFigure
from hemicycle.interpreter.figures import lower_bound, try_base
from hemicycle.interpreter.protocol import Lazy, Recorder, Step
from hemicycle.interpreter.selectors import selects
from hemicycle.interpreter.view import View, level_views
from hemicycle.numbers import fmt_int, fmt_percent, fmt_share

Verdict = bool | None


class _Every:
    """Every list (a threshold without 'for ...'): ``applies[i]`` is True for any i."""

    def __getitem__(self, i: int) -> bool:
        return True


_EVERY: Sequence[bool] = _Every()  # type: ignore[assignment]
EVERY = _EVERY  # for the steps made for all units at once (unit_steps)
Verdicts = tuple[list[Verdict], list[str]]  # per list: the verdict, and why it is None


def reaches(votes: int | Fraction, need: Fraction, inclusive: bool) -> bool:
    if isinstance(votes, int):  # integer cross-multiplication: the same comparison, cheaper
        lhs, rhs = votes * need.denominator, need.numerator
        return lhs >= rhs if inclusive else lhs > rhs
    return votes >= need if inclusive else votes > need


def share_of(th: m.Threshold, seats: int) -> Fraction:
    """The share of the base a list needs: ``share``, or ``quotas`` / the tier's seats."""
    if th.share is not None:
        return th.share
    assert th.quotas is not None
    return Fraction(th.quotas, seats)


def either(a: Verdict, b: Verdict) -> Verdict:
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return None


def district_seats_alternative(th: m.Threshold, e: ListEntry) -> Verdict:
    """The 'or district_seats OP N' alternative: False when the threshold has none."""
    if th.district_op is None:
        return False
    if e.district_seats is None:
        return None
    return th.district_op.holds(e.district_seats, th.district_value)


# --- the protocol's words -----------------------------------------------------------------------


def _tail(th: m.Threshold) -> str:
    return (("reaching it passes (inclusive)" if th.inclusive else "it must be exceeded (strict)")
            + (f"; or district_seats {th.district_op.value} {th.district_value}" if th.district_op else "")
            + (f"; for {th.applies_to}" if th.applies_to else ""))


def _shown(th: m.Threshold, share: Fraction) -> str:
    return fmt_share(share) if th.quotas is None else f"{th.quotas} quota ({fmt_share(share)})"


def _plural(level: str, k: int) -> str:
    return level if k == 1 else (level[:-1] + "ies" if level.endswith("y") else level + "s")


def where_text(th: m.Threshold) -> str:
    """Where a test is made, as the protocol says it."""
    if th.scope is m.Scope.NATION:
        return "nationally"
    if th.scope is m.Scope.EVERY:
        return f"in every {th.level}"
    if th.scope is m.Scope.AT_LEAST:
        return f"in at least {th.count} {_plural(th.level or '', th.count)}"
    return ""


# --- one test on one view -----------------------------------------------------------------------


def test_verdicts(th: m.Threshold, seats: int, view: View, applies: Sequence[bool], notes: list[str],
                  rec: Recorder, *, with_district: bool = True) -> Verdicts:
    """One test (no alternatives) on ``view``; ``with_district``: fold in its 'or district_seats'."""
    if th.absolute is not None:
        return _absolute(th, view, applies, rec)
    assert th.base is not None
    share = th.share if th.share is not None else share_of(th, seats)
    if th.scope is m.Scope.EVERY or th.scope is m.Scope.AT_LEAST:
        return _across_units(th, share, view, applies, notes, rec, with_district)
    try:  # the common case: the figure is there
        figure: int | None = base_figure(th.base, sum(view.votes), view.totals, _absent)
        missing = ""
    except _Absent:
        figure, missing = try_base(th.base, view, th, notes)  # a substitute, or why it is missing
    if figure is not None:
        return _known_base(th, share, figure, view, applies, rec, with_district)
    return _unknown_base(th, share, missing, view, applies, notes, rec, with_district)


class _Absent(Exception):
    """A total the view lacks (``try_base`` then looks for a substitute, or says why)."""


def _absent(name: str, why: str) -> int:
    raise _Absent


def _absolute(th: m.Threshold, view: View, applies: Sequence[bool], rec: Recorder) -> Verdicts:
    n = len(view.entries)
    out: list[Verdict] = [True] * n
    need = Fraction(th.absolute or 0)
    for i in range(n):
        if applies[i]:
            out[i] = reaches(view.votes[i], need, th.inclusive)
    if rec.on:
        rec.say("Threshold: {:n} votes ({})" + (", for {}" if th.applies_to else ""), th.absolute,
                "inclusive" if th.inclusive else "strict", *((th.applies_to,) if th.applies_to else ()), clause=th)
        rec.block(_absolute_lines, view.names, view.votes, out, applies)
    return out, [""] * n


def _absolute_lines(names: list[str], votes: list[int], out: list[Verdict], applies: Sequence[bool]) -> list[Step]:
    return [Step(f"{names[i]}: {fmt_int(votes[i])} votes: " + ("passes" if out[i] else "does not pass"))
            for i in range(len(names)) if applies[i]]


def _known_base(th: m.Threshold, share: Fraction, figure: int, view: View, applies: Sequence[bool],
                rec: Recorder, with_district: bool) -> Verdicts:
    n = len(view.entries)
    out: list[Verdict] = [True] * n
    num, den = share.numerator * figure, share.denominator  # votes >= share * figure, in integers
    votes = view.votes
    inclusive = th.inclusive
    district = with_district and th.district_op is not None
    if applies is _EVERY and not district:  # the common case, in one pass
        own = reaching(votes, num, den, inclusive)
        out = list(own)  # type: ignore[arg-type]
    else:
        own = [True] * n
        for i in range(n):
            if applies[i]:
                lhs = votes[i] * den
                own[i] = ok = lhs >= num if inclusive else lhs > num
                out[i] = either(ok, district_seats_alternative(th, view.entries[i])) if district else ok
    if rec.on:
        record_share_test(rec, th, share, figure, view.names, votes, out, own, applies, with_district)
    return out, [""] * n


def reaching(votes: Sequence[int], num: int, den: int, inclusive: bool) -> list[bool]:
    """Whether each of ``votes`` reaches ``num / den`` (reaching it passes when ``inclusive``)."""
    if inclusive:
        return [v * den >= num for v in votes]
    return [v * den > num for v in votes]


def record_share_test(rec: Recorder, th: m.Threshold, share: Fraction, figure: int, names: list[str],
                      votes: list[int], out: Sequence[Verdict], own: Sequence[bool], applies: Sequence[bool],
                      with_district: bool) -> None:
    """The protocol of a share test on known figures: the threshold, and each list's figures."""
    rec.say("Threshold: {} of {}{} ({:n}) = {:x2} votes; {}", Lazy(_shown, th, share), th.base.value,  # type: ignore[union-attr]
            "" if th.scope is m.Scope.UNIT else " " + where_text(th), figure, Lazy(_need, share, figure),
            Lazy(_tail if with_district else _tail_alone, th), clause=th)
    rec.block(_share_lines, names, votes, figure, out, own, applies)


def _need(share: Fraction, figure: int) -> str:
    from hemicycle.numbers import fmt_exact

    return fmt_exact(share * figure, 2)


def _tail_alone(th: m.Threshold) -> str:
    return "reaching it passes (inclusive)" if th.inclusive else "it must be exceeded (strict)"


def _share_lines(names: list[str], votes: list[int], figure: int, out: Sequence[Verdict], own: Sequence[bool],
                 applies: Sequence[bool]) -> list[Step]:
    lines = []
    for i in range(len(names)):
        if applies[i]:
            extra = " (district seats)" if out[i] and not own[i] else ""
            lines.append(Step(f"{names[i]}: {fmt_int(votes[i])} votes = {fmt_percent(votes[i], figure)}: "
                              + ("passes" if out[i] else "does not pass") + extra))
    return lines


def _unknown_base(th: m.Threshold, share: Fraction, missing: str, view: View, applies: Sequence[bool],
                  notes: list[str], rec: Recorder, with_district: bool) -> Verdicts:
    entries = view.entries
    n = len(entries)
    out: list[Verdict] = [True] * n
    why = [""] * n
    assert th.base is not None
    lower, lower_what = lower_bound(th.base, view)
    if rec.on:
        rec.say("Threshold: {} of {} (not in the vote file); {}", _shown(th, share), th.base.value,
                _tail(th) if with_district else _tail_alone(th), clause=th)
    national = view.unit is None  # officially reported shares are national figures
    reported_used: list[str] = []
    for i, e in enumerate(entries):
        votes = view.votes[i]
        if not applies[i] or votes == 0:
            continue
        rs = e.reported_shares.get(th.base.value) if national else None
        verdict: Verdict = None
        if rs is not None:
            verdict = reaches(rs, share, th.inclusive)
            reported_used.append(f"{e.abbr} {fmt_share(rs)}")
            rec.say("{}: officially reported {:s} of {}: {}", e.abbr, rs, th.base.value,
                    "passes" if verdict else "does not pass")
        elif lower > 0 and not reaches(votes, share * lower, th.inclusive):
            verdict = False
            text = (f"{e.abbr}: {fmt_int(votes)} votes are below {fmt_share(share)} of {lower_what} "
                    f"({fmt_int(lower)}), which {th.base.value} cannot be less than: fails whatever the figure")
            notes.append(text + view.label)
            rec.say(text)
        else:
            why[i] = missing + (f"; or give {e.abbr}'s officially reported share of {th.base.value}" if national
                                else view.label)
        out[i] = either(verdict, district_seats_alternative(th, e)) if with_district else verdict
    if reported_used:
        notes.append(f"the vote file gives no {th.base.value} figure; the threshold test uses the officially "
                     f"reported shares (as published, rounded): {', '.join(reported_used)}")
    return out, why


# --- a test made unit by unit across a level ----------------------------------------------------------


def _level_views(election: Election, level: str) -> list[tuple[str, View | str]]:
    """The units of ``level`` as views; for 'region' without units, the vote file's older
    ``regions`` / ``regional_votes`` (a region where some list lacks figures: the reason, instead)."""
    units = election.units_of(level)
    if units:
        return [(v.unit.name, v) for v in level_views(election, level)]  # type: ignore[union-attr]
    if level != "region":
        return []
    out: list[tuple[str, View | str]] = []
    for region, totals in election.regions.items():
        lacking = [e.abbr for e in election.lists if region not in e.regional_votes]
        if lacking:
            shown = ", ".join(lacking[:5]) + (f" and {len(lacking) - 5} more" if len(lacking) > 5 else "")
            out.append((region, f"the vote file gives no votes in {region} for {shown} (the test needs every "
                                "list's votes there)"))
        else:
            out.append((region, View(election, election.lists, [e.regional_votes[region] for e in election.lists],
                                     totals)))
    return out


def _across_units(th: m.Threshold, share: Fraction, view: View, applies: Sequence[bool], notes: list[str],
                  rec: Recorder, with_district: bool) -> Verdicts:
    """The test in each unit of ``th.level`` (on the unit's base and the list's votes there): in
    every unit, or in at least ``th.count`` of them. ``view`` is the whole election."""
    entries = view.entries
    n = len(entries)
    out: list[Verdict] = [True] * n
    why = [""] * n
    assert th.base is not None and th.level is not None
    every = th.scope is m.Scope.EVERY
    units = _level_views(view.election, th.level)
    _say_across(th, share, units, rec, with_district)
    bases = _unit_bases(th, view, units, notes)
    reported: list[str] = []
    for i, e in enumerate(entries):
        if not applies[i]:
            continue
        verdict, passes, why[i] = _in_units(th, share, e, units, bases, rec)
        if verdict is None and e.reported_regional is not None and th.level == "region":
            verdict = e.reported_regional
            reported.append(e.abbr)
        elif verdict is None and not why[i]:
            why[i] = (f"the regional threshold needs the votes of {e.abbr} in every region, or "
                      "the officially reported outcome ('reported_regional_threshold')")
        out[i] = either(verdict, district_seats_alternative(th, e)) if with_district else verdict
        if verdict is not None and rec.on:
            source = " (officially reported outcome)" if e.abbr in reported else ""
            counted = "" if every else f" ({passes} of {len(units)})"
            rec.say("{}: {} {}{}{}", e.abbr, "passes" if out[i] else "does not pass", where_text(th), counted, source)
    if reported:
        notes.append("the vote file gives no regional figures for " + ", ".join(reported)
                     + "; the regional threshold takes the officially reported outcome for them")
    return out, why


def _say_across(th: m.Threshold, share: Fraction, units: list[tuple[str, View | str]], rec: Recorder,
                with_district: bool) -> None:
    """The trace's line for a test in each unit: the share (or each unit's quota) and the units."""
    assert th.base is not None
    if rec.on and th.quotas is not None and units and isinstance(units[0][1], View) and units[0][1].unit is not None:
        rec.say("Threshold: {} quota of {} {} (each unit's {} / its seats; {} in the vote file); {}", th.quotas,
                th.base.value, where_text(th), th.base.value, len(units),
                _tail(th) if with_district else _tail_alone(th), clause=th)
    elif rec.on:
        rec.say("Threshold: {} of {} {} ({} in the vote file); {}", _shown(th, share), th.base.value, where_text(th),
                len(units), _tail(th) if with_district else _tail_alone(th), clause=th)


@dataclass(frozen=True)
class _UnitBases:
    """Each unit's figures for a test in each unit: its base (None: missing, the reason in
    ``missing``), its own share (a quota test: its base / its seats) and each list's position."""

    figures: dict[str, int | None]
    missing: dict[str, str]
    shares: dict[str, Fraction]
    positions: list[dict[str, int]]


def _unit_bases(th: m.Threshold, view: View, units: list[tuple[str, View | str]], notes: list[str]) -> _UnitBases:
    assert th.base is not None
    figures: dict[str, int | None] = {}
    missing: dict[str, str] = {}
    shares: dict[str, Fraction] = {}  # a quota test: each unit's own quota (its base / its seats)
    for name, sub in units:
        if isinstance(sub, View):
            figures[name], missing[name] = try_base(th.base, sub, th, notes)
            if th.quotas is not None and sub.unit is not None and figures[name] is not None:
                here = unit_seats(view.election, sub.unit)
                if here is None:
                    figures[name] = None
                    missing[name] = f"the vote file gives no seats in {name} (a quota test there needs them)"
                else:
                    shares[name] = Fraction(th.quotas, here)
    positions = [({e.abbr: k for k, e in enumerate(sub.entries)} if isinstance(sub, View) else {})
                 for _, sub in units]
    return _UnitBases(figures, missing, shares, positions)


def _in_units(th: m.Threshold, share: Fraction, e: ListEntry, units: list[tuple[str, View | str]],
              bases: _UnitBases, rec: Recorder) -> tuple[Verdict, int, str]:
    """Whether list ``e`` passes in every unit (or in at least ``th.count``): the verdict (None:
    unknown), the units it passes in, and why the verdict is unknown ("" when it is known)."""
    every = th.scope is m.Scope.EVERY
    verdict: Verdict = None
    why = ""
    passes = unknown = 0
    for (name, sub), pos in zip(units, bases.positions, strict=True):
        if isinstance(sub, str):
            unknown += 1
            why = why or sub
            if every:
                break
            continue
        figure = bases.figures[name]
        if figure is None:
            unknown += 1
            why = why or f"{name}: {bases.missing[name]}"
            if every:
                break
            continue
        k = pos.get(e.abbr)
        v = sub.votes[k] if k is not None else 0
        if reaches(v, bases.shares.get(name, share) * figure, th.inclusive):
            passes += 1
        elif every:
            rec.say("{}: {:n} votes in {} = {:p}: does not pass there", e.abbr, v, name, (v, figure))
            verdict = False
            break
    if units and verdict is None:
        if every:
            verdict = True if unknown == 0 else None
        elif passes >= th.count:
            verdict = True
        elif passes + unknown < th.count:
            verdict = False
    return verdict, passes, "" if verdict is not None else why


def unit_seats(election: Election, unit: Unit) -> int | None:
    """A unit's seats for a quota test there: its magnitude as the vote file gives it, else the
    magnitudes of the nearest units below it that give theirs, summed (a Danish province: its
    storkredse's constituency seats); None when neither is given."""
    if unit.seats is not None:
        return unit.seats
    tree = election.tree
    key = (unit.level, unit.name)
    total, found = 0, False
    for u in election.units:
        if u.seats is None:
            continue
        up = tree.ancestors(u)
        keys = [(a.level, a.name) for a in up]
        if key in keys and not any(a.seats is not None for a in up[:keys.index(key)]):
            total, found = total + u.seats, True
    return total if found else None


# --- tests made once for a tier allocated in units ----------------------------------------------------


class Across:
    """The verdicts of a tier's tests that are not made in the allocating unit (``nationally``,
    ``in every ...``, ``in at least ...``): made once, on the whole election, in the tier's protocol."""

    def __init__(self, seats: int, election: Election, notes: list[str], rec: Recorder) -> None:
        self.seats = seats
        self.view = View.national(election)
        self.notes = notes
        self.rec = rec
        self._made: dict[int, Verdicts] = {}

    def verdicts(self, th: m.Threshold, applies_to: m.Selector | None) -> Verdicts:
        """National-indexed verdicts of the test ``th`` (for the lists ``applies_to`` selects)."""
        key = id(th)
        if key not in self._made:
            applies = [applies_to is None or selects(applies_to, e, None) for e in self.view.entries]
            self._made[key] = test_verdicts(th, self.seats, self.view, applies, self.notes, self.rec,
                                            with_district=False)
        return self._made[key]


def threshold_verdicts(th: m.Threshold, ctx: Context) -> Verdicts:
    """Per list of the run: True passes the threshold (one of its tests, or its district-seats
    alternative), False fails, None cannot be decided."""
    view, rec = ctx.view, ctx.rec
    entries = view.entries
    applies = _EVERY if th.applies_to is None else [selects(th.applies_to, e, None) for e in entries]
    across = ctx.across
    if not th.alternatives and (across is None or th.scope is m.Scope.UNIT):
        return test_verdicts(th, ctx.seats, view, applies, ctx.notes, rec)
    results: list[Verdicts] = []
    for t in th.tests:
        if across is not None and t.scope is not m.Scope.UNIT:
            verdicts, why = across.verdicts(t, th.applies_to)
            index = view.index
            results.append(([verdicts[k] for k in index], [why[k] for k in index]))
        else:
            results.append(test_verdicts(t, ctx.seats, view, applies, ctx.notes, rec, with_district=False))
    n = len(entries)
    out: list[Verdict] = [True] * n
    why = [""] * n
    for i, e in enumerate(entries):
        if not applies[i]:
            continue
        verdict: Verdict = False
        for v, w in results:
            verdict = either(verdict, v[i])
            if v[i] is None and not why[i]:
                why[i] = w[i]
        out[i] = either(verdict, district_seats_alternative(th, e))
    if rec.on:
        record_verdicts(rec, th, view.names, out, applies)
    return out, why


def record_verdicts(rec: Recorder, th: m.Threshold, names: list[str], out: Sequence[Verdict],
                    applies: Sequence[bool]) -> None:
    """The protocol of a threshold whose tests were made elsewhere: who passes it here."""
    rec.say("{}: {}", Lazy(_threshold_label, th), Lazy(_passes_text, names, out, applies), clause=th)


def _threshold_label(th: m.Threshold) -> str:
    tests = [where_text(t) or "here" for t in th.tests]
    alt = f"; or district_seats {th.district_op.value} {th.district_value}" if th.district_op else ""
    return ("Threshold" if len(tests) == 1 else "Threshold (any one test)") + " " + " or ".join(tests) + alt


def _passes_text(names: list[str], out: Sequence[Verdict], applies: Sequence[bool]) -> str:
    ok = [names[i] for i in range(len(names)) if applies[i] and out[i]]
    no = [names[i] for i in range(len(names)) if applies[i] and out[i] is False]
    return "passes: " + (", ".join(ok) or "none") + ("; does not pass: " + ", ".join(no) if no else "")


def passing(ctx: Context) -> list[bool]:
    """Which lists of the run pass every threshold of its tier (and have a vote). A list that
    cannot be decided, and is not failed by another threshold, stops the allocation."""
    tier, view = ctx.tier, ctx.view
    names = view.names
    passed = [v > 0 for v in view.votes]
    undecided: dict[int, tuple[str, m.Threshold]] = {}
    exempt = tier.exempt
    for th in tier.thresholds:
        ctx.used(th, "threshold")
        result, why = threshold_verdicts(th, ctx)
        for i, verdict in enumerate(result):
            if verdict is False:
                passed[i] = False
            elif verdict is None and i not in undecided:
                undecided[i] = (why[i] or (f"the threshold's 'or district_seats' alternative needs the "
                                           f"district seats of {names[i]}"), th)
    if exempt is not None:
        freed = [i for i, e in enumerate(view.entries) if view.votes[i] > 0 and selects(exempt.who, e, None)]
        for i in freed:
            passed[i] = True
            undecided.pop(i, None)
        if freed:
            ctx.used(exempt, "exempt")
            ctx.exempted = frozenset(freed)
            if ctx.rec.on:
                ctx.rec.say("Exempt from the thresholds ({}): {}", exempt.who, ", ".join(names[i] for i in freed),
                            clause=exempt)
    for i, (reason, th) in undecided.items():
        if passed[i]:
            raise MissingFigure(f"cannot tell whether {names[i]} passes{view.label}: {reason}", th)
    if not tier.thresholds:
        ctx.rec.say("No threshold: every list with at least one vote takes part")
    return passed
