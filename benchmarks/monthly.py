"""Benchmark: the monthly job end to end against the loopback Sheets and Slack APIs.

    python benchmarks/monthly.py [--campaigns 100000] [--touches 1000000]

Reads the whole sheet (活动 + 触点) from the fake Sheets API (its own process),
computes the month's summary, upserts 月度汇总 and 渠道月度, rewrites 数据校验,
posts to the fake Slack; then runs again (the re-run edits the message).
Prints seconds, peak memory and the API calls of each run.
Target (issue 6): 1 read, a stated handful of writes, 1 post or update.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402
from core import generate as generate_campaigns  # noqa: E402
from core import generate_touches  # noqa: E402

from roi_app.monthly import run_monthly  # noqa: E402
from roi_runtime.config import AppConfig  # noqa: E402
from sheets.google import forget_metadata  # noqa: E402
from tests.fakes.sheets_api import FakeSheetsAPI  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402

KEY = "1MonthlyBenchMonthlyBenchMonthly01"


def serve(tabs: dict, conn) -> None:
    with FakeSheetsAPI() as fake:
        fake.add_spreadsheet(KEY, "bench", tabs, rows=max(len(r) for r in tabs.values()) + 10, cols=26)
        conn.send((fake.url, fake.service_account_info()))
        while (msg := conn.recv()) != "done":
            if msg == "calls":
                conn.send([c["kind"] for c in fake.calls() if c["kind"] != "token"])
                fake.reset_calls()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=1_000_000)
    args = parser.parse_args()
    tabs = generate_campaigns(args.campaigns)
    tabs["触点"] = generate_touches(args.touches)
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(tabs, child), daemon=True)
    server.start()
    url, account = parent.recv()
    del tabs
    parent.send("calls")
    parent.recv()  # forget the setup calls
    rows = []
    with FakeSlackAPI() as slack, tempfile.TemporaryDirectory() as tmp:
        config = AppConfig(source=f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
                           google_service_account_json=json.dumps(account), google_sheets_api_url=url,
                           slack_bot_token="xoxb-bench", slack_api_url=slack.api_url, report_channel="CBENCH",
                           database_url=f"sqlite:///{tmp}/bench.sqlite")
        for label in ("first run", "re-run"):
            forget_metadata()
            before = len(slack.calls())
            t0 = time.perf_counter()
            result = run_monthly(config, month=pd.Period("2026-03", freq="M"), out=io.StringIO())
            seconds = time.perf_counter() - t0
            parent.send("calls")
            sheet_calls = parent.recv()
            slack_calls = [c["method"] for c in slack.calls()[before:]]
            rows.append((label, result.status, seconds, sheet_calls, slack_calls))
    parent.send("done")
    server.join(10)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"monthly benchmark: {args.campaigns:,} 活动 rows, {args.touches:,} 触点 rows; fakes over loopback")
    print(f"{'run':<10}{'status':<9}{'seconds':>8}  {'Sheets calls':<48}{'Slack calls'}")
    for label, status, seconds, sheet_calls, slack_calls in rows:
        counted = ", ".join(f"{k} x{sheet_calls.count(k)}" for k in dict.fromkeys(sheet_calls))
        print(f"{label:<10}{status:<9}{seconds:>8.2f}  {len(sheet_calls)}: {counted:<45}{len(slack_calls)}: "
              f"{', '.join(slack_calls)}")
    print(f"peak RSS of this process: {peak:,.0f} MiB (includes generating the input)")


if __name__ == "__main__":
    main()
