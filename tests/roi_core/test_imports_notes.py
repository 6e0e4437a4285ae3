"""The 导入 note is said only by answers whose figures use imported rows, naming those rows' platforms and windows."""

from __future__ import annotations

import datetime as dt

from roi_core.answer import answer
from roi_core.query import parse_query
from roi_core.sheetdata import load_sheet

TODAY = dt.date(2026, 7, 15)
HEAD = ["日期", "平台", "账户", "平台活动名称", "广告费用", "曝光量", "点击量", "转化数", "销售额", "归因窗口"]


def _data():
    campaigns = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
                 ["春季上新", "微信", "2026-03-01", "2026-03-31", 1000, 3000],  # typed only, March
                 ["2026 618大促", "微信", "2026-06-01", "2026-06-18", 3000, 9000],
                 ["2026 618大促", "京准通", "2026-06-01", "2026-06-01", 999, 1]]  # typed over an imported day
    imports = [HEAD,
               ["2026-06-01", "巨量引擎", "1001", "2026 618大促", 100, 1000, 10, 1, 500, ""],
               ["2026-06-02", "巨量引擎", "1001", "2026 618大促", 200, 2000, 20, 2, 900, ""],
               ["2026-06-01", "京准通", "", "2026 618大促", 300, 3000, 30, 3, 1500, "15天"],
               ["2026-06-20", "京准通", "", "日常投放", 50, 500, 5, 1, 80, "7天"]]
    return load_sheet({"活动": campaigns, "导入": imports}, today=TODAY)


def _ask(text: str, data=None):
    return answer(parse_query(text, TODAY), data or _data(), TODAY)


def test_a_typed_only_campaign_says_nothing_of_imports():
    ans = _ask("春季上新")
    assert ans.kind == "campaign" and ans.figures["ad_spend"] == 1000.0
    assert not [w for w in ans.warnings if "导入" in w]


def test_a_campaign_with_imported_rows_names_its_platforms_and_windows():
    ans = _ask("618")
    # 3 imported rows of 2026 618大促: 巨量引擎 06-01 and 06-02 (no window), 京准通 06-01 (15天); 日常投放's 7天 is not its
    notes = [w for w in ans.warnings if "导入" in w]
    assert notes[0] == "含平台导入数据（「导入」3 行）：销售额按各平台的归因窗口计（京准通 15天；巨量引擎 平台默认口径）"
    # the typed 京准通 row (999 / 1) over 06-01 is replaced by the platform's: said on this answer
    assert notes[1].startswith("「活动」有 1 行与平台导入的数据重叠")
    assert ans.figures["ad_spend"] == 3600.0  # 3,000 typed 微信 + 100 + 200 + 300 imported; the 999 left out


def test_channels_of_a_month_without_imports_say_nothing_and_with_them_say_theirs():
    march = _ask("渠道 2026-03")
    assert not [w for w in march.warnings if "导入" in w]
    june = _ask("渠道 2026-06")
    notes = [w for w in june.warnings if "导入" in w]
    # June holds all four imported rows: the three of 618 and 日常投放's 06-20 (京准通 7天), windows by length
    assert notes[0] == "含平台导入数据（「导入」4 行）：销售额按各平台的归因窗口计（京准通 7天、15天；巨量引擎 平台默认口径）"


def test_a_ranking_on_one_channel_names_only_that_platform():
    data = _data()
    ans = answer(parse_query("巨量引擎 top 10 活动 2026-06", TODAY,
                             known_channels=data.campaigns["channel"].dropna().unique().tolist()), data, TODAY)
    notes = [w for w in ans.warnings if "导入" in w]
    # only 巨量引擎's two rows (06-01, 06-02); the typed 京准通 row is on another channel: no overlap sentence
    assert notes == ["含平台导入数据（「导入」2 行）：销售额按各平台的归因窗口计（巨量引擎 平台默认口径）"]


def test_in_english():
    notes = [w for w in _ask("channels in June 2026").warnings if "import" in w]
    assert notes[0] == ("Includes imported platform data (4 rows of 「导入」): sales as each platform attributes them "
                        "(京准通 7-day window, 15-day window; 巨量引擎 its default window)")
    assert notes[1].startswith("1 row(s) of 「活动」 cover the same campaign")


def test_help_says_nothing_of_imports():
    assert not [w for w in _ask("帮助").warnings if "导入" in w]


def test_a_comparison_names_only_its_sides_imported_rows():
    ans = _ask("春季上新 vs 日常投放")
    # 春季上新 is typed only; 日常投放 is one imported 京准通 row (06-20, 7天): 618's 3 rows and 15天 are not named
    assert ans.kind == "compare"
    assert [w for w in ans.warnings if "导入" in w] == ["含平台导入数据（「导入」1 行）：销售额按各平台的归因窗口计（京准通 7天）"]
