"""The Z3 verifier: prove or refute properties of a rule model for any votes.

Public API (used by ``hemicycle verify``)::

    from hemicycle.verify import verify, CATALOGUE, PropertyResult
    results = verify(chamber, ["monotonicity"], parties=5, timeout=60)

See docs/verify.md for the encoding, the property catalogue and the ``.props`` language.
"""

from hemicycle.verify.engine import CounterElection, PropertyResult, Status, run_property, verify
from hemicycle.verify.errors import EncodingMismatch, PropertyError, UnsupportedClause, VerifyError
from hemicycle.verify.properties import CATALOGUE, Property
from hemicycle.verify.report import format_table, render_table, to_json

__all__ = [
    "CATALOGUE",
    "CounterElection",
    "EncodingMismatch",
    "Property",
    "PropertyError",
    "PropertyResult",
    "Status",
    "UnsupportedClause",
    "VerifyError",
    "format_table",
    "render_table",
    "run_property",
    "to_json",
    "verify",
]
