"""Command line of the bot package.

    python -m bot ask "618活动" [--source FILE|URL] [--json]   answer in the console
    python -m bot serve [--port 3000] [--host 127.0.0.1]        run the app (HTTP: Slack and the plugin)
    python -m bot socket                                        run the Slack app in Socket Mode

A bad setting (environment or database) ends any of them with one Chinese line,
a 提示 line, and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys
from dataclasses import replace

from roi_runtime.cli import report
from roi_runtime.config import AppConfig, ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="ROI 助手")
    parser.add_argument("--debug", action="store_true", help="打印调试日志")
    sub = parser.add_subparsers(dest="command", required=True)
    ask_p = sub.add_parser("ask", help="在终端里提问，和 /roi 后面的文字一样")
    ask_p.add_argument("text", nargs="?", default="", help="例：618活动、渠道 2026-10、排行 10")
    ask_p.add_argument("--source", help=".xlsx 路径，或 Google 表格链接/ID（默认：示例工作簿）")
    ask_p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    ask_p.add_argument("--format", choices=("text", "feishu"), default="text",
                       help="feishu：打印飞书机器人会发送的卡片 JSON（interactive 消息的 content）")
    ask_p.add_argument("--today", type=_date, help="YYYY-MM-DD：把「今天」固定为这一天（可重复的回答）")
    ask_p.add_argument("--touches", help="触点的表来源，如 parquet:目录/*.parquet（同 ROI_TOUCHES，docs/tables.md）")
    ask_p.add_argument("--orders", help="订单的表来源，写法同 --touches（同 ROI_ORDERS）")
    serve_p = sub.add_parser("serve", help="运行 Slack 应用（HTTP）")
    serve_p.add_argument("--port", type=int, help="端口（默认：环境变量 PORT，否则 3000）")
    serve_p.add_argument("--host", default="127.0.0.1", help="监听地址（默认只在本机；隧道用 127.0.0.1 即可）")
    sub.add_parser("socket", help="以 Socket Mode 运行 Slack 应用")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = AppConfig.from_env(os.environ)
        if args.command != "ask":
            # the web workers and the socket runner record answered requests there: fail now, in words,
            # rather than on the first request
            from roi_runtime.db import check_database

            check_database(config.database)
    except ConfigError as err:
        return report(err)
    if args.command == "ask":
        from bot.console import ask

        config = replace(config, touches_source=args.touches or config.touches_source,
                         orders_source=args.orders or config.orders_source)

        return ask(args.text, config, source=args.source, as_json=args.json, today=args.today,
                   as_feishu=args.format == "feishu")
    if args.command == "serve":
        from roi_server import serve  # the composed app (Slack and the plugin), as gunicorn runs it

        try:
            port = args.port if args.port is not None else _port(os.environ.get("PORT"))
        except ConfigError as err:
            return report(err)
        return serve(config, port=port, host=args.host)
    from bot.app import run_socket_mode

    return run_socket_mode(config)


def _port(value: str | None) -> int:
    if not value or not value.strip():
        return 3000
    if value.strip().isdigit() and int(value) < 65536:
        return int(value)
    raise ConfigError(f"PORT「{value}」不是端口号", "写 0 到 65535 之间的整数，例如 3000；或用 --port 指定")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期「{text}」看不懂，请写成 2026-11-30") from None


if __name__ == "__main__":
    # `| head` closing the pipe ends the program quietly, as it does for other CLI tools (set here, not in
    # main(): a test calling main() in-process must not make its own process die on a closed socket)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
