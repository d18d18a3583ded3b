"""When does each strategy win? The regions of a sweep's uncertainties where each lever has the
highest expected outcome (its mean over the replicates of a point).

Each point of the design gets its winner. A shallow multiclass decision tree (scikit-learn,
Breiman et al. 1984) over the uncertainties' values partitions the design into a few boxes,
each labelled with the lever that wins most of its points: a readable map of the assumptions,
with, for each lever, the boxes it wins, their coverage (share of the lever's winning points
inside them) and density (share of the boxes' points that the lever wins). A lever that wins
no point is reported with the lever that beats it where it comes closest and its smallest
regret, so that the reader sees how close it comes and to what; it is called dominated only
when no harm weight would make it best at any point (below).

Net value is benefit - harm_weight x harm, a line in the harm weight, so at each point a lever
can be best for some harm weight only if it lies on the upper envelope of the levers' lines
(mean benefit and harm at the point). `best_at_some_weight` reports the share of points where it
does: a lever at 0% is dominated at every harm weight, whatever the value judgement, by a
lever that gives more benefit for the same harm or less harm for the same benefit, or by the
pair of levers on either side of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.sweep.results import SweepResults


@dataclass
class Regions:
    """Winners per point, the boxes of the tree, and one row per lever."""

    outcome: str
    points: int
    winners: pd.Series  # point -> winning lever
    boxes: pd.DataFrame  # box, rule, points, winner, density
    levers: pd.DataFrame  # strategy, share_best, best_at_some_weight, region, coverage, ...
    features: list[str] = field(default_factory=list)
    # lever -> the middle half of its winning points on the two assumptions that set them
    # apart most: [(assumption, 25th percentile, 75th percentile)] (the column 'typical'
    # says it in a line); empty for a lever that wins fewer than five points
    typical_ranges: dict[str, list[tuple[str, float, float]]] = field(default_factory=dict)


def point_winners(means: pd.DataFrame, maximise: bool = True) -> pd.Series:
    """The lever with the best mean outcome at each point (ties: the first listed)."""
    table = means.dropna(how="all")
    return table.idxmax(axis=1) if maximise else table.idxmin(axis=1)


def winning_regions(
    results: SweepResults, outcome: str = "net_value", depth: int = 3, min_leaf: int | None = None
) -> Regions:
    """Regions where each lever wins on outcome (maximised: net value, benefit)."""
    from sim.sweep.analysis import maximised, point_means

    means = point_means(results, outcome)
    maximise = maximised(outcome)
    winners = point_winners(means, maximise)
    features = [u for u in results.uncertainties]
    design = results.points().set_index("point").loc[winners.index, features]
    numeric = design.apply(pd.to_numeric, errors="coerce").astype(float).fillna(0.0)
    _, nodes, boxes = fit_boxes(numeric, winners, depth, min_leaf)
    regret = (means.max(axis=1).to_numpy()[:, None] - means) if maximise else (
        means - means.min(axis=1).to_numpy()[:, None])
    envelope = _on_envelope(results, list(means.columns)) if outcome == "net_value" else None
    rows = []
    ranges = {}
    for lever in means.columns:
        won = winners == lever
        ranges[lever] = _typical(results, winners.index[won])
        mine = boxes[boxes["winner"] == lever]
        in_boxes = np.isin(nodes, mine["_node"].to_numpy())
        row = {
            "strategy": lever,
            "share_best": float(won.mean()),
            "best_at_some_weight": float(envelope[lever].mean()) if envelope is not None
            else np.nan,
            "typical": _typical_line(ranges[lever], int(won.sum())) if won.any() else "",
            "region": " or ".join(f"[{r}]" for r in mine["rule"]) if len(mine) else "",
            "coverage": float((won & in_boxes).sum() / won.sum()) if won.any() else np.nan,
            "density": float((won & in_boxes).sum() / in_boxes.sum()) if in_boxes.any()
            else np.nan,
            "beaten_by": "",
            "least_regret": float(regret[lever].min()),
            "median_regret": float(regret[lever].median()),
        }
        if not won.any():  # who wins where this lever comes closest
            row["beaten_by"] = str(winners.loc[regret[lever].idxmin()])
        rows.append(row)
    levers = pd.DataFrame(rows).sort_values("share_best", ascending=False, kind="stable")
    return Regions(outcome, len(winners), winners, boxes.drop(columns=["_node", "_leaves"]),
                   levers.reset_index(drop=True), features, ranges)


def fit_boxes(design: pd.DataFrame, winners: pd.Series, depth: int = 3,
              min_leaf: int | None = None) -> tuple[Any, np.ndarray, pd.DataFrame]:
    """A shallow tree over the design (numeric columns, one row per point) that predicts each
    point's winner: (tree, box node of each point, boxes). Two sibling leaves won by the same
    lever are one box (their parent), bottom up, so that the map says 'x <= 10' once rather
    than 'x <= 5' and '5 < x <= 10' for the same winner. Boxes: box, rule, points, winner (the
    lever that wins most of the box's points), density (the share it wins), _node (tree node)
    and _leaves (the tree's leaves inside it). A leaf holds at least min_leaf points (default:
    a twentieth of the points, at least 3)."""
    from sklearn.tree import DecisionTreeClassifier

    leaf = max(3, min_leaf or len(winners) // 20)
    x = design.to_numpy(dtype=float)
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf, random_state=0)
    tree.fit(x, winners.to_numpy())
    leaves = tree.apply(x)
    t = tree.tree_

    def top(inside: set[int]) -> str:
        return str(winners[np.isin(leaves, list(inside))].value_counts().index[0])

    def boxes_under(node: int) -> list[tuple[int, set[int]]]:
        if t.children_left[node] == t.children_right[node]:
            return [(node, {node})]
        left, right = boxes_under(t.children_left[node]), boxes_under(t.children_right[node])
        if len(left) == len(right) == 1 and top(left[0][1]) == top(right[0][1]):
            return [(node, left[0][1] | right[0][1])]
        return left + right

    found = boxes_under(0)
    node_of_leaf = {lf: node for node, inside in found for lf in inside}
    nodes = np.array([node_of_leaf[lf] for lf in leaves])
    rules = _node_rules(tree, list(design.columns))
    box_rows = []
    for i, (node, inside) in enumerate(found):
        counts = winners[nodes == node].value_counts()
        box_rows.append({"box": i + 1, "rule": rules[node], "points": int(counts.sum()),
                         "winner": str(counts.index[0]),
                         "density": float(counts.iloc[0] / counts.sum()),
                         "_node": node, "_leaves": sorted(inside)})
    return tree, nodes, pd.DataFrame(box_rows)


def _on_envelope(results: SweepResults, levers: list[str]) -> pd.DataFrame:
    """Per point and lever: whether some harm weight >= 0 makes it best (upper envelope of
    the lines benefit - w x harm, from the point's mean benefit and harm)."""
    from sim.sweep.analysis import point_means

    benefit = point_means(results, "beneficial_value")[levers]
    harm = point_means(results, "harm")[levers]
    on = np.zeros(benefit.shape, dtype=bool)
    for row, (b, h) in enumerate(zip(benefit.to_numpy(), harm.to_numpy(), strict=True)):
        if np.isnan(b).any() or np.isnan(h).any():
            continue
        weights = [0.0, 1e12]  # the envelope bends only where two lines cross
        for i in range(len(b)):
            for j in range(i + 1, len(b)):
                if h[i] != h[j] and (w := (b[i] - b[j]) / (h[i] - h[j])) > 0:
                    weights += [w * (1 - 1e-9), w * (1 + 1e-9)]
        net = b[None, :] - np.array(weights)[:, None] * h[None, :]  # one row per weight
        top = net.max(axis=1, keepdims=True)
        best = net >= top - 1e-12 * np.maximum(1.0, np.abs(top))
        alone = best.sum(axis=1) == 1  # a weight at which one lever alone is best
        on[row, best[alone].argmax(axis=1)] = True
    return pd.DataFrame(on, index=benefit.index, columns=levers)


def _typical(results: SweepResults, points: pd.Index) -> list[tuple[str, float, float]]:
    """The two assumptions whose values at these points differ most from the design as a
    whole, with their interquartile range there; fewer than five points are too few to
    describe (an empty list)."""
    if len(points) < 5:
        return []
    design = results.points().set_index("point")
    shifts = {}
    for name in results.uncertainties:
        unit = design.get(f"u:{name}")
        if unit is None or not np.issubdtype(unit.dtype, np.number):
            continue
        shifts[name] = abs(float(unit.loc[points].median()) - 0.5)
    out = []
    for name in sorted(shifts, key=shifts.get, reverse=True)[:2]:
        values = pd.to_numeric(design.loc[points, name], errors="coerce").astype(float)
        out.append((name, float(values.quantile(0.25)), float(values.quantile(0.75))))
    return out


def _typical_line(ranges: list[tuple[str, float, float]], points: int) -> str:
    """'the middle half of its points: a x to y, b ...', or why there is none."""
    if points < 5:
        return f"{points} points, too few to describe a region"
    parts = [f"{name} {_num(low)} to {_num(high)}" for name, low, high in ranges]
    return "the middle half of its points: " + ", ".join(parts) if parts else ""


def _node_rules(tree, names: list[str]) -> dict[int, str]:
    """The path to each node of the tree as 'a <= x and b > y' ('everywhere' at the root)."""
    t = tree.tree_
    out: dict[int, str] = {}

    def walk(node: int, conds: list[str]) -> None:
        out[node] = " and ".join(_merge(conds)) or "everywhere"
        if t.children_left[node] == t.children_right[node]:
            return
        name, thr = names[t.feature[node]], t.threshold[node]
        walk(t.children_left[node], [*conds, f"{name} <= {_num(thr)}"])
        walk(t.children_right[node], [*conds, f"{name} > {_num(thr)}"])

    walk(0, [])
    return out


def _merge(conds: list[str]) -> list[str]:
    """Keep the tightest bound per name and side: 'x <= 3 and x <= 2' reads 'x <= 2'."""
    tight: dict[tuple[str, str], float] = {}
    for c in conds:
        name, op, value = c.rsplit(" ", 2)
        v = float(value.replace(",", ""))
        key = (name, op)
        tight[key] = min(tight.get(key, v), v) if op == "<=" else max(tight.get(key, v), v)
    return [f"{name} {op} {_num(v)}" for (name, op), v in tight.items()]


def _num(x: float) -> str:
    return f"{x:,.3g}" if abs(x) < 1e4 else f"{x:,.0f}"


def sentences(regions: Regions) -> list[str]:
    """One plain line per lever: where it wins, or that it never does and how close it comes."""
    out = []
    for r in regions.levers.itertuples():
        boxes = regions.boxes.index[regions.boxes["winner"] == r.strategy] + 1
        some = ("" if np.isnan(r.best_at_some_weight) else
                f"; best for some harm weight at {r.best_at_some_weight:.0%} of them")
        if r.share_best > 0:
            where = (f"boxes {', '.join(map(str, boxes))}" if len(boxes) else r.typical)
            out.append(f"{r.strategy}: best at {r.share_best:.0%} of {regions.points} "
                       f"scenarios{some} ({where})")
        else:
            out.append(f"{r.strategy}: never best{some}; it comes closest (regret "
                       f"{_num(r.least_regret)}, median {_num(r.median_regret)}) where "
                       f"{r.beaten_by} wins")
    return out


def markdown(regions: Regions, explanations: dict[str, str] | None = None) -> str:
    """The regions as Markdown: the map (boxes) and one line per lever."""
    explanations = explanations or {}
    lines = [
        f"Winner at each of {regions.points} points: the strategy with the highest mean "
        f"{regions.outcome} over the point's replicates. Boxes come from a depth-3 decision "
        "tree over the assumptions; density is the share of a box's points its winner wins.",
        "",
        "| box | where | points | winner | density |",
        "|---|---|---|---|---|",
    ]
    for b in regions.boxes.itertuples():
        lines.append(f"| {b.box} | {b.rule} | {b.points} | {b.winner} | {b.density:.0%} |")
    lines += ["", "| strategy | best at | best for some harm weight at | its boxes (coverage, "
              "density) or where it wins | if never best |", "|---|---|---|---|---|"]
    for r in regions.levers.itertuples():
        boxes = (f"{r.region} ({r.coverage:.0%}, {r.density:.0%})" if r.region else
                 f"wins no box; {r.typical}" if r.share_best > 0 else "")
        never = ""
        if r.share_best == 0:
            # dominated only when no harm weight makes it best at any point (the envelope)
            word = ("dominated" if r.best_at_some_weight == 0 else
                    "never best at the points' harm weights")
            never = (f"{word}: smallest regret {_num(r.least_regret)}, median "
                     f"{_num(r.median_regret)}, behind {r.beaten_by} where it comes closest")
            if r.strategy in explanations:
                never += f". {explanations[r.strategy]}"
        envelope = "" if np.isnan(r.best_at_some_weight) else f"{r.best_at_some_weight:.0%}"
        lines.append(f"| {r.strategy} | {r.share_best:.0%} of points | {envelope} of points | "
                     f"{boxes} | {never} |")
    return "\n".join(lines)
