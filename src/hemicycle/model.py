"""The rule model: one typed, immutable description of an electoral system.

The parser (``hemicycle.grammar``) builds it; the interpreter and the Z3 encoder read it. Nothing
downstream of this module looks at rule text or parse trees. Every node carries the ``Span`` of the
text it came from and the legal ``citation`` written on its clause (or ``None``).

The exact meaning of every node is written down in ``docs/language.md``; keep the two in step.
"""

from __future__ import annotations

import operator
import re
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from fractions import Fraction
from functools import cached_property


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node came from: 1-based line and column, end exclusive."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Span("<built-in>", 0, 0, 0, 0)


@dataclass(frozen=True, kw_only=True)
class Node:
    span: Span = NOWHERE
    citation: str | None = None

    @cached_property
    def where(self) -> str:
        """``file:line`` plus the citation, for messages that point at a clause."""
        text = f"{self.span.file}:{self.span.line}"
        return f"{text} [{self.citation}]" if self.citation else text



def at_defaults(node: Node, known: set[str]) -> bool:
    """Every field of ``node`` outside ``known`` is at its default: a fast path that reads only the
    fields ``known`` declines any other clause (one added to the language later included)."""
    for f in fields(node):
        if f.name in known:
            continue
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        else:
            return False
        if getattr(node, f.name) != default:
            return False
    return True

# --- vocabulary -------------------------------------------------------------------------------


class Base(str, Enum):
    """What a percentage threshold is a percentage of (see docs/language.md, 'Bases')."""

    VALID_VOTES = "valid_votes"
    BALLOTS_CAST = "ballots_cast"
    LIST_VOTES = "list_votes"
    VOTES_AND_AGAINST_ALL = "votes_and_against_all"
    REGISTERED_VOTERS = "registered_voters"
    VALID_VOTES_AND_BLANK = "valid_votes_and_blank"


class QuotaKind(str, Enum):
    HARE = "hare"  # V / h
    DROOP = "droop"  # floor(V / (h + 1)) + 1
    HAGENBACH_BISCHOFF = "hagenbach_bischoff"  # V / (h + 1)
    IMPERIALI = "imperiali"  # V / (h + 2)


class Rounding(str, Enum):
    EXACT = "exact"
    DOWN = "down"
    UP = "up"
    NEAREST = "nearest"  # half rounds up


class DivisorKind(str, Enum):
    DHONDT = "dhondt"  # 1, 2, 3, ...
    SAINTE_LAGUE = "sainte_lague"  # 1, 3, 5, ...
    MODIFIED_SAINTE_LAGUE = "modified_sainte_lague"  # first, 3, 5, ...
    DANISH = "danish"  # 1, 4, 7, ...
    IMPERIALI = "imperiali"  # 2, 3, 4, ...
    HUNTINGTON_HILL = "huntington_hill"  # sqrt(k (k + 1)): 0, sqrt 2, sqrt 6, ...
    ADAMS = "adams"  # 0, 1, 2, ...
    SEQUENCE = "sequence"  # given explicitly


class TieCriterion(str, Enum):
    REGISTRATION_ORDER = "registration_order"  # registered earlier wins
    BALLOT_ORDER = "ballot_order"  # earlier on the ballot wins
    MORE_VOTES = "more_votes"  # more votes wins
    FEWER_VOTES = "fewer_votes"  # fewer votes wins
    LOT = "lot"  # seeded draw, reported as a lot


class SelectorKind(str, Enum):
    RUNNER_UP = "runner_up"  # the list admitted by `admit runner_up` in this tier
    EVERY_LIST = "every_list"
    TAGGED = "tagged"  # lists whose vote-file entry carries the tag
    UNTAGGED = "untagged"  # lists whose vote-file entry does not carry the tag
    MEMBERS = "members"  # lists of so many member parties (the vote file's coalition_size; 1 if not given)


class Scope(str, Enum):
    """Where a threshold takes its base and the list's votes (docs/language.md, 'Threshold scopes')."""

    UNIT = "unit"  # the tier's own unit: each district for a tier 'in each district', else the nation
    NATION = "nationally"  # the whole election, whatever unit the tier allocates in
    EVERY = "every"  # in every unit of a level: the list passes only if it passes in each
    AT_LEAST = "at_least"  # in at least `count` units of a level


