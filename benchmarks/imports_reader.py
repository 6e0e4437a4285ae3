"""Benchmark: the readers' cost with 200,000 rows in 导入 (ask, check, run-once, the daily check), cold.

    python benchmarks/imports_reader.py [--imports 200000] [--rows 1000] [--touches 20000] [--only ask check]

Generates (once, cached in benchmarks/out/) a workbook with ``--imports`` rows in 导入 as ``python -m sheets
import`` writes them (one per day × 平台 × 账户 × 平台活动名称: 巨量引擎, 京准通 15天 and 腾讯广告 7天, 500 platform
campaigns × 400 days from 2025-01-01, a few named *618* and mapped by 映射 to 618活动), ``--rows`` typed 活动
rows (benchmarks/core.generate, date cells), 触点 ``--touches``, 设置 (巨量引擎渠道 = 抖音, 京准通渠道 = 京东) and
a 预算 plan. Then, each on a fresh copy in its own process (benchmarks/workbook.measure), times

- read:        ``XlsxSource(path).read()``: read + parse + validate + the merge of 导入 into 活动
- ask:         ``python -m bot ask 618活动`` (its figures use imported rows: the answer names them)
- check:       ``python -m sheets check`` (reads, rewrites 数据校验)
- run-once:    ``python -m scheduler run-once --month 2025-06`` (no Slack: writes the 3 tabs)
- daily check: ``python -m scheduler check-now --dry-run --date 2026-02-05`` (the imported campaigns running)

Targets (the 200k-row workbook of the hardening issue, 2 cores): ask < 10 s, check < 15 s, run-once < 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # after ROOT: benchmarks/sheets.py must not hide the package

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

DAYS = 400
FIRST = dt.date(2025, 1, 1)
IMPORT_HEADER = ["日期", "平台", "账户", "平台活动名称", "广告费用", "曝光量", "点击量", "转化数", "销售额", "归因窗口",
                 "来源文件", "导入时间"]
PLATFORMS = (("巨量引擎", ""), ("京准通", "15天"), ("腾讯广告", "7天"))


def import_rows(n: int) -> list[list]:
    """``n`` 导入 rows (no header): platform campaigns × days, the figures random but fixed (seed 25)."""
    rng = np.random.default_rng(25)
    campaigns = max(1, -(-n // DAYS))
    idx = np.arange(n)
    camp, day = idx // DAYS, idx % DAYS
    days = pd.date_range(FIRST, periods=DAYS, freq="D").strftime("%Y-%m-%d").to_numpy()
    names = np.array([f"618直播-{i}" if i % 50 == 0 else f"计划{i:04d}" for i in range(campaigns)], dtype=object)
    plat = camp % len(PLATFORMS)
    cost = rng.uniform(100, 5000, n).round(2)
    shows = rng.integers(1000, 200000, n)
    clicks = (shows * rng.uniform(0.005, 0.05, n)).astype(int)
    orders = (clicks * rng.uniform(0, 0.1, n)).astype(int)
    frame = pd.DataFrame({
        "d": days[day], "p": np.array([p for p, _ in PLATFORMS], dtype=object)[plat], "a": "1001",
        "c": names[camp], "cost": cost, "s": shows, "k": clicks, "o": orders,
        "g": (cost * rng.uniform(0.5, 4, n)).round(2), "w": np.array([w for _, w in PLATFORMS], dtype=object)[plat],
        "f": "export.csv", "t": "2026-02-05 09:00"})
    return frame.to_numpy().tolist()


def workbook(imports: int, rows: int, touches: int) -> Path:
    """The generated workbook for these sizes (made once with openpyxl's write_only mode, then reused)."""
    path = OUT / f"team-imports-{imports}-{rows}-{touches}.xlsx"
    if path.exists():
        return path
    from core import generate, generate_touches
    from openpyxl import Workbook
    from workbook import DATE_COLUMNS, EPOCH

    OUT.mkdir(parents=True, exist_ok=True)
    tabs = generate(rows)
    tabs["触点"] = generate_touches(touches) if touches else [["客户ID", "时间", "渠道", "活动名称", "是否转化"]]
    tabs["设置"] = [*tabs["设置"], ["巨量引擎渠道", "抖音"], ["京准通渠道", "京东"]]
    tabs["导入"] = [IMPORT_HEADER, *import_rows(imports)]
    tabs["映射"] = [["平台活动名称", "活动名称"], ["*618*", "618活动"]]
    last = (FIRST + dt.timedelta(days=DAYS - 1)).isoformat()
    tabs["预算"] = [["活动名称", "渠道", "计划开始", "计划结束", "预算"], ["计划0001", "京东", "2026-01-01", last, 60000]]
    book = Workbook(write_only=True)
    for title in ("活动", "触点", "设置", "导入", "映射", "预算"):
        ws = book.create_sheet(title)
        for i, row in enumerate(tabs[title]):
            if title == "活动" and i:
                row = list(row)
                for c in DATE_COLUMNS:  # Excel users have date cells, not serial numbers
                    if isinstance(row[c], int):
                        row[c] = EPOCH + dt.timedelta(days=row[c])
            ws.append(row)
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    os.replace(tmp, path)
    return path


def commands(today: str) -> dict:
    from workbook import COMMANDS

    return {"read": COMMANDS["read"], "ask": COMMANDS["ask"], "check": COMMANDS["check"],
            "run-once": COMMANDS["run-once"],
            "daily check": lambda f: [sys.executable, "-m", "scheduler", "check-now", "--dry-run", "--date", today,
                                      "--source", f]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--imports", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=1_000)
    parser.add_argument("--touches", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="run only these operations (read, ask, check, run-once, daily)")
    args = parser.parse_args()
    from workbook import measure

    t0 = time.perf_counter()
    source = workbook(args.imports, args.rows, args.touches)
    made = time.perf_counter() - t0
    today = (FIRST + dt.timedelta(days=DAYS)).isoformat()  # the day after the last imported day
    ops = commands(today)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"workbook: {source.relative_to(ROOT)} ({source.stat().st_size / 2**20:.1f} MiB; 导入 {args.imports} rows, "
          f"活动 {args.rows}, 触点 {args.touches}; {f'made in {made:.1f} s' if made > 1 else 'cached'})")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOOGLE_", "ROI_", "REPORT_"))}
        env["DATABASE_URL"] = f"sqlite:///{tmp}/runs.sqlite"
        env["PYTHONPATH"] = str(ROOT)
        print(f"{'operation':<12} {'seconds':>8} {'CPU s':>7} {'peak RSS MiB':>13} {'exit':>5}", flush=True)
        for name in [n for n in ops if not args.only or n.split()[0] in args.only]:
            for _ in range(args.repeat):
                copy = Path(tmp) / "team.xlsx"
                shutil.copy(source, copy)
                seconds, cpu, rss, code = measure(ops[name](str(copy)), env)
                print(f"{name:<12} {seconds:>8.1f} {cpu:>7.1f} {rss:>13.0f} {code:>5}", flush=True)
                if name == "run-once":
                    Path(tmp, "runs.sqlite").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
