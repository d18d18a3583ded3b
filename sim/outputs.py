"""Writing results safely: check the destination before the work, write whole files or none.

Every command that writes (`--out`, `--chart`) checks its destination first, so a read-only
place, a file where a folder should be (or the reverse), a symbolic link that leads nowhere or
in a circle, and a folder that holds another kind of output are refused before any computation.
Files are written to a temporary name beside their destination and moved into place with
os.replace, so a full disk or a crash leaves the old file or the new one, never half of one.
A folder of results is written whole beside its destination and swapped in (publish_folder),
and a destination is locked while it is written (locked), so two commands never write into one
folder at once.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from sim.errors import InputError

try:  # POSIX; elsewhere a lock is a file created exclusively
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# What each command writes into its folder, by kind (see folder_holds).
RUN_FILES = frozenset({"runs.parquet", "steps.parquet", "sizes.parquet", "scenario.yaml",
                       "reference.yaml", "manifest.json", "decision.json", "report.md",
                       "report.html"})
SWEEP_FORMAT = "release-sim-sweep/1"  # sim.sweep.store.FORMAT
SEARCH_FILE = "search.json"
KIND_WORDS = {
    "run": "the results of 'release-sim run'",
    "sweep": "a sweep ('release-sim sweep')",
    "sweep start": "a sweep that was stopped as it started (no manifest.json, no runs)",
    "search": "a search ('release-sim search')",
}


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


def _writable(folder: Path) -> bool:
    try:
        fd, probe = tempfile.mkstemp(prefix=".release-sim-write-test-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def check_links(path: str | Path, option: str) -> Path:
    """The path with every symbolic link on it followed; refused, naming the link, when a
    link leads to nothing (dangling) or in a circle, or when a part of the path is a file."""
    shown = str(path)
    path = Path(path).absolute()
    for part in (*reversed(path.parents), path):
        try:
            os.stat(part)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InputError(shown, option, f"cannot write results here: {part} is a "
                                 "symbolic link that leads back to itself (a loop); give a "
                                 "real folder") from None
            if exc.errno == errno.ENOTDIR:
                raise InputError(shown, option, f"cannot write results here: "
                                 f"{_first_file(part)} is a file, not a folder") from None
            if exc.errno == errno.ENOENT and os.path.islink(part):
                target = os.readlink(part)
                raise InputError(shown, option, f"cannot write results here: {part} is a "
                                 f"symbolic link to {target}, which does not exist; create "
                                 "it, remove the link, or give another place") from None
            if exc.errno == errno.ENOENT:
                break  # the rest is created when the results are written
            raise InputError(shown, option, f"cannot write results here "
                             f"({exc.strerror or exc})") from None
    return Path(os.path.realpath(path))


def _first_file(path: Path) -> Path:
    for p in (*reversed(path.parents), path):
        if p.exists() and not p.is_dir():
            return p
    return path


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")


def visible(folder: Path) -> list[str]:
    """The names a folder holds, hidden ones (a lock, a staging folder) left out."""
    return sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                  if not p.name.startswith("."))


def _manifest_format(folder: Path) -> str | None:
    """'sweep', 'run' or None, from manifest.json (None when it says neither or cannot be read)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    if manifest.get("format") == SWEEP_FORMAT:
        return "sweep"
    return "run" if "scenario" in manifest and "format" not in manifest else None


def folder_holds(folder: str | Path) -> str:
    """What kind of output a folder holds: 'nothing' (missing, empty or only hidden files),
    'run', 'sweep', 'sweep start' (spec and design of a sweep stopped before its manifest and
    its first batch), 'search', or 'other' (files release-sim did not write)."""
    folder = Path(folder)
    if not folder.is_dir():
        return "nothing"
    names = {n.rstrip("/") for n in visible(folder)}
    if not names:
        return "nothing"
    if SEARCH_FILE in names:
        return "search"
    by_manifest = _manifest_format(folder) if "manifest.json" in names else None
    if by_manifest:
        return by_manifest
    if names & {"spec.json", "points.parquet"}:
        runs = folder / "runs"
        parts = runs.is_dir() and any(p.suffix == ".parquet" for p in runs.iterdir())
        if "manifest.json" not in names and not parts and names <= {"spec.json",
                                                                      "points.parquet", "runs"}:
            return "sweep start"
        return "sweep"
    if "runs.parquet" in names:
        return "run"
    return "other"


def described(folder: Path, kind: str) -> str:
    """A folder's kind in words, for a message."""
    if kind == "other":
        return f"files release-sim did not write ({_listed(visible(folder))})"
    return KIND_WORDS[kind]


