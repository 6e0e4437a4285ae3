"""Would 飞书 accept this card? A pre-flight check of a card JSON 2.0 (the ``content`` of an ``interactive``
message, and the card a button's callback answers with) against 飞书's own documentation.

    from render.contract.feishu_card import check_card, check_content

    reasons = check_card(card)            # a dict
    reasons = check_content(content)      # the string im/v1/messages sends

JSON 2.0 refuses a property it does not know ("传入不支持的属性将报错", see SOURCES["v2_changes"]), so this
check knows every property of every component we send and refuses anything else, as 飞书 would. It checks
only the components our renderer uses (markdown, div, hr, img, column_set/column, table, chart, button) and
refuses any other ``tag`` as unknown *to us*: a component we have not read the page of is not sent.

Every rule names its source page in a comment (the keys of :data:`SOURCES`). Where a limit could not be
found in 飞书's documentation it is not invented: docs/feishu.md lists what was looked for and not found
(a card's component count, a table's row count, text lengths of markdown and plain_text, the size of a
button's callback value), twice, and the queries tried.

Each reason is a :class:`render.contract.reasons.Reason` naming the JSON path (``body.elements[3].rows``).
No I/O; never raises on a malformed card: a malformed card is a reason.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from render.contract.reasons import Reason, _kind, _short

# --------------------------------------------------------------------------- sources (飞书's own pages)
_DOC = "https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/"
SOURCES = {
    "structure": _DOC + "card-json-v2-structure",
    "v2_changes": _DOC + "card-json-v2-breaking-changes-release-notes",
    "components": _DOC + "card-json-v2-components/component-json-v2-overview",
    "markdown": _DOC + "card-json-v2-components/content-components/rich-text",
    "div": _DOC + "card-json-v2-components/content-components/plain-text",
    "hr": _DOC + "card-json-v2-components/content-components/divider",
    "img": _DOC + "card-json-v2-components/content-components/image",
    "title": _DOC + "card-json-v2-components/content-components/title",
    "column_set": _DOC + "card-json-v2-components/containers/column-set",
    "table": _DOC + "card-json-v2-components/content-components/table",
    "chart": "https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/chart",
    "button": _DOC + "card-json-v2-components/interactive-components/button",
    "interactions": _DOC + "configuring-card-interactions",
    "message_patch": "https://open.feishu.cn/document/server-docs/im-v1/message/patch",
    # the same page as the Lark mirror serves it (read there: the 30 KB and 150 KB limits in its 注意事项)
    "message_patch_lark": "https://open.larksuite.com/document/server-docs/im-v1/message-card/patch.md",
    # the larksuite organisation's own card reference for its CLI (the same fields, tabulated)
    "larksuite_cli": "https://github.com/larksuite/cli/tree/main/skills/lark-im/references/card",
}

# --------------------------------------------------------------------------- limits (each with its source)
CONTENT_BYTES = 30 * 1024  # message_patch(_lark), error 230025: "卡片及富文本消息请求体最大不能超过30KB"
MAX_TABLES = 5  # table: "单张卡片最多支持放置五个表格组件"
TABLE_COLUMNS = 50  # table: "最多支持添加 50 列，超出 50 列的内容不展示" (we refuse: the rest would be lost)
TABLE_PAGE_SIZE = (1, 10)  # table: "page_size … 支持[1,10]整数"
MAX_CHARTS = 5  # chart: "单张卡片建议最多放置五个图表组件" (a recommendation; we keep to it)
COLUMN_SET_DEPTH = 5  # column_set: "分栏组件最多支持嵌套五层组件"
COLUMN_WEIGHT = (1, 5)  # larksuite_cli column_set.md: weight 1~5 整数
BUTTON_TEXT = 100  # larksuite_cli button.md: text ≤100 字符
ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")  # larksuite_cli: 字母开头 ≤20 字符

# enumerations (each page's 字段说明)
HEADER_TEMPLATES = frozenset(  # title
    "blue wathet turquoise green yellow orange red carmine violet purple indigo grey default".split())
TEXT_TAGS = frozenset({"plain_text", "lark_md"})  # title, div
WIDTH_MODES = frozenset({"default", "compact", "fill"})  # structure (config.width_mode)
FLEX_MODES = frozenset({"none", "stretch", "flow", "bisect", "trisect"})  # column_set
BUTTON_TYPES = frozenset(  # button
    "default primary danger text primary_text danger_text primary_filled danger_filled laser".split())
BUTTON_SIZES = frozenset({"tiny", "small", "medium", "large"})  # button
TABLE_DATA_TYPES = frozenset({"text", "lark_md", "options", "number", "persons", "date", "markdown"})  # table
ASPECT_RATIOS = frozenset({"1:1", "2:1", "4:3", "16:9"})  # chart
COLOR_THEMES = frozenset({"brand", "rainbow", "complementary", "converse", "primary"})  # chart
ALIGN = frozenset({"left", "center", "right"})  # markdown, table, column_set
BEHAVIOR_TYPES = frozenset({"callback", "open_url"})  # interactions (form submit is not ours)

# --------------------------------------------------------------------------- properties per object
# what each object may hold (anything else: refused, as JSON 2.0 refuses it — v2_changes 属性校验变更)
_COMMON = {"tag", "element_id", "margin"}  # structure: element_id and margin are new in 2.0 on every component
TOP = {"schema", "config", "card_link", "header", "body"}  # structure (i18n_elements and fallback: gone in 2.0)
CONFIG = {"streaming_mode", "streaming_config", "summary", "locales", "enable_forward", "update_multi",
          "width_mode", "use_custom_translation", "enable_forward_interaction", "style"}  # structure
CARD_LINK = {"url", "pc_url", "ios_url", "android_url"}  # structure
HEADER = {"title", "subtitle", "text_tag_list", "i18n_text_tag_list", "template", "icon", "padding"}  # title
BODY = {"direction", "padding", "horizontal_spacing", "horizontal_align", "vertical_spacing", "vertical_align",
        "elements"}  # structure
TEXT = {"tag", "content", "text_size", "text_align", "text_color", "lines", "i18n_content"}  # div, title
PROPERTIES: dict[str, set[str]] = {
    "markdown": _COMMON | {"content", "text_size", "text_align", "icon", "i18n_content"},  # markdown (no href)
    "div": _COMMON | {"width", "text", "icon"},  # div
    "hr": _COMMON,  # hr
    "img": _COMMON | {"img_key", "alt", "title", "corner_radius", "scale_type", "size", "transparent",
                      "preview"},  # img
    "column_set": _COMMON | {"flex_mode", "horizontal_spacing", "horizontal_align", "background_style",
                             "columns", "action"},  # column_set
    "column": _COMMON | {"width", "weight", "vertical_align", "vertical_spacing", "horizontal_align",
                         "direction", "padding", "background_style", "elements", "action"},  # column_set
    "table": _COMMON | {"page_size", "row_height", "row_max_height", "freeze_first_column", "header_style",
                        "columns", "rows"},  # table
    "chart": _COMMON | {"aspect_ratio", "color_theme", "chart_spec", "preview", "height"},  # chart
    "button": _COMMON | {"type", "size", "width", "text", "icon", "hover_tips", "disabled", "disabled_tips",
                         "confirm", "behaviors"},  # button
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "markdown": ("content",), "img": ("img_key",), "column_set": ("columns",), "table": ("columns", "rows"),
    "chart": ("chart_spec",), "button": ("text",),
}
TABLE_COLUMN = {"name", "display_name", "width", "data_type", "format", "date_format", "horizontal_align",
                "vertical_align"}  # table (columns[])
TABLE_HEADER_STYLE = {"text_align", "text_size", "background_style", "text_color", "bold", "lines"}  # table
CALLBACK = {"type", "value"}  # interactions: {"type": "callback", "value": {...}}
OPEN_URL = {"type", "default_url", "pc_url", "ios_url", "android_url"}  # interactions
ROOT_ONLY = {"table"}  # table: "表格组件不可被内嵌在其它组件内，只可放在卡片根节点下"
NOT_IN_COLUMN = {"table", "form"}  # column_set: 支持内嵌除表单容器（form）和表格组件（table）外的其它所有组件


def check_content(content: Any) -> list[str]:
    """The reasons 飞书 would refuse ``content`` as an ``interactive`` message's content: it must be a string
    (im/v1/messages takes the card "转义成 String"), at most 30 KB (230025), of JSON holding a valid card."""
    if not isinstance(content, str):
        return [Reason("content", f"must be a string of card JSON (got {_kind(content)})", "230001")]
    size = len(content.encode("utf-8"))
    out: list[str] = []
    if size > CONTENT_BYTES:
        out.append(Reason("content", f"is {size} bytes; a card message holds at most {CONTENT_BYTES}", "230025"))
    try:
        card = json.loads(content, parse_constant=_no_constant)
    except ValueError as err:
        return out + [Reason("content", f"is not valid JSON ({err})", "230099")]
    return out + check_card(card)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def check_card(card: Any) -> list[str]:
    """The reasons 飞书 would refuse ``card`` (a dict of card JSON 2.0); an empty list: it would take it."""
    out: list[str] = []
    if not isinstance(card, dict):
        return [Reason("", f"a card must be a JSON object (got {_kind(card)})", "230099")]
    _only(card, TOP, "", out)
    if card.get("schema") != "2.0":  # structure: "要使用 JSON 2.0 结构，必须显示声明 2.0"
        out.append(Reason("schema", f"must be \"2.0\" (got {_short(card.get('schema'))})", "230099"))
    config = card.get("config")
    if config is not None:
        if _object(config, "config", out):
            _only(config, CONFIG, "config", out)
            if config.get("update_multi", True) is not True:  # v2_changes: update_multi 仅支持设为 true
                out.append(Reason("config.update_multi", "JSON 2.0 supports only true (shared cards)", "230099"))
            if "width_mode" in config and config["width_mode"] not in WIDTH_MODES:
                out.append(_enum("config.width_mode", config["width_mode"], WIDTH_MODES))
    if "card_link" in card and _object(card["card_link"], "card_link", out):
        _only(card["card_link"], CARD_LINK, "card_link", out)
    if "header" in card:
        _header(card["header"], out)
    body = card.get("body")
    counts = {"table": 0, "chart": 0}
    if body is not None and _object(body, "body", out):
        _only(body, BODY, "body", out)
        elements = body.get("elements", [])
        if not isinstance(elements, list):
            out.append(Reason("body.elements", f"must be an array (got {_kind(elements)})", "230099"))
        else:
            for i, element in enumerate(elements):
                _element(element, f"body.elements[{i}]", out, counts, depth=0, parent=None)
    if counts["table"] > MAX_TABLES:
        out.append(Reason("body", f"{counts['table']} tables; a card holds at most {MAX_TABLES}", "230099"))
    if counts["chart"] > MAX_CHARTS:
        out.append(Reason("body", f"{counts['chart']} charts; 飞书 advises at most {MAX_CHARTS}", "230099"))
    _finite(card, "", out)
    return out


# --------------------------------------------------------------------------- parts
def _object(value: Any, path: str, out: list[str]) -> bool:
    if isinstance(value, dict):
        return True
    out.append(Reason(path, f"must be an object (got {_kind(value)})", "230099"))
    return False


def _only(obj: dict, allowed: set[str], path: str, out: list[str]) -> None:
    for key in obj:
        if key not in allowed:  # v2_changes 属性校验变更: "在 JSON 2.0 版本中，传入不支持的属性将报错"
            out.append(Reason(f"{path}.{key}" if path else key, "is not a property JSON 2.0 knows here", "230099"))


def _enum(path: str, value: Any, allowed) -> str:
    return Reason(path, f"{_short(value)} is not one of {', '.join(sorted(allowed))}", "230099")


def _text(value: Any, path: str, out: list[str], *, required: bool = True) -> None:
    """A text object ``{"tag": "plain_text" | "lark_md", "content": "…"}`` (div, title)."""
    if not _object(value, path, out):
        return
    _only(value, TEXT, path, out)
    if value.get("tag") not in TEXT_TAGS:
        out.append(_enum(f"{path}.tag", value.get("tag"), TEXT_TAGS))
    content = value.get("content")
    if not isinstance(content, str) or (required and not content):
        out.append(Reason(f"{path}.content", "must be a non-empty string", "230099"))


def _header(header: Any, out: list[str]) -> None:
    if not _object(header, "header", out):
        return
    _only(header, HEADER, "header", out)
    _text(header.get("title"), "header.title", out)  # title: 主标题 is required in a header
    if "subtitle" in header:
        _text(header["subtitle"], "header.subtitle", out)
    if "template" in header and header["template"] not in HEADER_TEMPLATES:
        out.append(_enum("header.template", header["template"], HEADER_TEMPLATES))


def _element(el: Any, path: str, out: list[str], counts: dict, *, depth: int, parent: str | None) -> None:
    if not _object(el, path, out):
        return
    tag = el.get("tag")
    if tag not in PROPERTIES:
        out.append(Reason(f"{path}.tag", f"{_short(tag)} is not a component this contract knows "
                                         f"({', '.join(sorted(k for k in PROPERTIES if k != 'column'))})", "230099"))
        return
    if tag == "column":
        out.append(Reason(path, "a column belongs in a column_set's columns", "230099"))
        return
    if parent is not None and tag in ROOT_ONLY | NOT_IN_COLUMN:  # table: only at the card's root
        out.append(Reason(path, f"a {tag} may stand only in body.elements, not inside a {parent}", "230099"))
    _only(el, PROPERTIES[tag], path, out)
    for key in REQUIRED.get(tag, ()):
        if key not in el:
            out.append(Reason(f"{path}.{key}", f"is required in a {tag}", "230099"))
    if "element_id" in el and not (isinstance(el["element_id"], str) and ELEMENT_ID.match(el["element_id"])):
        out.append(Reason(f"{path}.element_id", "must start with a letter, at most 20 letters, digits or _",
                          "230099"))
    if tag in counts:
        counts[tag] += 1
    _RULES.get(tag, lambda *a, **k: None)(el, path, out, counts, depth=depth)


def _markdown(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    if not isinstance(el.get("content"), str):
        out.append(Reason(f"{path}.content", f"must be a string (got {_kind(el.get('content'))})", "230099"))
    if "text_align" in el and el["text_align"] not in ALIGN:
        out.append(_enum(f"{path}.text_align", el["text_align"], ALIGN))


def _div(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    if "text" in el:
        _text(el["text"], f"{path}.text", out)


def _img(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    if not isinstance(el.get("img_key"), str) or not el.get("img_key"):
        out.append(Reason(f"{path}.img_key", "must be the image_key of an uploaded image", "230099"))
    if "alt" in el:
        _text(el["alt"], f"{path}.alt", out, required=False)


def _column_set(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    if depth + 1 > COLUMN_SET_DEPTH:  # column_set: 最多支持嵌套五层组件
        out.append(Reason(path, f"column sets nest {depth + 1} deep; at most {COLUMN_SET_DEPTH}", "230099"))
    if "flex_mode" in el and el["flex_mode"] not in FLEX_MODES:
        out.append(_enum(f"{path}.flex_mode", el["flex_mode"], FLEX_MODES))
    columns = el.get("columns")
    if not isinstance(columns, list):
        out.append(Reason(f"{path}.columns", f"must be an array of columns (got {_kind(columns)})", "230099"))
        return
    for j, col in enumerate(columns):
        where = f"{path}.columns[{j}]"
        if not _object(col, where, out):
            continue
        if col.get("tag") != "column":  # column_set: "子节点只能是 column"
            out.append(Reason(f"{where}.tag", f"must be \"column\" (got {_short(col.get('tag'))})", "230099"))
            continue
        _only(col, PROPERTIES["column"], where, out)
        weight = col.get("weight")
        if weight is not None and not (isinstance(weight, int) and not isinstance(weight, bool)
                                       and COLUMN_WEIGHT[0] <= weight <= COLUMN_WEIGHT[1]):
            out.append(Reason(f"{where}.weight", f"must be an integer {COLUMN_WEIGHT[0]}–{COLUMN_WEIGHT[1]} "
                                                 f"(got {_short(weight)})", "230099"))
        elements = col.get("elements", [])
        if not isinstance(elements, list):
            out.append(Reason(f"{where}.elements", f"must be an array (got {_kind(elements)})", "230099"))
            continue
        for k, inner in enumerate(elements):
            _element(inner, f"{where}.elements[{k}]", out, counts, depth=depth + 1, parent="column")


def _table(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    size = el.get("page_size")
    if size is not None and not (isinstance(size, int) and not isinstance(size, bool)
                                 and TABLE_PAGE_SIZE[0] <= size <= TABLE_PAGE_SIZE[1]):
        out.append(Reason(f"{path}.page_size", f"must be an integer 1–10 (got {_short(size)})", "230099"))
    if "header_style" in el and _object(el["header_style"], f"{path}.header_style", out):
        _only(el["header_style"], TABLE_HEADER_STYLE, f"{path}.header_style", out)
    columns, rows = el.get("columns"), el.get("rows")
    names: dict[str, str] = {}
    if isinstance(columns, list):
        if len(columns) > TABLE_COLUMNS:
            out.append(Reason(f"{path}.columns", f"{len(columns)} columns; 飞书 shows at most {TABLE_COLUMNS}",
                              "230099"))
        for j, col in enumerate(columns):
            where = f"{path}.columns[{j}]"
            if not _object(col, where, out):
                continue
            _only(col, TABLE_COLUMN, where, out)
            name = col.get("name")
            if not isinstance(name, str) or not name:  # table: name 必填
                out.append(Reason(f"{where}.name", "is required: the key of this column in each row", "230099"))
                continue
            if name in names:
                out.append(Reason(f"{where}.name", f"{_short(name)} names two columns", "230099"))
            kind = col.get("data_type", "text")
            if kind not in TABLE_DATA_TYPES:
                out.append(_enum(f"{where}.data_type", kind, TABLE_DATA_TYPES))
            names[name] = kind
    elif "columns" in el:
        out.append(Reason(f"{path}.columns", f"must be an array (got {_kind(columns)})", "230099"))
    if isinstance(rows, list):
        for r, row in enumerate(rows):
            where = f"{path}.rows[{r}]"
            if not _object(row, where, out):
                continue
            for key, value in row.items():
                if key not in names:  # table: rows 用 "name":VALUE 填充, name 即列定义的标记
                    out.append(Reason(f"{where}.{key}", "names no column of this table", "230099"))
                elif names[key] == "number" and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
                    out.append(Reason(f"{where}.{key}", f"a number column holds numbers (got {_kind(value)})",
                                      "230099"))
                elif names[key] in ("text", "lark_md", "markdown") and not isinstance(value, str):
                    out.append(Reason(f"{where}.{key}", f"a {names[key]} column holds strings (got {_kind(value)})",
                                      "230099"))
    elif "rows" in el:
        out.append(Reason(f"{path}.rows", f"must be an array of row objects (got {_kind(rows)})", "230099"))


def _chart(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    spec = el.get("chart_spec")
    if "chart_spec" in el and not isinstance(spec, dict):  # chart: chart_spec is a VChart spec object
        out.append(Reason(f"{path}.chart_spec", f"must be a VChart spec object (got {_kind(spec)})", "230099"))
    elif isinstance(spec, dict) and not isinstance(spec.get("type"), str):
        out.append(Reason(f"{path}.chart_spec.type", "a VChart spec names its chart type", "230099"))
    if "aspect_ratio" in el and el["aspect_ratio"] not in ASPECT_RATIOS:
        out.append(_enum(f"{path}.aspect_ratio", el["aspect_ratio"], ASPECT_RATIOS))
    if "color_theme" in el and el["color_theme"] not in COLOR_THEMES:
        out.append(_enum(f"{path}.color_theme", el["color_theme"], COLOR_THEMES))


def _button(el: dict, path: str, out: list[str], counts: dict, *, depth: int) -> None:
    if "text" in el:
        text = el["text"]
        if _object(text, f"{path}.text", out):
            _only(text, TEXT, f"{path}.text", out)
            if text.get("tag") != "plain_text":  # button: 按钮上的文本 is plain_text
                out.append(Reason(f"{path}.text.tag", "a button's text is plain_text", "230099"))
            content = text.get("content")
            if not isinstance(content, str) or not content:
                out.append(Reason(f"{path}.text.content", "must be a non-empty string", "230099"))
            elif len(content) > BUTTON_TEXT:
                out.append(Reason(f"{path}.text.content", f"is {len(content)} characters; at most {BUTTON_TEXT}",
                                  "230099"))
    if "type" in el and el["type"] not in BUTTON_TYPES:
        out.append(_enum(f"{path}.type", el["type"], BUTTON_TYPES))
    if "size" in el and el["size"] not in BUTTON_SIZES:
        out.append(_enum(f"{path}.size", el["size"], BUTTON_SIZES))
    behaviors = el.get("behaviors")
    if behaviors is None:
        return
    if not isinstance(behaviors, list) or not behaviors:
        out.append(Reason(f"{path}.behaviors", "must be a non-empty array of behaviors", "230099"))
        return
    for b, behavior in enumerate(behaviors):
        where = f"{path}.behaviors[{b}]"
        if not _object(behavior, where, out):
            continue
        kind = behavior.get("type")
        if kind not in BEHAVIOR_TYPES:
            out.append(_enum(f"{where}.type", kind, BEHAVIOR_TYPES))
        elif kind == "callback":  # interactions: 请求回调 carries a value object back to the app
            _only(behavior, CALLBACK, where, out)
            if not isinstance(behavior.get("value"), dict):
                out.append(Reason(f"{where}.value", f"must be an object (got {_kind(behavior.get('value'))})",
                                  "230099"))
        else:  # interactions: 打开链接
            _only(behavior, OPEN_URL, where, out)
            if not isinstance(behavior.get("default_url"), str) or not behavior["default_url"]:
                out.append(Reason(f"{where}.default_url", "is required for open_url", "230099"))


def _finite(value: Any, path: str, out: list[str]) -> None:
    """No NaN or Infinity anywhere (they are not JSON: the request would not even parse)."""
    if isinstance(value, float) and not math.isfinite(value):
        out.append(Reason(path or "card", f"{value} is not a JSON number", "230001"))
    elif isinstance(value, dict):
        for key, inner in value.items():
            _finite(inner, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _finite(inner, f"{path}[{i}]", out)


_RULES = {"markdown": _markdown, "div": _div, "img": _img, "column_set": _column_set, "table": _table,
          "chart": _chart, "button": _button}

# the rule list docs/feishu.md and the report name (what is checked, and from which page)
RULES = (
    ("top level holds only schema, config, card_link, header, body; schema is \"2.0\"", "structure, v2_changes"),
    ("any property a component does not document is refused", "v2_changes"),
    ("config.update_multi only true; width_mode default|compact|fill", "v2_changes, structure"),
    ("header.title required text object; template one of 13 colours", "title"),
    ("text objects: tag plain_text|lark_md, content a non-empty string", "div, title"),
    ("only markdown, div, hr, img, column_set, table, chart, button (others unknown to us)", "components"),
    ("markdown content a string; no href in 2.0", "markdown"),
    ("img needs img_key", "img"),
    ("column_set columns are tag column; weight 1–5; nesting ≤ 5; no table/form in a column", "column_set"),
    ("table only at the root; ≤ 5 tables; page_size 1–10; ≤ 50 columns; column name required and unique; "
     "row keys name columns; number cells numbers", "table"),
    ("chart needs chart_spec (a VChart object with type); aspect_ratio, color_theme enums; ≤ 5 charts", "chart"),
    ("button text plain_text ≤ 100; type and size enums; behaviors callback{value object} | open_url", "button, "
     "interactions, larksuite_cli"),
    ("element_id starts with a letter, ≤ 20 characters", "larksuite_cli"),
    ("the content string ≤ 30 KB (230025); valid JSON; no NaN/Infinity", "message_patch, message_patch_lark"),
)
