"""The shape of every block type, from the schema generated out of ``@slack/types``: a fast
predicate per block type, and jsonschema to explain a block that predicate refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from render.contract.reasons import (
    Reason,
    _article,
    _kind,
    _path,
    _short,
)

SCHEMA_PATH = Path(__file__).with_name("slack_blocks.schema.json")


@cache
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validators() -> dict[str, Any]:
    """``{block type: a compiled Draft 7 validator for that block's definition}`` (explains failures)."""
    from jsonschema import Draft7Validator  # imported here: only a refused block needs it

    definitions = _schema()["definitions"]
    return {kind: Draft7Validator({"$ref": f"#/definitions/{name}", "definitions": definitions})
            for kind, name in _block_definitions().items()}


@cache
def _block_definitions() -> dict[str, str]:
    """``{block type: its definition's name}`` for every block of ``KnownBlock``."""
    definitions = _schema()["definitions"]
    out = {}
    for ref in definitions["KnownBlock"]["anyOf"]:
        name = ref["$ref"].rsplit("/", 1)[-1]
        for kind in _type_consts(definitions[name]):
            out[kind] = name
    return out


@cache
def _fast_checks() -> dict[str, Callable[[Any], bool]]:
    """``{block type: a predicate, True when the block matches its definition}``.

    The same verdict as jsonschema's ``is_valid`` for the keywords this schema uses, about a
    hundred times faster: an ``anyOf`` of typed objects tries only the branch whose ``type``
    const is the value's ``type`` (any other branch fails on that const anyway). jsonschema
    is used only to explain a block this predicate refuses.
    """
    definitions = _schema()["definitions"]
    refs: dict[str, list] = {}
    return {kind: _compile({"$ref": f"#/definitions/{name}"}, definitions, refs)
            for kind, name in _block_definitions().items()}


_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda x: isinstance(x, str),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
    "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
    "null": lambda x: x is None,
}
_HANDLED = {"type", "$ref", "properties", "required", "additionalProperties", "const", "enum", "items", "anyOf",
            "description", "$comment", "$schema", "definitions"}


def _compile(node: dict, definitions: dict, refs: dict[str, list]) -> Callable[[Any], bool]:
    """A predicate for one schema node (the keywords of ``_HANDLED``; anything else is an error)."""
    unknown = set(node) - _HANDLED
    if unknown:
        raise ValueError(f"schema keyword(s) {sorted(unknown)} not supported by the fast check")
    if "$ref" in node:  # draft 7: $ref ignores its siblings
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in refs:
            cell: list = [None]
            refs[name] = cell  # set before compiling: definitions may be recursive (rich text)
            cell[0] = _compile(definitions[name], definitions, refs)
        cell = refs[name]
        return lambda x: cell[0](x)
    checks: list[Callable[[Any], bool]] = []
    kind = node.get("type")
    if kind is not None:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        tests = [_JSON_TYPES[k] for k in kinds]
        checks.append(tests[0] if len(tests) == 1 else (lambda x: any(t(x) for t in tests)))
    if "const" in node:
        const = node["const"]
        checks.append(lambda x: type(x) is type(const) and x == const)
    if "enum" in node:
        enum = node["enum"]
        checks.append(lambda x: any(type(x) is type(e) and x == e for e in enum))
    props = {k: _compile(v, definitions, refs) for k, v in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))
    closed = node.get("additionalProperties") is False
    allowed = frozenset(node.get("properties", {}))
    if props or required or closed:
        def obj(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for key in required:
                if key not in x:
                    return False
            for key, value in x.items():
                check = props.get(key)
                if check is None:
                    if closed and key not in allowed:
                        return False
                elif not check(value):
                    return False
            return True
        checks.append(obj)
    if "items" in node:
        item = _compile(node["items"], definitions, refs)
        checks.append(lambda x: not isinstance(x, list) or all(item(v) for v in x))
    if "anyOf" in node:
        checks.append(_compile_any_of(node["anyOf"], definitions, refs))
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    return lambda x: all(check(x) for check in checks)


def _compile_any_of(branches: list[dict], definitions: dict, refs: dict[str, list]) -> Callable[[Any], bool]:
    by_type: dict[str, list] = {}
    untyped: list = []
    compiled = []
    for branch in branches:
        check = _compile(branch, definitions, refs)
        compiled.append(check)
        consts = _type_consts(branch)
        if consts:
            for const in consts:
                by_type.setdefault(const, []).append(check)
        else:
            untyped.append(check)

    def any_of(x: Any) -> bool:
        kind = x.get("type") if isinstance(x, dict) else None
        if isinstance(kind, str):
            candidates = by_type.get(kind, [])
            return any(c(x) for c in candidates) or any(c(x) for c in untyped)
        return any(c(x) for c in compiled)

    return any_of


def _type_consts(node: dict) -> list[str]:
    """The ``type`` values an object must have to match ``node`` ([] when any ``type`` may match)."""
    if "$ref" in node:
        node = _schema()["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    const = node.get("properties", {}).get("type", {}).get("const")
    if isinstance(const, str):
        return [const]
    branches = [_type_consts(branch) for branch in node.get("anyOf", [])]
    if not branches or not all(branches):
        return []
    return sorted({c for consts in branches for c in consts})


def _explain(err, base: str) -> list[str]:
    """Readable reasons for one jsonschema error: for an ``anyOf`` (an element that may be a
    button, a select, …), the errors of the branch whose ``type`` matches the value."""
    if err.instance is None:
        return []  # already reported by _walk as "null is not allowed"
    where = base + _path(err.absolute_path)
    if err.validator == "anyOf":
        branch = _best_branch(err)
        if branch is None:
            kind = err.instance.get("type") if isinstance(err.instance, dict) else None
            if isinstance(err.instance, dict) and kind is not None:
                return [Reason(where, f"type {kind!r} is not allowed here")]
            return [Reason(where, f"{_kind(err.instance)} is not allowed here")]
        out = []
        for sub in branch:
            out.extend(_explain(sub, base))
        return out or [Reason(where, "does not match its block type")]
    return [Reason(where, _message(err))]


def _best_branch(err) -> list | None:
    """The errors of the ``anyOf`` branch meant for this value (its ``type`` matches), if any."""
    branches: dict[int, list] = {}
    for sub in err.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    candidates = [errs for errs in branches.values() if _type_fits(errs)]
    if not candidates:
        return None
    return min(candidates, key=len)


def _type_fits(errors: list) -> bool:
    for sub in errors:
        rel = list(sub.relative_path)
        if rel == ["type"] and sub.validator in ("const", "enum"):
            return False
        if not rel and sub.validator == "type":
            return False
        if not rel and sub.validator == "anyOf" and _best_branch(sub) is None:
            return False
    return True


def _message(err) -> str:
    v = err.validator
    if v == "type":
        return f"must be {_article(err.validator_value)} (got {_kind(err.instance)})"
    if v in ("const", "enum"):
        allowed = [err.validator_value] if v == "const" else err.validator_value
        return f"must be one of {', '.join(repr(a) for a in allowed)} (got {_short(err.instance)})"
    if v == "required":
        return err.message
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"unknown field(s) {', '.join(repr(x) for x in extra)}"
    return err.message[:200]
