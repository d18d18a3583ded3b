"""The dashboard is a shared server (issue 23, item 11): what a user uploads, types into the
editor or types into a path box is data, never code to import or a key to the server's disk.

Each attack is tried where a user would try it (an uploaded file, the editor's YAML, the
Sweep explorer's and the Compare page's folder boxes, the Calibration page's path box); the
page shows one message naming the field and the rule, and nothing outside the workspace is
opened, listed or imported: a Python audit hook watches every open, listing and import of the
process the pages run in. The command line and the Python API keep their freedom.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sim.errors import InputError
from sim.uploads import SCENARIOS_DIR
from sim.workspace import MODULES_ENV, WORKSPACE_ENV
from tests.conftest import REPO
from tests.dashboard_helpers import start

OUTSIDE = "outside the folders this server reads"
CLASS = "names a Python class of your own"
EVIL = "evil_release_strategy"  # a module whose import the tests watch for

# ----------------------------------------------------------------------- the watch
SEEN: list[tuple[str, str]] = []  # (event, what) of watched opens, listings and imports
WATCHED: list[str] = []  # path prefixes and module names being watched


def _audit(event: str, args: tuple) -> None:
    if not WATCHED:
        return
    if event == "import" and args and str(args[0]).split(".")[0] in WATCHED:
        SEEN.append((event, str(args[0])))
    elif event in ("open", "os.listdir", "os.scandir") and args:
        path = args[0]
        if isinstance(path, str | bytes | os.PathLike) and not isinstance(path, int):
            text = os.fsdecode(path)
            if any(text.startswith(w) for w in WATCHED):
                SEEN.append((event, text))


sys.addaudithook(_audit)  # for the whole process (hooks cannot be removed): idle unless WATCHED


@pytest.fixture
def watch():
    """Watch paths and modules: yields the list to extend; what was touched is SEEN."""
    SEEN.clear()
    WATCHED.clear()
    yield WATCHED
    WATCHED.clear()


# ----------------------------------------------------------------------- the places
@pytest.fixture
def places(tmp_path: Path, monkeypatch) -> dict:
    """A secret file, a secret sweep folder and an importable module outside the workspace;
    inside it (scenarios/ and a folder of this test's own), a link that leads out, and a
    base scenario that names the secret. The module leaves a mark if it is ever imported."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text("quality_index: {}\nname: secret\n")
    sweep = outside / "sweep"
    sweep.mkdir()
    (sweep / "manifest.json").write_text('{"format": "release-sim-sweep/1"}')
    (sweep / "spec.json").write_text("{}")
    mark = tmp_path / "imported.mark"
    (outside / f"{EVIL}.py").write_text(
        f"from pathlib import Path\nPath({str(mark)!r}).write_text('ran')\n"
        "from sim.strategies import Strategy\n\n\nclass Foo(Strategy):\n"
        "    def access(self, view):\n        return [3] * len(view.size_names)\n")
    monkeypatch.syspath_prepend(str(outside))
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "link.yaml").symlink_to(secret)
    (inside / "link_sweep").symlink_to(sweep, target_is_directory=True)
    (inside / "names_secret.yaml").write_text(f"name: base\ncalibration: {secret}\n")
    monkeypatch.setenv(WORKSPACE_ENV, os.pathsep.join([str(SCENARIOS_DIR), str(inside)]))
    monkeypatch.delenv(MODULES_ENV, raising=False)
    up = os.path.relpath(secret, SCENARIOS_DIR)  # '../../..' from scenarios/ to the secret
    return {"secret": secret, "sweep": sweep, "mark": mark, "outside": outside,
            "inside": inside, "up": up}


def scenario_attacks(p: dict) -> dict[str, tuple[str, str, str]]:
    """Scenario text -> (field named, rule said) for each attack through a scenario."""
    return {
        "a module:Class strategy": (f"name: x\nstrategies: [full, '{EVIL}:Foo']\n",
                                    "strategies[1].kind", CLASS),
        "a module:Class strategy in a mapping": (
            f"name: x\nstrategies: [{{kind: '{EVIL}:Foo', label: mine}}]\n",
            "strategies[0].kind", CLASS),
        "this:Foo (prints on import)": ("name: x\nstrategies: ['this:Foo']\n",
                                        "strategies[0].kind", CLASS),
        "base: an absolute path": (f"name: x\nbase: {p['secret']}\n", "base", OUTSIDE),
        "base: up and out of scenarios/": (f"name: x\nbase: {p['up']}\n", "base", OUTSIDE),
        "base: a link in the workspace that leads out": (
            f"name: x\nbase: {p['inside'] / 'link.yaml'}\n", "base", OUTSIDE),
        "base: in the workspace, naming a calibration outside": (
            f"name: x\nbase: {p['inside'] / 'names_secret.yaml'}\n", "calibration", OUTSIDE),
        "calibration: an absolute path": (f"name: x\ncalibration: {p['secret']}\n",
                                          "calibration", OUTSIDE),
        "calibration: up and out of scenarios/": (f"name: x\ncalibration: {p['up']}\n",
                                                  "calibration", OUTSIDE),
        "calibration: builtin: with a path": (
            f"name: x\ncalibration: 'builtin:{Path(p['up']).with_suffix('')}'\n",
            "calibration", "no built-in calibration"),
    }


