"""Structural changes (addSheet, appendDimension, addChart) sent as spreadsheets.batchUpdate and
reconciled, never re-sent blind: after an unsure failure the structure is read again and only
what is still missing is sent. ``sheets init``'s template (typed Tables, notes, validation) goes the
same way, in one batchUpdate (:meth:`_Structure.write_template_tables`)."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence

from sheets.errors import SourceUnavailable
from sheets.google.client import _Conflict, _Unsure
from sheets.google.metadata import _TITLES_LOCK
from sheets.google.template import template_requests
from sheets.template import TABLE_ROWS, TemplateTab

# the logger keeps the name it had when this package was one module: logging settings naming it still apply
log = logging.getLogger("sheets.google")

CHART_TITLE = "ROI 月度趋势"


def _chart_id(sheet_id: int) -> int:
    # fixed by the tab, so a re-sent addChart is refused by Google instead of drawing a second chart
    return 10**8 + (sheet_id * 7919) % (2**31 - 1 - 10**8)


class _Structure:
    """The structural half of :class:`~sheets.google.source.GoogleSource` (it uses the source's
    ``metadata()``, ``http`` and ``key``)."""

    def _ensure_structure(self, tab: str, rows: int, cols: int, chart_headers: Sequence[str] | None = None) -> None:
        """Make ``tab`` exist with at least rows x cols (and our chart, when ``chart_headers`` allow one).

        A spreadsheets.batchUpdate is not repeated blind: when one times out or gets a 5xx it may have
        been applied, so the structure is read again and only what is still missing is sent.
        """
        for attempt in range(3):
            self.metadata(refresh=attempt > 0)
            structure, sheet_id = self._grow_requests(tab, rows, cols)
            if chart_headers is not None:
                structure += self._chart_requests(tab, sheet_id, chart_headers)
            if not structure:
                return
            try:
                self._apply(structure)
                return
            except (_Unsure, _Conflict) as err:
                if attempt == 2:
                    raise SourceUnavailable(f"Google 表格「{self.http.sheet_name}」的结构改动三次都没有确认成功",
                                            "稍后再试；已经做成的部分不会重复") from err
                log.warning("Sheets structure change on %s unconfirmed (%s); re-reading the structure",
                            tab, type(err).__name__)

    def write_template_tables(self, tabs: Sequence[tuple[str, TemplateTab]]) -> None:
        """``sheets init``: each (title, template tab) becomes a typed Table with a note on every header,
        the typed example rows and a validation rule per column, all in ONE spreadsheets.batchUpdate
        (atomic: a refused request leaves the sheet as it was). Each title must be missing or empty (the
        caller read it); a missing one is created, an empty one grown to fit.

        Not re-sent after an unsure failure: a second run of ``init`` finds what landed (a tab with data
        is left alone) and adds only what is missing.
        """
        with self.http.budget(self.write_deadline):
            self.metadata(refresh=True)
            requests_: list[dict] = []
            for title, tab in tabs:
                grow, sheet_id = self._grow_requests(title, 1 + max(TABLE_ROWS, len(tab.rows)), len(tab.columns))
                requests_ += grow + template_requests(tab, sheet_id)
            if not requests_:
                return
            try:
                self._apply(requests_)
            except (_Unsure, _Conflict) as err:
                raise SourceUnavailable(f"Google 表格「{self.http.sheet_name}」的模板没有确认建好",
                                        "再运行一次 python -m sheets init：已经建好的标签页会保留，只补缺少的") from err

    def _apply(self, requests_: list[dict]) -> None:
        """One spreadsheets.batchUpdate; the cached metadata is updated from what we asked, not re-read."""
        response = self.http.batch_update(self.key, {"requests": requests_})
        meta = self.metadata()
        with _TITLES_LOCK:
            for request, reply in zip(requests_, response.get("replies", []), strict=False):
                if "addSheet" in request:
                    props = (reply or {}).get("addSheet", {}).get("properties") or request["addSheet"]["properties"]
                    meta["sheets"][props["title"]] = {"properties": props, "charts": []}
                elif "appendDimension" in request:
                    dim = request["appendDimension"]
                    sheet = self._by_id(meta, dim["sheetId"])
                    grid = sheet["properties"].setdefault("gridProperties", {})
                    field = "rowCount" if dim["dimension"] == "ROWS" else "columnCount"
                    grid[field] = grid.get(field, 0) + dim["length"]
                elif "addChart" in request:
                    chart = request["addChart"]["chart"]
                    sheet = self._by_id(meta, chart["position"]["overlayPosition"]["anchorCell"]["sheetId"])
                    sheet.setdefault("charts", []).append({"chartId": chart["chartId"],
                                                           "spec": {"title": chart["spec"]["title"]}})
                elif "deleteEmbeddedObject" in request:
                    gone = request["deleteEmbeddedObject"]["objectId"]
                    for sheet in meta["sheets"].values():
                        sheet["charts"] = [c for c in sheet.get("charts") or [] if c.get("chartId") != gone]

    @staticmethod
    def _by_id(meta: dict, sheet_id: int) -> dict:
        return next(v for v in meta["sheets"].values() if v["properties"]["sheetId"] == sheet_id)

    def _grow_requests(self, title: str, rows: int, cols: int) -> tuple[list[dict], int]:
        """Requests that create ``title`` or grow it to rows x cols, and its sheetId."""
        meta = self.metadata()
        sheet = meta["sheets"].get(title)
        if sheet is None:
            # we pick the id: a chart can be added in the same batchUpdate, and a re-sent addSheet is refused
            sheet_id = random.randint(10**8, 2**31 - 1)
            return [{"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": {
                "rowCount": max(rows + 100, 200), "columnCount": max(cols, 26), "frozenRowCount": 1}}}}], sheet_id
        grid = sheet["properties"].get("gridProperties", {})
        sheet_id = sheet["properties"]["sheetId"]
        out = []
        if grid.get("rowCount", 0) < rows:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS",
                                            "length": rows - grid.get("rowCount", 0) + 100}})
        if grid.get("columnCount", 0) < cols:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                            "length": cols - grid.get("columnCount", 0)}})
        return out, sheet_id

    def _chart_requests(self, tab: str, sheet_id: int, headers: Sequence[str]) -> list[dict]:
        """An addChart for ROI(%) by 月份 on the tab, unless one with our title is there already
        (extra copies of ours, left by an older version, are removed)."""
        if "建议预算" in headers:  # 预算建议: its own chart (sheets.google.budget_chart)
            from sheets.google.budget_chart import budget_chart_requests

            return budget_chart_requests(self.metadata()["sheets"].get(tab), sheet_id, headers, _chart_id(sheet_id))
        if "ROI(%)" not in headers or "月份" not in headers:
            return []
        sheet = self.metadata()["sheets"].get(tab)
        ours = [c for c in (sheet or {}).get("charts", []) or [] if c.get("spec", {}).get("title") == CHART_TITLE]
        if ours:
            return [{"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in ours[1:] if "chartId" in c]
        month_col, roi_col = list(headers).index("月份"), list(headers).index("ROI(%)")

        def source(col):
            return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1000,
                                                 "startColumnIndex": col, "endColumnIndex": col + 1}]}}

        return [{"addChart": {"chart": {
            "chartId": _chart_id(sheet_id),
            "spec": {"title": CHART_TITLE, "basicChart": {
                "chartType": "LINE", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
                "axis": [{"position": "BOTTOM_AXIS", "title": "月份"}, {"position": "LEFT_AXIS", "title": "ROI(%)"}],
                "domains": [{"domain": source(month_col)}],
                "series": [{"series": source(roi_col), "targetAxis": "LEFT_AXIS"}]}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": 1,
                                                            "columnIndex": len(headers) + 1}}}}}}]
