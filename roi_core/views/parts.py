"""The pieces several answers' views share: the footer, the target, the suggestions, the channels'
ROI chart and table, and how many rows a message shows."""

from __future__ import annotations

import math

from roi_core.fmt import DASH, money, pct
from roi_core.results import Answer
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Chart, Column, Footer, ItemList, Table, ViewOptions

SHOWN_ROWS = 30  # rows a message shows before "…还有 N 项" (the rest travel as a file)
CHART_POINTS = 20


def finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def footer_of(ans: Answer, options: ViewOptions | None = None) -> Footer:
    """The answer's provenance: source, when read, stale copy, rows left out, data warnings."""
    options = options or ViewOptions()
    return Footer(source=ans.source, read_at=options.fetched_at, now=options.now, stale=ans.stale,
                  rows_left_out=ans.rows_skipped, warnings=list(ans.warnings))


def channel_roi_chart(rows: list[dict], title: str, target_roi: float | None, lang: str,
                      name_key: str = "channel", value_key: str = "roi") -> Chart | None:
    """A bar chart of ROI (in %) by channel, the first 20 channels that have one; None when none has."""
    rows = [r for r in rows if finite(r.get(value_key))][:CHART_POINTS]
    if not rows:
        return None
    return Chart(kind="bar", title=title, categories=[str(r[name_key]) for r in rows],
                 series=[("ROI(%)", [float(r[value_key]) * 100 for r in rows])],
                 y_label="ROI (%)", x_label=phrase(lang, "channel_axis"),
                 target=None if target_roi is None else target_roi * 100, filename="channel_roi.png")


def channel_table(ans, title: str, filename: str) -> Table:
    """The channels' cost, revenue, ROI, ROAS, CTR and CVR; an empty ROI says why."""
    L, s = labels(ans.lang), ans.currency
    columns = [Column(L["channel"], "left"), Column(L["cost"], type="money"), Column(L["revenue"], type="money"),
               Column(L["roi"], type="pct"), Column(L["roas"], type="ratio"), Column(L["ctr"], type="pct"),
               Column(L["cvr"], type="pct")]
    rows, notes = [], {}
    for i, r in enumerate(ans.channels):
        rows.append([str(r["channel"]), money(r["cost"], s), money(r["revenue"], s), pct(r.get("roi")),
                     r.get("roas_text") or DASH, pct(r.get("ctr")), pct(r.get("cvr"))])
        why = (r.get("unavailable") or {}).get("roi")
        if rows[-1][3] == DASH and why:
            notes[(i, 3)] = why
    return Table(title, columns, rows, filename, SHOWN_ROWS, notes=notes)


def target_text(ans) -> str:
    return f"{labels(ans.lang)['target']} ROI {pct(ans.target_roi, 0)}"


def suggestions_list(ans, inline: bool = False, empty: str = "") -> ItemList:
    return ItemList("suggestions", labels(ans.lang)["suggestions"], [s.said(ans.lang) for s in ans.suggestions],
                    numbered=True, empty=empty, inline=inline)


def status_of(value, target) -> str:
    if value is None:
        return ""
    return "good" if value >= target else ("bad" if value < 0 else "weak")
