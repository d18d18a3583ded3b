"""Safe YAML reading that remembers where each field is, and pydantic validation that says so.

Every user file (scenario, sweep, calibration) goes through here, so every bad input gets the
same kind of message: file, line, field path, and what is allowed.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import InputError, InputErrors

LineMap = dict[tuple, int]


def parse_yaml(text: str, name: str) -> tuple[Any, LineMap]:
    """Parse YAML safely; return the data and a map from field path to 1-based line number."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(name, "", f"not valid YAML: {problem}", line) from None
    lines: LineMap = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, path: tuple, lines: LineMap) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = path + (key.value,)
            lines[k] = key.start_mark.line + 1
            _walk_child(value, k, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def _walk_child(node: yaml.Node, path: tuple, lines: LineMap) -> None:
    keep = lines[path]
    _walk(node, path, lines)
    lines[path] = keep


def line_of(lines: LineMap, path: tuple) -> int | None:
    """The line of the deepest known prefix of path."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def format_path(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _fields_at(model: type[BaseModel], path: tuple) -> list[str]:
    """Field names of the (nested) model that holds the last element of path."""
    current: Any = model
    keyed = False  # the previous step entered a dict of models: the next key is a free name
    for p in path[:-1]:
        if isinstance(p, int):
            continue
        fields = getattr(current, "model_fields", None)
        if keyed:
            keyed = False
            continue
        if not fields or p not in fields:
            return []
        ann = fields[p].annotation
        keyed = getattr(ann, "__origin__", None) is dict
        current = model_in(ann)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (Section, Section | None, dict[str, Section])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = model_in(arg)
        if found is not None:
            return found
    return None


def _message(model: type[BaseModel], err: dict) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc)
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else "."
        return f"unknown field{hint} Allowed here: {', '.join(allowed)}"
    if kind == "missing":
        return "required field is missing"
    msg = err["msg"]
    ctx = err.get("ctx") or {}
    if "input" in err and kind not in ("model_type", "dict_type"):
        msg = f"{msg} (got {err['input']!r})"
    if kind.startswith(("greater", "less")) and ctx:
        msg = msg.replace("Input should be", "must be")
    return msg


def validate[M: BaseModel](
    model: type[M],
    data: Any,
    name: str,
    lines: LineMap,
    prefix: str = "",
    line: int | None = None,
) -> M:
    """Validate data against a pydantic model; raise InputErrors naming file, line and field.

    prefix names where the data sits in its file (e.g. 'strategies[0]') when it is part of a
    larger document; line is the line to name when the field's own line is not known.
    """
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function"))
            )
            path = ".".join(p for p in (prefix, format_path(loc)) if p)
            at = line_of(lines, loc) if lines else line
            errors.append(InputError(name, path, _message(model, err), at))
        raise InputErrors(errors) from None
