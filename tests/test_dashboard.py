"""AppTest of every dashboard page: choose, change, run; bad input shows the CLI's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sim.api import InputError
from sim.uploads import scenario_from_text

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
NS = "cmp:compare_main_strategies:"


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def small(at: AppTest, replicates: int = 2, horizon: int = 12) -> AppTest:
    at.number_input(key=NS + "replicates").set_value(replicates)
    at.number_input(key=NS + "horizon_weeks").set_value(horizon)
    return at.run()


def tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def comparison(at: AppTest):
    return next(t for t in tables(at) if "harm" in t.index)


def test_compare_lists_every_chosen_strategy():
    at = small(start())
    chosen = ["full", "staged", "api_only"]
    at.multiselect(key=NS + "strategies").set_value(chosen).run()
    at.selectbox(key=NS + "baseline").set_value("full").run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    table = comparison(at)
    assert set(chosen) <= set(table.columns)
    paired = next(t for t in tables(at) if "difference [90% CI]" in t.columns)
    assert set(paired["strategy"]) == {"staged", "api_only"}
    assert at.download_button, "results downloads are offered"


def test_a_lever_changes_the_numbers():
    at = small(start())
    at.button(key="run").click().run()
    before = comparison(at).loc["harm"].copy()
    at.number_input(key=NS + "mapping.misuse_elasticity").set_value(4.0).run()
    assert any("levers changed" in i.value for i in at.info)
    at.button(key="run").click().run()
    after = comparison(at).loc["harm"]
    assert not at.exception
    assert (before != after).any()


def test_lever_help_comes_from_the_schema():
    at = start()
    widget = at.number_input(key=NS + "mapping.misuse_elasticity")
    assert "Misuse capacity per item" in widget.help and "Allowed: 0 to 10" in widget.help


@pytest.mark.parametrize("text", [b"horizon_weeks: -3\nfoo: 1\n", b"name: [unclosed\n",
                                  b"base: nowhere.yaml\n", b"strategies: [fool]\n"])
def test_invalid_upload_shows_the_cli_message(text):
    at = start()
    at.radio(key="compare:scenario_source").set_value("Upload a YAML file").run()
    upload = at.file_uploader(key="compare:scenario_upload")
    upload.set_value(("bad.yaml", text, "text/yaml")).run()
    assert not at.exception
    with pytest.raises(InputError) as info:
        scenario_from_text(text.decode(), "bad.yaml")
    first = str(info.value).splitlines()[0]
    assert any(first in e.value for e in at.error), [e.value for e in at.error]
    at.switch_page("pages/calibration.py").run()  # the rest keeps working
    assert not at.exception and at.title[0].value.startswith("Calibration")


def test_valid_upload_runs():
    at = start()
    at.radio(key="compare:scenario_source").set_value("Upload a YAML file").run()
    text = b"name: mine\nbase: compare_main_strategies.yaml\nstrategies: [full, closed]\n"
    upload = at.file_uploader(key="compare:scenario_upload")
    upload.set_value(("mine.yaml", text, "text/yaml")).run()
    at.number_input(key="cmp:mine:replicates").set_value(2)
    at.number_input(key="cmp:mine:horizon_weeks").set_value(10).run()
    at.button(key="run").click().run()
    assert not at.exception and not at.error
    assert {"full", "closed"} <= set(comparison(at).columns)


def test_calibration_page():
    at = start("pages/calibration.py")
    assert not at.error and len(at.dataframe) >= 2
    at.number_input(key="cal_elasticity").set_value(3.0).run()
    assert not at.exception
    at.text_input(key="cal_path").set_value("no/such/calibration.yaml").run()
    assert not at.exception and "file not found" in at.error[0].value


def test_editor_validates_live_and_form_edits_yaml():
    at = start("pages/editor.py")
    assert at.success and "Valid scenario" in at.success[0].value
    area = at.text_area(key="editor_text")
    area.set_value(area.value + "\nhorizon_weeks: 0\n").run()  # a second horizon_weeks
    assert not at.exception
    assert "horizon_weeks: given twice" in at.error[0].value
    at.text_area(key="editor_text").set_value("name: short\nhorizon_weeks: 0\n").run()
    message = at.error[0].value
    assert "horizon_weeks" in message and "greater than or equal to 1" in message
    at.text_area(key="editor_text").set_value("name: edited\nreplicates: 5\n").run()
    assert "Valid scenario: edited" in at.success[0].value
    rev = at.session_state["editor_rev"]
    at.number_input(key=f"form:{rev}:mapping.misuse_elasticity").set_value(3.5).run()
    assert "misuse_elasticity: 3.5" in at.text_area(key="editor_text").value
    assert at.download_button, "the scenario can be downloaded"
    at.radio(key="editor:scenario_source").set_value("From the scenario editor").run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception and not at.error
    assert at.number_input(key="cmp:edited:mapping.misuse_elasticity").value == 3.5


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    sweep = pytest.importorskip("sim.sweep", reason="sim.sweep is not importable yet")
    spec = sweep.load_sweep_file(Path(APP).parent.parent / "scenarios" / "sweeps" / "quick.yaml")
    spec.set["horizon_weeks"] = 12
    spec.design.samples = 4
    out = tmp_path_factory.mktemp("sweep") / "quick"
    sweep.run_sweep(spec, out, workers=1)
    return out


def test_sweep_page(sweep_folder):
    at = start("pages/sweeps.py")
    assert not at.exception
    at.text_input(key="sweep_path").set_value(str(sweep_folder)).run()
    assert not at.exception and not at.error
    robust = next(t for t in tables(at) if "max_regret" in t.columns)
    assert set(robust["strategy"]) == {"full", "staged", "partnership_only"}
    assert any("parameter" in t.columns for t in tables(at))
    assert any("uncertainty" in t.columns for t in tables(at))
    at.selectbox(key="sweep_outcome").set_value("harm").run()
    assert not at.exception
    at.text_input(key="sweep_path").set_value("/no/such/sweep").run()
    assert not at.exception and "not a sweep folder" in at.error[0].value
