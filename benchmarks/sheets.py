"""Benchmark: read and parse a big sheet from the loopback Sheets API, against get_all_records.

    python benchmarks/sheets.py [--campaigns 100000] [--touches 1600000]

Both sides run real gspread over HTTP against tests/fakes (the same server, the
same data, one run). Ours: GoogleSource.read() (one values:batchGet with
unformatted values, then roi_core.load_sheet: parsed, validated, problems).
Baseline: worksheet.get_all_records() per tab plus pandas.DataFrame (formatted
strings, nothing parsed). Peak memory is traced per side (tracemalloc).
Targets (issue 4): at least 2x faster than the baseline, under 1.5 GB peak.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from roi_core.config import AppConfig  # noqa: E402
from sheets.google import GoogleSource, forget_metadata  # noqa: E402
from tests.fakes.sheets_api import FakeSheetsAPI, fake_gspread_client  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from core import generate as generate_campaigns  # noqa: E402
from core import generate_touches  # noqa: E402

KEY = "1BenchBenchBenchBenchBenchBench0001"


def measure(fn, repeat: int):
    """Best wall time over ``repeat`` runs, then one more run under tracemalloc for the peak."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, best, peak / 2**20


def serve(tabs: dict, conn) -> None:
    """The fake Sheets API in its own process, so its JSON work does not share our GIL."""
    with FakeSheetsAPI() as fake:
        fake.add_spreadsheet(KEY, "bench", tabs, rows=max(len(r) for r in tabs.values()) + 10, cols=26)
        conn.send((fake.url, fake.service_account_info()))
        conn.recv()  # until the parent is done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=0, help="e.g. 1600000 for the cell-limit shape")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    tabs = generate_campaigns(args.campaigns)
    if args.touches:
        tabs["触点"] = generate_touches(args.touches)
    cells = sum(len(r) for rows in tabs.values() for r in rows)
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(tabs, child), daemon=True)
    server.start()
    url, account = parent.recv()
    del tabs
    config = AppConfig(google_service_account_json=json.dumps(account), google_sheets_api_url=url)
    calls = {}

    def ours():
        forget_metadata()
        source = GoogleSource(KEY, config)
        data = source.read()
        calls["ours"] = source.http.calls
        return data

    def baseline():
        client = fake_gspread_client(type("Fake", (), {"url": url})())
        book = client.open_by_key(KEY)
        return {ws.title: pd.DataFrame(ws.get_all_records()) for ws in book.worksheets() if ws.title in ("活动", "触点")}

    try:
        data, our_s, our_mb = measure(ours, args.repeat)
        frames, base_s, base_mb = measure(baseline, args.repeat)
    finally:
        parent.send("done")
        server.join(10)
    print(f"sheets benchmark: {args.campaigns:,} 活动 rows, {args.touches:,} 触点 rows, {cells:,} cells, "
          f"fake Sheets API in its own process over loopback; best of {args.repeat}")
    print(f"{'side':<44}{'seconds':>9}{'peak MiB':>10}{'API calls':>11}")
    print(f"{'ours: GoogleSource.read (parsed+validated)':<44}{our_s:>9.2f}{our_mb:>10.0f}{calls['ours']:>11}")
    print(f"{'baseline: get_all_records + DataFrame':<44}{base_s:>9.2f}{base_mb:>10.0f}{'1+1/tab':>11}")
    print(f"speed-up: {base_s / our_s:.2f}x (target >= 2x); rows parsed {len(data.campaigns) + len(data.touchpoints):,}, "
          f"left out {data.rows_skipped:,}; baseline rows {sum(len(f) for f in frames.values()):,} (unparsed strings)")


if __name__ == "__main__":
    main()
