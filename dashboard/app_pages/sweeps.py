"""Sweep explorer: which uncertain assumptions change the answer, which strategy is robust, and
in which conditions a strategy loses. Runs a shipped sweep from the page or opens a folder."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.components import REPO, field_info, show_input_error, sweep_folders, typed_path
from dashboard.labels import (
    colour_scale_args,
    in_words,
    number,
    outcome_title,
    outcome_words,
    parameter_label,
    strategy_label,
)
from dashboard.sweep_jobs import SweepJobs, folder_for, shipped_sweeps
from sim.api import InputError
from sim.labels import parameter_phrase, rule_in_words
from sim.sweep import analysis, load_sweep_file, open_sweep, store
from sim.sweep.regions import Regions, winning_regions

RUN, OPEN = "Run a shipped sweep", "Open a sweep folder"
INDEX_WORDS = {  # what each index means; which method estimated it comes with the analysis
    "S1": "Share of the outcome's variation due to this assumption alone (first-order index "
          "S1)",
    "ST": "Share of the variation due to this assumption, with its interactions (total-order "
          "index ST)",
    "mu_star": "Average effect of moving this assumption across its range (mu*)",
    "sigma": "How much that effect depends on the other assumptions (sigma)",
}
IN_PROCESS_RUNS = 2000  # sweeps up to this many runs run in the dashboard's own process
FEW_SCENARIOS = 10  # a region of fewer scenarios is called a tendency (a judgement, not a test)


@st.cache_resource
def sweep_jobs() -> SweepJobs:
    """The server's sweep jobs (a resource shared by every session; holds no elements)."""
    return SweepJobs()


def describe_parameter(path: str) -> str:
    """Full name, dotted path and meaning of a parameter (for hover text)."""
    try:
        meaning = field_info(path).description or ""
    except KeyError:
        meaning = ""
    return f"{parameter_label(path)} [{path}]. {' '.join(meaning.split())}".strip()


def version(results) -> tuple[str, int]:
    """What a sweep folder's analysis depends on: its sweep (digest) and the batches done."""
    return results.manifest["digest"], len(store.done_batches(results.folder))


@st.cache_data(show_spinner="Computing sensitivity indices...", max_entries=32)
def sensitivity_table(folder: str, version: tuple[str, int], outcome: str) -> pd.DataFrame:
    """analysis.sensitivity of a sweep folder, kept while its version stays the same
    (the bootstrap intervals take seconds, and every widget on the page reruns it)."""
    return analysis.sensitivity(open_sweep(folder), outcome)


def computed(what: str, compute, *args):
    """compute(*args), or None after a warning that says what cannot be computed and why (a
    sweep too small or too broken for this analysis: sim's message, not a traceback)."""
    try:
        return compute(*args)
    except (ValueError, InputError) as exc:
        st.warning(f"{what} cannot be computed for this sweep: {exc}")
        return None


@st.cache_data(show_spinner="Finding where each strategy wins...", max_entries=32)
def regions_table(folder: str, version: tuple[str, int], outcome: str) -> Regions:
    """sim.sweep.regions.winning_regions of a sweep folder, kept while its version stays."""
    return winning_regions(open_sweep(folder), outcome)


def amount(x: float, outcome: str) -> str:
    """A value of the outcome with its unit ('56.9 thousand developer-weeks')."""
    unit = outcome_words(outcome).unit
    return number(x, "%") if unit == "%" else f"{number(x)} {unit}".strip()


