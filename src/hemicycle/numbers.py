"""Exact numbers written for people: thousands separators and decimals without floating point."""

from __future__ import annotations

from fractions import Fraction


def fmt_int(n: int) -> str:
    return f"{n:,}"


def fmt_decimal(x: Fraction | int, places: int = 4) -> str:
    """``x`` rounded half-up to ``places`` decimals, by integer arithmetic only."""
    x = Fraction(x)
    sign = "-" if x < 0 else ""
    x = abs(x)
    scaled = x.numerator * 10**places
    q, r = divmod(scaled, x.denominator)
    if 2 * r >= x.denominator:
        q += 1
    whole, frac = divmod(q, 10**places)
    if places == 0:
        return f"{sign}{whole:,}"
    return f"{sign}{whole:,}.{frac:0{places}d}"


def fmt_exact(x: Fraction | int, places: int = 4) -> str:
    """An integer as is; a fraction as its decimal, marked approximate when it is not exact."""
    x = Fraction(x)
    if x.denominator == 1:
        return fmt_int(x.numerator)
    text = fmt_decimal(x, places)
    exact = x * 10**places
    return text if exact.denominator == 1 else f"{text}…"


def fmt_percent(part: int | Fraction, whole: int | Fraction, places: int = 2) -> str:
    if whole == 0:
        return "–"
    return fmt_decimal(Fraction(part) * 100 / Fraction(whole), places) + "%"


def fmt_share(x: Fraction) -> str:
    """A share such as 7/100 as '7%'."""
    pct = x * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    if (pct * 10**6).denominator == 1:
        return fmt_decimal(pct, 6).rstrip("0").rstrip(".") + "%"
    return f"{x.numerator}/{x.denominator}"
