"""The APScheduler clock: one job, persisted, that survives restarts without running twice.

Only the ``clock`` process builds this (never the web workers). The job is
stored in SQLAlchemyJobStore (the SQLite file by default, DATABASE_URL for
PostgreSQL), so a restart keeps its next run time: downtime shorter than the
grace time runs the missed month once on start (coalesced); longer downtime
is a ``missed`` event, recorded and reported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from apscheduler.events import EVENT_JOB_MISSED, EVENT_SCHEDULER_STARTED, JobExecutionEvent, SchedulerEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from roi_app.monthly import missed_run
from roi_core import RoiError, Settings, load_sheet
from roi_core.parse import normalize_text
from roi_core.schema import SETTING_BY_NAME, SETTINGS, column_lookup, find_tab
from roi_runtime.config import AppConfig, parse_report_day
from roi_runtime.db import shared_engine
from scheduler.schedule import Schedule, last_full_month, monthly_trigger
from sheets import open_source

log = logging.getLogger(__name__)

JOB_ID = "monthly_summary"
JOB_FUNC = "scheduler.job:scheduled_run"
RETRY_ID = "monthly_summary_retry"
RETRY_FUNC = "scheduler.job:scheduled_retry"
RETRY_EVERY = dt.timedelta(minutes=10)  # how often a failed month is looked at (its backoff decides)
MISFIRE_GRACE = dt.timedelta(hours=6)
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())}


# the 设置 entries the schedule uses, and the env variable that overrides each
SCHEDULE_SETTINGS = {"report_day": "REPORT_DAY", "report_time": "REPORT_TIME", "timezone": "TIMEZONE"}
_REASONS = {"report_day": "不是 1-31 之间的整数", "report_time": "不是 时:分 格式的时间（例：09:00）",
            "timezone": "不是有效的时区（例：Asia/Shanghai）"}


@dataclasses.dataclass(frozen=True)
class ScheduleSettings:
    """设置 as the schedule uses it, and one note per schedule setting that was replaced by its default."""

    settings: Settings
    notes: tuple[str, ...] = ()


def read_schedule_settings(config: AppConfig, source: str | None = None) -> ScheduleSettings:
    """设置 from the sheet for the schedule, with a note for each value replaced by a default.

    A 月报日 / 月报时间 / 时区 that cannot be used (15.5, 25:99, Mars/Base) is
    replaced by the contract's default, and the note says which row, which
    value, why, and what was used instead; so is every one of them when the
    sheet cannot be read or has no 设置 tab. Settings the environment
    overrides (REPORT_DAY, REPORT_TIME, TIMEZONE) are not the sheet's to
    report. Never raises for the sheet: the clock keeps its schedule.
    """
    from_sheet = [key for key, env in SCHEDULE_SETTINGS.items() if getattr(config, key) is None]
    defaults = "、".join(f"{_spec(key).name} {_spec(key).default}" for key in from_sheet)
    try:
        sheet = open_source(source, config)
        tabs = sheet.read_tabs()
    except RoiError as err:
        log.warning("schedule from defaults, the sheet could not be read: %s", err.message)
        return ScheduleSettings(Settings(), (f"读不到表格（{err.message}），排程用了默认值：{defaults}",) if from_sheet else ())
    data = load_sheet(tabs, source=sheet.display_name)
    title = find_tab(SETTINGS, list(tabs))
    if title is None:
        note = f"表格里没有「{SETTINGS.title}」标签页，排程用了默认值：{defaults}"
        return ScheduleSettings(data.settings, (note,) if from_sheet else ())
    settings, notes = data.settings, []
    rows = tabs[title]
    columns = {column_lookup(SETTINGS).get(normalize_text(h)): i for i, h in enumerate(rows[0] if rows else [])}
    key_at, value_at = columns.get(SETTINGS.columns[0]), columns.get(SETTINGS.columns[1])
    if key_at is None or value_at is None:
        return ScheduleSettings(settings, ())
    bad_rows = {p.row for p in data.problems if p.tab == title}
    for number, row in enumerate(rows[1:], start=2):
        spec = SETTING_BY_NAME.get(normalize_text(row[key_at] if key_at < len(row) else ""))
        value = row[value_at] if value_at < len(row) else None
        if spec is None or spec.key not in from_sheet or value in (None, ""):
            continue
        # the sheet parser reads 月报日 15.5 as 15 without a word: a day must be whole
        day_not_whole = spec.key == "report_day" and parse_report_day(value) is None
        if number in bad_rows or day_not_whole:
            settings = dataclasses.replace(settings, **{spec.key: spec.default})
            notes.append(f"「{title}」第 {number} 行 {spec.name}「{_cell(value)}」{_REASONS[spec.key]}，"
                         f"已改用默认值 {spec.default}")
    return ScheduleSettings(settings, tuple(notes))


def _spec(key: str):
    return SETTING_BY_NAME[normalize_text(key)]


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_scheduler(config: AppConfig, schedule: Schedule,
                    scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler (not started) that, once started, holds the monthly job in the persistent job store.

    The job is kept as stored (its next run time included) when its trigger is unchanged, and
    replaced (next run time from the new trigger) when the schedule changed or it is missing."""
    store = SQLAlchemyJobStore(engine=shared_engine(config.database))
    scheduler = scheduler_class(
        jobstores={"default": store}, timezone=schedule.zone,
        job_defaults=JOB_OPTIONS,
    )
    trigger = monthly_trigger(schedule)

    def keep_monthly_job(event: SchedulerEvent) -> None:
        # Job stores can be read only once the scheduler has started them, and the start event
        # comes before the first look at due jobs: the monthly job is settled here, in time.
        try:
            existing = scheduler.get_job(JOB_ID)
            if existing is None or str(existing.trigger) != str(trigger):
                scheduler.add_job(JOB_FUNC, trigger=trigger, id=JOB_ID, name="月报", replace_existing=True)
            else:
                # An unchanged job keeps its stored next run time, which is how a restart after
                # downtime still sees (and runs, or reports) the run it missed; it takes today's
                # run options (a job stored by an older clock may lack them).
                scheduler.modify_job(JOB_ID, **JOB_OPTIONS)
        except Exception:
            # a clock without its monthly job must not keep running as if all were well
            log.exception("the monthly job could not be set up in the job store; the clock stops")
            scheduler.shutdown(wait=False)

    scheduler.add_listener(keep_monthly_job, EVENT_SCHEDULER_STARTED)

    # a month whose run failed (Google down at 09:00) is run again with backoff (roi_app.monthly.retry_failed)
    scheduler.add_job(RETRY_FUNC, trigger=IntervalTrigger(seconds=int(RETRY_EVERY.total_seconds()),
                                                          timezone=schedule.zone),
                      id=RETRY_ID, name="月报重试", replace_existing=True)

    def on_missed(event: JobExecutionEvent) -> None:
        if event.job_id != JOB_ID:
            return  # a skipped retry check is not a missed month
        month = last_full_month(event.scheduled_run_time, schedule.timezone)
        log.error("monthly run for %s missed (scheduled %s)", month, event.scheduled_run_time)
        missed_run(config, str(month), event.scheduled_run_time)

    scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
    return scheduler


