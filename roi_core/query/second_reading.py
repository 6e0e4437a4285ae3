"""What the colloquial intents decide once everything is read (lexicon.py), the sides of a comparison of
editions (今年双11对比去年), and the closest questions that would work when a question is not understood."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from roi_core.errors import QueryError
from roi_core.query.model import Query
from roi_core.query.period_words import _add_months, _month_end

_BUDGET_INTENTS = ("worth", "budget_line", "where_money")
_BUDGET_WORD = re.compile(r"预算|\bbudgets?\b")
_PREVIOUS = ("上一届", "上届", "上一期", "前一届", "上次", "previous edition", "last edition")
#: how a not-understood message names a figure in the questions it offers
METRIC_ZH = {"roi": "ROI", "roas": "ROAS", "cac": "获客成本", "cpa": "转化成本", "cvr": "转化率", "ctr": "点击率",
             "aov": "客单价", "revenue": "收入", "cost": "成本", "profit": "利润", "new_customers": "新客数",
             "payback": "回本周期", "repurchase": "复购率"}


def last_full_months(today: dt.date, n: int = 12) -> tuple[dt.date, dt.date]:
    """The ``n`` whole months before today's (asked on 2026-11-30: 2025-11-01 … 2026-10-31)."""
    year, month = _add_months(today.year, today.month, -1)
    first_year, first_month = _add_months(year, month, -(n - 1))
    return dt.date(first_year, first_month, 1), _month_end(year, month)


def decide_more(found, kinds: set[str], q: Query, today: dt.date) -> tuple[str, Query] | None:
    """The kind (and query) the everyday intents decide, or None to let the command words decide.

    有什么预警 → alerts (a campaign named too: its own answer, which carries its alerts); 抖音值不值得投 →
    worth; 要不要加抖音预算 → budget_line (the plan's line for 抖音); either without a channel, or 钱该往哪投,
    砍掉哪个渠道 → advice (the whole plan); a campaign asked whether it was worth it → the campaign, profit
    first; 每个月ROI趋势 / 今年ROI走势 without a channel or campaign → the months' summary (default: the
    last 12 whole months)."""
    ranks = found.direction is not None or found.order is not None or "top" in kinds or found.campaign_noun
    if "repurchase" in kinds and ranks and not found.campaign and not found.channel:
        # 哪个渠道复购率最高, 复购率最高的活动: a ranking by the repurchase rate, not one customer-value answer
        return ("channels" if "channels" in kinds else "top"), replace(q, metric="repurchase")
    if "alerts" in kinds and not found.campaign and not found.channel:
        return "alerts", replace(q, start=None, end=None, month=None)
    asked = [k for k in _BUDGET_INTENTS if k in kinds]
    if asked and "attribution" not in kinds:
        if found.campaign and found.campaign_known:
            return "campaign", replace(q, metric=q.metric or "profit")
        if found.channel and "where_money" not in asked:
            return ("worth" if "worth" in asked else "budget_line"), q
        return "advice", replace(q, budget=found.budget, channel=None)
    if "advice" in kinds and found.channel and not found.campaign and _BUDGET_WORD.search(q.raw.casefold()):
        return "budget_line", q  # 抖音预算, should we increase the douyin budget: the plan's line for it
    if "trend" in kinds and not (found.campaign or found.channel) and "attribution" not in kinds \
            and not any(k in kinds for k in ("payback", "repurchase", "customer_value", "lifecycle", "cohort")):
        if q.start is None:
            start, end = last_full_months(today)
            q = replace(q, start=start, end=end, month=None)
        elif q.month is not None:  # 10月趋势: one month is its own summary
            return "monthly", q
        if q.start.day != 1:  # 近半年 (rolling): the whole months it covers most of, the summary being monthly
            year, month = _add_months(q.start.year, q.start.month, 1)
            q = replace(q, start=dt.date(year, month, 1))
        elif q.end > _month_end(today.year, today.month):  # 今年每个月: the months up to today's
            q = replace(q, end=_month_end(today.year, today.month))
        return "monthly", replace(q, month=None, metric=q.metric or "roi")
    return None


