"""Every header set of sheets/imports/platforms.py is recognised from a file carrying it, and only it; the encodings
and separators exports come in; a row wider than the header. Figures by hand in each test."""

from __future__ import annotations

import codecs

import pytest

from sheets.imports import PLATFORMS, ImportRefused, parse_export
from sheets.imports.platforms import detect


def export_for(header_set) -> str:
    """A one-day export with the set's first spelling of each signature header, plus a date and a campaign."""
    headers = ["日期"] + [alts[0] for alts in header_set.signature]
    if not any(h in ("计划名称", "推广计划名称", "推广计划", "广告计划名称", "项目名称") for h in headers):
        headers.append("计划名称")
    values = {"日期": "2026-06-01"}
    row = [values.get(h, "测试计划" if "计划" in h or "项目" in h else "10") for h in headers]
    return ",".join(headers) + "\n" + ",".join(row) + "\n"


@pytest.mark.parametrize("header_set", PLATFORMS, ids=[f"{s.platform}-{s.kind}" for s in PLATFORMS])
def test_each_header_set_is_recognised_as_itself(header_set):
    parsed = parse_export("x.csv", export_for(header_set).encode("gbk"))
    assert (parsed.platform, parsed.kind) == (header_set.platform, header_set.kind)
    row = parsed.rows.iloc[0]
    assert row["platform_campaign"] == "测试计划" and row["ad_spend"] == 10.0


def test_one_signature_header_hidden_is_still_recognised_two_are_not():
    qianchuan = next(s for s in PLATFORMS if s.kind.startswith("千川"))
    headers = ["日期", "计划名称"] + [alts[0] for alts in qianchuan.signature]
    assert detect([h for h in headers if h != "支付roi"])[0] is qianchuan
    found, closest, missing = detect([h for h in headers if h not in ("支付roi", "成交订单金额")])
    assert found is None or found is not qianchuan  # two missing: not 千川 any more
    assert detect(["日期", "计划名称", "花费", "展现量", "点击量", "总订单金额", "总订单行"], "京准通")[0].platform == "京准通"


def test_utf16_tab_separated_and_utf8_without_bom():
    text = "日期\t计划名称\t花费\t展现\t点击\t网页转化\n2026-06-01\t品牌词\t88.5\t1000\t50\t3\n"
    parsed = parse_export("baidu.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert parsed.platform == "百度营销" and parsed.rows.iloc[0]["ad_spend"] == 88.5
    assert parse_export("baidu.csv", text.replace("\t", ",").encode("utf-8")).rows.iloc[0]["clicks"] == 50


def test_a_row_wider_than_the_header_and_percent_and_currency():
    text = ("日期,计划名称,消费,展现量,点击量,互动量,点击率\n"
            "2026-06-01,笔记A,¥1,200,\"3,000\",150,20,5%\n"  # an unquoted ¥1,200 splits into two cells: a wider row
            "2026-06-02,笔记A,\"¥1,000\",\"2,000\",100,10,5%\n")
    parsed = parse_export("xhs.csv", text.encode("utf-8"))
    assert parsed.platform == "小红书聚光"
    # the shifted row (line 2) is skipped, never read as 消费 ¥1 and 展现量 200; the quoted row reads 1,000 and 2,000
    assert parsed.skipped == {"列数多于表头（有没加引号的逗号）": [2]}
    assert parsed.rows["ad_spend"].tolist() == [1000.0] and parsed.rows["impressions"].tolist() == [2000.0]


def test_not_an_export():
    with pytest.raises(ImportRefused, match="不是 CSV 或 Excel 报表"):
        parse_export("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportRefused, match="Excel 文件打不开"):
        parse_export("broken.xlsx", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ImportRefused, match="文件太大"):
        parse_export("big.csv", b"x" * 101, limit=100)
