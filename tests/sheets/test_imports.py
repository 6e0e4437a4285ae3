"""The platforms' report exports as they really are, imported into 导入: the numbers worked out by hand.

Each test builds a small export (GBK CSV with title lines and a 合计 row, UTF-8 with BOM, a real .xlsx
written with openpyxl) and imports it through ``roi_app.imports.run_import`` into a workbook
(``sheets.xlsx.XlsxSource``) or the loopback Google Sheets API, then reads the sheet the way every answer
does (``source.read()`` → ``load_sheet``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from roi_app.imports import Upload, run_import, summary_lines
from roi_core.answer import answer
from roi_core.imports import import_notes
from roi_core.query import parse_query
from roi_core.schema import IMPORTS_TAB
from roi_runtime.config import AppConfig
from sheets.google import GoogleSource, forget_metadata
from sheets.imports import ImportRefused, parse_export
from sheets.xlsx import XlsxSource

NOW = dt.datetime(2026, 6, 20, 9, 0, tzinfo=dt.UTC)
XLS = Path(__file__).parent / "fixtures" / "jingzhuntong-2026-06.xls"

# 千川 as exported: two title lines, a unit in a header, thousands separators, "--" and "-", two trailing empty
# columns, a 合计 row. The 618 campaign has two rows on 06-01 (two 单元): summed.
QIANCHUAN = """报表时间：2026-06-01 至 2026-06-02
账户：示例旗舰店
日期,账户ID,计划名称,消耗(元),展示数,点击数,成交订单数,成交订单金额,支付ROI,,
2026-06-01,1001,618大促-直播,"1,234.50",10000,300,12,"5,600.00",4.54,,
2026-06-01,1001,618大促-直播,100,"1,000",30,1,400,4,,
2026/06/02,1001,日常投放,--,-,0,0,0,0,,
合计,,,"1,334.50",11000,330,13,6000,,,
"""


def workbook(tmp_path, campaigns: list[list] | None = None, extra: dict | None = None) -> XlsxSource:
    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    for row in campaigns or [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"]]:
        ws.append(row)
    for title, rows in (extra or {}).items():
        sheet = wb.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "team.xlsx"
    wb.save(path)
    return XlsxSource(path)


def test_gbk_csv_with_titles_total_row_and_dashes():
    parsed = parse_export("千川.csv", QIANCHUAN.encode("gbk"))
    assert (parsed.platform, parsed.kind) == ("巨量引擎", "千川 推广报表")
    assert parsed.rows_read == 4 and parsed.skipped == {"合计/总计行": [7]}  # line 7 of the file
    rows = parsed.rows.set_index("platform_campaign")
    big = rows.loc["618大促-直播"]
    # 1,234.50 + 100 = 1,334.50; 10,000 + 1,000 = 11,000; 300 + 30 = 330; 12 + 1 = 13; 5,600 + 400 = 6,000
    assert (big["ad_spend"], big["impressions"], big["clicks"], big["conversions"], big["revenue"]) == \
        (1334.5, 11000, 330, 13, 6000)
    assert big["day"] == dt.datetime(2026, 6, 1) and big["account"] == "1001"
    daily = rows.loc["日常投放"]
    assert daily["day"] == dt.datetime(2026, 6, 2)
    assert daily["ad_spend"] != daily["ad_spend"] and daily["impressions"] != daily["impressions"]  # "--", "-": empty


def test_utf8_bom_tencent_with_window_in_header():
    text = ("日期,账户ID,推广计划名称,花费,曝光次数,点击次数,转化次数,7日下单金额\n"
            "2026-06-03,88,暑期拉新,\"2,000\",50000,1500,40,\"9,000.5\"\n")
    parsed = parse_export("tencent.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert parsed.platform == "腾讯广告"
    row = parsed.rows.iloc[0]
    assert (row["ad_spend"], row["revenue"], row["window"]) == (2000.0, 9000.5, "7日")


def test_xlsx_export_with_date_cells_and_title_line(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["万相台 计划报表 2026-06-01 ~ 2026-06-02"])
    ws.append(["日期", "计划名称", "花费", "展现量", "点击量", "成交金额", "成交笔数"])
    ws.append([dt.datetime(2026, 6, 1), "双11预热", 800.25, 20000, 600, 3200, 16])
    ws.append([dt.datetime(2026, 6, 2), "双11预热", "1,000", "25,000", 700, "4,100", 20])
    ws.append(["总计", None, 1800.25, 45000, 1300, 7300, 36])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse_export("alimama.xlsx", buf.getvalue())
    assert (parsed.platform, parsed.kind) == ("阿里妈妈", "万相台 计划报表")
    assert parsed.skipped == {"合计/总计行": [5]}
    assert parsed.rows["ad_spend"].tolist() == [800.25, 1000.0]
    assert parsed.rows["revenue"].sum() == 7300.0  # 3,200 + 4,100


def test_an_unknown_file_is_refused_naming_the_closest_platform(tmp_path):
    source = workbook(tmp_path)
    before = (tmp_path / "team.xlsx").read_bytes()
    bad = "日期,计划名称,消费,展现量,点击量\n2026-06-01,x,1,2,1\n".encode()  # 小红书 without 互动量 … and 点击量 kept
    good = Upload("qc.csv", QIANCHUAN.encode("gbk"))
    result = run_import(source, [good, Upload("weird.csv", "名字,钱\na,1\n".encode())], now=NOW)
    assert not result["ok"] and not result["written"]
    refusal = result["files"][1]
    assert refusal["error"].startswith("weird.csv：认不出是哪个平台的报表（最接近")
    assert "缺少表头" in refusal["error"]
    assert (tmp_path / "team.xlsx").read_bytes() == before  # nothing written, not even the good file
    with pytest.raises(ImportRefused):
        parse_export("no-day.csv", "计划名称,消耗,展示数,点击数,成交订单数,成交订单金额\nx,1,2,1,0,0\n".encode())
    assert parse_export("xhs.csv", bad).platform == "小红书聚光"  # one signature header missing is still it


def test_import_is_idempotent_and_overlapping_files_write_each_key_once(tmp_path):
    source = workbook(tmp_path)
    first = run_import(source, [Upload("qc.csv", QIANCHUAN.encode("gbk"))], now=NOW)
    assert first["written"] and first["totals"]["rows_imported"] == 2 and first["totals"]["rows_skipped"] == 1
    again = run_import(source, [Upload("qc.csv", QIANCHUAN.encode("gbk"))], now=NOW)
    assert not again["written"] and again["files"][0]["duplicates"] == 2 and again["totals"]["rows_imported"] == 0
    # a later export overlapping 06-02 with a corrected figure, plus a new day: one changed, one new, none twice
    later = ("日期,账户ID,计划名称,消耗,展示数,点击数,成交订单数,成交订单金额,支付ROI\n"
             "2026-06-02,1001,日常投放,50,500,10,1,90,1.8\n2026-06-03,1001,日常投放,60,600,12,2,150,2.5\n")
    third = run_import(source, [Upload("qc2.csv", later.encode("gbk"))], now=NOW)
    assert third["files"][0]["rows_imported"] == 2 and third["files"][0]["duplicates"] == 0
    grid = source.read_tabs()[IMPORTS_TAB]
    assert len(grid) == 1 + 3  # header + 618 (06-01) + 日常投放 06-02 (replaced) + 日常投放 06-03
    data = source.read()
    daily = data.campaigns[data.campaigns["campaign"] == "日常投放"]
    assert daily["ad_spend"].sum() == 110.0  # 50 (06-02, the later file's) + 60 (06-03); the "--" row replaced


def test_mapping_overlap_and_windows_in_answers_people_tabs_untouched(tmp_path):
    campaigns = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
                 ["2026 618大促", "抖音", "2026-06-01", "2026-06-01", 999, 1],  # typed over the imported day
                 ["2026 618大促", "微信", "2026-06-01", "2026-06-18", 3000, 9000]]
    settings = [["参数", "值"], ["巨量引擎渠道", "抖音"]]
    mapping = [["平台活动名称", "活动名称"], ["*618*", "2026 618大促"]]
    source = workbook(tmp_path, campaigns, {"设置": settings, "映射": mapping})
    people = _sheet_xml(tmp_path / "team.xlsx", ("活动", "设置", "映射"))
    result = run_import(source, [Upload("qc.csv", QIANCHUAN.encode("gbk"))], now=NOW)
    assert result["unmatched"] == [{"platform": "巨量引擎", "campaign": "日常投放"}]
    assert "日常投放" in "\n".join(summary_lines(result))
    assert _sheet_xml(tmp_path / "team.xlsx", ("活动", "设置", "映射")) == people  # byte-identical
    data = source.read()
    big = data.campaigns[data.campaigns["campaign"] == "2026 618大促"]
    # the typed 抖音 row (999 / 1) is left out for the platform's 1,334.50 / 6,000; 微信's row stays
    assert sorted(big["ad_spend"].tolist()) == [1334.5, 3000.0]
    assert big["revenue"].sum() == 15000.0  # 6,000 + 9,000
    overlap = [p for p in data.problems if p.tab == "活动" and p.row == 2]
    assert overlap and "已用平台的数据" in overlap[0].reason
    said = _warnings(data, "618")  # the answer whose figures use the imported rows says so, and what they replace
    assert any("巨量引擎 平台默认口径" in n for n in said) and any("已用平台的数据" in n for n in said)
    assert any("巨量引擎 its default window" in n for n in _warnings(data, "618", "en"))
    checked = source.read_tabs()["数据校验"]
    assert any(r[0] == "活动" and r[1] == 2 for r in checked[1:])  # 数据校验 lists the overlap


def _warnings(data, text: str, lang: str = "zh") -> list[str]:
    """The warnings of the answer to ``text`` (asked on 2026-06-20); ``en``: its 导入 sentences in English."""
    today = NOW.date()
    query = parse_query(text, today)
    ans = answer(query, data, today)
    return ans.warnings if lang == "zh" else import_notes(ans, replace(query, lang="en"), data)


def _sheet_xml(path, titles) -> dict:
    """Each named worksheet's XML part as bytes (the workbook adapter rewrites only the assistant's parts)."""
    book = load_workbook(path, read_only=True)
    names = book.sheetnames
    book.close()
    with zipfile.ZipFile(path) as z:
        return {t: z.read(f"xl/worksheets/sheet{names.index(t) + 1}.xml") for t in titles}


KEY = "1ImPoRtSoUrCe0123456789abcdefghijk"


@pytest.fixture
def google(sheets_api):
    forget_metadata()
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {"活动": [["活动名称", "渠道", "开始日期", "销售额"]]})
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url)
    yield GoogleSource(KEY, config, sleep=lambda s: None)
    forget_metadata()


def test_google_sheet_gets_the_rows_raw_and_once(sheets_api, google):
    result = run_import(google, [Upload("qc.csv", QIANCHUAN.encode("gbk"))], now=NOW)
    assert result["written"]
    rows = sheets_api.values(KEY, IMPORTS_TAB, value_render="UNFORMATTED_VALUE")
    assert rows[0][:4] == ["日期", "平台", "账户", "平台活动名称"]
    assert rows[1][:9] == ["2026-06-01", "巨量引擎", "1001", "618大促-直播", 1334.5, 11000, 330, 13, 6000]
    assert sheets_api.values(KEY, "活动") == [["活动名称", "渠道", "开始日期", "销售额"]]  # untouched
    again = run_import(google, [Upload("qc.csv", QIANCHUAN.encode("gbk"))], now=NOW)
    assert not again["written"] and len(sheets_api.values(KEY, IMPORTS_TAB)) == 3


def test_xls_fixture_with_window_in_brackets():
    # tests/sheets/fixtures/jingzhuntong-2026-06.xls: written once with xlwt 1.3.0 (not a dependency), an Excel 97
    # workbook: a title line, a date cell and a text date, "1,300" as text, 总订单金额(15天), a 合计 row on line 5
    data = XLS.read_bytes()
    assert data[:4] == b"\xd0\xcf\x11\xe0"  # an OLE2 (BIFF) file, not a renamed xlsx
    parsed = parse_export("京准通.xls", data)
    assert (parsed.platform, parsed.rows_read, parsed.skipped) == ("京准通", 3, {"合计/总计行": [5]})
    assert parsed.rows["window"].tolist() == ["15天", "15天"]
    assert parsed.rows["ad_spend"].sum() == 2500.5  # 1,200.5 + 1,300
    assert parsed.rows["revenue"].sum() == 17900.5  # 8,800 + 9,100.5


def test_channel_renamed_in_settings_and_mapping_restricted_to_a_platform(tmp_path):
    settings = [["参数", "值"], ["京准通渠道", "京东"]]
    mapping = [["平台活动名称", "活动名称", "平台"], ["618*", "2026 618大促", "巨量引擎"], ["618*", "京东618", "京准通"]]
    source = workbook(tmp_path, None, {"设置": settings, "映射": mapping})
    xls = XLS.read_bytes()
    result = run_import(source, [Upload("jd.xls", xls), Upload("qc.csv", QIANCHUAN.encode("gbk"))], now=NOW)
    assert result["totals"]["rows_imported"] == 4  # 2 days of 618主推 + 2 keys of the 千川 file
    data = source.read()
    jd = data.campaigns[data.campaigns["campaign"] == "京东618"]
    assert set(jd["channel"]) == {"京东"} and jd["ad_spend"].sum() == 2500.5
    assert any("京准通 15天" in n for n in _warnings(data, "京东618"))  # the window named where its rows are used
    assert any("京准通 15-day window" in n for n in _warnings(data, "京东618", "en"))
    assert not any("京准通" in n for n in _warnings(data, "2026 618大促"))  # 巨量引擎's rows only: 京准通 not named
    # 618大促-直播 matches 618* too: the 巨量引擎 row maps it (the 京准通 row is for 京准通's campaigns only)
    big = data.campaigns[data.campaigns["campaign"] == "2026 618大促"]
    assert set(big["channel"]) == {"巨量引擎"} and big["ad_spend"].sum() == 1334.5
    assert result["unmatched"] == [{"platform": "巨量引擎", "campaign": "日常投放"}]
