"""Sweep files, designs and analysis (no simulation runs): errors, Ishigami, regret, discovery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import InputError
from sim.sweep import load_sweep_file
from sim.sweep.analysis import indices, regret_table, robustness, scenario_discovery
from sim.sweep.design import make_points
from sim.sweep.spec import Design, Uncertainty

REPO = Path(__file__).resolve().parent.parent
SWEEPS = REPO / "scenarios" / "sweeps"

GOOD = """\
name: t
scenario: {horizon_weeks: 8}
levers: [full, {kind: staged, vary: {spacing_weeks: [4, 8]}}]
uncertainties:
  mapping.misuse_elasticity: {low: 1, high: 3}
  partners.count: {low: 1, high: 8}
design: {method: lhs, samples: 5}
replicates: 2
"""


def write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("path", sorted(SWEEPS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_sweeps_load(path: Path) -> None:
    if path.name.startswith("search_"):  # a release-design search (sim.search)
        from sim.search import load_search_file

        assert load_search_file(path).levers
        return
    spec = load_sweep_file(path)
    assert spec.labels()


def test_quick_sweep_is_at_most_200_runs() -> None:
    from sim.sweep.execute import make_plan

    assert make_plan(load_sweep_file(SWEEPS / "quick.yaml")).total_runs <= 200


def test_levers_vary_and_integer_fields_are_rounded(tmp_path: Path) -> None:
    spec = load_sweep_file(write(tmp_path, GOOD))
    assert spec.labels() == ["full", "staged[spacing_weeks=4]", "staged[spacing_weeks=8]"]
    pts = make_points(spec.uncertainties, spec.design, spec.seed, spec.current_values())
    assert len(pts) == 5
    assert all(isinstance(v, int) and 1 <= v <= 8 for v in pts.values["partners.count"])
    assert pts.values["mapping.misuse_elasticity"].between(1, 3).all()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("mapping.misuse_elasticity: {low: 1, high: 3}",
         "uncertainties.mapping.misuse_elasticty", "did you mean 'mapping.misuse_elasticity'"),
        ("mapping.misuse_elasticity: {low: -1, high: 3}",
         "uncertainties.mapping.misuse_elasticity.low", "at least 0"),
    ],
)
def test_bad_uncertainty_names_file_field_and_allowed(tmp_path, change, field, words) -> None:
    text = GOOD.replace("  mapping.misuse_elasticity: {low: 1, high: 3}", "  " + change)
    if "elasticty" in field:
        text = text.replace("misuse_elasticity", "misuse_elasticty")
    p = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_sweep_file(p)
    err = info.value
    assert err.file == str(p) and err.field == field and words in str(err)
    assert err.line == 5


def test_bad_design_and_lever(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_sweep_file(write(tmp_path, GOOD.replace("method: lhs", "method: latin")))
    assert info.value.field == "design.method" and "'factorial', 'lhs'" in str(info.value)
    with pytest.raises(InputError) as info:
        load_sweep_file(write(tmp_path, GOOD.replace("[full,", "[ful,")))
    assert info.value.field == "levers[0].kind" and "did you mean 'full'" in str(info.value)
    with pytest.raises(InputError) as info:
        load_sweep_file(write(tmp_path, GOOD.replace("samples: 5", "samples: 5, sampels: 3")))
    assert "did you mean 'samples'" in str(info.value)


def test_cli_bad_sweep_file_exit_2_without_traceback(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD.replace("{low: 1, high: 8}", "{low: 1, high: 900}"))
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sweep", str(p), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=REPO,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(p) in proc.stderr and "uncertainties.partners.count.high" in proc.stderr
    assert "at most 100" in proc.stderr and "line 6" in proc.stderr


# ---------------------------------------------------------------------- sensitivity indices


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_ishigami_match_known_values() -> None:
    unc = {f"x{i}": Uncertainty(low=-np.pi, high=np.pi) for i in (1, 2, 3)}
    design = Design(method="sobol", samples=2048)
    pts = make_points(unc, design, seed=3)
    y = ishigami(pts.values.to_numpy(dtype=float))
    res = indices("sobol", pts.names, pts.unit, y, seed=3).set_index(["parameter", "index"])
    known = {("x1", "S1"): 0.3139, ("x2", "S1"): 0.4424, ("x3", "S1"): 0.0,
             ("x1", "ST"): 0.5576, ("x2", "ST"): 0.4424, ("x3", "ST"): 0.2437}
    for key, value in known.items():
        assert res.loc[key, "value"] == pytest.approx(value, abs=0.05), key
        assert 0 < res.loc[key, "conf"] < 0.1


def test_morris_ranks_a_linear_function() -> None:
    unc = {n: Uncertainty(low=0, high=1) for n in ("a", "b", "c")}
    pts = make_points(unc, Design(method="morris", samples=20, levels=4), seed=1)
    x = pts.values.to_numpy(dtype=float)
    y = 10 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2]
    res = indices("morris", pts.names, pts.unit, y, levels=4)
    mu = res[res["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu["a"] == pytest.approx(10) and mu["b"] == pytest.approx(1) and mu["c"] == 0


# ------------------------------------------------------------------------ regret, discovery


class FakeResults:
    """Just what the analysis reads, with outcomes set by hand."""

    def __init__(self, x: np.ndarray, y: np.ndarray, values: dict[str, np.ndarray]):
        self.uncertainties = self.factors = ["x", "y"]
        self.levers = list(values)
        self.manifest = {"points": len(x)}
        self._points = pd.DataFrame({"point": range(len(x)), "x": x, "y": y})
        rows = [{"point": p, "strategy": s, "lever": True, "replicate": 0, "error": None,
                 "net_value": v[p]} for s, v in values.items() for p in range(len(x))]
        self._runs = pd.DataFrame(rows)

    def runs(self) -> pd.DataFrame:
        return self._runs

    def points(self) -> pd.DataFrame:
        return self._points


def test_regret_and_minimax_robustness() -> None:
    x = np.array([0.1, 0.5, 0.9])
    r = FakeResults(x, x, {"A": np.array([10.0, 5.0, 0.0]), "B": np.array([6.0, 6.0, 6.0])})
    table = regret_table(r)
    assert table.set_index(["point", "strategy"])["regret"].to_dict() == {
        (0, "A"): 0.0, (0, "B"): 4.0, (1, "A"): 1.0, (1, "B"): 0.0, (2, "A"): 6.0, (2, "B"): 0.0}
    rob = robustness(r).set_index("strategy")
    assert rob.loc["B", "max_regret"] == 4 and rob.loc["A", "max_regret"] == 6
    assert bool(rob.loc["B", "most_robust"]) and not bool(rob.loc["A", "most_robust"])
    assert rob.loc["A", "share_best"] == pytest.approx(1 / 3)
    assert rob.loc["B", "share_best"] == pytest.approx(2 / 3)


def test_scenario_discovery_finds_the_losing_box() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random(300), rng.random(300)
    a = np.where(x > 0.6, 0.0, 2.0)  # A loses to B exactly when x > 0.6
    r = FakeResults(x, y, {"A": a, "B": np.ones(300)})
    box = scenario_discovery(r, "A", "B").set_index("uncertainty")
    assert box.loc["x", "low"] == pytest.approx(0.6, abs=0.02)
    assert box.loc["x", "high"] == pytest.approx(x.max())
    assert bool(box.loc["x", "restricted"]) and not bool(box.loc["y", "restricted"])
    assert box["coverage"].iloc[0] == 1.0 and box["density"].iloc[0] == 1.0
    other = scenario_discovery(r, "B", "A").set_index("uncertainty")
    assert other.loc["x", "high"] == pytest.approx(0.6, abs=0.02)
    assert other.loc["x", "low"] == pytest.approx(x.min())


def test_robustness_names_its_rule_and_where_mean_regret_disagrees() -> None:
    from sim.sweep.analysis import robustness_explained

    x = np.linspace(0.05, 0.95, 10)
    # A: best in 9 of 10 scenarios but loses badly in one; B: never best, never far behind
    a = np.array([10.0] * 9 + [-5.0])
    b = np.array([8.0] * 10)
    rob = robustness(FakeResults(x, x, {"A": a, "B": b}))
    assert rob.iloc[0]["strategy"] == "B" and rob.attrs["rule"].startswith("minimax regret")
    text = " ".join(robustness_explained(rob))
    assert "Most robust on net_value: B, by minimax regret" in text
    assert "By mean regret A does best" in text
    assert "A is best in the most scenarios (90%" in text


def test_discovery_pair_is_the_most_robust_lever_and_its_strongest_rival() -> None:
    """The pair analyze and the Sweep page explain by default: the most robust lever against
    the one that beats it most often, not the first two levers listed."""
    from sim.sweep.analysis import discovery_pair, robustness

    x = np.linspace(0.05, 0.95, 10)
    a = np.full(10, 5.0)  # never worst by much: most robust
    b = np.full(10, 4.0)  # listed second, never beats A
    c = np.array([6.0] * 3 + [0.0] * 7)  # beats A in 3 scenarios, loses badly elsewhere
    d = np.array([7.0] * 1 + [1.0] * 9)
    r = FakeResults(x, x, {"B": b, "A": a, "C": c, "D": d})
    assert robustness(r).iloc[0]["strategy"] == "A"
    assert discovery_pair(r) == ("A", "C")
    assert discovery_pair(r, strategy="B") == ("B", "A")  # A beats B everywhere
    assert scenario_discovery(r, "A", "B").empty, "a pair without losses has no box"
    assert scenario_discovery(r, "A", "B").attrs["share_losing"] == 0


def test_sensitivity_names_the_method_that_made_it() -> None:
    """An lhs design's indices are RBD-FAST's, a sobol design's Sobol's: the table says which,
    with its caveat, so no reader labels RBD-FAST indices as Sobol's."""
    unc = {n: Uncertainty(low=0, high=1) for n in ("a", "b")}
    pts = make_points(unc, Design(method="lhs", samples=64), seed=1)
    x = pts.values.to_numpy(dtype=float)
    res = indices("lhs", pts.names, pts.unit, 5 * x[:, 0] + x[:, 1] ** 2)
    assert res.attrs["method"] == "RBD-FAST" and res.attrs["main_index"] == "S1"
    assert "interactions are not measured" in res.attrs["caveat"]
    assert "Tarantola" in res.attrs["reference"]
    sob = make_points(unc, Design(method="sobol", samples=16), seed=1)
    y = sob.values.to_numpy(dtype=float).sum(axis=1)
    res = indices("sobol", sob.names, sob.unit, y)
    assert res.attrs["method"] == "Sobol" and res.attrs["main_index"] == "ST"


