"""Benchmark: the local .xlsx workbook at scale (read, ask, check, run-once), cold, each in its own process.

    python benchmarks/workbook.py [--rows 200000] [--touches 20000] [--repeat 1]

Generates (once, cached in benchmarks/out/) a workbook shaped like a team's:
活动 with ``--rows`` rows (date cells, numbers, some messy text, a few bad
cells), 触点 with ``--touches`` touches, 设置. Then, on a fresh copy each time,
runs every operation in a new Python process and prints a table of wall
seconds and that process's peak RSS (``os.wait4``'s ru_maxrss):

- read:     ``XlsxSource(path).read()`` (read + parse + validate, nothing else)
- 3 writes / 3 batched: the monthly job's three tab writes alone, one by one / in one ``batch()``
- ask:      ``python -m bot ask 618活动 --source FILE``
- check:    ``python -m sheets check --source FILE`` (reads, rewrites 数据校验)
- run-once: ``python -m scheduler run-once --month 2025-06 --source FILE`` (no Slack: writes the 3 tabs)

Targets (200k rows, 2 cores): run-once < 30 s, check < 15 s, ask < 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # after ROOT: benchmarks/sheets.py must not hide the package

DATE_COLUMNS = (2, 3)  # 开始日期, 结束日期 in benchmarks/core.generate
EPOCH = dt.date(1899, 12, 30)


def workbook(rows: int, touches: int) -> Path:
    """The generated workbook for this size (made once with openpyxl's write_only mode, then reused)."""
    path = OUT / f"team-{rows}-{touches}.xlsx"
    if path.exists():
        return path
    from core import generate, generate_touches
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    OUT.mkdir(parents=True, exist_ok=True)
    tabs = generate(rows)
    tabs["触点"] = generate_touches(touches) if touches else [["客户ID", "时间", "渠道", "活动名称", "是否转化"]]
    book = Workbook(write_only=True)
    for title in ("活动", "触点", "设置"):
        ws = book.create_sheet(title)
        for i, row in enumerate(tabs[title]):
            if title == "活动" and i:
                row = list(row)
                for c in DATE_COLUMNS:  # Excel users have date cells, not serial numbers
                    if isinstance(row[c], int):
                        row[c] = EPOCH + dt.timedelta(days=row[c])
            if i == 0:
                cells = []
                for value in row:
                    cell = WriteOnlyCell(ws, value)
                    cell.font = Font(bold=True)
                    cells.append(cell)
                row = cells
            ws.append(row)
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    os.replace(tmp, path)
    return path


def _writes(path: str, batched: bool) -> None:
    """The monthly job's three writes (月度汇总, 渠道月度, 数据校验), one by one or as one batch."""
    from roi_core.schema import CHANNEL_MONTHLY_TAB, MONTHLY_SUMMARY_TAB
    from sheets.xlsx import XlsxSource

    source = XlsxSource(path)
    with source.batch() if batched else _Direct(source) as w:
        w.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", "总成本"], [["2025-06", 1.0]], ["月份"])
        w.upsert_rows(CHANNEL_MONTHLY_TAB, ["月份", "渠道", "总成本"], [["2025-06", "抖音", 1.0]], ["月份", "渠道"])
        w.write_problems([], dt.datetime(2025, 7, 1))


class _Direct:
    def __init__(self, source):
        self.source = source

    def __enter__(self):
        return self.source

    def __exit__(self, *exc) -> None:
        pass


def _read_only(path: str) -> None:
    from sheets.xlsx import XlsxSource

    data = XlsxSource(path).read()
    print(f"{len(data.campaigns)} campaigns, {len(data.problems)} problems", file=sys.stderr)


COMMANDS = {
    "read": lambda f: [sys.executable, __file__, "--read-only", f],
    "3 writes": lambda f: [sys.executable, __file__, "--writes", "each", f],
    "3 batched": lambda f: [sys.executable, __file__, "--writes", "batch", f],
    "ask": lambda f: [sys.executable, "-m", "bot", "ask", "618活动", "--source", f],
    "check": lambda f: [sys.executable, "-m", "sheets", "check", "--source", f],
    "run-once": lambda f: [sys.executable, "-m", "scheduler", "run-once", "--month", "2025-06", "--source", f],
}


def measure(argv: list[str], env: dict) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MiB) and exit code of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        print(err[-2000:], file=sys.stderr)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--touches", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="*", choices=list(COMMANDS), help="run only these operations")
    parser.add_argument("--read-only", help=argparse.SUPPRESS)
    parser.add_argument("--writes", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writes:
        _writes(args.writes[1], args.writes[0] == "batch")
        return
    if args.read_only:
        _read_only(args.read_only)
        return
    t0 = time.perf_counter()
    source = workbook(args.rows, args.touches)
    made = time.perf_counter() - t0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"workbook: {source.relative_to(ROOT)} ({source.stat().st_size / 2**20:.1f} MiB; "
          f"活动 {args.rows} rows, 触点 {args.touches}; {f'made in {made:.1f} s' if made > 1 else 'cached'})")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOOGLE_", "ROI_", "REPORT_"))}
        env["DATABASE_URL"] = f"sqlite:///{tmp}/runs.sqlite"
        env["PYTHONPATH"] = str(ROOT)
        # CPU seconds too: on a shared 2-core machine the wall time also counts other people's work
        print(f"{'operation':<10} {'seconds':>8} {'CPU s':>7} {'peak RSS MiB':>13} {'exit':>5}", flush=True)
        for name in args.only or list(COMMANDS):
            for _ in range(args.repeat):
                copy = Path(tmp) / "team.xlsx"
                shutil.copy(source, copy)
                seconds, cpu, rss, code = measure(COMMANDS[name](str(copy)), env)
                print(f"{name:<10} {seconds:>8.1f} {cpu:>7.1f} {rss:>13.0f} {code:>5}", flush=True)
                if name == "run-once":
                    Path(tmp, "runs.sqlite").unlink(missing_ok=True)  # the next repeat runs the month again


if __name__ == "__main__":
    main()
