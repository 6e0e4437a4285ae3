"""What a question is once understood: the :class:`Query`, its kinds, metrics and limits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

KEYWORDS = {
    "help": ("帮助", "help", "?", "？", "h", "usage", "用法"),
    "channels": ("渠道", "channels", "channel", "渠道排行"),
    "attribution": ("归因", "attribution", "attr"),
    "monthly": ("月报", "summary", "monthly", "月度汇总"),
    "advice": ("建议", "advice", "suggestions", "suggest"),
    "top": ("排行", "top", "排名", "榜单", "ranking"),
}

#: every kind a Query can have; ``compare`` and ``channel_trend`` are understood, not yet answered
KINDS = ("help", "campaign", "channels", "attribution", "monthly", "advice", "top", "compare", "channel_trend")
KINDS += ("customer_value", "lifecycle", "cohort")  # customer value over time (roi_core/query/customer_words.py)
KINDS += ("worth", "budget_line", "alerts")  # 值不值得投, 要不要加抖音预算, 有什么预警 (roi_core/query/lexicon.py)
METRICS = ("roi", "roas", "cac", "cpa", "cvr", "ctr", "aov", "revenue", "cost", "profit", "new_customers")
METRICS += ("payback", "repurchase")  # figures of the customer_value answer
MAX_QUESTION_CHARS = 500
MAX_TOP = 500

# channels people name without a sheet at hand; a sheet's own names replace these (known_channels)
COMMON_CHANNELS = ("抖音", "小红书", "微信", "视频号", "朋友圈", "公众号", "天猫", "淘宝", "京东", "拼多多", "快手", "b站",
                   "哔哩哔哩", "微博", "知乎", "百度", "短信", "线下", "google", "facebook", "tiktok",
                   "instagram", "youtube", "email", "sms")


@dataclass(frozen=True)
class Query:
    """What the user asked. ``lang`` is "zh" or "en" (answers follow the user's language).

    ``start``/``end`` (inclusive dates) bound the period asked, None for all data; ``month`` is
    set too when that period is exactly one calendar month. ``text`` is the campaign as typed
    (no edition year), ``edition`` the edition asked (a year; -1 for 上一届; None: the latest).
    ``channel`` restricts the answer to one channel, ``metric`` is a figure asked by name,
    ``order`` is "best" or "worst" (rankings), ``sides`` the sides of a comparison (each a
    Query of kind campaign, channel_trend or period). ``resolved`` says names were checked
    against the sheet's (``known_campaigns`` / ``known_channels``).
    """

    kind: str  # one of KINDS
    text: str = ""
    month: pd.Period | None = None
    model: str | None = None
    top_n: int = 10
    lang: str = "zh"
    raw: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    channel: str | None = None
    metric: str | None = None
    order: str = "best"
    edition: int | None = None
    sides: tuple[Query, ...] = field(default=())
    resolved: bool = False
    budget: float | None = None  # advice: the total to split (下个月预算 50万怎么分), None: the same as now
    during: bool = False  # the period is the campaign's own dates (双11期间各渠道): resolved by the answer
    asked_end: dt.date | None = None  # 下半年 asked before it ends: the end asked (``end`` is today); the answer says so

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        return None if self.start is None or self.end is None else (self.start, self.end)


# Latin words a Chinese team types among Chinese: figures' short names and a few loan words. A question
# made only of these (and numbers) is no English ("top 10", "cohort", "618 ROAS"): it is answered in Chinese.
_TEAM_TERMS = frozenset(("top", "roi", "roas", "cac", "cpa", "ctr", "cvr", "aov", "gmv", "ltv", "kpi", "cohort",
                         "vs", "pk", "ytd", "mtd", "xhs", "dy", "douyin", "tmall", "baidu", "weixin", "wx",
                         "xiaohongshu", "tianmao", "taobao", "duanxin", "xianxia", "ztc", "jd", "pdd", "ks"))


def detect_lang(text: str) -> str:
    """English when the text has Latin words, no CJK characters and at least one Latin word that is not one
    of the terms a Chinese team uses as they are (top, ROI, ROAS, cohort…); Chinese otherwise."""
    if re.search(r"[\u3400-\u9fff]", text) is not None:
        return "zh"
    words = re.findall(r"[A-Za-z]{2,}", text)
    return "en" if any(w.casefold() not in _TEAM_TERMS for w in words) else "zh"


def period_label(query: Query) -> str | None:
    """How an answer names the query's period: ``2026-10`` for a month, else ``start ~ end``."""
    if query.start is None or query.end is None:
        return None
    if query.month is not None:
        return str(query.month)
    if query.start == query.end:
        return query.start.isoformat()
    return f"{query.start.isoformat()} ~ {query.end.isoformat()}"
