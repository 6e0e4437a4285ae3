"""``python -m sheets import`` through ``sheets.__main__.main`` in process: --dry-run, --json, a refusal's exit code,
and what an answer then says (the platform's numbers used over a typed row, the attribution window named).

Numbers by hand: the 京准通 fixture (tests/sheets/fixtures/jingzhuntong-2026-06.xls) has 618主推 on 06-01
(总花费 1,200.5, 总订单金额 8,800) and 06-02 (1,300, 9,100.5), a 合计 row; window 15天.
"""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import Workbook

from roi_core import answer, answer_json, parse_query
from sheets.__main__ import main
from sheets.xlsx import XlsxSource
from tests.sheets.test_imports import XLS


def team(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"])
    ws.append(["618主推", "京东", "2026-06-01", "2026-06-02", 5000, 1])  # typed over both imported days
    ws.append(["618主推", "微信", "2026-06-01", "2026-06-02", 1000, 4000])
    s = wb.create_sheet("设置")
    s.append(["参数", "值"])
    s.append(["京准通渠道", "京东"])
    path = tmp_path / "team.xlsx"
    wb.save(path)
    return path


def run(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["import", *args])
    return code, capsys.readouterr().out


def test_dry_run_json_then_import_then_the_answer(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    path = team(tmp_path)
    code, out = run(capsys, str(XLS), "--source", str(path), "--dry-run", "--json")
    result = json.loads(out)
    assert code == 0 and result["dry_run"] and not result["written"]
    assert result["files"][0]["platform"] == "京准通" and result["totals"]["rows_imported"] == 2
    assert "导入" not in XlsxSource(path).read_tabs()
    code, out = run(capsys, str(XLS), "--source", str(path))
    assert code == 0 and out.startswith("✅ 已导入「导入」：1 个文件，读取 3 行，新增或更新 2 行，已有 0 行，跳过 1 行")
    assert "京准通（快车/海投 计划报表）" in out and "没有对应的活动名称" not in out  # 618主推 is a 活动 name

    data = XlsxSource(path).read()
    today = dt.date(2026, 6, 20)
    ans = answer(parse_query("618主推", today), data, today)
    body = answer_json(ans)
    warnings = "\n".join(ans.warnings)
    assert "京准通 15天" in warnings and "已用平台的数据" in warnings
    # cost = the platform's 1,200.5 + 1,300 = 2,500.5 on 京东 (not the typed 5,000) + 微信's typed 1,000
    assert (body["cost"], body["revenue"]) == (3500.5, 21900.5)  # revenue 8,800 + 9,100.5 (15天) + 4,000 (微信)
    jd = next(c for c in body["channels"] if c["channel"] == "京东")  # 设置 京准通渠道 = 京东
    assert (jd["cost"], jd["revenue"], jd["conversions"]) == (2500.5, 17900.5, 89.0)  # 44 + 45 总订单行

    code, out = run(capsys, str(XLS), "--source", str(path), "--json")
    assert json.loads(out)["totals"]["duplicates"] == 2 and not json.loads(out)["written"]


def test_a_refused_file_exits_2_and_names_the_file(tmp_path, capsys):
    path = team(tmp_path)
    bad = tmp_path / "notes.csv"
    bad.write_text("名字,钱\na,1\n", encoding="utf-8")
    code, out = run(capsys, str(bad), "--source", str(path))
    assert code == 2 and "notes.csv：认不出是哪个平台的报表" in out and "没有导入任何数据" in out
    code, out = run(capsys, str(tmp_path / "missing.csv"), "--source", str(path))
    assert code == 2 and "找不到文件" in out