def where_it_wins(regions: Regions, row) -> str:
    """Where one strategy wins, in words: its regions of the assumptions, else the middle half
    of its winning scenarios, else how close it comes where it never wins."""
    boxes = regions.boxes[regions.boxes["winner"] == row.strategy]
    regret = amount(row.least_regret, regions.outcome)
    if row.share_best == 0:
        if (regions.winners == row.beaten_by).all():
            return (f"Never best: {strategy_label(row.beaten_by)} wins every scenario (its "
                    f"smallest regret: {regret}).")
        return (f"Never best. It comes closest where {strategy_label(row.beaten_by)} wins "
                f"(its smallest regret: {regret}).")
    if row.share_best == 1:
        return "In every scenario."
    if len(boxes):
        if "everywhere" in set(boxes["rule"]):
            return "Across the whole sweep: no narrower region describes its wins."
        where = "; or where ".join(rule_in_words(r) for r in boxes["rule"])
        small = int(boxes["points"].sum())
        few = (f" Its regions hold only {small} scenarios: read them as a tendency."
               if small < FEW_SCENARIOS else "")
        if row.coverage >= 0.995:
            return f"Where {where}.{few}"
        return f"Mostly where {where} ({row.coverage:.0%} of its wins lie there).{few}"
    ranges = regions.typical_ranges.get(row.strategy) or []
    if not ranges:
        return "In a few scattered scenarios, too few to describe as a region."
    said = " and ".join(f"{parameter_phrase(name)} {number(low)} to {number(high)}"
                        for name, low, high in ranges)
    return f"Scattered; half of its wins have {said}."


def regions_view(results, outcome: str) -> None:
    """The bottom line of a sweep: which strategy is best where (sim.sweep.regions)."""
    if len(results.levers) < 2 or not results.uncertainties or not analysis.ranked(outcome):
        return
    st.subheader("When does each strategy win")
    regions = computed("Where each strategy wins", regions_table, str(results.folder),
                       version(results), outcome)
    if regions is None:
        return
    words = outcome_words(outcome)
    best = "lowest" if words.direction == "minimise" else "highest"
    top = regions.levers.iloc[0]
    never = [strategy_label(s) for s in regions.levers.loc[regions.levers["share_best"] == 0,
                                                           "strategy"]]
    text = (f"**{strategy_label(top['strategy'])}** has the {best} {words.label.lower()} in "
            f"{top['share_best']:.0%} of the {regions.points} scenarios.")
    if never:
        text += f" Never best in any scenario: {', '.join(never)}."
    for strategy, (won, points) in analysis.baseline_wins(results, outcome).items():
        # the baseline is run beside the levers but not ranked: the headline says what it
        # would win, so nobody reads the levers' winner as the best of all that was run
        text += (f" **{strategy_label(strategy)}**, run beside them only as the baseline, "
                 + (f"would be best in {won} of the {points} scenarios if it were ranked."
                    if won else "would be best in none of them."))
    st.markdown(text)
    for line in analysis.baseline_sentences(results, outcome, strategy_label):
        st.caption(line)
    st.caption(f"A strategy wins a scenario when its {words.label.lower()}, averaged over the "
               "scenario's simulated futures, is the best. The regions are ranges of the "
               "assumptions, found by a shallow decision tree, in each of which one strategy "
               "wins most scenarios.")
    levers = regions.levers
    table = pd.DataFrame({
        "Strategy": levers["strategy"].map(strategy_label),
        "Best in (share of scenarios)": levers["share_best"].map("{:.0%}".format),
    })
    if outcome == "net_value":
        table["Best at some harm weight"] = levers["best_at_some_weight"].map("{:.0%}".format)
    table["Where it wins"] = [where_it_wins(regions, r) for r in levers.itertuples()]
    st.table(table, hide_index=True)  # a table wraps the sentences that a data grid would cut
    if outcome == "net_value":
        st.caption("Best at some harm weight: the share of scenarios in which some harm weight "
                   "(another value judgement than the one each scenario uses) would make the "
                   "strategy best; 0% means no harm weight makes it best anywhere: it is "
                   "dominated.")
    with st.expander("The regions"):
        boxes = regions.boxes
        st.dataframe(pd.DataFrame({
            "Region": boxes["box"],
            "Where": boxes["rule"].map(lambda r: rule_in_words(r) if r != "everywhere"
                                       else "the whole sweep"),
            "Scenarios": boxes["points"],
            "Won most by": boxes["winner"].map(strategy_label),
            "Share it wins there": boxes["density"].map("{:.0%}".format),
        }), hide_index=True, width="stretch", key="sweep_region_boxes")


