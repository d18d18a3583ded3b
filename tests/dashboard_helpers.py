"""Shared by the dashboard tests: open the app (AppTest) on a page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def start(page: str | None = None) -> AppTest:
    """The app, run once, switched to page (app_pages/NAME.py; None: the first page)."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at
