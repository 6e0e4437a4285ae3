"""``python -m scheduler check-now``: the daily check by hand (the subcommand's body; __main__ dispatches here)."""

from __future__ import annotations

import datetime as dt
import io
import sys

from roi_core import QueryError
from roi_runtime.bootstrap import bootstrap
from roi_runtime.db import check_database
from roi_runtime.workspace import writable_config
from scheduler.alerts import alerts_json, run_daily_check


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(f"日期「{text}」看不懂", "请写成 2026-11-30") from None


def check_now(config, args) -> int:
    """Run the check; print what it did (or, with --json, the alerts as JSON). 0 when it ran, 1 when a post failed.

    A sheet the check cannot stand on (unreadable, no 活动 tab, a bad 设置 巡检时间 or 时区) raises RoiError
    before anything is written: __main__ prints it as one ❌ line and its 提示, and exits 1."""
    day = parse_date(args.date)
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
