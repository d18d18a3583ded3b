"""Unit tests of the measurement pipeline on small texts the tests write themselves."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.measure.detector import MIN_DOCS_PER_CLASS, TooFewDocs, evaluate
from sim.measure.pipeline import measure
from sim.measure.readers import FileInfo, classify, decoding_from_name, read_samples
from sim.measure.stats import wilson
from sim.measure.textstats import text_stats

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from sim.cli import main; main()"]
HUMAN_WORDS = [
    "the",
    "a",
    "of",
    "river",
    "city",
    "council",
    "said",
    "on",
    "monday",
    "people",
    "market",
    "report",
    "year",
]
MODEL_WORDS = [
    "the",
    "a",
    "of",
    "dragon",
    "game",
    "players",
    "level",
    "quest",
    "magic",
    "sword",
    "castle",
    "hero",
]


def docs(words: list[str], n: int, seed: int, length: int = 80) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(length)) for _ in range(n)]


def write_jsonl(path: Path, texts: list[str]) -> None:
    path.write_text(
        "".join(
            json.dumps({"id": i, "ended": True, "length": len(t.split()), "text": t}) + "\n"
            for i, t in enumerate(texts)
        )
    )


def test_wilson_interval_contains_share_and_narrows_with_n():
    lo, hi = wilson(45, 50)
    assert lo < 0.9 < hi
    lo2, hi2 = wilson(450, 500)
    assert hi2 - lo2 < hi - lo
    assert wilson(0, 10)[0] == 0.0


def test_text_stats_repetition_and_distinct():
    loop = text_stats(["a b c d " * 20])
    varied = text_stats([" ".join(f"w{i}" for i in range(80))])
    assert loop["repetition_4gram"] > 0.8 and varied["repetition_4gram"] == 0.0
    assert varied["distinct_2"] == 1.0 and loop["distinct_2"] < 0.1


def test_classify_by_name_and_content(tmp_path):
    (tmp_path / "small-117M-k40.train.jsonl").write_text('{"text": "x"}\n')
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "xl-1542M-unconditional-t07.txt").write_text("==== SAMPLE 1 ====\nhi\n")
    assert classify(tmp_path / "small-117M-k40.train.jsonl") == "official"
    assert classify(tmp_path / "notes.txt") is None
    assert classify(tmp_path / "xl-1542M-unconditional-t07.txt") == "samples"
    assert decoding_from_name("conditional-topk40") == "k40"
    assert decoding_from_name("unconditional-t07") == "t0.7"
    assert decoding_from_name("conditional") == "temp1"


def test_conditional_samples_skip_the_context(tmp_path):
    p = tmp_path / "xl-1542M-conditional.txt"
    p.write_text(
        "==== SAMPLE 1 ====\nhuman context one\n==== COMPLETION 1 ====\nmodel one\n"
        "==== SAMPLE 2 ====\nhuman context two\n==== COMPLETION 2 ====\nmodel two\n"
    )
    got = [d.text for d in read_samples(p, FileInfo(str(p), "samples"), [])]
    assert got == ["model one", "model two"]


def test_detector_separates_distinct_vocabularies_and_needs_a_minimum():
    model, human = docs(MODEL_WORDS, 60, 1), docs(HUMAN_WORDS, 60, 2)
    r = evaluate(model, human, seed=0)
    assert r.accuracy > 0.95 and r.ci_low > 0.9 and r.auroc > 0.95
    same = evaluate(docs(HUMAN_WORDS, 60, 3), human, seed=0)
    assert same.ci_low < 0.5 < same.ci_high + 0.15  # same source: near chance
    with pytest.raises(TooFewDocs, match=str(MIN_DOCS_PER_CLASS)):
        evaluate(model[:10], human, seed=0)


@pytest.fixture
def messy_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    write_jsonl(d / "webtext.train.jsonl", docs(HUMAN_WORDS, 70, 1))
    write_jsonl(d / "small-117M-k40.train.jsonl", docs(MODEL_WORDS, 70, 2))
    write_jsonl(d / "medium-345M.train.jsonl", docs(MODEL_WORDS, 10, 3))  # too few
    with (d / "small-117M-k40.train.jsonl").open("a") as fh:
        fh.write('{"text": "broken\n')  # line 71
    (d / "large-762M.test.jsonl").write_text("")
    (d / "random.txt").write_text("just some words, no separators\n")
    return d


def test_measure_collects_problems_and_measures_the_rest(messy_dir):
    r = measure(messy_dir, max_docs=100)
    messages = [str(p) for p in r.problems]
    assert any("small-117M-k40.train.jsonl, line 71" in m and "broken JSON" in m for m in messages)
    assert any("large-762M.test.jsonl" in m and "empty file" in m for m in messages)
    assert any("random.txt" in m and "not in a known format" in m for m in messages)
    assert any("355M" in m and f"at least {MIN_DOCS_PER_CLASS}" in m for m in messages)
    small = [g for g in r.groups if g.size == "124M"]
    assert small and small[0].detector is not None and small[0].detector.accuracy > 0.9


def test_cli_bad_input_exit_2_no_traceback_still_writes(messy_dir, tmp_path):
    out = tmp_path / "cal.yaml"
    proc = subprocess.run(
        [*CLI, "calibrate", "measure", str(messy_dir), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "line 71" in proc.stderr and f"at least {MIN_DOCS_PER_CLASS}" in proc.stderr
    cal = yaml.safe_load(out.read_text())
    measured = [m for m in cal["measurements"] if m["origin"] == "measured"]
    assert any(
        m["size"] == "124M" and m["measure"] == "tfidf_accuracy_measured_k40" for m in measured
    )
    assert not any(m["size"] == "355M" and m["measure"].startswith("tfidf") for m in measured)


def test_cli_nothing_measurable_exit_2(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    proc = subprocess.run(
        [*CLI, "calibrate", "measure", str(tmp_path), "--out", str(tmp_path / "x.yaml")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "empty" in proc.stderr and not (tmp_path / "x.yaml").exists()
