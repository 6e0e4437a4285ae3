"""When the monthly summary runs: 设置 (月报日, 月报时间, 时区) with environment overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from roi_core import Settings
from roi_core.periods import last_full_month  # noqa: F401  (the clock and the job import it from here)
from roi_runtime.config import AppConfig, ConfigError, check_timezone, parse_report_day, parse_report_time


@dataclass(frozen=True)
class Schedule:
    day: int  # 1..31; past a month's end it means that month's last day
    hour: int
    minute: int
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        day = "每月最后一天" if self.day == 31 else f"每月 {self.day} 日（当月没有这一天则为最后一天）" if self.day > 28 \
            else f"每月 {self.day} 日"
        return f"{day} {self.hour:02d}:{self.minute:02d}（{self.timezone}）"


def schedule_from(settings: Settings, config: AppConfig) -> Schedule:
    """The schedule from 设置, each part overridable from the environment (REPORT_DAY, REPORT_TIME, TIMEZONE).

    Both are validated before they get here (AppConfig on construction, the sheet by
    ``scheduler.clock.read_schedule_settings``); a value that still is not usable raises
    ConfigError naming where it came from, before anything is scheduled.
    """
    day = _pick("REPORT_DAY", "月报日", config.report_day, settings.report_day, parse_report_day)
    hour, minute = _pick("REPORT_TIME", "月报时间", config.report_time, settings.report_time, parse_report_time)
    timezone = _pick("TIMEZONE", "时区", config.timezone, settings.timezone,
                     lambda v: None if check_timezone(v) else v)
    return Schedule(day, hour, minute, timezone)


def _pick(env_name: str, setting: str, env_value, sheet_value, parse):
    name, value = (env_name, env_value) if env_value is not None else (f"「设置」的 {setting}", sheet_value)
    parsed = parse(value)
    if parsed is None:
        raise ConfigError(f"{name}「{value}」不能用来排月报", f"改正 {name}（例：月报日 1、月报时间 09:00、时区 Asia/Shanghai）")
    return parsed


def monthly_trigger(schedule: Schedule) -> BaseTrigger:
    """A cron trigger for the schedule; 29, 30 and 31 fall back to the last day of shorter months.

    Day 31 is cron's ``last``. Days 29 and 30 exist in every month but
    February, so February gets its own ``last`` (in a leap year both fire at the
    same instant, which OrTrigger merges into one run).
    """
    common = {"hour": schedule.hour, "minute": schedule.minute, "timezone": schedule.zone}
    if schedule.day <= 28:
        return CronTrigger(day=schedule.day, **common)
    if schedule.day == 31:
        return CronTrigger(day="last", **common)
    return OrTrigger([CronTrigger(day=schedule.day, **common), CronTrigger(month=2, day="last", **common)])


def next_run(schedule: Schedule, now: dt.datetime) -> dt.datetime:
    """The next fire time after ``now`` (aware), in the schedule's zone."""
    return monthly_trigger(schedule).get_next_fire_time(None, now)

