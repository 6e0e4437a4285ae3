"""spreadsheets.batchUpdate: the request kinds the project and the fake's self tests send
(addSheet, deleteSheet, updateSheetProperties, appendDimension, addChart, deleteEmbeddedObject),
and the ones ``sheets init`` sends (addTable, updateCells, setDataValidation: see tables.py).

Other kinds Google's discovery document knows (repeatCell, sortRange, insertDimension, ...) are
accepted as no-ops replying {}: they do NOT change values. A kind Google does not know is refused."""

from __future__ import annotations

import copy
import re
from typing import Any

from .._server import Request
from ..google_discovery import sheets_contract
from .model import ApiError, _Book, _Tab
from .tables import add_table, set_data_validation, update_cells

# every kind Google's discovery document knows: the ones not modelled below are no-ops
_REQUEST_KINDS = frozenset(sheets_contract().schemas["Request"]["properties"])


def _apply_fields(target: dict, source: dict, fields: str | None) -> None:
    if not fields:
        raise ApiError(400, "'fields' is required")
    if fields.strip() == "*":
        for k, v in source.items():
            target[k] = copy.deepcopy(v)
        return
    for path in fields.split(","):
        parts = re.split(r"[./]", path.strip())  # field masks use "." (gspread sends "/" too)
        src: Any = source
        dst = target
        for p in parts[:-1]:
            src = src.get(p, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(p, {})
        last = parts[-1]
        if isinstance(src, dict) and last in src:
            dst[last] = copy.deepcopy(src[last])
        else:
            dst.pop(last, None)


class BatchUpdateHandlers:
    """spreadsheets.batchUpdate for :class:`FakeSheetsAPI` (uses its _mutate, _body, _new_tab)."""

    def _batch_update(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        reqs = body.get("requests")
        if not isinstance(reqs, list) or not reqs:
            raise ApiError(400, "Must specify at least one request.")

        def apply(book: _Book) -> dict:
            replies = []
            for i, req in enumerate(reqs):
                if not isinstance(req, dict) or len(req) != 1:
                    raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set")
                (name, arg), = req.items()
                try:
                    replies.append(self._one_request(book, name, arg or {}))
                except ApiError as e:
                    if e.message.startswith("Invalid JSON payload"):
                        raise ApiError(400, e.message.replace("{i}", str(i))) from None
                    raise ApiError(e.code, f"Invalid requests[{i}].{name}: {e.message}") from None
            return {"spreadsheetId": sid, "replies": replies}

        return self._mutate(sid, call, apply)

    def _one_request(self, book: _Book, name: str, arg: dict) -> dict:
        def tab_of(sheet_id: Any) -> _Tab:
            t = book.tab_by_id(sheet_id if sheet_id is not None else 0)
            if t is None:
                raise ApiError(400, f"No grid with id: {sheet_id}")
            return t

        if name == "addSheet":
            p = copy.deepcopy(arg.get("properties") or {})
            title = p.get("title") or f"Sheet{len(book.tabs) + 1}"
            gp = p.get("gridProperties") or {}
            tab = self._new_tab(book, title, [], gp.get("rowCount", 1000), gp.get("columnCount", 26),
                                sheet_id=p.get("sheetId"), index=p.get("index"))
            tab.props["gridProperties"] = {**gp, "rowCount": gp.get("rowCount", 1000),
                                           "columnCount": gp.get("columnCount", 26)}
            for k, v in p.items():
                if k not in ("title", "sheetId", "index", "gridProperties"):
                    tab.props[k] = v
            return {"addSheet": {"properties": copy.deepcopy(tab.props)}}
        if name == "deleteSheet":
            tab = tab_of(arg.get("sheetId"))
            if len(book.tabs) == 1:
                raise ApiError(400, "You can't remove all the sheets in a document.")
            book.tabs.remove(tab)
            book.reindex()
            return {}
        if name == "updateSheetProperties":
            p = arg.get("properties") or {}
            tab = tab_of(p.get("sheetId"))
            new = copy.deepcopy(tab.props)
            _apply_fields(new, p, arg.get("fields"))
            new["sheetId"] = tab.sheet_id
            if new.get("title") != tab.title:
                t = new.get("title") or ""
                if not t or any(o is not tab and o.title.casefold() == t.casefold() for o in book.tabs):
                    raise ApiError(400, f'A sheet with the name "{t}" already exists. Please enter another name.')
            old_index = tab.props["index"]
            tab.props = new
            gp = new.setdefault("gridProperties", {})
            tab.row_count = gp.get("rowCount", 0)
            tab.col_count = gp.get("columnCount", 0)
            if new.get("index", old_index) != old_index:
                # like the API: the index counts positions BEFORE the move
                tab.props["index"] = new["index"] - 0.5
                book.reindex()
            return {}
        if name == "appendDimension":
            tab = tab_of(arg.get("sheetId"))
            n = int(arg.get("length", 0))
            if arg.get("dimension") == "COLUMNS":
                tab.col_count = tab.col_count + n
            else:
                tab.row_count = tab.row_count + n
            return {}
        if name == "addChart":
            chart = copy.deepcopy(arg.get("chart") or {})
            if not chart.get("spec"):
                raise ApiError(400, "The chart must have a spec.")
            chart_id = chart.get("chartId")
            if chart_id is None:
                chart_id = book.next_chart_id
                book.next_chart_id += 1
            chart["chartId"] = chart_id
            pos = chart.setdefault("position", {"newSheet": True})
            if "overlayPosition" in pos:
                tab = tab_of(pos["overlayPosition"].get("anchorCell", {}).get("sheetId"))
            elif "sheetId" in pos:
                tab = tab_of(pos["sheetId"])
            else:  # newSheet: a chart sheet (no grid)
                tab = self._new_tab(book, f"Chart{chart_id}", [], 0, 0)
                tab.props["sheetType"] = "OBJECT"
                tab.props.pop("gridProperties", None)
                pos.clear()
                pos["sheetId"] = tab.sheet_id
            tab.charts.append(chart)
            return {"addChart": {"chart": copy.deepcopy(chart)}}
        if name == "deleteEmbeddedObject":
            for t in book.tabs:
                for c in t.charts:
                    if c["chartId"] == arg.get("objectId"):
                        t.charts.remove(c)
                        return {}
            raise ApiError(400, f"No embedded object with id: {arg.get('objectId')}")
        if name == "addTable":
            return add_table(book, tab_of(((arg.get("table") or {}).get("range") or {}).get("sheetId")), arg)
        if name == "updateCells":
            return update_cells(tab_of((arg.get("start") or arg.get("range") or {}).get("sheetId")), arg)
        if name == "setDataValidation":
            return set_data_validation(tab_of((arg.get("range") or {}).get("sheetId")), arg)
        if name in _REQUEST_KINDS:
            return {}
        raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{name}\" at 'requests[{{i}}]': "
                            "Cannot find field.")
