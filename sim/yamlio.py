"""Safe YAML reading that remembers where each field is, and pydantic validation that says so.

Every user file (scenario, sweep, calibration) goes through here, so every bad input gets the
same kind of message: file, line, field path, and what is allowed.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import MAX_LISTED, InputError, InputErrors

LineMap = dict[tuple, int]


MAX_BYTES = 1_000_000  # scenario and sweep files are written by hand: the shipped ones are a few KB
MAX_NODES = 200_000  # values after expanding aliases (an alias bomb expands without limit)
MAX_DEPTH = 100  # nesting of mappings and lists


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when installed: faster
    """The safe loader, refusing impossible dates with their line (not a bare ValueError)."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a valid date ({exc})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_text_file(path: str | Path, what: str, max_bytes: int = MAX_BYTES) -> str:
    """The text of a user's YAML file (what: 'scenario', 'sweep', 'calibration', ...).

    Refused with one message naming the file: a path that does not exist, a folder given
    where a file belongs (its YAML files listed as a hint), a file over max_bytes, and a file
    that cannot be read as UTF-8 text.
    """
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise InputError(name, "", f"is a folder, not a {what} file{yaml_files_hint(path)}")
    if not path.is_file():
        raise InputError(name, "", f"{what} file not found")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(name, "", f"file too large ({size:,} bytes; at most "
                             f"{max_bytes:,}): {what} files are written by hand")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(name, "", f"cannot read file: {exc}") from None


def yaml_files_hint(folder: Path, shown: int = 5) -> str:
    """'; YAML files in it: a.yaml, b.yaml' (the first few), or '' when it holds none."""
    try:
        found = sorted(p.name for p in folder.iterdir()
                       if p.suffix in (".yaml", ".yml") and p.is_file())
    except OSError:
        return ""
    if not found:
        return " (it holds no .yaml files)"
    more = f", ... ({len(found)} in all)" if len(found) > shown else ""
    return f"; YAML files in it: {', '.join(found[:shown])}{more}"


