"""The analyses of the Python API by name: allocate, compare systems, seat-vote curves, margins,
seats under uncertainty and the verifier's verdicts, for rules and votes given in any form.

Rules are a ``Rules`` (``hemicycle.load``), a rule model, or a path or bundled name
(``"kazakhstan-2021"``); votes are an ``Election``, a path or bundled name of a vote file
(``hemicycle.load_votes``), or a mapping ``{abbr: votes}`` (insertion order = registration order)
with the totals as keywords. Figures may be any integer type (NumPy's included), never floats.
A name and a path are told apart as on the command line (``api._locate``).

These are the functions ``hemicycle`` exports; each returns an object that shows itself in a
notebook and has ``to_json()`` and ``to_pandas()`` (see docs/api.md).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hemicycle.api import Rules, load, locate_election
from hemicycle.compare import Comparison
from hemicycle.compare import compare as compare_systems

# The module hemicycle.compare is loaded here, before hemicycle/__init__.py binds the name
# ``compare`` to the function below: loaded later, Python would set the package's attribute
# ``compare`` to the module.
from hemicycle.display import NotebookHtml
from hemicycle.election import Election
from hemicycle.model import Chamber

if TYPE_CHECKING:  # imported when first used: ``import hemicycle`` (and so the CLI) starts fast
    from hemicycle.interpreter import AllocationResult
    from hemicycle.uncertainty import SeatDistribution
    from hemicycle.verify.engine import PropertyResult
    from hemicycle.whatif import Curve, Margins

RulesLike = Rules | Chamber | str | os.PathLike[str]
VotesLike = Election | str | os.PathLike[str] | Mapping[str, Any] | Iterable[tuple[str, Any]]


def as_rules(rules: RulesLike) -> Rules:
    """``rules`` as a ``Rules``: loaded when it is a path or a bundled name."""
    if isinstance(rules, Rules):
        return rules
    if isinstance(rules, Chamber):
        return Rules(rules)
    if isinstance(rules, str | os.PathLike):
        return load(os.fspath(rules))
    raise TypeError(f"rules must be a Rules, a rule model, a path or a bundled name, not {type(rules).__name__}")


def load_votes(name_or_path: str | os.PathLike[str], *, totals: Mapping[str, Any] | None = None,
               contest: str | None = None, rules: Sequence[RulesLike] = ()) -> Election:
    """A vote file by path (JSON, CSV, NIST or EML, by content), or a bundled election by name
    (``"kazakhstan-2021"``). ``totals`` add figures the file lacks (a figure that contradicts
    the file's is an error); ``contest`` picks one of a standard file's contests; ``rules``: the
    rule sets it is for, whose clauses say which missing figures are errors (as on the command
    line)."""
    from hemicycle.election import TOTALS
    from hemicycle.validate import totals as checked
    from hemicycle.votes import read_votes_for_rules

    path = locate_election(os.fspath(name_or_path)).path
    exact = checked(totals or {}, TOTALS)
    chambers = [as_rules(r).model for r in rules]
    return read_votes_for_rules(path, chambers, totals=exact or None, contest=contest).election


def as_election(votes: VotesLike, rules: Sequence[RulesLike] = (), **totals: Any) -> Election:
    """``votes`` as an ``Election``: read when it is a path or a bundled name (``totals`` then add
    figures the file lacks), built from ``{abbr: votes}`` and the ``totals`` otherwise."""
    if isinstance(votes, Election):
        if totals:
            raise TypeError("totals are given with the Election itself")
        return votes
    if isinstance(votes, str | os.PathLike):
        return load_votes(votes, totals={k: v for k, v in totals.items() if v is not None}, rules=rules)
    return Election.from_votes(votes, **totals)


def allocate(rules: RulesLike, votes: VotesLike, *, explain: bool = True, **totals: Any) -> AllocationResult:
    """Seats for ``votes`` under ``rules``: ``hemicycle.allocate("kazakhstan-2021", "kazakhstan-2021")``."""
    r = as_rules(rules)
    return r.allocate(as_election(votes, [r], **totals), explain=explain)


def compare(rules: Iterable[RulesLike], votes: VotesLike, *, swings: Sequence[str] = (), properties: bool = False,
            parties: int = 3, timeout: float = 10.0, **totals: Any) -> Comparison:
    """Every system on the same votes: seats side by side, disproportionality indices and, with
    ``properties=True``, the verifier's verdict on each catalogue property (``parties`` lists,
    ``timeout`` seconds per property; cached by rule text). ``swings`` change the votes first
    (``"ABBR=+2%"``, ``"ABBR=-5000"``, as ``compare --swing``)."""
    from hemicycle.whatif import apply_swings

    systems = [as_rules(r) for r in rules]
    if not systems:
        raise ValueError("compare needs at least one rule set")
    election = as_election(votes, systems, **totals)
    if swings:
        election = apply_swings(election, list(swings))
    return compare_systems(systems, election, properties=_verdicts(parties, timeout) if properties else None)


def _verdicts(parties: int, timeout: float) -> Any:
    def verdicts(r: Rules) -> tuple[dict[str, str], str] | None:
        from hemicycle.compare import property_verdicts
        from hemicycle.verify import VerifyError

        try:
            return property_verdicts(r, parties=parties, timeout=timeout)
        except VerifyError as e:  # a clause the verifier does not encode: the seats are still compared
            warnings.warn(f"{r.path}: properties not checked: {e}", stacklevel=3)
            return None

    return verdicts


def curve(rules: RulesLike, votes: VotesLike, abbr: str, **totals: Any) -> Curve:
    """The exact seat-vote curve of list ``abbr``: its seats as its share of the list votes goes
    from 0 to 100%, the other lists keeping their proportions (``compare --curve``)."""
    from hemicycle.whatif import seat_vote_curve

    r = as_rules(rules)
    return seat_vote_curve(r, as_election(votes, [r], **totals), abbr)


def margins(rules: RulesLike, votes: VotesLike, *, lists: Sequence[str] | None = None, **totals: Any) -> Margins:
    """For every list (or those of ``lists``), the fewest votes it must gain for one more seat, or
    may lose before it loses one, the other lists' votes unchanged (``compare --margins``); with
    districts, in the cheapest district, and every district's in ``Margin.districts``."""
    from hemicycle.whatif import seat_margins

    r = as_rules(rules)
    return seat_margins(r, as_election(votes, [r], **totals), lists)


