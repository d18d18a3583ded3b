"""Detectability: a TF-IDF (1-2-gram) + logistic-regression detector, as in the
gpt-2-output-dataset baseline (detection.md), evaluated on held-out folds.

Each document is scored by a detector that never saw it (stratified k-fold, out-of-fold
predictions), so every document counts in the held-out accuracy. Classes are balanced by
sampling, so chance is 0.5. Accuracy gets a Wilson 95% interval; AUROC uses the out-of-fold
scores. Accuracy is also given by document-length bucket and for the held-out documents cut to
their first k words (the same documents, shorter), which isolates the effect of length.

Texts are hashed into 1-2-gram counts once (stateless, so no information crosses folds); the
TF-IDF weights (IDF) and the classifier are fitted on the training folds only. Paired texts (a
model and a human continuation of one prompt) stay in the same fold: otherwise the detector
learns each prompt's topic from one side and is fooled by it on the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from sim.measure.stats import wilson

# Assumption: with 5 folds, 50 documents per class leave 10 per class in each held-out fold and
# 100 held-out predictions overall, so the 95% interval of accuracy is at most about +-0.1.
MIN_DOCS_PER_CLASS = 50
FOLDS = 5
LENGTH_BUCKETS = (0, 64, 128, 256, 512)  # words; the last bucket is open-ended
PREFIX_WORDS = (16, 32, 64, 128, 256)


class TooFewDocs(ValueError):
    """Not enough documents in a class to train and test a detector."""


@dataclass
class DetectorResult:
    n_model: int
    n_human: int
    accuracy: float
    ci_low: float
    ci_high: float
    auroc: float
    by_length: list[dict] = field(default_factory=list)
    by_prefix: list[dict] = field(default_factory=list)


HASHER = HashingVectorizer(ngram_range=(1, 2), n_features=2**20, alternate_sign=False,
                           norm=None)


def make_detector(seed: int) -> tuple[TfidfTransformer, LogisticRegression]:
    """The TF-IDF weighting and the classifier (new, unfitted)."""
    tfidf = TfidfTransformer(sublinear_tf=True)
    # The dual solver is much faster when documents are far fewer than features.
    clf = LogisticRegression(C=10.0, max_iter=2000, solver="liblinear", dual=True,
                             random_state=seed)
    return tfidf, clf


def prefix(text: str, k: int) -> str:
    return " ".join(text.split()[:k])


def evaluate(model_texts: list[str], human_texts: list[str], seed: int = 0,
             model_groups: list[str] | None = None,
             human_groups: list[str] | None = None) -> DetectorResult:
    """Held-out detectability of model texts against human texts (classes balanced).

    Texts with the same group id (e.g. both sides of a prompt) are kept in the same fold.
    """
    rng = np.random.default_rng(seed)
    n = min(len(model_texts), len(human_texts))
    if n < MIN_DOCS_PER_CLASS:
        raise TooFewDocs(
            f"{len(model_texts)} model and {len(human_texts)} human documents; a detector needs "
            f"at least {MIN_DOCS_PER_CLASS} of each"
        )
    pick_m = sorted(rng.choice(len(model_texts), n, replace=False))
    pick_h = sorted(rng.choice(len(human_texts), n, replace=False))
    texts = [model_texts[i] for i in pick_m] + [human_texts[i] for i in pick_h]
    y = np.r_[np.ones(n, dtype=int), np.zeros(n, dtype=int)]
    grouped = model_groups is not None and human_groups is not None
    if grouped:
        groups = [model_groups[i] for i in pick_m] + [human_groups[i] for i in pick_h]
        splits = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=seed).split(
            texts, y, groups)
    else:
        splits = StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(texts, y)
    counts = HASHER.transform(texts).tocsr()
    cut_counts = {k: HASHER.transform([prefix(t, k) for t in texts]).tocsr()
                  for k in PREFIX_WORDS}
    lengths = np.array([len(t.split()) for t in texts])
    scores = np.zeros(len(texts))
    prefix_pred = {k: np.zeros(len(texts), dtype=int) for k in PREFIX_WORDS}
    for train, test in splits:
        # Keep n-grams seen in at least two training documents (min_df=2 of detection.md's
        # TfidfVectorizer baseline); it also makes fitting several times faster.
        keep = np.flatnonzero((counts[train] > 0).sum(axis=0).A1 >= 2)
        tfidf, clf = make_detector(seed)
        clf.fit(tfidf.fit_transform(counts[train][:, keep]), y[train])
        scores[test] = clf.decision_function(tfidf.transform(counts[test][:, keep]))
        for k in PREFIX_WORDS:
            cut = tfidf.transform(cut_counts[k][test][:, keep])
            prefix_pred[k][test] = clf.predict(cut)
    correct = (scores > 0).astype(int) == y
    k_right = int(correct.sum())
    low, high = wilson(k_right, len(y))
    return DetectorResult(
        n_model=n, n_human=n, accuracy=k_right / len(y), ci_low=low, ci_high=high,
        auroc=float(roc_auc_score(y, scores)),
        by_length=_by_length(lengths, correct),
        by_prefix=[_row(f"first {k} words", prefix_pred[k] == y) | {"words": k}
                   for k in PREFIX_WORDS],
    )


def _row(label: str, correct: np.ndarray) -> dict:
    k, n = int(correct.sum()), int(correct.size)
    low, high = wilson(k, n)
    return {"bucket": label, "n": n, "accuracy": k / n if n else float("nan"),
            "ci_low": low, "ci_high": high}


def _by_length(lengths: np.ndarray, correct: np.ndarray) -> list[dict]:
    edges = [*LENGTH_BUCKETS, np.inf]
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (lengths >= lo) & (lengths < hi)
        if mask.any():
            label = f"{lo}+ words" if np.isinf(hi) else f"{lo}-{int(hi) - 1} words"
            rows.append(_row(label, correct[mask]) | {"min_words": lo})
    return rows