def errors(at: AppTest) -> list[str]:
    """What the page refuses with: error boxes, and a warning in words with the command line's
    message under 'Details for researchers' (the Compare page's way)."""
    return [e.value for e in at.error] + [c.value for c in at.code]


def assert_refused(at: AppTest, case: str, field: str, rule: str, p: dict) -> None:
    assert not at.exception, (case, at.exception)
    said = [e for e in errors(at) if rule in e]
    assert said and field in said[0], (case, errors(at))
    assert not SEEN, f"{case}: touched {SEEN}"
    assert not p["mark"].exists() and EVIL not in sys.modules, f"{case}: the module ran"


# ----------------------------------------------------------------------- the tests
def test_the_watch_sees_an_open_a_listing_and_an_import(places, watch):
    """The watch itself: what the tests below assert never happens is seen when it does."""
    watch += [str(places["outside"]), EVIL]
    places["secret"].read_text()
    os.listdir(places["sweep"])
    __import__(EVIL)
    assert {event for event, _ in SEEN} == {"open", "os.listdir", "import"}
    sys.modules.pop(EVIL, None)


def test_an_upload_is_data(places, watch):
    watch += [str(places["outside"]), EVIL, "this"]
    at = start()
    at.radio(key="scenario_source").set_value("Upload a YAML file").run()
    for case, (text, field, rule) in scenario_attacks(places).items():
        SEEN.clear()
        upload = at.file_uploader(key="scenario_upload")
        upload.set_value((f"{case[:10]}.yaml", text.encode(), "text/yaml")).run()
        assert_refused(at, case, field, rule, places)


def test_the_editor_is_data(places, watch):
    watch += [str(places["outside"]), EVIL, "this"]
    at = start("app_pages/editor.py")
    for case, (text, field, rule) in scenario_attacks(places).items():
        SEEN.clear()
        at.text_area(key="editor_text").set_value(text).run()
        assert_refused(at, case, field, rule, places)
        assert at.button(key="editor_use").disabled, f"{case}: cannot be used"


def folder_attacks(p: dict) -> dict[str, str]:
    return {"an absolute path": str(p["sweep"]),
            "up and out of the project": os.path.relpath(p["sweep"], REPO),
            "a link in the workspace that leads out": str(p["inside"] / "link_sweep"),
            "a missing folder outside": str(p["outside"] / "no_such")}


@pytest.mark.parametrize("page", ["sweeps", "compare"])
def test_a_typed_sweep_folder_stays_in_the_workspace(page, places, watch):
    watch.append(str(places["outside"]))
    at = start(f"app_pages/{page}.py" if page == "sweeps" else None)
    if page == "sweeps":
        at.segmented_control(key="sweep_mode").set_value("Open a sweep folder").run()
    else:
        at.number_input(key="cmp:compare_main_strategies:replicates").set_value(2)
        at.number_input(key="cmp:compare_main_strategies:horizon_weeks").set_value(6).run()
        at.button(key="run").click().run()
    box = "sweep_path" if page == "sweeps" else "cmp_sweep_path"
    for case, typed in folder_attacks(places).items():
        SEEN.clear()
        at.text_input(key=box).set_value(typed).run()
        assert_refused(at, case, "Sweep folder", OUTSIDE, places)
        assert typed in errors(at)[0], "the message names the path as typed"


def test_a_typed_calibration_path_stays_in_the_workspace(places, watch):
    watch.append(str(places["outside"]))
    at = start("app_pages/calibration.py")
    for case, typed in {"an absolute path": str(places["secret"]),
                        "up and out of the project": os.path.relpath(places["secret"], REPO),
                        "a link that leads out": str(places["inside"] / "link.yaml")}.items():
        SEEN.clear()
        at.text_input(key="cal_path").set_value(typed).run()
        assert_refused(at, case, "Calibration path", OUTSIDE, places)


def test_the_server_can_opt_in(places, monkeypatch):
    """A server for trusted users allows their strategy classes and wider folders, as
    documented (docs/errors.md): then the same upload imports and reads."""
    from sim.uploads import scenario_from_text

    monkeypatch.setenv(MODULES_ENV, "1")
    scenario = scenario_from_text(f"name: x\nstrategies: ['{EVIL}:Foo']\n", "up.yaml")
    assert scenario.strategies[0].kind == f"{EVIL}:Foo" and places["mark"].exists()
    monkeypatch.setenv(WORKSPACE_ENV, str(places["outside"]))
    with pytest.raises(InputError, match="not found"):  # now looked for: it is inside
        scenario_from_text(f"name: x\nbase: {places['outside'] / 'missing.yaml'}\n", "up.yaml")
    sys.modules.pop(EVIL, None)


def test_the_command_line_and_the_api_keep_their_freedom(places, tmp_path):
    """On the researcher's own machine a scenario may name any file and its own classes."""
    from sim.api import load_scenario

    calibration = tmp_path / "outside" / "cal.yaml"
    calibration.write_text((REPO / "sim" / "data" / "gpt2.yaml").read_text())
    path = tmp_path / "outside" / "s.yaml"
    path.write_text(f"name: mine\ncalibration: {calibration}\nstrategies: [full, '{EVIL}:Foo']\n")
    scenario = load_scenario(path)
    assert scenario.calibration == str(calibration) and places["mark"].exists()
    sys.modules.pop(EVIL, None)
