"""``python -m scheduler check-now``: the daily check by hand (the subcommand's body; __main__ dispatches here),
and the date and month options of ``python -m scheduler`` read and bounded (:class:`OptionError`, exit 2)."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys

import pandas as pd

from roi_app.bootstrap import bootstrap
from roi_core import QueryError
from roi_core.parse import WIDEST_DATE_MAX, WIDEST_DATE_MIN
from roi_core.query import parse_month
from roi_runtime.db import check_database
from roi_runtime.workspace import writable_config
from scheduler.alerts import alerts_json, run_daily_check

# the widest dates a sheet can hold (roi_core.parse: 设置 最早日期 / 最晚日期 may widen to these, no further)
FIRST_DAY, LAST_DAY = WIDEST_DATE_MIN.date(), WIDEST_DATE_MAX.date()


class OptionError(QueryError):
    """A date or month option that cannot be used: a usage error (exit 2), said in one line."""


def _out_of_range(option: str, text: str, what: str, first: str, last: str) -> OptionError:
    return OptionError(f"{option}「{text}」超出范围：{what}要在 {first} 到 {last} 之间")


def parse_date(text: str | None, option: str = "--date") -> dt.date | None:
    """``--date``: an ISO date between 1900-01-01 and 2261-12-31 (what a sheet's dates can be), else OptionError."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        if re.fullmatch(r"0000-\d\d-\d\d", text.strip()):  # year 0: a date, just not one there is
            raise _out_of_range(option, text, "日期", f"{FIRST_DAY}", f"{LAST_DAY}") from None
        raise OptionError(f"日期「{text}」看不懂", "请写成 2026-11-30") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _out_of_range(option, text, "日期", f"{FIRST_DAY}", f"{LAST_DAY}")
    return day


def parse_month_option(text: str | None, today: dt.date, option: str = "--month") -> pd.Period | None:
    """``--month``: a month as /roi reads one (2026-10, 2026年10月, 上月) between 1900-01 and 2261-12, else OptionError."""
    if not text:
        return None
    try:
        month = parse_month(text, today)
    except QueryError as err:  # 2026-13: the core's own words
        raise OptionError(err.message, err.hint) from None
    except (ValueError, OverflowError):  # 0000-01: pandas has no year 0
        raise _out_of_range(option, text, "月份", f"{FIRST_DAY:%Y-%m}", f"{LAST_DAY:%Y-%m}") from None
    if month is None:
        raise OptionError(f"月份「{text}」看不懂", "请写成 2026-10")
    if not pd.Period(FIRST_DAY, freq="M") <= month <= pd.Period(LAST_DAY, freq="M"):
        raise _out_of_range(option, text, "月份", f"{FIRST_DAY:%Y-%m}", f"{LAST_DAY:%Y-%m}")
    return month


def check_now(config, args) -> int:
    """Run the check; print what it did (or, with --json, the alerts as JSON). 0 when it ran, 1 when a post failed.

    A sheet the check cannot stand on (unreadable, no 活动 tab, a bad 设置 巡检时间 or 时区) raises RoiError
    before anything is written: __main__ prints it as one ❌ line and its 提示, and exits 1."""
    day = parse_date(args.date) if isinstance(args.date, str) else args.date  # main() has read it already
    notifier = None
    if not args.dry_run:
        check_database(config.database)
        if args.source is None:
            config, note = writable_config(config)
            if note:
                print(note, file=sys.stderr if args.json else sys.stdout)
        notifier = bootstrap(config, role="job").notifier()
    out = io.StringIO() if args.json else sys.stdout
    run = run_daily_check(config, date=day, source=args.source, dry_run=args.dry_run, notifier=notifier, out=out,
                          strict=True)
    if args.json:
        print(alerts_json(run.alerts))
    elif not args.dry_run:
        print(f"{run.date}: {run.message}")
    return 1 if run.status == "partial" else 0
