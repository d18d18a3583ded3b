"""What a sweep's or a search's results depend on, fingerprinted so `--resume` can refuse a
change: the simulator's code, every calibration file the scenario names, the modules of user
strategies ('module:Class'), and the sweep itself (its scenario inlined). The git commit of the
checkout is recorded beside them (whether it had uncommitted changes too), to say which code
made the results; the fingerprints, not the commit, decide whether a resume is safe.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
from pathlib import Path
from typing import Any

from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[2]  # the checkout holding the sim package


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def git_commit() -> dict[str, Any] | None:
    """{commit, dirty} of the checkout the simulator runs from; None outside a git checkout."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode:
            return None
        status = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "sim"],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def calibration_files(scenario: dict, sampled: dict[str, Any]) -> list[str]:
    """Calibration files a scenario mapping names, with any a sweep samples (not built-ins,
    which are part of the simulator's code)."""
    refs = [scenario.get("calibration", "builtin:gpt2")]
    unc = sampled.get("calibration")
    if unc is not None and getattr(unc, "values", None):
        refs += list(unc.values)
    return sorted({str(r) for r in refs if isinstance(r, str) and not r.startswith("builtin:")})


def strategy_modules(kinds: list[str]) -> dict[str, str]:
    """{module: file} of the user strategies among the kinds ('package.module:Class')."""
    out = {}
    for kind in kinds:
        if ":" not in kind:
            continue
        module = kind.partition(":")[0]
        try:
            found = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            found = None
        if found is not None and found.origin and Path(found.origin).is_file():
            out[module] = found.origin
    return out


def model_code_digest() -> str:
    """Fingerprint of the simulator's code and data (every .py and .yaml file in the sim
    package): finished batches and resumed ones must come from the same model."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprints(scenario: dict, kinds: list[str], sampled: dict[str, Any],
                 spec_digest: str) -> dict[str, str]:
    """Name -> fingerprint of everything a run depends on."""
    out = {"simulator code": model_code_digest(), "sweep and scenario": spec_digest}
    for path in calibration_files(scenario, sampled):
        out[f"calibration file {path}"] = file_digest(path) if Path(path).is_file() else "missing"
    for module, path in strategy_modules(kinds).items():
        out[f"strategy module {module} ({path})"] = file_digest(path)
    return out


def check_unchanged(folder: Path, recorded: dict[str, str] | None, now: dict[str, str]) -> None:
    """Refuse a resume when anything a run depends on changed since the folder was started."""
    if not recorded:
        return
    changed = [k for k in sorted(set(recorded) | set(now)) if recorded.get(k) != now.get(k)]
    if changed:
        raise InputError(str(folder), "", f"{'; '.join(changed)} changed since these results "
                         "were started, so finished and resumed parts would come from different "
                         "inputs; restore them (fingerprints in the folder's manifest), or run "
                         "again into a new --out folder")
