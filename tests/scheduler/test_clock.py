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


# ------------------------------------------------------------------ the job store across restarts


def _start_paused(cfg, schedule):
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.clock import build_scheduler

    clock = build_scheduler(cfg, schedule, BackgroundScheduler)
    clock.start(paused=True)  # the job stores are read, no job runs
    return clock


def test_an_unchanged_job_keeps_its_stored_next_run_time_across_a_restart(tmp_path):
    from scheduler.clock import JOB_ID
    from scheduler.schedule import Schedule

    cfg = AppConfig(source=str(tmp_path / "none.xlsx"), database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}")
    schedule = Schedule(1, 9, 0, "Asia/Shanghai")
    first = _start_paused(cfg, schedule)
    try:
        # a stored run time the trigger alone would not give (in the future: a stopping scheduler
        # may still look at due jobs once, and move a past one on)
        waiting = dt.datetime(2099, 1, 1, 9, 0, tzinfo=schedule.zone)
        first.modify_job(JOB_ID, next_run_time=waiting)
    finally:
        first.shutdown(wait=False)
    again = _start_paused(cfg, schedule)
    try:
        assert again.get_job(JOB_ID).next_run_time == waiting
    finally:
        again.shutdown(wait=False)
    # a new schedule replaces the job: its next run comes from the new trigger (the 15th at 18:30, local)
    moved = _start_paused(cfg, Schedule(15, 18, 30, "Asia/Shanghai"))
    try:
        job = moved.get_job(JOB_ID)
        assert (job.next_run_time.day, job.next_run_time.hour, job.next_run_time.minute) == (15, 18, 30)
        assert job.next_run_time > dt.datetime.now(dt.UTC)
    finally:
        moved.shutdown(wait=False)


def test_a_job_stored_by_an_older_clock_takes_todays_run_options_and_keeps_its_time(tmp_path):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.clock import JOB_FUNC, JOB_ID, MISFIRE_GRACE
    from scheduler.schedule import Schedule, monthly_trigger

    cfg = AppConfig(source=str(tmp_path / "none.xlsx"), database_url=f"sqlite:///{tmp_path / 'old.sqlite'}")
    schedule = Schedule(1, 9, 0, "Asia/Shanghai")
    waiting = dt.datetime(2099, 1, 1, 9, 0, tzinfo=schedule.zone)
    old = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=cfg.database)}, timezone=schedule.zone)
    old.start(paused=True)
    old.add_job(JOB_FUNC, trigger=monthly_trigger(schedule), id=JOB_ID, next_run_time=waiting,
                coalesce=False, misfire_grace_time=1, max_instances=3)
    old.shutdown(wait=False)
    clock = _start_paused(cfg, schedule)
    try:
        job = clock.get_job(JOB_ID)
        assert job.next_run_time == waiting
        assert (job.coalesce, job.misfire_grace_time, job.max_instances) == \
            (True, int(MISFIRE_GRACE.total_seconds()), 1)
    finally:
        clock.shutdown(wait=False)
