"""The Z3 verifier: prove or refute properties of a rule model for any votes.

Public API (used by ``hemicycle verify``)::

    from hemicycle.verify import verify, CATALOGUE, PropertyResult
    results = verify(chamber, ["monotonicity"], parties=5, timeout=60)
    found = distinguish(chamber_a, chamber_b, k=1, parties=3)   # votes that tell two systems apart

See docs/verify.md for the encoding, the property catalogue and the ``.props`` language.
"""

from hemicycle.verify.distinguish import (
    DistinguishResult,
    DistinguishStatus,
    distinguish,
    format_distinguish,
)
from hemicycle.verify.engine import CounterElection, PropertyResult, Status, run_property, verify
from hemicycle.verify.errors import EncodingMismatch, PropertyError, UnsupportedClause, VerifyError
from hemicycle.verify.properties import CATALOGUE, Property
from hemicycle.verify.report import format_table, render_table, to_json

__all__ = [
    "CATALOGUE",
    "CounterElection",
    "DistinguishResult",
    "DistinguishStatus",
    "EncodingMismatch",
    "Property",
    "PropertyError",
    "PropertyResult",
    "Status",
    "UnsupportedClause",
    "VerifyError",
    "distinguish",
    "format_distinguish",
    "format_table",
    "render_table",
    "run_property",
    "to_json",
    "verify",
]
