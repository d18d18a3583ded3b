"""Writing results safely: check the destination before the work, write whole files or none.

Every command that writes (`--out`, `--chart`) checks its destination first, so a read-only
place, a file where a folder should be (or the reverse) is refused before any computation.
Files are written to a temporary name beside their destination and moved into place with
os.replace, so a full disk or a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sim.errors import InputError


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    for p in (path, *path.parents):
        if p.exists():
            return p
    return Path("/")


def _probe(folder: Path, shown: str, option: str) -> None:
    """Create and remove a file in folder, or say why that fails."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".release-sim-write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(shown, option, f"cannot write results here "
                         f"({exc.strerror or exc}); choose a place you can write to") from None


def check_folder(folder: str | Path, option: str, replace: bool = False) -> None:
    """Refuse, before any work, an output folder that cannot be written, that is a file, or
    that already holds files (unless replace). Nothing is created."""
    folder = Path(folder)
    shown = str(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(shown, option, "cannot write results here: it is a file, not a "
                         "folder; choose a folder")
    if folder.is_dir():
        held = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        if held and not replace:
            listed = ", ".join(held[:5]) + (", ..." if len(held) > 5 else "")
            raise InputError(shown, option, f"folder already holds results ({listed}); choose "
                             "a new folder, or add --overwrite to replace them")
        _probe(folder, shown, option)
        return
    ancestor = _nearest_existing(folder)
    if not ancestor.is_dir():
        raise InputError(shown, option, f"cannot write results here: {ancestor} is a "
                         "file, not a folder")
    _probe(ancestor, shown, option)


def check_file(path: str | Path, option: str) -> None:
    """Refuse, before any work, an output file that cannot be written (nothing is created)."""
    path = Path(path)
    shown = str(path)
    if path.is_dir():
        raise InputError(shown, option, "cannot write a file here: it is a folder; give "
                         "a file name")
    ancestor = _nearest_existing(path.parent)
    if not ancestor.is_dir():
        raise InputError(shown, option, f"cannot write a file here: {ancestor} is a "
                         "file, not a folder")
    _probe(ancestor, shown, option)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; moved onto path when the block ends, removed if it fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_text(path: str | Path, text: str) -> None:
    """Write a text file atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_failed(path: str | Path, option: str, exc: OSError, kept: str) -> InputError:
    """The message for a write that failed after the work: why, and what was kept."""
    return InputError(str(path), option, f"cannot write ({exc.strerror or exc}); nothing "
                      f"half-written was left there. {kept}")