def holds_nothing(text: str) -> bool:
    """True for text with no YAML content: empty, only whitespace (tabs included, which YAML
    itself refuses) or only comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


# What the parser's words usually mean in a hand-written scenario (first match wins).
YAML_HINTS = [
    ("expected ',' or ']'", "a list opened with '[' is not closed with ']', or an item in it "
     "holds a ',' or ':' and needs quotes"),
    ("expected ',' or '}'", "a mapping opened with '{' is not closed with '}'"),
    ("expected key", "the indentation is off here: the fields of one section start at the "
     "same column, indented with spaces, and a list or value ends before the next field"),
    ("mapping values are not allowed", "two ':' on one line, or a line indented under a "
     "value: write one 'field: value' per line, and put quotes around text containing ': '"),
    ("unexpected end of stream", "a quote (\" or ') is opened and not closed"),
    ("expected '-' indicator", "'- item' lines and 'field: value' lines are mixed at the same "
     "indentation"),
    ("undefined alias", "a value starting with '*' is read as a YAML alias: put quotes "
     "around it"),
    ("could not determine a constructor", "a value starting with '!' is read as a YAML tag: "
     "put quotes around it"),
    ("cannot start any token", "a value starts with a character YAML reserves (@ or `): put "
     "quotes around it"),
]


# the parser's contexts that start at an opening quote or bracket
OPENED = ("while scanning a quoted scalar", "while parsing a flow sequence",
          "while parsing a flow mapping")


def _char_at(text: str, mark) -> str:
    """The character where the parser stopped ('' when it is past the text)."""
    rows = text.splitlines()
    if mark is None or mark.line >= len(rows) or mark.column >= len(rows[mark.line]):
        return ""
    return rows[mark.line][mark.column]


def _yaml_hint(problem: str, char: str) -> str:
    """What the parser's problem usually means, in parentheses; '' when it is not a known one.
    char: the character where the parser stopped."""
    if char == "\t":
        return " (a tab): indent with spaces, not tabs"
    for words, hint in YAML_HINTS:
        if words in problem:
            return f" ({hint})"
    return ""


def parse_yaml(text: str, name: str) -> tuple[Any, LineMap]:
    """Parse YAML safely; return the data and a map from field path to 1-based line number.

    Refused, with the line where it applies: invalid YAML, impossible dates, a key given twice
    in one mapping (YAML would keep the last silently), an alias that contains itself, and
    documents that expand beyond MAX_NODES values (alias bombs) or MAX_BYTES of text.
    """
    if len(text) > MAX_BYTES:
        raise InputError(name, "", f"file too large ({len(text):,} characters; at most "
                         f"{MAX_BYTES:,}): scenario and sweep files are written by hand")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(node, name)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = _yaml_hint(problem, _char_at(text, mark))
        opened = getattr(exc, "context_mark", None)
        if getattr(exc, "context", None) in OPENED and opened is not None and line:
            # a quote or bracket left open: named where it opens, not where the parser gave up
            hint += f"; it opens on line {opened.line + 1}, and the parser reached line {line}"
            line = opened.line + 1
        raise InputError(name, "", f"not valid YAML: {problem}{hint}", line) from None
    except RecursionError:
        raise InputError(name, "", f"nested too deeply (at most {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()
    lines: LineMap = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _check_nodes(root: yaml.Node, name: str) -> None:
    """Refuse self-containing aliases, duplicate keys, deep nesting and huge expansions.

    Aliases share nodes, so the expanded size of each distinct node is computed once
    (memoised): the check takes time in proportion to the text, not to its expansion.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    # iterative depth-first walk: (node, depth, children entered?)
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, entered = stack.pop()
        key = id(node)
        children = _children(node)
        if entered:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            if size[key] > MAX_NODES:
                raise InputError(name, "", f"expands to more than {MAX_NODES:,} values (an "
                                 "alias repeated without limit?); write the values out",
                                 node.start_mark.line + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            raise InputError(name, "", "an alias refers to a node that contains it (a "
                             "structure that contains itself)", node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise InputError(name, "", f"nested too deeply (at most {MAX_DEPTH} levels)",
                             node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            _check_duplicates(node, name)
        on_path.add(key)
        stack.append((node, depth, True))
        for child in children:
            if id(child) in on_path:
                raise InputError(name, "", "an alias refers to a node that contains it (a "
                                 "structure that contains itself)", child.start_mark.line + 1)
            if id(child) not in size:
                stack.append((child, depth + 1, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_duplicates(node: yaml.MappingNode, name: str) -> None:
    seen: dict[tuple, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        ident = (key.tag, key.value)
        line = key.start_mark.line + 1
        if ident in seen:
            raise InputError(name, str(key.value), f"given twice in one mapping (first on line "
                             f"{seen[ident]}); YAML would keep only the last: give each key "
                             "once", line)
        seen[ident] = line


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


def plain_message(model: type[BaseModel], err: dict) -> str:
    """One pydantic error in the words of this project's messages (what to write)."""
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
    if kind == "value_error":  # our validators' messages say what they got
        return msg.removeprefix("Value error, ")
    ctx = {k: f"{v:g}" if isinstance(v, float) else v for k, v in (err.get("ctx") or {}).items()}
    if kind in PLAIN_BOUNDS:
        msg = PLAIN_BOUNDS[kind].format(**ctx, s="" if ctx.get("min_length",
                                                                 ctx.get("max_length")) == 1
                                        else "s")
    msg = PLAIN_TYPES.get(kind, msg).replace("Input should be", "must be")
    shown = repr(err.get("input"))
    if "input" in err and (kind not in ("model_type", "dict_type") or len(shown) <= 60):
        msg = f"{msg} (got {shown})"
    return msg


# pydantic's words for a wrong type, as a scenario's author would want them (what to write)
PLAIN_TYPES = {
    "int_parsing": "must be a whole number (an integer), e.g. 20",
    "int_type": "must be a whole number (an integer), e.g. 20",
    "int_from_float": "must be a whole number (an integer), not a fraction",
    "float_parsing": "must be a number, e.g. 0.5",
    "float_type": "must be a number, e.g. 0.5",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list: one item per line starting with '- ', or [a, b] on one line",
    "dict_type": "must be a mapping: 'field: value' lines indented under this one",
    "model_type": "must be a section: 'field: value' lines indented under this one",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_type": "must be a date written YYYY-MM-DD",
}


# pydantic's words for a bound, in the same plain terms (its context fills the numbers)
PLAIN_BOUNDS = {
    "too_short": "must have at least {min_length} item{s}",
    "too_long": "must have at most {max_length} item{s}",
    "string_too_short": "must be at least {min_length} character{s} long",
    "string_too_long": "must be at most {max_length} character{s} long",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be above {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be below {lt}",
    "finite_number": "must be a finite number",
}

_UNION_TAGS = {"float", "int", "str", "bool", "none", "list", "dict", "date"}


def _is_union_tag(part: Any) -> bool:
    """A pydantic error location's member of a union ('float' in 'high.float'), not a field."""
    return isinstance(part, str) and (part in _UNION_TAGS or part.startswith(("list[", "dict[",
                                                                               "tuple[")))


def _named_field(model: type[BaseModel], message: str) -> tuple[tuple, str]:
    """(field path, rest of the message) for a model validator's message that starts with
    the dotted path of a field of the model ('horizon_weeks: 2,600 weeks run to ...'), so
    the error names that field and its line; ((), message) otherwise."""
    head, sep, rest = message.partition(": ")
    path = tuple(head.split("."))
    if sep and path[0] in model.model_fields and all(p.isidentifier() for p in path):
        return path, rest
    return (), message


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
        errors, unions = [], set()
        for err in exc.errors():
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function"))
            )
            member = bool(loc) and _is_union_tag(loc[-1])
            while loc and _is_union_tag(loc[-1]):  # 'high.float', 'high.int': one error, 'high'
                loc = loc[:-1]
            if member:
                if loc in unions:
                    continue  # another member of the same union: the first one's message says it
                unions.add(loc)
            k = len(errors)
            # only the first MAX_LISTED are shown: the rest are counted, not worded
            message = plain_message(model, err) if k < MAX_LISTED else err["type"]
            if not loc and err["type"] == "value_error":  # a rule across fields: it names
                loc, message = _named_field(model, message)  # the field to blame first
            path = ".".join(p for p in (prefix, format_path(loc)) if p)
            at = line_of(lines, loc) if lines else line
            errors.append(InputError(name, path, message, at))
        raise InputErrors(errors) from None


def with_value(text: str, dotted: str, value: Any) -> str:
    """The YAML text with the field at a dotted path ('mapping.misuse_elasticity') set to
    value, and everything else as it was written: comments, the order of keys, block scalars
    (a folded description stays folded) and quoting (ruamel.yaml's round trip). Sections on
    the way are created; a path through something that is not a section raises ValueError."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    rt = YAML()  # round trip
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a line the user wrote
    rt.indent(mapping=2, sequence=4, offset=2)
    data = rt.load(text)
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise ValueError("the scenario is not a mapping of fields")
    keys = dotted.split(".")
    cur = data
    for k in keys[:-1]:
        if k not in cur:
            cur[k] = CommentedMap()
        cur = cur[k]
        if not isinstance(cur, dict):
            raise ValueError(f"'{k}' is not a section")
    cur[keys[-1]] = value
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()
