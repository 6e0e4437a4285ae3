"""Benchmark: read and parse a sheet at the Google Sheets cell limit from the loopback Sheets API,
against plain ``get_all_records`` + ``pandas.DataFrame`` in the same run.

    python benchmarks/sheets.py                          # 1,600,000 触点 rows x 6 (9.6M cells)
    python benchmarks/sheets.py --shape campaigns        # 100,000 活动 rows x 19 (+ 设置)
    python benchmarks/sheets.py --touches 200000 --repeat 1   # a quick run

Everything is real: gspread and google-auth over HTTP against tests/fakes, the fake
in its own process (so its JSON work does not share our GIL). Each side runs in its
own fresh process, so its peak RSS (ru_maxrss: interpreter, libraries and data) is
its own. API calls are counted by the fake, token requests left out.

- ours: ``GoogleSource.read()``: the tab titles (``spreadsheets.get``, once per
  process) and ONE ``values:batchGet`` with UNFORMATTED_VALUE + SERIAL_NUMBER, then
  ``roi_core.load_sheet``: parsed (money, dates, yes/no), validated, problems listed.
- baseline: ``open_by_key`` + ``worksheet.get_all_records()`` per tab + ``pandas.DataFrame``:
  formatted strings, nothing parsed or validated.

Targets (issue 4): at least 2x faster than the baseline, under 1.5 GB peak.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# benchmarks/ (for core.py) goes last: run as a script, this file's own name would hide the sheets package
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

KEY = "1BenchBenchBenchBenchBenchBench0001"
TABS = ("活动", "触点", "设置")


def serve(shape: str, campaigns: int, touches: int, conn) -> None:
    """The fake Sheets API in its own process; the data is generated here, not in the readers' parent."""
    from core import generate as generate_campaigns
    from core import generate_touches

    from tests.fakes.sheets_api import FakeSheetsAPI

    tabs = generate_campaigns(campaigns) if shape == "campaigns" else {"设置": [["参数", "值"], ["回溯天数", 30]]}
    if shape == "touches":
        tabs["触点"] = generate_touches(touches)
    cells = sum(len(r) for rows in tabs.values() for r in rows)
    rows = {t: len(r) - 1 for t, r in tabs.items()}
    with FakeSheetsAPI() as fake:
        fake.add_spreadsheet(KEY, "bench", tabs, rows=max(len(r) for r in tabs.values()) + 10, cols=26)
        del tabs
        conn.send((fake.url, fake.service_account_info(), cells, rows))
        while True:
            message = conn.recv()
            if message == "reset":
                fake.reset_calls()
                conn.send(None)
            elif message == "calls":
                conn.send([c["kind"] for c in fake.calls() if c["kind"] != "token"])
            else:
                return


def ours(url: str, account: dict):
    from roi_runtime.config import AppConfig
    from sheets.google import GoogleSource, forget_metadata

    def run():
        forget_metadata()  # a cold process: titles fetched too
        data = GoogleSource(KEY, AppConfig(google_service_account_json=json.dumps(account),
                                           google_sheets_api_url=url)).read()
        return f"{len(data.campaigns) + len(data.touchpoints):,} rows parsed, {data.rows_skipped:,} left out"

    return run


def baseline(url: str, account: dict):
    import pandas as pd

    from tests.fakes.sheets_api import fake_gspread_client

    def run():
        client = fake_gspread_client(type("Fake", (), {"url": url})())
        book = client.open_by_key(KEY)
        frames = {ws.title: pd.DataFrame(ws.get_all_records()) for ws in book.worksheets() if ws.title in TABS}
        return f"{sum(len(f) for f in frames.values()):,} rows as strings"

    return run


def side(name: str, url: str, account: dict, repeat: int, conn) -> None:
    """One side in its own process: best wall time over ``repeat`` runs, and this process's peak RSS."""
    run = {"ours": ours, "baseline": baseline}[name](url, account)
    best, note = float("inf"), ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        note = run()
        best = min(best, time.perf_counter() - t0)
    conn.send((best, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, note))


def measure(name: str, url: str, account: dict, repeat: int, server) -> tuple[float, float, str, list[str]]:
    server.send("reset")
    server.recv()
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=side, args=(name, url, account, repeat, child))
    proc.start()
    best, rss, note = parent.recv()
    proc.join()
    server.send("calls")
    calls = server.recv()
    return best, rss, note, calls[: len(calls) // repeat]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=("touches", "campaigns"), default="touches")
    parser.add_argument("--touches", type=int, default=1_600_000)
    parser.add_argument("--campaigns", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    multiprocessing.set_start_method("fork")
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(args.shape, args.campaigns, args.touches, child), daemon=True)
    server.start()
    url, account, cells, rows = parent.recv()
    try:
        results = {name: measure(name, url, account, args.repeat, parent) for name in ("ours", "baseline")}
    finally:
        parent.send("done")
        server.join(30)
    shape = ", ".join(f"{t} {n:,} rows" for t, n in rows.items())
    print(f"sheets benchmark: {shape}; {cells:,} cells; fake Sheets API in its own process over loopback; "
          f"each side in a fresh process, best of {args.repeat}")
    print(f"{'side':<48}{'seconds':>9}{'peak RSS MiB':>14}  API calls per read")
    labels = {"ours": "ours: GoogleSource.read (parsed + validated)", "baseline": "baseline: get_all_records + DataFrame"}
    for name, (best, rss, _note, calls) in results.items():
        print(f"{labels[name]:<48}{best:>9.2f}{rss:>14.0f}  {len(calls)} ({', '.join(calls)})")
    ours_s, base_s = results["ours"][0], results["baseline"][0]
    print(f"speed-up: {base_s / ours_s:.2f}x (target >= 2x); peak {results['ours'][1]:.0f} MiB (target < 1536); "
          f"ours: {results['ours'][2]}; baseline: {results['baseline'][2]}")


if __name__ == "__main__":
    main()
