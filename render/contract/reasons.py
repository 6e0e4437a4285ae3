"""A reason Slack would refuse a payload, and the small checks every rule uses to give one
(lengths, counts, labels, numbers, fields) and to describe the value it found."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

#: Slack's error code for each kind of reason; slack_error picks the first kind present.
ERROR_ORDER = ("invalid_blocks_format", "invalid_blocks", "msg_too_long", "no_text")


class Reason(str):
    """One reason Slack would refuse a payload: ``"<json path>: <what is wrong>"``.

    A ``str`` (so it prints, compares and JSON-encodes as one) that also carries the Slack
    error code it leads to in ``.error``.
    """

    error: str

    def __new__(cls, path: str, problem: str, error: str = "invalid_blocks") -> Reason:
        self = super().__new__(cls, f"{path}: {problem}" if path else problem)
        self.error = error
        return self


def _max_len(value: Any, limit: int, where: str, out: list[str]) -> None:
    if isinstance(value, str) and len(value) > limit:
        out.append(Reason(where, f"is {len(value)} characters; at most {limit}"))


def _text_max(obj: Any, limit: int, where: str, out: list[str]) -> None:
    """A text object's ``text`` (or a bare string) within ``limit`` characters."""
    text = obj.get("text") if isinstance(obj, dict) else obj
    if isinstance(text, str) and len(text) > limit:
        out.append(Reason(f"{where}.text" if isinstance(obj, dict) else where,
                          f"is {len(text)} characters; at most {limit}"))


def _count(items: Any, low: int, high: int, where: str, what: str, out: list[str]) -> bool:
    """``items`` is a list of ``low``..``high`` entries; True if it is a list at all."""
    if items is None:
        return False
    if not isinstance(items, list):
        out.append(Reason(where, f"must be an array (got {_kind(items)})"))
        return False
    if len(items) < low:
        out.append(Reason(where, f"{len(items)} {what}; at least {low}"))
    elif len(items) > high:
        out.append(Reason(where, f"{len(items)} {what}; at most {high}"))
    return True


def _label(value: Any, limit: int, where: str, out: list[str]) -> bool:
    """A required string of 1..``limit`` characters; True if it is a string at all."""
    if value is None:
        return False  # a missing key is reported by _fields, a null by _walk
    if not isinstance(value, str):
        out.append(Reason(where, f"must be a string (got {_kind(value)})"))
        return False
    if not value:
        out.append(Reason(where, "must not be empty"))
    elif len(value) > limit:
        out.append(Reason(where, f"{value!r} is {len(value)} characters; at most {limit}"))
    return True


def _number(value: Any, where: str, out: list[str]) -> bool:
    """A finite JSON number; True if it is one (non-finite floats are reported by _walk)."""
    if value is None:
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        out.append(Reason(where, f"must be a number (got {_kind(value)})"))
        return False
    return math.isfinite(value)


def _fields(obj: dict, allowed: set[str], required: set[str], where: str, out: list[str]) -> None:
    extra = sorted(k for k in obj if k not in allowed)
    if extra:
        out.append(Reason(where, f"unknown field(s) {', '.join(repr(x) for x in extra)}"))
    for key in sorted(required - obj.keys()):
        out.append(Reason(where, f"{key!r} is a required property"))


def _path(parts: Iterable[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _article(json_type: Any) -> str:
    if isinstance(json_type, list):
        return " or ".join(_article(t) for t in json_type)
    return {"object": "an object", "array": "an array", "integer": "an integer"}.get(json_type, f"a {json_type}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
