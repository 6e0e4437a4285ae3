"""``answer(query, data, today)``: the structured answer every front end renders.

Answers are plain dataclasses; :func:`to_json_dict` turns any of them into a
JSON-safe dict (NaN → None, dates → ISO strings) for the console's ``--json``
and for tests. Renderers (console text, Slack Block Kit) live in ``bot/``.
"""

from __future__ import annotations

import datetime as dt

# Every name of the one-module days stays importable from roi_core.answer (the helpers too: tests and
# tools reach for a few); the public ones are __all__. The code lives in the modules named below.
from roi_core.answer.builders import (  # noqa: F401
    HELP_EXAMPLES_EN,
    HELP_EXAMPLES_ZH,
    RANKABLE,
    _attribution,
    advice,
    channel_ranking,
    help_answer,
    top_campaigns,
)
from roi_core.answer.campaign import (  # noqa: F401
    _campaign_answer,
    _edition,
    _edition_year,
    _own_skipped_rows,
    _problems_of_rows,
    _raise_if_only_bad_rows,
    campaign_report,
)
from roi_core.answer.compare import CompareAnswer, compare  # noqa: F401
from roi_core.answer.customer_value import (  # noqa: F401
    CohortAnswer,
    CustomerValueAnswer,
    LifecycleAnswer,
    cohort_answer,
    customer_value_answer,
    lifecycle_answer,
    with_customer_value,
)
from roi_core.answer.intents import INTENT_ANSWERS, clipped_note, resolve_during
from roi_core.answer.rows import (  # noqa: F401
    _label,
    _month_rows,
    _require_campaigns,
    _rows_for,
    latest_full_month,
    period_rows,
)
from roi_core.answer.shapes import (
    AdviceAnswer,
    CampaignReport,
    CandidatesAnswer,
    ChannelRanking,
    HelpAnswer,
    NoMatchAnswer,
    TopList,
    answer_json,
    campaign_json,
)
from roi_core.answer.suggest_questions import suggest_questions
from roi_core.answer.trend import ChannelTrendAnswer, channel_trend  # noqa: F401
from roi_core.budget.answer import name_credit_basis
from roi_core.errors import DataError, QueryError
from roi_core.imports import import_notes
from roi_core.monthly import monthly_summary, period_summary, whole_months
from roi_core.query import Query, parse_query, period_label
from roi_core.query.window import check_window
from roi_core.results import Answer, to_json_dict
from roi_core.sheetdata import SheetData

__all__ = [
    "AdviceAnswer", "Answer", "CampaignReport", "CandidatesAnswer", "ChannelRanking", "HELP_EXAMPLES_EN",
    "HELP_EXAMPLES_ZH", "HelpAnswer", "NoMatchAnswer", "TopList", "advice", "answer", "answer_json",
    "campaign_json", "campaign_report", "channel_ranking", "help_answer", "latest_full_month", "period_rows",
    "to_json_dict", "top_campaigns",
]


CUSTOMER_ANSWERS = {"customer_value": customer_value_answer, "lifecycle": lifecycle_answer, "cohort": cohort_answer}


def _base(ans: Answer, query: Query, data: SheetData) -> Answer:
    ans.lang = query.lang
    ans.rows_skipped = data.rows_skipped
    ans.source = data.source
    ans.data_age_seconds = data.stale_seconds  # set only when a cached copy answers for a failed source
    ans.stale = data.stale_seconds is not None
    examples = sum(len(rows) for rows in data.example_rows.values())
    if data.rows_skipped > examples:  # rows with a problem; the template's examples get their own sentence
        ans.warnings.append(_skipped_warning(data.rows_skipped - examples, query.lang))
    ans.warnings += data.example_warnings(query.lang)
    ans.warnings += data.import_warnings(query.lang) + import_notes(ans, query, data)  # the imported rows used
    if data.stale_seconds is not None:
        minutes = max(1, round(data.stale_seconds / 60))
        ans.warnings.append(f"表格暂时读不到，以下是 {minutes} 分钟前的缓存数据" if query.lang == "zh"
                            else f"The sheet could not be read; this answer uses a copy from {minutes} min ago")
    return ans


def _skipped_warning(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} row(s) were left out because of data problems (see the 数据校验 tab)"
    return f"有 {n} 行数据有问题，未计入（详见「数据校验」标签页）"


