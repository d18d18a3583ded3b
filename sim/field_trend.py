"""How fast the field of capable labs grows, measured from a public dataset of AI models.

`other_labs.growth_per_year` is the yearly growth of the number of labs able to replicate
(sim.field). This module measures it from Epoch AI's 'Notable AI Models' dataset
(https://epoch.ai/data/ai-models, CC-BY 4.0): for each calendar year, the organisations that
published a notable language model trained with at least 1/100 of that year's largest training
compute among notable language models (a bar that moves with the frontier, because the model
already makes compute cheaper over time through `cost_halving_weeks`; a fixed bar would count
that trend twice). The growth is the slope of a straight line through the logarithm of those
yearly counts (least squares), with its 90% confidence interval.

Reading of the data, stated once here:
- an organisation is the first one a model lists (the lead developer), with the divisions of
  one company taken as that company (ALIASES): they share its compute;
- a model counts when its Domain lists Language (multimodal language models included) and
  its training compute is known; models without a compute estimate cannot be placed
  against the bar;
- 'notable' is Epoch's selection (state of the art, highly cited, or widely used), so the
  counts cover organisations whose models were noticed, not every group able to train one.

The shipped table `sim/data/epoch_language_models.csv` holds the dataset's language models of
2017 to 2025 (model, organisation, date, domain, compute), taken from a copy of the dataset
retrieved in May 2026. `release-sim calibrate field --data notable_ai_models.csv` measures the
same from a newer download of the whole dataset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError

SHIPPED_DATA = "epoch_language_models.csv"
SOURCE = ("Epoch AI, 'Notable AI Models' (https://epoch.ai/data/ai-models, CC-BY 4.0; copy "
          "retrieved May 2026)")
BAR_ORDERS = 2.0  # the bar: 10**-2 of the year's largest language model's training compute
FIT_YEARS = (2017, 2025)  # every year of the shipped table

# Each accepted column name (a whole Epoch download, or the shipped table) -> its meaning.
COLUMNS = {
    "organization": ("Organization", "organization"),
    "date": ("Publication date", "publication_date"),
    "domain": ("Domain", "domain"),
    "compute": ("Training compute (FLOP)", "training_compute_flop"),
}
# Divisions of one company count as that company: they draw on its compute.
ALIASES = {
    "Google DeepMind": "Google", "DeepMind": "Google", "Google Brain": "Google",
    "Google Research": "Google",
    "Meta AI": "Meta", "Facebook AI Research": "Meta", "Facebook": "Meta",
    "Facebook AI": "Meta",
    "Microsoft Research": "Microsoft", "Microsoft Research Asia": "Microsoft",
    "Alibaba Cloud": "Alibaba", "Alibaba Group": "Alibaba", "Qwen Team": "Alibaba",
    "Amazon Web Services": "Amazon", "Huawei Noah's Ark Lab": "Huawei",
    "Baidu Research": "Baidu", "Tencent AI Lab": "Tencent",
}


@dataclass(frozen=True)
class Growth:
    """The measured growth: the yearly table, the fitted growth per year and its interval."""

    table: pd.DataFrame  # year, largest_flop, bar_flop, models, organisations, names
    growth_per_year: float
    low: float
    high: float
    years: tuple[int, int]  # the first and last year the fit used
    orders: float
    source: str
    language_models: int  # language models in the file
    left_out: int  # of them, without a training compute above 0, a date or an organisation


@dataclass(frozen=True)
class Models:
    """The language models of a file that can be placed against the bar, and how many of the
    file's language models could not (said, not hidden)."""

    frame: pd.DataFrame  # organisation, year, compute
    language_models: int  # language models in the file
    left_out: int  # of them, without a training compute above 0, a date or an organisation


def shipped_data() -> Path:
    """The shipped table of the dataset's language models (2017 to 2025)."""
    return Path(str(resources.files("sim.data") / SHIPPED_DATA))


def read_models(path: str | Path) -> Models:
    """The language models with a known training compute: lead organisation, year, compute.
    Refuses (InputError) a file that is missing, not a CSV, or lacks a needed column."""
    path = Path(path)
    shown = str(path)
    if path.is_dir():
        raise InputError(shown, "--data", "this is a folder; give the CSV file of Epoch AI's "
                         "'Notable AI Models' dataset (notable_ai_models.csv)")
    try:
        raw = pd.read_csv(path, low_memory=False)
    except FileNotFoundError:
        raise InputError(shown, "--data", "no such file; give the CSV file of Epoch AI's "
                         "'Notable AI Models' dataset (notable_ai_models.csv)") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            OSError) as exc:
        why = " ".join(str(exc).split())
        raise InputError(shown, "--data", f"not a readable CSV file ({why})") from None
    picked = {}
    for meaning, names in COLUMNS.items():
        found = [n for n in names if n in raw.columns]
        if not found:
            raise InputError(shown, names[0], "column missing; needed: "
                             + ", ".join(f"'{n[0]}'" for n in COLUMNS.values()))
        picked[meaning] = raw[found[0]]
    df = pd.DataFrame(picked)
    df = df[df["domain"].astype(str).str.contains("Language", na=False)]
    if df.empty:
        raise InputError(shown, "Domain", "no row is a language model (a Domain listing "
                         "'Language', as 'Language' or 'Multimodal,Language,Vision')")
    language = len(df)
    df["date"] = _cells(df["date"], pd.to_datetime(df["date"], errors="coerce",
                                                   format="%Y-%m-%d"),
                        shown, picked_name(raw, "date"), "a date written YYYY-MM-DD")
    df["compute"] = _cells(df["compute"], pd.to_numeric(df["compute"], errors="coerce"),
                           shown, picked_name(raw, "compute"),
                           "a number of FLOP above 0, such as 3.14e+23")
    negative = df.index[df["compute"] <= 0]
    if len(negative):
        _refuse(shown, picked_name(raw, "compute"), negative, df.loc[negative, "compute"],
                "a number of FLOP above 0, such as 3.14e+23")
    df = df[df["compute"] > 0].dropna(subset=["organization"])
    if df.empty:
        raise InputError(shown, picked_name(raw, "compute"), f"none of the {language} language "
                         "models has a training compute above 0 (a number of FLOP, such as "
                         "3.14e+23) and an organisation")
    dated = df.dropna(subset=["date"])
    if dated.empty:
        raise InputError(shown, "Publication date", "no language model with a training "
                         "compute has a date written YYYY-MM-DD (as in Epoch AI's file)")
    lead = dated["organization"].astype(str).str.split(",").str[0].str.strip()
    frame = pd.DataFrame({"organisation": lead.replace(ALIASES),
                          "year": dated["date"].dt.year.astype(int),
                          "compute": dated["compute"].astype(float)}).reset_index(drop=True)
    return Models(frame, language, language - len(frame))


