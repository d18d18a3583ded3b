"""AppTest of every dashboard page: choose, change, run; bad input shows the CLI's message."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.labels import strategy_label
from sim.api import InputError
from sim.uploads import scenario_from_text
from tests.dashboard_helpers import APP, start

NS = "cmp:compare_main_strategies:"


@pytest.fixture(autouse=True)
def workspace(tmp_path_factory, monkeypatch):
    """The server's workspace: scenarios/ and this session's temporary folders, where the
    tests write the sweeps they open (sim.workspace; the defaults hold no temporary folder)."""
    from sim.uploads import SCENARIOS_DIR
    from sim.workspace import WORKSPACE_ENV

    folders = [SCENARIOS_DIR, tmp_path_factory.getbasetemp()]
    monkeypatch.setenv(WORKSPACE_ENV, os.pathsep.join(str(f) for f in folders))


def small(at: AppTest, replicates: int = 2, horizon: int = 12) -> AppTest:
    at.number_input(key=NS + "replicates").set_value(replicates)
    at.number_input(key=NS + "horizon_weeks").set_value(horizon)
    return at.run()


def tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe] + [t.value for t in at.table]


HARM = "Misuse harm (million reach-weighted undetected items)"


def comparison(at: AppTest):
    """The whole-horizon table: outcomes in words as rows, strategies by display name."""
    return next(t for t in tables(at) if HARM in t.index)


def test_compare_lists_every_chosen_strategy():
    at = small(start())
    chosen = ["full", "staged", "api_only"]
    at.multiselect(key=NS + "strategies").set_value(chosen).run()
    at.selectbox(key=NS + "baseline").set_value("full").run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    table = comparison(at)
    assert {"Full release", "Staged release", "API only"} <= set(table.columns)
    paired = next(t for t in tables(at) if "Net value (thousand developer-weeks)" in t.index
                  and "Full release" not in t.columns)
    assert set(paired.columns) == {"Staged release", "API only"}
    at.tabs[0]  # the results' tabs exist
    assert "share_undetected" not in str(table) and "row" not in table.index.names


def test_a_lever_changes_the_numbers():
    at = small(start())
    at.button(key="run").click().run()
    before = comparison(at).loc[HARM].copy()
    at.number_input(key=NS + "mapping.misuse_elasticity").set_value(4.0).run()
    said = " ".join(i.value for i in at.info)
    assert "Not run yet: How much misuse grows with model quality (elasticity): 4" in said
    at.button(key="run").click().run()
    after = comparison(at).loc[HARM]
    assert not at.exception
    assert (before != after).any()


def test_lever_help_comes_from_the_schema():
    at = start()
    widget = at.number_input(key=NS + "mapping.misuse_elasticity")
    assert "Misuse capacity per item" in widget.help and "Allowed: 0 to 10" in widget.help
    weight = at.number_input(key=NS + "harm_weight")
    assert "Allowed: 0 or more" in weight.help and "thousand developer-weeks" in weight.help


@pytest.mark.parametrize("text", [b"horizon_weeks: -3\nfoo: 1\n", b"name: [unclosed\n",
                                  b"base: nowhere.yaml\n", b"strategies: [fool]\n"])
def test_invalid_upload_shows_the_cli_message(text):
    at = start()
    at.radio(key="scenario_source").set_value("Upload a YAML file").run()
    upload = at.file_uploader(key="scenario_upload")
    upload.set_value(("bad.yaml", text, "text/yaml")).run()
    assert not at.exception
    with pytest.raises(InputError) as info:
        scenario_from_text(text.decode(), "bad.yaml")
    first = str(info.value).splitlines()[0]
    assert any(first in e.value for e in at.error), [e.value for e in at.error]
    at.switch_page("app_pages/calibration.py").run()  # the rest keeps working
    assert not at.exception and at.title[0].value.startswith("Calibration")


def test_valid_upload_runs():
    at = start()
    at.radio(key="scenario_source").set_value("Upload a YAML file").run()
    text = b"name: mine\nbase: compare_main_strategies.yaml\nstrategies: [full, closed]\n"
    upload = at.file_uploader(key="scenario_upload")
    upload.set_value(("mine.yaml", text, "text/yaml")).run()
    at.number_input(key="cmp:mine:replicates").set_value(2)
    at.number_input(key="cmp:mine:horizon_weeks").set_value(10).run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    assert {"Full release", "Closed (nothing released)"} <= set(comparison(at).columns)


def test_calibration_page():
    at = start("app_pages/calibration.py")
    assert not at.error and len(tables(at)) >= 2
    text = " ".join(m.value for m in at.markdown)
    assert "arXiv:1908.09203" in text and "detection_md" not in text, "full citations"
    per_size = [t for t in tables(at) if "Best detector accuracy (RoBERTa)" in t.columns]
    assert per_size and "Misuse capacity per item (1 = largest calibrated size)" in \
        per_size[0].columns
    assert not any("None" in str(v) for t in tables(at) for v in t.to_numpy().ravel())
    at.number_input(key="cal_elasticity").set_value(3.0).run()
    assert not at.exception
    at.text_input(key="cal_path").set_value("scenarios/no/such/calibration.yaml").run()
    assert not at.exception and "file not found" in at.error[0].value


def test_editor_validates_live_and_form_edits_yaml():
    at = start("app_pages/editor.py")
    assert at.success and "Valid scenario" in at.success[0].value
    area = at.text_area(key="editor_text")
    area.set_value(area.value + "\nhorizon_weeks: 0\n").run()  # a second horizon_weeks
    assert not at.exception
    assert "horizon_weeks: given twice" in at.error[0].value
    at.text_area(key="editor_text").set_value("name: short\nhorizon_weeks: 0\n").run()
    message = at.error[0].value
    assert "horizon_weeks" in message and "at least 1" in message
    at.text_area(key="editor_text").set_value("name: edited\nreplicates: 5\n").run()
    assert "Valid scenario: edited" in at.success[0].value
    rev = at.session_state["editor_rev"]
    at.number_input(key=f"form:{rev}:mapping.misuse_elasticity").set_value(3.5).run()
    assert "misuse_elasticity: 3.5" in at.text_area(key="editor_text").value
    assert at.download_button, "the scenario can be downloaded"
    at.radio(key="scenario_source").set_value("From the scenario editor").run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception and not at.error
    assert at.number_input(key="cmp:edited:mapping.misuse_elasticity").value == 3.5


def test_use_this_scenario_overrides_the_compare_pages_own_choice():
    at = start()  # the Compare page's Source radio now holds "Shipped scenario"
    at.switch_page("app_pages/editor.py").run()
    at.text_area(key="editor_text").set_value("name: mine\nharm_weight: 7\n").run()
    at.button(key="editor_use").click().run()
    assert not at.exception and not at.error
    assert at.radio(key="scenario_source").value == "From the scenario editor"
    assert at.number_input(key="cmp:mine:harm_weight").value == 7


def test_one_replicate_says_intervals_cannot_be_estimated():
    at = small(start(), replicates=1)
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "cannot be estimated" in text
    cells = " ".join(str(v) for v in comparison(at).to_numpy().ravel())
    assert "[" not in cells, "no zero-width intervals"


def test_what_waiting_for_evidence_is_worth_names_the_worlds_it_means():
    """A replicate is a simulated future on the page, so 'world' means only the prior's
    worlds (benign, central, severe): the value of knowing the truth names them."""
    at = small(start(), replicates=6)
    at.button(key="run").click().run()
    said = next(m.value for m in at.markdown if "**What waiting for evidence is worth.**"
                in m.value)
    said = said[said.index("**What waiting for evidence is worth.**"):]
    assert "knowing in advance how much the models will be misused (which of the" in said
    assert re.search(r"would be worth nothing here: \*\*[^*]+\*\* is best in each|the best "
                     r"strategy depends on it \(in the (benign|central|severe) world", said), said
    assert "simulated world" not in " ".join(m.value for m in at.markdown)


def test_cells_read_as_words_not_codes():
    at = small(start(), replicates=3)
    at.button(key="run").click().run()
    cells = " ".join(str(v) for t in tables(at) for v in t.to_numpy().ravel())
    assert "never" not in cells and "-0.000" not in cells and "None" not in cells
    assert "not public within the horizon (3 of 3 simulated futures)" in cells


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    sweep = pytest.importorskip("sim.sweep", reason="sim.sweep is not importable yet")
    spec = sweep.load_sweep_file(Path(APP).parent.parent / "scenarios" / "sweeps" / "quick.yaml")
    spec.set["horizon_weeks"] = 12
    spec.design.samples = 4
    out = tmp_path_factory.mktemp("sweep") / "quick"
    sweep.run_sweep(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def lhs_folder(tmp_path_factory) -> Path:
    """A small lhs sweep (sensitivity by RBD-FAST needs 32 points)."""
    from sim.sweep import load_sweep_file, run_sweep

    spec = load_sweep_file(Path(APP).parent.parent / "scenarios" / "sweeps" / "staged_levers.yaml")
    spec.set["horizon_weeks"] = 12
    spec.design.samples = 32
    out = tmp_path_factory.mktemp("sweep") / "lhs"
    run_sweep(spec, out, workers=1)
    return out


def test_sweep_page(sweep_folder, tmp_path):
    at = start("app_pages/sweeps.py")
    assert not at.exception
    at.segmented_control(key="sweep_mode").set_value("Open a sweep folder").run()
    at.text_input(key="sweep_path").set_value(str(sweep_folder)).run()
    assert not at.exception and not at.error
    robust = next(t for t in tables(at) if "Most robust (minimax regret)" in t.columns)
    assert set(robust["Strategy"]) == {"Full release", "Staged release", "Partnership only"}
    assert "Best in (share of scenarios)" in robust.columns
    sens = next(t for t in tables(at) if "Assumption" in t.columns)
    assert "mu_star" not in set(sens["Index"]) and "None" not in set(sens["95% half-width"])
    assert any("minimax regret" in m.value for m in at.markdown)
    at.selectbox(key="sweep_outcome").set_value("harm").run()
    assert not at.exception
    at.text_input(key="sweep_path").set_value(str(tmp_path / "no_such_sweep")).run()
    assert not at.exception and "not a sweep folder" in at.error[0].value


def test_sweep_page_says_where_each_strategy_wins_in_words(lhs_folder):
    """The Sweep page's bottom line is the CLI's map (sim.sweep.regions): the same shares of
    scenarios per strategy, with the regions' rules in words, not dotted paths."""
    from sim.sweep import open_sweep
    from sim.sweep.regions import winning_regions

    at = open_folder(lhs_folder)
    assert [h.value for h in at.subheader][:2] == ["When does each strategy win",
                                                  "Which strategy is robust"]
    shown = next(t for t in tables(at) if "Where it wins" in t.columns)
    regions = winning_regions(open_sweep(lhs_folder), "net_value")
    expected = {strategy_label(r.strategy): f"{r.share_best:.0%}"
                for r in regions.levers.itertuples()}
    assert dict(zip(shown["Strategy"], shown["Best in (share of scenarios)"],
                    strict=True)) == expected
    assert "Best at some harm weight" in shown.columns
    words = " ".join(shown["Where it wins"])
    assert "." not in re.sub(r"\d\.\d|\.( |$)", "", words), "no dotted paths"
    assert "here " in words or "Never best" in words or "every scenario" in words
    top = regions.levers.iloc[0]
    lead = f"{top.share_best:.0%} of the {regions.points} scenarios"
    assert any(lead in m.value for m in at.markdown)
    at.selectbox(key="sweep_outcome").set_value("harm").run()
    assert not at.exception
    shown = next(t for t in tables(at) if "Where it wins" in t.columns)
    assert "Best at some harm weight" not in shown.columns, "a harm weight only for net value"
    harm = winning_regions(open_sweep(lhs_folder), "harm").levers.set_index("strategy")
    for row in shown.itertuples():  # a strategy best everywhere is said so, not as a region
        code = next(s for s in harm.index if strategy_label(s) == row.Strategy)
        if harm.loc[code, "share_best"] == 1:
            assert row._3 == "In every scenario.", row
    assert "Where across" not in " ".join(shown["Where it wins"])


