"""The query model as a language model sees it: a JSON schema read from :class:`roi_core.query.Query`, and
the way back from the model's JSON to a Query, checked as strictly as the schema says (or refused).

Both are read from the dataclass itself (its fields, their types and defaults) and from the constants of
``roi_core.query.model`` that list a field's values (``KINDS`` for ``kind``, ``METRICS`` for ``metric``, and
any ``<FIELD>S`` tuple added later), so a field the understander grows reaches the model with no change
here. A few fields are ours to set, never the model's: the question as typed (``raw``), its language
(``lang``: answers follow the user), that names were checked (``resolved``) and ``month`` (worked out from
``start`` / ``end``, as the rules do).

The schema follows the strict subset of OpenAI's Structured Outputs (every property required, optional ones
nullable, ``additionalProperties: false``, recursion through ``"$ref": "#"``), which DeepSeek, Qwen
(DashScope), Ollama and vLLM read too. ``null`` means "the Query's default".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from functools import lru_cache

import pandas as pd

from roi_core import RoiError
from roi_core.query import model as query_model
from roi_core.query.model import MAX_QUESTION_CHARS, MAX_TOP, Query

#: fields we set ourselves (never asked of the model)
OWN_FIELDS = ("raw", "lang", "resolved", "month")
#: values of a field the model module names no constant for (``order``'s two ends, from Query's docstring)
FALLBACK_CHOICES = {"order": ("best", "worst")}
#: a side of a comparison is also one of these (roi_core.answer.compare reads a bare period as "period")
SIDE_KINDS = ("period",)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SIDES = "sides"


class Rejected(ValueError):
    """The model's reply is not a query of ours; the message says why (for the log, never for the user)."""


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    base: object  # str, int, float, bool, dt.date, pd.Period or Query (a tuple of sides)
    choices: tuple | None
    default: object


def _choices(name: str) -> tuple | None:
    values = getattr(query_model, f"{name.upper()}S", None)
    if isinstance(values, tuple) and values and all(isinstance(v, str) for v in values):
        return values
    if name == "model":  # an attribution model: the names its aliases resolve to (roi_core.attribution)
        from roi_core.attribution import MODEL_ALIASES

        return tuple(sorted(set(MODEL_ALIASES.values())))
    return FALLBACK_CHOICES.get(name)


def _base_of(hint) -> object | None:
    """The one type a field holds (``X | None`` is X); None for a type this module cannot say in JSON."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            return None
        hint = args[0]
    if typing.get_origin(hint) is tuple and typing.get_args(hint)[:1] == (Query,):
        return Query
    return hint if hint in (str, int, float, bool, dt.date, pd.Period) else None


@lru_cache(maxsize=1)
def query_fields() -> tuple[_Field, ...]:
    """The Query's fields the model may set, read from the dataclass (its type hints and defaults)."""
    hints = typing.get_type_hints(Query, vars(query_model))
    out = []
    for f in dataclasses.fields(Query):
        base = _base_of(hints.get(f.name))
        if f.name in OWN_FIELDS or base is None:
            continue
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        out.append(_Field(f.name, base, _choices(f.name), default))
    return tuple(out)


def _json_type(field: _Field) -> dict:
    if field.base is Query:
        return {"type": "array", "items": {"$ref": "#"},
                "description": "the sides of a comparison (each a query of its own); null when not a comparison"}
    if field.base is dt.date:
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "an inclusive date, YYYY-MM-DD"}
    if field.base is pd.Period:
        return {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "a month, YYYY-MM"}
    spec: dict = {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[field.base]}
    if field.choices:
        choices = field.choices + (SIDE_KINDS if field.name == "kind" else ())
        spec["enum"] = list(choices)
    return spec


@lru_cache(maxsize=1)
def query_schema() -> dict:
    """The JSON schema of a query (Structured Outputs' strict subset): ``kind`` required, every other field
    nullable (null: the Query's default)."""
    props = {}
    for field in query_fields():
        spec = _json_type(field)
        if field.name != "kind":
            default = list(field.default) if isinstance(field.default, tuple) else field.default
            if not isinstance(default, (str, int, float, bool, list, type(None))):
                default = None
            spec = {"anyOf": [spec, {"type": "null"}], "description": f"null: the default ({default!r})"}
        props[field.name] = spec
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


