"""Side-by-side table (published vs measured) and the quality chart of a calibration file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration import Calibration, load_calibration


def side_by_side(cal: Calibration) -> pd.DataFrame:
    """One row per measured detector or judgment figure, with the published figure it matches."""
    m = cal.measurements_frame()
    alias = {a: s.name for s in cal.spec.sizes for a in [s.name, *s.aliases]}
    m["size"] = m["size"].map(lambda s: alias.get(s, s))
    published = m[m["origin"] == "published"].set_index(["size", "measure"])["value"]
    measured = m[(m["origin"] == "measured")
                 & m["measure"].str.match(r"^(tfidf_accuracy|judged_human_share$)")]
    rows = []
    for _, r in measured.iterrows():
        twin = r.get("compare_to") if isinstance(r.get("compare_to"), str) else None
        if r["measure"] == "judged_human_share":
            twin = "human_credibility"
        pub = published.get((r["size"], twin), np.nan) if twin else np.nan
        rows.append({"size": r["size"], "measured": r["measure"], "value": r["value"],
                     "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": r["n"],
                     "auroc": r.get("auroc", np.nan), "published": twin or "",
                     "published_value": pub})
    order = {s.name: i for i, s in enumerate(cal.spec.sizes)}
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(["measured", "size"], key=lambda c: c.map(order) if c.name == "size"
                           else c).reset_index(drop=True)


def quality_table(cal: Calibration, published: Calibration) -> pd.DataFrame:
    """Quality index per size: from published figures only, and from this file."""
    t = cal.table[["size", "parameters", "quality_index", "quality_fit"]].copy()
    t["published_index"] = published.table["quality_index"].to_numpy()
    t["published_fit"] = published.table["quality_fit"].to_numpy()
    return t


def save_chart(cal: Calibration, published: Calibration, out: Path) -> Path:
    """Quality index against parameters: fitted curves, published and measured points (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = cal.table["parameters"].to_numpy()
    grid = np.logspace(np.log10(p.min()) - 0.5, np.log10(p.max()) + 0.5, 200)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(grid, published.quality(grid), "--", color="grey", label="fit, published figures")
    ax.plot(grid, cal.quality(grid), "-", color="C0", label="fit, this calibration")
    ax.scatter(p, published.table["quality_index"], marker="s", color="grey", zorder=3,
               label="quality index, published figures")
    ax.scatter(p, cal.table["quality_index"], marker="o", color="C0", zorder=4,
               label="quality index, with measured figures")
    for name, x, y in zip(cal.table["size"], p, cal.table["quality_index"], strict=True):
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(5, -12), fontsize=8)
    ax.axvspan(grid[0], p.min(), color="0.93")
    ax.axvspan(p.max(), grid[-1], color="0.93")
    ax.set_xscale("log")
    ax.set_xlabel("parameters (log scale); shaded: extrapolation")
    ax.set_ylabel("quality index (1 = human-like)")
    ax.set_ylim(0, 1)
    ax.set_title(f"{cal.family}: quality index and logistic fit over log10(parameters)")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    from sim.outputs import atomic_path

    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, dpi=120, format=out.suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
    return out


def load_pair(path: Path) -> tuple[Calibration, Calibration]:
    """The calibration in path, and the published built-in one to compare with."""
    return load_calibration(str(path)), load_calibration("builtin:gpt2")