def index_axis(index: str, outcome: str) -> str:
    """Axis title of a sensitivity index in words first, its symbol and unit after."""
    if index in ("S1", "ST"):
        kind = "alone" if index == "S1" else "with its interactions"
        return f"Share of the outcome's variation due to the assumption {kind} ({index}, 0 to 1)"
    unit = outcome_words(outcome).unit
    name = index.replace("_star", "*")
    what = ("Average effect of moving the assumption across its range" if index == "mu_star"
            else "How much that effect depends on the other assumptions")
    return f"{what} ({name}" + (f", {unit})" if unit else ")")


def complete(folder: Path) -> bool:
    try:
        return open_sweep(folder).complete
    except InputError:
        return False


@st.fragment(run_every=1.0)
def watch(folder: Path) -> None:
    """Progress of the running sweep, with Cancel, redrawn every second as a fragment; the
    page around it is a finished run, so nothing of an earlier run (a Run or Continue button)
    stays on the page (Streamlit clears what an earlier run drew only when a run finishes,
    never when it ends in st.rerun). When the sweep ends, the whole page runs again."""
    job = sweep_jobs().get(folder)
    if job is None or not job.active:
        st.rerun(scope="app")
    share = job.done / job.total if job.total else 0.0
    st.progress(share, text=f"Running: {job.done:,} of {job.total:,} runs" if job.total
                else "Starting the sweep...")
    st.button("Cancel the sweep", on_click=job.cancel, key="sweep_cancel")


def choose_shipped() -> Path | None:
    files = shipped_sweeps()
    specs = {f: load_sweep_file(f) for f in files}
    chosen = st.selectbox("Sweep", files, key="sweep_file", format_func=lambda f: (
        f"{specs[f].name}: {specs[f].design.method} design, "
        f"{len(specs[f].uncertainties)} uncertain assumptions"),
        help="Sweep files shipped in scenarios/sweeps.")
    spec = specs[chosen]
    from sim.sweep.plan import make_plan

    runs = make_plan(spec).total_runs
    st.markdown(" ".join(spec.description.split()))
    levers = ", ".join(strategy_label(s) for s in spec.labels())
    assumptions = "; ".join(parameter_label(u) for u in spec.uncertainties)
    st.caption(f"{runs:,} runs. Strategies: {levers}. Uncertain assumptions: {assumptions}.")
    st.caption(held_fixed(spec))
    folder = folder_for(chosen)
    job = sweep_jobs().get(folder)
    if job is not None and job.active:
        watch(folder)
        return None
    if job is not None and job.status in ("cancelled", "failed"):
        (st.warning if job.status == "cancelled" else st.error)(job.message)
    if complete(folder):
        where = folder.relative_to(REPO) if folder.is_relative_to(REPO) else folder
        st.success(f"Results of this sweep are ready (folder {where}).")
        return folder
    label = "Continue the sweep" if (folder / "manifest.json").is_file() else "Run the sweep"
    if st.button(f"{label} ({runs:,} runs)", type="primary", key="sweep_run"):
        # in this process when small (no worker start-up: the simulator is loaded and
        # compiled here already); on every core when large
        sweep_jobs().start(chosen, workers=1 if runs <= IN_PROCESS_RUNS else None)
        st.rerun()
    return None


def choose_folder() -> Path | None:
    c1, c2 = st.columns(2)
    listed = c1.selectbox("Sweep folder found in the project", ["", *sweep_folders()],
                          key="sweep_choice", help="Folders written by 'release-sim sweep "
                          "--out' or by this page.")
    typed = c2.text_input("Or the path of a sweep folder", key="sweep_path",
                          help="Relative paths are taken from the project folder.")
    chosen = typed.strip() or listed
    if not chosen:
        st.info("Choose or type a sweep folder.")
        return None
    return typed_path(chosen, "Sweep folder")


