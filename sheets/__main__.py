"""Sheet commands.

    python -m sheets init  [--source FILE.xlsx | URL]   create the template (people's tabs, 设置 with defaults)
    python -m sheets check [--source FILE.xlsx | URL]   validate, rewrite 数据校验, list the problems
    python -m sheets addon-key [--source …] [--revoke | --list]   the plugin's tokens (= python -m roi_app addon-key)
    python -m sheets addon setup [--server URL] [--source …] [--skip-clasp]   the add-on's prerequisites, in order

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

from roi_app.addon_setup import add_addon_parser, addon_command
from roi_core import RoiError
from roi_core.schema import EXAMPLE_MARKER, PEOPLE_TABS, TabSpec, find_tab
from roi_runtime.cli import report, report_bug
from roi_runtime.config import AppConfig
from roi_runtime.workspace import writable_config
from sheets import google_key, open_source
from sheets.errors import SheetsError
from sheets.template import template_tab, template_tabs
from sheets.xlsx_template import write_template_workbook


def template_rows(spec: TabSpec) -> list[list]:
    """A people tab's header and first rows as the template writes them (typed example rows marked 示例·)."""
    tab = template_tab(spec)
    return [tab.headers, *[list(r) for r in tab.rows]]


class TabHasData(SheetsError):
    """init found the people's tabs already holding data: nothing left for it to create."""


class Created(list):
    """The titles ``init`` created (a list), and in ``kept`` the tabs it left alone because they hold data."""

    def __init__(self, titles: list[str], kept: list[str]):
        super().__init__(titles)
        self.kept = kept


def _has_data(rows: list[list]) -> bool:
    return any(any(c not in (None, "") for c in r) for r in rows)


def init_xlsx(path: Path) -> Created:
    """A new workbook at ``path`` with every people tab as a typed Excel table (see sheets.xlsx_template).
    An existing file is never rewritten."""
    if path.exists():
        tabs = open_source(str(path)).read_tabs()
        busy = [t for t in (find_tab(spec, list(tabs)) for spec in PEOPLE_TABS)
                if t is not None and _has_data(tabs[t])]
        if busy:
            raise TabHasData(f"{path.name} 的「{'」「'.join(busy)}」已经有数据，init 不会改动它们",
                             "换一个新文件名，或直接用 python -m sheets check 检查现有数据")
        raise TabHasData(f"{path.name} 已经存在", "换一个新文件名再运行 init")
    tabs = template_tabs()
    write_template_workbook(path, tabs)
    return Created([t.title for t in tabs], [])


def init_google(location: str, config: AppConfig) -> Created:
    """Each people tab that is missing or empty becomes a typed Table (one batchUpdate for all); a tab
    that holds data is left exactly as it is. Raises TabHasData when every tab already holds data."""
    source = open_source(location, config)
    tabs = source.read_tabs()
    plan, kept = [], []
    for spec in PEOPLE_TABS:
        title = find_tab(spec, list(tabs))
        if title is not None and _has_data(tabs[title]):
            kept.append(title)
        else:
            plan.append((title or spec.title, template_tab(spec)))
    if not plan:
        raise TabHasData(f"这个 Google 表格的「{'」「'.join(kept)}」已经有数据，init 不会改动它们",
                         "直接运行 python -m sheets check 检查现有数据")
    source.write_template_tables(plan)
    return Created([title for title, _ in plan], kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheets", description="ROI 助手的表格工具")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="生成模板：活动、触点、设置、订单、客户、预算（不会改动已有数据的标签页）")
    init.add_argument("--source", help="新 .xlsx 的路径，或一个空白 Google 表格的链接/ID")
    check = sub.add_parser("check", help="检查数据，重写「数据校验」，列出问题")
    check.add_argument("--source", help=".xlsx 路径，或 Google 表格链接/ID（默认：配置的数据源）")
    addon_key = sub.add_parser("addon-key", help="表格插件的令牌：生成（最后一行是令牌）、--revoke 吊销、--list 列出")
    addon_key.add_argument("--source", help="表格链接/ID 或 .xlsx 路径（默认：配置的数据源）")
    addon_key.add_argument("--revoke", action="store_true", help="吊销这个表格的令牌")
    addon_key.add_argument("--list", action="store_true", help="列出有令牌的表格和生成时间（不显示令牌）")
    add_addon_parser(sub)  # addon setup: the add-on's prerequisites checked (roi_app.addon_setup)
    imp = sub.add_parser("import", help="导入广告平台的报表（CSV/Excel）到「导入」标签页")  # roi_app.imports
    imp.add_argument("files", nargs="+", metavar="FILE", help="平台导出的报表文件")
    imp.add_argument("--source", help=".xlsx 路径，或 Google 表格链接/ID（默认：配置的数据源）")
    imp.add_argument("--platform", help="指定平台（自动识别不出时用）")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument("--debug", action="store_true", help="打印调试日志")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = AppConfig.from_env(os.environ)
        if args.command == "addon-key":
            from roi_app.addon_key import addon_key_command  # the tokens' own command (python -m roi_app)

            return addon_key_command(args, config)
        if args.command == "addon":
            return addon_command(args, config)
        if args.command == "import":
            from roi_app.imports import import_command  # the import's own module (docs/imports.md)

            return import_command(args, config)
        if args.command == "init":
            location = args.source or "roi-template.xlsx"
            if google_key(location):
                created = init_google(location, config)
            else:
                created = init_xlsx(Path(location))
            print(f"✅ 已创建模板：{location}（{'、'.join(created)}）")
            if created.kept:
                print(f"「{'」「'.join(created.kept)}」已经有数据，没有改动")
            print(f"灰色的示例行（名称以「{EXAMPLE_MARKER}」开头）不计入任何数字，看完后删除；表头的备注说明每一列怎么填")
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
    except Exception:  # a bug of ours: said plainly, the traceback kept for --debug
        return report_bug("sheets")

if __name__ == "__main__":
    # `| head` closing the pipe ends the program quietly, as it does for other CLI tools (set here, not in
    # main(): a test calling main() in-process must not make its own process die on a closed socket)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