def test_sweep_page_says_the_baseline_is_not_ranked_and_how_often_it_would_win(sweep_folder):
    """Closed runs beside the levers only as the baseline for marginal harm: the levers' winner
    is not the best of everything run, and the page says how often closed would beat them."""
    from sim.sweep import analysis, open_sweep

    won, points = analysis.baseline_wins(open_sweep(sweep_folder), "net_value")["closed"]
    at = open_folder(sweep_folder)
    said = " ".join(c.value for c in at.caption)
    assert "Closed (nothing released) is run in every scenario only as the baseline" in said
    assert (f"best in {won} of the {points} scenarios" if won
            else "would not be best in any scenario") in said, said
    headline = next(m.value for m in at.markdown if "has the highest net value in" in m.value)
    assert "**Closed (nothing released)**, run beside them only as the baseline, would be " \
        + (f"best in {won} of the {points} scenarios" if won else "best in none") in headline


@pytest.mark.parametrize("outcome", ["net_value", "harm", "beneficial_value"])
def test_the_default_pair_loses_somewhere_when_any_strategy_does(sweep_folder, outcome):
    """'When does a strategy lose' opens on a pair with losses to explain: when the most
    robust strategy never loses (on harm, partnership-only wins every scenario), the default
    moves down the ranking."""
    from sim.sweep import analysis, open_sweep

    results = open_sweep(sweep_folder)
    means = analysis.point_means(results, outcome)
    better = (lambda a, b: a > b) if analysis.maximised(outcome) else (lambda a, b: a < b)
    strategy, versus = analysis.discovery_pair(results, outcome)
    loses = {s: any(better(means[o], means[s]).any() for o in means.columns if o != s)
             for s in means.columns}
    if any(loses.values()):
        assert better(means[versus], means[strategy]).any(), (strategy, versus, loses)


