"""The buttons of a view: ask another question, open the sheet, open the report, get the chart as a PNG."""

from __future__ import annotations

from roi_core.views.labels import phrase
from roi_core.views.model import Action, Chart, ViewOptions


def query_action(label: str, kind: str, lang: str, **question) -> Action:
    return Action(label, "query", {"kind": kind, "lang": lang, **question})


def sheet_actions(options: ViewOptions, lang: str) -> list[Action]:
    return [Action(phrase(lang, "btn_sheet"), "open_sheet", {"url": options.sheet_url})] if options.sheet_url else []


def report_actions(options: ViewOptions, lang: str) -> list[Action]:
    url = getattr(options, "report_url", None)  # any options object (the Slack renderer's too)
    return [Action(phrase(lang, "btn_report"), "open_url", {"url": url})] if url else []


def chart_png_actions(chart: Chart | None, options: ViewOptions, lang: str, **question) -> list[Action]:
    if not (options.chart_button and chart):
        return []
    return [Action(phrase(lang, "btn_chart_png"), "chart_png", {"lang": lang, **question})]
