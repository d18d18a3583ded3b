"""Real-browser test: start the dashboard, open every page in headless Chromium, screenshot it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = [("", "Compare release strategies"), ("calibration", "Calibration: quality per model size"),
         ("sweeps", "Sweep explorer"), ("editor", "Scenario editor")]

TABS = ["Summary and differences", "Harm vs benefit", "Access timeline",
        "Definitions and assumptions", "Downloads"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at "
                       "/usr/bin/chromium (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port",
           str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    try:
        deadline = time.time() + 180  # CI starts it while other tests load both cores
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail("the dashboard did not start within 180 s")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and anything it started
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def settle(page) -> None:
    """Wait until Streamlit has finished running the script and drawn every element."""
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=90_000)
    page.wait_for_function(  # placeholders (skeletons) are replaced once elements are drawn
        "() => document.querySelectorAll(\"[data-testid^='stSkeleton']\").length === 0",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def test_every_page_renders(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1700})
        for path, heading in PAGES:
            page.goto(f"{server}/{path}")
            page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
            settle(page)
            if path == "":
                box = page.get_by_role("spinbutton", name="Replicates per strategy")
                box.fill("5")
                box.press("Enter")
                settle(page)
                page.get_by_role("button", name="Run comparison").click()
                page.get_by_role("tab", name="Summary and differences").wait_for(timeout=90_000)
                settle(page)
                for tab in TABS:
                    page.get_by_role("tab", name=tab).click()
                    page.wait_for_timeout(700)
                    page.screenshot(path=str(tmp_path / f"compare_{tab.split()[0].lower()}.png"))
            shot = tmp_path / f"{path or 'compare'}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            assert page.locator("[data-testid='stException']").count() == 0, path
            assert page.get_by_role("heading", name=heading).count() >= 1
        browser.close()
    print(f"screenshots in {tmp_path}")
