"""Sheet commands.

    python -m sheets init  [--source FILE.xlsx | URL]   create the template (people's tabs, 设置 with defaults)
    python -m sheets check [--source FILE.xlsx | URL]   validate, rewrite 数据校验, list the problems

Errors a user can fix (a bad setting, a missing or locked file) print one Chinese
line and a 提示 line and exit 2; never a traceback. ``check`` without
``--source`` on the demo workbook writes its copy under ``var/``, never the demo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shlex
import signal
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from roi_core import RoiError
from roi_core.schema import PEOPLE_TABS, SETTINGS, TabSpec, find_tab
from roi_core.sheetdata import setting_defaults
from roi_runtime.cli import report
from roi_runtime.config import AppConfig
from roi_runtime.workspace import writable_config
from sheets import google_key, open_source
from sheets.errors import SheetsError


def template_rows(spec: TabSpec) -> list[list]:
    """A people tab's header and two example rows, from the contract itself."""
    if spec is SETTINGS:
        return [["参数", "值", "说明"]] + [[name, value, meaning] for name, value, meaning in setting_defaults()]
    header = spec.headers()
    examples = [[c.example[i] if len(c.example) > i else "" for c in spec.columns] for i in range(2)]
    return [header, *examples]


class TabHasData(SheetsError):
    """init found one of the people's tabs already holding data."""


def init_xlsx(path: Path) -> list[str]:
    if path.exists():
        tabs = open_source(str(path)).read_tabs()
        busy = [t for t in (find_tab(spec, list(tabs)) for spec in PEOPLE_TABS)
                if t is not None and any(any(c not in (None, "") for c in r) for r in tabs[t])]
        if busy:
            raise TabHasData(f"{path.name} 的「{'」「'.join(busy)}」已经有数据，init 不会改动它们",
                             "换一个新文件名，或直接用 python -m sheets check 检查现有数据")
        raise TabHasData(f"{path.name} 已经存在", "换一个新文件名再运行 init")
    book = Workbook()
    book.remove(book.active)
    for spec in PEOPLE_TABS:
        ws = book.create_sheet(spec.title)
        for row in template_rows(spec):
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.freeze_panes = "A2"
    book.save(path)
    return [spec.title for spec in PEOPLE_TABS]


def init_google(location: str, config: AppConfig) -> list[str]:
    source = open_source(location, config)
    tabs = source.read_tabs()
    busy = [t for t in (find_tab(spec, list(tabs)) for spec in PEOPLE_TABS)
            if t is not None and any(any(c not in (None, "") for c in r) for r in tabs[t])]
    if busy:
        raise TabHasData(f"这个 Google 表格的「{'」「'.join(busy)}」已经有数据，init 不会改动它们",
                         "用一个空白表格运行 init，或直接运行 python -m sheets check")
    created = []
    for spec in PEOPLE_TABS:
        rows = template_rows(spec)
        title = find_tab(spec, list(tabs)) or spec.title
        source.write_template(title, rows)
        created.append(title)
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheets", description="ROI 助手的表格工具")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="生成模板：活动、触点、设置（不会改动已有数据的标签页）")
    init.add_argument("--source", help="新 .xlsx 的路径，或一个空白 Google 表格的链接/ID")
    check = sub.add_parser("check", help="检查数据，重写「数据校验」，列出问题")
    check.add_argument("--source", help=".xlsx 路径，或 Google 表格链接/ID（默认：配置的数据源）")
    addon_key = sub.add_parser("addon-key", help="表格插件的令牌：生成（最后一行是令牌）、--revoke 吊销、--list 列出")
    addon_key.add_argument("--source", help="表格链接/ID 或 .xlsx 路径（默认：配置的数据源）")
    addon_key.add_argument("--revoke", action="store_true", help="吊销这个表格的令牌")
    addon_key.add_argument("--list", action="store_true", help="列出有令牌的表格和生成时间（不显示令牌）")
    parser.add_argument("--debug", action="store_true", help="打印调试日志")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = AppConfig.from_env(os.environ)
        if args.command == "addon-key":
            from web.tokens import addon_key_command

            return addon_key_command(args, config)
        if args.command == "init":
            location = args.source or "roi-template.xlsx"
            if google_key(location):
                created = init_google(location, config)
            else:
                created = init_xlsx(Path(location))
            print(f"✅ 已创建模板：{location}（{'、'.join(created)}）")
            print("下一步：在「活动」里每个活动每个渠道填一行，然后运行 "
                  f"python -m sheets check --source {shlex.quote(location)}")
            return 0
        if args.source is None:
            config, note = writable_config(config)
            if note:
                print(note)
        source = open_source(args.source, config)
        data = source.read()
        source.write_problems(list(data.problems), dt.datetime.now(dt.UTC))
        if not data.problems:
            print(f"✅ {source.display_name}：没有发现问题（活动 {len(data.campaigns)} 行，触点 {len(data.touchpoints)} 行）")
            return 0
        print(f"⚠ {source.display_name}：发现 {len(data.problems)} 个问题，{data.rows_skipped} 行未计入；"
              f"已写入「数据校验」标签页")
        for p in data.problems:
            print(f"  - {p.describe()}")
        return 1
    except RoiError as err:
        return report(err)
    except Exception:  # a bug of ours: say so plainly, keep the traceback for --debug
        logging.getLogger("sheets").debug("unexpected error", exc_info=True)
        print("❌ 出错了，这是 ROI 助手的问题，不是你的表格的问题。请把命令发给维护者（加 --debug 可看详情）。",
              file=sys.stderr)
        return 3

if __name__ == "__main__":
    # `| head` closing the pipe ends the program quietly, as it does for other CLI tools (set here, not in
    # main(): a test calling main() in-process must not make its own process die on a closed socket)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
