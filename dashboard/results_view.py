"""The results of one comparison: the answer first, then tables, charts, definitions, downloads.

Numbers come from sim (Results, sim.report, the decision summary); this module chooses words,
units and layout. Views are computed once per result and kept in the session, and only the open
tab is drawn, so moving around the results stays quick.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.components import memo  # noqa: F401 (re-exported)
from dashboard.decision_view import frontier_points, show_answer, weight_lines
from dashboard.labels import (
    REPLICATE_WORD,
    difference,
    interval,
    number,
    outcome_title,
    outcome_words,
    strategy_colours,
    strategy_label,
)
from sim import report
from sim.api import STRATEGIES, Results
from sim.outcome_registry import run_outcomes, step_outcomes
from sim.outcomes import size_column

FUTURES = REPLICATE_WORD + "s"
TABS = ["Outcomes per strategy", "Over time", "Harm against benefit", "Who had access when",
        "Definitions", "Downloads"]
# the outcomes a decision turns on first; then every other per-run outcome the registry declares
FIRST_ROWS = ["net_value", "beneficial_value", "harm", "gross_harm", "marginal_harm", "regret"]


def run_rows(present: set[str]) -> list[str]:
    """Whole-horizon outcomes for the table, from the outcome registry (an outcome added there
    shows here with no other change)."""
    declared = [o.name for o in run_outcomes(per_size=False, text=False)]
    return [o for o in dict.fromkeys(FIRST_ROWS + declared) if o in present]
ROUTE_WORDS = {"release": "released by the lab", "leak": "leaked (a partner or licensee)",
               "replication": "replicated by another lab"}


def shown_names(results: Results) -> list[str]:
    """The compared strategies, then the baseline if it is not among them (display order)."""
    names = list(results.strategies)
    if results.scenario.baseline not in names:
        names.append(results.scenario.baseline)
    return names


def show_results(results: Results, before_evidence=None) -> None:
    """The answer, then the evidence behind it in tabs (only the open one is drawn).
    before_evidence: drawn between the two (the Compare page's choice of a sweep)."""
    sc = results.scenario
    extra = "" if sc.baseline in results.strategies else f" (+ {strategy_label(sc.baseline)})"
    for note in results.notes():
        st.warning(note)
    show_answer(results)
    simulated = results.manifest.get("wall_seconds", 0)
    st.caption(f"{sc.replicates} {FUTURES} x {len(results.strategies)} strategies{extra}, "
               f"{sc.horizon_weeks} weeks from {sc.start_date}; simulated in {simulated:.1f} s"
               + ("; the harm weight and discount rate applied to the stored runs at once."
                  if "reweighed" in results.manifest else "."))
    if before_evidence is not None:
        before_evidence()
    st.subheader("The evidence behind it")
    tabs = st.tabs(TABS, key="results_tab", on_change="rerun")
    views = [_tables, _over_time, _tradeoff, _timeline, _definitions, download_results]
    for tab, view in zip(tabs, views, strict=True):
        if tab.open:
            with tab:
                view(results)


# ------------------------------------------------------------------------------ tables
def _spread_note(n: int) -> str:
    if n < 2:
        return ("One simulated future: spreads and intervals cannot be estimated, "
                "so cells show single values. Run more simulated futures for intervals.")
    return (f"Each cell: mean over {n} simulated futures [the range in which 90% of them "
            "fall]. This is the spread to expect in any one future, not the uncertainty of the "
            "mean; the answer above gives confidence intervals of the mean.")


def outcome_table(results: Results) -> pd.DataFrame:
    """Whole-horizon outcomes: rows in words with units, one column per strategy."""
    summary = memo(results, "summary", results.summary)
    summary = summary[summary["size"] == ""]
    n = results.scenario.replicates
    rows = {}
    names = shown_names(results)
    for outcome in run_rows(set(summary["outcome"])):
        unit = outcome_words(outcome).unit
        cells = {}
        for name in names:
            hit = summary[(summary["outcome"] == outcome) & (summary["strategy"] == name)]
            if len(hit):
                r = hit.iloc[0]
                cells[strategy_label(name)] = interval(r["mean"], r["low"], r["high"], unit, n)
        rows[outcome_title(outcome)] = cells
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("Outcome")


def size_table(results: Results) -> pd.DataFrame:
    """Per model size: when it became public and how (shares of simulated futures), and
    defender lead time; rows in words, one column per strategy."""
    runs = report.shown(results, results.runs)
    names = shown_names(results)
    horizon = results.scenario.steps * results.scenario.step_weeks  # a lead's cap
    rows: dict[str, dict[str, str]] = {}
    for size in results.size_names:
        week_col = size_column("time_to_public_weeks", size)
        route_col = size_column("public_route", size)
        lead_col = size_column("lead_time_weeks", size)
        public_row = f"{size}: week it became public (weeks since announcement)"
        route_row = f"{size}: how it became public (share of simulated futures)"
        lead_row = f"{size}: defender lead time (weeks; positive = defenders first)"
        for row in (public_row, route_row, lead_row):
            rows.setdefault(row, {})
        for name in names:
            mine = runs[runs["strategy"] == name]
            col = strategy_label(name)
            weeks = mine[week_col].dropna().to_numpy(dtype=float)
            never = len(mine) - len(weeks)
            if len(weeks) == 0:
                cell = f"not public within the horizon ({never} of {len(mine)} simulated futures)"
            else:
                lo, hi = np.quantile(weeks, [0.05, 0.95])
                cell = interval(float(np.median(weeks)), lo, hi, "weeks", len(weeks))
                cell = f"median week {cell}"
                if never:
                    cell += (f"; not public within the horizon in {never} of {len(mine)} "
                             f"{FUTURES}")
            rows[public_row][col] = cell
            counts = mine[route_col].value_counts()
            parts = [f"{ROUTE_WORDS[k]} {counts[k] / len(mine):.0%}" for k in ROUTE_WORDS
                     if counts.get(k, 0)]
            if counts.get("never", 0):
                parts.append(f"not public {counts['never'] / len(mine):.0%}")
            rows[route_row][col] = ", ".join(parts)
            lead = mine[lead_col].dropna().to_numpy(dtype=float)
            unreached = len(mine) - len(lead)
            if len(lead) == 0:
                cell = f"nobody reached the size within the horizon ({unreached} of " \
                    f"{len(mine)} simulated futures)"
            else:
                lo, hi = (np.quantile(lead, [0.05, 0.95]) if len(lead) > 1
                          else (np.nan, np.nan))
                cell = "median " + interval(float(np.median(lead)), lo, hi, "weeks", len(lead))
                capped = int((lead >= horizon).sum())
                if capped:
                    cell += (f"; in {capped} of {len(mine)} simulated futures defenders had "
                             "it from week 0 and attackers did not reach it (counted as "
                             f"{horizon:g} weeks)")
                if unreached:
                    cell += (f"; nobody reached the size in {unreached} of {len(mine)} "
                             "simulated futures")
            rows[lead_row][col] = cell
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("Model size and outcome")


def paired_table(results: Results) -> pd.DataFrame:
    """Paired differences against the baseline in words: outcomes as rows, one column per
    strategy, 'mean [90% CI]; higher in k% of simulated futures'."""
    p = results.paired(results.scenario.baseline)
    n = results.scenario.replicates
    p["Outcome"] = p["outcome"].map(outcome_title)
    p["Strategy"] = p["strategy"].map(strategy_label)
    p["cell"] = [
        f"{difference(o, m, lo, hi, n)}; higher in {share:.0%} of {FUTURES}"
        for m, lo, hi, o, share in zip(p["mean_difference"], p["low"], p["high"], p["outcome"],
                                       p["share_of_replicates_higher"], strict=True)]
    wide = p.pivot(index="Outcome", columns="Strategy", values="cell")
    return wide.loc[list(dict.fromkeys(p["Outcome"])), list(dict.fromkeys(p["Strategy"]))]


def _tables(results: Results) -> None:
    n = results.scenario.replicates
    st.markdown("##### Over the whole horizon")
    st.caption(_spread_note(n))
    st.table(memo(results, "outcome_table", lambda: outcome_table(results)))
    st.markdown("##### Per model size")
    horizon = results.scenario.steps * results.scenario.step_weeks  # the last simulated week
    st.caption("Defender lead time: weeks from the first defender or partner access to a size "
               "to the first malicious access. When only one side reached the size, the other "
               f"counts as the end of the horizon (week {horizon}), so a lead of {horizon} "
               "weeks means defenders had the size from the start and attackers never did "
               "within the horizon.")
    st.table(memo(results, "size_table", lambda: size_table(results)))
    baseline = strategy_label(results.scenario.baseline)
    st.markdown(f"##### Differences against {baseline}")
    st.caption("Strategy minus the baseline in the same simulated future, averaged [90% "
               "confidence interval: how precisely the simulation pins that average down], and "
               "how often the strategy's value is higher than the baseline's. A difference of "
               "two shares is in percentage points (pp): 30% against 20% is +10 pp." if n > 1
               else _spread_note(n))
    if len([s for s in results.strategies if s != results.scenario.baseline]):
        st.table(memo(results, "paired", lambda: paired_table(results)))


# ------------------------------------------------------------------------------ charts
def _over_time(results: Results) -> None:
    available = [o.name for o in step_outcomes() if o.name in results.steps.columns]
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    outcome = c1.selectbox("Outcome", available, format_func=outcome_title,
                           key="series_outcome")
    cumulative = c2.checkbox("Add up over weeks", value=outcome in ("harm", "beneficial_value"),
                             key=f"series_cum:{outcome}", help="Show the total so far in each "
                             "week instead of the amount in that week.")
    df = memo(results, f"bands:{outcome}:{cumulative}",
              lambda: report.step_bands(results, outcome, cumulative))
    words = outcome_words(outcome)
    st.markdown(f"**{words.label}{', total so far' if cumulative else ' per week'}**"
                f"{f' ({words.unit})' if words.unit else ''}")
    st.altair_chart(charts.bands(df, shown_names(results), words.label), width="stretch")
    st.caption("Line: mean over the simulated futures. Band: 90% of them fall inside; its "
               "edges are dashed.")


def tradeoff_means(results: Results) -> pd.DataFrame:
    s = memo(results, "summary", results.summary)
    harm = s[(s["outcome"] == "harm") & (s["size"] == "")].set_index("strategy")
    ben = s[(s["outcome"] == "beneficial_value") & (s["size"] == "")].set_index("strategy")
    return pd.DataFrame({
        "strategy": harm.index, "harm": harm["mean"].values, "harm_low": harm["low"].values,
        "harm_high": harm["high"].values, "beneficial_value": ben.loc[harm.index, "mean"].values,
        "ben_low": ben.loc[harm.index, "low"].values,
        "ben_high": ben.loc[harm.index, "high"].values,
    })


def tradeoff_chart(results: Results):
    """Harm against benefit; short axis titles (a long one is cut in a narrow window), the
    units in the words above the chart."""
    return charts.tradeoff(report.shown(results, results.runs), tradeoff_means(results),
                           shown_names(results), "Misuse harm (units)", "Beneficial value")


def _tradeoff(results: Results) -> None:
    st.markdown(f"Misuse harm in units ({outcome_words('harm').unit}) against beneficial "
                f"value ({outcome_words('beneficial_value').unit}). "
                "Each faint dot is one simulated future; diamonds are means, with lines "
                "spanning 90% of them. **Up and to the left is better**: more benefit, "
                "less harm.")
    st.altair_chart(memo(results, "tradeoff", lambda: tradeoff_chart(results)), width="stretch")


def _timeline(results: Results) -> None:
    n = results.scenario.replicates
    st.markdown(f"For each strategy (columns) and model size (rows): in what **share of the {n} "
                "simulated futures** the size was at each level of access (unreleased, partners, "
                "a research tier, a hosted interface, an API, a gated download) or public by "
                "each route, week by week. Reds: public without the lab releasing it.")
    shares = memo(results, "access_shares", lambda: report.access_shares(results))
    names = [s for s in shown_names(results) if s in set(shares["strategy"])]
    st.markdown(charts.access_key(), unsafe_allow_html=True)
    with st.container(key="timeline_scroll"):
        st.altair_chart(charts.access(shares, names, results.size_names, width=260),
                        width="content")
    st.markdown("##### How and when each size became public")
    st.caption("Shares of simulated futures by route; the week is the median over the worlds "
               "in which the size became public.")
    table = memo(results, "size_table", lambda: size_table(results))
    st.table(table[table.index.str.contains("became public")])


# ------------------------------------------------------------------------------ words
def _definitions(results: Results) -> None:
    st.markdown("#### What the outcomes mean")
    names = [o.name for o in run_outcomes(per_size=None, text=None)
             if o.name not in ("world", "misuse_multiplier")]
    lines = []
    for o in names:
        w = outcome_words(o)
        unit = f" *({w.unit})*" if w.unit else ""
        better = {"maximise": " More is better.", "minimise": " Less is better."}.get(
            w.direction, "")
        lines.append(f"- **{w.label}**{unit}: {w.description}{better}")
    st.markdown("\n".join(lines))
    st.markdown("#### How uncertainty is shown")
    st.markdown(
        "- Every strategy runs in the same simulated futures (the same random numbers in each), "
        "so a difference between two strategies in one of them comes from the strategies, not "
        "from luck. (Researchers call a simulated future a replicate.)\n"
        "- **[a to b] after a mean** in the tables: 90% of simulated futures fall in this range. "
        "It is the spread of outcomes to expect, and it does not shrink with more simulated "
        "futures.\n"
        "- **90% confidence interval** of a mean or of a difference: how precisely the "
        "simulation pins the average down. It shrinks with more simulated futures.\n"
        "- **Does best in**: the share of simulated futures in which a strategy has the "
        "highest net value.\n"
        "- **The frontier**: the strategies no other beats on both mean harm and mean benefit; "
        "a strategy off it is best at no harm weight.")
    st.markdown("#### The strategies")
    kinds = {s.name: s.kind for s in results.scenario.strategies}
    kinds.setdefault("closed", "closed")
    colours = strategy_colours(list(kinds))
    st.markdown("\n".join(
        f"- <span style='color:{colours[name]}'>&#9632;</span> **{strategy_label(name)}**: "
        f"{STRATEGIES[kind].summary}" for name, kind in kinds.items() if kind in STRATEGIES),
        unsafe_allow_html=True)
    st.markdown("#### Assumptions")
    st.markdown("Every input not set in the scenario takes its documented default; each default "
                "names its source or says it is an assumption. Hover over a setting for its "
                "meaning, unit and source; the Scenario editor lists them all, and the Sweep "
                "explorer shows which of them change the answer.")


# ------------------------------------------------------------------------------ downloads
def report_charts(results: Results) -> dict:
    """The HTML report's charts as the dashboard draws them (the same colour per strategy);
    sim.report renders them to inline SVG. Net value against the harm weight, and the
    frontier, only when there is a ranking (two strategies or more)."""
    d = memo(results, "decision", results.decision)
    names = shown_names(results)
    weight = results.scenario.harm_weight
    harm = outcome_words("harm")
    out = {}
    if d.has("break_even"):
        lines, strips = weight_lines(d, weight)
        out["Expected net value at each harm weight (thousand developer-weeks; the strip along "
            "the top: the best strategy; dashed: this report's harm weight)"] = \
            charts.net_value_by_weight(lines, strips, d.strategies, weight).properties(width=760)
    if d.has("pareto"):
        out["Harm and benefit of each strategy: the frontier (filled: no other strategy has "
            "both less harm and more benefit)"] = charts.frontier(
                frontier_points(d), d.strategies).properties(width=760)
    out["Harm against benefit (each faint dot one simulated future; diamonds: means with 90% "
        "of them)"] = tradeoff_chart(results).properties(width=760)
    out[f"Misuse harm, total so far ({harm.unit}; band: 90% of simulated futures)"] = \
        charts.bands(report.step_bands(results, "harm", True), names,
                     harm.label).properties(width=760)
    return out


DOWNLOADS = [  # label, key, file name ending, MIME type, what it holds
    ("Report with charts (HTML, opens offline)", "dl_html", "_report.html", "text/html"),
    ("Report (Markdown)", "dl_md", "_report.md", "text/markdown"),
    (f"Runs (CSV): one row per strategy and {REPLICATE_WORD}", "dl_runs", "_runs.csv",
     "text/csv"),
    ("Weekly outcomes (CSV)", "dl_steps", "_steps.csv", "text/csv"),
]


def download_files(results: Results) -> dict[str, bytes | str]:
    """Every download's bytes, made now (once per result): a file made only when clicked is
    'deferred' by Streamlit and can vanish with the rerun the click starts, so a second click
    right after the first delivered nothing. A file that cannot be made is its message."""
    makers = {"dl_html": lambda: report.report_html(results, charts=report_charts(results)),
              "dl_md": lambda: report.report_markdown(results),
              "dl_runs": lambda: results.runs.to_csv(index=False),
              "dl_steps": lambda: results.steps.to_csv(index=False)}
    out: dict[str, bytes | str] = {}
    for key, make in makers.items():
        try:
            out[key] = make().encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - said on the page, never a silent failure
            out[key] = f"{type(exc).__name__}: {exc}"
    return out


def download_results(results: Results) -> None:
    name = results.scenario.name
    st.markdown("The reports start with the answer in words and state their basis: every "
                "setting that differs from the scenario file the comparison started from.")
    with st.spinner("Preparing the files..."):
        files = memo(results, "downloads", lambda: download_files(results))
    cols = st.columns(2)
    for i, (label, key, ending, mime) in enumerate(DOWNLOADS):
        data = files[key]
        col = cols[i % 2]
        if isinstance(data, str):
            col.error(f"{label} could not be made: {data}")
            continue
        # on_click="ignore": no rerun, so the file stays served until the browser has it
        col.download_button(label, data, f"{name}{ending}", mime, key=key, on_click="ignore",
                            type="primary" if i == 0 else "secondary")


__all__ = ["download_results", "number", "show_results"]