# --------------------------------------------------------------------------- the daily check (巡检时间)
CHECK_ID = "daily_check"
CHECK_FUNC = "scheduler.alerts:scheduled_check"
CHECK_GRACE = dt.timedelta(hours=2)  # a clock back within 2 hours still checks that day (once: coalesced)
CHECK_RETRY_ID = "daily_check_retry"
CHECK_RETRY_FUNC = "scheduler.alerts:scheduled_retry"  # failed alert posts of today, with backoff


def check_trigger(check_time: str, timezone: str):
    """Every day at ``check_time`` (设置 巡检时间, HH:MM) in ``timezone``; a time that cannot be used means 10:00."""
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger

    from roi_runtime.config import parse_report_time

    parsed = parse_report_time(check_time) or parse_report_time(Settings().check_time)
    hour, minute = parsed
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(timezone))


def add_daily_check(scheduler: BaseScheduler, check_time: str, timezone: str) -> None:
    """Put the daily check next to the monthly job, settled when the scheduler starts as the monthly job is:
    an unchanged stored job keeps its next run time (a restart within the grace time still checks that
    day, once), a changed 巡检时间 or 时区 replaces it."""
    trigger = check_trigger(check_time, timezone)
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": int(CHECK_GRACE.total_seconds())}

    def keep_check_job(event: SchedulerEvent) -> None:
        try:
            existing = scheduler.get_job(CHECK_ID)
            if existing is None or str(existing.trigger) != str(trigger):
                scheduler.add_job(CHECK_FUNC, trigger=trigger, id=CHECK_ID, name="每日巡检", replace_existing=True,
                                  **options)
            else:
                scheduler.modify_job(CHECK_ID, **options)
        except Exception:  # the monthly job still runs; the log says why the check does not
            log.exception("the daily check could not be set up in the job store")

    scheduler.add_listener(keep_check_job, EVENT_SCHEDULER_STARTED)
    # an alert whose Slack post failed is posted again the same day (scheduler.alerts.retry_failed_alerts:
    # every 10 minutes it looks, the backoff of roi_app.monthly.retry_delay decides)
    scheduler.add_job(CHECK_RETRY_FUNC, trigger=IntervalTrigger(seconds=int(RETRY_EVERY.total_seconds()),
                                                                timezone=timezone),
                      id=CHECK_RETRY_ID, name="预警重试", replace_existing=True)