def strangers(folder: Path) -> list[str]:
    """Names in a run's folder that a run does not write (tables of it exported as CSV are
    its own)."""
    return [n for n in visible(folder)
            if n not in RUN_FILES and not (n.endswith(".csv") and "/" not in n)]


def check_folder(folder: str | Path, option: str, replace: bool = False,
                 kind: str | None = None) -> Path:
    """Refuse, before any work, an output folder that cannot be written, that is a file (or a
    link to one), a link that leads nowhere or in a circle, or that holds files already; return
    the folder with its links followed. Nothing is created.

    kind: what the command writes there, as a whole folder ('run', 'sweep', 'search') or file
    by file ('report', 'analysis', or None for any files). A whole folder is refused where the
    folder holds another kind of output; a run's folder is replaced only with replace
    (--overwrite), and only when it holds nothing a run does not write (the swap would lose
    it). File by file, replace lets files be added to a folder of other files, never to one
    holding a run, a sweep or a search (their files are their own), except a report beside
    its run.
    """
    shown = str(folder)
    real = check_links(folder, option)
    if real.exists() and not real.is_dir():
        raise InputError(shown, option, "cannot write results here: it is a file, not a "
                         "folder; choose a folder")
    if real.is_dir():
        _check_held(real, shown, option, replace, kind)
        _probe(real, shown, option)
        return real
    ancestor = _nearest_existing(real)
    if not ancestor.is_dir():
        raise InputError(shown, option, f"cannot write results here: {ancestor} is a "
                         "file, not a folder")
    _probe(ancestor, shown, option)
    return real


FILE_BY_FILE = {"report": {"run"}, "analysis": set()}  # kinds of folder each may add files to


def _check_held(folder: Path, shown: str, option: str, replace: bool, kind: str | None) -> None:
    held = folder_holds(folder)
    if held == "nothing":
        return
    if kind is None or kind in FILE_BY_FILE:  # files added one by one: reports, analyses
        if held not in ("other", *FILE_BY_FILE.get(kind or "", ())):
            raise InputError(shown, option, f"this folder holds {described(folder, held)}; "
                             "its files are its own: write into a folder of its own (a new "
                             "one, or a subfolder)")
        if not replace:
            raise InputError(shown, option, f"folder already holds results "
                             f"({_listed(visible(folder))}); choose a new folder, or add "
                             "--overwrite to replace them")
        return
    if kind == "run" and held == "run":
        extra = strangers(folder)
        if extra:
            raise InputError(shown, option, f"this folder holds the results of a run and "
                             f"also files a run does not write ({_listed(extra)}); the "
                             "results replace the folder as a whole, so those would be lost: "
                             "move them out, or choose a new folder")
        if not replace:
            raise InputError(shown, option, f"folder already holds results "
                             f"({_listed(visible(folder))}); choose a new folder, or add "
                             "--overwrite to replace them (the whole folder, reports "
                             "included)")
        return
    if kind == "sweep" and held in ("sweep", "sweep start"):
        return  # sim.sweep.execute resumes a sweep or starts afresh over a stopped start
    if kind == "search" and held == "search":
        return  # sim.search resumes it
    what = {"run": "the results of a run: they go", "sweep": "a sweep: a sweep goes",
            "search": "a search: a search goes"}[kind]
    raise InputError(shown, option, f"this folder holds {described(folder, held)}, not "
                     f"{what} into a new or empty folder"
                     + (" (or that of an earlier run, with --overwrite)" if kind == "run"
                        else "") + "; choose another folder")


@contextlib.contextmanager
def destination(folder: str | Path, option: str, replace: bool = False,
                kind: str | None = None) -> Iterator[Path]:
    """check_folder, then the folder's lock held for the block (locked), then check_folder
    again under the lock (another command may have written it in between). Yields the folder
    with its links followed."""
    real = check_folder(folder, option, replace, kind)
    with locked(real, option, str(folder)):
        yield check_folder(folder, option, replace, kind)


