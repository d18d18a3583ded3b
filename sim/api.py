"""The Python API: what scripts, notebooks, the CLI and the dashboard call.

from sim.api import load_scenario, run_comparison
scenario = load_scenario("scenarios/compare_main_strategies.yaml", {"replicates": 20})
results = run_comparison(scenario)
results.decision()         # bottom line, expected net value, chance of being best, harm risk,
                           # break-even harm weights (plain data; .to_json())
results.sweep = "out/when_each_wins"   # a finished sweep folder: decision() then says which
                           # assumptions decide the best strategy most (docs/decision.md)
results.summary()          # strategy x outcome: mean and 90% interval
results.paired()           # paired differences against the baseline, with 90% CIs
results.steps, results.sizes, results.runs   # tidy pandas tables

from sim.api import evaluate       # one point, outcome means only: for optimisers and EMA
evaluate(scenario, levers={"strategies.0.spacing_weeks": 8},
         uncertainties={"mapping.misuse_elasticity": 2.5}, replicates=20, seed=1)
"""

from sim.calibration import Calibration, load_calibration
from sim.comparison import run_comparison
from sim.errors import InputError, Interrupted, RunsFailed
from sim.evaluate import evaluate
from sim.results import Results
from sim.runner import replicate_seeds, run_once, run_tasks
from sim.scenario import (
    Scenario,
    load_scenario,
    resolved_scenario,
    scenario_from_dict,
    with_overrides,
)
from sim.strategies import STRATEGIES, LabView, Strategy, register

__all__ = [
    "STRATEGIES",
    "Calibration",
    "InputError",
    "Interrupted",
    "LabView",
    "Results",
    "Scenario",
    "Strategy",
    "evaluate",
    "load_calibration",
    "load_scenario",
    "register",
    "replicate_seeds",
    "RunsFailed",
    "run_comparison",
    "run_once",
    "resolved_scenario",
    "run_tasks",
    "scenario_from_dict",
    "with_overrides",
]