def _month_of(start: dt.date, end: dt.date) -> pd.Period | None:
    """The month ``start``..``end`` is exactly (the rules set ``month`` the same way), else None."""
    month = pd.Period(start, freq="M")
    return month if start.day == 1 and end == month.end_time.date() else None


def _value(field: _Field, value, *, campaigns: frozenset[str], channels: frozenset[str], side: bool):
    """``value`` for ``field`` as the Query holds it, or Rejected naming what is wrong."""
    name, base = field.name, field.base
    if base is bool:
        ok = isinstance(value, bool)
    elif base is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif base is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        value = float(value) if ok else value
    elif base is Query:
        if side:
            raise Rejected("a side of a comparison has sides of its own")
        if not isinstance(value, list) or not 2 <= len(value) <= 4:
            raise Rejected(f"sides: {value!r:.80} is not a list of 2 to 4 queries")
        return tuple(_query(v, campaigns=campaigns, channels=channels, side=True) for v in value)
    else:  # str, a date, a month
        ok = isinstance(value, str) and len(value) <= MAX_QUESTION_CHARS
    if not ok:
        raise Rejected(f"{name}: {value!r:.80} is not a {getattr(base, '__name__', base)}")
    if base is dt.date:
        if not _DATE.fullmatch(value):
            raise Rejected(f"{name}: {value!r:.40} is not a date YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Rejected(f"{name}: {value!r:.40} is no day of the calendar") from None
    if base is pd.Period:
        try:
            return pd.Period(value, freq="M")
        except ValueError:
            raise Rejected(f"{name}: {value!r:.40} is not a month") from None
    if field.choices is not None:
        allowed = field.choices + (SIDE_KINDS if side and name == "kind" else ())
        if value not in allowed:
            raise Rejected(f"{name}: {value!r:.40} is none of {', '.join(allowed)}")
    if name == "text" and value and value not in campaigns:
        raise Rejected(f"text: campaign {value!r:.40} is not in the sheet")
    if name == "channel" and value and value not in channels:
        raise Rejected(f"channel: {value!r:.40} is not in the sheet")
    if name == "top_n" and not 1 <= value <= MAX_TOP:
        raise Rejected(f"top_n: {value} is not within 1..{MAX_TOP}")
    if name == "budget" and value <= 0:
        raise Rejected(f"budget: {value} is not a positive amount")
    return value


def _query(obj, *, campaigns: frozenset[str], channels: frozenset[str], side: bool = False,
           raw: str = "", lang: str = "zh") -> Query:
    if not isinstance(obj, dict):
        raise Rejected(f"{type(obj).__name__} where a query (an object) was expected")
    fields = {f.name: f for f in query_fields()}
    unknown = sorted(set(obj) - set(fields))
    if unknown:
        raise Rejected(f"fields that are not the query's: {', '.join(map(str, unknown))[:80]}")
    if obj.get("kind") is None:
        raise Rejected("no kind")
    values = {name: _value(fields[name], v, campaigns=campaigns, channels=channels, side=side)
              for name, v in obj.items() if v is not None}
    if not side and values["kind"] == "help":
        raise Rejected("help: the model did not read the question either")
    if _SIDES in values:  # each side answers in the question's language too
        values[_SIDES] = tuple(dataclasses.replace(s, lang=lang) for s in values[_SIDES])
    start, end = values.get("start"), values.get("end")
    if (start is None) != (end is None):
        raise Rejected("a period needs both start and end")
    if start is not None:
        if start > end:
            raise Rejected(f"start {start} is after end {end}")
        values["month"] = _month_of(start, end)
    try:  # through the dataclass itself: whatever checks the core adds to Query hold here too
        return Query(**values, raw=raw, lang=lang, resolved=True)
    except (TypeError, ValueError, RoiError) as err:
        raise Rejected(f"the query model refused it: {err}") from None


def query_from_reply(obj, *, question: str, lang: str, campaigns, channels) -> Query:
    """The Query the model's JSON ``obj`` says, asked as ``question`` in ``lang``, with names the sheet's own
    (``campaigns`` / ``channels``); raises :class:`Rejected` for anything the schema or the sheet does not
    allow: a field that is not the query's, a kind or metric that does not exist, a wrong type, a date no
    calendar holds, a name not in the sheet, a ``help`` (the model did not read it either)."""
    return _query(obj, campaigns=frozenset(campaigns), channels=frozenset(channels), raw=question, lang=lang)
