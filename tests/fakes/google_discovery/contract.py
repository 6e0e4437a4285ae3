"""Sheets v4 requests checked against Google's own discovery document (``sheets.v4.json``).

:func:`sheets_contract` returns the process-wide :class:`Contract`, built once: every schema of the
document is compiled into a checker function, so checking a request costs one pass over the JSON that
was sent. :meth:`Contract.check` answers the list of :class:`Violation` for one request, with the
texts Google's front end uses when it refuses a request with 400 INVALID_ARGUMENT::

    Invalid JSON payload received. Unknown name "foo" at 'requests[0].add_sheet': Cannot find field.
    Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "FOO"
    Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), "X"
    Invalid value at 'requests[0].add_sheet.properties.grid_properties.row_count' (TYPE_INT32), "ten"
    Invalid JSON payload received. Unknown name "foo": Cannot bind query parameter. Field 'foo' could not
    be found in request message.

Paths name protobuf fields (snake_case) with list indexes, as Google's do; a name Google did not find is
quoted as it was sent. The body is parsed like proto3 JSON: lowerCamelCase or snake_case names, ``null``
means "not set", a number may come as a string ("26"), an enum by name or number, and a single value is
taken for a one-element list.

Only the shape is checked (names, types, enums, int32 ranges, the one-kind-per-``Request`` rule and
``fields`` selectors on reads); rules Google enforces beyond the schema (ranges that parse, grid limits,
required ``valueInputOption``, a sheet id that exists, ...) stay with the fake's own handlers.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).with_name("sheets.v4.json")
_TYPE_URL = "type.googleapis.com/google.apps.sheets.v4."
_LIST_VALUE = "type.googleapis.com/google.protobuf.ListValue"

# Enum type names are not in the discovery document. These value sets were seen named in real
# responses (ValueInputOption, CommentsViewMode) or are named so in Google's REST reference; others are
# derived from their *_UNSPECIFIED value, which protobuf style names after the enum (BASIC_CHART_TYPE_
# UNSPECIFIED -> BasicChartType), or else from schema + field name (a guess, only the text depends on it).
_ENUM_NAMES = {
    frozenset({"INPUT_VALUE_OPTION_UNSPECIFIED", "RAW", "USER_ENTERED"}): "ValueInputOption",
    frozenset({"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"}): "ValueRenderOption",
    frozenset({"SERIAL_NUMBER", "FORMATTED_STRING"}): "DateTimeRenderOption",
    frozenset({"OVERWRITE", "INSERT_ROWS"}): "InsertDataOption",
}
# Protobuf oneofs the discovery document does not mark: a Request carries exactly one kind.
_ONEOFS = {"Request": "kind"}
# The HTTP body of values.update / values.append is bound to the request's `data` field (Google's
# messages say 'data.values' for a bad PUT .../values/A1 body); the other methods take the whole body.
_BODY_FIELD = {"sheets.spreadsheets.values.update": "data", "sheets.spreadsheets.values.append": "data"}
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1),
               "int64": (-(2**63), 2**63 - 1), "uint64": (0, 2**64 - 1)}
_NUMBER_TEXT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|-?Infinity")
_INTEGER_TEXT = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Violation:
    """One reason Google would refuse the request: ``field`` is the location Google reports in
    ``details[].fieldViolations[].field`` (None when it reports none), ``description`` its text."""

    field: str | None
    description: str
    #: False for a violation Google reports only in ``details`` (the top message is then generic)
    in_message: bool = True

    def detail(self) -> dict:
        out = {"field": self.field} if self.field else {}
        out["description"] = self.description
        return out


Checker = Callable[[Any, str, list], None]


def error_body(violations: list[Violation]) -> dict:
    """The JSON error body Google sends for these violations (HTTP 400)."""
    message = "\n".join(v.description for v in violations if v.in_message) or "Request contains an invalid argument."
    return {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT", "details": [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [v.detail() for v in violations]}]}}


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _unknown(name: str, path: str, reason: str = "Cannot find field.") -> Violation:
    at = f" at '{path}'" if path else ""
    return Violation(path or None, f'Invalid JSON payload received. Unknown name "{name}"{at}: {reason}')


def _invalid(path: str, type_name: str, value: Any) -> Violation:
    return Violation(path or None, f"Invalid value at '{path}' ({type_name}), {_show(value)}")


def snake(name: str) -> str:
    """valueInputOption -> value_input_option (the protobuf field name behind a JSON name)."""
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _camel(upper_snake: str) -> str:
    return "".join(p.capitalize() for p in upper_snake.lower().split("_"))


def enum_type_url(values: list[str], owner: str, field_name: str) -> str:
    name = _ENUM_NAMES.get(frozenset(values))
    if name is None:
        first = values[0]
        name = _camel(first[: -len("_UNSPECIFIED")]) if first.endswith("_UNSPECIFIED") else \
            owner + field_name[:1].upper() + field_name[1:]
    return _TYPE_URL + name


# ---------------------------------------------------------------------------------- scalar checkers
def _string(type_name: str = "TYPE_STRING") -> Checker:
    def check(v: Any, path: str, errs: list) -> None:
        if type(v) is not str:
            errs.append(_invalid(path, type_name, v))
    return check


def _integer(fmt: str | None) -> Checker:
    lo, hi = _INT_RANGES.get(fmt or "int32", _INT_RANGES["int32"])
    type_name = f"TYPE_{(fmt or 'int32').upper()}"

    def check(v: Any, path: str, errs: list) -> None:
        t = type(v)
        if t is int:
            if lo <= v <= hi:
                return
        elif t is float:
            if v.is_integer() and lo <= v <= hi:
                return
        elif t is str and _INTEGER_TEXT.fullmatch(v.strip()) and lo <= int(v) <= hi:
            return
        errs.append(_invalid(path, type_name, v))
    return check


def _number(fmt: str | None) -> Checker:
    type_name = "TYPE_FLOAT" if fmt == "float" else "TYPE_DOUBLE"

    def check(v: Any, path: str, errs: list) -> None:
        t = type(v)
        if t is int or t is float or (t is str and _NUMBER_TEXT.fullmatch(v.strip())):
            return
        errs.append(_invalid(path, type_name, v))
    return check


def _boolean(v: Any, path: str, errs: list) -> None:
    if v is True or v is False or (type(v) is str and v.lower() in ("true", "false")):
        return
    errs.append(_invalid(path, "TYPE_BOOL", v))


def _enum(values: list[str], type_url: str) -> Checker:
    allowed = frozenset(values)
    count = len(values)

    def check(v: Any, path: str, errs: list) -> None:
        t = type(v)
        if (t is str and v in allowed) or (t is int and 0 <= v < count):
            return
        errs.append(_invalid(path, type_url, v))
    return check


def _anything(v: Any, path: str, errs: list) -> None:
    """google.protobuf.Value: any JSON value (a cell of ValueRange.values)."""


def _list_value(v: Any, path: str, errs: list) -> None:
    """google.protobuf.ListValue: a JSON array of any values (one row of ValueRange.values)."""
    if type(v) is not list:
        errs.append(_invalid(path, _LIST_VALUE, v))


# ---------------------------------------------------------------------------------- message checkers
@dataclass
class _Field:
    proto: str  # protobuf name used in paths
    check: Checker  # for one value (an element, when repeated)
    repeated: bool
    type_name: str  # what an element is called in an "Invalid value" text
    json: str  # the lowerCamelCase name the canonical form uses
    norm: Callable[[Any], Any]  # one accepted value -> its canonical form


@dataclass
class _Message:
    name: str
    fields: dict[str, _Field] = field(default_factory=dict)  # JSON name and proto name -> field
    oneof: str | None = None

    @property
    def type_url(self) -> str:
        return _TYPE_URL + self.name

    def __call__(self, v: Any, path: str, errs: list) -> None:
        if type(v) is not dict:
            errs.append(_invalid(path, self.type_url, v))
            return
        fields = self.fields
        kinds = 0
        for key, x in v.items():
            f = fields.get(key)
            if f is None:
                errs.append(_unknown(key, path))
                continue
            if x is None:  # proto3 JSON: null is "not set"
                continue
            if self.oneof is not None:
                kinds += 1
                if kinds > 1:
                    errs.append(Violation(path or None, f"Invalid value at '{path}' (oneof), oneof field "
                                                        f"'{self.oneof}' is already set. Cannot set '{key}'"))
                    continue
            fpath = f"{path}.{f.proto}" if path else f.proto
            if type(x) is list:
                if not f.repeated:
                    errs.append(_unknown(key, path, "Proto field is not repeating, cannot start list."))
                    continue
                check = f.check
                for i, item in enumerate(x):
                    if item is None:
                        errs.append(_invalid(f"{fpath}[{i}]", f.type_name, None))
                    else:
                        check(item, f"{fpath}[{i}]", errs)
            else:
                f.check(x, fpath, errs)  # one value for a repeated field is a one-element list in proto JSON


    def normal(self, v: dict) -> dict:
        """An accepted value in canonical form: JSON names, no nulls, lists for repeated fields,
        enums by name, numbers as numbers (the cells of ValueRange.values are left as sent)."""
        out = {}
        for key, x in v.items():
            f = self.fields.get(key)
            if f is None or x is None:
                continue
            norm = f.norm
            if f.repeated:
                out[f.json] = [norm(i) for i in x] if type(x) is list else [norm(x)]
            else:
                out[f.json] = norm(x)
        return out


def _same(v: Any) -> Any:
    return v


def _to_int(v: Any) -> Any:
    return v if type(v) is int else int(v)


def _to_number(v: Any) -> Any:
    return v if type(v) in (int, float) else float(v)


def _to_bool(v: Any) -> Any:
    return v if type(v) is bool else v.lower() == "true"


def _map(inner: Checker) -> Checker:
    def check(v: Any, path: str, errs: list) -> None:
        if type(v) is not dict:
            errs.append(_invalid(path, "map", v))
            return
        for k, x in v.items():
            if x is not None:
                inner(x, f"{path}[{_show(str(k))}]", errs)
    return check


class _Compiler:
    def __init__(self, schemas: dict[str, dict]):
        self.schemas = schemas
        self.messages = {name: _Message(name, oneof=_ONEOFS.get(name)) for name in schemas}
        for name, schema in schemas.items():
            msg = self.messages[name]
            for json_name, prop in (schema.get("properties") or {}).items():
                f = self.field(prop, name, json_name)
                msg.fields[json_name] = f
                msg.fields.setdefault(f.proto, f)

    def field(self, prop: dict, owner: str, json_name: str) -> _Field:
        repeated = prop.get("type") == "array"
        element = prop["items"] if repeated else prop
        check, type_name = self.checker(element, owner, json_name)
        return _Field(snake(json_name), check, repeated, type_name, json_name, self.normaliser(element))

    def normaliser(self, prop: dict) -> Callable[[Any], Any]:
        if "$ref" in prop:
            return self.messages[prop["$ref"]].normal
        kind, fmt = prop.get("type"), prop.get("format")
        if kind == "string" and "enum" in prop:
            names = prop["enum"]
            return lambda v: names[v] if type(v) is int else v
        if kind == "integer" or (kind == "string" and fmt in ("int64", "uint64")):
            return _to_int
        if kind == "number":
            return _to_number
        if kind == "boolean":
            return _to_bool
        if kind == "object" and "additionalProperties" in prop:
            inner = self.normaliser(prop["additionalProperties"])
            return lambda v: {k: inner(x) for k, x in v.items() if x is not None}
        return _same

    def checker(self, prop: dict, owner: str, json_name: str) -> tuple[Checker, str]:
        if "$ref" in prop:
            msg = self.messages[prop["$ref"]]
            return msg, msg.type_url
        kind, fmt = prop.get("type"), prop.get("format")
        if kind == "string":
            if "enum" in prop:
                url = enum_type_url(prop["enum"], owner, json_name)
                return _enum(prop["enum"], url), url
            if fmt in ("int64", "uint64"):
                return _integer(fmt), f"TYPE_{fmt.upper()}"
            if fmt == "google-fieldmask":
                return _string("type.googleapis.com/google.protobuf.FieldMask"), "TYPE_STRING"
            if fmt == "google-datetime":
                return _string("type.googleapis.com/google.protobuf.Timestamp"), "TYPE_STRING"
            return _string(), "TYPE_STRING"
        if kind == "integer":
            return _integer(fmt), f"TYPE_{(fmt or 'int32').upper()}"
        if kind == "number":
            return _number(fmt), "TYPE_FLOAT" if fmt == "float" else "TYPE_DOUBLE"
        if kind == "boolean":
            return _boolean, "TYPE_BOOL"
        if kind == "array":  # an array of arrays: ValueRange.values, rows of cells
            return _list_value, _LIST_VALUE
        if kind == "object" and "additionalProperties" in prop:
            inner, _ = self.checker(prop["additionalProperties"], owner, json_name)
            return _map(inner), "map"
        return _anything, "type.googleapis.com/google.protobuf.Value"


# ---------------------------------------------------------------------------------- methods
@dataclass
class _Param:
    name: str
    proto: str
    check: Checker
    repeated: bool


@dataclass
class Method:
    """One discovery method: its query parameters, body checker and response schema."""

    id: str
    http_method: str
    params: dict[str, _Param]
    body: _Message | None
    body_field: str
    response: str | None


class Contract:
    """The compiled discovery document. Build it with :func:`sheets_contract` (cached)."""

    def __init__(self, document: dict):
        self.revision = document.get("revision")
        self.schemas: dict[str, dict] = document["schemas"]
        self._compiler = _Compiler(self.schemas)
        system = document.get("parameters") or {}
        self.methods: dict[str, Method] = {}
        for resource in _walk_methods(document.get("resources") or {}):
            params: dict[str, _Param] = {}
            for name, spec in {**system, **(resource.get("parameters") or {})}.items():
                check, _ = self._compiler.checker(spec, "", name)
                p = _Param(name, snake(name), check, bool(spec.get("repeated")))
                params[name] = p
                params.setdefault(p.proto, p)
            ref = (resource.get("request") or {}).get("$ref")
            self.methods[resource["id"]] = Method(
                resource["id"], resource["httpMethod"], params,
                self._compiler.messages[ref] if ref else None, _BODY_FIELD.get(resource["id"], ""),
                (resource.get("response") or {}).get("$ref"))

    def check(self, method_id: str, query: dict[str, list[str]], body: Any, *, body_is_json: bool = True
              ) -> list[Violation]:
        """Every reason Google would refuse this call of ``method_id`` (e.g.
        ``sheets.spreadsheets.values.update``) with this query (name -> values, as parsed from the URL)
        and this JSON body (None when there is none); an empty list when it would accept it."""
        method = self.methods[method_id]
        errs: list[Violation] = []
        for name, values in query.items():
            p = method.params.get(name)
            if p is None:
                errs.append(Violation(None, f'Invalid JSON payload received. Unknown name "{name}": Cannot bind '
                                            f"query parameter. Field '{name}' could not be found in request message."))
                continue
            for v in values:
                p.check(v, p.proto, errs)
            if name == "fields" and values and method.response:
                errs.extend(self.check_fields(values[0], method.response))
        if not body_is_json:
            errs.append(Violation(None, "Invalid JSON payload received. Unexpected token."))
        elif body is not None and method.body is not None:
            method.body(body, method.body_field, errs)
        return errs

    def canonical(self, method_id: str, body: Any) -> Any:
        """An accepted body (see :meth:`check`) in canonical form: lowerCamelCase names, no nulls, lists
        for repeated fields, enums by name, numbers as numbers; the cells of ``values`` as sent."""
        method = self.methods[method_id]
        if body is None or method.body is None:
            return body
        return method.body.normal(body)

    def canonical_query(self, method_id: str, params: dict) -> dict:
        """Query parameters of an accepted call by their discovery names (snake_case ones renamed)."""
        known = self.methods[method_id].params
        return {(known[k].name if k in known else k): v for k, v in params.items()}

    def check_fields(self, selector: str, schema_name: str) -> list[Violation]:
        """A ``fields`` partial-response selector (``properties.title,sheets(properties(sheetId,title))``)
        checked against the response schema; Google refuses a path that names no field."""
        try:
            paths = _parse_fields(selector)
        except ValueError:
            return [Violation("fields", f"Error expanding 'fields' parameter. Cannot parse '{selector}'.", False)]
        out = []
        for path in paths:
            schema = self.schemas[schema_name]
            for i, name in enumerate(path):
                if name == "*":
                    break
                props = schema.get("properties") or {}
                prop = props.get(name) or next((p for k, p in props.items() if snake(k) == name), None)
                if prop is None:
                    out.append(Violation("fields", "Error expanding 'fields' parameter. Cannot find matching "
                                                   f"fields for path '{'.'.join(path[: i + 1])}'.", False))
                    break
                while prop.get("type") == "array":
                    prop = prop["items"]
                if "$ref" in prop:
                    schema = self.schemas[prop["$ref"]]
                elif i < len(path) - 1:
                    out.append(Violation("fields", "Error expanding 'fields' parameter. Cannot find matching "
                                                   f"fields for path '{'.'.join(path[: i + 2])}'.", False))
                    break
        return out


def _walk_methods(resources: dict):
    for resource in resources.values():
        yield from (resource.get("methods") or {}).values()
        yield from _walk_methods(resource.get("resources") or {})


def _parse_fields(text: str) -> list[list[str]]:
    """'a/b,c(d,e.f)' -> [['a','b'], ['c','d'], ['c','e','f']]; ValueError on unbalanced brackets."""
    pos = 0

    def selection(prefix: list[str]) -> list[list[str]]:
        nonlocal pos
        out: list[list[str]] = []
        while True:
            start = pos
            while pos < len(text) and text[pos] not in ",()":
                pos += 1
            names = re.split(r"[./]", text[start:pos])
            if not all(names):
                raise ValueError(text)
            if pos < len(text) and text[pos] == "(":
                pos += 1
                out.extend(selection(prefix + names))
                if pos >= len(text) or text[pos] != ")":
                    raise ValueError(text)
                pos += 1
            else:
                out.append(prefix + names)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return out

    paths = selection([])
    if pos != len(text):
        raise ValueError(text)
    return paths


@functools.lru_cache(maxsize=1)
def sheets_contract() -> Contract:
    """The Sheets v4 contract from ``sheets.v4.json``, compiled once per process."""
    return Contract(json.loads(DOCUMENT.read_text(encoding="utf-8")))
