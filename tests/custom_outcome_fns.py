"""Custom outcomes for the tests: functions of one run's records."""

from __future__ import annotations


def peak_weekly_harm(run) -> float:
    """The largest harm of any one week (summed over sizes)."""
    return float(run.size_records["harm"].sum(axis=1).max())
