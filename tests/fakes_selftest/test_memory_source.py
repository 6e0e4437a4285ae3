"""The in-memory sheet source behaves like the adapters at the port."""

import datetime as dt

import pytest

from sheets.errors import ProtectedTab
from tests.memory_source import MemorySource

TABS = {"活动": [["活动名称", "渠道", "开始日期", "广告费用", "销售额"], ["春季促销", "抖音", dt.date(2026, 3, 1), 1000, 3000]],
        "Monthly Summary": [["月份", "备注"], ["2026-09", "人写的"]]}


def test_read_gives_the_core_a_copy():
    src = MemorySource(TABS)
    data = src.read()
    assert data.campaigns["campaign"].tolist() == ["春季促销"] and float(data.campaigns["cost"].sum()) == 1000.0
    src.read_tabs()["活动"].clear()  # what a caller does with its copy stays there
    assert len(src.tabs["活动"]) == 2 and src.reads == 2
    assert TABS["活动"][1][0] == "春季促销"  # nor does the source share rows with its argument


def test_upsert_merges_by_key_into_the_aliased_tab_and_keeps_user_columns():
    src = MemorySource(TABS)
    src.upsert_rows("月度汇总", ["月份", "ROI"], [["2026-09", 1.5], ["2026-10", 2.0]], ["月份"])
    src.upsert_rows("月度汇总", ["月份", "ROI"], [["2026-10", 2.5]], ["月份"])
    assert "月度汇总" not in src.tabs  # "Monthly Summary" is its alias
    assert src.tabs["Monthly Summary"] == [["月份", "备注", "ROI"], ["2026-09", "人写的", 1.5], ["2026-10", None, 2.5]]


def test_replace_and_problems_rewrite_and_people_tabs_are_refused():
    src = MemorySource(TABS)
    src.replace_rows("渠道月度", ["月份", "渠道"], [["2026-10", "抖音"]])
    assert src.tabs["渠道月度"] == [["月份", "渠道"], ["2026-10", "抖音"]]
    with src.batch() as w:
        w.write_problems([], dt.datetime(2026, 11, 1, 9, 0))
    assert src.tabs["数据校验"][1:] == []
    with pytest.raises(ProtectedTab):
        src.replace_rows("活动", ["x"], [])
    assert src.tabs["活动"] == TABS["活动"]
