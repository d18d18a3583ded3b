"""A comparison: every strategy of a scenario for every replicate, from resolved inputs to Results.

The scenario's inputs are resolved once (sim.inputs: its family and the runs each replicate
makes) and passed down to the work estimate, every run and the tables, so a comparison loads
its calibration and sorts its sizes once.
"""

from __future__ import annotations

import time

from sim.errors import Interrupted, RunsFailed, signal_number
from sim.inputs import Resolved, resolve
from sim.results import Results
from sim.runner import Progress, RunResult, describe_error, run_once, run_tasks
from sim.schema import Scenario
from sim.workload import check_comparison


def run_comparison(scenario: Scenario, progress: Progress | None = None,
                   force: bool = False, inputs: Resolved | None = None) -> Results:
    """Run every strategy of the scenario for every replicate, in this process.

    Work beyond the limits of sim.workload is refused (InputError) unless force. A run that
    raises (typically a strategy of the user's own) is recorded and the others go on; at the
    end RunsFailed lists the failures and holds the Results of the runs that finished. Ctrl-C
    or SIGTERM raises Interrupted holding the Results of the replicates that finished.
    inputs: the scenario's resolved inputs, when the caller resolved them already.
    """
    inputs = inputs or resolve(scenario)  # a bad calibration fails here, before any run
    check_comparison(scenario, f"scenario '{scenario.name}'", force, inputs)
    tasks = run_tasks(scenario, inputs.arms)
    started = time.perf_counter()
    out: list[RunResult] = []
    failures: list[dict] = []
    try:
        for k, (arm, rep, seed) in enumerate(tasks):
            try:
                out.append(run_once(scenario, arm.spec, rep, seed, arm.learns, inputs.family))
            except Exception as exc:  # noqa: BLE001 - recorded with its run, reported at the end
                failures.append({"strategy": arm.name, "replicate": rep, "seed": seed,
                                 "error": describe_error(exc)})
            if progress:
                progress(k + 1, len(tasks))
    except KeyboardInterrupt as exc:
        finished = (len(out) + len(failures)) // len(inputs.arms)  # tasks are replicate-major
        kept = [r for r in out if r.replicate < finished]
        partial = scenario.model_copy(update={"replicates": finished})
        results = None
        if kept:
            results = Results.from_runs(partial, kept, time.perf_counter() - started,
                                        [f for f in failures if f["replicate"] < finished],
                                        inputs.family)
            results.manifest["interrupted"] = {"replicates_planned": scenario.replicates,
                                               "replicates_finished": finished}
        raise Interrupted(results, finished, scenario.replicates,
                          signal_number(exc)) from None
    results = (Results.from_runs(scenario, out, time.perf_counter() - started, failures,
                                 inputs.family) if out else None)
    if failures:
        raise RunsFailed(failures, len(tasks), results)
    return results
