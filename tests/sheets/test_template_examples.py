"""The template's example rows are never counted, on any source, and are reported until deleted.

The team's sheet below (worked by hand):

- 618活动 on 抖音: 广告 120,000 + 促销 30,000 + 人员 20,000 = cost 170,000, 销售额 425,000
  → ROI (425,000 − 170,000) / 170,000 = 150%;
- 618活动 on 微信: 广告 40,000 = cost 40,000, 销售额 100,000 → ROI 150%;
- 双11 on 抖音 (2026-11): cost 50,000, 销售额 60,000 → ROI 20%.
- 618活动 in all: cost 210,000, 销售额 525,000, ROI 150%.

The template's 活动 examples would add 抖音 50,000 + 10,000 + 8,000 = 68,000 of cost (the issue's
¥170k → ¥238k) and 微信 29,000; with them left in the sheet every figure must stay as above.
"""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from roi_core.answer import answer, answer_json
from roi_core.answer.campaign import campaign_report
from roi_core.query import parse_query
from roi_core.schema import CAMPAIGNS, PEOPLE_TABS, TOUCHPOINTS
from roi_core.sheetdata import load_sheet
from sheets import open_source
from sheets.__main__ import main as sheets_main
from sheets.__main__ import template_rows

TODAY = dt.date(2026, 12, 5)
D = dt.date
# the team's rows in the template's column order (活动: 19 contract columns + 备注)
TEAM_CAMPAIGNS = [
    ["618活动", "抖音", D(2026, 6, 1), D(2026, 6, 18), 120000, 30000, 20000, None, 425000] + [None] * 11,
    ["618活动", "微信", D(2026, 6, 1), D(2026, 6, 18), 40000, None, None, None, 100000] + [None] * 11,
    ["双11", "抖音", D(2026, 11, 1), D(2026, 11, 11), 50000, None, None, None, 60000] + [None] * 11,
]
TEAM_TOUCHES = [
    ["C1", dt.datetime(2026, 6, 2, 9), "抖音", "618活动", "否", None, None],
    ["C1", dt.datetime(2026, 6, 5, 20), "微信", "618活动", "是", 800, None],
    ["C2", dt.datetime(2026, 6, 3, 11), "抖音", "618活动", "是", 500, None],
]
QUESTIONS = ["618活动", "618 抖音", "渠道", "渠道 2026-06", "top 10", "月报 2026-06", "归因 首次", "建议",
             "618 ROI"]


def _tabs(with_examples: bool) -> dict[str, list[list]]:
    out = {}
    for spec in PEOPLE_TABS:
        header, *rows = template_rows(spec)
        if spec is not CAMPAIGNS and spec is not TOUCHPOINTS and with_examples:
            out[spec.title] = [header, *rows]
            continue
        team = {CAMPAIGNS.key: TEAM_CAMPAIGNS, TOUCHPOINTS.key: TEAM_TOUCHES}.get(spec.key, [])
        if spec.key == "settings":
            out[spec.title] = [header, *rows]
        elif with_examples:
            out[spec.title] = [header, *rows, *team]  # examples first, as init leaves them
        else:
            out[spec.title] = [header, *team]
    return out


def _figures(data, text: str) -> dict:
    query = parse_query(text, TODAY, known_campaigns=data.campaigns["campaign"].unique().tolist(),
                        known_channels=data.campaigns["channel"].unique().tolist())
    out = answer_json(answer(query, data, TODAY))
    for key in ("rows_skipped", "warnings", "source"):  # what says the examples are there; the rest must match
        out.pop(key, None)
    return out


