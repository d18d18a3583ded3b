"""The plan of a sweep: its design points, seeds, batches and the columns of its runs table.

An experiment cell is one uncertainty point and one replicate: every lever (plus 'closed' for
marginal harm, when it is not a lever) runs on the same seed there, so paired outcomes (marginal
harm, regret) are computed inside the cell and no task depends on another. Cells are grouped
into batches fixed by the sweep alone (not by the worker count), so any backend and any number
of workers produce identical part files, and --resume knows exactly what is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.custom_outcomes import SERIES_PREFIX
from sim.outcome_registry import MARGINAL_BASELINE, columns, run_outcomes
from sim.runner import point_seed, replicate_seeds, size_names
from sim.schema import StrategySpec
from sim.sweep.design import Points, make_points
from sim.sweep.spec import SweepSpec


@dataclass
class Plan:
    """Everything decided before any run: points, seeds, batches and the table schema."""

    spec: SweepSpec
    points: Points
    strategies: list[StrategySpec]  # levers, then 'closed' if added for marginal harm
    n_levers: int
    batch_cells: int
    sizes: list[str]

    @property
    def replicates(self) -> int:
        return self.spec.replicates

    @property
    def runs_per_cell(self) -> int:
        return len(self.strategies)

    @property
    def n_cells(self) -> int:
        return len(self.points) * self.replicates

    @property
    def total_runs(self) -> int:
        return self.n_cells * self.runs_per_cell

    @property
    def n_batches(self) -> int:
        return math.ceil(self.n_cells / self.batch_cells)

    def seed(self, point: int, replicate: int) -> int:
        if self.spec.fresh_seeds_per_point:
            return point_seed(self.spec.seed, point, replicate)
        return self._seeds[replicate]

    def __post_init__(self) -> None:
        self._seeds = replicate_seeds(self.spec.seed, self.spec.replicates)

    def cells(self, batch: int) -> list[tuple[int, int, int, dict[str, Any]]]:
        """(point, replicate, seed, overrides) of each cell of a batch, replicate-major: the
        first results cover the whole design, and consecutive cells share a seed, so a worker
        makes the set-up draws once for all the points that leave them unchanged (sim.draws)."""
        lo = batch * self.batch_cells
        out = []
        for c in range(lo, min(lo + self.batch_cells, self.n_cells)):
            rep, point = divmod(c, len(self.points))
            out.append((point, rep, self.seed(point, rep), self.points.overrides(point)))
        return out

    def float_columns(self) -> list[str]:
        """Numeric outcomes of the runs table (sim.outcome_registry), one per size if per size;
        a custom outcome (sim.custom_outcomes) only when this sweep names it."""
        from sim.custom_outcomes import FUNCTIONS

        kept = [o for o in run_outcomes(text=False)
                if o.name not in FUNCTIONS or o.name in self.spec.outcomes]
        return columns(kept, self.sizes)

    def list_columns(self) -> list[str]:
        """Weekly series kept for every run (list columns)."""
        return [f"{SERIES_PREFIX}{name}" for name in self.spec.series]

    def text_columns(self) -> list[str]:
        return columns(run_outcomes(text=True), self.sizes)


def auto_batch_runs(total_runs: int) -> int:
    """Runs per task: about 64 tasks, between 8 and 200 runs each (overhead stays small)."""
    return int(min(200, max(8, math.ceil(total_runs / 64))))


def make_plan(spec: SweepSpec, batch_cells: int | None = None, force: bool = False) -> Plan:
    """The plan of a sweep; beyond the limits of sim.workload refused unless force (checked
    before the design is drawn: a factorial design can have 10^10 points)."""
    from sim.sweep.spec import register_outcomes
    from sim.workload import check_sweep

    check_sweep(spec, f"sweep '{spec.name}'", force)
    register_outcomes(spec)  # a spec read back from a folder: its custom outcomes' columns
    base = spec.base_scenario()
    points = make_points(spec.factors(), spec.design, spec.seed, spec.current_values())
    strategies = list(spec.strategies)
    n_levers = len(strategies)
    if MARGINAL_BASELINE not in spec.labels():
        strategies.append(StrategySpec(kind=MARGINAL_BASELINE))
    rpc = len(strategies)
    if batch_cells is None:
        n_runs = len(points) * spec.replicates * rpc
        per_batch = spec.batch_runs or auto_batch_runs(n_runs)
        batch_cells = max(1, round(per_batch / rpc))
    return Plan(spec, points, strategies, n_levers, batch_cells, size_names(base))
