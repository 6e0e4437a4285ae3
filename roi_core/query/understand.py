"""The understander: reads one question (or each side of a comparison) into a :class:`Query`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from roi_core.errors import QueryError
from roi_core.query.budget_words import read_budget
from roi_core.query.customer_words import CUSTOMER_INTENTS, customer_kind
from roi_core.query.intents import (
    _CAMPAIGN_NOUN,
    _COMPARE_INFIX,
    _COMPARE_JOIN,
    _COMPARE_PREFIX,
    _FILLER_CN,
    _HELP_WHOLE,
    _INTENTS,
    _METRIC_PATTERNS,
    _ORDER_BEST,
    _ORDER_WORST,
    _PREVIOUS_EDITION,
    _TOP_N_COUNT,
    _TOP_N_WORD,
    _WORST_WORDS,
    _model_alias,
    _model_patterns,
)
from roi_core.query.lexicon import (
    COLLOQUIAL,
    DURING,
    HIGH,
    LOW,
    METRIC_MORE_PATTERNS,
    RANKED,
    direction_order,
    find_alias,
    same_channel,
)
from roi_core.query.model import COMMON_CHANNELS, MAX_QUESTION_CHARS, MAX_TOP, Query, detect_lang
from roi_core.query.names import _campaign_keys, _find_channel, _find_name, _key, _most_of_a_name
from roi_core.query.normalize import _MENTION, _clean_residue, _Text
from roi_core.query.period_parts import absorb_rolling, apply_parts
from roi_core.query.period_words import (
    _PERIOD_RULES,
    _RANGE_FROM,
    _RANGE_JOIN,
    _as_month,
    _month_end,
    _Span,
    cn_number,
)
from roi_core.query.second_reading import closest_questions, decide_more, edition_sides, figure_against_period


@dataclass
class _Found:
    """What one (side of a) question says."""

    spans: list[_Span] = field(default_factory=list)
    intents: list[tuple[int, str]] = field(default_factory=list)  # position, kind
    metric: str | None = None
    model: str | None = None
    top_n: int | None = None
    top_n_text: str = ""
    order: str | None = None
    campaign_noun: bool = False
    channel: str | None = None
    campaign: str = ""
    campaign_known: bool = False
    previous_edition: bool = False
    residue: str = ""
    budget: float | None = None  # a budget amount to split (下个月预算 50万怎么分)
    direction: str | None = None  # "high" / "low": the end of the figure a ranking asks for (转化率最高)
    during: bool = False  # 双11期间: the campaign's own dates are the period


def _bounded(rule, m, today: dt.date, lang: str) -> tuple:
    """``rule``'s period for match ``m``; a date no calendar holds (year 0, past 9999) is refused in words.
    Whether the sheet holds a date is the answer's check (roi_core.query.window), with the sheet's settings."""
    try:
        return rule(m, today)
    except (ValueError, OverflowError):  # dt.date refuses year 0 and years past 9999
        token = m[0].strip()
        if lang == "en":
            raise QueryError(f"The period “{token}” is not a date of the calendar", "e.g. 2026-10 or Q3 2026") from None
        raise QueryError(f"时间「{token}」不是日历上的日期", "请写成 2026-10 或 2026年Q3 这样的时间") from None

def _read(text: _Text, today: dt.date, campaigns: tuple[str, ...], channels: tuple[str, ...],
          names_known: bool, lang: str = "zh") -> _Found:
    found = _Found()
    view = text.view()
    # 1. a sheet's campaign names first ("10月会员日" is a campaign, not October)
    for name, key in _campaign_keys(campaigns):
        at = _find_name(view, key)
        if at >= 0:
            text.take(at, at + len(key))
            found.campaign, found.campaign_known = name, True
            view = text.view()
            break
    # 1b. the customer-value words, before periods (the 本周 of 回本周期 is no week): customer_words.py
    for kind, pattern in CUSTOMER_INTENTS.items():
        found.intents += [(m.start(), kind) for m in text.find(pattern)]
    # 1c. marketers' everyday intents, before periods too (the 今日 of 今日预警 is no period): lexicon.py
    for kind, pattern in COLLOQUIAL.items():
        found.intents += [(m.start(), kind) for m in text.find(pattern)]
    found.during = bool(text.find(DURING))  # used only beside a campaign the sheet has
    view = text.view()
    # 2. periods, then ranges of two of them ("9月到10月", "from 2026-09 to 2026-10")
    for pattern, rule in _PERIOD_RULES:
        for m in pattern.finditer(view):
            if not m[0].strip():
                continue
            result = _bounded(rule, m, today, lang)
            year = result[2] if len(result) > 2 else None
            found.spans.append(_Span(m.start(), m.end(), result[0], result[1], year, m[0].strip(), len(result) > 3))
            text.take(m.start(), m.end())
        view = text.view()
    found.spans = absorb_rolling(text, sorted(found.spans, key=lambda s: s.at))  # 11月前两周
    merged: list[_Span] = []
    for span in found.spans:
        prev = merged[-1] if merged else None
        if prev is not None and prev.start is not None and span.start is not None \
                and _RANGE_JOIN.fullmatch(text.low[prev.to:span.at]) and span.start >= prev.start:
            merged.pop()
            text.take(prev.to, span.at)
            merged.append(_Span(prev.at, span.to, prev.start, span.end, None, f"{prev.words}~{span.words}"))
        else:
            merged.append(span)
    found.spans = apply_parts(text, merged, today)  # 10月后10天, 上半月, 今年下半年
    view = text.view()
    for span in merged:
        before = _RANGE_FROM.search(view[:span.at])
        if before:
            text.take(before.start(), before.end())
    found.budget = read_budget(text, lang)  # QueryError for 0, a negative or over 1e15 yuan
    # 3. previous edition, models, ranking size, intents, order, metrics, channel
    if text.find(_PREVIOUS_EDITION):
        found.previous_edition = True
    strong, weak = _model_patterns()
    for m in text.find(strong):
        found.model = _model_alias(m[0])
    hit = text.find(_TOP_N_WORD)
    if hit:
        found.top_n, found.top_n_text = cn_number(hit[0][2]), hit[0][0].strip()
        found.intents.append((hit[0].start(), "top"))
        if hit[0][1] in _WORST_WORDS:
            found.order = "worst"
    for kind, pattern in _INTENTS.items():
        for m in text.find(pattern):
            found.intents.append((m.start(), kind))
            if kind == "top" and m[0].strip() == "bottom":
                found.order = "worst"
    if found.model or any(k == "attribution" for _, k in found.intents):
        for m in text.find(weak):
            found.model = _model_alias(m[0])
    for (metric, direction), pattern in RANKED:  # 最烧钱, 最赚钱: a figure and its end in one word
        if text.find(pattern) and found.direction is None:
            found.metric, found.direction = metric, direction
    high, low = text.find(HIGH), text.find(LOW)  # read either way ("burning the most money": most is said twice)
    if found.direction is None:
        found.direction = "high" if high else "low" if low else None
    if text.find(_ORDER_WORST):
        found.order = "worst"
    elif text.find(_ORDER_BEST):
        found.order = found.order or "best"
    # "个活动" / "campaigns" make a ranking only beside an order, a ranking word or a number
    # ("最差的活动", "前5个活动"); "不存在的活动" is a name
    noun = _CAMPAIGN_NOUN.search(text.view()) is not None
    ranked = found.order is not None or found.direction is not None or any(k == "top" for _, k in found.intents)
    if found.top_n is None and (ranked or noun):
        hit = text.find(_TOP_N_COUNT)
        if hit:
            found.top_n, found.top_n_text = cn_number(hit[0][1]), hit[0][0].strip()
    if noun and (ranked or found.top_n is not None):
        text.find(_CAMPAIGN_NOUN)
        found.campaign_noun = True
    for name, pattern in [*_METRIC_PATTERNS, *METRIC_MORE_PATTERNS]:
        if text.find(pattern) and found.metric is None:
            found.metric = name
    if found.direction is not None and found.order is None:
        found.order = direction_order(found.metric or "roi", found.direction)
    campaign_keys = [_key(c) for c in campaigns]
    # 直通车, douyin, xhs (lexicon.py): an alias no channel's name holds first (百度竞价 before 百度), then the
    # sheet's names, then the aliases inside them (红书 of 小红书 only when 小红书 is not written whole)
    found.channel = find_alias(text, channels, campaign_keys, outside=True) \
        or _find_channel(text, channels, campaigns) or find_alias(text, channels, campaign_keys)
    if found.channel is not None:
        same_channel(text, found.channel, channels)  # 微信公众号, 抖音千川: the same channel again
    # 4. what is left is filler or a campaign
    text.find(_FILLER_CN)
    residue = _clean_residue(text.rest())
    ranking = found.order is not None or found.campaign_noun or any(k == "top" for _, k in found.intents)
    if residue in ("活动", "campaigns"):
        found.campaign_noun, ranking, residue = True, True, ""  # "前5个活动": the campaigns, ranked
    if ranking and found.top_n is None and not found.during and not _a_campaign_number(residue, campaigns) \
            and re.fullmatch(r"-?\d+|[一二两三四五六七八九十]{1,3}", residue):
        number = residue.lstrip("-")
        found.top_n = cn_number(number) * (-1 if residue.startswith("-") else 1)
        found.top_n_text, residue = residue, ""
    if residue.endswith("活动") and len(residue) > 2 and campaigns and not found.campaign:
        residue = _without_decoration(residue, campaigns)  # 会员日活动: every 会员日, not the fuzzy few
    if residue and not found.campaign:
        if names_known and channels and found.channel is None:
            # a sheet's channel written loosely ("天猫" for 天猫直通车) is still that channel
            loose = [c for c in channels if _key(c).startswith(_key(residue))]
            if len(loose) == 1:
                found.channel, residue = loose[0], ""
        if residue and campaigns:
            from roi_core.matching import match_campaign

            found.campaign_known = match_campaign(residue, list(campaigns)).how != "none"
        found.campaign = residue
    elif residue:
        found.residue = residue
    return found


def _without_decoration(residue: str, campaigns: tuple[str, ...]) -> str:
    """"会员日活动" names the 会员日 campaigns when no name holds the words with 活动 but some hold them without."""
    from roi_core.matching import match_campaign

    if match_campaign(residue, list(campaigns)).how in ("exact", "substring"):
        return residue
    bare = residue[:-2]
    return bare if match_campaign(bare, list(campaigns)).how in ("exact", "substring") else residue


_TOTAL = re.compile(r"一共|总共|合计|总计|累计|加起来|总的|\btotal\b|\bin total\b", re.ASCII)

# parts of a period that can end after today (下半年, H2, 下半月): clipped to today, and said
_UNFINISHED_PART = re.compile(r"半年|半个?月|旬|\bh[12]\b|half|后|最后|末|last", re.ASCII)


def _a_campaign_number(residue: str, campaigns: tuple[str, ...]) -> bool:
    """"618哪个渠道最好": a number of three digits or more that names a campaign is the campaign, no ranking size."""
    if not (residue.isdigit() and len(residue) >= 3 and campaigns):
        return False
    from roi_core.matching import match_campaign

    return match_campaign(residue, list(campaigns)).how in ("exact", "substring")


def parse_query(text: str, today: dt.date, *, known_campaigns: Iterable[str] | None = None,
                known_channels: Iterable[str] | None = None) -> Query:
    """Understand the user's question; ``today`` is the team's date (the core never reads a clock).

    With ``known_campaigns`` / ``known_channels`` (the sheet's names) the campaign and channel
    are checked against them (``resolved=True``); without, channels are the common ones and the
    rest of the text is the campaign as typed. Raises QueryError for what cannot mean anything:
    a month or date that does not exist, a future period, a ranking size out of 1..500, an
    unknown attribution model, or (names known) words that are neither a name nor a command.
    """
    raw = text or ""
    if len(raw) > MAX_QUESTION_CHARS:
        # every step below is linear or worse in the text's length: refuse before doing any of it
        lang = detect_lang(raw[:200])
        raise QueryError(f"问题太长（{len(raw):,} 个字符），最多 {MAX_QUESTION_CHARS} 个" if lang != "en" else
                         f"The question is too long ({len(raw):,} characters; at most {MAX_QUESTION_CHARS})",
                         "请只写活动名或一个简短的问题，例如 618活动、渠道 2026-10" if lang != "en" else
                         "Ask with a campaign name or a short question, e.g. 618, channels 2026-10")
    cleaned = _MENTION.sub(" ", unicodedata.normalize("NFKC", raw))
    cleaned = re.sub(r"\s+", " ", cleaned.replace("\u3000", " ")).strip()
    lang = detect_lang(cleaned)
    names_known = known_campaigns is not None or known_channels is not None
    campaigns = tuple(dict.fromkeys(n for n in (known_campaigns or ()) if n))
    channels = tuple(dict.fromkeys(n for n in (known_channels or ()) if n)) if known_channels is not None \
        else COMMON_CHANNELS
    base = Query("help", lang=lang, raw=raw, resolved=names_known)
    if not cleaned or _HELP_WHOLE.match(cleaned.casefold()):
        return base
    sides = _split_comparison(cleaned)
    if sides:
        return _compare(sides, base, cleaned, today, campaigns, channels, names_known)
    return _single(cleaned, base, today, campaigns, channels, names_known)


def _split_comparison(cleaned: str) -> list[str] | None:
    low = cleaned.casefold()
    if len(low) != len(cleaned):
        return None
    if _COMPARE_INFIX.search(low):
        parts = _COMPARE_INFIX.split(cleaned)
    elif _COMPARE_PREFIX.search(low):
        rest = _COMPARE_PREFIX.sub(" ", cleaned).strip()
        parts = _COMPARE_JOIN.split(rest)
        if len([p for p in parts if p.strip()]) < 2:
            parts = rest.split()
    elif _BETTER_THAN.fullmatch(cleaned):  # 今年双11比去年好吗, 抖音比小红书获客成本低吗
        m = _BETTER_THAN.fullmatch(cleaned)
        parts = [m[1], m[2]]
    elif re.search(r"[和跟与]|\band\b", low) and not re.search(
            r"渠道|建议|归因|月报|排行|排名|预算|到|至|\bfrom\b|\bbetween\b|channels?|advice|attribution|budget", low):
        parts = _COMPARE_JOIN.split(cleaned)
    else:
        return None
    # "618跟双11比": the verb after the last side is no part of it
    parts = [re.sub(r"(?:比一比|比一下|比较|对比|比)\s*$", "", p.strip()) for p in parts if p and p.strip()]
    parts = [p for p in parts if p.strip()]
    return parts if len(parts) >= 2 else None


_BETTER_THAN = re.compile(r"(.+?)(?<!投产)(?<!产出)(?<!回报)(?<!对)比(?!例|较|一比|一下)(.+?)(更?(?:好|差|强|弱|高|低|多|少))"
                          r"\s*(?:吗|么|呢|不|没有)?\s*[?？]?")


def _single(cleaned: str, base: Query, today: dt.date, campaigns, channels, names_known) -> Query:
    try:
        query = _understand(cleaned, base, today, campaigns, channels, names_known)
    except QueryError:
        query = None
    if query is None or query.kind != "campaign":
        whole = _most_of_a_name(cleaned, campaigns)
        if whole:
            return replace(base, kind="campaign", text=whole)
    return query if query is not None else _understand(cleaned, base, today, campaigns, channels, names_known)


def _understand(cleaned: str, base: Query, today: dt.date, campaigns, channels, names_known) -> Query:
    found = _read(_Text(cleaned), today, campaigns, channels, names_known, base.lang)
    kinds = {k for _, k in found.intents}
    span = found.spans[0] if found.spans else None  # two periods not joined as a range: the first said
    edition = None
    if found.campaign and span is not None and span.year is not None:
        edition, span = span.year, None  # 去年双11, 2025双11: the edition, not a year of data
    if found.previous_edition:
        edition = -1
    q = replace(base, metric=found.metric, channel=found.channel, text=found.campaign, edition=edition,
                order=found.order or "best", model=found.model)
    if "profit_q" in kinds and q.metric is None:
        q = replace(q, metric="profit")  # 赚没赚钱, 亏了吗: profit (and ROI) first
    future = span is not None and span.start is None
    if span is not None and not future and span.start <= today < span.end and _UNFINISHED_PART.search(span.words):
        # 下半年 asked in November: its days up to today; the answer says the rest has not happened yet
        q = replace(q, asked_end=span.end)
        span = replace(span, end=today)
    if span is not None and not future:
        q = replace(q, start=span.start, end=span.end, month=_as_month(span.start, span.end))
    more = decide_more(found, kinds, q, today)  # alerts, worth, budget_line, a trend of everything (second_reading)
    if more is not None:
        kind, q = more
    elif "attribution" in kinds or found.model:
        loose = not names_known and (found.during or "channels" in kinds)  # 双11各渠道归因, names not at hand
        if found.campaign and not found.campaign_known and not loose:
            raise QueryError(f"不认识的归因模型「{found.campaign}」",
                             "可选：首次触点 末次触点 末次非直接 线性 时间衰减 位置 马尔可夫 沙普利")
        kind = "attribution"
        # 双11各渠道归因: attribution over the campaign's own dates, not a model named 双11
        q = replace(q, during=True) if found.campaign else replace(q, text="")
    elif customer_kind(kinds) is not None:  # 回本周期, 客户价值, 复购, 生命周期, cohort (customer_words.py)
        kind, figure = customer_kind(kinds)
        q = replace(q, metric=figure or q.metric)
    elif "advice" in kinds:
        kind = "advice"
        q = replace(q, budget=found.budget)
    elif "monthly" in kinds:
        kind = "monthly"
    elif "channels" in kinds and not found.campaign_noun:
        kind = "channels"
    elif "top" in kinds or found.campaign_noun or (found.order and not found.campaign and not found.channel):
        kind = "top"
    elif "help" in kinds and not found.campaign and not found.channel:
        return base
    elif found.campaign:
        kind = "campaign"
    elif found.channel:
        kind = "channel_trend"
    elif span is not None or found.metric or found.order:
        # a period (or a figure) alone: that month's summary, or the channels over a longer period
        kind = "monthly" if q.month is not None and not span.rolling else "channels"
        if kind == "channels" and found.metric and found.order is None and _TOTAL.search(cleaned) \
                and q.start is not None and q.start.day == 1:
            # 今年一共花了多少钱: the total over the months (their summary, up to this month), not a ranking
            kind, q = "monthly", replace(q, end=min(q.end, _month_end(today.year, today.month)), month=None)
    else:
        # only filler words: then they are the name ("A", "Do it")
        name = _clean_residue([cleaned])
        return replace(q, kind="campaign", text=name) if name else base
    if future:
        if kind in ("budget_line", "worth"):
            q = replace(q, start=None, end=None, month=None)  # 下个月抖音要不要多投: the plan is for next month
        elif kind != "advice":
            raise QueryError(f"「{span.words}」还没有到，没有数据", "问已经过去的时间，例：上个月、本季度、近30天")
    if found.top_n is not None and not 1 <= found.top_n <= MAX_TOP:
        raise QueryError(f"排行数量「{found.top_n_text}」应在 1-{MAX_TOP} 之间", "例：/roi 排行 10")
    if kind in ("channels", "monthly", "advice", "top") and found.campaign:
        if found.campaign_known and found.during and kind != "advice":
            q = replace(q, during=True)  # 双11期间各渠道: the channels over the campaign's own dates
        elif found.campaign_known:
            kind = "campaign"  # "618 各渠道", "618活动 建议": that campaign's answer has both
        elif names_known:
            raise _not_understood(found.campaign, q.lang, found, today, campaigns, channels)
    if found.residue and names_known and kind != "campaign":
        raise _not_understood(found.residue, q.lang, found, today, campaigns, channels)
    return replace(q, kind=kind, top_n=found.top_n or 10)


def _not_understood(words: str, lang: str, found: _Found | None = None, today: dt.date | None = None,
                    campaigns=(), channels=()) -> QueryError:
    """看不懂「…」 with the three closest questions that would work, built from what was recognised
    (second_reading.closest_questions); no word about month formats (a wrong month has its own message)."""
    tried = closest_questions(found, lang, today, campaigns, channels, parse_query) if today is not None else []
    if lang == "en":
        err = QueryError(f"Could not read 「{words}」", "Try: " + "; ".join(tried) if tried else
                         "e.g. channels last month, 618 ROAS, top 5 campaigns last month")
    else:
        err = QueryError(f"看不懂「{words}」", "试试：" + "、".join(tried) if tried else
                         "例：/roi 渠道 上个月、618 获客成本、上个月ROI最高的5个活动")
    err.suggested_questions = tried
    return err


def _compare(parts: list[str], base: Query, cleaned: str, today, campaigns, channels, names_known) -> Query:
    sides = [_single(part, base, today, campaigns, channels, names_known) for part in parts]
    editions = edition_sides(sides)  # 今年双11对比去年: two editions of one campaign
    if editions is not None:
        return replace(base, kind="compare", metric=next((e.metric for e in editions if e.metric), None),
                       sides=tuple(Query("campaign", text=e.text, edition=e.edition, lang=base.lang, metric=e.metric,
                                         resolved=base.resolved) for e in editions))
    subjects = [s for s in sides if s.text or s.channel]
    periods = [s for s in sides if not (s.text or s.channel) and s.start is not None]
    now_vs = figure_against_period(sides, today)  # ROI比去年高吗: this year so far against the same days then
    if now_vs is not None:
        return replace(base, kind="compare", metric=now_vs[0].metric, sides=tuple(
            Query("period", start=s.start, end=s.end, month=s.month, lang=base.lang, metric=s.metric,
                  resolved=base.resolved) for s in now_vs))
    if len(subjects) + len(periods) != len(sides) or len(sides) < 2:
        return _single(cleaned, base, today, campaigns, channels, names_known)
    shared = None
    if subjects and periods:
        # "对比 抖音 小红书 上季度": a period on its own is the period of every side
        if len(subjects) < 2:
            return _single(cleaned, base, today, campaigns, channels, names_known)
        shared, sides = periods[0], subjects
    elif subjects:
        dated = [s for s in subjects if s.start is not None]
        if len(dated) == 1 and len(subjects) >= 2 and (dated[0] is subjects[-1] or dated[0] is subjects[0]):
            shared = dated[0]  # "抖音 vs 小红书 上季度", "上季度 抖音 vs 小红书"
    out = []
    for s in sides:
        kind = "campaign" if s.text else "channel_trend" if s.channel else "period"
        if shared is not None:
            s = replace(s, start=shared.start, end=shared.end, month=shared.month)
        out.append(Query(kind, text=s.text, channel=s.channel, edition=s.edition, start=s.start, end=s.end,
                         month=s.month, lang=base.lang, metric=s.metric, resolved=base.resolved))
    q = replace(base, kind="compare", sides=tuple(out), metric=next((s.metric for s in sides if s.metric), None))
    if shared is not None:
        q = replace(q, start=shared.start, end=shared.end, month=shared.month)
    return q