def test_the_issue_case_douyin_618_cost_stays_170k():
    with_examples, without = load_sheet(_tabs(True)), load_sheet(_tabs(False))
    for data in (with_examples, without):
        report = campaign_report("618活动", data)
        douyin = next(c for c in report.channels if c["channel"] == "抖音")
        assert douyin["cost"] == 170000 and douyin["revenue"] == 425000 and douyin["roi"] == pytest.approx(1.5)
        assert report.figures["cost"] == 210000 and report.figures["revenue"] == 525000
    # 2 example rows in each of 活动, 触点, 订单, 客户, 预算 (the optional tabs hold only their examples)
    assert without.rows_skipped == 0 and with_examples.rows_skipped == 5 * 2
    assert set(with_examples.campaigns["campaign"]) == {"618活动", "双11"}


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_figure_equals_the_figure_without_the_examples(question):
    assert _figures(load_sheet(_tabs(True)), question) == _figures(load_sheet(_tabs(False)), question)


def test_the_warning_names_the_rows_in_both_languages():
    data = load_sheet(_tabs(True))
    assert data.example_rows == {tab: (2, 3) for tab in ("活动", "触点", "订单", "客户", "预算")}
    described = [p.describe() for p in data.problems]
    assert described[:2] == ["「活动」第2–3行是模板示例，未计入；确认后删除这些行",
                             "「触点」第2–3行是模板示例，未计入；确认后删除这些行"]
    assert len(described) == 5 and all(p.example and not p.blocking for p in data.problems)
    assert data.example_warnings("en")[0] == \
        "「活动」 rows 2–3 are template examples, not counted; delete these rows once confirmed"
    # the answer names the example rows per tab, and does not also count them as rows with a problem
    ans = answer(parse_query("618活动", TODAY), data, TODAY)
    assert ans.rows_skipped == 10 and not any("10 行" in w for w in ans.warnings)
    assert "「活动」第2–3行是模板示例，未计入；确认后删除这些行" in ans.warnings and len(ans.warnings) == 5


def test_a_copied_example_row_is_still_an_example():
    tabs = _tabs(False)
    example = template_rows(CAMPAIGNS)[1]
    copied = list(example)
    copied[4] = 999999  # numbers edited, the 示例· name kept: still not counted, and reported
    tabs["活动"].append(copied)
    data = load_sheet(tabs)
    assert data.example_rows == {"活动": (5,)}
    assert [p.describe() for p in data.problems] == ["「活动」第5行是模板示例，未计入；确认后删除这一行"]
    assert data.campaigns["cost"].sum() == 170000 + 40000 + 50000
    # typed as text by hand, with a space before the mark, on a row far below: the same
    tabs["活动"].append([" 示例·618活动", "抖音", "2026-06-01", None, "¥50,000", None, None, None, "230000"])
    data = load_sheet(tabs)
    assert data.example_rows == {"活动": (5, 6)} and data.campaigns["cost"].sum() == 260000


def test_a_name_with_the_mark_elsewhere_is_a_real_row():
    tabs = _tabs(False)
    tabs["活动"].append(["大促示例·复盘", "抖音", D(2026, 7, 1), None, 1000, None, None, None, 3000])
    data = load_sheet(tabs)
    assert data.example_rows == {} and "大促示例·复盘" in set(data.campaigns["campaign"])


def test_filled_workbook_template_counts_only_the_team_rows(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ROI_SOURCE", raising=False)
    path = tmp_path / "team.xlsx"
    assert sheets_main(["init", "--source", str(path)]) == 0
    book = load_workbook(path)
    for row_no, row in enumerate(TEAM_CAMPAIGNS, start=4):  # under the examples, inside the table
        for col_no, value in enumerate(row, start=1):
            book["活动"].cell(row=row_no, column=col_no, value=value)
    book.save(path)
    data = open_source(str(path)).read()
    assert data.example_rows["活动"] == (2, 3)
    assert data.campaigns.groupby(["campaign", "channel"])["cost"].sum().to_dict() == {
        ("618活动", "微信"): 40000, ("618活动", "抖音"): 170000, ("双11", "抖音"): 50000}
    capsys.readouterr()
    assert sheets_main(["check", "--source", str(path)]) == 1
    out = capsys.readouterr().out
    assert "  - 「活动」第2–3行是模板示例，未计入；确认后删除这些行" in out.splitlines()
