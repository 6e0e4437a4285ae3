"""spreadsheets.batchUpdate kinds that shape a tab for people rather than hold data: addTable (a Sheets
Table with typed columns), updateCells (values, notes and formats of a block of cells) and
setDataValidation (a rule on every cell of a range).

State lives on the :class:`~.model._Tab` (``tables``, ``notes``, ``formats``, ``validations``) and is
replaced, never changed in place, so the working copy of an atomic request shares nothing it changes
with the committed book. What Google enforces and is modelled here: a table's name is unique in the
spreadsheet, tables do not overlap and stay inside the grid, a DROPDOWN column needs a ONE_OF_LIST rule
and other column types take none (Sheets API guide, "Tables": "If the column type is set to dropdown,
you must set a ONE_OF_LIST condition … other column types should not set a dataValidationRule");
updateCells takes exactly one of ``start`` / ``range`` and a non-empty ``fields``; nothing is written
outside the grid. Not modelled: typed columns converting or refusing what is typed later, a table
growing when a row is typed under it, conditional rules on values (a strict rule is stored, not run).
"""

from __future__ import annotations

import copy
from typing import Any

from .cells import Formula
from .model import ApiError, _Book, _Tab
from .ranges import col_letters

_DROPDOWN = "DROPDOWN"


def _grid_range(tab: _Tab, rng: dict, what: str) -> tuple[int, int, int, int]:
    r0, r1 = int(rng.get("startRowIndex", 0)), int(rng.get("endRowIndex", tab.row_count))
    c0, c1 = int(rng.get("startColumnIndex", 0)), int(rng.get("endColumnIndex", tab.col_count))
    if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
        raise ApiError(400, f"Invalid {what}: start index must be less than or equal to end index")
    if r1 > tab.row_count or c1 > tab.col_count:
        raise ApiError(400, f"Range ({tab.title}!{col_letters(c0 + 1)}{r0 + 1}:{col_letters(max(c1, 1))}{max(r1, 1)}) "
                            f"exceeds grid limits. Max rows: {tab.row_count}, max columns: {tab.col_count}")
    return r0, r1, c0, c1


def add_table(book: _Book, tab: _Tab, arg: dict) -> dict:
    table = copy.deepcopy(arg.get("table") or {})
    if "range" not in table:
        raise ApiError(400, "Table range is required.")
    r0, r1, c0, c1 = _grid_range(tab, table["range"], "table range")
    if r1 - r0 < 1 or c1 - c0 < 1:
        raise ApiError(400, "Table range must include at least one cell.")
    name = table.get("name") or f"Table{sum(len(t.tables) for t in book.tabs) + 1}"
    for other_tab in book.tabs:
        for other in other_tab.tables:
            if other["name"].casefold() == name.casefold():
                raise ApiError(400, f"A table with the name \"{name}\" already exists.")
            if other_tab is tab:
                o = other["range"]
                if (o["startRowIndex"] < r1 and r0 < o["endRowIndex"]
                        and o["startColumnIndex"] < c1 and c0 < o["endColumnIndex"]):
                    raise ApiError(400, "Tables cannot overlap with other tables.")
    columns = table.get("columnProperties") or []
    seen = set()
    for col in columns:
        index = int(col.get("columnIndex", 0))
        if not 0 <= index < c1 - c0 or index in seen:
            raise ApiError(400, f"Invalid column index {index} for a table of {c1 - c0} columns.")
        seen.add(index)
        rule = (col.get("dataValidationRule") or {}).get("condition")
        if col.get("columnType") == _DROPDOWN:
            if not rule or rule.get("type") != "ONE_OF_LIST" or not rule.get("values"):
                raise ApiError(400, "A dropdown column must have a ONE_OF_LIST data validation rule.")
        elif "dataValidationRule" in col:
            raise ApiError(400, "Data validation rules can only be set on dropdown columns.")
    table["name"] = name
    table["tableId"] = table.get("tableId") or str(1_000_000 + sum(len(t.tables) for t in book.tabs))
    table["range"] = {"sheetId": tab.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
                      "startColumnIndex": c0, "endColumnIndex": c1}
    # the header row shows the column names (a column without one is named like the UI names it)
    names = {int(c.get("columnIndex", 0)): c.get("columnName") for c in columns}
    for i in range(c1 - c0):
        current = tab.get(r0, c0 + i)
        if names.get(i):
            tab.set(r0, c0 + i, names[i])
        elif current in (None, ""):
            tab.set(r0, c0 + i, f"Column {i + 1}")
    tab.tables = [*tab.tables, table]
    return {"addTable": {"table": copy.deepcopy(table)}}


