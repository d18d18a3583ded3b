"""Charts of a sweep's analysis as PNG files: sensitivity per outcome, regret per lever and the
scenario-discovery scatter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcome_registry import label
from sim.sweep.analysis.global_sensitivity import sensitivity
from sim.sweep.analysis.points import _features, point_means, ranked
from sim.sweep.analysis.regret import regret_table
from sim.sweep.results import SweepResults


def save_charts(results: SweepResults, folder: str | Path, outcomes: list[str],
                discovery: pd.DataFrame | None = None,
                sensitivities: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Save PNG charts: sensitivity per outcome, regret per lever, the discovery scatter.
    sensitivities: tables already computed by `sensitivity`, by outcome (the rest are
    computed here)."""
    sensitivities = sensitivities or {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for outcome in outcomes:
        if ranked(outcome):  # an information outcome has no regret; its sensitivity below
            fig, ax = plt.subplots(figsize=(7, 4))
            reg = regret_table(results, outcome)
            levers = list(dict.fromkeys(reg["strategy"]))
            ax.boxplot([reg.loc[reg["strategy"] == s, "regret"].dropna() for s in levers])
            ax.set_xticks(range(1, len(levers) + 1), levers, rotation=20)
            ax.set_ylabel(f"regret in {label(outcome)}")
            ax.set_title(f"Regret across {reg['point'].nunique()} scenarios (lower is better)")
            saved.append(_save(fig, folder / f"regret_{outcome}.png"))
        try:
            sens = sensitivities.get(outcome)
            if sens is None and results.factors:
                sens = sensitivity(results, outcome)
        except ValueError:  # too few points, or points without outcome: no chart, as no table
            sens = None
        if sens is not None:
            key = sens["index"].iloc[0]
            if "ST" in set(sens["index"]):
                key = "ST"
            sub = sens[sens["index"] == key]
            piv = sub.pivot(index="parameter", columns="strategy", values="value")
            err = sub.pivot(index="parameter", columns="strategy", values="conf")
            fig, ax = plt.subplots(figsize=(7, 4))
            piv.plot.barh(ax=ax, xerr=err)
            ax.set_xlabel(f"{key} of {outcome} (95% interval)")
            ax.set_title(f"Sensitivity of {outcome}")
            saved.append(_save(fig, folder / f"sensitivity_{outcome}.png"))
    if discovery is not None and len(discovery):
        saved.append(_discovery_chart(results, discovery, folder, plt))
    return saved


def _discovery_chart(results: SweepResults, box: pd.DataFrame, folder: Path, plt: Any) -> Path:
    attrs = box.attrs
    names = list(box.sort_values("restricted", ascending=False)["uncertainty"][:2])
    means = point_means(results, attrs["outcome"])
    x, _ = _features(results)
    diff = means[attrs["strategy"]] - means[attrs["versus"]]
    loses = (diff < 0) if attrs["maximize"] else (diff > 0)
    fig, ax = plt.subplots(figsize=(6, 5))
    xs = x[names[0]]
    ys = x[names[1]] if len(names) > 1 else np.zeros(len(x))
    ax.scatter(xs[~loses], ys[~loses], c="tab:blue", s=14, label="does not lose")
    ax.scatter(xs[loses], ys[loses], c="tab:red", s=14, label="loses")
    b = box.set_index("uncertainty")
    if b.loc[names[0], "low"] is not None and len(names) > 1:
        x0, x1 = float(b.loc[names[0], "low"]), float(b.loc[names[0], "high"])
        y0, y1 = float(b.loc[names[1], "low"]), float(b.loc[names[1], "high"])
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="black", lw=1.5))
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1] if len(names) > 1 else "")
    ax.set_title(f"Where {attrs['strategy']} loses to {attrs['versus']} ({attrs['outcome']})")
    ax.legend()
    return _save(fig, folder / "scenario_discovery.png")


def _save(fig: Any, path: Path) -> Path:
    import os

    import matplotlib.pyplot as plt

    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    fig.tight_layout()
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path
