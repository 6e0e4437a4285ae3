"""The ``init`` template as Sheets v4 ``batchUpdate`` requests: a typed Table per tab (addTable), the
header with a note on every cell and the example rows as typed, grey cells (updateCells), and a
validation rule on each typed column (setDataValidation).

Column types (``TableColumnProperties.columnType``): money → CURRENCY, counts, numbers and scores →
DOUBLE, dates → DATE (触点's 时间 → DATE_TIME), 是否转化 → DROPDOWN 是/否, everything else TEXT. A
Table's DROPDOWN column refuses values outside its list, so only closed lists are DROPDOWN; 渠道 and
阶段 are TEXT columns with a list rule that offers the common values and lets others in with a
warning (why: :mod:`sheets.template`).
"""

from __future__ import annotations

import datetime as dt

from sheets.template import DATE_WINDOW, EXAMPLE_FILL, EXAMPLE_FONT, TABLE_ROWS, TemplateColumn, TemplateTab

_COLUMN_TYPES = {"money": "CURRENCY", "count": "DOUBLE", "number": "DOUBLE", "score": "DOUBLE", "date": "DATE",
                 "datetime": "DATE_TIME", "text": "TEXT"}
_FORMAT_TYPES = {"money": "CURRENCY", "count": "NUMBER", "number": "NUMBER", "score": "NUMBER", "date": "DATE",
                 "datetime": "DATE_TIME"}
_SERIAL_EPOCH = dt.datetime(1899, 12, 30)


def column_type(col: TemplateColumn) -> str:
    """The Table column type of a template column."""
    if col.type == "choice":
        return "DROPDOWN" if col.strict else "TEXT"
    return _COLUMN_TYPES[col.type]


def serial(value: dt.date | dt.datetime) -> float:
    """Days since 1899-12-30, the fraction being the time of day: how Sheets keeps a date cell."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return (value - _SERIAL_EPOCH) / dt.timedelta(days=1)


def _entered(value: object) -> dict:
    if isinstance(value, (dt.date, dt.datetime)):
        return {"numberValue": serial(value)}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": float(value)}
    return {"stringValue": str(value)}


def _rgb(hex6: str) -> dict:
    return {"red": int(hex6[0:2], 16) / 255, "green": int(hex6[2:4], 16) / 255, "blue": int(hex6[4:6], 16) / 255}


def _cell(col: TemplateColumn, value: object, example: bool) -> dict:
    cell: dict = {}
    if value is not None:
        cell["userEnteredValue"] = _entered(value)
    fmt: dict = {}
    if col.type in _FORMAT_TYPES:
        fmt["numberFormat"] = {"type": _FORMAT_TYPES[col.type], "pattern": col.number_format}
    if example:  # grey, so the examples are seen as such; the 示例· mark in the values is what counts
        fmt["backgroundColorStyle"] = {"rgbColor": _rgb(EXAMPLE_FILL)}
        fmt["textFormat"] = {"italic": True, "foregroundColorStyle": {"rgbColor": _rgb(EXAMPLE_FONT)}}
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def _condition(col: TemplateColumn, column_letter: str) -> dict:
    if col.type == "choice":
        return {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in col.choices]}
    if col.type in ("date", "datetime"):
        return {"type": "DATE_BETWEEN", "values": [{"userEnteredValue": f"{d:%Y-%m-%d}"} for d in DATE_WINDOW]}
    if col.whole:  # Sheets has no whole-number condition: a formula relative to the rule's first cell
        cell = f"{column_letter}2"
        return {"type": "CUSTOM_FORMULA",
                "values": [{"userEnteredValue": f"=AND(ISNUMBER({cell}),{cell}>=0,{cell}=INT({cell}))"}]}
    if col.maximum is not None:
        return {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": _number(col.minimum)},
                                                    {"userEnteredValue": _number(col.maximum)}]}
    return {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": _number(col.minimum)}]}


def _number(value: float | None) -> str:
    return f"{value:g}"


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def template_requests(tab: TemplateTab, sheet_id: int) -> list[dict]:
    """The requests that turn the (existing, empty) grid ``sheet_id`` into ``tab``: addTable over the header
    and :data:`~sheets.template.TABLE_ROWS` rows, updateCells (header with notes, typed rows), then one
    setDataValidation per validated column that is not a DROPDOWN (whose list the Table keeps)."""
    width = len(tab.columns)
    end_row = 1 + max(TABLE_ROWS, len(tab.rows))
    columns = []
    for i, col in enumerate(tab.columns):
        props = {"columnIndex": i, "columnName": col.header, "columnType": column_type(col)}
        if props["columnType"] == "DROPDOWN":
            props["dataValidationRule"] = {"condition": _condition(col, _letter(i))}
        columns.append(props)
    requests = [{"addTable": {"table": {
        "name": tab.table_name,
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": end_row,
                  "startColumnIndex": 0, "endColumnIndex": width},
        "columnProperties": columns}}}]
    header = {"values": [{"userEnteredValue": {"stringValue": c.header}, "note": c.note} for c in tab.columns]}
    body = [{"values": [_cell(c, v, tab.examples) for c, v in zip(tab.columns, row, strict=True)]} for row in tab.rows]
    requests.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                                     "rows": [header, *body], "fields": "userEnteredValue,note,userEnteredFormat"}})
    for i, col in enumerate(tab.columns):
        if not col.validated or column_type(col) == "DROPDOWN":
            continue
        requests.append({"setDataValidation": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": end_row,
                      "startColumnIndex": i, "endColumnIndex": i + 1},
            "rule": {"condition": _condition(col, _letter(i)), "inputMessage": col.message,
                     "strict": col.strict, "showCustomUi": col.type == "choice"}}})
    return requests