class Comparator(str, Enum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    def holds(self, left: int, right: int) -> bool:
        return _COMPARE[self.value](left, right)


_COMPARE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}


class GuaranteeSource(str, Enum):
    LARGEST = "largest"  # each missing seat is taken from the list holding the most seats


class SurplusPolicy(str, Enum):
    REDISTRIBUTED = "redistributed"  # seats beyond a list's candidates go to the other lists
    VACANT = "vacant"  # seats beyond a list's candidates stay empty


# --- parameters -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ParamValue(Node):
    """One value a parameter may take: the words that stand in for ``$NAME`` (``words``, as
    written: ``3.5%``, ``largest_remainder quota hare``) and the label it goes by (``label``:
    the ``as`` name, else the words joined by spaces). ``number``: its exact value when it is
    one number (for matching ``--set threshold=0.035`` against ``3.5%``)."""

    words: tuple[str, ...]
    label: str
    number: Fraction | None = None


@dataclass(frozen=True, kw_only=True)
class Parameter(Node):
    """``param NAME in DOMAIN [default VALUE]``: a named slot of a family of rule files.

    ``values``: the whole domain in order (a range is expanded); ``domain``: the domain as
    written, for messages; ``default``: the value taken when none is given."""

    name: str
    values: tuple[ParamValue, ...]
    domain: str
    default: ParamValue | None = None

    def value(self, label: str) -> ParamValue | None:
        """The value a label or a number names (``5%``, ``0.05`` and ``1/20`` all name 5%)."""
        text = " ".join(label.split())
        for v in self.values:
            if v.label == text or " ".join(v.words) == text:
                return v
        number = _as_number(text)
        if number is not None:
            for v in self.values:
                if v.number == number:
                    return v
        return None


def _as_number(text: str) -> Fraction | None:
    if not re.fullmatch(r"\d+(\.\d+)?%|\d+/[1-9]\d*|\d+(\.\d+)?", text) or len(text) > 100:
        return None
    return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)


# --- clauses ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Selector(Node):
    kind: SelectorKind
    tag: str | None = None
    members: int = 1  # MEMBERS: the number of member parties
    or_more: bool = False  # MEMBERS: that many or more

    def __str__(self) -> str:
        if self.kind is SelectorKind.TAGGED:
            return f"lists tagged {self.tag}"
        if self.kind is SelectorKind.UNTAGGED:
            return f"lists not tagged {self.tag}"
        if self.kind is SelectorKind.MEMBERS:
            more = " or more" if self.or_more else ""
            return f"lists of {self.members}{more} part{'y' if self.members == 1 and not more else 'ies'}"
        return self.kind.value


@dataclass(frozen=True, kw_only=True)
class Threshold(Node):
    """A list passes when its votes reach ``share`` of ``base`` (or ``absolute`` votes, or
    ``quotas`` times ``base`` / the tier's seats).

    ``inclusive``: reaching exactly the threshold passes ("seven and more percent").
    ``applies_to``: the lists the threshold is for (``None``: every list).
    ``scope``/``level``/``count``: where the base and the list's votes are taken: the tier's own
    unit, nationally, in every unit of ``level`` or in at least ``count`` of them (``Scope``).
    ``alternatives``: other tests, any one of which passing is enough (``or 12% of ...``); each is
    a ``Threshold`` without alternatives or selector of its own.
    ``district_op``/``district_value``: the list also passes when its district seats compare so
    (``or district_seats >= 1``); ``district_tier``: those of an earlier tier (``of tier "X"``).
    """

    share: Fraction | None = None
    base: Base | None = None
    absolute: int | None = None
    quotas: int | None = None
    inclusive: bool = True
    applies_to: Selector | None = None
    scope: Scope = Scope.UNIT
    level: str | None = None
    count: int = 1
    alternatives: tuple[Threshold, ...] = ()
    district_op: Comparator | None = None
    district_value: int = 0
    district_tier: str | None = None  # 'of tier "X"': the seats X gave the list (summed), not the file's figure

    @property
    def regional(self) -> bool:
        """True when the test is made unit by unit across a level (``in every region``, ``in at
        least 2 districts``), not on one unit's figures."""
        return self.scope is Scope.EVERY or self.scope is Scope.AT_LEAST

    @property
    def tests(self) -> tuple[Threshold, ...]:
        """This test and its alternatives."""
        return (self, *self.alternatives)

    @property
    def scale_invariant(self) -> bool:
        return all(t.absolute is None for t in self.tests)


