"""Benchmark: importing a platform's report export, and reading a sheet whose 导入 holds the rows.

    python benchmarks/imports.py [--rows 1000000] [--campaigns 2000] [--existing 200000]

1. Writes a 千川 export of ``--rows`` data rows as the platform saves it (GBK CSV, two title lines, thousands
   separators, "--", trailing empty columns, a 合计 row): ``--campaigns`` campaigns × 500 days × 单元, so rows
   of one campaign and day are summed as a finer grain would be.
2. Times ``sheets.imports.parse_export`` on it (read, decode, recognise, parse, sum per day × 账户 × 计划), then
   ``roi_core.imports.plan_import`` of those rows against a 导入 of ``--existing`` rows (half of them the
   same keys): the whole path of ``python -m sheets import --dry-run`` but the sheet read.
3. Times ``load_sheet`` of a sheet with ``--existing`` 导入 rows and 1,000 typed 活动 rows (some overlapping):
   what every answer, the monthly run and the daily check pay for 导入.

Target (issue 25): a 1,000,000-row export imported in < 30 s on 2 cores; the read with 200k 导入 rows
within the 200k-row targets of the hardening issue.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from roi_core import imports as core  # noqa: E402
from roi_core import load_sheet  # noqa: E402
from sheets.imports import parse_export  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
HEADER = "日期,账户ID,计划名称,单元名称,消耗(元),展示数,点击数,成交订单数,成交订单金额,支付ROI,,"


def export_bytes(rows: int, campaigns: int) -> bytes:
    """A 千川 export of ``rows`` data rows, GBK, as the platform writes it."""
    rng = np.random.default_rng(25)
    days = pd.date_range("2025-01-01", periods=500, freq="D").strftime("%Y-%m-%d").to_numpy()
    day = days[rng.integers(0, len(days), rows)]
    camp = np.char.add("计划", rng.integers(0, campaigns, rows).astype(str))
    unit = np.char.add("单元", rng.integers(0, 8, rows).astype(str))
    cost = rng.uniform(0, 20000, rows).round(2)
    cost_text = pd.Series(cost).map("{:,.2f}".format).to_numpy()
    cost_text[::97] = "--"
    show = rng.integers(0, 500000, rows)
    click = (show * rng.uniform(0, 0.05, rows)).astype(int)
    orders = (click * rng.uniform(0, 0.1, rows)).astype(int)
    gmv = (orders * rng.uniform(50, 500, rows)).round(2)
    frame = pd.DataFrame({"d": day, "a": "1001", "c": camp, "u": unit, "cost": cost_text, "s": show, "k": click,
                          "o": orders, "g": gmv, "r": (gmv / np.maximum(cost, 1)).round(2), "x": "", "y": ""})
    body = frame.to_csv(index=False, header=False, quoting=1)
    text = f"报表时间：2025-01-01 至 2026-05-15\n账户：基准店铺\n{HEADER}\n{body}合计,,,,\"1\",1,1,1,1,,,\n"
    return text.encode("gb18030")


def existing_tab(rows: pd.DataFrame, n: int) -> list[list]:
    """A 导入 tab of ``n`` rows as a sheet holds them (header first): half the export's keys, half others."""
    sample = rows.head(n // 2)
    extra = sample.assign(platform_campaign=sample["platform_campaign"] + "-旧")
    both = pd.concat([sample, extra], ignore_index=True).head(n)
    table = [["日期", "平台", "账户", "平台活动名称", "广告费用", "曝光量", "点击量", "转化数", "销售额", "归因窗口", "来源文件",
              "导入时间"]]
    table += pd.DataFrame({
        "d": both["day"].dt.strftime("%Y-%m-%d"), "p": both["platform"], "a": both["account"],
        "c": both["platform_campaign"], "cost": both["ad_spend"].fillna(0).round(2), "s": both["impressions"],
        "k": both["clicks"], "o": both["conversions"], "g": both["revenue"], "w": "", "f": "old.csv",
        "t": "2026-05-16 09:00"}).to_numpy().tolist()
    return table


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--campaigns", type=int, default=2000)
    parser.add_argument("--existing", type=int, default=200_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"qianchuan-{args.rows}.csv"
    if not path.exists():
        path.write_bytes(export_bytes(args.rows, args.campaigns))
    data = path.read_bytes()
    print(f"export: {path.name}, {len(data) / 1048576:.1f} MB, {args.rows:,} data rows")

    t0 = time.perf_counter()
    parsed = parse_export(path.name, data)
    t1 = time.perf_counter()
    print(f"parse_export: {t1 - t0:.2f} s → {len(parsed.rows):,} rows (day × 账户 × 计划), "
          f"skipped {sum(len(v) for v in parsed.skipped.values())}")

    tab = existing_tab(parsed.rows, args.existing)
    t2 = time.perf_counter()
    existing, _, _ = core.read_imports({"导入": tab})
    planned = core.plan_import(existing, parsed.rows.assign(file=path.name))
    t3 = time.perf_counter()
    counts = planned["status"].value_counts().to_dict()
    print(f"read 导入 ({args.existing:,} rows) + plan: {t3 - t2:.2f} s → {counts}")
    print(f"import without the sheet's read and write: {t3 - t0:.2f} s (target < 30 s)")

    campaigns = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"]]
    campaigns += [[f"计划{i}", "巨量引擎" if i % 10 == 0 else "微信", "2025-03-01", "2025-03-31", 1000, 3000]
                  for i in range(1000)]
    tabs = {"活动": campaigns, "导入": tab, "设置": [["参数", "值"]]}
    t4 = time.perf_counter()
    sheet = load_sheet(tabs)
    t5 = time.perf_counter()
    print(f"load_sheet with 导入 {args.existing:,} rows + 活动 1,000 rows: {t5 - t4:.2f} s → "
          f"{len(sheet.campaigns):,} campaign rows, {sum(1 for p in sheet.problems if p.tab == '活动')} overlaps listed")
    t6 = time.perf_counter()
    load_sheet({"活动": campaigns, "设置": [["参数", "值"]]})
    print(f"load_sheet without 导入 (the same 活动): {time.perf_counter() - t6:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
