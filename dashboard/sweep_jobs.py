"""Sweeps started from the dashboard: run in a background thread, watched and cancelled from
the page.

A job runs `sim.sweep.run_sweep` into out/sweeps/<name>-<digest> (so a sweep file's results
are found again and a cancelled sweep resumes where it stopped) and reports progress into plain
fields that the page reads; it never touches a Streamlit element. One job per folder on the
server: a second session asking for the same sweep watches the running one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import InputError
from sim.uploads import sweeps_folder

REPO = Path(__file__).resolve().parent.parent
SWEEP_FILES = REPO / "scenarios" / "sweeps"
# RELEASE_SIM_SWEEPS_OUT moves it (tests point it at a temporary folder)
OUT = sweeps_folder()


def shipped_sweeps() -> list[Path]:
    """The sweep files in scenarios/sweeps; a release-design search file there (it names the
    `strategy` whose settings it searches) is run by `release-sim search`, not by the page."""
    import yaml

    files = []
    for f in sorted(SWEEP_FILES.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "strategy" not in data:
            files.append(f)
    return files


class Cancelled(Exception):
    """Raised from the progress callback to stop a sweep between batches."""


@dataclass
class SweepJob:
    sweep_file: Path
    folder: Path
    done: int = 0
    total: int = 0
    status: str = "starting"  # starting, running, complete, cancelled, failed
    message: str = ""
    cancel_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self.status in ("starting", "running")

    def cancel(self) -> None:
        self.cancel_event.set()

    def _progress(self, done: int, total: int) -> None:
        """Records progress; stops the sweep if Cancel was pressed and runs are left (a Cancel
        that arrives with the last batch lets the sweep finish: there is nothing to stop)."""
        self.done, self.total, self.status = done, total, "running"
        if self.cancel_event.is_set() and done < total:
            raise Cancelled

    def _run(self, workers: int | None) -> None:
        from sim.sweep import run_sweep

        try:
            resume = (self.folder / "manifest.json").is_file()
            run_sweep(self.sweep_file, self.folder, workers=workers, resume=resume,
                      progress=self._progress)
            self.status = "complete"
        except Cancelled:
            self.status = "cancelled"
            self.message = (f"Cancelled after {self.done} of {self.total} runs; the finished "
                            "runs are kept and running it again continues from there.")
        except InputError as exc:
            self.status, self.message = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - shown on the page instead of a traceback
            self.status, self.message = "failed", f"The sweep stopped: {exc}"


def folder_for(sweep_file: Path) -> Path:
    """Where the dashboard keeps a sweep file's results: its name and a digest of its
    contents, so an edited sweep file gets a new folder."""
    from sim.sweep import load_sweep_file

    spec = load_sweep_file(sweep_file)
    return OUT / f"{spec.name}-{spec.digest()[:8]}"


class SweepJobs:
    """The server's sweep jobs, by folder."""

    def __init__(self) -> None:
        self._jobs: dict[Path, SweepJob] = {}
        self._lock = threading.Lock()

    def get(self, folder: Path) -> SweepJob | None:
        with self._lock:
            return self._jobs.get(folder)

    def start(self, sweep_file: Path, workers: int | None = None) -> SweepJob:
        folder = folder_for(sweep_file)
        with self._lock:
            job = self._jobs.get(folder)
            if job is not None and job.active:
                return job
            job = SweepJob(sweep_file, folder)
            self._jobs[folder] = job
        job.thread = threading.Thread(target=job._run, args=(workers,), daemon=True,
                                      name=f"sweep {folder.name}")
        job.thread.start()
        return job
