"""Crowd judgments (MAUVE human evaluation): share of model texts judged the human-written one.

q3 asks which continuation is "more likely to be written by a human"; answers 2a/1a/1b/2b are
definitely A / slightly A (or tie) / slightly B / definitely B (PROVENANCE.md). A pair counts
for the model when the worker chose the model's side, slightly or definitely. 0.5 would mean
the crowd cannot tell model from human text.
"""

from __future__ import annotations

from collections import defaultdict

from sim.measure.readers import Judgment
from sim.measure.stats import wilson

QUESTIONS = {"q1": "more interesting or creative", "q2": "makes more sense",
             "q3": "more likely to be written by a human"}


def judged_shares(judgments: list[Judgment]) -> list[dict]:
    """One row per (size, decoding, question) and one pooled over decodings per (size, question)."""
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for j in judgments:
        for key in ((j.size, j.decoding, j.question), (j.size, "all", j.question)):
            counts[key][0] += int(j.prefers_model)
            counts[key][1] += 1
    rows = []
    for (size, decoding, q), (k, n) in sorted(counts.items()):
        low, high = wilson(k, n)
        rows.append({"size": size, "decoding": decoding, "question": q, "share": k / n,
                     "ci_low": low, "ci_high": high, "n": n, "model_preferred": k})
    return rows