def test_negative_rbd_fast_estimates_are_a_warning() -> None:
    from sim.sweep.analysis import sensitivity_warnings

    table = pd.DataFrame({"strategy": ["A", "A"], "parameter": ["p", "q"],
                          "index": ["S1", "S1"], "value": [0.9, -0.02], "conf": [0.04, 0.14]})
    (below,) = sensitivity_warnings("lhs", table)
    assert "below 0 (q)" in below and "cannot be negative" in below
    assert sensitivity_warnings("sobol", table) == []


def test_regret_refuses_an_information_outcome_unless_told_a_direction() -> None:
    x = np.array([0.1, 0.5, 0.9])
    r = FakeResults(x, x, {"A": np.array([1.0, 2.0, 3.0]), "B": np.array([2.0, 2.0, 2.0])})
    r._runs = r._runs.rename(columns={"net_value": "time_to_public_weeks[1.5B]"})
    with pytest.raises(ValueError, match="information only"):
        regret_table(r, "time_to_public_weeks[1.5B]")
    assert len(regret_table(r, "time_to_public_weeks[1.5B]", maximize=False)) == 6


def test_sensitivity_warnings_name_untrustworthy_indices() -> None:
    from sim.sweep.analysis import sensitivity_warnings

    table = pd.DataFrame({"strategy": ["A", "A"], "parameter": ["p", "q"],
                          "index": ["S1", "S1"], "value": [1.4, 0.2], "conf": [0.9, 0.1]})
    (sobol,) = sensitivity_warnings("sobol", table, samples=8)
    assert "above 1 (p (A: 1.40))" in sobol and "N = 8" in sobol
    assert sensitivity_warnings("sobol", table.assign(value=[0.6, 0.2], conf=0.1)) == []
    (grid,) = sensitivity_warnings("factorial", table.assign(value=[0.3, 0.2]))
    assert "RBD-FAST" in grid and "factorial" in grid
    assert sensitivity_warnings("lhs", table) == []
