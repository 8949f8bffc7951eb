"""Numbers written for LaTeX, as the worked steps and the update rules' lessons show them."""

from __future__ import annotations

import math


def tex(x: float, digits: int = 6) -> str:
    """A number for LaTeX: ``digits`` significant digits, powers of ten written out, ∞."""
    if math.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def factor(x: float) -> str:
    """:func:`tex` in parentheses when negative, to stand after a sign or a product."""
    return f"({tex(x)})" if x < 0 else tex(x)
