"""The exact interpreter: rule model + votes -> seats, with every step explained.

Arithmetic is on ``int`` and ``Fraction`` only. The meaning of every clause is in
``docs/language.md``; this package implements exactly that, and the Z3 encoder
(``hemicycle.verify``) is tested against it.

Modules, from the bottom up (each imports only those above it in this list):

* ``errors``: why an allocation stops; ``workload``: the limits checked before any work (the
  notes on clause data the vote file lacks are ``hemicycle.clause_data``'s);
* ``protocol``: steps recorded as data, turned into text when read; ``results``: what an
  allocation gives back (and its JSON); ``view``: the election as one allocation sees it;
* ``ties``: the tie breaker; ``context``: what every step of a tier reads and writes;
* the steps: ``figures`` (bases), ``selectors``, ``thresholds``, ``admission`` (conditions,
  admissions, corrections), ``largest_remainder``, ``divisors`` (glue to
  ``hemicycle.highest_averages``), ``methods``, ``limits`` (caps, list sizes), ``alliances``,
  ``consolation``, ``compensation``, ``guarantees``;
* ``tier``: one tier's pipeline, composing the steps; ``chamber``: the whole chamber.
"""

from hemicycle.interpreter.chamber import Allocator, allocate, seats_only
from hemicycle.interpreter.errors import AllocationError, LimitError, MissingFigure, TieError
from hemicycle.interpreter.largest_remainder import quota_value
from hemicycle.interpreter.protocol import Step
from hemicycle.interpreter.results import AllocationResult, ListResult, Tie, TierResult
from hemicycle.interpreter.tier import allocate_tier
from hemicycle.interpreter.ties import TieBreaker
from hemicycle.interpreter.workload import (
    EXPLAIN_EVERY_SEAT,
    MAX_LIST_TIERS,
    MAX_LISTS,
    MAX_SEATS,
    MAX_TIERS,
    MAX_WORK,
    check_guarantee_work,
    check_limits,
    check_sizes,
)

__all__ = [
    "EXPLAIN_EVERY_SEAT", "MAX_LISTS", "MAX_LIST_TIERS", "MAX_SEATS", "MAX_TIERS", "MAX_WORK",
    "AllocationError", "AllocationResult", "Allocator", "LimitError", "ListResult", "MissingFigure", "Step",
    "Tie", "TieBreaker", "TieError", "TierResult", "allocate", "allocate_tier", "check_guarantee_work",
    "check_limits", "check_sizes", "quota_value", "seats_only",
]