def answer(query: Query, data: SheetData, today: dt.date) -> Answer:
    """Answer a parsed query from the sheet's data; ``today`` is the team's date (in its time zone):
    the core never reads a clock.

    A query parsed without the sheet's names is read again with them (a campaign named like a
    period, "10月会员日", or a channel written loosely, "天猫"). Raises :class:`DataError` when the
    sheet cannot answer (missing tab or column, no rows left) and :class:`QueryError` for what the
    sheet's names show was not understood; every other outcome, including "no such campaign", is
    an Answer.
    """
    if query.kind == "help":
        return _base(help_answer(query, data), query, data)
    _require_campaigns(data)
    if not query.resolved and query.raw:
        query = parse_query(query.raw, today, known_campaigns=data.campaigns["campaign"].dropna().unique().tolist(),
                            known_channels=data.campaigns["channel"].dropna().unique().tolist())
        if query.kind == "help":
            return _base(help_answer(query, data), query, data)
    during = ""
    if query.during and query.text:  # 双11期间各渠道: the campaign's own dates are the period (answer/intents.py)
        resolved = resolve_during(query, data)
        if isinstance(resolved, Answer):
            return _base(resolved, query, data)
        query, during = resolved
    check_window(query, data.settings.earliest_date, data.settings.latest_date)  # 设置 最早日期 … 最晚日期
    period = query.period
    if query.kind in INTENT_ANSWERS:  # 值不值得投, 要不要加抖音预算, 有什么预警
        ans = INTENT_ANSWERS[query.kind](query, data, today)
    elif query.kind == "campaign":
        ans = _campaign_answer(query, data)
        ans = with_customer_value(ans, data, today)  # payback, LTV, repurchase in the JSON (customer_value.py)
    elif query.kind in CUSTOMER_ANSWERS:  # 客户价值 / 回本周期 / 复购, 生命周期, cohort
        ans = CUSTOMER_ANSWERS[query.kind](query, data, today)
    elif query.kind == "channels":
        ans = channel_ranking(data, query.month, lang=query.lang, period=period, order=query.order,
                              metric=query.metric, today=today, top=query.top_n if query.top_n != 10 else None)
    elif query.kind == "top":
        ans = top_campaigns(data, query.top_n, query.month, lang=query.lang, period=period, order=query.order,
                            channel=query.channel, metric=query.metric, today=today)
    elif query.kind == "advice" and query.budget is not None:  # 下个月预算 50万怎么分: that total, split
        ans = advice(data, query.month, lang=query.lang, period=period, budget=query.budget)
    elif query.kind == "advice":
        ans = advice(data, query.month, lang=query.lang, period=period)
    elif query.kind == "attribution":
        ans = _attribution(query, data)
    elif query.kind == "monthly" and query.month is None and period is not None and whole_months(*period):
        ans = period_summary(data, *period, lang=query.lang)  # a quarter or a range of months
    elif query.kind == "monthly":
        if period is not None and query.month is None:
            raise QueryError(f"月报按整月出，「{period_label(query)}」不是一个整月" if query.lang != "en" else
                             f"The summary is monthly; {period_label(query)} is not one calendar month",
                             "例：/roi 月报 2026-10；一段时间的渠道表现可以问「渠道 本季度」" if query.lang != "en" else
                             "e.g. summary 2026-10; for a longer period ask: channels this quarter")
        month = query.month or latest_full_month(today)
        ans = monthly_summary(data, month, lang=query.lang)
        period = (month.start_time.date(), month.end_time.date())
    elif query.kind == "channel_trend":
        ans = channel_trend(data, query.channel, today, period, lang=query.lang, metric=query.metric)
        period = (ans.start_date, ans.end_date)
    elif query.kind == "compare":
        ans = compare(query, data)
    elif query.kind in ("compare", "channel_trend"):
        raise QueryError(*_not_yet(query))
    else:
        raise DataError(f"暂不支持「{query.raw}」", "输入 /roi 帮助 查看用法")
    if query.kind == "channels":  # the one basis of channel credit, named where it matters (roi_core.budget)
        name_credit_basis(ans, data, query.month, period)
    if isinstance(ans, NoMatchAnswer):  # besides the closest names, questions that would work
        ans.suggested_questions = suggest_questions(query, data, today, ans.closest, answer)
    if period is not None and query.kind != "campaign":
        ans.asked_period = {"start": period[0], "end": period[1]}
    if query.metric is not None:
        ans.asked_metric = query.metric
    if query.kind in ("channels", "top"):  # a ranking says what it ranks by and which end comes first
        ans.asked_metric = query.metric if query.metric in RANKABLE else "roi"
        ans.asked_order = query.order
    if during or query.asked_end is not None:  # a campaign's dates, or 下半年 up to today: said first
        ans.warnings.insert(0, during or clipped_note(query))
    return _base(ans, query, data)


def _not_yet(query: Query) -> tuple[str, str]:
    """What to say for a question understood but not answered yet (comparisons, one channel's trend)."""
    en = query.lang == "en"
    if query.kind == "compare":
        names = " / ".join((f"{s.edition}{s.text}" if s.edition and s.edition > 0 else s.text)
                           or s.channel or period_label(s) or "?" for s in query.sides)
        return ((f"Comparisons ({names}) are not answered yet", "ask for each side on its own, e.g. 618, then 双11")
                if en else (f"对比（{names}）还不能直接回答", "可以分别问，例如先问 618，再问 双11"))
    return ((f"One channel's trend ({query.channel}) is not answered yet",
             "ask: channels last month, or a campaign on that channel, e.g. 618 " + (query.channel or ""))
            if en else (f"单个渠道的走势（{query.channel}）还不能直接回答",
                        f"可以问「渠道 上个月」看各渠道，或「618 {query.channel}」看某个活动在该渠道的表现"))
