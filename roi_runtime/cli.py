"""How every entry point ends on an error a user can fix: one Chinese line, an optional 提示 line, exit 2."""

from __future__ import annotations

import logging
import sys

from roi_core.errors import RoiError

EXIT_CONFIG = 2  # settings, database or sheet settings: fix and rerun
EXIT_BUG = 3  # a bug of ours


def report(err: RoiError, stream=None) -> int:
    """Print ``err`` (message, then 提示) on stderr; return the exit code for a settings problem."""
    stream = stream or sys.stderr
    print(f"❌ {err.message}", file=stream)
    if err.hint:
        print(f"提示：{err.hint}", file=stream)
    return EXIT_CONFIG


def report_bug(logger: str, yours: str = "表格", stream=None) -> int:
    """Say plainly that the command hit a bug of ours (not the user's ``yours``: 表格, 数据, 设置或数据), keep the
    traceback in ``logger``'s debug log (shown with --debug); return the exit code for a bug."""
    logging.getLogger(logger).debug("unexpected error", exc_info=True)
    print(f"❌ 出错了，这是 ROI 助手的问题，不是你的{yours}的问题。请把命令发给维护者（加 --debug 可看详情）。",
          file=stream or sys.stderr)
    return EXIT_BUG