@dataclass(frozen=True, kw_only=True)
class Quota(Node):
    kind: QuotaKind
    rounding: Rounding = Rounding.EXACT

    @property
    def scale_invariant(self) -> bool:
        return self.kind is not QuotaKind.DROOP and self.rounding is Rounding.EXACT


@dataclass(frozen=True, kw_only=True)
class LargestRemainder(Node):
    quota: Quota
    integer_parts_only: bool = False  # no remainder seats: the seats left over stay unfilled


@dataclass(frozen=True, kw_only=True)
class Divisor(Node):
    kind: DivisorKind
    first: Fraction | None = None  # modified Sainte-Lague: the first divisor
    sequence: tuple[Fraction, ...] = ()  # explicit divisors, in order
    step: Fraction | None = None  # explicit sequence: continue by adding this

    def squared(self, k: int) -> Fraction | None:
        """The square of the divisor for a list's (k+1)-th seat, ``None`` past a finite sequence.

        Squares let Huntington-Hill (divisor sqrt(k(k+1))) be compared exactly: list a with votes
        va and k seats beats list b with vb and m seats when va^2 * D(m) > vb^2 * D(k).
        """
        kind = self.kind
        if kind is DivisorKind.HUNTINGTON_HILL:
            return Fraction(k * (k + 1))
        d = self.divisor(k)
        return None if d is None else d * d

    def divisor(self, k: int) -> Fraction | None:
        """The divisor for a list's (k+1)-th seat (not defined for Huntington-Hill)."""
        kind = self.kind
        if kind is DivisorKind.DHONDT:
            return Fraction(k + 1)
        if kind is DivisorKind.SAINTE_LAGUE:
            return Fraction(2 * k + 1)
        if kind is DivisorKind.MODIFIED_SAINTE_LAGUE:
            return (self.first if self.first is not None else Fraction(7, 5)) if k == 0 else Fraction(
                2 * k + 1
            )
        if kind is DivisorKind.DANISH:
            return Fraction(3 * k + 1)
        if kind is DivisorKind.IMPERIALI:
            return Fraction(k + 2)
        if kind is DivisorKind.ADAMS:
            return Fraction(k)
        if kind is DivisorKind.SEQUENCE:
            if k < len(self.sequence):
                return self.sequence[k]
            if self.step is None:
                return None
            return self.sequence[-1] + self.step * (k - len(self.sequence) + 1)
        raise ValueError(f"no rational divisor for {kind.value}")


Method = LargestRemainder | Divisor


@dataclass(frozen=True, kw_only=True)
class Ties(Node):
    """An ordered chain of tie-break criteria; empty means ``ties none``."""

    criteria: tuple[TieCriterion, ...] = ()
    seed: int | None = None  # for LOT
    # for LOT: a fixed draw instead of the seeded one, the lists (abbrs) in the order drawn; set
    # by the verifier to replay a counterexample's draw, never written in a rule file
    draw: tuple[str, ...] | None = None
    # for LOT: a fixed draw for each lot drawn in turn (the k-th lot of the allocation by the k-th;
    # past the end, ``draw``); set by the verifier's replay only, like ``draw``
    draws: tuple[tuple[str, ...], ...] = ()
    # the same per unit of a districted tier ((district, draw), ...): each district's allocation
    # draws its own lot; a unit not named here falls back on ``draw``
    district_draws: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def draw_in(self, district: str | None) -> tuple[str, ...] | None:
        """The fixed draw for the allocation in ``district`` (None: the tier's own), if any."""
        for name, order in self.district_draws:
            if name == district:
                return order
        return self.draw


@dataclass(frozen=True, kw_only=True)
class Cap(Node):
    seats: int  # no list gets more than this many seats in the tier