def test_sweep_page_says_what_a_small_sweep_cannot_give(tmp_path):
    """An lhs sweep of 8 points is too small for RBD-FAST: the page warns with sim's reason
    and still shows where each strategy wins and which is robust."""
    from sim.sweep import run_sweep, sweep_from_dict

    run_sweep(sweep_from_dict({
        "scenario": {"horizon_weeks": 4}, "levers": ["full", "closed"], "replicates": 1,
        "uncertainties": {"harm_weight": {"low": 0.5, "high": 20}},
        "design": {"method": "lhs", "samples": 8}, "seed": 3}), tmp_path / "small", workers=1)
    at = open_folder(tmp_path / "small")
    warned = " ".join(w.value for w in at.warning)
    assert "Sensitivity cannot be computed for this sweep:" in warned, warned
    assert [h.value for h in at.subheader][:2] == ["When does each strategy win",
                                                  "Which strategy is robust"]


def open_folder(folder: Path) -> AppTest:
    at = start("app_pages/sweeps.py")
    at.segmented_control(key="sweep_mode").set_value("Open a sweep folder").run()
    at.text_input(key="sweep_path").set_value(str(folder)).run()
    assert not at.exception and not at.error
    return at


def test_sweep_page_explains_the_clis_pair_and_says_when_a_pair_never_loses(
        sweep_folder, lhs_folder, tmp_path):
    """'When does a strategy lose' opens on analyze's pair (sim.sweep.analysis.discovery_pair);
    a pair without losses is one sentence, not a promise of ranges."""
    from sim.sweep import analysis, open_sweep, run_sweep, sweep_from_dict

    results = open_sweep(sweep_folder)
    strategy, versus = analysis.discovery_pair(results, "net_value")
    at = open_folder(sweep_folder)
    where = f"{results.manifest['digest']}:net_value"
    assert at.selectbox(key=f"sd_strategy:{where}").value == strategy
    assert at.selectbox(key=f"sd_versus:{where}:{strategy}").value == versus
    other = open_sweep(lhs_folder)  # another sweep opens on its own pair, not the last one's
    at.text_input(key="sweep_path").set_value(str(lhs_folder)).run()
    first, _ = analysis.discovery_pair(other, "net_value")
    assert at.selectbox(key=f"sd_strategy:{other.manifest['digest']}:net_value").value == first
    # the same release under two names has the same runs (common random numbers): no losses
    twin = tmp_path / "twin"
    run_sweep(sweep_from_dict({
        "scenario": {"horizon_weeks": 6}, "replicates": 1, "seed": 3,
        "levers": ["full", {"kind": "full", "label": "full again"}],
        "uncertainties": {"harm_weight": {"low": 0.5, "high": 5}},
        "design": {"method": "lhs", "samples": 4}}), twin, workers=1)
    at.text_input(key="sweep_path").set_value(str(twin)).run()
    assert not at.exception and not at.error
    text = " ".join(m.value for m in at.markdown)
    assert "never has lower net value than" in text and "in none of the 4 scenarios" in text
    assert "ranges below" not in text and not any(
        "Narrower than the sampled range" in t.columns for t in tables(at))


