"""Write a measured calibration file: the published GPT-2 calibration plus measured values.

The file keeps every published measurement (origin: published) so reports show both, adds the
measured ones (origin: measured) and a quality index that includes the measured crowd-judgment
share, and records provenance: input hashes, counts, library versions, date and command.
Measure names are documented in docs/calibration.md.
"""

from __future__ import annotations

import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import yaml

from sim.calibration import calibration_text
from sim.measure.detector import FOLDS, MIN_DOCS_PER_CLASS
from sim.measure.pipeline import MeasureResult

# Measured detector settings that match a published row of detection.md.
PUBLISHED_TWIN = {"k40": "tfidf_accuracy_topk40", "temp1": "tfidf_accuracy_temp1"}
STAT_MEASURES = ("mean_words", "distinct_2", "repetition_4gram")
QUESTION_MEASURE = {"q3": "judged_human_share", "q2": "judged_sense_share",
                    "q1": "judged_interesting_share"}
SOURCE = "release-sim calibrate measure"


def _r(x: float, digits: int = 4) -> float:
    return round(float(x), digits)


def measured_rows(result: MeasureResult) -> list[dict]:
    """Measurements (origin: measured) for every size and decoding that could be measured."""
    rows: list[dict] = []
    for g in result.groups:
        base = {"origin": "measured", "source": "measured", "decoding": g.decoding,
                "setting": g.setting}
        for stat in STAT_MEASURES:
            if stat in g.stats:
                name = f"{stat}_{'paired_' if g.setting == 'paired' else ''}{g.decoding}"
                rows.append({"size": g.size, "measure": name, "value": _r(g.stats[stat]),
                             "n": int(g.stats["docs"]), **base})
        d = g.detector
        if d is None:
            continue
        name = (f"tfidf_accuracy_paired_{g.decoding}" if g.setting == "paired"
                else f"tfidf_accuracy_measured_{g.decoding}")
        row = {"size": g.size, "measure": name, "value": _r(d.accuracy), "ci_low": _r(d.ci_low),
               "ci_high": _r(d.ci_high), "n": d.n_model + d.n_human, **base,
               "auroc": _r(d.auroc), "docs_per_class": d.n_model,
               "by_length": [{k: (_r(v) if isinstance(v, float) else v) for k, v in b.items()}
                             for b in d.by_length],
               "by_prefix": [{k: (_r(v) if isinstance(v, float) else v) for k, v in b.items()}
                             for b in d.by_prefix]}
        if g.setting == "webtext" and g.decoding in PUBLISHED_TWIN:
            row["compare_to"] = PUBLISHED_TWIN[g.decoding]
        rows.append(row)
    for j in result.judgments:
        measure = QUESTION_MEASURE[j["question"]]
        if j["decoding"] != "all":
            measure = f"{measure}_{j['decoding']}"
        rows.append({"size": j["size"], "measure": measure, "value": _r(j["share"]),
                     "ci_low": _r(j["ci_low"]), "ci_high": _r(j["ci_high"]), "n": j["n"],
                     "origin": "measured", "source": "mauve_human_eval",
                     "decoding": j["decoding"], "question": j["question"]})
    return rows


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("release-sim", "scikit-learn", "numpy", "pandas", "scipy", "pyyaml"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def provenance(result: MeasureResult, command: str | None) -> dict:
    root = Path(result.root)
    base = root if root.is_dir() else root.parent

    def rel(p: str) -> str:
        try:
            return str(Path(p).relative_to(base))
        except ValueError:
            return p

    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command or " ".join(sys.argv),
        "data_dir": str(root.resolve()),
        "max_docs_per_group": result.max_docs,
        "seed": result.seed,
        "detector": (f"TF-IDF 1-2-grams (hashed, min_df 2, sublinear tf) + logistic regression "
                     f"(C=10), stratified {FOLDS}-fold out-of-fold predictions; classes "
                     f"balanced; at least {MIN_DOCS_PER_CLASS} documents per class"),
        "libraries": library_versions(),
        "inputs": [{"path": rel(f.path), "format": f.format, "sha256": f.sha256,
                    "bytes": f.bytes or Path(f.path).stat().st_size, "records": f.records,
                    **({"skipped_lines": f.skipped_lines} if f.skipped_lines else {})}
                   for f in result.files],
        "samples": [{"size": g.size, "decoding": g.decoding, "setting": g.setting,
                     "docs_read": g.docs_seen,
                     "docs_used": g.detector.n_model if g.detector else 0}
                    for g in result.groups],
        "human_text_stats": {k: {s: _r(v) for s, v in st.items()}
                             for k, st in result.human_stats.items()},
        "problems": [str(p) for p in result.problems],
    }


def calibration_dict(result: MeasureResult, command: str | None = None) -> dict:
    """The measured calibration: published GPT-2 figures, measured figures, provenance."""
    text, _ = calibration_text("builtin:gpt2")
    cal = yaml.safe_load(text)
    for m in cal["measurements"]:
        m.setdefault("origin", "published")
    rows = measured_rows(result)
    cal["description"] = (
        "Published GPT-2 measurements (origin: published) beside measurements made by "
        "release-sim from text samples (origin: measured). The quality index adds the measured "
        "crowd-judgment share to the published components (docs/calibration.md).")
    cal["sources"]["measured"] = (f"{SOURCE} on {result.root}: held-out detector accuracy and "
                                  "text statistics per size and decoding.")
    cal["sources"]["mauve_human_eval"] = (
        "Pillutla et al. 2021 (MAUVE) human evaluation pairs, q3 'more likely written by a "
        "human'; share of pairs where the worker chose the GPT-2 text, computed by release-sim.")
    cal["measurements"] = cal["measurements"] + rows
    sizes_with_share = {r["size"] for r in rows if r["measure"] == "judged_human_share"}
    if len(sizes_with_share) >= 2:
        cal["quality_index"]["components"].append(
            {"measure": "judged_human_share", "transform": "judged_human_share", "weight": 1.0})
    cal["quality_index"]["prefer"] = "measured"
    cal["provenance"] = provenance(result, command)
    return cal


def write_calibration(cal: dict, out: Path) -> None:
    from sim.outputs import write_text

    header = ("# Measured calibration written by `release-sim calibrate measure`; see the "
              "provenance block at the end.\n")
    write_text(out, header + yaml.safe_dump(cal, sort_keys=False, allow_unicode=True,
                                            width=100))
