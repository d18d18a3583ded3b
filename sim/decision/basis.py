"""What the decision summary rests on: the value judgements, the experiment, and every input
that differs from the reference scenario (the documented defaults, the file's `base:`, or the
scenario file a run started from), in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.calibration import calibration_in_words
from sim.decision.part import _n
from sim.numbers import number
from sim.outcome_registry import HARM_UNIT, VALUE_UNIT

if TYPE_CHECKING:
    from sim.schema import Scenario
    from sim.tables import Tables

BOOKKEEPING = {"name", "description", "replicates", "seed"}  # stated apart, not inputs
BASIS_DIGITS = 6  # significant figures of an input's value under Basis


# ------------------------------------------------------------------------------ assumptions


def assumptions_of(results: Tables) -> list[str]:
    """What the summary rests on, in words: value judgements, the experiment, the inputs."""
    sc = results.scenario
    out = [f"Harm weight {_n(sc.harm_weight)}: value ({VALUE_UNIT}) lost per unit of misuse "
           f"harm ({HARM_UNIT}). A value judgement; the break-even weights show where it "
           "matters.", discounting_text(sc.discount_rate_weekly),
           f"{sc.replicates} replicate{'s' if sc.replicates != 1 else ''} per strategy, every "
           f"strategy on the same random numbers (common random numbers, seed {sc.seed}), "
           f"horizon {sc.horizon_weeks} weeks from {sc.start_date}, "
           f"{calibration_in_words(sc.calibration)}."]
    return out + results.notes()


def rests_on(results: Tables) -> str:
    sc = results.scenario
    rate = sc.discount_rate_weekly
    disc = "no discounting" if not rate else f"discounting at {rate:g} a week"
    return (f"This rests on a harm weight of {_n(sc.harm_weight)} and {disc} (value "
            f"judgements), {replicates_text(results)}, and {inputs_text(results)} (listed "
            "under Basis)")


def replicates_text(results: Tables) -> str:
    """'20 replicates', and what the scenario file asks for when the run used another count:
    '20 replicates (the scenario file asks for 50)'."""
    n = results.scenario.replicates
    text = f"{n} replicate{'s' if n != 1 else ''}"
    asked = file_replicates(results)
    return text if asked is None or asked == n else f"{text} (the scenario file asks for {asked})"


def file_replicates(results: Tables) -> int | None:
    """The replicate count the scenario file asks for: as recorded (a run with -n), else the
    file's own when the reference is the file the run started from; None when unknown."""
    if results.file_replicates is not None:
        return results.file_replicates
    if results.reference is not None and results.reference_role == "file":
        return results.reference.replicates
    return None


def inputs_text(results: Tables) -> str:
    """'3 inputs that differ from the scenario it extends ('x')' or 'every input as in ...'."""
    n = len(differences(results.scenario, results.reference))
    name = reference_name(results)
    if not n:
        return f"every input as in {name}"
    return f"{n} input{'s' if n != 1 else ''} that differ{'s' if n == 1 else ''} from {name}"


def basis_heading(results: Tables) -> str:
    """The basis in one line, as the CLI, the reports and the dashboard print it: how many
    inputs differ from what (the documented defaults, the scenario a file extends with `base:`,
    or the scenario file a run started from), and the replicates when the run did not use the
    file's count: 'Basis: 3 inputs that differ from the scenario it extends
    ('compare_main_strategies'); 20 replicates (the scenario file asks for 50)'."""
    head = f"Basis: {inputs_text(results)}"
    n = results.scenario.replicates
    asked = file_replicates(results)
    if asked is not None and asked != n:
        head += f"; {replicates_text(results)}"
    return head


def discounting_text(rate: float) -> str:
    if not rate:
        return ("No discounting: harm and value count the same in every week of the horizon "
                "(discount_rate_weekly = 0). How much the future counts is a value judgement "
                "the user owns.")
    yearly = (1 + rate) ** 52 - 1
    return (f"Harm and value discounted at {rate:g} a week (about {yearly:.1%} a year): a week "
            "w away counts (1 + rate)^-w. A value judgement the user owns.")


def reference_name(results: Tables) -> str:
    """What the basis compares the inputs with, in words: the documented defaults, the
    scenario a file extends with `base:` (reference_role 'base'), or the scenario file the run
    started from (reference_role 'file': the dashboard, with settings changed on the page)."""
    ref = results.reference
    if ref is None:
        return "the documented defaults"
    if results.reference_role == "file":
        return f"the scenario file it started from ('{ref.name}')"
    return f"the scenario it extends ('{ref.name}')"


def differences(scenario: Scenario, reference: Scenario | None = None) -> list[dict[str, str]]:
    """Every lever and uncertainty whose value differs from the reference scenario (default:
    the documented defaults), as {field, value, reference}; name, description, replicates and
    seed are stated apart."""
    from sim.schema import Scenario

    ref = reference if reference is not None else Scenario()
    mine = _flat(scenario.model_dump(mode="json"))
    theirs = _flat(ref.model_dump(mode="json"))
    out = []
    for key in list(dict.fromkeys([*mine, *theirs])):
        if key.split(".", 1)[0] in BOOKKEEPING:
            continue
        a, b = mine.get(key), theirs.get(key)
        if a != b:
            out.append({"field": key, "value": _show(a), "reference": _show(b)})
    return out


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: data}


def _show(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, list):
        return "[" + ", ".join(_show_item(v) for v in value) + "]"
    return _value(value)


def _value(value: Any) -> str:
    """An input's value as people read it: numbers to six significant figures (enough to show
    any difference an input file makes), large ones in words ('1.5 billion')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, BASIS_DIGITS)
    return str(value)


def _show_item(v: Any) -> str:
    if isinstance(v, dict):
        name = v.get("label") or v.get("name") or v.get("kind")
        rest = {k: x for k, x in v.items() if k not in {"label", "name", "kind"} and x is not None}
        inner = ", ".join(f"{k} {_value(x)}" for k, x in rest.items())
        return f"{name} ({inner})" if inner else str(name)
    return _value(v)