def chart_spec(at: AppTest) -> dict:
    import json

    (chart,) = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec)


def test_sweep_page_names_the_sensitivity_method_and_its_units(sweep_folder, lhs_folder):
    """Morris on a morris design, RBD-FAST on an lhs design, never 'Sobol' for either; the
    warnings are analyze's; mu* starts at 0 and every axis has a title with its unit."""
    from sim.sweep import analysis, open_sweep

    at = open_folder(sweep_folder)
    text = " ".join(m.value for m in at.markdown)
    assert "estimated by **Morris**" in text and "Sobol" not in text
    mix = analysis.world_mix(open_sweep(sweep_folder))  # one world, as the sweep's 12 weeks
    said = analysis.world_mix_warning(mix)
    assert not said or any(said[1:] in w.value for w in at.warning), "analyze's world warning"
    spec = chart_spec(at)
    layers = spec.get("layer") or [spec]
    x = layers[0]["encoding"]["x"]
    assert x["title"] == ("Average effect of moving the assumption across its range "
                          "(mu*, thousand developer-weeks)")
    assert x["scale"]["domainMin"] == 0
    assert layers[0]["encoding"]["y"]["title"] == "Uncertain assumption"
    at = open_folder(lhs_folder)
    text = " ".join(m.value for m in at.markdown)
    assert "estimated by **RBD-FAST**" in text and "Sobol" not in text
    x = (chart_spec(at).get("layer") or [{}])[0]["encoding"]["x"]
    assert x["title"] == ("Share of the outcome's variation due to the assumption alone "
                          "(S1, 0 to 1)")
    expected = analysis.sensitivity(open_sweep(lhs_folder), "net_value").attrs["warnings"]
    shown = [w.value for w in at.warning]
    assert all(w in shown for w in expected), (expected, shown)


