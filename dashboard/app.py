"""release-sim dashboard: compare release strategies in the browser.

Start it with `make dashboard`. Pages live in dashboard/app_pages/ (not pages/: Streamlit
would also register a folder of that name as pages of its own, and a rerun would then run a
page without this navigation); numbers come from sim.

Streamlit runs this script as `__main__`. A sweep started from the page runs in processes that
multiprocessing starts from a forkserver (the server runs threads, so it cannot fork); each
such process first re-imports the parent's main script as `__mp_main__` (the
multiprocessing guidelines, "Safe importing of main module"). The dashboard therefore draws
only under `__name__ == "__main__"`: a worker imports this file without running a page.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `sim` and `dashboard` import without installing
    sys.path.insert(0, str(ROOT))


# Wide figures (the access timeline) scroll inside their own box instead of being cut.
# Strategy colours belong to strategies: chosen-strategy chips stay neutral.
# Streamlit draws its own arrows (an expander's, a pop-over's) as Material icon ligatures:
# text ('keyboard_arrow_right', 'expand_more') that a reader copying the page, or reading it
# without the icon font, gets as words. They are hidden and drawn as CSS arrows instead, which
# are not part of the page's text.
STYLE = """<style>
.st-key-timeline_scroll {overflow-x: auto;}
[data-testid="stExpander"] summary [data-testid="stIconMaterial"],
[data-testid="stPopoverButton"] [data-testid="stIconMaterial"] {display: none;}
[data-testid="stExpander"] summary::before {content: "\\25B8"; margin-right: 0.5rem;}
[data-testid="stExpander"] details[open] > summary::before {content: "\\25BE";}
[data-testid="stPopoverButton"]::after {content: "\\25BE"; margin-left: 0.4rem;}
[data-testid="stMainBlockContainer"] {padding-top: 3.5rem;}
span[data-baseweb="tag"] {background-color: #E8EAED !important; color: #1F2933 !important;}
span[data-baseweb="tag"] svg {fill: #1F2933 !important;}
</style>"""


def main() -> None:
    """Draw the navigation and the chosen page."""
    import streamlit as st

    st.set_page_config(page_title="release-sim", page_icon=":material/balance:", layout="wide",
                       initial_sidebar_state="collapsed")
    pages = [
        st.Page("app_pages/compare.py", title="Compare strategies",
                default=True),
        st.Page("app_pages/calibration.py", title="Calibration"),
        st.Page("app_pages/sweeps.py", title="Sweep explorer"),
        st.Page("app_pages/editor.py", title="Scenario editor"),
    ]
    st.html(STYLE)
    st.navigation(pages, position="top").run()


if __name__ == "__main__":
    main()