@dataclass(frozen=True, kw_only=True)
class Surplus(Node):
    policy: SurplusPolicy


@dataclass(frozen=True, kw_only=True)
class Condition(Node):
    """``passed OP value``: the number of lists that passed the threshold(s).

    In ``admit next until ...``: ``admitted OP value`` (the number of lists admitted so far) or
    ``admitted_votes OP share of base`` (their votes together, against ``share`` of ``base``).
    """

    subject: str  # "passed" | "admitted" | "admitted_votes"
    op: Comparator
    value: int = 0
    share: Fraction | None = None
    base: Base | None = None

    def __str__(self) -> str:
        if self.share is not None and self.base is not None:
            return f"{self.subject} {self.op.value} {_pct(self.share)} of {self.base.value}"
        return f"{self.subject} {self.op.value} {self.value}"


def _pct(x: Fraction) -> str:
    p = x * 100
    return f"{p.numerator}%" if p.denominator == 1 else f"{x.numerator}/{x.denominator}"


@dataclass(frozen=True, kw_only=True)
class AdmitRunnerUp(Node):
    """Admit the list with the most votes among those that did not pass (at least one vote)."""


@dataclass(frozen=True, kw_only=True)
class AdmitNext(Node):
    """Admit lists not yet admitted, most votes first, one at a time, until ``until`` holds."""

    until: Condition


@dataclass(frozen=True, kw_only=True)
class Guarantee(Node):
    who: Selector
    seats: int
    source: GuaranteeSource = GuaranteeSource.LARGEST


@dataclass(frozen=True, kw_only=True)
class Correction(Node):
    """Multiply the quotient (votes / quota, or votes / divisor) of the selected lists."""

    who: Selector
    factor: Fraction


Action = AdmitRunnerUp | AdmitNext | Guarantee | Correction


@dataclass(frozen=True, kw_only=True)
class Consolation(Node):
    """Lists not admitted whose votes are in [low * base, high * base) get ``seats`` seats."""

    seats: int
    low: Fraction
    high: Fraction
    base: Base


class AllianceSource(str, Enum):
    AGREEMENTS = "agreements"  # the vote file's "agreements" (e.g. Israel's surplus agreements)
    COMBINATIONS = "combinations"  # each list's "combination" (e.g. Dutch lijstencombinaties)


@dataclass(frozen=True, kw_only=True)
class Alliances(Node):
    """Admitted lists joined by the vote file take part in the method as one; their seats are
    then split among them by ``split``."""

    source: AllianceSource
    split: LargestRemainder | Divisor


@dataclass(frozen=True, kw_only=True)
class Compensation(Node):
    """Mixed-member compensation: the tier's seats are the whole house; district seats won by
    lists not admitted come off it; an admitted list gets max(entitlement, district seats)
    (overhang seats are added to the house)."""


@dataclass(frozen=True, kw_only=True)
class Exempt(Node):
    """The selected lists pass every threshold of the tier (they still need a vote)."""

    who: Selector


@dataclass(frozen=True, kw_only=True)
class SeatsFrom(Node):
    """The tier's seats are the seats tier ``tier`` left unfilled, summed over its units."""

    tier: str


@dataclass(frozen=True, kw_only=True)
class VotesFrom(Node):
    """Each list's votes in the tier are its remainders in tier ``tier``, summed over its units;
    the lists admitted there (in some unit) take part."""

    tier: str


@dataclass(frozen=True, kw_only=True)
class Placement(Node):
    """The tier's seats of each list go into units of ``level`` by the list's remainders in tier
    ``tier`` there, largest first, into units with seats still unfilled."""

    level: str
    tier: str


# --- levels: seats won below feed a total computed above (issue 15) --------------------------


class OverhangPolicy(str, Enum):
    """What happens to a list holding more seats below than its entitlement (docs/language.md,
    'overhang')."""

    KEPT = "kept"  # it keeps them; the house grows by the excess (New Zealand)
    EXCLUDED = "excluded"  # every such list leaves with its seats; the calculation is repeated (Norway)
    EXCLUDED_ONE = "excluded one at a time"  # the list furthest over leaves; repeated (one per round)
    ENLARGED = "enlarged"  # the tier's seats grow one at a time until no list is over (German 2013 law)
    NOT_SEATED = "not seated"  # seats beyond the entitlement are not taken up (German 2023 law)


