"""Thresholds: which lists pass (docs/language.md, 'threshold ...').

``verdicts`` tests one threshold: per list True (passes), False (fails) or None (cannot be
decided from the figures, with the reason). ``passing`` combines a tier's thresholds.
"""

from __future__ import annotations

from fractions import Fraction

from hemicycle import model as m
from hemicycle.election import Election, ListEntry
from hemicycle.interpreter.context import Context
from hemicycle.interpreter.errors import MissingFigure
from hemicycle.interpreter.figures import lower_bound, try_base
from hemicycle.interpreter.protocol import Recorder
from hemicycle.interpreter.selectors import selects
from hemicycle.interpreter.view import View

Verdict = bool | None


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


def _region_view(election: Election, region: str) -> View | None:
    """The election as seen in one region, or None when some list lacks votes there."""
    if any(region not in e.regional_votes for e in election.lists):
        return None
    return View(election, election.lists, [e.regional_votes[region] for e in election.lists],
                election.regions[region])


def _tail(th: m.Threshold) -> str:
    return (("reaching it passes (inclusive)" if th.inclusive else "it must be exceeded (strict)")
            + (f"; or district_seats {th.district_op.value} {th.district_value}" if th.district_op else "")
            + (f"; for {th.applies_to}" if th.applies_to else ""))


def verdicts(th: m.Threshold, seats: int, view: View, notes: list[str], rec: Recorder
             ) -> tuple[list[Verdict], list[str]]:
    """Per list of ``view``: True passes, False fails, None cannot be decided (with the reason)."""
    entries = view.entries
    applies = [th.applies_to is None or selects(th.applies_to, e, None) for e in entries]
    if th.absolute is not None:
        return _absolute(th, view, applies, rec)
    assert th.base is not None
    share = share_of(th, seats)
    if th.regional:
        return _regional(th, share, view, applies, notes, rec)
    figure, missing = try_base(th.base, view, th, notes)
    if figure is not None:
        return _known_base(th, share, figure, view, applies, rec)
    return _unknown_base(th, share, missing, view, applies, notes, rec)


def _shown(th: m.Threshold, share: Fraction) -> str:
    from hemicycle.numbers import fmt_share

    return fmt_share(share) if th.quotas is None else f"{th.quotas} quota ({fmt_share(share)})"


def _absolute(th: m.Threshold, view: View, applies: list[bool], rec: Recorder
              ) -> tuple[list[Verdict], list[str]]:
    n = len(view.entries)
    out: list[Verdict] = [True] * n
    need = Fraction(th.absolute or 0)
    rec.say("Threshold: {:n} votes ({})" + (", for {}" if th.applies_to else ""), th.absolute,
            "inclusive" if th.inclusive else "strict", *((th.applies_to,) if th.applies_to else ()), clause=th)
    for i, e in enumerate(view.entries):
        if applies[i]:
            out[i] = ok = reaches(view.votes[i], need, th.inclusive)
            rec.say("{}: {:n} votes: {}", e.abbr, view.votes[i], "passes" if ok else "does not pass")
    return out, [""] * n


def _known_base(th: m.Threshold, share: Fraction, figure: int, view: View, applies: list[bool],
                rec: Recorder) -> tuple[list[Verdict], list[str]]:
    n = len(view.entries)
    out: list[Verdict] = [True] * n
    need = share * figure
    if rec.on:
        rec.say("Threshold: {} of {} ({:n}) = {:x2} votes; {}", _shown(th, share), th.base.value,  # type: ignore[union-attr]
                figure, need, _tail(th), clause=th)
    votes = view.votes
    for i, e in enumerate(view.entries):
        if applies[i]:
            ok = reaches(votes[i], need, th.inclusive)
            out[i] = v = either(ok, district_seats_alternative(th, e))
            if rec.on:
                extra = " (district seats)" if v and not ok else ""
                rec.say("{}: {:n} votes = {:p}: {}{}", e.abbr, votes[i], (votes[i], figure),
                        "passes" if v else "does not pass", extra)
    return out, [""] * n