def test_compare_reads_what_would_change_it_from_a_sweep(sweep_folder, tmp_path):
    """The answer names what the sweep says; a folder that is no sweep, or a sweep that cannot
    speak for one strategy, is said in words (a warning, no error box of code names)."""
    at = small(start())
    at.button(key="run").click().run()
    assert not any("What the sweep says" in m.value for m in at.markdown)
    at.text_input(key="cmp_sweep_path").set_value(str(sweep_folder)).run()
    assert not at.exception and not at.error
    said = [m.value for m in at.markdown if "What the sweep says" in m.value]
    assert said and "Across the sweep 'quick'" in said[0]
    assert "The sweep cannot speak for Staged release" in said[0], "its staged has no gate"
    shown = " ".join(m.value for m in at.markdown)
    assert "partnership_only" not in shown and "Partnership only" in shown, "display names"
    assert any("Range in the sweep" in t.columns for t in tables(at))
    at.multiselect(key=NS + "strategies").set_value(["staged"]).run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    warned = " ".join(w.value for w in at.warning)
    assert "The sweep 'quick' cannot speak for this comparison: it ran Full release" in warned
    missing = tmp_path / "no_such_sweep"  # in the workspace (the fixture above): looked for
    at.text_input(key="cmp_sweep_path").set_value(str(missing)).run()
    assert not at.exception and not at.error
    assert f"{missing} is not a sweep folder" in " ".join(w.value for w in at.warning)
    assert not any("What the sweep says" in m.value for m in at.markdown)


def test_the_explorers_sweep_is_offered_not_applied(sweep_folder):
    """After a visit to the Sweep explorer, the Compare page offers its sweep and reads it only
    when chosen; comparing one strategy then shows no error."""
    at = small(start())
    at.session_state["finished_sweep"] = str(sweep_folder)
    at.multiselect(key=NS + "strategies").set_value(["staged"]).run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error and not at.warning
    assert not any("What the sweep says" in m.value for m in at.markdown)
    assert any("The Sweep explorer's last sweep" in m.value for m in at.markdown)
    assert at.selectbox(key="cmp_sweep_choice").value == ""