@dataclass(frozen=True, kw_only=True)
class Levelling(Node):
    """The tier's seats are an entitlement computed over them; each admitted list's seats in the
    tier are its entitlement less the seats it holds in tier ``tier`` (summed over its units). The
    seats held there by lists not admitted come off the tier's seats first."""

    tier: str
    # 'or tier "OTHER" in each LEVEL': what a list must get at least is, unit by unit of LEVEL, the larger
    # of its seats in ``tier`` and in ``other`` there, summed (the German 2013 law's Mindestsitzzahl)
    other: str | None = None
    level: str | None = None


@dataclass(frozen=True, kw_only=True)
class Calculation(Node):
    """The tier's seats are figures other tiers read (an apportionment made only to compare with),
    not seats of the house."""


@dataclass(frozen=True, kw_only=True)
class SingleMember(Node):
    """A tier of single-member seats, one in each unit of its level (parallel to, or under, a list
    tier): ``elected by plurality`` (``given`` False) the candidate with the most votes there (the
    unit's candidates, or its lists' votes when it gives no candidates), equal most votes by the
    tier's tie rule; ``winners given``: the winner the vote file gives for each unit. The tier's
    ``method`` is D'Hondt, which for one seat is the same: the most votes."""

    given: bool = False


@dataclass(frozen=True, kw_only=True)
class Overhang(Node):
    """How a list holding more seats than its entitlement is treated (with ``Levelling``)."""

    policy: OverhangPolicy
    ranked_by: Base | None = None  # NOT_SEATED: which held seats are taken up first (share of this base)


@dataclass(frozen=True, kw_only=True)
class Continuation(Node):
    """A divisor method goes on from the seats each list holds in tier ``tier`` in the same unit
    (summed over the units below it): a list holding k seats starts at its (k+1)-th divisor."""

    tier: str


class PlaceScale(str, Enum):
    NONE = "none"
    VOTES_PER_SEAT = "votes_per_seat"  # quotient / (the unit's list votes / its seats in the 'after' tier)
    VALID_VOTES = "valid_votes"  # quotient / the unit's list votes


@dataclass(frozen=True, kw_only=True)
class LevelPlacement(Node):
    """The tier's seats of each list go into units of ``level``: every (list, unit) pair competes
    with the list's votes there / ``method``'s divisor for its next seat there (its seats in tier
    ``after`` there counted as held), scaled by ``scale``; the highest takes a seat, while the list
    has seats to place and the unit room (``per_unit`` seats, or the unit's figure ``per_unit_figure``).
    ``in_turn``: the seats are taken in the order the tier's method gave them (the next list decides
    who, its best quotient where; a list with no quotient left loses its remaining turns).
    ``quotients``: at most that many quotients per list and unit take part. ``within``: each list's
    seats in each unit of the previous placement are split among the units below it (by ``method``
    on the list's votes there, continuing after tier ``after``), not competed for across lists.
    ``entitlement``: each list's whole entitlement in a levelling tier is split among the units (by
    ``method`` on its votes there); its seats of this tier in a unit are its share there less the
    seats it holds there in the levelled tier (beyond the share: as the overhang policy says)."""

    level: str
    method: Divisor | LargestRemainder  # largest remainder: only to split an entitlement ('of entitlement')
    after: str | None = None
    scale: PlaceScale = PlaceScale.NONE
    per_unit: int | None = None
    per_unit_figure: str | None = None
    in_turn: bool = False
    quotients: int | None = None
    within: bool = False
    entitlement: bool = False  # split each list's entitlement (a levelling tier), not only this tier's seats
    at_least: str | None = None  # 'at least tier "X"': the list's share in a unit is at least its seats in X there


class Weights(str, Enum):
    """What the upper apportionment of a biproportional tier apportions on."""

    VOTES = "votes"  # each list's votes, summed over the units
    VOTER_NUMBERS = "voter_numbers"  # each list's votes in a unit / the unit's seats, summed over the units


