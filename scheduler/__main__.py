"""The clock process and the monthly job by hand.

    python -m scheduler                                   run the clock (Procfile: clock)
    python -m scheduler run-once [--month 2026-10] [--dry-run] [--source ...] [--force]
    python -m scheduler next                              the next run, local and UTC
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys

import pandas as pd

from roi_core import QueryError, RoiError
from roi_core.config import AppConfig
from roi_core.query import parse_month
from scheduler.clock import build_scheduler, settings_for_schedule
from scheduler.job import run_monthly
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
    sub.add_parser("next", help="下一次运行时间")
    args = parser.parse_args(argv)
    # `| head` closing the pipe ends the program quietly, as it does for other CLI tools
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = AppConfig.from_env(os.environ)
    try:
        if args.command == "run-once":
            month = _month(args.month)
            result = run_monthly(config, month=month, source=args.source, dry_run=args.dry_run, force=args.force)
            print(f"{result.month}: {result.message}")
            return 0 if result.status in ("posted", "updated", "sheet_only", "dry_run") else 1
        settings = settings_for_schedule(config)
        schedule = schedule_from(settings, config)
        if args.command == "next":
            when = next_run(schedule, dt.datetime.now(dt.UTC))
            print(f"下一次月报：{when:%Y-%m-%d %H:%M} {schedule.timezone}（UTC {when.astimezone(dt.UTC):%Y-%m-%d %H:%M}）")
            print(f"计划：{schedule.describe()}")
            return 0
        scheduler = build_scheduler(config, schedule)
        log.info("clock started: %s", schedule.describe())
        scheduler.start()
        return 0
    except (RoiError, ValueError) as err:
        message = err.message if isinstance(err, RoiError) else str(err)
        print(f"❌ {message}", file=sys.stderr)
        if isinstance(err, RoiError) and err.hint:
            print(f"提示：{err.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def _month(text: str | None) -> pd.Period | None:
    if not text:
        return None
    month = parse_month(text, dt.date.today())
    if month is None:
        raise QueryError(f"月份「{text}」看不懂", "请写成 2026-10")
    return month


if __name__ == "__main__":
    sys.exit(main())