def held_fixed(spec) -> str:
    """What the sweep holds at other values than its base scenario, and whether it samples
    the harm weight: why its answers can differ from the Compare page's."""
    fixed = "; ".join(f"{parameter_label(k)} {v}" for k, v in (spec.set or {}).items())
    out = [f"Held fixed in this sweep: {fixed}." if fixed else
           "The sweep holds every other input at its base scenario's value."]
    if any(k.startswith("uncertainty.worlds.") for k in [*(spec.set or {}), *spec.uncertainties]):
        out.append("The worlds are the possible truths about how much the model family will "
                   "be misused (for example benign, central and severe, each with its misuse "
                   "multiplier); each simulated future draws one of them from these "
                   "probabilities.")
    if "harm_weight" in spec.uncertainties:
        u = spec.uncertainties["harm_weight"]
        span = f" from {u.low:g} to {u.high:g}" if u.low is not None else ""
        out.append(f"It samples the harm weight{span}, the value judgement you set on the "
                   "Compare page, so its results show how the answer turns with it; the "
                   "Compare page answers at one weight.")
    return " ".join(out)


def sensitivity_view(results, outcome: str) -> None:
    st.subheader("Which uncertain assumptions matter")
    sens = computed("Sensitivity", sensitivity_table, str(results.folder), version(results),
                    outcome)
    if sens is None:
        return
    a = sens.attrs
    main = a["main_index"]
    st.markdown(
        "A longer bar means the outcome changes more when that assumption changes. This is "
        "how much each strategy's result moves, not which strategy comes out best: an "
        "assumption that moves every strategy alike can have a long bar and change no "
        "decision, and a short bar can still tip the balance between two close strategies. "
        "Which assumptions decide the winner is in 'When does each strategy win' above. "
        f"{INDEX_WORDS[main]}, estimated by **{a['method']}** "
        f"({a['reference']}). Thin lines: 95% confidence interval of the index, where it can "
        "be estimated.")
    st.caption(a["caveat"])
    for warning in a["warnings"]:
        st.warning(warning)
    df = sens[sens["index"] == main].copy()
    df["Assumption"] = df["parameter"].map(parameter_label)
    df["About"] = df["parameter"].map(describe_parameter)
    df["Strategy"] = df["strategy"].map(strategy_label)
    # every index here is non-negative by definition: an interval stops at 0, and the axis
    # starts there unless an estimate itself falls below 0 (the warnings say what that means)
    df["low"] = (df["value"] - df["conf"].fillna(0)).clip(lower=0)
    df["high"] = df["value"] + df["conf"].fillna(0)
    lowest = min(0.0, float(df["value"].min()))
    names = list(dict.fromkeys(df["strategy"]))
    colour = alt.Color("Strategy:N", scale=alt.Scale(**colour_scale_args(names)),
                       legend=alt.Legend(orient="bottom", title=None, labelLimit=0))
    # the title stands above the long names, not across them
    y = alt.Y("Assumption:N", title="Uncertain assumption", axis=alt.Axis(
        labelLimit=380, titleAngle=0, titleAlign="right", titleX=0, titleY=-12))
    x_scale = alt.Scale(domainMin=lowest, nice=True)
    base = alt.Chart(df).encode(y=y, yOffset="Strategy:N", color=colour)
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=index_axis(main, outcome), scale=x_scale),
        tooltip=["Strategy", "About", alt.Tooltip("value:Q", format=".3g", title="index"),
                 alt.Tooltip("conf:Q", format=".2g", title="95% half-width")])
    err = base.mark_rule(color="#333333").encode(x=alt.X("low:Q", scale=x_scale), x2="high:Q")
    st.altair_chart((bars + err).properties(height=max(160, 36 * len(df))), width="stretch")
    table = pd.DataFrame({
        "Strategy": sens["strategy"].map(strategy_label),
        "Assumption": sens["parameter"].map(parameter_label),
        "Index": sens["index"].map(lambda i: INDEX_WORDS.get(i, i)),
        "Value": sens["value"].map(number),
        "95% half-width": sens["conf"].map(lambda c: "cannot be estimated" if pd.isna(c)
                                           else number(c)),
    })
    with st.expander(f"Every index ({a['method']})"):
        st.dataframe(table[~sens["index"].isin(["mu"])], hide_index=True, width="stretch",
                     key="sweep_sensitivity",
                     column_config={"Assumption": st.column_config.TextColumn(
                         help="Hover a row's assumption in the chart for its full meaning.")})


