"""Shared by the hardening tests: call the command line in this process and check a refusal."""

from __future__ import annotations

import re
from pathlib import Path

from sim.cli import cli

SMALL = "name: small\nhorizon_weeks: 6\nreplicates: 2\nstrategies: [full, staged]\n"

# A strategy module of one's own, with the ways such a strategy fails.
USER_STRATEGIES = '''
import numpy as np

from sim.access import Access
from sim.strategies import Strategy


class Works(Strategy):
    def access(self, view):
        return [Access.PUBLIC if t else Access.UNRELEASED for t in view.trained]


class RaisesInAccess(Strategy):
    def access(self, view):
        if view.step >= 2:
            raise RuntimeError("user strategy gave up")
        return [0] * len(view.size_names)


class RaisesOnReplicateOne(Strategy):
    calls = 0

    def reset(self):
        type(self).calls += 1

    def access(self, view):
        if type(self).calls == 2:
            raise RuntimeError("only the second run fails")
        return [0] * len(view.size_names)


class ReturnsText(Strategy):
    def access(self, view):
        return "public"


class ReturnsNone(Strategy):
    def access(self, view):
        return None


class WrongLength(Strategy):
    def access(self, view):
        return [3]


class LevelOutOfRange(Strategy):
    def access(self, view):
        return [7] * len(view.size_names)


class FormerPublic(Strategy):  # the ladder before the release gradient: 3 meant public
    def access(self, view):
        return [3 if t else 0 for t in view.trained]


class FormerApiArray(Strategy):  # 2 meant API, in a numpy array
    def access(self, view):
        return np.where(view.trained, 2, 0)


class FormerPartners(Strategy):  # 1 meant partners, beside a level by name
    def access(self, view):
        return [Access.PUBLIC] + [1] * (len(view.size_names) - 1)


class LevelBetweenRungs(Strategy):  # no level is 35
    def access(self, view):
        return np.full(len(view.size_names), 35)


class LevelAsFloat(Strategy):
    def access(self, view):
        return [60.0] * len(view.size_names)


class RaisesInInit(Strategy):
    def __init__(self, settings=None):
        raise ValueError("cannot start")
'''


def call(capsys, *args) -> tuple[int, str, str]:
    """Run `release-sim ARGS` in this process: (exit code, stdout, stderr)."""
    code = cli([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_message(code: int, err: str, *parts: str, exit_code: int = 2) -> None:
    """The exit code, no traceback, one message, and each part in it."""
    assert code == exit_code, (code, err)
    assert "Traceback" not in err, err
    assert len(re.findall(r"^(error|Error):", err, flags=re.MULTILINE)) <= 1, err
    for part in parts:
        assert part in err, f"{part!r} not in {err!r}"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