def simulate(rules: RulesLike, votes: VotesLike, simulations: int = 10_000, *, model: str = "dirichlet",
             concentration: float = 2000.0, standard_errors: Mapping[str, float] | None = None, seed: int = 0,
             **totals: Any) -> SeatDistribution:
    """Seats under uncertainty: ``simulations`` elections drawn around ``votes`` (``model``
    ``"dirichlet"`` with ``concentration``, or ``"normal"`` with a ``standard_errors`` share per
    list), each allocated exactly; reproducible by ``seed`` (``compare --simulate``)."""
    from hemicycle.uncertainty import seat_distribution

    r = as_rules(rules)
    return seat_distribution(r, as_election(votes, [r], **totals), simulations, model=model,
                             concentration=concentration, standard_errors=standard_errors, seed=seed)


class Verification(NotebookHtml, list["PropertyResult"]):
    """The verifier's verdicts for one rule set (a list of ``PropertyResult``), shown as a table
    in notebooks and as a DataFrame by ``to_pandas``."""

    def __init__(self, results: Iterable[PropertyResult] = (), rules: str = "") -> None:
        super().__init__(results)
        self.rules = rules

    @property
    def holds(self) -> bool:
        """True when every property was proved (an UNKNOWN is not a proof)."""
        return all(r.status.value == "proved" for r in self)

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self]


    def to_pandas(self) -> Any:
        """One row per property and tier: ``rules, property, tier, status, parties, bounds,
        seconds, found_by, reason, clause`` (needs pandas)."""
        from hemicycle.frames import verification_frame

        return verification_frame(self.to_json(), self.rules)


def verify_rules(rules: RulesLike, properties: Sequence[str] | None = None, *, parties: int = 3,
                 timeout: float = 10.0, tier: str | None = None,
                 property_file: str | os.PathLike[str] | None = None) -> Verification:
    """Prove or refute properties of ``rules`` with Z3 for any votes of ``parties`` lists
    (``hemicycle verify``): the catalogue's (all when ``properties`` is None) and those of a
    ``.props`` file. Each verdict is PROVED, REFUTED (with a counterexample replayed by the
    interpreter) or UNKNOWN (the ``timeout`` in seconds per property ran out: never a proof)."""
    from hemicycle.verify import verify

    r = as_rules(rules)
    found = verify(r.model, list(properties) if properties is not None else None, parties=parties,
                   timeout=timeout, tier=tier, property_file=Path(property_file) if property_file else None)
    return Verification(found, r.path)