def _regional(th: m.Threshold, share: Fraction, view: View, applies: list[bool], notes: list[str],
              rec: Recorder) -> tuple[list[Verdict], list[str]]:
    election = view.election
    entries = view.entries
    n = len(entries)
    out: list[Verdict] = [True] * n
    why = [""] * n
    assert th.base is not None
    regions = {r: _region_view(election, r) for r in election.regions}
    if rec.on:
        rec.say("Threshold: {} of {} in every region ({} in the vote file); {}", _shown(th, share), th.base.value,
                len(regions), _tail(th), clause=th)
    reported: list[str] = []
    for i, e in enumerate(entries):
        if not applies[i]:
            continue
        verdict: Verdict = True if regions else None
        if regions:
            for r, sub in regions.items():
                if sub is None:
                    verdict, why[i] = None, f"the vote file lacks some list's votes in {r}"
                    break
                figure, missing = try_base(th.base, sub, th, notes)
                if figure is None:
                    verdict, why[i] = None, f"{r}: {missing}"
                    break
                if not reaches(e.regional_votes[r], share * figure, th.inclusive):
                    verdict = False
                    rec.say("{}: {:n} votes in {} = {:p}: does not pass there", e.abbr, e.regional_votes[r], r,
                            (e.regional_votes[r], figure))
                    break
        if verdict is None and e.reported_regional is not None:
            verdict = e.reported_regional
            reported.append(e.abbr)
        elif verdict is None and not why[i]:
            why[i] = (f"the regional threshold needs the votes of {e.abbr} in every region, or "
                      "the officially reported outcome ('reported_regional_threshold')")
        out[i] = either(verdict, district_seats_alternative(th, e))
        if verdict is not None:
            source = " (officially reported outcome)" if e.abbr in reported else ""
            rec.say("{}: {} in every region{}", e.abbr, "passes" if out[i] else "does not pass", source)
    if reported:
        notes.append("the vote file gives no regional figures for " + ", ".join(reported)
                     + "; the regional threshold takes the officially reported outcome for them")
    return out, why


def _unknown_base(th: m.Threshold, share: Fraction, missing: str, view: View, applies: list[bool],
                  notes: list[str], rec: Recorder) -> tuple[list[Verdict], list[str]]:
    from hemicycle.numbers import fmt_int, fmt_share

    entries = view.entries
    n = len(entries)
    out: list[Verdict] = [True] * n
    why = [""] * n
    assert th.base is not None
    lower, lower_what = lower_bound(th.base, view)
    if rec.on:
        rec.say("Threshold: {} of {} (not in the vote file); {}", _shown(th, share), th.base.value, _tail(th),
                clause=th)
    reported_used: list[str] = []
    for i, e in enumerate(entries):
        votes = view.votes[i]
        if not applies[i] or votes == 0:
            continue
        rs = e.reported_shares.get(th.base.value)
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
            notes.append(text)
            rec.say(text)
        else:
            why[i] = missing + f"; or give {e.abbr}'s officially reported share of {th.base.value}"
        out[i] = either(verdict, district_seats_alternative(th, e))
    if reported_used:
        notes.append(f"the vote file gives no {th.base.value} figure; the threshold test uses the officially "
                     f"reported shares (as published, rounded): {', '.join(reported_used)}")
    return out, why


def passing(ctx: Context) -> list[bool]:
    """Which lists of the run pass every threshold of its tier (and have a vote). A list that
    cannot be decided, and is not failed by another threshold, stops the allocation."""
    tier, view = ctx.tier, ctx.view
    names = view.names
    passed = [v > 0 for v in view.votes]
    undecided: dict[int, tuple[str, m.Threshold]] = {}
    for th in tier.thresholds:
        ctx.used(th, "threshold")
        result, why = verdicts(th, ctx.seats, view, ctx.notes, ctx.rec)
        for i, verdict in enumerate(result):
            if verdict is False:
                passed[i] = False
            elif verdict is None and i not in undecided:
                undecided[i] = (why[i] or (f"the threshold's 'or district_seats' alternative needs the "
                                           f"district seats of {names[i]}"), th)
    for i, (reason, th) in undecided.items():
        if passed[i]:
            raise MissingFigure(f"cannot tell whether {names[i]} passes: {reason}", th)
    if not tier.thresholds:
        ctx.rec.say("No threshold: every list with at least one vote takes part")
    return passed