@dataclass(frozen=True, kw_only=True)
class UpperApportionment(Node):
    """Biproportional apportionment, first step: the tier's seats (the sum of its units'
    magnitudes) go to the admitted lists by ``method`` on their ``weights``; voter numbers are
    rounded per unit by ``rounding`` (``EXACT``: kept as fractions)."""

    method: Method
    weights: Weights = Weights.VOTES
    rounding: Rounding = Rounding.EXACT


@dataclass(frozen=True, kw_only=True)
class LowerApportionment(Node):
    """Biproportional apportionment, second step: each list's seats go to the list x unit cells by
    unit divisors and list divisors, every cell the rounding of its votes / (unit divisor x list
    divisor) by ``method``'s signposts, every unit its magnitude and every list its seats."""

    method: Divisor


@dataclass(frozen=True, kw_only=True)
class Bonus(Node):
    """A majority bonus: the admitted list with the most votes gets ``seats`` seats before the
    method shares out the rest (the leader included). With ``share``/``base``: only if its votes
    reach ``share`` of ``base`` (``inclusive``), and then ``step_seats`` more for every whole
    ``step`` of share above ``share``; at most ``cap`` seats in all. With ``top_up`` (the
    Italian form): the first list is to have at least ``seats`` seats in all; if the method
    gives it fewer, it gets ``seats`` and the other lists share the rest. With ``coalition``
    (``to first coalition``): the first is the alliance of the tier's ``alliances`` clause (or a
    list alone) with the most votes, and its seats are split among its lists by the clause's
    method."""

    seats: int
    share: Fraction | None = None
    base: Base | None = None
    inclusive: bool = True
    step_seats: int = 0
    step: Fraction | None = None
    cap: int | None = None
    top_up: bool = False
    coalition: bool = False


@dataclass(frozen=True, kw_only=True)
class Provision(Node):
    """Actions that apply when ``condition`` holds (always, when it is ``None``)."""

    condition: Condition | None
    actions: tuple[Action, ...]


@dataclass(frozen=True, kw_only=True)
class Tier(Node):
    name: str
    seats: int
    thresholds: tuple[Threshold, ...] = ()
    method: Method
    ties: Ties | None = None
    cap: Cap | None = None
    surplus: Surplus | None = None
    provisions: tuple[Provision, ...] = ()
    consolations: tuple[Consolation, ...] = ()
    alliances: Alliances | None = None
    compensation: Compensation | None = None
    level: str | None = None  # allocates in each unit of this level (seats: each unit's magnitude)
    seats_from: SeatsFrom | None = None
    votes_from: VotesFrom | None = None
    placement: Placement | None = None
    exempt: Exempt | None = None
    # levels (issue 15)
    levelling: Levelling | None = None
    overhang_policy: Overhang | None = None
    continuation: Continuation | None = None
    level_placements: tuple[LevelPlacement, ...] = ()
    calculation: Calculation | None = None  # 'calculation only': its seats are not seats of the house

    @property
    def uses_levels(self) -> bool:
        """True when the tier reads seats won in another tier or places seats by quotients."""
        return (self.levelling is not None or self.overhang_policy is not None or self.continuation is not None
                or bool(self.level_placements) or self.calculation is not None)

    upper: UpperApportionment | None = None  # biproportional: the upper apportionment (``method`` is its method)
    lower: LowerApportionment | None = None  # biproportional: the lower apportionment
    bonus: Bonus | None = None  # a majority bonus to the first list
    single_member: SingleMember | None = None  # 'elected by plurality' / 'winners given' (in each unit)

    @property
    def biproportional(self) -> bool:
        return self.lower is not None

    def actions(self, kind: type) -> list[tuple[Provision, Action]]:
        return [(p, a) for p in self.provisions for a in p.actions if isinstance(a, kind)]

    @property
    def scale_invariant(self) -> bool:
        """True when multiplying every vote figure by the same factor never changes the seats."""
        methods = [self.method] + ([self.alliances.split] if self.alliances is not None else [])
        quota_ok = all(not isinstance(x, LargestRemainder) or x.quota.scale_invariant for x in methods)
        return quota_ok and all(t.scale_invariant for t in self.thresholds)

    @property
    def uses_extensions(self) -> bool:
        """True when the tier uses a clause beyond thresholds on totals, one method, caps and
        the runner-up provisions (regional or district thresholds, admissions until a
        condition, consolation seats, alliances, mixed-member compensation, 'not tagged', and
        everything about districts: tiers in units, thresholds at other levels or with
        alternatives, exemptions, member-count selectors, integer parts only)."""
        if self.consolations or self.alliances is not None or self.compensation is not None:
            return True
        if (self.in_units or self.exempt is not None or self.uses_levels or self.biproportional
                or self.bonus is not None):
            return True
        if isinstance(self.method, LargestRemainder) and self.method.integer_parts_only:
            return True
        for th in self.thresholds:
            if th.quotas is not None or th.regional or th.district_op is not None:
                return True
            if th.scope is not Scope.UNIT or th.alternatives:
                return True
            if th.applies_to is not None and th.applies_to.kind in (SelectorKind.UNTAGGED, SelectorKind.MEMBERS):
                return True
        for prov in self.provisions:
            for action in prov.actions:
                if isinstance(action, AdmitNext):
                    return True
                who = getattr(action, "who", None)
                if isinstance(who, Selector) and who.kind in (SelectorKind.UNTAGGED, SelectorKind.MEMBERS):
                    return True
        return False

    @property
    def in_units(self) -> bool:
        """True when the tier allocates in units or reads, or places into, another tier's units."""
        return (self.level is not None or self.seats_from is not None or self.votes_from is not None
                or self.placement is not None or bool(self.level_placements))


