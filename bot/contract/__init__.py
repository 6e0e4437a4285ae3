"""Would Slack accept this message? A pre-flight check of chat.postMessage / chat.update /
chat.postEphemeral / response_url payloads against Slack's own Block Kit types and limits.

    from bot.contract import check_message, slack_error

    reasons = check_message({"channel": "C1", "text": "ROI", "blocks": blocks})
    if reasons:
        log.error("Slack would refuse (%s): %s", slack_error(reasons), reasons)

Two sources, both Slack's:

* the shape of every block type Slack's Node SDK declares (``@slack/types``, ``KnownBlock``),
  turned into JSON Schema by ``tools/slack_schema/regenerate.sh`` and stored next to this
  file (``slack_blocks.schema.json``; its ``$comment`` names the version). Each block is
  checked against the definition of its own ``type`` only, so a bad button is reported at
  the button, not as "matches none of 20 block types";
* the limits Block Kit's reference states in words (lengths, counts, uniqueness) that a
  TypeScript type cannot carry, and the ``data_visualization`` block, which ``@slack/types``
  does not declare yet.

Every reason names the JSON path of the offending value, e.g.
``blocks[3].elements[1]: null is not allowed``. Lengths are counted in characters (code
points), as Slack's reference states them. This module does no I/O beyond reading the schema
file once, and never raises on a malformed payload: a malformed payload is a reason.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Reason", "SCHEMA_PATH", "check_blocks", "check_message", "slack_error", "slack_types_version"]

SCHEMA_PATH = Path(__file__).with_name("slack_blocks.schema.json")

# --------------------------------------------------------------------------- limits (Block Kit reference)
MAX_BLOCKS = 50  # per message (modals and Home tabs allow 100)
MAX_TEXT = 40_000  # top-level ``text``: longer is msg_too_long
HEADER_TEXT = 150
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
ID_LENGTH = 255  # block_id, action_id
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL_LENGTH = 3000
ACCESSIBILITY_LABEL = 75
PLACEHOLDER_TEXT = 150
SELECT_OPTIONS = 100
OPTION_GROUPS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTION_DESCRIPTION = 75
OVERFLOW_OPTIONS = 5
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
IMAGE_ALT_TEXT = 2000
IMAGE_TITLE = 2000
MARKDOWN_TOTAL = 12_000  # all markdown blocks of one payload together
TABLE_ROWS = 100
TABLE_CELLS = 20
TABLE_COLUMN_SETTINGS = 20
DATA_TABLE_ROWS = (2, 101)  # the header row plus 1..100 rows
DATA_TABLE_COLUMNS = 20
DATA_TABLE_CHARS = 10_000  # across all cells of one table, and of all data tables of a message
DATA_TABLE_PAGE_SIZE = (1, 100)
CHART_TITLE = 50
CHART_AXIS_LABEL = 50
CHART_LABEL = 20  # series names, categories, point and segment labels
CHART_SERIES = 6  # series of a bar/line/area chart, segments of a pie
CHART_POINTS = 20
CHART_TYPES = ("bar", "line", "area", "pie")

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


# --------------------------------------------------------------------------- the public checks
def check_message(payload: Mapping[str, Any], *, require_content: bool = True) -> list[str]:
    """The reasons Slack would refuse ``payload`` (an empty list: Slack would accept it).

    ``payload`` holds the arguments of chat.postMessage, chat.update, chat.postEphemeral or
    the JSON body of a response_url POST: ``text``, ``blocks`` (a list, or the JSON string
    slack_sdk sends in form bodies), ``attachments``, and anything else (ignored). Checked:
    ``blocks`` is an array of at most 50 valid blocks (see :func:`check_blocks`); ``text`` is
    a string of at most 40,000 characters; and unless ``require_content`` is false (a file
    comment, a response_url ``delete_original``), there is some text, a block or an
    attachment. A message with blocks but no ``text`` is accepted, as Slack accepts it (the
    notification then has no words: send a fallback ``text`` anyway).

    Each item is a :class:`Reason` naming the JSON path; :func:`slack_error` gives the error
    code Slack answers for the list.
    """
    if not isinstance(payload, Mapping):
        return [Reason("", "the payload must be a JSON object", "invalid_arguments")]
    reasons: list[str] = []
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks) if blocks.strip() else None
        except ValueError:
            reasons.append(Reason("blocks", "is not valid JSON", "invalid_blocks_format"))
            blocks = None
    if blocks is not None and not isinstance(blocks, list):
        reasons.append(Reason("blocks", f"must be an array of blocks (got {_kind(blocks)})",
                              "invalid_blocks_format"))
        blocks = None
    if blocks:
        reasons += check_blocks(blocks)

    text = payload.get("text")
    if text is not None and not isinstance(text, str):
        reasons.append(Reason("text", f"must be a string (got {_kind(text)})", "invalid_arguments"))
        text = None
    if text is not None and len(text) > MAX_TEXT:
        reasons.append(Reason("text", f"is {len(text)} characters; at most {MAX_TEXT}", "msg_too_long"))

    attachments = payload.get("attachments")
    if isinstance(attachments, str):
        try:
            attachments = json.loads(attachments) if attachments.strip() else None
        except ValueError:
            reasons.append(Reason("attachments", "is not valid JSON", "invalid_attachments"))
            attachments = None
    if attachments is not None and not isinstance(attachments, list):
        reasons.append(Reason("attachments", f"must be an array (got {_kind(attachments)})", "invalid_attachments"))
        attachments = None

    if require_content and not payload.get("delete_original") and not (text or blocks or attachments):
        reasons.append(Reason("text", "a message needs text, blocks or attachments", "no_text"))
    return reasons


def check_blocks(blocks: list[Any], path: str = "blocks") -> list[str]:
    """The reasons Slack would refuse the ``blocks`` array of a message (see :func:`check_message`).

    Checks each block against the generated schema for its ``type`` and against the Block
    Kit reference's limits: at most 50 blocks; no ``null`` anywhere (and no NaN/Infinity,
    which is not JSON); text objects non-empty; header text ≤ 150, section text ≤ 3000,
    section fields ≤ 10 of ≤ 2000; context 1–10 elements; actions 1–25 elements; buttons
    (text ≤ 75, value ≤ 2000, url ≤ 3000); selects (≤ 100 options of text ≤ 75, value ≤ 150);
    block_id ≤ 255 and unique in the message; action_id ≤ 255 and unique in its block; one
    ``table`` per message (1–100 rows of 1–20 non-empty cells, ≤ 20 column_settings);
    ``data_table`` (2–101 rows of equal width ≤ 20, no rich_text header, ≤ 10,000 characters);
    ``data_visualization`` (see :func:`_check_chart`); markdown blocks ≤ 12,000 characters in all.
    """
    out: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        out.append(Reason(path, f"{len(blocks)} blocks; a message holds at most {MAX_BLOCKS}"))
    seen = _Seen()
    checks = _fast_checks()
    for i, block in enumerate(blocks):
        where = f"{path}[{i}]"
        if block is None:
            out.append(Reason(where, "null is not allowed"))
            continue
        if not isinstance(block, dict):
            out.append(Reason(where, f"a block must be an object (got {_kind(block)})"))
            continue
        kind = block.get("type")
        _walk(block, where, out, seen.new_block())
        if kind == "data_visualization":
            _check_chart(block, where, out)
        else:
            fast = checks.get(kind) if isinstance(kind, str) else None
            if fast is None:
                known = ", ".join(sorted([*checks, "data_visualization"]))
                out.append(Reason(f"{where}.type", f"unknown block type {_short(kind)} (known: {known})"))
                continue
            if not fast(block):
                explained = [r for err in _validators()[kind].iter_errors(block) for r in _explain(err, where)]
                if not explained and not any(r.startswith(where) for r in out):
                    # the two checks disagree: say so rather than pass a block the fast check refused
                    explained = [Reason(where, f"does not match the schema of {kind!r} (bot.contract: the fast "
                                               "check and jsonschema disagree; please report)")]
                out.extend(explained)
        rule = _BLOCK_RULES.get(kind)
        if rule is not None:
            rule(block, where, out, seen)
    if seen.markdown_chars > MARKDOWN_TOTAL:
        out.append(Reason(path, f"markdown blocks hold {seen.markdown_chars} characters in all; "
                                f"at most {MARKDOWN_TOTAL}"))
    if seen.data_table_chars > DATA_TABLE_CHARS and not seen.data_table_over:
        out.append(Reason(path, f"data_table cells hold {seen.data_table_chars} characters in all; "
                                f"at most {DATA_TABLE_CHARS} per message"))
    return out


def slack_error(reasons: Iterable[str]) -> str:
    """Slack's error code for these reasons (``"ok"`` when there are none).

    ``invalid_blocks_format`` (``blocks`` is not an array), ``invalid_blocks`` (a block is
    wrong), ``msg_too_long``, ``no_text``, ``invalid_attachments`` or ``invalid_arguments``,
    in that order of precedence. Plain strings without a code count as ``invalid_blocks``.
    """
    codes = [getattr(r, "error", "invalid_blocks") for r in reasons]
    if not codes:
        return "ok"
    for code in ERROR_ORDER:
        if code in codes:
            return code
    return codes[0]


@cache
def slack_types_version() -> str:
    """The ``@slack/types`` version the schema was generated from (read from its ``$comment``)."""
    found = re.search(r"@slack/types (\S+)", _schema().get("$comment", ""))
    return found.group(1) if found else "unknown"


# --------------------------------------------------------------------------- schema, one validator per block type
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


# --------------------------------------------------------------------------- the walk: nulls, text, ids, elements
class _Seen:
    """What must be unique or counted across the blocks of one message."""

    def __init__(self) -> None:
        self.block_ids: dict[str, str] = {}
        self.action_ids: dict[str, str] = {}
        self.tables = 0
        self.markdown_chars = 0
        self.data_table_chars = 0
        self.data_table_over = False  # one table is over already: the message total says nothing new

    def new_block(self) -> _Seen:
        self.action_ids = {}  # action_id is unique within its block
        return self


def _walk(node: Any, where: str, out: list[str], seen: _Seen) -> None:
    """Everything checked wherever it sits: nulls, non-finite numbers, text objects, ids, elements."""
    if isinstance(node, dict):
        kind = node.get("type")
        if kind in ("plain_text", "mrkdwn"):
            text = node.get("text")
            if isinstance(text, str) and not text:
                out.append(Reason(f"{where}.text", f"{kind} text must not be empty"))
        elif kind == "raw_text":
            text = node.get("text")
            if isinstance(text, str) and not text:
                out.append(Reason(f"{where}.text", "a raw_text cell must not be empty"))
        elif isinstance(kind, str):
            check = _ELEMENT_RULES.get(kind)
            if check is not None:
                check(node, where, out)
        _check_ids(node, where, out, seen)
        for key, value in node.items():
            if value is None:
                out.append(Reason(f"{where}.{key}", "null is not allowed"))
            elif isinstance(value, (dict, list, float)):
                _walk(value, f"{where}.{key}", out, seen)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if value is None:
                out.append(Reason(f"{where}[{i}]", "null is not allowed"))
            elif isinstance(value, (dict, list, float)):
                _walk(value, f"{where}[{i}]", out, seen)
    elif isinstance(node, float) and not math.isfinite(node):
        out.append(Reason(where, f"{node} is not a JSON number"))


def _check_ids(node: dict, where: str, out: list[str], seen: _Seen) -> None:
    block_id = node.get("block_id")
    if isinstance(block_id, str):
        _max_len(block_id, ID_LENGTH, f"{where}.block_id", out)
        first = seen.block_ids.setdefault(block_id, where)
        if first != where:
            out.append(Reason(f"{where}.block_id", f"{block_id!r} is already the block_id of {first}"))
    action_id = node.get("action_id")
    if isinstance(action_id, str):
        _max_len(action_id, ID_LENGTH, f"{where}.action_id", out)
        first = seen.action_ids.setdefault(action_id, where)
        if first != where:
            out.append(Reason(f"{where}.action_id", f"{action_id!r} is already the action_id of {first} "
                                                    "in the same block"))


# --------------------------------------------------------------------------- element rules
def _button(node: dict, where: str, out: list[str]) -> None:
    _text_max(node.get("text"), BUTTON_TEXT, f"{where}.text", out)
    _max_len(node.get("value"), BUTTON_VALUE, f"{where}.value", out)
    _max_len(node.get("url"), URL_LENGTH, f"{where}.url", out)
    _max_len(node.get("accessibility_label"), ACCESSIBILITY_LABEL, f"{where}.accessibility_label", out)
    _confirm(node, where, out)


def _select(node: dict, where: str, out: list[str], max_options: int = SELECT_OPTIONS) -> None:
    _text_max(node.get("placeholder"), PLACEHOLDER_TEXT, f"{where}.placeholder", out)
    options = node.get("options")
    if isinstance(options, list):
        if not options:
            out.append(Reason(f"{where}.options", "must hold at least 1 option"))
        elif len(options) > max_options:
            out.append(Reason(f"{where}.options", f"{len(options)} options; at most {max_options}"))
        for i, option in enumerate(options):
            _option(option, f"{where}.options[{i}]", out)
    groups = node.get("option_groups")
    if isinstance(groups, list):
        if len(groups) > OPTION_GROUPS:
            out.append(Reason(f"{where}.option_groups", f"{len(groups)} groups; at most {OPTION_GROUPS}"))
        for g, group in enumerate(groups):
            if not isinstance(group, dict):
                continue
            _text_max(group.get("label"), OPTION_TEXT, f"{where}.option_groups[{g}].label", out)
            group_options = group.get("options")
            if isinstance(group_options, list):
                if len(group_options) > SELECT_OPTIONS:
                    out.append(Reason(f"{where}.option_groups[{g}].options",
                                      f"{len(group_options)} options; at most {SELECT_OPTIONS}"))
                for i, option in enumerate(group_options):
                    _option(option, f"{where}.option_groups[{g}].options[{i}]", out)
    if isinstance(options, list) and isinstance(groups, list):
        out.append(Reason(where, "give options or option_groups, not both"))
    for key in ("initial_option",):
        if isinstance(node.get(key), dict):
            _option(node[key], f"{where}.{key}", out)
    _confirm(node, where, out)


def _overflow(node: dict, where: str, out: list[str]) -> None:
    _select(node, where, out, OVERFLOW_OPTIONS)


def _option(option: Any, where: str, out: list[str]) -> None:
    if not isinstance(option, dict):
        return
    _text_max(option.get("text"), OPTION_TEXT, f"{where}.text", out)
    _max_len(option.get("value"), OPTION_VALUE, f"{where}.value", out)
    _text_max(option.get("description"), OPTION_DESCRIPTION, f"{where}.description", out)
    _max_len(option.get("url"), URL_LENGTH, f"{where}.url", out)


def _confirm(node: dict, where: str, out: list[str]) -> None:
    confirm = node.get("confirm")
    if not isinstance(confirm, dict):
        return
    for key, limit in (("title", CONFIRM_TITLE), ("text", CONFIRM_TEXT), ("confirm", CONFIRM_BUTTON),
                       ("deny", CONFIRM_BUTTON)):
        _text_max(confirm.get(key), limit, f"{where}.confirm.{key}", out)


def _image(node: dict, where: str, out: list[str]) -> None:
    _max_len(node.get("alt_text"), IMAGE_ALT_TEXT, f"{where}.alt_text", out)
    _max_len(node.get("image_url"), URL_LENGTH, f"{where}.image_url", out)
    _text_max(node.get("title"), IMAGE_TITLE, f"{where}.title", out)


_ELEMENT_RULES: dict[str, Callable[[dict, str, list[str]], None]] = {
    "button": _button,
    "static_select": _select,
    "multi_static_select": _select,
    "radio_buttons": _select,
    "checkboxes": _select,
    "overflow": _overflow,
    "users_select": _select, "multi_users_select": _select, "conversations_select": _select,
    "multi_conversations_select": _select, "channels_select": _select, "multi_channels_select": _select,
    "external_select": _select, "multi_external_select": _select,
    "image": _image,
}


# --------------------------------------------------------------------------- block rules
def _header(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    _text_max(block.get("text"), HEADER_TEXT, f"{where}.text", out)


def _section(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    _text_max(block.get("text"), SECTION_TEXT, f"{where}.text", out)
    fields = block.get("fields")
    if isinstance(fields, list):
        if len(fields) > SECTION_FIELDS:
            out.append(Reason(f"{where}.fields", f"{len(fields)} fields; at most {SECTION_FIELDS}"))
        if not fields and "text" not in block:
            out.append(Reason(f"{where}.fields", "must hold at least 1 field when there is no text"))
        for i, field in enumerate(fields):
            _text_max(field, FIELD_TEXT, f"{where}.fields[{i}]", out)
    if "text" not in block and "fields" not in block:
        out.append(Reason(where, "a section needs text or fields"))


def _context(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    _count(block.get("elements"), 1, CONTEXT_ELEMENTS, f"{where}.elements", "elements", out)


def _actions(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    _count(block.get("elements"), 1, ACTIONS_ELEMENTS, f"{where}.elements", "elements", out)


def _markdown(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    text = block.get("text")
    if isinstance(text, str):
        if not text:
            out.append(Reason(f"{where}.text", "must not be empty"))
        seen.markdown_chars += len(text)


def _table(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    seen.tables += 1
    if seen.tables == 2:
        out.append(Reason(where, "a message holds at most one table block"))
    rows = block.get("rows")
    if isinstance(rows, list):
        _count(rows, 1, TABLE_ROWS, f"{where}.rows", "rows", out)
        for r, row in enumerate(rows):
            _count(row, 1, TABLE_CELLS, f"{where}.rows[{r}]", "cells", out)
    settings = block.get("column_settings")
    if isinstance(settings, list) and len(settings) > TABLE_COLUMN_SETTINGS:
        out.append(Reason(f"{where}.column_settings", f"{len(settings)} items; at most {TABLE_COLUMN_SETTINGS}"))


def _data_table(block: dict, where: str, out: list[str], seen: _Seen) -> None:
    rows = block.get("rows")
    if isinstance(rows, list):
        _count(rows, DATA_TABLE_ROWS[0], DATA_TABLE_ROWS[1], f"{where}.rows", "rows (the header row included)", out)
        widths = {len(row) for row in rows if isinstance(row, list)}
        if len(widths) > 1:
            out.append(Reason(f"{where}.rows", f"every row must have the same number of cells "
                                               f"(found {', '.join(str(w) for w in sorted(widths))})"))
        chars = 0
        for r, row in enumerate(rows):
            if not isinstance(row, list):
                continue
            _count(row, 1, DATA_TABLE_COLUMNS, f"{where}.rows[{r}]", "cells", out)
            for c, cell in enumerate(row):
                if not isinstance(cell, dict):
                    continue
                if r == 0 and cell.get("type") == "rich_text":
                    out.append(Reason(f"{where}.rows[0][{c}]", "a header cell cannot be rich_text"))
                chars += _cell_chars(cell)
        seen.data_table_chars += chars
        if chars > DATA_TABLE_CHARS:
            seen.data_table_over = True
            out.append(Reason(f"{where}.rows", f"cells hold {chars} characters; at most {DATA_TABLE_CHARS}"))
    page_size = block.get("page_size")
    if isinstance(page_size, (int, float)) and not isinstance(page_size, bool):
        low, high = DATA_TABLE_PAGE_SIZE
        if page_size != int(page_size) or not low <= page_size <= high:
            out.append(Reason(f"{where}.page_size", f"must be a whole number from {low} to {high} (got {page_size})"))
    if isinstance(block.get("caption"), str) and not block["caption"]:
        out.append(Reason(f"{where}.caption", "must not be empty"))


def _cell_chars(cell: dict) -> int:
    if isinstance(cell.get("text"), str):
        return len(cell["text"])
    return len(json.dumps(cell.get("elements", ""), ensure_ascii=False))  # rich_text: a fair upper bound


def _check_chart(block: dict, where: str, out: list[str]) -> None:
    """The ``data_visualization`` block, from Block Kit's reference (it is not in ``@slack/types``).

    ``title`` 1–50 characters; ``chart.type`` pie, bar, area or line. A pie has 1–6
    ``segments``, each a ``label`` of 1–20 characters and a ``value`` > 0. Bar, area and
    line charts have 1–6 ``series`` with unique ``name`` s of 1–20 characters and an
    ``axis_config`` whose ``categories`` are 1–20 unique labels of 1–20 characters (optional
    ``x_label`` / ``y_label`` ≤ 50); each series has exactly one ``{label, value}`` point per
    category, its label one of the categories. Values are finite numbers.
    """
    _fields(block, {"type", "title", "chart", "block_id"}, {"type", "title", "chart"}, where, out)
    _label(block.get("title"), CHART_TITLE, f"{where}.title", out)
    chart = block.get("chart")
    if not isinstance(chart, dict):
        if chart is not None:
            out.append(Reason(f"{where}.chart", f"must be an object (got {_kind(chart)})"))
        return
    kind = chart.get("type")
    if kind not in CHART_TYPES:
        out.append(Reason(f"{where}.chart.type", f"must be one of {', '.join(CHART_TYPES)} (got {_short(kind)})"))
        return
    cw = f"{where}.chart"
    if kind == "pie":
        _fields(chart, {"type", "segments"}, {"type", "segments"}, cw, out)
        segments = chart.get("segments")
        if _count(segments, 1, CHART_SERIES, f"{cw}.segments", "segments", out):
            for i, seg in enumerate(segments):
                sw = f"{cw}.segments[{i}]"
                if not isinstance(seg, dict):
                    if seg is not None:
                        out.append(Reason(sw, f"must be an object (got {_kind(seg)})"))
                    continue
                _fields(seg, {"label", "value"}, {"label", "value"}, sw, out)
                _label(seg.get("label"), CHART_LABEL, f"{sw}.label", out)
                value = seg.get("value")
                if _number(value, f"{sw}.value", out) and value <= 0:
                    out.append(Reason(f"{sw}.value", f"a segment value must be greater than 0 (got {value})"))
        return
    _fields(chart, {"type", "series", "axis_config"}, {"type", "series", "axis_config"}, cw, out)
    categories: list[str] = []
    axis = chart.get("axis_config")
    if isinstance(axis, dict):
        aw = f"{cw}.axis_config"
        _fields(axis, {"categories", "x_label", "y_label"}, {"categories"}, aw, out)
        for key in ("x_label", "y_label"):
            if key in axis and axis[key] is not None:
                _label(axis[key], CHART_AXIS_LABEL, f"{aw}.{key}", out)
        raw = axis.get("categories")
        if _count(raw, 1, CHART_POINTS, f"{aw}.categories", "categories", out):
            for i, cat in enumerate(raw):
                if _label(cat, CHART_LABEL, f"{aw}.categories[{i}]", out):
                    if cat in categories:
                        out.append(Reason(f"{aw}.categories[{i}]", f"{cat!r} is already a category"))
                    categories.append(cat)
    elif axis is not None:
        out.append(Reason(f"{cw}.axis_config", f"must be an object (got {_kind(axis)})"))
    series = chart.get("series")
    if not _count(series, 1, CHART_SERIES, f"{cw}.series", "series", out):
        return
    names: dict[str, int] = {}
    for s, one in enumerate(series):
        sw = f"{cw}.series[{s}]"
        if not isinstance(one, dict):
            if one is not None:
                out.append(Reason(sw, f"must be an object (got {_kind(one)})"))
            continue
        _fields(one, {"name", "data"}, {"name", "data"}, sw, out)
        name = one.get("name")
        if _label(name, CHART_LABEL, f"{sw}.name", out):
            if name in names:
                out.append(Reason(f"{sw}.name", f"{name!r} is already the name of series[{names[name]}]"))
            names.setdefault(name, s)
        data = one.get("data")
        if not _count(data, 1, CHART_POINTS, f"{sw}.data", "points", out):
            continue
        labels: set[str] = set()
        for p, point in enumerate(data):
            pw = f"{sw}.data[{p}]"
            if not isinstance(point, dict):
                if point is not None:
                    out.append(Reason(pw, f"must be an object (got {_kind(point)})"))
                continue
            _fields(point, {"label", "value"}, {"label", "value"}, pw, out)
            label = point.get("label")
            if _label(label, CHART_LABEL, f"{pw}.label", out):
                if categories and label not in categories:
                    out.append(Reason(f"{pw}.label", f"{label!r} is not one of axis_config.categories"))
                elif label in labels:
                    out.append(Reason(f"{pw}.label", f"{label!r} has a point already in this series"))
                labels.add(label)
            _number(point.get("value"), f"{pw}.value", out)
        missing = [c for c in categories if c not in labels]
        if missing and len(data) <= CHART_POINTS:
            out.append(Reason(f"{sw}.data", "needs exactly one point per category; none for "
                                            + ", ".join(repr(c) for c in missing)))


_BLOCK_RULES: dict[Any, Callable[[dict, str, list[str], _Seen], None]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "actions": _actions,
    "markdown": _markdown,
    "table": _table,
    "data_table": _data_table,
}


# --------------------------------------------------------------------------- small helpers
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
