"""release-sim dashboard: compare release strategies in the browser.

Start it with `make dashboard`. Pages live in dashboard/app_pages/ (not pages/: Streamlit
would also register a folder of that name as pages of its own, and a rerun would then run a
page without this navigation); numbers come from sim.
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
    st.Page("app_pages/compare.py", title="Compare strategies", icon=":material/balance:",
            default=True),
    st.Page("app_pages/calibration.py", title="Calibration", icon=":material/straighten:"),
    st.Page("app_pages/sweeps.py", title="Sweep explorer", icon=":material/explore:"),
    st.Page("app_pages/editor.py", title="Scenario editor", icon=":material/edit:"),
]
# Wide figures (the access timeline) scroll inside their own box instead of being cut.
# Strategy colours belong to strategies: chosen-strategy chips stay neutral.
st.html("""<style>
.st-key-timeline_scroll {overflow-x: auto;}
[data-testid="stMainBlockContainer"] {padding-top: 3.5rem;}
span[data-baseweb="tag"] {background-color: #E8EAED !important; color: #1F2933 !important;}
span[data-baseweb="tag"] svg {fill: #1F2933 !important;}
</style>""")
page = st.navigation(PAGES, position="top")
page.run()
