"""The clock process and the monthly job by hand.

    python -m scheduler                                   run the clock (Procfile: clock)
    python -m scheduler run-once [--month 2026-10] [--dry-run] [--source ...] [--force]
    python -m scheduler next                              the next run, local and UTC
    python -m scheduler check-now [--date 2026-11-30] [--dry-run] [--json] [--source ...]   the daily check by hand

A bad setting (environment or database) ends any of them with one Chinese line,
a 提示 line, and exit code 2; never a traceback (``--debug`` shows one for our own bugs). So does a
``--date`` or ``--month`` that cannot be used: not a date, or outside 1900-01-01 … 2261-12-31, the
dates a sheet can hold (one line naming the option and the value).
Without ``--source``, the demo workbook is never written: run-once and the clock
work on its copy under ``var/`` (named in the output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys
from dataclasses import replace

from sqlalchemy.exc import SQLAlchemyError

from roi_app.bootstrap import bootstrap
from roi_app.monthly import run_monthly
from roi_core import RoiError, Settings
from roi_core.periods import last_full_month
from roi_runtime.cli import report, report_bug
from roi_runtime.config import AppConfig, ConfigError
from roi_runtime.db import check_database, database_error
from roi_runtime.workspace import writable_config
from scheduler.alerts_cli import OptionError, parse_date, parse_month_option
from scheduler.clock import add_daily_check, build_scheduler, read_schedule_settings
from scheduler.schedule import next_run, schedule_from

log = logging.getLogger("scheduler")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="ROI 助手月报")
    parser.add_argument("--debug", action="store_true")
    sub = parser.add_subparsers(dest="command")
    once = sub.add_parser("run-once", help="立即运行一次月报")
    once.add_argument("--month", help="YYYY-MM（默认：上一个完整月，按设置的时区）")
    once.add_argument("--dry-run", action="store_true", help="只打印将写入和发布的内容，不写不发")
    once.add_argument("--source", help=".xlsx 路径，或 Google 表格链接/ID")
    once.add_argument("--force", action="store_true", help="上次运行中断留下的锁也照样运行")
    once.add_argument("--touches", help="触点的表来源（同 ROI_TOUCHES）：月报顺便汇总这个月的触点路径")
    once.add_argument("--orders", help="订单的表来源（同 ROI_ORDERS）")
    once.add_argument("--format", choices=("text", "feishu"), default="text",
                      help="和 --dry-run 一起用：feishu 打印飞书会收到的月报卡片 JSON")
    sub.add_parser("next", help="下一次运行时间")
    check = sub.add_parser("check-now", help="立即巡检进行中的活动并发送预警")
    check.add_argument("--date", help="YYYY-MM-DD（默认：今天，按设置的时区）")
    check.add_argument("--dry-run", action="store_true", help="只打印预警，不写表格、不记录、不发 Slack")
    check.add_argument("--json", action="store_true", help="把预警打印成 JSON 列表")
    check.add_argument("--source", help=".xlsx 路径，或 Google 表格链接/ID")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:  # a --date or --month that cannot be used is a usage error, before any setting is read
        args.month = parse_month_option(getattr(args, "month", None), dt.date.today())
        args.date = parse_date(getattr(args, "date", None))
    except OptionError as err:
        return report(err)
    config: AppConfig | None = None
    try:
        config = AppConfig.from_env(os.environ)
        if args.command == "run-once":
            config = replace(config, touches_source=args.touches or config.touches_source,
                             orders_source=args.orders or config.orders_source)
            return _run_once(config, args)
        if args.command == "next":
            return _next(config)
        if args.command == "check-now":
            from scheduler.alerts_cli import check_now

            return check_now(config, args)
        return _clock(config)
    except ConfigError as err:
        return report(err)
    except SQLAlchemyError as err:  # the database went away after the check
        log.debug("database error", exc_info=True)
        return report(database_error(err, config.database if config else ""))
    except RoiError as err:  # the sheet: the user's to fix, as before
        report(err)
        return 1
    except KeyboardInterrupt:
        return 0
    except Exception:  # a bug of ours: said plainly, the traceback kept for --debug
        return report_bug(log.name, "设置或数据")


def _run_once(config: AppConfig, args) -> int:
    month = args.month  # read and bounded by main()
    latest = last_full_month(dt.datetime.now(dt.UTC), config.timezone or Settings().timezone)
    if month is not None and month > latest:  # a month not over yet has no summary (as the plugin's API says)
        return report(OptionError(f"--month「{month}」还没有结束，不能出月报", f"最近一个完整月是 {latest}"))
    if not args.dry_run:
        check_database(config.database)
        if args.source is None:
            config, note = writable_config(config)
            if note:
                print(note)
    services = bootstrap(config, role="job")  # the Slack client and notifier the clock's runs use too
    result = run_monthly(services.config, month=month, source=args.source, dry_run=args.dry_run, force=args.force,
                         notifier=services.notifier(), dry_run_format=args.format)
    if not (args.dry_run and args.format == "feishu"):  # the card alone on stdout, for a pipe to jq
        print(f"{result.month}: {result.message}")
    return 0 if result.status in ("posted", "updated", "sheet_only", "dry_run") else 1


def _next(config: AppConfig) -> int:
    found = read_schedule_settings(config)
    schedule = schedule_from(found.settings, config)
    for note in found.notes:
        print(f"⚠ {note}", file=sys.stderr)
    when = next_run(schedule, dt.datetime.now(dt.UTC))
    print(f"下一次月报：{when:%Y-%m-%d %H:%M} {schedule.timezone}（UTC {when.astimezone(dt.UTC):%Y-%m-%d %H:%M}）")
    print(f"计划：{schedule.describe()}")
    return 0


def _clock(config: AppConfig) -> int:
    check_database(config.database)
    config, note = writable_config(config)
    if note:
        print(note)
        # the job rebuilds its config from the environment when it fires (it is stored as a plain
        # "module:function" reference): point it at the same working copy
        os.environ["ROI_SOURCE"] = config.source
    found = read_schedule_settings(config)
    for line in found.notes:
        log.warning("%s", line)
    schedule = schedule_from(found.settings, config)
    scheduler = build_scheduler(config, schedule)
    add_daily_check(scheduler, found.settings.check_time, schedule.timezone)  # 每日巡检 at 巡检时间
    log.info("clock started: %s", schedule.describe())
    scheduler.start()
    return 0


if __name__ == "__main__":
    # `| head` closing the pipe ends the program quietly, as it does for other CLI tools (set here, not in
    # main(): a test calling main() in-process must not make its own process die on a closed socket)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