@dataclass(frozen=True, kw_only=True)
class Appointed(Node):
    """Seats filled outside the vote (e.g. by an assembly), reported under ``key``."""

    seats: int
    by: str
    key: str


@dataclass(frozen=True, kw_only=True)
class FixedSeats(Node):
    """The unit ``unit`` has exactly ``seats`` seats."""

    unit: str
    seats: int


@dataclass(frozen=True, kw_only=True)
class Minimum(Node):
    """Every unit not fixed first gets ``seats`` seats."""

    seats: int


@dataclass(frozen=True, kw_only=True)
class Apportion(Node):
    """The seats left (after fixed seats and minimums) go to the units by ``method`` on each unit's
    ``figure``: a base of the language (``valid_votes`` ..., taken on the unit's figures) or a
    figure the vote file gives for each unit (``population`` ...)."""

    figure: str
    base: Base | None  # set when ``figure`` names a base
    method: Method


@dataclass(frozen=True, kw_only=True)
class Level(Node):
    """The units of one level of the vote file (``districts``) and how their magnitudes come
    about: fixed in the rules, apportioned, or given in the vote file."""

    name: str = "district"
    seats: int
    fixed: tuple[FixedSeats, ...] = ()
    minimum: Minimum | None = None
    apportion: Apportion | None = None
    ties: Ties | None = None

    @property
    def label(self) -> str:
        return "districts" if self.name == "district" else f"districts {self.name!r}"


@dataclass(frozen=True, kw_only=True)
class Chamber(Node):
    name: str
    seats: int
    label: str | None = None  # the system's name for people (``label "..."``); None: not given
    appointed: tuple[Appointed, ...] = ()
    tiers: tuple[Tier, ...] = ()
    levels: tuple[Level, ...] = ()
    source: str = field(default="", compare=False, repr=False)  # the rule text, for messages
    # The values given to the file's parameters (name, value label), in declaration order; ()
    # for a file without parameters. Binding leaves nothing else behind: the clauses hold the
    # values themselves, so no back end needs to know a file had parameters.
    bindings: tuple[tuple[str, str], ...] = ()

    @property
    def file(self) -> str:
        return self.span.file

    def level(self, name: str) -> Level | None:
        return next((lv for lv in self.levels if lv.name == name), None)

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)

    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every node of the model (itself included), whatever clauses it has; computed once."""
        found: list[Node] = []
        stack: list[object] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, tuple | list):
                stack.extend(item)
            elif isinstance(item, Node):
                found.append(item)
                stack.extend(getattr(item, f.name) for f in fields(item))
        return tuple(found)