def closest_questions(found, lang: str, today: dt.date, campaigns, channels, parse) -> list[str]:
    """Up to three questions built from what ``found`` recognised (a period, a channel, a figure, a
    campaign) that parse with the same names: the reader can ask one of them as it stands."""
    period = found.spans[0].words if found is not None and found.spans else ""
    channel = found.channel if found is not None else None
    campaign = found.campaign if found is not None and found.campaign_known else ""
    metric = found.metric if found is not None else None
    en = lang == "en"
    word = (metric or "roi").upper() if en else METRIC_ZH.get(metric or "roi", "ROI")
    if en:
        tried = [f"{channel} {word} {period}" if channel else "", f"{campaign} {word}" if campaign else "",
                 f"channels {period}".strip() if period else "", f"top 5 campaigns {period}".strip(),
                 f"channels by {word.lower()}" if metric else "", "channels last month", "summary last month"]
    else:
        tried = [f"{channel} {word} {period}".strip() if channel else "",
                 f"{campaign} {word}" if campaign else "",
                 f"{period}各渠道{word}" if period else "", f"哪个渠道{word}最高" if metric else "",
                 f"{channel}值不值得投" if channel else "", f"{period}{word}最高的5个活动",
                 "上个月各渠道ROI", "月报"]
    out: list[str] = []
    for question in dict.fromkeys(t.strip() for t in tried if t.strip()):
        try:
            parsed = parse(question, today, known_campaigns=campaigns or None, known_channels=channels or None)
        except QueryError:
            continue
        if parsed.kind != "help" and (parsed.kind != "campaign" or campaign):
            out.append(question)
        if len(out) == 3:
            break
    return out


def edition_sides(sides: list[Query]) -> list[Query] | None:
    """今年双11对比去年, 双11 今年和去年, 双11 vs 上一届: one campaign side and the others whole years (or
    上一届) are editions of that campaign; None when the sides are not of that shape."""
    named = [s for s in sides if s.text and s.text not in _PREVIOUS]
    if len(named) != 1 or len(sides) < 2:
        return None
    campaign = named[0]
    out = []
    for side in sides:
        if side is campaign:
            out.append(replace(side, kind="campaign", start=None, end=None, month=None))
            continue
        whole_year = side.start is not None and side.start.month == 1 and side.start.day == 1 \
            and side.end == dt.date(side.start.year, 12, 31)
        if side.text in _PREVIOUS or (side.edition == -1 and not side.text):
            out.append(replace(campaign, kind="campaign", edition=-1, start=None, end=None, month=None))
        elif whole_year and not side.channel:
            out.append(replace(campaign, kind="campaign", edition=side.start.year, start=None, end=None,
                               month=None))
        else:
            return None
    return out


def figure_against_period(sides: list[Query], today: dt.date) -> list[Query] | None:
    """ROI比去年高吗, 获客成本比上个月低吗: a figure alone against one past year or month is that figure now
    (this year or month up to today) against the same days then (同期); None for any other shape."""
    bare = [s for s in sides if s.start is None and not (s.text or s.channel) and s.metric]
    dated = [s for s in sides if s.start is not None and not (s.text or s.channel)]
    if len(sides) != 2 or len(bare) != 1 or len(dated) != 1 or dated[0].end >= today:
        return None
    then = dated[0]
    if then.start == dt.date(then.start.year, 1, 1) and then.end == dt.date(then.start.year, 12, 31):
        now_start = dt.date(today.year, 1, 1)
        then_end = dt.date(then.start.year, today.month, min(today.day, _month_end(then.start.year, today.month).day))
    elif then.month is not None:
        now_start = today.replace(day=1)
        then_end = min(then.end, then.start + dt.timedelta(days=today.day - 1))
    else:
        return None
    metric = bare[0].metric
    return [Query("period", start=now_start, end=today, lang=bare[0].lang, metric=metric),
            Query("period", start=then.start, end=then_end, lang=bare[0].lang, metric=metric)]
