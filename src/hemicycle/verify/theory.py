"""The theory suite: what the literature establishes about apportionment methods, checked by the
verifier on small houses.

Each :class:`Theorem` names a method (as a rule text), a property of the catalogue (or a
``.props`` formula), the number of lists, a house, the verdict the literature implies and the
source. A proof in the literature holds for every house and every number of votes, so the
verifier must PROVE it for the house chosen; a violation in the literature is an existence
statement, so the house is one where an example exists (the verifier must REFUTE it, with a
counterexample the interpreter confirms). ``tests/test_verify_theory.py`` runs every entry in CI;
``check`` runs one.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from hemicycle.model import Chamber
from hemicycle.verify.engine import PropertyResult, Status, verify

BY = "Balinski & Young, Fair Representation (1982; 2nd ed. 2001)"
PUK = "Pukelsheim, Proportional Representation (2nd ed. 2017)"

METHODS = {
    "Hare (Hamilton)": "allocate largest_remainder quota hare\nties registration_order",
    "D'Hondt (Jefferson)": "allocate dhondt\nties registration_order",
    "Sainte-Lague (Webster)": "allocate sainte_lague\nties registration_order",
    "Adams": "allocate adams\nties registration_order",
}

WEAK_MAJORITY = ("property weak-majority \"More than half the votes: at least half the seats\"\n"
                 "  forall i: 2 * votes[i] > total implies 2 * seats[i] >= house\n")


@dataclass(frozen=True)
class Theorem:
    method: str  # a key of METHODS
    property: str  # a catalogue name, or the name of the property in ``props``
    parties: int
    seats: int
    expect: Status  # PROVED or REFUTED
    claim: str
    source: str
    props: str = ""  # a .props text defining ``property`` (when it is not in the catalogue)

    def chamber(self) -> Chamber:
        from hemicycle.grammar import parse_rules

        body = METHODS[self.method]
        return parse_rules(f'chamber "T" seats {self.seats}\ntier "t" seats {self.seats} '
                           f"{{\n{body}\n}}\n", file=f"{self.method}.elect")


P, R = Status.PROVED, Status.REFUTED
HARE, DH, SL, AD = METHODS

THEOREMS: list[Theorem] = [
    # Hamilton (largest remainder with the Hare quota)
    Theorem(HARE, "lower-quota", 4, 7, P, "Hamilton's method satisfies lower quota",
            f"{BY}, ch. 4 and Appendix A"),
    Theorem(HARE, "upper-quota", 4, 7, P, "Hamilton's method satisfies upper quota",
            f"{BY}, ch. 4 and Appendix A"),
    Theorem(HARE, "house-monotonicity", 2, 7, P,
            "with two lists Hamilton's method is house monotone (it rounds the quota)",
            f"{BY}, ch. 5 (the Alabama paradox needs three states)"),
    Theorem(HARE, "house-monotonicity", 3, 3, R,
            "with three lists Hamilton's method has the Alabama paradox",
            f"{BY}, ch. 5"),
    Theorem(HARE, "population-monotonicity", 3, 5, R,
            "Hamilton's method is not population monotone (the population paradox)",
            f"{BY}, ch. 6 and Appendix A (only divisor methods are population monotone)"),
    # Jefferson (D'Hondt)
    Theorem(DH, "house-monotonicity", 3, 7, P, "every divisor method is house monotone",
            f"{BY}, ch. 6 and Appendix A"),
    Theorem(DH, "population-monotonicity", 3, 5, P,
            "every divisor method is population monotone", f"{BY}, ch. 6 and Appendix A"),
    Theorem(DH, "monotonicity", 3, 7, P,
            "a divisor method never takes a seat from a list that gains votes",
            f"{BY}, ch. 6; {PUK}, sec. 7.3"),
    Theorem(DH, "lower-quota", 4, 7, P, "Jefferson's method satisfies lower quota",
            f"{BY}, Appendix A"),
    Theorem(DH, "upper-quota", 2, 7, P,
            "with two lists Jefferson's method satisfies upper quota (the other list's lower "
            "quota)", f"{BY}, Appendix A"),
    Theorem(DH, "upper-quota", 3, 3, R,
            "from three lists Jefferson's method violates upper quota", f"{BY}, ch. 4 and "
            "Appendix A"),
    Theorem(DH, "weak-majority", 3, 7, P,
            "D'Hondt gives a list with more than half of the votes at least half of the seats",
            f"{PUK}, sec. 12.8 (the majority clause)", WEAK_MAJORITY),
    Theorem(DH, "concordance", 4, 7, P, "divisor methods preserve the order of the votes",
            f"{BY}, ch. 9"),
    # Webster (Sainte-Lague)
    Theorem(SL, "lower-quota", 3, 7, P, "with three lists Webster's method stays within quota",
            f"{BY}, Appendix A"),
    Theorem(SL, "upper-quota", 3, 7, P, "with three lists Webster's method stays within quota",
            f"{BY}, Appendix A"),
    Theorem(SL, "lower-quota", 4, 6, R, "from four lists Webster's method can fall below quota",
            f"{BY}, Appendix A"),
    Theorem(SL, "upper-quota", 4, 3, R, "from four lists Webster's method can exceed quota",
            f"{BY}, Appendix A"),
    Theorem(SL, "house-monotonicity", 3, 7, P, "every divisor method is house monotone",
            f"{BY}, ch. 6 and Appendix A"),
    Theorem(SL, "weak-majority", 3, 3, R,
            "Sainte-Lague can give a list with more than half of the votes fewer than half of "
            "the seats", f"{PUK}, sec. 12.8 (only D'Hondt has the majority clause)",
            WEAK_MAJORITY),
    # Adams
    Theorem(AD, "upper-quota", 4, 6, P, "Adams's method satisfies upper quota",
            f"{BY}, Appendix A"),
    Theorem(AD, "lower-quota", 2, 6, P,
            "with two lists Adams's method satisfies lower quota (the other list's upper quota)",
            f"{BY}, Appendix A"),
    Theorem(AD, "lower-quota", 3, 6, R, "from three lists Adams's method violates lower quota",
            f"{BY}, ch. 4 and Appendix A"),
    Theorem(AD, "house-monotonicity", 3, 6, P, "every divisor method is house monotone",
            f"{BY}, ch. 6 and Appendix A"),
    # every method: the symmetric rules
    Theorem(HARE, "anonymity", 3, 7, P, "the methods treat lists alike (ties aside)",
            f"{BY}, ch. 9 (symmetry)"),
    Theorem(DH, "anonymity", 3, 7, P, "the methods treat lists alike (ties aside)",
            f"{BY}, ch. 9 (symmetry)"),
]


def check(t: Theorem, *, timeout: float = 60.0, search: bool = True) -> PropertyResult:
    """Run the verifier on one entry (``result.status`` should be ``t.expect``)."""
    chamber = t.chamber()
    if not t.props:
        (r,) = verify(chamber, [t.property], parties=t.parties, timeout=timeout, search=search)
        return r
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "theory.props"
        f.write_text(t.props)
        (r,) = verify(chamber, [t.property], parties=t.parties, timeout=timeout,
                      property_file=f, search=search)
    return r
