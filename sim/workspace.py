"""What a shared server lets the text it is given reach: folders to read, and whether code
may be imported.

The dashboard is a shared server: a scenario uploaded or typed into it, and a folder path typed
into it, are data from whoever uses it, never code to import or a key to the server's disk. A
`Workspace` names the folders such input may read (a scenario's `base:` and `calibration:`, a
sweep folder to open, a calibration file) and whether a strategy may be a 'module:Class' of
the user's own (importing a module runs its top-level code on the server). Each check happens
before anything is read or imported: a path is compared with the workspace with its symbolic
links followed (a link inside the workspace that leads outside it is outside), and a strategy
is refused by its name alone. The refusal says the same whether or not the path exists.

The command line and the Python API run on the researcher's own machine and pass no
workspace: there every file and module is theirs to use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError

WORKSPACE_ENV = "RELEASE_SIM_WORKSPACE"  # folders, separated by os.pathsep
MODULES_ENV = "RELEASE_SIM_ALLOW_STRATEGY_MODULES"  # "1": trusted users' own strategy classes
DOCS = "docs/errors.md, 'The dashboard is a shared server'"


@dataclass(frozen=True)
class Workspace:
    """Folders that input may read (with their links followed), and whether input may name a
    strategy class of its own ('module:Class'). shown: how the folders are named in messages
    (relative to the project, so a message does not map the server's disk)."""

    folders: tuple[Path, ...]
    modules: bool = False
    shown: tuple[str, ...] = ()

    @classmethod
    def of(cls, folders: list[Path], modules: bool = False, root: Path | None = None
           ) -> Workspace:
        real = list(dict.fromkeys(Path(os.path.realpath(f)) for f in folders))
        real = [f for f in real if not any(f != g and f.is_relative_to(g) for g in real)]
        return cls(tuple(real), modules, tuple(_shown(f, root) for f in real))

    def holds(self, path: str | Path) -> bool:
        """Whether the path, its links followed, lies in one of the folders."""
        real = Path(os.path.realpath(path))
        return any(real == f or real.is_relative_to(f) for f in self.folders)

    def path(self, path: str | Path, name: str, field: str, line: int | None = None,
             typed: str | None = None) -> Path:
        """The path if it lies in the workspace; else InputError naming the file (or box) and
        field, before the path is read. typed: the path as the user wrote it."""
        if self.holds(path):
            return Path(path)
        said = typed if typed is not None else str(path)
        raise InputError(name, field, f"'{said}' is outside the folders this server reads "
                         f"({', '.join(self.shown)}): the dashboard is a shared server, and a "
                         "path given to it reads only there; use a file in one of those "
                         f"folders (for base:, a path relative to scenarios/). ({DOCS})", line)

    def strategy(self, kind: str, name: str, field: str, line: int | None = None) -> None:
        """Refuse a strategy named 'module:Class' unless this workspace allows them, before
        anything is imported."""
        if ":" in kind and not self.modules:
            raise InputError(name, field, f"'{kind}' names a Python class of your own; the "
                             "dashboard is a shared server and imports no code from what it "
                             "is given (a module's code would run on the server); use a "
                             "registered strategy (release-sim strategies lists them), or "
                             "run this scenario with the command line or the Python API, "
                             f"which load your own strategies. ({DOCS})", line)


def _shown(folder: Path, root: Path | None) -> str:
    if root is not None:
        root = Path(os.path.realpath(root))
        if folder.is_relative_to(root):
            return str(folder.relative_to(root)) + "/"
    return folder.name + "/"


def from_environment(defaults: list[Path], root: Path | None = None) -> Workspace:
    """The server's workspace: the folders of RELEASE_SIM_WORKSPACE (separated by os.pathsep)
    if it is set, else defaults; strategy classes of the users' own only when
    RELEASE_SIM_ALLOW_STRATEGY_MODULES=1 (a server whose users are all trusted)."""
    given = [Path(p) for p in os.environ.get(WORKSPACE_ENV, "").split(os.pathsep) if p.strip()]
    modules = os.environ.get(MODULES_ENV, "").strip() == "1"
    return Workspace.of(given or defaults, modules, root)
