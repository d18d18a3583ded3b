"""release-sim driven from EMA Workbench: `perform_experiments` calls `sim.api.evaluate`.

    python examples/ema_evaluate.py --scenarios 20 --policies 4 --replicates 2

EMA samples the uncertainties (scenarios) and the staged release's spacing (policies); each
experiment is one `evaluate` call, whose outcome means EMA collects. EMA's names must be Python
identifiers, so each parameter maps to release-sim's dotted path through `variable_name`.
The script ends with EMA's PRIM on the results: where does the staged release do more harm
than good (net value below zero)?
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # EMA's optional back-ends (ipyparallel) are not needed
    from ema_workbench import Model, RealParameter, Sample, ScalarOutcome, perform_experiments
    from ema_workbench.analysis import prim

from sim.api import evaluate, load_scenario

REPO = Path(__file__).resolve().parent.parent
OUTCOMES = ("net_value", "harm", "beneficial_value", "marginal_harm")


def make_model(replicates: int, seed: int, horizon_weeks: int = 52) -> Model:
    """An EMA model whose function is one `evaluate` call on a staged-release scenario."""
    scenario = load_scenario(REPO / "scenarios" / "compare_main_strategies.yaml", {
        "horizon_weeks": horizon_weeks, "strategies": [{"kind": "staged", "label": "staged"}]})

    def release_sim(**params: float) -> dict[str, float]:
        levers = {k: v for k, v in params.items() if k.startswith("strategies.")}
        uncertain = {k: v for k, v in params.items() if k not in levers}
        return evaluate(scenario, levers=levers, uncertainties=uncertain,
                        replicates=replicates, seed=seed)

    model = Model("release_sim", function=release_sim)
    model.uncertainties = [
        RealParameter("misuse_elasticity", 1.0, 3.0, variable_name="mapping.misuse_elasticity"),
        RealParameter("replication_weeks", 15, 80,
                      variable_name="other_labs.base_replication_weeks"),
        RealParameter("harm_weight", 0.5, 20, variable_name="harm_weight"),
    ]
    model.levers = [RealParameter("spacing_weeks", 1, 26,
                                  variable_name="strategies.0.spacing_weeks")]
    model.outcomes = [ScalarOutcome(name) for name in OUTCOMES]
    return model


def spacing_policies(n: int) -> list[Sample]:
    """n staged designs, evenly spaced from 1 to 26 weeks between stages."""
    return [Sample(name=f"spacing_{v:g}", spacing_weeks=float(v))
            for v in np.linspace(1, 26, n)]


def main(argv: list[str] | None = None) -> tuple:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--policies", type=int, default=4)
    parser.add_argument("--replicates", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--horizon-weeks", type=int, default=52)
    args = parser.parse_args(argv)
    model = make_model(args.replicates, args.seed, args.horizon_weeks)
    experiments, outcomes = perform_experiments(model, scenarios=args.scenarios,
                                                policies=spacing_policies(args.policies))
    table = experiments[["spacing_weeks"]].assign(**{k: outcomes[k] for k in OUTCOMES})
    print(table.groupby("spacing_weeks").mean().to_string(float_format="{:.4g}".format))
    bad = outcomes["net_value"] < 0
    if bad.any() and not bad.all():
        x = experiments[["misuse_elasticity", "replication_weeks", "harm_weight",
                         "spacing_weeks"]]
        box = prim.Prim(x, bad.astype(int)).find_box()
        print(f"\nPRIM: net value below zero in {bad.sum()} of {len(bad)} experiments")
        print(box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]]
              .tail(3).to_string(float_format="{:.3g}".format))
    return experiments, outcomes


if __name__ == "__main__":
    main()
