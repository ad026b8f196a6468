"""hemicycle: a language for electoral rules, an exact interpreter and a Z3 verifier."""

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

__version__ = "0.1.0"

__all__ = [
    "AllocationError",
    "AllocationResult",
    "Election",
    "Family",
    "ListEntry",
    "Rules",
    "TieError",
    "__version__",
    "allocate_batch",
    "bundled_elections",
    "bundled_rules",
    "compile",
    "load",
    "load_family",
    "loads",
]
