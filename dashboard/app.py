"""release-sim dashboard: compare release strategies in the browser.

Start it with `make dashboard`. Pages live in dashboard/pages/; numbers come from sim.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `sim` and `dashboard` import without installing
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

st.set_page_config(page_title="release-sim", page_icon=":material/balance:", layout="wide",
                   initial_sidebar_state="collapsed")
PAGES = [
    st.Page("pages/compare.py", title="Compare strategies", icon=":material/balance:",
            default=True),
    st.Page("pages/calibration.py", title="Calibration", icon=":material/straighten:"),
    st.Page("pages/sweeps.py", title="Sweep explorer", icon=":material/explore:"),
    st.Page("pages/editor.py", title="Scenario editor", icon=":material/edit:"),
]
page = st.navigation(PAGES, position="top")
page.run()