def picked_name(raw: pd.DataFrame, meaning: str) -> str:
    """The file's own name of a column (a whole download's, or the shipped table's)."""
    return next(n for n in COLUMNS[meaning] if n in raw.columns)


def _cells(text: pd.Series, parsed: pd.Series, shown: str, column: str,
           allowed: str) -> pd.Series:
    """parsed, once every cell that holds something also parsed: a blank cell is a value the
    dataset does not know (the model is left out, and counted); a cell that holds something
    else ('1e23 FLOP', '2019-13-01') is a mistake in the file, refused with its rows."""
    blank = text.isna() | (text.astype(str).str.strip() == "")
    bad = text.index[parsed.isna() & ~blank]
    if len(bad):
        _refuse(shown, column, bad, text.loc[bad], allowed)
    return parsed


def _refuse(shown: str, column: str, rows: pd.Index, values: pd.Series, allowed: str) -> None:
    # a data row's line in the file: the header is line 1
    listed = ", ".join(f"line {i + 2}: {v!r}" for i, v in zip(rows[:3], values[:3],
                                                               strict=False))
    more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    models = "1 language model holds" if len(rows) == 1 else f"{len(rows)} language models hold"
    raise InputError(shown, column, f"{models} a value that is not {allowed} ({listed}{more}); "
                     "leave a cell blank where the value is not known (the model is then left "
                     "out, and counted)")


def organisations_per_year(models: Models, orders: float = BAR_ORDERS) -> pd.DataFrame:
    """Per year: the largest training compute, the bar (10**-orders of it), the models at or
    above the bar and the distinct organisations that made them (with their names)."""
    rows = []
    for year, group in models.frame.groupby("year"):
        largest = float(group["compute"].max())
        bar = largest / 10**orders
        above = group[group["compute"] >= bar]
        names = sorted(set(above["organisation"]))
        rows.append({"year": int(year), "largest_flop": largest, "bar_flop": bar,
                     "models": len(above), "organisations": len(names),
                     "names": ", ".join(names)})
    return pd.DataFrame(rows, columns=["year", "largest_flop", "bar_flop", "models",
                                       "organisations", "names"])


def fit_growth(table: pd.DataFrame, years: tuple[int, int] = FIT_YEARS
               ) -> tuple[float, float, float, tuple[int, int]]:
    """Growth per year of the organisation count over the years (inclusive): exp(slope) - 1
    of a least-squares line through log(count), with the 90% t interval of the slope, and
    the first and last year with a count that the fit used. ValueError: fewer than 3 years."""
    from scipy import stats

    part = table[(table["year"] >= years[0]) & (table["year"] <= years[1])
                 & (table["organisations"] > 0)]
    if len(part) < 3:
        raise ValueError(f"{len(part)} year(s) with counts in {years[0]} to {years[1]}; at "
                         "least 3 are needed to fit a growth")
    fit = stats.linregress(part["year"], np.log(part["organisations"]))
    half = stats.t.ppf(0.95, len(part) - 2) * fit.stderr
    used = (int(part["year"].min()), int(part["year"].max()))
    return (math.expm1(fit.slope), math.expm1(fit.slope - half), math.expm1(fit.slope + half),
            used)


def measure_growth(path: str | Path | None = None, orders: float = BAR_ORDERS,
                   years: tuple[int, int] = FIT_YEARS) -> Growth:
    """The field's growth from the shipped table or a given download of the dataset."""
    data = shipped_data() if path is None else Path(path)
    if years[0] > years[1]:
        raise InputError(str(data), "--from/--to", f"the first year ({years[0]}) is after the "
                         f"last ({years[1]}); give --from <= --to")
    models = read_models(data)
    table = organisations_per_year(models, orders)
    try:
        growth, low, high, used = fit_growth(table, years)
    except ValueError as exc:
        held = sorted(set(models.frame["year"]))
        span = f"{held[0]} to {held[-1]}" if held else "no year"
        if len(held) >= 3:  # the years asked for leave too few: the options are to blame
            raise InputError(str(data), "--from/--to", f"{exc}; the file's models span "
                             f"{span}: widen --from/--to") from None
        raise InputError(str(data), "--data", f"{exc}: of the file's "
                         f"{models.language_models} language models, {len(models.frame)} have "
                         f"a training compute, date and organisation, and they span only "
                         f"{span} (the other {models.left_out} leave one of those blank); give "
                         "a file that covers at least 3 years") from None
    source = SOURCE if path is None else f"{data} (Epoch AI, 'Notable AI Models')"
    return Growth(table, growth, low, high, used, orders, source, models.language_models,
                  models.left_out)
