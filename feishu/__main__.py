"""Command line of the 飞书 door.

    python -m feishu                      the long connection (default; no public URL needed)
    python -m feishu http [--port 3100]   the HTTP event callback at POST /feishu/events

A missing or bad setting ends either with one Chinese line, a 提示 line and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from roi_runtime.cli import report
from roi_runtime.config import AppConfig, ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feishu", description="ROI 助手 · 飞书")
    parser.add_argument("--debug", action="store_true", help="打印调试日志")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("ws", help="长连接（默认）：不需要公网地址")
    http = sub.add_parser("http", help="HTTP 事件回调：POST /feishu/events")
    http.add_argument("--port", type=int, default=None, help="端口（默认：环境变量 PORT，否则 3100）")
    http.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = AppConfig.from_env(os.environ)
        from feishu.app import check_settings

        check_settings(config, http=args.command == "http")
        from roi_runtime.db import check_database

        check_database(config.database)  # the event claims live there
    except ConfigError as err:
        return report(err)
    if args.command == "http":
        from feishu.app import build_door
        from feishu.http import create_app

        port = args.port or int(os.environ.get("PORT") or 3100)
        create_app(build_door(config), config).run(host=args.host, port=port)
        return 0
    from feishu.app import run_long_connection

    return run_long_connection(config)


if __name__ == "__main__":
    sys.exit(main())
