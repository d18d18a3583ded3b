"""Regenerate the parameter table in docs/model.md from the scenario schema.

    .venv/bin/python scripts/parameter_table.py          # rewrite docs/model.md in place
    .venv/bin/python scripts/parameter_table.py --check  # exit 1 if the table is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel

from sim.scenario import Scenario

DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"
BEGIN, END = "<!-- parameters:begin -->", "<!-- parameters:end -->"
# Settings of the experiment rather than claims about the world.
EXPERIMENT = {"name", "description", "calibration", "family", "step_weeks", "horizon_weeks",
              "replicates", "seed", "strategies", "baseline", "enabled"}


def basis(name: str, description: str) -> str:
    text = description.lower()
    if "source:" in text:
        return "source"
    if name in EXPERIMENT:
        return "experiment setting"
    if "value judgement" in text:
        return "value judgement"
    return "assumption"


def rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    instance = model()
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        value = getattr(instance, name)
        if isinstance(value, BaseModel):
            out += rows(type(value), f"{path}.")
            continue
        models = isinstance(value, dict) and all(isinstance(v, BaseModel) for v in value.values())
        if value and models:
            for key, sub in value.items():
                shown = ", ".join(f"{k}={v}" for k, v in sub.model_dump().items())
                out.append(f"| `{path}.{key}` | {shown} | assumption | one entry of {path} |")
            continue
        if name == "strategies":
            value = [s.name for s in value]
        desc = (field.description or "").replace("|", "/").replace("\n", " ")
        out.append(f"| `{path}` | {value} | {basis(name, desc)} | {desc} |")
    return out


def table() -> str:
    head = ["| field | default | basis | meaning, unit, source |", "|---|---|---|---|"]
    return "\n".join([BEGIN, *head, *rows(Scenario), END])


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + table() + text[end:]
    if "--check" in sys.argv:
        if new != text:
            print(f"{DOC} parameter table is out of date: run scripts/parameter_table.py")
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
