"""``python -m roi_app addon-key`` (and its alias ``python -m sheets addon-key``): the plugin's tokens.

Make one for a sheet (the default; the token is printed once, on the last line), ``--revoke`` it, or
``--list`` the sheets that have one (never a token). The tokens are ``roi_app.stores.tokens``.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options on ``parser`` (the ``addon-key`` subcommand)."""
    parser.add_argument("--source", help="表格链接/ID 或 .xlsx 路径（默认：配置的数据源）")
    parser.add_argument("--revoke", action="store_true", help="吊销这个表格的令牌")
    parser.add_argument("--list", action="store_true", help="列出有令牌的表格和生成时间（不显示令牌）")


def addon_key_command(args, config) -> int:
    """Make (default), ``--revoke`` or ``--list`` tokens for ``args``; the exit code (1: nothing to revoke)."""
    from roi_app.stores.tokens import TokenStore, source_id
    from roi_runtime.db import check_database

    check_database(config.database)
    store = TokenStore(config.database)
    if args.list:
        infos = store.list_tokens()
        if not infos:
            print("还没有任何表格的插件令牌；用 python -m sheets addon-key --source <表格> 生成")
        for info in infos:
            print(f"{info.source}\t{info.created_at:%Y-%m-%d %H:%M} UTC")
        return 0
    location = args.source or config.source
    if args.revoke:
        if store.revoke(location):
            print(f"✅ 已吊销 {source_id(location)} 的插件令牌；用它的插件会收到「未授权」")
            return 0
        print(f"⚠ {source_id(location)} 没有插件令牌，无需吊销")
        return 1
    token = store.issue(location)
    print(f"✅ 已为 {source_id(location)} 生成插件令牌（旧令牌已失效）。它只显示这一次，"
          "请复制到表格的「ROI 助手 → 连接设置」：")
    print(token)  # the LAST line, alone: scripts take it with tail -n 1
    return 0
