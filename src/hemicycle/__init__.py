"""hemicycle: a language for electoral rules, an exact interpreter and a Z3 verifier.

The Python API (docs/api.md): ``load`` rules, ``load_votes``, then ``allocate``, ``compare``,
``curve``, ``margins``, ``simulate`` and ``verify_rules``; ``compile`` and ``allocate_batch`` for
speed. (``hemicycle.compare`` is the function; ``from hemicycle.compare import Comparison`` still
reaches the module of that name.)
"""

from hemicycle import notebook as _notebook  # noqa: F401  (how each result draws in a notebook)
from hemicycle.api import (
    Rules,
    allocate_batch,
    bundled_elections,
    bundled_rules,
    compile,
    load,
    load_family,
    loads,
)
from hemicycle.election import Election, ListEntry
from hemicycle.family import Family
from hemicycle.interpreter import AllocationError, AllocationResult, TieError
from hemicycle.version import __version__

# isort: split
# Last: the function ``compare`` stands over the module of that name once the imports above loaded it.
from hemicycle.analyses import (
    Verification,
    allocate,
    compare,
    curve,
    load_votes,
    margins,
    simulate,
    verify_rules,
)

__all__ = [
    "AllocationError",
    "AllocationResult",
    "Election",
    "Family",
    "ListEntry",
    "Rules",
    "TieError",
    "Verification",
    "__version__",
    "allocate",
    "allocate_batch",
    "bundled_elections",
    "bundled_rules",
    "compare",
    "compile",
    "curve",
    "load",
    "load_family",
    "load_votes",
    "loads",
    "margins",
    "simulate",
    "verify_rules",
]
