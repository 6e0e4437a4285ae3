"""AppConfig: every setting checked once; a bad one is a ConfigError naming the variable, the value and the fix."""

from __future__ import annotations

import pytest

from roi_core.errors import RoiError
from roi_runtime.config import (
    DEFAULT_DATABASE_URL,
    DEMO_WORKBOOK,
    DEMO_WORKING_COPY,
    AppConfig,
    ConfigError,
    is_memory_database,
    normalize_database_url,
    parse_report_day,
    parse_report_time,
)


def test_a_full_environment_is_read():
    c = AppConfig.from_env({
        "ROI_SOURCE": " team.xlsx ", "SHEET_CACHE_TTL": "30", "REPORTS_IN_CHANNEL": "0", "CHART_PNG": "Button",
        "SLACK_WORKERS": "4", "REPORT_DAY": "15", "REPORT_TIME": "18:30", "TIMEZONE": "Asia/Hong_Kong",
        "DATABASE_URL": "postgres://roi:secret@db.internal:5433/roi", "ALLOWED_TEAM_IDS": "T1, T2,",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    })
    assert (c.source, c.sheet_cache_ttl, c.reports_in_channel, c.chart_png, c.slack_workers) == \
        ("team.xlsx", 30.0, False, "button", 4)
    assert (c.report_day, c.report_time, c.timezone) == (15, "18:30", "Asia/Hong_Kong")
    assert c.allowed_team_ids == {"T1", "T2"}
    assert c.database == "postgresql+psycopg://roi:secret@db.internal:5433/roi"


def test_blank_values_are_unset_and_defaults_apply():
    c = AppConfig.from_env({"REPORT_DAY": " ", "TIMEZONE": "", "DATABASE_URL": "  "})
    assert (c.report_day, c.timezone, c.database_url) == (None, None, None)
    assert c.database == DEFAULT_DATABASE_URL and c.source == str(DEMO_WORKBOOK)
    assert (c.sheet_cache_ttl, c.slack_workers, c.chart_png, c.reports_in_channel) == (60.0, 8, "auto", True)


@pytest.mark.parametrize("name, value, in_hint", [
    ("TIMEZONE", "Mars/Base", "Asia/Shanghai"),
    ("REPORT_TIME", "25:99", "09:00"),
    ("REPORT_TIME", "9点", "09:00"),
    ("REPORT_DAY", "15.5", "1 或 15"),
    ("REPORT_DAY", "0", "1 或 15"),
    ("REPORT_DAY", "32", "1 或 15"),
    ("DATABASE_URL", "not a url", "postgresql://"),
    ("DATABASE_URL", "mysql://u@h/db", "postgresql://"),
    ("DATABASE_URL", "sqlite:relative.db", "sqlite:////"),
    ("DATABASE_URL", "postgresql:///roi", "postgresql://"),
    ("SHEET_CACHE_TTL", "soon", "SHEET_CACHE_TTL"),
    ("SHEET_CACHE_TTL", "-5", "SHEET_CACHE_TTL"),
    ("SHEET_CACHE_TTL", "nan", "SHEET_CACHE_TTL"),
    ("SLACK_WORKERS", "0", "SLACK_WORKERS"),
    ("SLACK_WORKERS", "2.5", "SLACK_WORKERS"),
    ("REPORTS_IN_CHANNEL", "maybe", "1"),
    ("CHART_PNG", "svg", "auto、button 或 off"),
    ("SLACK_API_URL", "slack.com/api", "http://"),
    ("GOOGLE_SHEETS_API_URL", "localhost:8080", "http://"),
])
def test_a_bad_value_names_the_variable_the_value_and_the_fix(name, value, in_hint):
    with pytest.raises(ConfigError) as caught:
        AppConfig.from_env({name: value})
    err = caught.value
    assert isinstance(err, RoiError)
    assert name in err.message and f"「{value}」" in err.message
    assert in_hint in err.hint
    assert "Traceback" not in str(err) and "Error" not in err.message  # Chinese words, not a Python message


def test_a_config_built_in_code_is_held_to_the_same_rules():
    with pytest.raises(ConfigError, match="TIMEZONE「Mars/Base」"):
        AppConfig(timezone="Mars/Base")
    with pytest.raises(ConfigError, match="REPORT_TIME「25:99」"):
        AppConfig(report_time="25:99")
    with pytest.raises(ConfigError, match="CHART_PNG"):
        AppConfig(chart_png="svg")


def test_a_password_never_appears_in_a_message():
    with pytest.raises(ConfigError) as caught:
        AppConfig.from_env({"DATABASE_URL": "oracle://roi:hunter2@db/roi"})
    assert "hunter2" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        AppConfig.from_env({"DATABASE_URL": "postgres://roi:hunter2@/roi"})
    assert "hunter2" not in str(caught.value) and "roi:***@" in caught.value.message


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u@h:5433/db?sslmode=require", "postgresql+psycopg://u@h:5433/db?sslmode=require"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////srv/roi.sqlite", "sqlite:////srv/roi.sqlite"),
    ("SQLite:///var/roi.sqlite", "sqlite:///var/roi.sqlite"),
])
def test_database_urls_are_normalised(url, expected):
    assert normalize_database_url(url) == expected


@pytest.mark.parametrize("url, memory", [
    ("sqlite://", True), ("sqlite:///", True), ("sqlite:///:memory:", True), ("sqlite:///x.db", False),
    ("postgres://h/db", False),
])
def test_in_memory_sqlite_is_recognised(url, memory):
    assert is_memory_database(url) is memory


@pytest.mark.parametrize("value, day", [
    ("1", 1), ("31", 31), (15, 15), (15.0, 15), ("15.0", 15), ("１５", 15),
    (15.5, None), ("15.5", None), ("0", None), (32, None), ("十五", None), (True, None), (float("nan"), None),
])
def test_report_day_is_a_whole_day_of_the_month(value, day):
    assert parse_report_day(value) == day


@pytest.mark.parametrize("value, hm", [
    ("09:00", (9, 0)), ("9:05", (9, 5)), ("23:59", (23, 59)), ("18：30", (18, 30)),
    ("24:00", None), ("25:99", None), ("9", None), ("09:00:00", None), ("", None),
])
def test_report_time_is_a_time_of_day(value, hm):
    assert parse_report_time(value) == hm


def test_writing_commands_use_the_demos_working_copy(tmp_path):
    assert AppConfig().for_writing().source == str(DEMO_WORKING_COPY)
    assert AppConfig(source=str(DEMO_WORKBOOK)).uses_demo
    team = AppConfig(source=str(tmp_path / "team.xlsx"))
    assert team.for_writing() is team  # any other source is written where it is


def test_roi_today_pins_the_teams_date_and_a_bad_one_is_named():
    import datetime as dt

    assert AppConfig.from_env({"ROI_TODAY": "2026-11-30"}).today == dt.date(2026, 11, 30)
    assert AppConfig.from_env({}).today is None  # production: the clock's date in the team's zone
    for value, words in (("2026-11-31", "不是日期"), ("30/11/2026", "不是日期"), ("9999-12-31", "超出范围")):
        with pytest.raises(ConfigError) as err:
            AppConfig.from_env({"ROI_TODAY": value})
        assert err.value.message == f"ROI_TODAY「{value}」{words}" + ("：日期要在 1900-01-01 到 2261-12-31 之间"
                                                                     if words == "超出范围" else "")
