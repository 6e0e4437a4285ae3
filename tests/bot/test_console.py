"""The local console: demo answers, JSON keys, clear errors for bad sources."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.console import ask
from roi_runtime.config import AppConfig

ROOT = Path(__file__).resolve().parents[2]
CONFIG = AppConfig()


def run(text, source=None, as_json=False):
    out, err = io.StringIO(), io.StringIO()
    code = ask(text, CONFIG, source=source, as_json=as_json, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_demo_618_numbers_in_json():
    code, out, _ = run("618活动", as_json=True)
    assert code == 0
    data = json.loads(out)
    for key in ("campaign", "basis", "cost", "revenue", "gross_profit", "roi", "roas", "cac", "ctr", "cvr",
                "new_customers", "rows_skipped", "channels", "suggestions", "warnings"):
        assert key in data
    # worked out in examples/make_demo.py: cost 302,000; 销售额 1,155,000; 毛利 55% = 635,250
    assert data["campaign"] == "618活动" and data["basis"] == "gross_profit"
    assert data["cost"] == 302000 and data["revenue"] == 1155000 and data["gross_profit"] == pytest.approx(635250)
    assert data["roi"] == pytest.approx((635250 - 302000) / 302000)
    assert data["roas"] == pytest.approx(1155000 / 302000)
    assert data["new_customers"] == 5420 and data["rows_skipped"] == 1
    channels = {c["channel"]: c for c in data["channels"]}
    assert set(channels) == {"抖音", "天猫直通车", "微信", "小红书", "百度搜索"}
    assert channels["百度搜索"]["cost"] == 26000  # 25,000 + 2,000 + (1,000) rebate
    assert channels["抖音"]["roi"] == pytest.approx((520000 * 0.55 - 106000) / 106000)
    assert all(isinstance(s, str) for s in data["suggestions"])


def test_demo_618_text():
    code, out, _ = run("618活动")
    assert code == 0
    assert "¥302,000" in out and "ROI 110.3%" in out and "1:3.8" in out and "按毛利" in out
    assert "加大「抖音」预算" in out


@pytest.mark.parametrize("text", ["渠道 2026-10", "排行 5", "top 5", "建议", "help", "品鉴会", "不存在的活动"])
def test_other_answers_render(text):
    code, out, _ = run(text)
    assert code == 0 and out.strip()


def write_book(path, rows, title="活动"):
    book = Workbook()
    book.active.title = title
    for r in rows:
        book.active.append(r)
    book.save(path)
    return str(path)


def test_missing_required_column(tmp_path):
    f = write_book(tmp_path / "f.xlsx", [["活动名称", "渠道", "开始日期"], ["618", "抖音", "2026-06-01"]])
    code, out, err = run("618", source=f)
    assert code == 1 and "缺少必填列「销售额」" in err and "Traceback" not in err + out


def test_text_in_money_column(tmp_path):
    f = write_book(tmp_path / "f.xlsx", [["活动名称", "渠道", "开始日期", "销售额"], ["618", "抖音", "2026-06-01", "很多"]])
    code, _, err = run("618", source=f)
    assert code == 1
    assert "第2行「销售额」" in err and "很多" in err and "不是金额" in err


def test_not_a_workbook(tmp_path):
    bogus = tmp_path / "f.xlsx"
    bogus.write_text("hello")
    code, _, err = run("618", source=str(bogus))
    assert code == 1 and "不是可读的 .xlsx 工作簿" in err
    code, _, err = run("618", source=str(tmp_path / "nope.xlsx"))
    assert code == 1 and "找不到工作簿" in err
    csv = tmp_path / "data.csv"
    csv.write_text("a,b")
    code, _, err = run("618", source=str(csv))
    assert code == 1 and "不是 .xlsx 工作簿" in err


def test_bad_query_is_a_clear_message():
    code, _, err = run("渠道 2026-13")
    assert code == 1 and "月份「2026-13」不存在" in err


def test_real_process_no_traceback(tmp_path):
    bogus = tmp_path / "f.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not really a zip")
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "618", "--source", str(bogus)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "不是可读的 .xlsx 工作簿" in proc.stderr