def _value(entered: dict) -> Any:
    if "stringValue" in entered:
        return entered["stringValue"]
    if "numberValue" in entered:
        v = float(entered["numberValue"])
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "formulaValue" in entered:
        return Formula(entered["formulaValue"])
    if "errorValue" in entered:
        raise ApiError(400, "errorValue cannot be written.")
    return None


_CELL_FIELDS = ("userEnteredValue", "note", "userEnteredFormat", "dataValidation")


def _fields(mask: str | None) -> set[str]:
    if not mask or not mask.strip():
        raise ApiError(400, "At least one field must be specified in 'fields'.")
    if mask.strip() == "*":
        return set(_CELL_FIELDS)
    out = set()
    for part in mask.split(","):
        top = part.strip().split(".")[0].split("/")[0]
        if top not in _CELL_FIELDS:  # read-only or unmodelled CellData fields (effectiveValue, …)
            raise ApiError(400, f"Invalid field '{part.strip()}' in 'fields'.")
        out.add(top)
    return out


def update_cells(tab: _Tab, arg: dict) -> dict:
    if ("start" in arg) == ("range" in arg):
        raise ApiError(400, "Exactly one of 'start' or 'range' must be specified.")
    fields = _fields(arg.get("fields"))
    rows = arg.get("rows") or []
    if "start" in arg:
        r0, c0 = int(arg["start"].get("rowIndex", 0)), int(arg["start"].get("columnIndex", 0))
        r1 = r0 + len(rows)
        c1 = c0 + max((len(r.get("values") or []) for r in rows), default=0)
        _grid_range(tab, {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1},
                    "start")
    else:
        r0, r1, c0, c1 = _grid_range(tab, arg["range"], "range")
    notes, formats, validations = dict(tab.notes), dict(tab.formats), dict(tab.validations)
    for r in range(r0, r1):
        cells = (rows[r - r0].get("values") or []) if r - r0 < len(rows) else []
        for c in range(c0, c1):
            if c - c0 >= len(cells) and "start" in arg:
                continue  # with a start, a short row leaves the cells after it alone
            cell = cells[c - c0] if c - c0 < len(cells) else {}
            if "userEnteredValue" in fields:
                tab.set(r, c, _value(cell.get("userEnteredValue") or {}))
            for name, store in (("note", notes), ("userEnteredFormat", formats), ("dataValidation", validations)):
                if name in fields:
                    if cell.get(name):
                        store[(r, c)] = copy.deepcopy(cell[name])
                    else:
                        store.pop((r, c), None)
    tab.notes, tab.formats, tab.validations = notes, formats, validations
    return {}


def set_data_validation(tab: _Tab, arg: dict) -> dict:
    if "range" not in arg:
        raise ApiError(400, "Range is required.")
    r0, r1, c0, c1 = _grid_range(tab, arg["range"], "range")
    rule = arg.get("rule")
    if rule is not None and not (rule.get("condition") or {}).get("type"):
        raise ApiError(400, "A data validation rule must have a condition.")
    validations = dict(tab.validations)
    for r in range(r0, r1):
        for c in range(c0, c1):
            if rule:
                validations[(r, c)] = copy.deepcopy(rule)
            else:  # no rule clears the range
                validations.pop((r, c), None)
    tab.validations = validations
    return {}
