"""设置 for the schedule: a value that cannot be used is replaced by its default, and said so."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from roi_runtime.config import AppConfig
from scheduler.clock import read_schedule_settings
from scheduler.schedule import next_run, schedule_from


def workbook(path, settings_rows):
    book = Workbook()
    book.active.title = "活动"
    book.active.append(["活动名称", "渠道", "开始日期", "销售额"])
    ws = book.create_sheet("设置")
    ws.append(["参数", "值", "说明"])
    for row in settings_rows:
        ws.append(row)
    book.save(path)
    return path


def test_good_settings_are_used_as_written(tmp_path):
    book = workbook(tmp_path / "ok.xlsx", [["月报日", 15], ["月报时间", dt.time(18, 30)], ["时区", "UTC"]])
    found = read_schedule_settings(AppConfig(source=str(book)))
    assert found.notes == ()
    s = schedule_from(found.settings, AppConfig())
    assert (s.day, s.hour, s.minute, s.timezone) == (15, 18, 30, "UTC")
    # after 2026-11-30 12:00 UTC the next 15th at 18:30 UTC is December 15
    assert next_run(s, dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)) == \
        dt.datetime(2026, 12, 15, 18, 30, tzinfo=dt.UTC)


def test_each_unusable_setting_is_replaced_by_its_default_with_a_note(tmp_path):
    # rows 2, 3, 4 of 设置 (row 1 is the header)
    book = workbook(tmp_path / "bad.xlsx", [["月报日", 15.5], ["月报时间", "25:99"], ["时区", "Mars/Base"]])
    found = read_schedule_settings(AppConfig(source=str(book)))
    assert (found.settings.report_day, found.settings.report_time, found.settings.timezone) == \
        (1, "09:00", "Asia/Shanghai")
    assert found.notes == (
        "「设置」第 2 行 月报日「15.5」不是 1-31 之间的整数，已改用默认值 1",
        "「设置」第 3 行 月报时间「25:99」不是 时:分 格式的时间（例：09:00），已改用默认值 09:00",
        "「设置」第 4 行 时区「Mars/Base」不是有效的时区（例：Asia/Shanghai），已改用默认值 Asia/Shanghai",
    )


def test_a_setting_the_environment_overrides_is_not_reported(tmp_path):
    book = workbook(tmp_path / "bad.xlsx", [["月报日", 15.5], ["月报时间", "25:99"]])
    config = AppConfig(source=str(book), report_day=20)
    found = read_schedule_settings(config)
    assert found.notes == ("「设置」第 3 行 月报时间「25:99」不是 时:分 格式的时间（例：09:00），已改用默认值 09:00",)
    s = schedule_from(found.settings, config)
    assert (s.day, s.hour, s.minute) == (20, 9, 0)


def test_an_unreadable_sheet_means_defaults_and_says_which(tmp_path):
    found = read_schedule_settings(AppConfig(source=str(tmp_path / "gone.xlsx"), timezone="UTC"))
    (note,) = found.notes
    assert note.startswith("读不到表格（") and note.endswith("排程用了默认值：月报日 1、月报时间 09:00")
    everything_from_env = AppConfig(source=str(tmp_path / "gone.xlsx"), report_day=2, report_time="08:00",
                                    timezone="UTC")
    assert read_schedule_settings(everything_from_env).notes == ()