def robustness_view(results, outcome: str) -> None:
    st.subheader("Which strategy is robust")
    words = outcome_words(outcome)
    st.markdown(
        "Each combination of the uncertain assumptions is one **scenario**. A strategy's "
        f"**regret** in a scenario is how much worse its {words.label.lower()} is than that of "
        "the best strategy in the same scenario (0 where it is best). The **robustness rule** "
        "here is *minimax regret* (Savage): pick the strategy whose worst regret over all "
        "scenarios is smallest. It guards against the worst case and can pick a strategy "
        "that is rarely best, so the share of scenarios in which each strategy is best stands "
        "beside it.")
    rob = computed("Robustness", analysis.robustness, results, outcome)
    if rob is None:
        return
    unit = f" ({words.unit})" if words.unit and words.unit != "%" else ""
    mean_col = next(c for c in rob.columns if c.startswith("mean_") and c != "mean_regret")
    table = pd.DataFrame({
        "Strategy": rob["strategy"].map(strategy_label),
        f"Worst regret{unit}": rob["max_regret"].map(number),
        f"Mean regret{unit}": rob["mean_regret"].map(number),
        "Best in (share of scenarios)": rob["share_best"].map("{:.0%}".format),
        f"Mean {words.label.lower()}{unit}": rob[mean_col].map(number),
        "Most robust (minimax regret)": rob["most_robust"].map({True: "yes", False: ""}),
    })
    st.table(table, hide_index=True)  # a table wraps its headers; a data grid cuts them
    top = rob.iloc[0]
    often = rob.sort_values("share_best", ascending=False).iloc[0]
    text = (f"**{strategy_label(top['strategy'])}** has the smallest worst-case regret "
            f"({amount(top['max_regret'], outcome)}) and is best in {top['share_best']:.0%} of "
            "scenarios.")
    if often["strategy"] != top["strategy"]:
        text += (f" **{strategy_label(often['strategy'])}** is best most often "
                 f"({often['share_best']:.0%} of scenarios) but can lose more in the worst one.")
    st.markdown(text)
    with st.expander("Regret in every scenario"):
        reg = computed("Regret per scenario", analysis.regret_table, results, outcome)
        if reg is not None:
            reg = reg.assign(strategy=reg["strategy"].map(strategy_label),
                             value=reg["value"].map(number), regret=reg["regret"].map(number),
                             best=reg["best"].map({True: "yes", False: ""})).rename(columns={
                "point": "Scenario", "strategy": "Strategy", "value": f"{words.label}{unit}",
                "regret": f"Regret{unit}", "best": "Best here",
                **{u: parameter_label(u) for u in results.uncertainties}})
            st.dataframe(reg, hide_index=True, width="stretch", key="sweep_regret")


