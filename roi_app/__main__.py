"""Commands of the application layer.

    python -m roi_app addon-key [--source SHEET] [--revoke | --list]   the spreadsheet plugin's tokens

``python -m sheets addon-key`` is the same command under the name the add-on's settings show. A bad
setting (environment or database) ends it with one Chinese line, a 提示 line, and exit code 2; never a
traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from roi_app.addon_key import add_arguments, addon_key_command
from roi_core import RoiError
from roi_runtime.cli import report, report_bug
from roi_runtime.config import AppConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roi_app", description="ROI 助手")
    parser.add_argument("--debug", action="store_true", help="打印调试日志")
    sub = parser.add_subparsers(dest="command", required=True)
    add_arguments(sub.add_parser("addon-key", help="表格插件的令牌：生成（最后一行是令牌）、--revoke 吊销、--list 列出"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return addon_key_command(args, AppConfig.from_env(os.environ))
    except RoiError as err:
        return report(err)
    except Exception:  # a bug of ours: said plainly, the traceback kept for --debug
        return report_bug("roi_app")


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the program quietly
    sys.exit(main())
