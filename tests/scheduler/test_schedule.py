"""Next fire times and month boundaries, worked out on a calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from roi_core import Settings
from roi_runtime.config import AppConfig, ConfigError
from scheduler.schedule import Schedule, last_full_month, next_run, schedule_from

SH = ZoneInfo("Asia/Shanghai")


def at(*args, tz=SH):
    return dt.datetime(*args, tzinfo=tz)


def test_defaults_from_settings_and_env_overrides():
    s = schedule_from(Settings(), AppConfig())
    assert (s.day, s.hour, s.minute, s.timezone) == (1, 9, 0, "Asia/Shanghai")
    env = AppConfig.from_env({"REPORT_DAY": "15", "REPORT_TIME": "18:30", "TIMEZONE": "UTC"})
    s = schedule_from(Settings(report_day=3), env)
    assert (s.day, s.hour, s.minute, s.timezone) == (15, 18, 30, "UTC")


def test_jan_31_to_feb_1():
    s = Schedule(1, 9, 0, "Asia/Shanghai")
    assert next_run(s, at(2026, 1, 31, 12, 0)) == at(2026, 2, 1, 9, 0)
    # at 09:00 sharp on the 1st, the next one is a month later
    assert next_run(s, at(2026, 2, 1, 9, 0, 1)) == at(2026, 3, 1, 9, 0)


@pytest.mark.parametrize("now, expected", [
    (at(2026, 4, 1), at(2026, 4, 30, 9, 0)),     # April has 30 days: the last day
    (at(2026, 2, 1), at(2026, 2, 28, 9, 0)),     # February 2026: the 28th
    (at(2028, 2, 1), at(2028, 2, 29, 9, 0)),     # leap February: the 29th
    (at(2026, 5, 1), at(2026, 5, 31, 9, 0)),     # a 31-day month: the 31st
])
def test_day_31_runs_on_the_last_day(now, expected):
    assert next_run(Schedule(31, 9, 0, "Asia/Shanghai"), now) == expected


def test_day_30_in_february_and_in_30_day_months():
    s = Schedule(30, 9, 0, "Asia/Shanghai")
    assert next_run(s, at(2026, 2, 1)) == at(2026, 2, 28, 9, 0)
    assert next_run(s, at(2026, 4, 1)) == at(2026, 4, 30, 9, 0)
    assert next_run(s, at(2026, 5, 1)) == at(2026, 5, 30, 9, 0)  # not the 31st
    # leap year: Feb 29 from both parts of the trigger, one run
    assert next_run(s, at(2028, 2, 1)) == at(2028, 2, 29, 9, 0)
    assert next_run(s, at(2028, 2, 29, 9, 0, 1)) == at(2028, 3, 30, 9, 0)


def test_shanghai_versus_utc_month_boundaries():
    # 2026-10-31 20:00 UTC is 2026-11-01 04:00 in Shanghai
    instant = dt.datetime(2026, 10, 31, 20, 0, tzinfo=dt.UTC)
    assert last_full_month(instant, "Asia/Shanghai") == pd.Period("2026-10", freq="M")
    assert last_full_month(instant, "UTC") == pd.Period("2026-09", freq="M")
    # a 09:00 Shanghai run on Nov 1 is 01:00 UTC: still November 1 in UTC too
    s = Schedule(1, 9, 0, "Asia/Shanghai")
    when = next_run(s, dt.datetime(2026, 10, 31, 20, 0, tzinfo=dt.UTC))
    assert when.astimezone(dt.UTC) == dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)


def test_bad_zone_fails_loudly_in_words():
    with pytest.raises(ConfigError) as err:
        AppConfig(timezone="Mars/Base")
    assert "TIMEZONE「Mars/Base」" in err.value.message and "Asia/Shanghai" in err.value.hint
    # a zone that slipped past the sheet check still stops the schedule, naming where it came from
    with pytest.raises(ConfigError) as err:
        schedule_from(Settings(timezone="Mars/Base"), AppConfig())
    assert "「设置」的 时区「Mars/Base」" in err.value.message


def test_a_fractional_day_is_refused_not_rounded():
    with pytest.raises(ConfigError) as err:
        schedule_from(Settings(report_day=15.5), AppConfig())
    assert "月报日「15.5」" in err.value.message
