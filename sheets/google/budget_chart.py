"""The native chart of the 预算建议 tab: per channel, today's and the proposed monthly budget as
columns and the marginal ROI now as a line on the right axis (one COMBO chart, added once and found
again by its title, like 月度汇总's trend chart in :mod:`sheets.google.structure`)."""

from __future__ import annotations

from collections.abc import Sequence

BUDGET_CHART_TITLE = "下月预算建议：当前 vs 建议（边际ROI）"
COLUMNS = ("渠道", "当前预算", "建议预算", "边际ROI(%)")


def budget_chart_requests(sheet: dict | None, sheet_id: int, headers: Sequence[str], chart_id: int) -> list[dict]:
    """An addChart for ``headers`` (BUDGET_ADVICE_HEADERS) on the tab ``sheet`` (its cached metadata,
    None when the tab is being created), unless a chart with our title is there already (extra copies
    are removed); nothing when a column the chart needs is missing."""
    if any(c not in headers for c in COLUMNS):
        return []
    ours = [c for c in (sheet or {}).get("charts", []) or [] if c.get("spec", {}).get("title") == BUDGET_CHART_TITLE]
    if ours:
        return [{"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in ours[1:] if "chartId" in c]
    name, current, proposed, marginal = (list(headers).index(c) for c in COLUMNS)

    def source(col: int) -> dict:
        return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 200,
                                             "startColumnIndex": col, "endColumnIndex": col + 1}]}}

    return [{"addChart": {"chart": {
        "chartId": chart_id,
        "spec": {"title": BUDGET_CHART_TITLE, "basicChart": {
            "chartType": "COMBO", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
            "axis": [{"position": "BOTTOM_AXIS", "title": "渠道"}, {"position": "LEFT_AXIS", "title": "月预算"},
                     {"position": "RIGHT_AXIS", "title": "边际ROI(%)"}],
            "domains": [{"domain": source(name)}],
            "series": [{"series": source(current), "targetAxis": "LEFT_AXIS", "type": "COLUMN"},
                       {"series": source(proposed), "targetAxis": "LEFT_AXIS", "type": "COLUMN"},
                       {"series": source(marginal), "targetAxis": "RIGHT_AXIS", "type": "LINE"}]}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": 1,
                                                        "columnIndex": len(headers) + 1}}}}}}]
