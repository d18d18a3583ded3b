"""The field's growth from data: `release-sim calibrate field` measures the yearly growth of the
organisations near the frontier from Epoch AI's dataset, and the shipped default is that
measurement."""

from __future__ import annotations

import csv

import pytest

from sim.errors import InputError
from sim.field_trend import measure_growth, organisations_per_year, read_models
from sim.scenario import OtherLabs
from tests.hardening_helpers import assert_one_message, call, write

HEADER = ["Model", "Organization", "Publication date", "Domain", "Training compute (FLOP)"]


def dataset(path, rows):
    """A file shaped like Epoch AI's download (its column names), from (org, date, domain,
    compute) rows."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i, (org, day, domain, compute) in enumerate(rows):
            w.writerow([f"m{i}", org, day, domain, compute])
    return path


def doubling(first=2017, years=6):
    """Organisations near the frontier double each year: 1, 2, 4, ... (growth +100%)."""
    rows = []
    for k in range(years):
        for j in range(2**k):
            rows.append((f"Lab {j}", f"{first + k}-06-01", "Language", 1e22 * 10**k))
    return rows


def test_a_field_that_doubles_each_year_measures_plus_100_percent(tmp_path):
    g = measure_growth(dataset(tmp_path / "d.csv", doubling()), years=(2017, 2022))
    assert list(g.table["organisations"]) == [1, 2, 4, 8, 16, 32]
    assert g.growth_per_year == pytest.approx(1.0)
    assert g.low == pytest.approx(1.0) and g.high == pytest.approx(1.0), "a perfect fit"


def test_the_bar_moves_with_the_frontier_and_one_company_counts_once(tmp_path):
    """A model below 1/100 of its year's largest does not count; divisions of one company
    (DeepMind, Google Brain) count as it; the lead organisation counts, not co-authors;
    models without a compute estimate or outside language are left out."""
    rows = [("OpenAI", "2020-05-28", "Language", 3e23),
            ("DeepMind", "2020-03-01", "Language", 1e22),
            ("Google Brain,University X", "2020-04-01", "Multimodal,Language,Vision", 5e21),
            ("Small Lab", "2020-02-01", "Language", 1e21),  # 1/300 of the largest
            ("No Estimate", "2020-02-01", "Language", ""),
            ("Vision Lab", "2020-02-01", "Vision", 1e23)]
    models = read_models(dataset(tmp_path / "d.csv", rows))
    table = organisations_per_year(models, orders=2)
    assert table.loc[0, "names"] == "Google, OpenAI"
    assert table.loc[0, "models"] == 3 and table.loc[0, "organisations"] == 2
    wider = organisations_per_year(models, orders=3)
    assert wider.loc[0, "names"] == "Google, OpenAI, Small Lab"


def test_the_shipped_default_is_the_measurement_of_the_shipped_table():
    g = measure_growth()
    assert g.years == (2017, 2025) and "Epoch AI" in g.source
    assert OtherLabs().growth_per_year == round(g.growth_per_year, 2)
    assert g.low < g.growth_per_year < g.high
    assert g.table.set_index("year").loc[2019, "organisations"] == 6  # as docs/model.md says


def test_the_command_prints_the_table_and_the_growth(capsys):
    code, out, _ = call(capsys, "calibrate", "field", "--from", "2018", "--to", "2024")
    said = " ".join(out.split())
    assert code == 0
    assert "2018 to 2024 (least squares on its logarithm): +28% a year (90% CI +17% to +40%)" \
        in said, out
    assert "Epoch AI" in out and "OpenAI" in out
    assert "434 language models in the file; 174 left out" in said, "what is dropped is said"
    code, out, _ = call(capsys, "calibrate", "field", "--from", "1990", "--to", "2030")
    assert "2017 to 2025 (least squares" in " ".join(out.split()), "the years the fit used"


def test_rows_with_a_blank_date_are_left_out_and_counted(tmp_path):
    rows = [*doubling(years=4), ("Late Lab", "", "Language", 1e24)]
    g = measure_growth(dataset(tmp_path / "d.csv", rows), years=(2017, 2020))
    assert g.language_models == len(rows) and g.left_out == 1
    assert g.growth_per_year == pytest.approx(1.0)


def test_a_row_in_another_date_format_is_named_not_dropped(tmp_path):
    """A cell that holds something else than the column allows is a mistake in the file,
    named with its line (issue 23: dropped silently, the years were blamed)."""
    rows = [*doubling(years=4), ("Late Lab", "03/15/2019", "Language", 1e24)]
    with pytest.raises(InputError, match=r"1 language model holds .*'03/15/2019'"):
        measure_growth(dataset(tmp_path / "d.csv", rows), years=(2017, 2020))


BAD = {
    "no such file": (None, "no such file"),
    "a folder": ("<dir>", "this is a folder"),
    "empty": ("", "not a readable CSV file"),
    "binary": (bytes(range(256)) * 8, "not a readable CSV file"),
    "no organisation column": ("Model,Publication date,Domain,Training compute (FLOP)\n",
                               "Organization: column missing"),
    "no compute column": ("Model,Organization,Publication date,Domain\n",
                          "Training compute (FLOP): column missing"),
    "the shipped table without domain": ("model,organization,publication_date,"
                                         "training_compute_flop\n", "Domain: column missing"),
    "no language model": ("Organization,Publication date,Domain,Training compute (FLOP)\n"
                          "X,2020-01-01,Vision,1e20\n", "Domain: no row is a language model"),
    "no dates": ("Organization,Publication date,Domain,Training compute (FLOP)\n"
                 "X,soon,Language,1e20\n", "Publication date: 1 language model holds a value "
                 "that is not a date"),
    "dates in another format": ("Organization,Publication date,Domain,Training compute (FLOP)"
                                "\nX,03/15/2019,Language,1e20\n", "written YYYY-MM-DD"),
    "no compute numbers": ("Organization,Publication date,Domain,Training compute (FLOP)\n"
                           "X,2020-01-01,Language,lots\n",
                           "Training compute (FLOP): 1 language model holds a value that is not "
                           "a number"),
    "compute of 0 or below": ("Organization,Publication date,Domain,Training compute (FLOP)\n"
                              "X,2020-01-01,Language,0\nY,2021-01-01,Language,-1e22\n",
                              "above 0"),
    "no organisation": ("Organization,Publication date,Domain,Training compute (FLOP)\n"
                        ",2020-01-01,Language,1e22\n", "and an organisation"),
    "too few years": ("Organization,Publication date,Domain,Training compute (FLOP)\n"
                      "X,2020-01-01,Language,1e20\nY,2021-01-01,Language,1e20\n",
                      "--data: 2 year(s) with counts"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_data_gets_one_message_naming_the_file_and_what_is_wrong(case, tmp_path, capsys):
    content, words = BAD[case]
    path = tmp_path / "notable_ai_models.csv"
    if content == "<dir>":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        write(path, content)
    code, _, err = call(capsys, "calibrate", "field", "--data", path)
    assert_one_message(code, err, str(path), words)


@pytest.mark.parametrize(("args", "words"), [
    (["--from", "2025", "--to", "2017"], "the first year (2025) is after the last (2017)"),
    (["--from", "2030", "--to", "2040"], "0 year(s) with counts in 2030 to 2040"),
    (["--orders", "0"], "--orders"),
    (["--orders", "many"], "--orders"),
    (["--from", "last year"], "--from"),
])
def test_bad_options_get_one_message(args, words, capsys):
    code, _, err = call(capsys, "calibrate", "field", *args)
    assert_one_message(code, err, words)