@pytest.mark.parametrize(("said", "shown"), [
    ("at 20 replicates it cannot be told apart from partnership_only",
     "at 20 simulated futures it cannot be told apart from Partnership only"),
    ("in the same replicate, averaged over 20 replicates",
     "in the same simulated future, averaged over 20 simulated futures"),
    ("One replicate: the chance of being best cannot be estimated.",
     "One simulated future: the chance of being best cannot be estimated."),
    ("by 3 (paired on the same random numbers, 90% CI 1 to 4)",
     "by 3 (in the same simulated futures, 90% CI 1 to 4)"),
    ("weeks for another lab to replicate the 1.5B model above 30",
     "weeks for another lab to replicate the 1.5B model above 30"),  # the verb stays
    ("full release and staged", "full release and Staged release"),
])
def test_the_summary_speaks_the_pages_words(said, shown):
    """The page calls a replicate a simulated future (its setting says they are the same) and
    a strategy by its display name; the summary speaks as a scenario file does."""
    from sim.labels import in_words

    assert in_words(said, ["full", "staged"]) == shown


@pytest.mark.parametrize(("args", "shown"), [
    ((3.41e6, 739_864, 9.88e6, "items"), "3.41 million [0.74 million to 9.88 million]"),
    ((282, 263, 301, "thousand developer-weeks"), "282 [263 to 301]"),
    ((0.3, 0.1, 0.5, "%"), "30% [10% to 50%]"),
    ((12.0, 2.0, 31.0, "weeks"), "12 [2 to 31]"),
    ((5.5, 1.0, 9.0, "items", 1), "5.50"),  # one replicate: the mean alone
])
def test_a_cell_interval_is_on_one_scale(args, shown):
    from dashboard.labels import interval

    assert interval(*args) == shown


