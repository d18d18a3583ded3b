"""Resolved inputs: what a validated scenario names, resolved once and passed down.

A scenario names a calibration (which fixes its model family) and its strategies by name.
`check_scenario` resolves them as a scenario file is loaded, so that a wrong name is refused
with the file, the field and its line before anything runs: the strategies must resolve with
their settings and carry distinct labels, the baseline must be one of them (or 'closed', which
every comparison runs for marginal harm), the calibration must load and the family's sizes must
have distinct names. `resolve` gives a comparison what it runs: the family and the arms (every
run a replicate makes), resolved once for every run, table and caveat of the comparison.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from sim.calibration import BUILTIN_PREFIX, load_calibration
from sim.errors import InputError, InputErrors
from sim.family import Family, family_of
from sim.outcome_registry import MARGINAL_BASELINE
from sim.schema import Malicious, Scenario, StrategySpec
from sim.schema.access_controls import control_problems
from sim.strategies import resolve_strategy
from sim.yamlio import LineMap, yaml_files_hint

CALIBRATION_ALLOWED = ("allowed: 'builtin:gpt2' or a path to a calibration YAML file (such as one "
                       "'release-sim calibrate measure' writes), relative to the scenario file")


def check_calibration(ref: str, name: str, line: int | None) -> None:
    """Load the scenario's calibration; a reference that names no file is refused with the
    scenario file, the field, its line and the path it was resolved to."""
    if not ref.startswith(BUILTIN_PREFIX):
        path = Path(ref)
        if path.is_dir():
            raise InputError(name, "calibration", f"{ref} is a folder, not a calibration file"
                             f"{yaml_files_hint(path)}; {CALIBRATION_ALLOWED}", line)
        if not path.is_file():
            raise InputError(name, "calibration", f"file not found: {ref} (the path as "
                             f"resolved); {CALIBRATION_ALLOWED}", line)
    try:
        load_calibration(ref)
    except InputError as exc:
        if not ref.startswith(BUILTIN_PREFIX) or exc.field != "calibration":
            raise  # a problem inside the calibration file: named with its own file and line
        raise InputError(name, "calibration", f"{exc.message.split(';')[0]}; "
                         f"{CALIBRATION_ALLOWED}", line) from None


def check_scenario(scenario: Scenario, name: str, lines: LineMap) -> None:
    """Checks that need more than the schema: strategies exist, sizes fit the calibration."""
    problems: list[InputError] = []  # every strategy's, reported together
    granted = []  # the levels each strategy may grant (for the access controls' checks)
    for i, spec in enumerate(scenario.strategies):
        try:
            own = {key[2:]: at for key, at in lines.items() if key[:2] == ("strategies", i)}
            strategy = resolve_strategy(spec, name, f"strategies[{i}]",
                                        lines.get(("strategies", i)), own)
            granted.append(strategy.levels_granted())
        except InputErrors as exc:
            problems += exc.errors
        except InputError as exc:
            problems.append(exc)
    if problems:
        raise InputErrors(problems)
    labels = scenario.strategy_names()
    dupes = {x for x in labels if labels.count(x) > 1}
    if dupes:
        raise InputError(
            name,
            "strategies",
            f"two strategies share the label {sorted(dupes)}; give each a distinct 'label'",
            lines.get(("strategies",)),
        )
    if scenario.baseline not in (*labels, MARGINAL_BASELINE):
        raise InputError(
            name,
            "baseline",
            f"'{scenario.baseline}' is not a strategy of this scenario; allowed: "
            f"{', '.join(dict.fromkeys([*labels, MARGINAL_BASELINE]))}",
            lines.get(("baseline",)),
        )
    for field, message in control_problems(scenario, granted):
        raise InputError(name, field, message, lines.get(tuple(field.split("."))))
    check_kept_out_kinds(scenario, name, lines)
    check_calibration(scenario.calibration, name, lines.get(("calibration",)))
    if scenario.family is not None:
        sizes = [s.name for s in scenario.family]
        if len(set(sizes)) != len(sizes):
            raise InputError(name, "family", "size names must be distinct", lines.get(("family",)))


def check_kept_out_kinds(scenario: Scenario, name: str, lines: LineMap) -> None:
    """A kind the file adds under malicious.kinds with nothing but its share kept out by
    identity checks is a misspelt kind, not a new one (a new kind needs its numbers): refused,
    naming the kinds there are, so an access control never acts on a kind that does not
    exist."""
    defaults = set(Malicious().kinds)
    for kind in scenario.malicious.kinds:
        written = {key[3] for key in lines if key[:3] == ("malicious", "kinds", kind)
                   and len(key) > 3}
        if kind in defaults or not written or written - {"kyc_kept_out"}:
            continue
        guess = difflib.get_close_matches(kind, list(scenario.malicious.kinds), n=2)
        hint = next((f"did you mean '{g}'? " for g in guess if g != kind), "")
        raise InputError(name, f"malicious.kinds.{kind}.kyc_kept_out", f"there is no "
                         f"malicious kind '{kind}' to keep out; {hint}kinds: "
                         f"{', '.join(k for k in scenario.malicious.kinds if k != kind)} (a "
                         "new kind needs its numbers: count, volume, reach...)",
                         lines.get(("malicious", "kinds", kind, "kyc_kept_out")))


def prior_twin(name: str) -> str:
    """Name of the run of a belief-using strategy whose belief stays at the prior."""
    return f"{name} (prior belief)"


@dataclass(frozen=True)
class Arm:
    """A strategy as a comparison runs it: listed, the closed baseline for marginal harm, or
    the twin of a strategy that acts on the lab's belief, run with the belief held at the
    prior (learns=False), so that the value of the lab's learning can be paired."""

    spec: StrategySpec
    learns: bool = True

    @property
    def name(self) -> str:
        return self.spec.name if self.learns else prior_twin(self.spec.name)