def discovery_view(results, outcome: str) -> None:
    if len(results.levers) < 2:
        return
    st.subheader("When does a strategy lose")
    # the CLI's default pair: the most robust strategy and the one that beats it most
    pair = computed("Scenario discovery", analysis.discovery_pair, results, outcome)
    if pair is None:
        return
    default, _ = pair
    levers = results.levers
    d1, d2 = st.columns(2)
    # keyed by sweep and outcome, so each opens on its own default pair
    where = f"{results.manifest['digest']}:{outcome}"
    strategy = d1.selectbox("Strategy", levers, index=levers.index(default),
                            key=f"sd_strategy:{where}", format_func=strategy_label)
    _, rival = analysis.discovery_pair(results, outcome, strategy)
    others = [x for x in levers if x != strategy]
    versus = d2.selectbox("Against", others, index=others.index(rival) if rival in others else 0,
                          key=f"sd_versus:{where}:{strategy}", format_func=strategy_label,
                          help="By default the strategy that does better than it in the most "
                          "scenarios.")
    box = computed("Scenario discovery", analysis.scenario_discovery, results, strategy,
                   versus, outcome)
    if box is None:
        return
    share = box.attrs.get("share_losing", float("nan"))
    words = outcome_words(outcome)
    word = "lower" if words.direction != "minimise" else "higher"
    points = box.attrs.get("points", "?")
    if box.empty:
        st.markdown(f"**{strategy_label(strategy)}** never has {word} {words.label.lower()} "
                    f"than **{strategy_label(versus)}**: in none of the {points} scenarios "
                    "does it lose, so there is no region of losses to describe.")
        return
    st.markdown(f"**{strategy_label(strategy)}** has {word} {words.label.lower()}"
                f" than **{strategy_label(versus)}** in {share:.0%} of the {points} scenarios. "
                "The ranges below describe where most of those losses lie: *coverage* is the "
                "share of the losses inside the ranges, *density* the share of scenarios inside "
                "the ranges that lose. They come from a search for this one pair's losses, so "
                "their limits need not match the regions of 'When does each strategy win', "
                "which separate every strategy at once.")
    table = pd.DataFrame({
        "Uncertain assumption": box["uncertainty"].map(parameter_label),
        "From": box["low"].map(lambda v: v if isinstance(v, str) else number(v)),
        "To": box["high"].map(lambda v: v if isinstance(v, str) else number(v)),
        "Narrower than the sampled range": box["restricted"].map({True: "yes", False: "no"}),
    })
    st.table(table, hide_index=True)
    st.caption(f"Coverage {box['coverage'].iloc[0]:.0%}: the share of the scenarios where it "
               f"loses that lie inside these ranges; density {box['density'].iloc[0]:.0%}: the "
               f"share of the {int(box['points_in_box'].iloc[0])} scenarios inside the ranges "
               "where it loses.")


def analyse(folder: Path, describe: bool = True) -> None:
    try:
        results = open_sweep(folder)
        runs = results.runs()
    except InputError as exc:
        show_input_error(exc)
        return
    m = results.manifest
    if results.complete:  # the Compare page can read what would change its answer from it
        st.session_state["finished_sweep"] = str(folder)
    failed = int(store.failed_mask(runs).sum()) if "error" in runs else 0
    if describe:
        st.markdown(f"**{m.get('name', folder.name)}**: "
                    f"{' '.join(results.spec.description.split())}")
    extra = list(dict.fromkeys(runs.loc[~runs["lever"], "strategy"]))  # run, not ranked
    also = (f" and {', '.join(strategy_label(s) for s in extra)} (run as the baseline for "
            "marginal harm)" if extra else "")
    reps = int(results.spec.replicates)
    st.caption(f"{len(runs):,} runs: {', '.join(strategy_label(s) for s in results.levers)}"
               f"{also}, in {m.get('points', '?')} scenarios x {reps} "
               f"simulated future{'s' if reps != 1 else ''}; {failed} failed runs; "
               f"{'complete' if results.complete else 'incomplete (some batches missing)'}.")
    numeric = [c for c in runs.columns if runs[c].dtype.kind == "f" and "[" not in c
               and c not in results.uncertainties and outcome_words(c).direction != "information"]
    outcomes = [o for o in ["net_value", "harm", "beneficial_value", "marginal_harm",
                            "share_undetected"] if o in numeric] + \
        [o for o in numeric if o not in {"net_value", "harm", "beneficial_value",
                                         "marginal_harm", "share_undetected", "regret"}]
    if "world" in runs.columns:  # analyze's warning when the replicates missed a world
        said = analysis.world_mix_warning(analysis.world_mix(results))
        if said:
            st.warning(in_words(said[0].upper() + said[1:]))
    outcome = st.selectbox("Outcome", outcomes, format_func=outcome_title, key="sweep_outcome")
    regions_view(results, outcome)
    robustness_view(results, outcome)
    sensitivity_view(results, outcome)
    discovery_view(results, outcome)


st.title("Sweep explorer")
st.caption("Which uncertain assumptions change the answer? A sweep runs every strategy over many "
           "combinations of uncertain assumptions (scenarios) and shows which assumptions matter "
           "most, which strategy holds up best, and in which conditions a strategy loses.")
mode = st.segmented_control("What to do", [RUN, OPEN], default=RUN, key="sweep_mode",
                            label_visibility="collapsed") or RUN
folder = choose_shipped() if mode == RUN else choose_folder()
if folder is not None:
    analyse(folder, describe=mode == OPEN)