def test_run_store_runs_each_comparison_once(monkeypatch, small_scenario):
    """Sessions share finished comparisons; one asking while another runs it waits for it; a
    run stopped by its page (a rerun) leaves the next asker to run it again."""
    import threading
    import time

    from dashboard import components

    calls = []

    def fake_run(scenario, progress=None):
        calls.append(scenario.seed)
        time.sleep(0.3)
        if scenario.seed == 99 and calls.count(99) == 1:
            raise RuntimeError("the page reran")
        return f"results of seed {scenario.seed}"

    monkeypatch.setattr(components, "run_comparison", fake_run)
    store = components.RunStore(size=2)
    got = []
    threads = [threading.Thread(target=lambda: got.append(store.run(small_scenario)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == ["results of seed 20190214"] * 3 and calls == [20190214]
    assert store.get(small_scenario) == "results of seed 20190214"
    failing = small_scenario.model_copy(update={"seed": 99})
    with pytest.raises(RuntimeError):
        store.run(failing)
    assert store.run(failing) == "results of seed 99" and calls.count(99) == 2
    for seed in (1, 2):  # the oldest is forgotten beyond `size`
        store.run(small_scenario.model_copy(update={"seed": seed}))
    assert store.get(small_scenario) is None


def test_a_sweep_worker_imports_the_app_without_drawing_it():
    """A process of a sweep started from the page (forkserver) re-imports the main script as
    __mp_main__, as multiprocessing's spawn.prepare does: no page runs, so the server log gets
    no 'missing ScriptRunContext' warnings and no 'streamlit run' notice."""
    import subprocess
    import sys

    code = f"import runpy; runpy.run_path({APP!r}, run_name='__mp_main__')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    assert "ScriptRunContext" not in said and "streamlit run" not in said, said


def test_sweep_page_says_what_the_sweep_holds_fixed_and_that_it_samples_the_harm_weight():
    """Why a sweep's answer can differ from the Compare page's: its fixed inputs and the
    harm weight it samples are said beside the sweep, in words."""
    at = start("app_pages/sweeps.py")
    assert not at.exception
    said = " ".join(c.value for c in at.caption)
    assert "Held fixed in this sweep: Horizon (weeks from announcement) 52" in said, said
    assert "Prior probability of the severe world 0" in said
    assert "The worlds are the possible truths about how much the model family" in said
    assert "It samples the harm weight from 0.5 to 20" in said


def test_compare_offers_the_gradient_and_its_access_controls():
    at = small(start())
    strategies = at.multiselect(key=NS + "strategies")
    assert {"Hosted access", "Gated download", "Research access"} <= set(strategies.options)
    assert "interface the lab runs" in strategies.help  # each strategy's summary, in words
    kyc = at.checkbox(key=NS + "access_controls.know_your_customer.enabled")
    assert kyc.label == "Identity checks on hosted and API customers"
    assert "kyc_kept_out" in kyc.help and not kyc.value
    # a control no chosen strategy can use: the CLI's message, and no run
    kyc.check().run()
    assert any("would change nothing" in e.value for e in at.error)
    # with a strategy behind an interface it runs, and the new levels are in the answer
    strategies.set_value(["api_only", "hosted_access", "gated_download"]).run()
    at.checkbox(key=NS + "access_controls.watermark.enabled").check().run()
    assert not at.error
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    assert {"Hosted access", "Gated download", "API only"} <= set(comparison(at).columns)


def headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("#### "))


def test_value_judgements_are_answered_at_once_and_levers_stay_across_pages():
    """A harm weight or discount rate entered after a run redraws the answer without Run (from
    the stored runs); the levers keep their values across pages, and Run then answers at them."""
    at = small(start())
    at.button(key="run").click().run()
    at.number_input(key=NS + "harm_weight").set_value(3.0).run()
    assert "at a harm weight of 3" in headline(at) and not at.info, "no Run needed"
    at.number_input(key=NS + "discount_rate_weekly").set_value(0.002).run()
    assert not at.exception and not at.info
    assert "discounted at 0.002 a week" in " ".join(m.value for m in at.markdown)
    for page in ("app_pages/calibration.py", "app_pages/sweeps.py", "app_pages/editor.py"):
        at.switch_page(page).run()
        at.switch_page("app_pages/compare.py").run()
        assert at.number_input(key=NS + "harm_weight").value == 3.0, page
        assert at.number_input(key=NS + "replicates").value == 2, page
        assert "at a harm weight of 3" in headline(at), page
    at.button(key="run").click().run()
    assert "at a harm weight of 3" in headline(at)
    at.number_input(key=NS + "harm_weight").set_value(1.0).run()  # reverted
    assert "at a harm weight of 1" in headline(at) and not at.exception


def test_one_strategy_is_described_not_ranked():
    at = small(start())
    at.multiselect(key=NS + "strategies").set_value(["staged"]).run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    text = " ".join(m.value for m in at.markdown)
    assert headline(at).startswith("#### Staged release: what to expect")
    assert "best in" not in text and "100%" not in text and "Does best in" not in str(
        [t.columns for t in tables(at)])
    assert "A ranking needs two strategies" in text


def test_the_editors_replicates_run_on_compare():
    at = start("app_pages/editor.py")
    at.text_area(key="editor_text").set_value(
        "name: thirty\nbase: compare_main_strategies.yaml\nreplicates: 30\n").run()
    at.button(key="editor_use").click().run()
    assert at.number_input(key="cmp:thirty:replicates").value == 30


def test_a_form_edit_changes_only_its_field_in_the_yaml():
    """Comments, key order and the folded description stay as written."""
    shipped = (Path(APP).parent.parent / "scenarios" / "compare_main_strategies.yaml").read_text()
    at = start("app_pages/editor.py")
    at.text_area(key="editor_text").set_value(shipped).run()
    rev = at.session_state["editor_rev"] if "editor_rev" in at.session_state else 0  # noqa: SIM401
    at.number_input(key=f"form:{rev}:mapping.misuse_elasticity").set_value(3.5).run()
    edited = at.text_area(key="editor_text").value
    assert edited == shipped + "mapping:\n  misuse_elasticity: 3.5\n"
    at.number_input(key=f"form:{rev}:horizon_weeks").set_value(52).run()
    again = at.text_area(key="editor_text").value
    assert again == edited.replace("horizon_weeks: 104", "horizon_weeks: 52")


@pytest.mark.parametrize(("text", "path", "value", "expected"), [
    ("name: x  # mine\n", "harm_weight", 2, "name: x  # mine\nharm_weight: 2\n"),
    ("description: >\n  a b\n  c\n", "seed", 1, "description: >\n  a b\n  c\nseed: 1\n"),
    ("", "mapping.misuse_elasticity", 2.5, "mapping:\n  misuse_elasticity: 2.5\n"),
    ("mapping:\n  evasion_multiplier: 1  # note\n", "mapping.misuse_elasticity", 2,
     "mapping:\n  evasion_multiplier: 1  # note\n  misuse_elasticity: 2\n"),
    ("name: 'q'\n", "name", "r", "name: 'r'\n"),
])
def test_with_value_keeps_what_was_written(text, path, value, expected):
    from sim.yamlio import with_value

    assert with_value(text, path, value) == expected
