"""The rule model: one typed, immutable description of an electoral system.

The parser (``hemicycle.grammar``) builds it; the interpreter and the Z3 encoder read it. Nothing
downstream of this module looks at rule text or parse trees. Every node carries the ``Span`` of the
text it came from and the legal ``citation`` written on its clause (or ``None``).

The exact meaning of every node is written down in ``docs/language.md``; keep the two in step.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field, fields
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


# --- vocabulary -------------------------------------------------------------------------------


class Base(str, Enum):
    """What a percentage threshold is a percentage of (see docs/language.md, 'Bases')."""

    VALID_VOTES = "valid_votes"
    BALLOTS_CAST = "ballots_cast"
    LIST_VOTES = "list_votes"
    VOTES_AND_AGAINST_ALL = "votes_and_against_all"
    REGISTERED_VOTERS = "registered_voters"


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

    def __str__(self) -> str:
        if self.kind is SelectorKind.TAGGED:
            return f"lists tagged {self.tag}"
        if self.kind is SelectorKind.UNTAGGED:
            return f"lists not tagged {self.tag}"
        return self.kind.value


@dataclass(frozen=True, kw_only=True)
class Threshold(Node):
    """A list passes when its votes reach ``share`` of ``base`` (or ``absolute`` votes, or
    ``quotas`` times ``base`` / the tier's seats).

    ``inclusive``: reaching exactly the threshold passes ("seven and more percent").
    ``applies_to``: the lists the threshold is for (``None``: every list).
    ``regional``: the test is made in every region of the vote file, on that region's figures.
    ``district_op``/``district_value``: the list also passes when its district seats compare so
    (``or district_seats >= 1``).
    """

    share: Fraction | None = None
    base: Base | None = None
    absolute: int | None = None
    quotas: int | None = None
    inclusive: bool = True
    applies_to: Selector | None = None
    regional: bool = False
    district_op: Comparator | None = None
    district_value: int = 0

    @property
    def scale_invariant(self) -> bool:
        return self.absolute is None


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
        condition, consolation seats, alliances, mixed-member compensation, 'not tagged')."""
        if self.consolations or self.alliances is not None or self.compensation is not None:
            return True
        for th in self.thresholds:
            if th.quotas is not None or th.regional or th.district_op is not None:
                return True
            if th.applies_to is not None and th.applies_to.kind is SelectorKind.UNTAGGED:
                return True
        for prov in self.provisions:
            for action in prov.actions:
                if isinstance(action, AdmitNext):
                    return True
                who = getattr(action, "who", None)
                if isinstance(who, Selector) and who.kind is SelectorKind.UNTAGGED:
                    return True
        return False


@dataclass(frozen=True, kw_only=True)
class Appointed(Node):
    """Seats filled outside the vote (e.g. by an assembly), reported under ``key``."""

    seats: int
    by: str
    key: str


@dataclass(frozen=True, kw_only=True)
class Chamber(Node):
    name: str
    seats: int
    label: str | None = None  # the system's name for people (``label "..."``); None: not given
    appointed: tuple[Appointed, ...] = ()
    tiers: tuple[Tier, ...] = ()
    source: str = field(default="", compare=False, repr=False)  # the rule text, for messages
    # The values given to the file's parameters (name, value label), in declaration order; ()
    # for a file without parameters. Binding leaves nothing else behind: the clauses hold the
    # values themselves, so no back end needs to know a file had parameters.
    bindings: tuple[tuple[str, str], ...] = ()

    @property
    def file(self) -> str:
        return self.span.file

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
