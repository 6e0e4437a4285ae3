"""Questions that would work, for a question whose campaign was not found.

Built from what the question's other words said (a channel, a period, a figure) and the sheet's
closest campaign names, each suggestion is read again against the sheet's names and answered before
it is offered: a suggestion is never itself a "no such campaign", a refusal or an error.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

from roi_core.answer.shapes import CandidatesAnswer, NoMatchAnswer
from roi_core.errors import RoiError
from roi_core.matching import match_campaign
from roi_core.query import Query, parse_query, period_label
from roi_core.query.normalize import _Text
from roi_core.query.period_words import _PERIOD_RULES
from roi_core.results import Answer
from roi_core.sheetdata import SheetData

# the grammar's own words for a figure (roi_core.query.intents reads each back as that metric)
_METRIC_WORDS = {
    "zh": {"roi": "ROI", "roas": "ROAS", "cac": "获客成本", "cpa": "CPA", "cvr": "转化率", "ctr": "点击率",
           "aov": "客单价", "revenue": "销售额", "cost": "花费", "profit": "利润", "new_customers": "新客"},
    "en": {"roi": "ROI", "roas": "ROAS", "cac": "CAC", "cpa": "CPA", "cvr": "CVR", "ctr": "CTR", "aov": "AOV",
           "revenue": "revenue", "cost": "cost", "profit": "profit", "new_customers": "new customers"},
}
# the commands a suggestion may start with (roi_core.query.model.KEYWORDS)
_COMMANDS = {"zh": ("渠道", "排行", "建议"), "en": ("channels", "top", "advice")}
SUGGESTED = 3


def period_words(query: Query, today: dt.date) -> str:
    """The words of ``query.raw`` that named its period, as typed ("上个月", "last month"); the period's
    label ("2026-10", "2026-09-01 ~ 2026-10-31") when no single phrase did; "" without a period."""
    if query.period is None:
        return ""
    text = _Text(unicodedata.normalize("NFKC", query.raw))
    # the parser's rules in the parser's order, each match masked, so a month inside a date is not read twice
    for pattern, rule in _PERIOD_RULES:
        for m in pattern.finditer(text.view()):
            if not m[0].strip():
                continue
            try:
                result = rule(m, today)
            except RoiError:
                continue
            if (result[0], result[1]) == query.period:
                return text.orig[m.start():m.end()].strip()
            text.take(m.start(), m.end())
    return period_label(query) or ""


def candidates(query: Query, period: str, closest: list[str]) -> list[str]:
    """The questions worth trying, best first (unchecked): the channel's own figures, the closest
    campaign on that channel or with the figure asked, then the channels, the ranking and the advice
    over the period. A campaign is suggested without the period: its answer covers its own dates."""
    lang = "en" if query.lang == "en" else "zh"
    metric = _METRIC_WORDS[lang].get(query.metric or "", "")
    name = closest[0] if closest else ""
    out = []
    if query.channel:
        out.append(f"{query.channel} {metric or 'ROI'} {period}")
        if name:
            out.append(f"{name} {query.channel}")
    elif name and metric:
        out.append(f"{name} {metric}")
    out += [f"{command} {period}" for command in _COMMANDS[lang]]
    return [" ".join(q.split()) for q in out]


def _key(q: Query) -> tuple:
    return (q.kind, q.text, q.start, q.end, q.channel, q.metric, q.order, q.top_n, q.edition)


def _empty(ans) -> bool:
    """An answer that lists nothing (a ranking of a month without rows): no question worth offering."""
    return any(isinstance(getattr(ans, name, None), list) and not getattr(ans, name) for name in ("campaigns", "channels"))


def suggest_questions(query: Query, data: SheetData, today: dt.date, closest: list[str],
                      answer: Callable[[Query, SheetData, dt.date], Answer], limit: int = SUGGESTED) -> list[str]:
    """Up to ``limit`` questions, each different in what it asks, that the sheet answers (read
    against its campaign and channel names, then answered on ``today`` by ``answer``), built from what
    ``query`` said besides the name that matched nothing; [] when none works.

    ``answer`` is :func:`roi_core.answer.answer`, passed in by its caller: that package imports this
    module, so this module does not import it back."""
    campaigns = data.campaigns["campaign"].dropna().unique().tolist()
    channels = data.campaigns["channel"].dropna().unique().tolist()
    out: list[str] = []
    seen: set[tuple] = set()
    for text in candidates(query, period_words(query, today), closest):
        try:
            asked = parse_query(text, today, known_campaigns=campaigns, known_channels=channels)
        except RoiError:
            continue
        if asked.kind == "help" or _key(asked) in seen:
            continue
        # a campaign that matches nothing is not tried: its answer would suggest questions again
        if asked.kind == "campaign" and match_campaign(asked.text, campaigns).how == "none":
            continue
        try:
            got = answer(asked, data, today)
        except RoiError:  # not answered (yet), or no data for it
            continue
        if isinstance(got, (NoMatchAnswer, CandidatesAnswer)) or _empty(got):
            continue
        seen.add(_key(asked))
        out.append(text)
        if len(out) == limit:
            break
    return out
