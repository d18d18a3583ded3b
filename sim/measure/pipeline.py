"""The measurement pipeline: read every file once (streaming), keep a bounded random sample per
group, then measure detectability, text statistics and crowd judgments per size and decoding.

Memory is bounded by `max_docs` per group (reservoir sampling), not by file size. Problems with
single files or sizes are collected, not raised, so that every size that can be measured is.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import InputError
from sim.measure.detector import DetectorResult, TooFewDocs, evaluate
from sim.measure.judgments import judged_shares
from sim.measure.readers import (
    HUMAN,
    Doc,
    FileInfo,
    Judgment,
    classify,
    discover,
    file_sha256,
    paired_duplicates,
    read_official,
    read_paired,
    read_samples,
)
from sim.measure.textstats import text_stats

DEFAULT_MAX_DOCS = 1000  # per group; enough for a +-2 pp interval on accuracy near 0.9


@dataclass
class Reservoir:
    """A uniform random sample of at most `cap` items from a stream (Algorithm R)."""

    cap: int
    rng: random.Random
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, pair id or '')
    seen: int = 0

    @property
    def texts(self) -> list[str]:
        return [t for t, _ in self.items]

    @property
    def groups(self) -> list[str]:
        return [g for _, g in self.items]

    def add(self, item: tuple[str, str]) -> None:
        self.seen += 1
        if len(self.items) < self.cap:
            self.items.append(item)
        else:
            j = self.rng.randrange(self.seen)
            if j < self.cap:
                self.items[j] = item


@dataclass
class GroupResult:
    """Measurements of one model size and decoding against one human pool."""

    size: str
    decoding: str
    setting: str  # 'webtext' (vs WebText documents) or 'paired' (vs the human continuation)
    docs_seen: int
    stats: dict
    detector: DetectorResult | None = None


@dataclass
class MeasureResult:
    root: str
    max_docs: int
    seed: int
    files: list[FileInfo]
    groups: list[GroupResult]
    judgments: list[dict]
    human_stats: dict[str, dict]
    problems: list[InputError]


def group_key(doc: Doc) -> tuple[str, ...]:
    """Which sample a document joins: model texts by size and decoding, human texts by pool."""
    if doc.source != HUMAN:
        setting = "paired" if doc.kind == "paired" else "webtext"
        return ("model", setting, doc.source, doc.decoding)
    if doc.kind == "paired":
        return ("human", "paired", doc.pair, doc.decoding)
    return ("human", "webtext" if doc.full else "derived", "", "")


def read_all(root: Path, max_docs: int, seed: int,
             progress: Callable[[int, int], None] | None = None):
    """Stream every file into bounded reservoirs: (reservoirs, judgments, files, problems)."""
    paths = discover(root)
    twins = paired_duplicates(paths)
    reservoirs: dict[tuple[str, ...], Reservoir] = {}
    judgments: list[Judgment] = []
    files: list[FileInfo] = []
    problems: list[InputError] = []
    if not paths:
        problems.append(InputError(str(root), "DATA_DIR", "no .jsonl, .json or .txt files found"))
    for k, path in enumerate(paths):
        fmt = classify(path) if path.stat().st_size > 0 else "empty"
        info = FileInfo(str(path), fmt or "unknown")
        files.append(info)
        if fmt == "empty" or (fmt and not _has_text(path)):
            info.sha256 = file_sha256(path)
            problems.append(InputError(str(path), "", "empty file"))
            continue
        if fmt is None:
            info.sha256 = file_sha256(path)
            problems.append(InputError(str(path), "", (
                "not in a known format: expected gpt-2-output-dataset jsonl named webtext.*, "
                "small-117M*, medium-345M*, large-762M* or xl-1542M* (.train/.valid/.test"
                ".jsonl), a MAUVE pair file \"('gpt2-xl', 'p1.0')_a.jsonl\", or a .txt sample "
                "file starting with '==== SAMPLE 1 ===='")))
            continue
        if path in twins:
            info.format = "paired (same rows as its _a twin, not read again)"
            info.sha256 = file_sha256(path)
            continue
        if fmt == "official":
            docs = read_official(path, info, problems)
        elif fmt == "samples":
            docs = read_samples(path, info, problems)
        else:
            docs = read_paired(path, info, problems, judgments)
        for doc in docs:
            key = group_key(doc)
            if key not in reservoirs:
                reservoirs[key] = Reservoir(max_docs, random.Random(f"{seed}/{'/'.join(key)}"))
            reservoirs[key].add((doc.text, doc.pair_id))
        if info.records == 0 and not info.skipped_lines:
            problems.append(InputError(str(path), "", "no documents with text in this file"))
        if progress:
            progress(k + 1, len(paths))
    return reservoirs, judgments, files, problems


def _has_text(path: Path) -> bool:
    with path.open("rb") as fh:
        return any(chunk.strip() for chunk in iter(lambda: fh.read(1 << 16), b""))


def measure(root: Path, max_docs: int = DEFAULT_MAX_DOCS, seed: int = 0,
            progress: Callable[[int, int], None] | None = None) -> MeasureResult:
    """Measure every size and decoding found below root."""
    reservoirs, judgments, files, problems = read_all(root, max_docs, seed, progress)
    groups: list[GroupResult] = []
    webtext = reservoirs.get(("human", "webtext", "", ""))
    for key in sorted(k for k in reservoirs if k[0] == "model"):
        _, setting, size, decoding = key
        model = reservoirs[key]
        human = webtext if setting == "webtext" else reservoirs.get(("human", "paired", size,
                                                                     decoding))
        group = GroupResult(size, decoding, setting, model.seen, text_stats(model.texts))
        paired = setting == "paired"
        try:
            group.detector = evaluate(
                model.texts, human.texts if human else [], seed,
                model.groups if paired else None, human.groups if paired and human else None)
        except TooFewDocs as exc:
            pool = "WebText (official format)" if setting == "webtext" else "paired human"
            problems.append(InputError(str(root), f"{size} {decoding} ({setting})",
                                       f"too few documents to train a detector against {pool} "
                                       f"text: {exc}"))
        groups.append(group)
    human_stats = {"/".join(x for x in k[1:] if x): text_stats(r.texts)
                   for k, r in sorted(reservoirs.items()) if k[0] == "human"}
    return MeasureResult(str(root), max_docs, seed, files, groups, judged_shares(judgments),
                         human_stats, problems)
