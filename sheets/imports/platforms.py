"""The platforms whose report exports ``python -m sheets import`` reads, and how a file's header names its platform.

Each :class:`HeaderSet` is one kind of export (a platform × a report type or era): the header names that
identify it (``signature``), where the list comes from (``source``; ``inferred`` when no public
documentation of the export's own header was found: docs/imports.md says which), and the attribution window
its sales figures use when the header does not say it. The fields themselves (date, account, campaign,
cost, impressions, clicks, conversions, sales) are recognised by :data:`FIELDS`, shared by every platform,
so a column renamed between two years of one platform's export is still read.

Header names are compared after NFKC, case-folding, dropping spaces and a trailing unit in brackets
(``消耗(元)`` = ``消耗``; ``总订单金额(15天)`` = ``总订单金额``, its window kept).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_UNIT = re.compile(r"[\(（\[【](元|人民币|次|个|%|％|单|笔|rmb|cny|\d+(?:日|天|d))[\)）\]】]$")


def header_key(text: object) -> str:
    """A header cell as compared: NFKC, case-folded, without spaces and without a trailing unit."""
    t = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    t = re.sub(r"\s+", "", t).strip("*")
    return _UNIT.sub("", t)


_W = r"(?P<w>\d+)(?:日|天|d)"  # an attribution window written into a header: 7日, 15天, 7d

#: canonical field → header patterns (full match on :func:`header_key`), most specific first. The first
#: pattern that matches any header of the file chooses that column.
FIELDS: dict[str, tuple[str, ...]] = {
    "day": ("日期", "数据日期", "统计日期", "报表日期", "时间", "日期\\(天\\)", "分日", "stat_date", "date", "day"),
    "account": ("账户id", "账户名称", "账户", "广告主id", "广告主账户id", "广告主账户", "广告主名称", "广告主",
                "广告账户", "广告账户id", "推广账户", "账号", "账户名", "用户名", "advertiser_id", "account_id",
                "account"),
    "campaign": ("计划名称", "广告计划名称", "广告计划", "推广计划名称", "推广计划", "计划", "项目名称",
                 "campaign_name", "campaign"),
    "cost": ("消耗", "总消耗", "整体消耗", "花费", "总花费", "消费", "总费用", "广告花费", "cost", "charge", "stat_cost"),
    "impressions": ("展示数", "展示次数", "展示量", "曝光次数", "曝光数", "曝光量", "展现", "展现量", "展现数",
                    "封面曝光数", "impressions", "impression", "show", "show_cnt", "view_count"),
    "clicks": ("点击数", "点击次数", "点击量", "点击", "封面点击数", "有效点击数", "clicks", "click", "click_cnt",
               "valid_click_count"),
    "conversions": ("转化数", "转化次数", "目标转化量", "目标转化数", "成交笔数", "总成交笔数", "成交订单数",
                    "成交订单量", "支付订单数", "订单支付数", "总订单行", "总订单数", "网页转化",
                    _W + "支付订单量", _W + "支付订单数", _W + "成交订单数", _W + "总订单行", "总订单行" + _W,
                    "convert", "convert_cnt", "conversions_count", "conversion"),
    "revenue": ("成交金额", "总成交金额", "支付金额", "总订单金额", "成交订单金额", "下单金额", "订单金额", "gmv",
                "支付gmv", _W + "支付金额", _W + "成交金额", _W + "下单金额", _W + "订单金额", _W + "总订单金额", _W + "总成交金额", "总订单金额" + _W,
                "pay_order_amount", "order_amount"),
}
_COMPILED = {field: tuple(re.compile(p) for p in pats) for field, pats in FIELDS.items()}
REQUIRED = ("campaign", "cost")  # a day comes from a date column or the title line (报表时间)


@dataclass(frozen=True)
class HeaderSet:
    """One kind of export: ``platform`` (the 渠道 it becomes), ``kind`` (报表 type), the headers that identify it."""

    platform: str
    kind: str
    signature: tuple[tuple[str, ...], ...]  # each item: alternative spellings of one header
    source: str
    inferred: bool = False
    window: str = ""  # the attribution window when the header does not name one


PLATFORMS: tuple[HeaderSet, ...] = (
    HeaderSet("巨量引擎", "千川 推广报表", (("消耗", "整体消耗"), ("展示数",), ("点击数",), ("成交订单数",), ("成交订单金额",),
                                        ("支付roi", "整体支付roi")),
              "bububa/oceanengine marketing-api/model/qianchuan/report/metrics.go（千川报表字段注释）"),
    HeaderSet("巨量引擎", "巨量广告 计划/项目报表", (("消耗", "总花费"), ("展示数",), ("点击数",), ("转化数",), ("转化成本",),
                                          ("计划名称", "项目名称")),
              "bububa/oceanengine marketing-api/model/report/metrics.go（巨量广告报表字段注释）"),
    HeaderSet("腾讯广告", "推广计划日报表", (("花费",), ("曝光次数",), ("点击次数",), ("转化次数", "目标转化量"),
                                     ("推广计划名称", "推广计划"), ("下单金额",)),
              "TencentAd/marketing-api-go-sdk docs/DailyReportsGetListStruct.md（字段 view_count、valid_click_count、cost、"
              "conversions_count、order_amount）；showdoc.com.cn/zhanfei/8360202924403516（第三方的推广计划日报表库表："
              "view_count 曝光次数、valid_click_count 点击次数）；花费、转化次数、推广计划名称、下单金额为推断", inferred=True),
    HeaderSet("百度营销", "计划报告", (("消费", "花费"), ("展现",), ("点击",), ("网页转化", "转化"), ("推广计划", "计划名称")),
              "bububa/baidu-marketing model/search/report/realTimeRequest.go（performanceData：cost 花费、impression 展现、"
              "click 点击、conversion 网页转化）"),
    HeaderSet("小红书聚光", "计划报表", (("消费",), ("展现量",), ("点击量",), ("互动量",), ("计划名称",)),
              "bububa/spotlight-mapi（聚光 Marketing API SDK）model/report/report.go DataReportDTO 字段注释：Fee 推广消费金额、"
              "Impression 推广展现量、Click 推广点击量、Interaction 互动量、Cpi 平均互动成本（消费/互动量）、"
              "PurchaseOrderGmv7d 7日支付金额、SuccessGoodsOrder 7日支付订单量；model/report/realtime/campaign.go "
              "CampaignName 计划名称"),
    HeaderSet("阿里妈妈", "万相台 计划报表", (("消耗", "花费"), ("展现量", "展现数"), ("点击量", "点击数"), ("成交金额",),
                                     ("成交笔数",), ("计划名称",)),
              "leafpoda/topsdk src/top/domain/ReportResultTopDto.php（淘宝开放平台 报表字段注释：展现数、点击数、消耗、"
              "成交金额、成交笔数）"),
    HeaderSet("阿里妈妈", "直通车 推广计划报表", (("花费",), ("展现量",), ("点击量",), ("总成交金额",), ("总成交笔数",),
                                       ("推广计划名称", "计划名称")),
              "未找到直通车导出表头的公开文档（推断；字段含义同万相台）", inferred=True, window="15天"),
    HeaderSet("磁力金牛", "计划报表", (("花费",), ("封面曝光数",), ("封面点击数",), ("广告计划名称", "计划名称")),
              "bububa/kwai-marketing-api model/report/stat.go（快手磁力引擎报表字段注释：花费（元）、封面曝光数、封面点击数；"
              "金牛 GMV 列为推断）", inferred=True),
    HeaderSet("京准通", "快车/海投 计划报表", (("总花费", "花费"), ("展现数", "展现量"), ("点击数", "点击量"),
                                         ("总订单金额",), ("总订单行",), ("计划名称",)),
              "liangbingtian/algorithm 京准通报表 SQL（字段别名 花费、GMV(总订单金额)、总订单行、展现量、点击量，"
              "trans_days=15；导出表头为推断）", inferred=True, window="15天"),
)


def find_columns(headers: list[str]) -> dict[str, tuple[int, str]]:
    """field → (column index, attribution window written in its header or ""), for every field the header has."""
    keys = [header_key(h) for h in headers]
    found: dict[str, tuple[int, str]] = {}
    for field, patterns in _COMPILED.items():
        for rx in patterns:
            hit = next(((i, m) for i, k in enumerate(keys) if k and (m := rx.fullmatch(k))), None)
            if hit is not None:
                i, m = hit
                w = m.groupdict().get("w")
                found[field] = (i, f"{w}{'天' if '天' in keys[i] else '日'}" if w else _window_in(str(headers[i])))
                break
    return found


def _window_in(header: str) -> str:
    m = re.search(r"(\d+)\s*(日|天)", unicodedata.normalize("NFKC", header))
    return f"{m.group(1)}{m.group(2)}" if m else ""


def score(headers: list[str], header_set: HeaderSet) -> tuple[int, list[str]]:
    """How many of the set's signature headers the file has, and the first spelling of each it lacks."""
    keys = {header_key(h) for h in headers}
    missing = [alts[0] for alts in header_set.signature if not any(header_key(a) in keys for a in alts)]
    return len(header_set.signature) - len(missing), missing


def detect(headers: list[str], platform: str | None = None) -> tuple[HeaderSet | None, HeaderSet, list[str]]:
    """The header set ``headers`` belong to (None when none fits), the closest one, and what it lacks.

    A set fits when the file has all its signature headers, or all but one and at least three (a team
    hides a column in the platform's column picker). Among those that fit, most signature headers present
    wins, then fewest missing, then the order of :data:`PLATFORMS` (千川 before 巨量广告). ``platform``
    restricts the choice to one platform's sets.
    """
    candidates = [s for s in PLATFORMS if platform is None or s.platform == platform] or list(PLATFORMS)
    scored = [(score(headers, s), n, s) for n, s in enumerate(candidates)]
    ranked = sorted(scored, key=lambda t: (-t[0][0], len(t[0][1]), t[1]))
    (hits, missing), _, best = ranked[0]
    if not missing or (len(missing) == 1 and hits >= 3):
        return best, best, missing
    return None, best, missing


def platform_names() -> list[str]:
    return list(dict.fromkeys(s.platform for s in PLATFORMS))
