"""Numbers as people read them, in one format everywhere a comparison is shown.

The CLI tables, the decision summary, the reports and the dashboard all print numbers through
these functions, so the same value reads the same in each: three significant figures,
thousands separated, large counts in words ('32.5 million', '1.5 billion'), never '-0' and
never an exponent. A difference of two shares is in percentage points ('-13 pp'), not in
percent: 13% of what would be ambiguous.

This module imports nothing from the model.
"""

from __future__ import annotations

import math

WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _scale(x: float, digits: int) -> tuple[float, str]:
    """The word a number of this size is written with (1e6, 'million'), or (1.0, '') below a
    million; a value that rounds up to a million at `digits` figures counts as one."""
    return next(((size, word) for size, word in WORDS
                 if abs(x) >= size * (1 - 0.5 * 10.0 ** -digits)), (1.0, ""))


def number(x: float | None, digits: int = 3) -> str:
    """x to `digits` significant figures: '0.0592', '30.4', '226', '3,093', '32.5 million',
    '1.5 billion'; 'n/a' for a missing or infinite value."""
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    x = float(x)
    if x == 0 or abs(x) < 10.0 ** (-(digits + 3)):
        return "0"
    size, word = _scale(x, digits)
    if word:
        return f"{_sig(x / size, digits)} {word}"
    if abs(x) >= 10 ** digits:  # whole numbers below a million: separated, not rounded away
        return f"{x:,.0f}"
    return _sig(x, digits)


def signed(x: float | None, digits: int = 3) -> str:
    """A difference with its sign: '+3.25', '-13.3', '+32.5 million'; '0' for none."""
    text = number(x, digits)
    return text if text in ("0", "n/a") or text.startswith("-") else "+" + text


def points(share_difference: float | None, digits: int = 2) -> str:
    """A difference of two shares (0-1) in percentage points: -0.13 -> '-13 pp'."""
    if share_difference is None or not math.isfinite(float(share_difference)):
        return "n/a"
    return f"{signed(100 * float(share_difference), digits)} pp"


def share(x: float | None) -> str:
    """A share (0-1) as a whole percentage: 0.175 -> '18%'."""
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    return f"{100 * float(x):.0f}%"


def interval(mean: float | None, low: float | None, high: float | None, *,
             sign: bool = False, digits: int = 3, sep: str = ", ") -> str:
    """'mean [low, high]' (signed for a difference); the mean alone when the interval cannot
    be estimated (one replicate: low and high are missing) or all three read the same."""
    show = signed if sign else number
    if any(v is None or not math.isfinite(float(v)) for v in (low, high)):
        return show(mean, digits)
    values = [float(v) for v in (mean, low, high)]
    # one scale for all three: '0.74 million [0.2 million, 3.41 million]', not '739,864 [...]'
    size, word = _scale(max(abs(v) for v in values), digits)
    if word:
        m, lo, hi = (t if t == "0" else f"{t} {word}"
                     for t in (show(v / size, digits) for v in values))
    else:
        m, lo, hi = (show(v, digits) for v in values)
    return m if lo == hi == m else f"{m} [{lo}{sep}{hi}]"


def _sig(x: float, digits: int) -> str:
    """x rounded to `digits` significant figures, in fixed notation ('0.000123', '45.6')."""
    exponent = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - exponent)
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text
