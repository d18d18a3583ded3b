"""Recognise and stream the text-sample formats that `calibrate measure` reads.

Formats (docs/calibration.md):
- official gpt-2-output-dataset jsonl, recognised by file name (webtext.*, small-117M*, ...);
- OpenAI's plain-text sample files (`==== SAMPLE n ====` / `==== COMPLETION n ====`);
- MAUVE human-evaluation pairs "('<model>', '<p>')_a.jsonl": a model and a human continuation
  of one prompt, with a crowd judgment.
Every reader is a generator over lines, so memory does not grow with file size.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import InputError

HUMAN = "human"
# Official file names: size prefix -> calibration size name (aliases of sim/data/gpt2.yaml).
OFFICIAL_SIZES = {"small-117M": "124M", "medium-345M": "355M", "large-762M": "774M",
                  "xl-1542M": "1.5B"}
OFFICIAL_RE = re.compile(
    r"^(?P<prefix>webtext|small-117M|medium-345M|large-762M|xl-1542M)(?P<k40>-k40)?"
    r"\.(?P<split>train|valid|test)\.jsonl$"
)
MAUVE_RE = re.compile(
    r"^\('(?P<model>gpt2(?:-medium|-large|-xl)?)', 'p(?P<p>[0-9.]+)'\)_(?P<ab>[ab])\.jsonl$"
)
MAUVE_SIZES = {"gpt2": "124M", "gpt2-medium": "355M", "gpt2-large": "774M", "gpt2-xl": "1.5B"}
SEPARATOR_RE = re.compile(r"^=+ (SAMPLE|COMPLETION) \d+ =+\s*$")
# Size tokens recognised in plain-text file names or their folders.
NAME_SIZES = {"117m": "124M", "124m": "124M", "small": "124M", "345m": "355M", "355m": "355M",
              "medium": "355M", "762m": "774M", "774m": "774M", "large": "774M",
              "1542m": "1.5B", "1558m": "1.5B", "1.5b": "1.5B", "xl": "1.5B",
              # openai/gpt-2 gpt-2-samples/ holds samples of the withheld full model (its README
              # at commit a3aa7de, 2019-02-20; PROVENANCE.md, file 2).
              "gpt-2-samples": "1.5B"}
READ_SUFFIXES = {".jsonl", ".json", ".txt"}
TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Doc:
    """One text: who wrote it (HUMAN or a size), how it was decoded, and where it came from."""

    text: str
    source: str  # HUMAN or a size name
    decoding: str  # temp1, k40, t0.7, p0.9, ... ('' for human text)
    kind: str  # official, samples, paired
    full: bool = True  # False for derived, truncated text (kept out of detector training)
    pair: str = ""  # for a paired human continuation: the size it was paired with
    pair_id: str = ""  # both sides of one prompt share it (kept in one detector fold)


@dataclass(frozen=True)
class Judgment:
    """A crowd judgment of one model/human pair (MAUVE): did the worker prefer the model text?"""

    size: str
    decoding: str
    question: str  # q1 interesting, q2 sense, q3 more likely human-written
    prefers_model: bool


@dataclass
class FileInfo:
    """What was read from one file: its hash and counts (provenance)."""

    path: str
    format: str
    sha256: str = ""
    bytes: int = 0
    records: int = 0
    skipped_lines: list[int] = field(default_factory=list)


def classify(path: Path) -> str | None:
    """'official', 'paired', 'samples' or None (unknown) for one file."""
    name = path.name
    if OFFICIAL_RE.match(name):
        return "official"
    if MAUVE_RE.match(name):
        return "paired"
    if path.suffix == ".txt" and _first_nonblank(path, SEPARATOR_RE):
        return "samples"
    return None


def _first_nonblank(path: Path, pattern: re.Pattern) -> bool:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                return bool(pattern.match(line))
    return False


def discover(root: Path) -> list[Path]:
    """Files to read: the file itself, or every .jsonl/.json/.txt below a folder (sorted)."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InputError(str(root), "DATA_DIR", "no such file or folder")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in READ_SUFFIXES)


class HashingLines:
    """Iterate a file's lines (text) while hashing its bytes, without reading it whole."""

    def __init__(self, path: Path, info: FileInfo):
        self.path, self.info = path, info
        self.digest = hashlib.sha256()

    def __iter__(self) -> Iterator[tuple[int, str]]:
        with self.path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                self.digest.update(raw)
                self.info.bytes += len(raw)
                yield number, raw.decode("utf-8", errors="replace")
        self.info.sha256 = self.digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _json_lines(path: Path, info: FileInfo, problems: list[InputError]) -> Iterator[dict]:
    for number, line in HashingLines(path, info):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(InputError(str(path), "", f"broken JSON line ({exc.msg})", number))
            info.skipped_lines.append(number)
            continue
        if not isinstance(row, dict):
            problems.append(InputError(str(path), "", "a JSON line is not an object", number))
            info.skipped_lines.append(number)
            continue
        yield row


