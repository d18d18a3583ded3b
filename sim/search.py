"""Release-design search: the lever settings that do best over an ensemble of scenarios.

A search file names one strategy to design, the ranges of its settings (levers, dotted paths as
in sweeps), optional reference strategies, the uncertainties and the ensemble of scenarios they
are sampled into, and a goal:

- net_value: maximise the expected net value (mean over scenarios and replicates);
- regret: minimise the worst-case regret over the scenarios (regret in a replicate: the best
  net value among the design and the references minus the design's; Savage's minimax regret);
- pareto: the front of designs that trade one outcome against another (default misuse harm
  against beneficial value), with NSGA-II.

The optimisers are pymoo's (a genetic algorithm for one objective, NSGA-II for a front): the
search only evaluates their populations. Every design is run on every scenario with the same
seeds (common random numbers between designs); each scenario of the ensemble draws its own
replicate seeds, so the scenarios face independent draws of the true world. The runs go
through the sweep's worker function on the sweep's backends, so a design's numbers equal
`evaluate` at the same scenario (`point=` its index in the ensemble), and neither the backend
nor the worker count changes a result. Each generation is checkpointed (pymoo's algorithm with its
random generator) in the output folder, so `--resume` carries on where a stopped search ended
and reaches the same result. Convergence: the hypervolume of the best designs found so far,
against a reference point fixed from the first generation, per generation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import dill
import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from sim.errors import InputError
from sim.outcomes import MARGINAL_BASELINE
from sim.runner import point_seeds
from sim.schema import StrategySpec
from sim.sweep import provenance
from sim.sweep.spec import Design, Strict, SweepSpec, Uncertainty, sweep_from_dict
from sim.yamlio import LineMap, line_of, validate

FORMAT = "release-sim-search/1"


def maximised(objective: str) -> bool:
    """Whether more of an objective is better (max_regret: less is)."""
    from sim.sweep.analysis import maximised as outcome_maximised

    return objective != "max_regret" and outcome_maximised(objective)


class SearchSpec(Strict):
    """A release-design search (docs/sweeps.md, "Searching for the best design")."""

    name: str = Field("search", description="Short name of the search.")
    description: str = Field("", description="What the search asks.")
    scenario: str | dict[str, Any] = Field(
        default_factory=dict,
        description="Base scenario: a scenario file (relative to this file) or a mapping of "
        "scenario fields; its strategies are replaced by the design and the references.",
    )
    set: dict[str, Any] = Field(
        default_factory=dict, description="Fixed changes to the base scenario by dotted path."
    )
    strategy: StrategySpec = Field(
        description="The strategy to design: a name or {kind, label, settings}; the levers "
        "set its settings (strategies.0.<setting>, or by its label)."
    )
    references: list[StrategySpec] = Field(
        default_factory=list,
        description="Strategies the design is compared with in every scenario (for regret).",
    )
    levers: dict[str, Uncertainty] = Field(
        min_length=1,
        description="Ranges searched, by dotted path: the design's settings "
        "(strategies.0.spacing_weeks) or scenario fields the lab chooses (partners.count). "
        "A range (low, high; loguniform searches its logarithm) or a list of values.",
    )
    uncertainties: dict[str, Uncertainty] = Field(
        default_factory=dict,
        description="Uncertain scenario fields by dotted path; sampled into the ensemble.",
    )
    ensemble: Design = Field(
        default_factory=lambda: Design(method="lhs", samples=8),
        description="The scenarios every design is judged on (a design over the uncertainties; "
        "one scenario, the base, when there are none).",
    )
    goal: Literal["net_value", "regret", "pareto"] = Field(
        "net_value",
        description="net_value: maximise the mean net value; regret: minimise the maximum "
        "regret over the scenarios; pareto: the front of pareto_outcomes (NSGA-II).",
    )
    pareto_outcomes: list[str] = Field(
        default_factory=lambda: ["harm", "beneficial_value"], min_length=2,
        description="Outcomes traded off by the pareto goal (each minimised or maximised as "
        "its meaning says: harm down, beneficial value up).",
    )
    replicates: int = Field(4, ge=1, le=10_000, description="Replicates per design and scenario.")
    seed: int = Field(20190214, ge=0, description="Seed of the ensemble, replicates and search.")
    population: int = Field(16, ge=2, le=10_000, description="Designs per generation.")
    generations: int = Field(10, ge=1, le=10_000, description="Generations (the first one is "
                             "the initial sample).")

    @model_validator(mode="before")
    @classmethod
    def _strings(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("strategy"), str):
                data["strategy"] = {"kind": data["strategy"]}
            if isinstance(data.get("references"), list):
                data["references"] = [{"kind": v} if isinstance(v, str) else v
                                      for v in data["references"]]
        return data

    def sweep(self) -> SweepSpec:
        """The search as a sweep over the ensemble (levers: the design, then the references)."""
        return SweepSpec.model_validate({
            "name": self.name, "scenario": self.scenario, "set": self.set,
            "levers": [s.model_dump(exclude_none=True) for s in (self.strategy,
                                                                 *self.references)],
            "uncertainties": {k: v.model_dump(exclude_none=True)
                              for k, v in self.uncertainties.items()},
            "lever_ranges": {k: v.model_dump(exclude_none=True) for k, v in self.levers.items()},
            "design": self.ensemble.model_dump(), "replicates": self.replicates,
            "seed": self.seed,
        })

    def digest(self) -> str:
        """A fingerprint of everything that decides the results (for --resume); the number of
        generations is not part of it, so a finished search can be resumed to run longer."""
        payload = self.model_dump(mode="json", exclude={"name", "description", "generations"})
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def objectives(self) -> list[str]:
        if self.goal == "pareto":
            return list(self.pareto_outcomes)
        return ["net_value"] if self.goal == "net_value" else ["max_regret"]


def load_search_file(path: str | Path) -> SearchSpec:
    """Read, validate and resolve a search YAML file."""
    from sim.sweep.spec import read_experiment_file

    data, lines, name = read_experiment_file(path, "search")
    return search_from_dict(data, name, lines)


def search_from_dict(data: dict[str, Any], name: str = "<search>", lines: LineMap | None = None
                     ) -> SearchSpec:
    """Validate a search given as a mapping; its checks are the sweep's (scenario, strategies,
    lever and uncertainty ranges), with fields named as in the search file."""
    lines = lines or {}
    spec = validate(SearchSpec, data, name, lines)
    rename = {"levers": "strategy", "lever_ranges": "levers", "design": "ensemble"}
    try:
        sweep = sweep_from_dict(spec.sweep().model_dump(mode="json"), name)
    except InputError as exc:
        head, _, rest = exc.field.partition(".")
        head, _, index = head.partition("[")
        if head == "levers" and index:
            head = "strategy" if index.startswith("0]") else f"references[{int(index[:-1]) - 1}]"
        else:
            head = rename.get(head, head)
        field = f"{head}.{rest}" if rest else head
        raise InputError(name, field, exc.message, line_of(lines, tuple(field.split(".")[:2]))
                         ) from None
    if spec.goal == "regret" and not spec.references:
        raise InputError(name, "references", "the regret goal compares the design with "
                         "reference strategies: list at least one (e.g. [full, closed])",
                         line_of(lines, ("goal",)))
    for outcome in spec.pareto_outcomes if spec.goal == "pareto" else []:
        if outcome not in _OUTCOMES:
            raise InputError(name, "pareto_outcomes", f"unknown outcome '{outcome}'; allowed: "
                             f"{', '.join(_OUTCOMES)}", line_of(lines, ("pareto_outcomes",)))
    return spec.model_copy(update={"scenario": sweep.scenario})


_OUTCOMES = ("harm", "gross_harm", "marginal_harm", "beneficial_value", "net_value",
             "share_undetected", "malicious_items", "regret")


# ----------------------------------------------------------------------------- evaluation


class Evaluator:
    """Runs designs over the ensemble on a sweep backend and scores them."""

    def __init__(self, spec: SearchSpec, backend: Any):
        from sim.sweep.design import make_points

        self.spec = spec
        self.sweep = spec.sweep()
        base = self.sweep.base_scenario()
        self.names = list(spec.levers)
        self.current = self.sweep.current_values()
        self.ensemble = make_points(spec.uncertainties, spec.ensemble, spec.seed,
                                    {k: self.current[k] for k in spec.uncertainties})
        labels = [s.name for s in base.strategies]
        runs = [s.model_dump(exclude_none=True) for s in base.strategies]
        if MARGINAL_BASELINE not in labels:
            runs.append({"kind": MARGINAL_BASELINE})
        self.design = labels[0]
        self.payload = {"key": "search:" + spec.digest(), "base": base.model_dump(mode="json"),
                        "strategies": runs, "n_levers": len(labels), "reuse": True}
        self.backend = backend
        # each scenario of the ensemble its own replicate seeds, the same for every design
        self.seeds = [point_seeds(spec.seed, j, spec.replicates) for j in range(len(self.ensemble))]

    def values(self, unit: np.ndarray) -> list[dict[str, Any]]:
        """Lever values of each design (a row of unit-interval coordinates)."""
        from sim.levers import coerce

        cols = {n: self.spec.levers[n].from_unit(unit[:, j]) for j, n in enumerate(self.names)}
        out = []
        for k in range(len(unit)):
            row = {}
            for n in self.names:
                v = cols[n][k]
                v = v.item() if isinstance(v, np.generic) else v
                row[n] = coerce(v, self.current[n])
            out.append(row)
        return out

    def outcomes(self, designs: list[dict[str, Any]]) -> pd.DataFrame:
        """Per design: mean of each outcome over scenarios and replicates, and the maximum
        over scenarios of the replicate-mean regret."""
        n_points = len(self.ensemble)
        cells = []
        for k, levers in enumerate(designs):
            for j in range(n_points):
                overrides = {**self.ensemble.overrides(j), **levers}
                cells += [(k * n_points + j, r, s, overrides)
                          for r, s in enumerate(self.seeds[j])]
        rows = run_batches(self.backend, self.payload, cells, batch_cells=max(1, 64 // len(
            self.payload["strategies"])))
        df = pd.DataFrame([r for r in rows if r["strategy"] == self.design])
        failed = df[df["error"].notna()]
        if len(failed):
            first = failed.iloc[0]
            raise RuntimeError(f"a run of the design failed ({designs[first['point'] // n_points]}"
                               f"): {first['error']}")
        df["design"] = df["point"] // n_points
        per_point = df.groupby(["design", "point"])[list(_OUTCOMES)].mean()
        out = per_point.groupby("design").mean()
        out["max_regret"] = per_point["regret"].groupby("design").max()
        return out.reindex(range(len(designs)))

    def objectives(self, outcomes: pd.DataFrame) -> np.ndarray:
        """pymoo minimises: outcomes to maximise enter with their sign turned."""
        cols = []
        for name in self.spec.objectives():
            sign = -1.0 if maximised(name) else 1.0
            cols.append(sign * outcomes[name].to_numpy(dtype=float))
        return np.column_stack(cols)


def run_batches(backend: Any, payload: dict, cells: list, batch_cells: int) -> list[dict]:
    """Run cells in batches on a sweep backend (at most two batches per worker in flight);
    the rows come back in cell order, whichever process ran them."""
    batches = [cells[i:i + batch_cells] for i in range(0, len(cells), batch_cells)]
    results: dict[int, list[dict]] = {}
    backend.wait_accepting()
    pending: dict[Any, int] = {}
    queue = iter(range(len(batches)))
    while True:
        while len(pending) < 2 * backend.workers:
            b = next(queue, None)
            if b is None:
                break
            pending[backend.submit(payload, batches[b])] = b
        if not pending:
            break
        done, _ = backend.wait_some(set(pending))
        for fut in done:
            results[pending.pop(fut)] = backend.result(fut)
    return [row for b in range(len(batches)) for row in results[b]]


# --------------------------------------------------------------------------------- search


def _algorithm(spec: SearchSpec):
    if spec.goal == "pareto":
        from pymoo.algorithms.moo.nsga2 import NSGA2

        return NSGA2(pop_size=spec.population)
    from pymoo.algorithms.soo.nonconvex.ga import GA

    return GA(pop_size=spec.population, eliminate_duplicates=True)


def _problem(spec: SearchSpec):
    from pymoo.core.problem import Problem

    return Problem(n_var=len(spec.levers), n_obj=len(spec.objectives()), xl=0.0, xu=1.0)


def hypervolume(front: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume (pymoo) of the objective vectors against a reference point (minimising)."""
    from pymoo.indicators.hv import HV

    return float(HV(ref_point=ref)(np.atleast_2d(front)))