def strategies_to_run(scenario: Scenario) -> list[Arm]:
    """The listed strategies; 'closed' for marginal harm if it is not listed; and the
    prior-belief twin of every listed strategy that acts on the lab's belief."""
    arms = [Arm(spec) for spec in scenario.strategies]
    if MARGINAL_BASELINE not in scenario.strategy_names():
        arms.append(Arm(StrategySpec(kind=MARGINAL_BASELINE)))
    arms += [Arm(s, learns=False) for s in scenario.strategies if resolve_strategy(s).uses_belief()]
    return arms


def belief_twins(scenario: Scenario) -> dict[str, str]:
    """Listed strategy -> the name of its prior-belief twin run, for strategies that learn."""
    return {arm.spec.name: arm.name for arm in strategies_to_run(scenario) if not arm.learns}


# The value judgements of a scenario: they enter only the outcomes' sums (net value, and with
# discounting every sum over weeks), unless a strategy's choices read them
VALUE_JUDGEMENTS = ("harm_weight", "discount_rate_weekly")


def value_readers(scenario: Scenario) -> list[str]:
    """The runs of a comparison whose strategy's choices read the value judgements
    (Strategy.reads_value_judgements): a comparison at another harm weight or discount rate
    must simulate them again; without any, the stored runs are re-weighed exactly."""
    return [arm.name for arm in strategies_to_run(scenario)
            if resolve_strategy(arm.spec).reads_value_judgements()]


def simulated_settings(scenario: Scenario) -> Scenario:
    """The settings a comparison's simulation depends on: the scenario with its value
    judgements at their documented defaults, unless a strategy reads them. Two scenarios with
    the same simulated settings have the same runs, up to re-weighing (Tables.reweighed)."""
    if value_readers(scenario):
        return scenario
    defaults = {k: Scenario.model_fields[k].default for k in VALUE_JUDGEMENTS}
    return scenario.model_copy(update=defaults)


@dataclass(frozen=True)
class Resolved:
    """A scenario with what it names resolved: its family (calibration and sizes, smallest
    first) and its arms (the runs each replicate makes)."""

    scenario: Scenario
    family: Family
    arms: tuple[Arm, ...]


def resolve(scenario: Scenario) -> Resolved:
    """Resolve the scenario's family, then its arms (a bad calibration fails first)."""
    family = family_of(scenario)
    return Resolved(scenario, family, tuple(strategies_to_run(scenario)))
