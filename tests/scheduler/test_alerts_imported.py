"""The daily check paces campaigns whose data comes only from 导入 (the ad platforms' daily report rows).

夏季上新 is planned on 抖音 (预算 2026-06-01 … 06-30, ¥30,000: ¥1,000 a day on plan); its figures are imported
巨量引擎 rows (设置 巨量引擎渠道 = 抖音), one per day, and no typed 活动 row exists for it.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from roi_core.monitor import check_day
from roi_core.running import running_units
from roi_core.sheetdata import load_sheet
from roi_runtime.config import AppConfig
from scheduler.alerts import run_daily_check

HEAD = ["日期", "平台", "账户", "平台活动名称", "广告费用", "曝光量", "点击量", "转化数", "销售额", "归因窗口"]
TYPED = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"], ["春季", "微信", "2026-03-01", "2026-03-31", 1, 2]]
SETTINGS = [["参数", "值"], ["巨量引擎渠道", "抖音"]]
PLAN = [["活动名称", "渠道", "计划开始", "计划结束", "预算"], ["夏季上新", "抖音", "2026-06-01", "2026-06-30", 30000]]


def _days(last: int, cost: float, first: int = 1, campaign: str = "夏季上新", revenue: float | None = None):
    """Imported rows of 巨量引擎, one a day from 06-<first> to 06-<last>; 销售额 3 × cost (ROI 200%), 2% CTR."""
    return [[f"2026-06-{d:02d}", "巨量引擎", "1001", campaign, cost, 10000, 200, 5,
             3 * cost if revenue is None else revenue, "7天"] for d in range(first, last + 1)]


def _tabs(rows, plan=True):
    tabs = {"活动": TYPED, "导入": [HEAD, *rows], "设置": SETTINGS}
    return tabs | ({"预算": PLAN} if plan else {})


def _check(tabs, today):
    return check_day(load_sheet(tabs, today=today), today)


def test_imported_days_are_paced_against_the_plan():
    # today 06-11, imported 06-01 … 06-10 at ¥1,500 a day: 10 of 30 days, spent 15,000 vs 30,000 × 10/30 = 10,000
    # → +50%; left 30,000 − 15,000 = 15,000 over 20 days = ¥750 a day (from 15,000 / 10 = ¥1,500)
    result = _check(_tabs(_days(10, 1500)), dt.date(2026, 6, 11))
    (alert,) = [a for a in result.alerts if a.kind == "pacing"]
    assert (alert.campaign, alert.channel) == ("夏季上新", "抖音")
    assert (alert.figures["elapsed_days"], alert.figures["spent"], alert.figures["expected"]) == (10, 15000.0, 10000.0)
    assert alert.figures["pace"] == 0.5 and "data_through" not in alert.figures  # the data reaches yesterday
    assert alert.message == ("「夏季上新」抖音 花费超前 +50.0%：计划 10/30 天已花 ¥15,000，按预算 ¥30,000 应花 ¥10,000；"
                             "建议日花费从 ¥1,500 降到 ¥750，到 2026-06-30 正好用完预算")
    assert alert.proposal["daily_from"] == 1500.0 and alert.proposal["daily_to"] == 750.0


def test_a_week_old_import_is_paced_over_the_days_imported_not_the_days_since():
    # imported 06-01 … 06-10 at ¥1,000 a day (exactly on plan), checked on 06-14 before the next import:
    # counted to yesterday it would read 10,000 vs 30,000 × 13/30 = 13,000 → −23.1%, a false "behind plan";
    # over the 10 days imported it is 10,000 vs 10,000: on plan, no alert
    assert not [a for a in _check(_tabs(_days(10, 1000)), dt.date(2026, 6, 14)).alerts if a.kind == "pacing"]
    # at ¥1,500 a day the 10 imported days are still +50% (15,000 vs 10,000), and the message says to when
    (alert,) = [a for a in _check(_tabs(_days(10, 1500)), dt.date(2026, 6, 14)).alerts if a.kind == "pacing"]
    assert (alert.figures["elapsed_days"], alert.figures["expected"], alert.figures["pace"]) == (10, 10000.0, 0.5)
    assert alert.figures["data_through"] == "2026-06-10"
    assert alert.message == ("「夏季上新」抖音 花费超前 +50.0%：计划 10/30 天已花 ¥15,000，按预算 ¥30,000 应花 ¥10,000"
                             "（平台数据导入至 06-10）；建议日花费从 ¥1,500 降到 ¥750，到 2026-06-30 正好用完预算")


def test_a_campaign_with_one_imported_day_yesterday_is_running_without_a_plan():
    # no 预算 row: 日常投放 has one imported day, 06-10, ¥2,000 spent for ¥1,000 of sales; checked 06-11
    tabs = _tabs(_days(10, 2000, first=10, campaign="日常投放", revenue=1000), plan=False)
    data = load_sheet(tabs, today=dt.date(2026, 6, 11))
    units = running_units(data, dt.date(2026, 6, 11))
    assert units[["campaign", "channel"]].values.tolist() == [["日常投放", "抖音"]]
    assert bool(units.at[0, "lagging"])
    # ROI (1,000 − 2,000) / 2,000 = −50% < 100% target: the check sees it (it was never checked before)
    (alert,) = check_day(data, dt.date(2026, 6, 11)).alerts
    assert alert.kind == "roi" and (alert.figures["cost"], alert.figures["roi"]) == (2000.0, -0.5)
    # the day after, 06-12, the import is two days old and there is no plan: no longer running
    assert running_units(data, dt.date(2026, 6, 12)).empty


def test_the_scheduled_check_on_a_workbook_with_only_imported_rows(tmp_path):
    book = Workbook()
    for i, (title, rows) in enumerate(_tabs(_days(10, 1500)).items()):
        ws = book.active if i == 0 else book.create_sheet(title)
        ws.title = title
        for row in rows:
            ws.append(row)
    book.save(tmp_path / "team.xlsx")
    cfg = AppConfig(source=str(tmp_path / "team.xlsx"), database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}")
    out = io.StringIO()
    run = run_daily_check(cfg, date=dt.date(2026, 6, 11), dry_run=True, out=out,
                          now=dt.datetime(2026, 6, 11, 2, tzinfo=dt.UTC))
    assert [(a.campaign, a.kind) for a in run.alerts] == [("夏季上新", "pacing")]
    assert "花费超前 +50.0%" in out.getvalue()