def run_search(spec: SearchSpec, out_dir: str | Path, workers: int | None = None,
               scheduler: str | None = None, dask_local: int | None = None,
               resume: bool = False,
               progress: Callable[[dict], None] | None = None) -> SearchResults:
    """Run (or resume) a search into out_dir; progress(row) after each generation."""
    from pymoo.core.evaluator import Evaluator as PymooEvaluator
    from pymoo.problems.static import StaticProblem

    from sim.sweep.backends import make_backend
    from sim.sweep.provenance import model_code_digest

    out = Path(out_dir)
    ckpt = out / "checkpoint.pkl"
    if (out / "search.json").exists():
        if not resume:
            raise InputError(str(out), "", "this folder already holds a search; add --resume to "
                             "finish it, or choose another --out folder")
        held = json.loads((out / "search.json").read_text("utf-8"))
        if held.get("digest") != spec.digest():
            raise InputError(str(out), "", "the search in this folder differs from the one "
                             "given; resume needs the same search file")
        provenance.check_unchanged(out, held.get("fingerprints"), _fingerprints(spec))
    elif out.exists() and any(out.iterdir()):
        raise InputError(str(out), "", "folder is not empty and holds no search; choose an "
                         "empty or new --out folder")
    else:
        out.mkdir(parents=True, exist_ok=True)
        _write_json(out / "search.json", {"format": FORMAT, "digest": spec.digest(),
                                          "model_code": model_code_digest(),
                                          "seed": spec.seed, "git": provenance.git_commit(),
                                          "fingerprints": _fingerprints(spec),
                                          "spec": spec.model_dump(mode="json")})
    problem = _problem(spec)
    if ckpt.exists():
        from pymoo.termination.max_gen import MaximumGenerationTermination

        state = dill.loads(ckpt.read_bytes())
        state["algorithm"].termination = MaximumGenerationTermination(spec.generations)
    else:
        algorithm = _algorithm(spec)
        algorithm.setup(problem, termination=("n_gen", spec.generations), seed=spec.seed,
                        verbose=False)
        state = {"algorithm": algorithm, "history": [], "evaluations": [], "ref": None}
    algorithm = state["algorithm"]
    backend = make_backend(workers, scheduler, dask_local)
    try:
        evaluator = Evaluator(spec, backend)
        while algorithm.has_next():
            pop = algorithm.ask()
            unit = pop.get("X")
            designs = evaluator.values(unit)
            outcomes = evaluator.outcomes(designs)
            f = evaluator.objectives(outcomes)
            PymooEvaluator().eval(StaticProblem(problem, F=f), pop)
            algorithm.tell(infills=pop)
            gen = len(state["history"]) + 1
            if state["ref"] is None:
                lo, hi = f.min(axis=0), f.max(axis=0)
                state["ref"] = hi + 0.1 * np.where(hi > lo, hi - lo, np.maximum(abs(hi), 1.0))
            for k, d in enumerate(designs):
                state["evaluations"].append({"generation": gen, **d,
                                             **outcomes.iloc[k].to_dict()})
            front = algorithm.opt.get("F")
            row = {"generation": gen, "evaluations": len(state["evaluations"]),
                   "hypervolume": hypervolume(front, state["ref"])}
            for name, col in zip(spec.objectives(), front.min(axis=0), strict=True):
                row[f"best_{name}"] = -col if maximised(name) else col
            state["history"].append(row)
            _write_bytes(ckpt, dill.dumps(state))
            _write_tables(out, spec, state)
            if progress:
                progress(row)
    finally:
        backend.close()
    _write_tables(out, spec, state, done=True)
    return SearchResults(out)


