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


def test_markdown_report_starts_with_the_bottom_line_and_lists_what_differs(results):
    text = report_markdown(results)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[1] == "## Bottom line"
    assert lines[2] == results.decision().bottom_line
    basis = text[text.index("## Basis"):text.index("Assumptions:")]
    assert basis.startswith("## Basis: 2 inputs that differ from the scenario file it started "
                            "from ('compare_main_strategies')")
    assert "| harm_weight | 4 | 1 |" in basis
    assert "| partners.leak_probability | 0.01 |" in basis
    assert "horizon_weeks" not in basis, "the reference had the same horizon"
    assert text.index("## Break-even harm weights") < text.index("## Outcomes per strategy")
    assert "Misuse harm (million reach-weighted undetected items)" in text


def test_html_report_has_no_external_urls_and_one_inline_svg_per_chart(results, page):
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "<script" not in page
    figures = re.findall(r"<figure class='chart'>(.*?)</figure>", page, re.DOTALL)
    assert len(figures) == len(report_charts(results)) == 3
    for fig in figures:
        assert fig.count("<svg") == 1
        assert re.search(r'class="mark-(line|symbol|area|rule)', fig), "marks drawn"
    body = page[page.index("<body>"):]
    assert body.index("Bottom line") < body.index("Basis") < body.index("<figure")


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
        browser.close()
    assert [u for u in requested if not u.startswith("file:")] == []