def read_official(path: Path, info: FileInfo, problems: list[InputError]) -> Iterator[Doc]:
    """gpt-2-output-dataset lines {id, ended, length, text}; text-only lines are 'derived'."""
    m = OFFICIAL_RE.match(path.name)
    assert m is not None
    prefix = m["prefix"]
    source = HUMAN if prefix == "webtext" else OFFICIAL_SIZES[prefix]
    decoding = "" if source == HUMAN else ("k40" if m["k40"] else "temp1")
    for row in _json_lines(path, info, problems):
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        info.records += 1
        # Lines without 'length' are derived copies (e.g. truncated to ~280 chars, PROVENANCE.md)
        yield Doc(text, source, decoding, "official", full="length" in row)


def decoding_from_name(name: str) -> str:
    """Decoding of an OpenAI sample file from its name: -topk40, -t07, else temperature 1."""
    low = name.lower()
    if "topk40" in low or "k40" in low:
        return "k40"
    if m := re.search(r"-t0?(\d)(\d)?", low):
        return f"t{m[1]}.{m[2] or 0}" if m[2] else f"t0.{m[1]}"
    return "temp1"


def size_from_path(path: Path) -> str | None:
    """Model size named by a plain-text file's name or one of its folders."""
    for part in [path.stem, *[p.name for p in path.parents]]:
        low = part.lower()
        for token, size in NAME_SIZES.items():
            if re.search(rf"(^|[^a-z0-9.]){re.escape(token)}($|[^a-z0-9])", low):
                return size
    return None


def read_samples(path: Path, info: FileInfo, problems: list[InputError]) -> Iterator[Doc]:
    """`==== SAMPLE n ====` files: unconditional samples, or a context then a COMPLETION."""
    size = size_from_path(path)
    if size is None:
        problems.append(InputError(str(path), "", "sample file names no model size (e.g. 117M, "
                                   "345M, 762M, 1542M, small, medium, large, xl)"))
        for _ in HashingLines(path, info):
            pass
        return
    decoding = decoding_from_name(path.stem)
    buf: list[str] = []
    current = ""  # header of the part in buf: SAMPLE, COMPLETION or '' (before any header)
    for _, line in HashingLines(path, info):
        m = SEPARATOR_RE.match(line)
        if not m:
            buf.append(line)
            continue
        # A SAMPLE part followed by a COMPLETION header was a (human) context: skip it.
        context = current == "SAMPLE" and m[1] == "COMPLETION"
        if current and not context and (doc := _sample_doc(buf, size, decoding, info)):
            yield doc
        buf, current = [], m[1]
    if current and (doc := _sample_doc(buf, size, decoding, info)):
        yield doc


def _sample_doc(buf: list[str], size: str, decoding: str, info: FileInfo) -> Doc | None:
    text = "".join(buf).strip()
    if not text:
        return None
    info.records += 1
    return Doc(text, size, decoding, "samples")


def read_paired(path: Path, info: FileInfo, problems: list[InputError],
                judgments: list[Judgment]) -> Iterator[Doc]:
    """MAUVE pairs: yields the model and the human continuation, and records the judgments."""
    m = MAUVE_RE.match(path.name)
    assert m is not None
    size = MAUVE_SIZES[m["model"]]
    decoding = f"p{m['p']}"
    for row in _json_lines(path, info, problems):
        a, b = str(row.get("Input.model_a", "")), str(row.get("Input.model_b", ""))
        if "human" not in (a, b) or a == b:
            continue
        model_side = "a" if b == "human" else "b"
        human_side = "b" if model_side == "a" else "a"
        info.records += 1
        for q in ("q1", "q2", "q3"):
            answer = str(row.get(f"Answer.{q}", "")).strip().lower()
            if len(answer) == 2 and answer[1] in "ab":
                judgments.append(Judgment(size, decoding, q, answer[1] == model_side))
        model_text = clean_html(str(row.get(f"Input.completion{model_side}", "")))
        human_text = clean_html(str(row.get(f"Input.completion{human_side}", "")))
        pid = f"{path.name}:{row.get('Input.idx', info.records)}"
        if model_text:
            yield Doc(model_text, size, decoding, "paired", pair_id=pid)
        if human_text:
            yield Doc(human_text, HUMAN, decoding, "paired", pair=size, pair_id=pid)


def clean_html(text: str) -> str:
    """Drop the <p> tags of the MAUVE continuations (both sides have them)."""
    return re.sub(r"\s+", " ", TAG_RE.sub(" ", text)).strip()


def paired_duplicates(paths: list[Path]) -> set[Path]:
    """'_b' MAUVE files whose '_a' twin is present: the same rows (PROVENANCE.md), read once."""
    names = {p.name: p for p in paths}
    dup = set()
    for p in paths:
        m = MAUVE_RE.match(p.name)
        if m and m["ab"] == "b" and p.name[:-len("b.jsonl")] + "a.jsonl" in names:
            dup.add(p)
    return dup