def _fingerprints(spec: SearchSpec) -> dict[str, str]:
    sweep = spec.sweep()
    base = sweep.base_scenario()
    return provenance.fingerprints(base.model_dump(mode="json"),
                                   [s.kind for s in base.strategies], sweep.factors(),
                                   spec.digest())


def _write_tables(out: Path, spec: SearchSpec, state: dict, done: bool = False) -> None:
    hist = pd.DataFrame(state["history"])
    _write_csv(out / "history.csv", hist)
    evals = pd.DataFrame(state["evaluations"])
    _write_csv(out / "evaluations.csv", evals)
    best = best_designs(spec, evals)
    _write_csv(out / "best.csv", best)
    meta = json.loads((out / "search.json").read_text("utf-8"))
    meta.update({"generations_done": len(hist), "spec": spec.model_dump(mode="json"),
                 "status": "complete" if done else "running",
                 "reference_point": [float(v) for v in state["ref"]]})
    _write_json(out / "search.json", meta)


def best_designs(spec: SearchSpec, evals: pd.DataFrame) -> pd.DataFrame:
    """The best design (one objective) or the non-dominated designs (pareto) among all
    evaluated, each once."""
    if evals.empty:
        return evals
    names = spec.objectives()
    uniq = evals.drop_duplicates(subset=list(spec.levers)).reset_index(drop=True)
    f = np.column_stack([(-1 if maximised(n) else 1) * uniq[n].to_numpy(float)
                         for n in names])
    if len(names) == 1:
        return uniq.iloc[[int(np.argmin(f[:, 0]))]].reset_index(drop=True)
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    front = NonDominatedSorting().do(f, only_non_dominated_front=True)
    return uniq.iloc[sorted(front, key=lambda i: f[i, 0])].reset_index(drop=True)


class SearchResults:
    """What a search folder holds: history (per generation), evaluations, best designs."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not (self.folder / "search.json").is_file():
            raise InputError(str(self.folder), "", "not a search folder (no search.json); give "
                             "the --out folder of 'release-sim search'")
        self.meta = json.loads((self.folder / "search.json").read_text("utf-8"))
        self.spec = SearchSpec.model_validate(self.meta["spec"])

    def history(self) -> pd.DataFrame:
        return pd.read_csv(self.folder / "history.csv")

    def evaluations(self) -> pd.DataFrame:
        return pd.read_csv(self.folder / "evaluations.csv")

    def best(self) -> pd.DataFrame:
        return pd.read_csv(self.folder / "best.csv")


def _write_bytes(path: Path, data: bytes) -> None:
    import os

    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_csv(path: Path, df: pd.DataFrame) -> None:
    import os

    tmp = path.with_name(f".{path.name}.tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _write_json(path: Path, data: Any) -> None:
    _write_bytes(path, (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode())


__all__ = ["SearchResults", "SearchSpec", "hypervolume", "load_search_file", "run_search",
           "search_from_dict"]
