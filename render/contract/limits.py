"""The limits Block Kit's reference states in words (lengths, counts, uniqueness), which a
TypeScript type cannot carry: the walk over every value of a block, and the rules per element
and per block type."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from render.contract.reasons import (
    Reason,
    _count,
    _max_len,
    _text_max,
)

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


_BLOCK_RULES: dict[Any, Callable[[dict, str, list[str], _Seen], None]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "actions": _actions,
    "markdown": _markdown,
    "table": _table,
    "data_table": _data_table,
}
