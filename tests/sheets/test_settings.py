"""sheets takes its settings as arguments: its library imports nothing of the app, and reads only what
:class:`sheets.settings.SheetSettings` lists, which the app's AppConfig has as it is."""

from __future__ import annotations

import ast
import datetime as dt
import json
from dataclasses import fields
from pathlib import Path

import pytest

from roi_runtime.config import AppConfig
from sheets import SheetDefaults, SheetSettings, XlsxSource, open_source, read_sheet
from sheets.errors import NotConfigured
from sheets.google import GoogleSource, forget_metadata
from sheets.settings import DEMO_WORKBOOK

ROOT = Path(__file__).resolve().parents[2]
APP = {"roi_runtime", "roi_app", "bot", "web", "scheduler", "render"}  # the app and its doors
KEY = "1SheetsOwnSettingsKey0123456789abcdef"


def _imported(path: Path) -> list[str]:
    """Every absolute module name ``path`` imports, anywhere (an import inside a function too)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_sheets_library_imports_nothing_of_the_app():
    # `python -m sheets` (sheets/__main__.py) is a command of the app and may; the library may not
    library = [p for p in sorted((ROOT / "sheets").rglob("*.py")) if p != ROOT / "sheets" / "__main__.py"]
    assert len(library) > 15
    found = {str(p.relative_to(ROOT)): name for p in library for name in _imported(p) if name.split(".")[0] in APP}
    assert found == {}


def test_the_app_config_is_sheet_settings_as_it_is():
    wanted = {name for name, value in vars(SheetSettings).items() if isinstance(value, property)}
    assert wanted == {"source", "google_service_account_json", "google_sheets_api_url", "sheet_cache_ttl"}
    ours = {f.name: f.type for f in fields(SheetDefaults)}
    app = {f.name: f.type for f in fields(AppConfig)}
    assert set(ours) == wanted
    assert {name: app[name] for name in wanted} == ours  # same fields, declared with the same types
    assert isinstance(AppConfig(), SheetSettings) and isinstance(SheetDefaults(), SheetSettings)
    assert SheetDefaults().source == AppConfig().source == str(DEMO_WORKBOOK)  # the same default source


def test_without_settings_the_demo_workbook_is_read_as_with_the_app_config():
    source = open_source()
    assert isinstance(source, XlsxSource) and source.path == DEMO_WORKBOOK
    ours, app = source.read(), open_source(None, AppConfig()).read()
    assert ours.source == app.source == "demo.xlsx"
    assert ours.campaigns.equals(app.campaigns) and ours.rows_skipped == app.rows_skipped


@pytest.fixture
def sheet(sheets_api):
    forget_metadata()
    # 目标ROI 150% → 1.5; ￥23万 → 230,000
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {
        "活动": [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
                 ["618活动", "抖音", dt.date(2026, 6, 1), dt.date(2026, 6, 18), 50000, "￥23万"]],
        "设置": [["参数", "值"], ["目标ROI", "150%"]]})
    yield sheets_api
    forget_metadata()


def test_a_google_sheet_is_read_with_sheets_own_settings(sheet):
    account = json.dumps(sheet.service_account_info())
    settings = SheetDefaults(source=f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
                             google_service_account_json=account, google_sheets_api_url=sheet.url,
                             sheet_cache_ttl=0)
    assert isinstance(open_source(settings.source, settings), GoogleSource)
    data = read_sheet(settings)
    assert data.settings.target_roi == 1.5
    assert data.campaigns["revenue"].tolist() == [230000.0]
    assert "private_key" not in repr(settings)  # the key stays out of a logged settings object
    with pytest.raises(NotConfigured):
        open_source(settings.source, SheetDefaults())