def check_file(path: str | Path, option: str) -> Path:
    """Refuse, before any work, an output file that cannot be written, a folder, or a link
    that leads nowhere or in a circle (nothing is created); return the path with its links
    followed (a link to a file is written through: the file it names is replaced)."""
    shown = str(path)
    real = check_links(path, option)
    if real.is_dir():
        raise InputError(shown, option, "cannot write a file here: it is a folder; give "
                         "a file name")
    ancestor = _nearest_existing(real.parent)
    if not ancestor.is_dir():
        raise InputError(shown, option, f"cannot write a file here: {ancestor} is a "
                         "file, not a folder")
    _probe(ancestor, shown, option)
    return real


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; moved onto path when the block ends, removed if it fails.
    A symbolic link is written through (the file it names is replaced)."""
    path = Path(os.path.realpath(path))
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


# ----------------------------------------------------------------------- whole folders
def _leftovers(folder: Path) -> list[Path]:
    """Folders a killed writer of folder left beside it (only while holding its lock)."""
    parent = folder.parent
    if not parent.is_dir():
        return []
    return [p for p in parent.glob(f".{folder.name}.new-*")] + \
        [p for p in parent.glob(f".{folder.name}.old-*")]


def publish_folder(folder: str | Path, write: Callable[[Path], None]) -> Path:
    """Write a folder whole and put it in place of `folder`, replacing what it held.

    write(staging) fills a new hidden folder beside the destination; when it returns, the
    old folder (if any) is renamed aside, the new one renamed into place and the old one
    removed: readers see the old folder or the new one, never a mix (old reports, an old
    decision.json beside new tables). If the destination's parent cannot be written (a
    mounted folder), the staging folder is made inside it and its files moved in one by one.
    Call it holding the destination's lock (locked); a failure removes the staging folder
    and leaves the destination as it was."""
    folder = Path(os.path.realpath(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    for old in _leftovers(folder):  # a killed writer's: the lock says none is running
        shutil.rmtree(old, ignore_errors=True)
    try:
        staging = _new_folder(folder.parent, f".{folder.name}.new-")
    except OSError:
        if not folder.is_dir():
            raise
        return _publish_inside(folder, write)
    try:
        write(staging)
        if folder.is_dir() and any(folder.iterdir()):
            aside = _new_folder(folder.parent, f".{folder.name}.old-")
            os.replace(folder, aside / "held")
            os.replace(staging, folder)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(staging, folder)  # rename(2) replaces an empty folder
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a unique name, with the permissions of any folder made here (a
    results folder is shared as the user's others are; tempfile's are private)."""
    for _ in range(100):
        path = parent / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no free name for a staging folder", str(parent))


def _publish_inside(folder: Path, write: Callable[[Path], None]) -> Path:
    staging = _new_folder(folder, ".new-")
    try:
        write(staging)
        aside = _new_folder(folder, ".old-")
        for p in folder.iterdir():
            if not p.name.startswith("."):
                os.replace(p, aside / p.name)
        # a manifest last: a sweep's folder with a manifest is whole
        for p in sorted(staging.iterdir(), key=lambda p: p.name == "manifest.json"):
            os.replace(p, folder / p.name)
        shutil.rmtree(aside, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


# ----------------------------------------------------------------------- locks
_HELD: dict[tuple[Path, int], int] = {}  # (destination, thread) locks held here, with a count


def lock_file(folder: Path) -> Path:
    """Where the lock of a destination lives: beside it (it outlives the folder's swap), or
    inside it when its parent cannot be written (a mounted folder)."""
    folder = Path(os.path.realpath(folder))
    with contextlib.suppress(OSError):
        folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.parent.is_dir() and _writable(folder.parent):
        return folder.parent / f".{folder.name}.lock"
    return folder / ".release-sim.lock"


@contextlib.contextmanager
def locked(folder: str | Path, option: str, shown: str | None = None) -> Iterator[Path]:
    """Hold the destination's lock while the block writes it; refuse at once (InputError) if
    another command, or another thread of this one, holds it. Re-entrant in one thread (the
    CLI locks before the work, the save it calls locks again). Yields the destination with
    its links followed."""
    real = Path(os.path.realpath(folder))
    key = (real, threading.get_ident())
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield real
        finally:
            _HELD[key] -= 1
        return
    shown = shown or str(folder)
    path = lock_file(real)
    try:
        fd = _acquire(path, shown, option)
    except OSError as exc:
        raise InputError(shown, option, f"cannot write results here ({exc.strerror or exc}); "
                         "choose a place you can write to") from None
    _HELD[key] = 1
    try:
        yield real
    finally:
        del _HELD[key]
        with contextlib.suppress(OSError):
            os.unlink(path)  # before closing: a waiter that opened it sees another file
        os.close(fd)


def _acquire(path: Path, shown: str, option: str) -> int:
    while True:
        if fcntl is None:  # pragma: no cover - Windows
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                raise _busy(path, shown, option) from None
        else:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise _busy(path, shown, option) from None
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the holder removed it as we opened it: lock the new one
                os.close(fd)
                continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd


def _busy(path: Path, shown: str, option: str) -> InputError:
    try:
        pid = path.read_text().strip()
    except OSError:
        pid = ""
    who = f" (process {pid})" if pid.isdigit() else ""
    return InputError(shown, option, f"another release-sim command{who} is writing to this "
                      "folder now; wait for it to finish, or choose another folder")
