"""Text statistics of a set of documents: length, distinct-n and within-document repetition.

Words are lower-cased whitespace tokens: crude, but the same for human and model text, and it
needs no tokenizer download. distinct-n (Li et al. 2016) is unique n-grams over all n-grams
within a document; repetition is the share of a document's 4-grams that repeat an earlier one
(degenerate loops of pure sampling and low temperature push it up).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def words(text: str) -> list[str]:
    return text.lower().split()


def _grams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*(tokens[i:] for i in range(n)), strict=False))


def distinct_n(tokens: list[str], n: int) -> float:
    grams = _grams(tokens, n)
    return len(set(grams)) / len(grams) if grams else float("nan")


def repetition(tokens: list[str], n: int = 4) -> float:
    return 1.0 - distinct_n(tokens, n) if len(tokens) >= n else float("nan")


def text_stats(texts: Iterable[str]) -> dict[str, float]:
    """Mean per-document statistics (and length quantiles) over texts."""
    rows = []
    for t in texts:
        tok = words(t)
        rows.append((len(tok), len(t), distinct_n(tok, 1), distinct_n(tok, 2), distinct_n(tok, 3),
                     repetition(tok, 4)))
    if not rows:
        return {}
    a = np.array(rows, dtype=float)
    return {
        "docs": len(rows),
        "mean_words": float(a[:, 0].mean()),
        "median_words": float(np.median(a[:, 0])),
        "mean_chars": float(a[:, 1].mean()),
        "distinct_1": float(np.nanmean(a[:, 2])),
        "distinct_2": float(np.nanmean(a[:, 3])),
        "distinct_3": float(np.nanmean(a[:, 4])),
        "repetition_4gram": float(np.nanmean(a[:, 5])),
    }
