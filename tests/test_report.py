"""Reports start with the bottom line and their basis; the HTML report stands alone offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.api import load_scenario, run_comparison, with_overrides
from sim.report import report_charts, report_html, report_markdown
from tests.conftest import SCENARIOS

CHROMIUM = Path("/usr/bin/chromium")
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|"""
                      r"""@import""", re.IGNORECASE)


@pytest.fixture(scope="module")
def results():
    shipped = load_scenario(SCENARIOS / "compare_main_strategies.yaml",
                            {"replicates": 3, "horizon_weeks": 20})
    changed = with_overrides(shipped, {"harm_weight": 4.0, "partners.leak_probability": 0.01})
    out = run_comparison(changed)
    out.reference = shipped  # as the dashboard's Compare page would: the shipped scenario
    out.reference_role = "file"
    return out


@pytest.fixture(scope="module")
def page(results) -> str:
    return report_html(results)


CODE_NAMES = re.compile(r"\b(harm_weight|partners\.leak_probability|partnership_only|"
                        r"discount_rate_weekly|replicates?)\b|\b(full|staged|closed)\b(?! release)")


def test_markdown_report_starts_with_the_answer_in_words_and_lists_what_differs(results):
    text = report_markdown(results)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[2] == "## The answer"
    assert re.match(r"\*\*Full release comes out (best|ahead) at a harm weight of 4", lines[3])
    plain, research = text.split("## For researchers: the summary with the names files use")
    assert not CODE_NAMES.search(plain), CODE_NAMES.search(plain).group(0)
    basis = plain[plain.index("## What it rests on"):plain.index("## Expected net value")]
    assert basis.startswith("## What it rests on: 2 settings that differ from the scenario "
                            "file it started from ('compare_main_strategies')")
    assert "| Harm weight (benefit lost per unit of harm) | 4 | 1 |" in basis
    assert "| Weekly chance that a partner leaks the weights | 0.01 |" in basis
    assert "Horizon" not in basis, "the reference had the same horizon"
    for said in ("**The trade-off.**", "against releasing nothing", "**What the harm weight "
                 "means.**", "costs as much as about 9.6 minutes of a developer's work",
                 "Harm and benefit without one weight: the frontier"):
        assert said in plain, said
    assert plain.index("## Expected net value") < plain.index("## Outcomes per strategy")
    assert "Misuse harm (million reach-weighted undetected items)" in plain
    # the researchers' section keeps the CLI's summary and the names files use
    assert results.decision().bottom_line in research
    assert "| harm_weight | 4 | 1 |" in research and "### Break-even harm weights" in research


def test_html_report_has_no_external_urls_and_one_inline_svg_per_chart(results, page):
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "<script" not in page
    figures = re.findall(r"<figure class='chart'>(.*?)</figure>", page, re.DOTALL)
    assert len(figures) == len(report_charts(results)) == 3
    for fig in figures:
        assert fig.count("<svg") == 1
        assert re.search(r'class="mark-(line|symbol|area|rule)', fig), "marks drawn"
    body = page[page.index("<body>"):]
    assert body.index("The answer") < body.index("<figure") < body.index("<h2>What it rests")
    assert not CODE_NAMES.search(re.sub(r"<svg.*?</svg>", "", body[:body.index("<details>")],
                                        flags=re.DOTALL)), "code names only for researchers"
    assert "Under these assumptions" in body[body.index("<details>"):]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")
def test_html_report_draws_every_chart_in_a_browser_with_the_network_blocked(page, tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context(offline=True)
        context.route("**/*", lambda route: (requested.append(route.request.url),
                                             route.continue_() if route.request.url.startswith(
                                                 "file:") else route.abort()))
        tab = context.new_page()
        tab.goto(path.as_uri())
        tab.wait_for_load_state("load")
        charts = tab.locator("figure.chart")
        assert charts.count() == 3
        for i in range(charts.count()):
            svg = charts.nth(i).locator("svg")
            assert svg.count() == 1
            box = svg.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100
            marks = charts.nth(i).locator("[class^='mark-'] path, [class^='mark-'] line")
            assert marks.count() > 0
        assert tab.get_by_text("Under these assumptions").count() == 1
        tab.set_viewport_size({"width": 800, "height": 900})  # a narrow window: nothing wider
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= 800
        browser.close()
    assert [u for u in requested if not u.startswith("file:")] == []
