"""Understanding a question (the text after ``/roi`` or an @mention) as a :class:`Query`.

The command grammar of product.md still holds (``渠道 2026-10``, ``归因 线性``, ``月报``, ``建议``,
``top 5``, a campaign name), and the same words are read in any order, among filler, in free
Chinese or English: periods (上个月, Q3, 年初至今, 近30天, 9月到10月, from … to …), intents
(哪个渠道最好, 下个月预算怎么分, ROI最高的5个活动, 最差的活动), channels, metrics by name
(获客成本, ROAS), campaign editions (去年双11) and comparisons (618 vs 双11, 本月 vs 上月).

Pure: ``today`` is passed in, names come from the caller (``known_campaigns`` /
``known_channels``); without names, whatever text is left over is the campaign as typed and
:func:`roi_core.answer.answer` resolves it against the sheet.

Standard library only, no date-parsing library: the few dozen Chinese and English period
forms are a closed set, each rule is one line here, and the whole parse stays well under a
millisecond (benchmarks/parse.py).

>>> import datetime as dt
>>> q = parse_query("帮我看下上季度各渠道ROI怎么样", dt.date(2026, 11, 30))
>>> q.kind, str(q.start), str(q.end), q.metric
('channels', '2026-07-01', '2026-09-30', 'roi')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pandas as pd

from roi_core.errors import QueryError
from roi_core.parse import normalize_text

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
METRICS = ("roi", "roas", "cac", "cpa", "cvr", "ctr", "aov", "revenue", "cost", "profit", "new_customers")
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

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        return None if self.start is None or self.end is None else (self.start, self.end)


def detect_lang(text: str) -> str:
    """English when the text has Latin letters and no CJK characters; Chinese otherwise."""
    has_cjk = re.search(r"[\u3400-\u9fff]", text) is not None
    has_latin = re.search(r"[A-Za-z]{2,}", text) is not None
    return "en" if has_latin and not has_cjk else "zh"


# --------------------------------------------------------------------------- numbers and dates
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"(\d{1,4}|[零一二两三四五六七八九十]{1,3})"


def cn_number(token: str) -> int | None:
    """``"12"``, ``"十二"``, ``"二十"``, ``"三"`` → the integer; None for anything else."""
    if token.isdigit():
        return int(token)
    if not token or any(c not in _CN_DIGITS and c != "十" for c in token):
        return None
    if "十" not in token:
        return _CN_DIGITS[token] if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), _month_end(year, month)


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _quarter_span(year: int, q: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)


def _minus_months(day: dt.date, k: int) -> dt.date:
    year, month = _add_months(day.year, day.month, -k)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_EN_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
              "nov": 11, "dec": 12}
_EN_MONTH = (r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
             r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")


@dataclass(frozen=True)
class _Span:
    """A period found in the text: where (``at``..``to`` in the text), which dates, and whether it
    names a whole year (then, next to a campaign, it picks the edition)."""

    at: int
    to: int
    start: dt.date
    end: dt.date
    year: int | None = None
    words: str = ""
    rolling: bool = False  # "近30天": not a named month even when its dates are one


def _bad_month(token: str) -> QueryError:
    return QueryError(f"月份「{token}」不存在", "请写成 2026-10 这样的格式")


def _latest_month(month: int, today: dt.date) -> int:
    """The year of the latest ``month`` that has begun (10月 in November 2026 → 2026; 12月 → 2025)."""
    return today.year if month <= today.month else today.year - 1


def _date(year: int, month: int, day: int, token: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise QueryError(f"日期「{token}」不存在", "请写成 2026-10-15 这样的格式") from None


# Each rule: a pattern and a function (match, today) -> (start, end[, year]). Tried in order; a
# match masks its characters, so a later, shorter rule cannot read the same words again.
def _rules() -> list[tuple[re.Pattern, object]]:
    def date_full(m, today):
        d = _date(int(m[1]), int(m[2]), int(m[3]), m[0])
        return d, d

    def date_md(m, today):
        month, day = cn_number(m[1]), cn_number(m[2])
        if month is None or day is None or not 1 <= month <= 12:
            raise _bad_month(m[0])
        year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
        d = _date(year, month, day, m[0])
        return d, d

    def year_month(m, today):
        month = cn_number(m[2])
        if month is None or not 1 <= month <= 12:
            raise _bad_month(m[0].strip())
        return _month_span(int(m[1]), month)

    def compact_month(m, today):
        if not 1 <= int(m[2]) <= 12:
            raise _bad_month(m[0])
        return _month_span(int(m[1]), int(m[2]))

    def month_only(m, today):
        month = cn_number(m[1])
        if month is None or not 1 <= month <= 12:
            raise _bad_month(m[0].strip())
        return _month_span(_latest_month(month, today), month)

    def en_month(m, today):
        month = _EN_MONTHS[m[1][:3]]
        year = int(m[2]) if m[2] else _latest_month(month, today)
        return _month_span(year, month)

    def quarter_of(year_text, q_text, today):
        q = cn_number(q_text)
        if year_text:
            return _quarter_span(int(year_text), q)
        this_q = (today.month - 1) // 3 + 1
        return _quarter_span(today.year if q <= this_q else today.year - 1, q)

    def relative_quarter(k):
        def rule(m, today):
            year, month = _add_months(today.year, (today.month - 1) // 3 * 3 + 1, -3 * k)
            return _quarter_span(year, (month - 1) // 3 + 1)
        return rule

    def relative_month(k):
        def rule(m, today):
            return _month_span(*_add_months(today.year, today.month, -k))
        return rule

    def relative_year(k):
        def rule(m, today):
            year = today.year - k
            return dt.date(year, 1, 1), dt.date(year, 12, 31), year
        return rule

    def relative_week(k):
        def rule(m, today):
            monday = today - dt.timedelta(days=today.weekday() + 7 * k)
            return monday, monday + dt.timedelta(days=6)
        return rule

    def relative_day(k):
        def rule(m, today):
            d = today - dt.timedelta(days=k)
            return d, d
        return rule

    def last_n(m, today):
        n = cn_number(m[1])
        unit = m[2]
        if n is None or n < 1 or n > 3660:
            raise QueryError(f"时间段「{m[0].strip()}」看不懂", "例：近30天、最近3个月")
        if unit[0] in "天日d":
            start = today - dt.timedelta(days=n - 1)
        elif unit[0] in "周星礼w":
            start = today - dt.timedelta(days=7 * n - 1)
        else:
            start = _minus_months(today, 12 * n if unit[0] in "年y" else n) + dt.timedelta(days=1)
        return start, today, None, "rolling"

    def ytd(m, today):
        return dt.date(today.year, 1, 1), today, None, "rolling"

    def mtd(m, today):
        return dt.date(today.year, today.month, 1), today, None, "rolling"

    def whole_year(m, today):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31), year

    def future(m, today):
        return None, None  # 下个月: the plan's month for advice, no data for anything else

    cn_unit = r"(天|日|周|个?星期|个?礼拜|个?月|年)"
    en_unit = r"(days?|weeks?|months?|years?)"
    rules = [
        (r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", date_full),
        (rf"(?<![\d年])(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月\s*{NUM}\s*[日号]", date_md),
        (r"(?<!\d)(\d{4})\s*(?:年|[-/.])\s*(\d{1,2}|[一二三四五六七八九十]{1,3})(?![\d.])\s*(?:月份|月)?", year_month),
        (r"(?<!\d)(20\d{2})(\d{2})(?!\d)", compact_month),
        (r"(?<!\d)(\d{4})\s*年?\s*(?:q|第)\s*([1-4一二三四])\s*(?:季度|季)?", lambda m, t: quarter_of(m[1], m[2], t)),
        (r"\bq([1-4])\b(?:\s*,?\s*(\d{4})\b)?", lambda m, t: quarter_of(m[2], m[1], t)),
        (r"上上(?:个|一)?季度", relative_quarter(2)),
        (r"上(?:个|一)?季度|上季|\b(?:last|previous) quarter\b", relative_quarter(1)),
        (r"本季度|这个?季度|本季|当季|\b(?:this|current) quarter\b|\bqtd\b", relative_quarter(0)),
        (r"第?([1-4一二三四])\s*季度", lambda m, t: quarter_of(None, m[1], t)),
        (rf"(?:近|最近|过去|前)\s*{NUM}\s*{cn_unit}(?:内|以来|里)?", last_n),
        (rf"\b(?:last|past|previous)\s+(\d{{1,4}})\s+{en_unit}\b", last_n),
        (r"(?:最近|近)一周|\b(?:the )?past week\b", lambda m, t: (t - dt.timedelta(days=6), t, None, "rolling")),
        (r"年初至今|年初到(?:现在|今天|今)|今年(?:以来|到现在)|\bytd\b|\byear[- ]to[- ]date\b", ytd),
        (r"\bmtd\b|\bmonth[- ]to[- ]date\b|本月至今", mtd),
        (r"上上(?:一个|个|一)?月|\bmonth before last\b", relative_month(2)),
        (r"上(?:一个|个|一)?月份?|\b(?:last|previous) month\b", relative_month(1)),
        (r"本月份?|这(?:一个|个|一)?月|当月|\b(?:this|current) month\b", relative_month(0)),
        (r"上上周|上上(?:个)?星期", relative_week(2)),
        (r"上(?:个|一)?(?:周|星期|礼拜)|\blast week\b", relative_week(1)),
        (r"本周|这(?:个|一)?(?:周|星期|礼拜)|\bthis week\b", relative_week(0)),
        (r"昨天|\byesterday\b", relative_day(1)),
        (r"今天|今日|\btoday\b", relative_day(0)),
        (r"前年|\byear before last\b", relative_year(2)),
        (r"去年|上一年|\blast year\b", relative_year(1)),
        (r"今年|本年度?|\bthis year\b", relative_year(0)),
        (r"下(?:个|一)?月(?!报)|下(?:个|一)?季度|下(?:个|一)?(?:周|星期)|明年|明天|\bnext (?:month|quarter|week|year)\b",
         future),
        (rf"{_EN_MONTH}(?:\s*,?\s*(\d{{4}})\b)?", en_month),
        (r"(?<![\d.])(20\d{2})\s*(?:年|全年)", whole_year),
        (r"(?<![\d.q/年])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?", month_only),
        (r"(?<![\d.\-/])(20\d{2})(?![\d.\-/%])", whole_year),
    ]
    return [(re.compile(p, re.ASCII), f) for p, f in rules]


_PERIOD_RULES = _rules()
_RANGE_JOIN = re.compile(r"\s*(?:到|至|~|-|—|–|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b)\s*", re.ASCII)
_RANGE_FROM = re.compile(r"(?:从|由|\bfrom\b|\bbetween\b)\s*$", re.ASCII)


# --------------------------------------------------------------------------- the words
def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _words(pattern_words: Iterable[str], english: Iterable[str] = ()) -> re.Pattern:
    cn = _alternation(pattern_words)
    en = _alternation(english)
    parts = [p for p in (cn, rf"\b(?:{en})\b" if en else "") if p]
    return re.compile("|".join(parts), re.ASCII)  # ASCII \b: "的roi如何" has a boundary before "roi"


_INTENTS = {
    "help": _words(("帮助", "用法", "怎么用", "使用说明", "你能做什么", "能做什么", "你会什么", "菜单"),
                   ("help", "usage", "commands", "what can you do")),
    "attribution": _words(("归因", "多触点", "功劳", "贡献度"), ("attribution", "attribute", "attr")),
    "advice": _words(("建议", "预算怎么分", "预算怎么调", "预算怎么花", "预算怎么投", "预算怎么安排", "预算怎么", "预算该怎么", "预算分配", "分配预算", "怎么调预算", "调预算", "预算调整", "调整预算",
                      "怎么分预算", "预算", "怎么优化", "优化建议", "该怎么办", "怎么办", "怎么投", "预算怎么分配",
                      "预算该怎么调整", "预算该怎么", "分配", "调整", "怎么提高", "怎么提升", "提高", "提升"),
                     ("advice", "advise", "suggestions", "suggestion", "suggest", "recommendations",
                      "recommend", "budget", "budgets", "reallocate", "reallocation", "improve", "increase")),
    "monthly": _words(("月报", "月度汇总", "月度报告", "月度总结", "月度复盘", "汇总", "总结", "复盘", "概况", "概览", "总览"),
                      ("summary", "monthly", "report", "overview", "recap")),
    "top": _words(("活动排行", "活动排名", "排行榜", "排行", "排名", "榜单", "排个序", "排序"), ("top", "bottom", "ranking", "rank", "rankings")),
    "channels": _words(("各个渠道", "各渠道", "哪些渠道", "哪个渠道", "渠道", "各平台", "哪个平台", "平台", "投放渠道"),
                       ("channels", "channel", "by channel", "platforms", "platform")),
}
_ORDER_WORST = _words(("最差", "最低", "最烂", "最亏", "亏钱", "亏损最多", "倒数", "垫底", "最不好", "最差劲", "拖后腿"),
                      ("worst", "bottom", "lowest", "weakest", "poorest"))
_ORDER_BEST = _words(("最好", "最高", "最佳", "最赚钱", "最强", "最优", "效果最好", "领先", "最棒"),
                     ("best", "top", "highest", "strongest"))
_CAMPAIGN_NOUN = _words(("个活动", "的活动", "活动们", "哪些活动", "哪个活动", "各活动", "所有活动"),
                        ("campaigns", "campaign"))
_TOP_N_WORD = re.compile(rf"(\btop|\bbottom|\bbest|\bworst|前|后|倒数|排行榜?|排名|榜单)\s*{NUM}(?:\s*(?:名|个|大|位))?", re.ASCII)
_TOP_N_COUNT = re.compile(rf"{NUM}\s*(?:个|名|大|位)", re.ASCII)
_WORST_WORDS = ("bottom", "worst", "后", "倒数")
_COMPARE_INFIX = re.compile(r"\s*(?:\bvs\.?|\bversus\b|\bv\.s\.|\bpk\b|对决|对阵|\bcompared (?:to|with)\b)\s*", re.ASCII | re.I)
_COMPARE_PREFIX = re.compile(r"对比一下|对比|比较一下|比较|比一比|比一下|相比|\bcompare\b", re.ASCII | re.I)
_COMPARE_JOIN = re.compile(r"\s*(?:和|跟|与|同|\band\b|\bwith\b|\bagainst\b|,|，|、|/(?!\d))\s*", re.ASCII | re.I)
_HELP_WHOLE = re.compile(r"^(?:\?|？|h|help|帮助|用法|usage|\?\?)$")

_METRIC_WORDS = {
    "cac": (("获客成本", "拉新成本", "客户获取成本", "获客单价"), ("cac", "customer acquisition cost", "acquisition cost")),
    "cpa": (("转化成本", "单次转化成本"), ("cpa", "cost per acquisition", "cost per conversion")),
    "roas": (("投产比", "投入产出比", "广告回报"), ("roas",)),
    "roi": (("投资回报率", "投资回报", "回报率", "投资回报比"), ("roi", "return on investment")),
    "cvr": (("转化率",), ("cvr", "conversion rate")),
    "ctr": (("点击率",), ("ctr", "click-through rate", "click through rate")),
    "aov": (("客单价", "平均订单金额", "平均客单"), ("aov", "average order value", "basket size")),
    "revenue": (("销售额", "营收", "收入", "成交额", "gmv", "业绩", "卖了多少", "营业额"), ("revenue", "sales", "gmv")),
    "cost": (("花了多少钱", "花了多少", "花费", "成本", "费用", "花销", "开销", "花了"), ("spend", "spent", "cost", "costs")),
    "profit": (("利润", "毛利", "赚了多少", "赚了"), ("profit", "profits", "margin")),
    "new_customers": (("新客数", "新客", "拉新数"), ("new customers",)),
}
_METRIC_PATTERNS = [(name, _words(cn, en)) for name, (cn, en) in _METRIC_WORDS.items()]

# Words only ever read as a model (a distinctive name makes the question an attribution one),
# and words read as a model only once attribution is asked ("last", "线性", "位置").
_STRONG_MODEL_WORDS = ("首次触点", "末次触点", "末次非直接", "末次非直接触点", "非直接末次", "时间衰减", "马尔可夫", "马尔科夫",
                       "马尔可夫链", "马尔科夫链", "沙普利", "夏普利", "沙普利值", "u型", "u形", "线性归因", "位置归因", "markov",
                       "shapley", "time_decay", "time-decay", "last_non_direct", "first_touch", "last_touch",
                       "u-shaped", "position_based", "position-based")

_FILLER_CN = _words(("帮我看下", "帮我看看", "帮我查下", "帮我查一下", "帮我看一下", "帮我分析", "帮我", "帮忙", "麻烦", "请问",
                     "请", "看下", "看看", "看一下", "看一看", "查下", "查一下", "查查", "查询", "查看", "给我看", "给我",
                     "给出", "告诉我", "我想知道", "我想看", "我想", "想看", "想知道", "一下", "怎么样了", "怎么样", "怎样",
                     "如何", "咋样", "好不好", "行不行", "是多少", "有多少", "多少", "情况", "表现", "效果", "数据", "分析",
                     "统计", "做得", "做的", "哪个好", "哪个更好", "谁更好", "更好", "哪一个", "哪个", "哪些", "什么", "怎么",
                     "到底", "目前", "现在", "最近", "一共", "总共", "整体", "总体", "分别", "具体", "对比的", "全部", "所有",
                     "的话", "谢谢", "多谢", "麻烦了", "下一届", "期间", "里面", "期间的", "结果", "指标", "各个", "模型", "做一下",
                     "做个", "给点", "根据", "有什么", "上的表现", "上面", "上表现"),
                    ("please", "pls", "plz", "show", "me", "tell", "what", "what's", "whats", "how", "how's", "hows",
                     "is", "are", "was", "were", "did", "do", "does", "doing", "done", "performing", "perform",
                     "performed", "the", "of", "for", "in", "on", "a", "an", "our", "my", "we", "us", "give", "get",
                     "can", "could", "you", "i", "want", "to", "know", "about", "results", "result", "performance",
                     "numbers", "figures", "data", "stats", "look", "at", "during", "so", "far", "with", "by", "it",
                     "its", "which", "one", "ones", "been", "has", "have", "had", "see", "list", "any", "all",
                     "overall", "total", "totals", "thanks", "thank", "hey", "hi", "hello", "there", "should", "we",
                     "i'd", "like", "would", "next", "split", "allocate", "doing?", "did", "were", "per", "each",
                     "between", "against", "period", "that", "than", "better", "worse", "up", "much", "many",
                     "where", "go", "money", "spend?", "best?", "performed?", "give me"))
_EDGE_CHARS = "的了是在和个与及里就也都还又着过有么呢吗嘛啊呀吧哦用给 "
_LONE_PIECES = {"上", "下", "里", "中", "内", "比", "s"}  # "last month's report"
_PUNCT = re.compile(r"[?？!！。,，、;；:：~…·\"'“”‘’()（）\[\]【】<>《》「」『』|*#]+")
_MENTION = re.compile(r"<@[A-Za-z0-9]+(?:\|[^>]*)?>|@(?:roi助手|roi ?bot|roi|bot|助手)\s*", re.I)
_PREVIOUS_EDITION = re.compile(r"上一届|上届|上一期|上次的?|前一届|\bprevious edition\b|\blast edition\b", re.ASCII)

# small typos people make in the command words (after NFKC and case-folding)
_TYPOS = {
    "渠到": "渠道", "曲道": "渠道", "区道": "渠道", "渠首": "渠道", "建意": "建议", "见议": "建议", "建以": "建议",
    "月抱": "月报", "月保": "月报", "归音": "归因", "规因": "归因", "排型": "排行", "拍行": "排行", "投产必": "投产比",
    "获课成本": "获客成本", "获客陈本": "获客成本", "小红薯": "小红书", "抖因": "抖音", "抖阴": "抖音", "上个越": "上个月",
    "季渡": "季度", "转换率": "转化率", "点及率": "点击率", "预酸": "预算", "马尔科夫": "马尔可夫",
}
_EN_VOCAB = ("channels", "channel", "attribution", "summary", "monthly", "advice", "budget", "campaigns", "campaign",
             "compare", "quarter", "revenue", "ranking", "linear", "markov", "shapley", "suggestions", "worst",
             "month", "report", "overview", "versus", "yesterday", "profit", "previous")
_EN_VOCAB_SET = frozenset(_EN_VOCAB)
_TYPO_WORD = re.compile(_alternation(_TYPOS) + r"|[a-z]{5,}")


def _english_fix(word: str) -> str | None:
    """A Latin word of 5+ letters one edit (two from 7 letters) from a command word is that word ("chanels")."""
    if not word.isascii() or len(word) < 5 or word in _EN_VOCAB_SET:
        return None
    limit = 1 if len(word) < 7 else 2
    best = min(_EN_VOCAB, key=lambda v: _edits(word, v, limit + 1))
    return best if _edits(word, best, limit + 1) <= limit else None


def _edits(a: str, b: str, cap: int) -> int:
    """Levenshtein distance, stopped at ``cap`` (enough to tell "one typo" from "another word")."""
    if abs(len(a) - len(b)) >= cap:
        return cap
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) >= cap:
            return cap
        prev = cur
    return min(prev[-1], cap)


# --------------------------------------------------------------------------- the understander
class _Text:
    """The question as typed (``orig``, NFKC) and as compared (``low``, also case-folded), of one
    length, with the characters already read masked out."""

    def __init__(self, orig: str):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in orig)
        # typos are fixed in both forms, so positions keep matching (a fix only ever makes a command word)
        pieces_orig, pieces_low, at = [], [], 0
        for m in _TYPO_WORD.finditer(low):
            fixed = _TYPOS.get(m[0]) or _english_fix(m[0])
            if fixed is None or fixed == m[0]:
                continue
            pieces_orig += [orig[at:m.start()], fixed]
            pieces_low += [low[at:m.start()], fixed]
            at = m.end()
        self.orig = "".join(pieces_orig) + orig[at:]
        self.low = "".join(pieces_low) + low[at:]
        self.mask = [False] * len(self.orig)

    def view(self) -> str:
        """``low`` with masked characters as spaces (so rules never read them twice)."""
        return "".join(" " if m else c for c, m in zip(self.low, self.mask, strict=True))

    def take(self, a: int, b: int) -> None:
        for i in range(a, b):
            self.mask[i] = True

    def find(self, pattern: re.Pattern) -> list[re.Match]:
        """Every match of ``pattern`` in the unread text, each then masked."""
        found = [m for m in pattern.finditer(self.view()) if m[0].strip()]
        for m in found:
            self.take(m.start(), m.end())
        return found

    def rest(self) -> list[str]:
        """The unread pieces of the original text, in order."""
        pieces, cur = [], []
        for c, m in zip(self.orig, self.mask, strict=True):
            if m:
                if cur:
                    pieces.append("".join(cur))
                    cur = []
            else:
                cur.append(c)
        if cur:
            pieces.append("".join(cur))
        return pieces


def _clean_residue(pieces: list[str]) -> str:
    out = []
    for piece in pieces:
        piece = _PUNCT.sub(" ", piece).strip(_EDGE_CHARS + " \t")
        if piece and piece not in _LONE_PIECES:
            out.append(piece)
    return " ".join(out).strip()


def _key(name: str) -> str:
    from roi_core.matching import match_key

    return match_key(name)


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


def _read(text: _Text, today: dt.date, campaigns: tuple[str, ...], channels: tuple[str, ...],
          names_known: bool) -> _Found:
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
    # 2. periods, then ranges of two of them ("9月到10月", "from 2026-09 to 2026-10")
    for pattern, rule in _PERIOD_RULES:
        for m in pattern.finditer(view):
            if not m[0].strip():
                continue
            result = rule(m, today)
            year = result[2] if len(result) > 2 else None
            found.spans.append(_Span(m.start(), m.end(), result[0], result[1], year, m[0].strip(), len(result) > 3))
            text.take(m.start(), m.end())
        view = text.view()
    found.spans.sort(key=lambda s: s.at)
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
    found.spans = merged
    view = text.view()
    for span in merged:
        before = _RANGE_FROM.search(view[:span.at])
        if before:
            text.take(before.start(), before.end())
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
    if text.find(_ORDER_WORST):
        found.order = "worst"
    elif text.find(_ORDER_BEST):
        found.order = found.order or "best"
    # "个活动" / "campaigns" make a ranking only beside an order, a ranking word or a number
    # ("最差的活动", "前5个活动"); "不存在的活动" is a name
    noun = _CAMPAIGN_NOUN.search(text.view()) is not None
    ranked = found.order is not None or any(k == "top" for _, k in found.intents)
    if found.top_n is None and (ranked or noun):
        hit = text.find(_TOP_N_COUNT)
        if hit:
            found.top_n, found.top_n_text = cn_number(hit[0][1]), hit[0][0].strip()
    if noun and (ranked or found.top_n is not None):
        text.find(_CAMPAIGN_NOUN)
        found.campaign_noun = True
    for name, pattern in _METRIC_PATTERNS:
        if text.find(pattern) and found.metric is None:
            found.metric = name
    found.channel = _find_channel(text, channels, campaigns)
    # 4. what is left is filler or a campaign
    text.find(_FILLER_CN)
    residue = _clean_residue(text.rest())
    ranking = found.order is not None or found.campaign_noun or any(k == "top" for _, k in found.intents)
    if residue in ("活动", "campaigns"):
        found.campaign_noun, ranking, residue = True, True, ""  # "前5个活动": the campaigns, ranked
    if ranking and found.top_n is None and re.fullmatch(r"-?\d+|[一二两三四五六七八九十]{1,3}", residue):
        number = residue.lstrip("-")
        found.top_n = cn_number(number) * (-1 if residue.startswith("-") else 1)
        found.top_n_text, residue = residue, ""
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


_MODEL_PATTERNS: list[re.Pattern] = []


def _model_patterns() -> tuple[re.Pattern, re.Pattern]:
    """The strong and weak model-name patterns, built once (the names live in roi_core.attribution)."""
    if not _MODEL_PATTERNS:
        from roi_core.attribution import MODEL_ALIASES

        words = {normalize_text(w) for w in MODEL_ALIASES}
        strong = [w for w in words if w in _STRONG_MODEL_WORDS]
        weak = [w for w in words if w not in _STRONG_MODEL_WORDS]
        _MODEL_PATTERNS.extend([
            _words([w for w in strong if not w.isascii()], [w for w in strong if w.isascii()]),
            _words([w for w in weak if not w.isascii()], [w for w in weak if w.isascii()]),
        ])
    return _MODEL_PATTERNS[0], _MODEL_PATTERNS[1]


def _model_alias(word: str) -> str:
    from roi_core.attribution import MODEL_ALIASES

    return MODEL_ALIASES[normalize_text(word)]


def _campaign_keys(campaigns: tuple[str, ...]) -> list[tuple[str, str]]:
    keys = [(name, normalize_text(name)) for name in campaigns if name and len(normalize_text(name)) >= 2]
    return sorted(keys, key=lambda nk: len(nk[1]), reverse=True)


def _find_channel(text: _Text, channels: tuple[str, ...], campaigns: tuple[str, ...] = ()) -> str | None:
    view = text.view()
    campaign_keys = [normalize_text(c) for c in campaigns]
    for name in sorted(channels, key=len, reverse=True):
        key = normalize_text(name)
        if not key:
            continue
        at = _find_word(view, key)
        if at < 0 and len(key) >= 4 and not key.isascii():
            # "百度" for 百度搜索, "天猫" for 天猫直通车: the first two characters, when no other channel shares them
            short = key[:2]
            if sum(normalize_text(c).startswith(short) for c in channels) == 1:
                key = short
                at = _find_word(view, key)
        if at >= 0 and not _inside_campaign(view, at, at + len(key), campaign_keys):
            text.take(at, at + len(key))
            return name
    return None


def _inside_campaign(view: str, a: int, b: int, campaign_keys: list[str]) -> bool:
    """The channel word is part of a campaign name written in part ("线下品鉴会" of 线下品鉴会（上海）):
    the character next to it continues a campaign name that contains it."""
    key = view[a:b]
    for name in campaign_keys:
        o = name.find(key)
        if o < 0 or name == key:
            continue
        after = o + len(key) < len(name) and b < len(view) and view[b] == name[o + len(key)]
        before = o > 0 and a > 0 and view[a - 1] == name[o - 1]
        if after or before:
            return True
    return False


def _find_name(view: str, key: str) -> int:
    """Where a campaign name stands in the text, never cutting a number or a Latin word in two
    (a campaign "06" is not inside "2026-06")."""
    at = view.find(key)
    while at >= 0:
        end = at + len(key)
        cut_before = key[0].isascii() and key[0].isalnum() and _joined(view[max(0, at - 2):at][::-1])
        cut_after = key[-1].isascii() and key[-1].isalnum() and _joined(view[end:end + 2])
        if not (cut_before or cut_after):
            return at
        at = view.find(key, at + 1)
    return -1


def _joined(beside: str) -> bool:
    """The characters beside a name (nearest first) continue a number or word: "6", "a", "-0" of 2026-06."""
    if not beside or not beside[0].isascii():
        return False
    return beside[0].isalnum() or (beside[0] in "-/.:" and len(beside) > 1 and beside[1].isdigit())


def _find_word(view: str, key: str) -> int:
    if not key.isascii():
        return view.find(key)
    m = re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", view)
    return m.start() if m else -1


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
    elif re.search(r"[和跟与]|\band\b", low) and not re.search(
            r"渠道|建议|归因|月报|排行|排名|预算|到|至|\bfrom\b|\bbetween\b|channels?|advice|attribution|budget", low):
        parts = _COMPARE_JOIN.split(cleaned)
    else:
        return None
    # "618跟双11比": the verb after the last side is no part of it
    parts = [re.sub(r"(?:比一比|比一下|比较|对比|比)\s*$", "", p.strip()) for p in parts if p and p.strip()]
    parts = [p for p in parts if p.strip()]
    return parts if len(parts) >= 2 else None


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
    found = _read(_Text(cleaned), today, campaigns, channels, names_known)
    kinds = {k for _, k in found.intents}
    span = found.spans[0] if found.spans else None  # two periods not joined as a range: the first said
    edition = None
    if found.campaign and span is not None and span.year is not None:
        edition, span = span.year, None  # 去年双11, 2025双11: the edition, not a year of data
    if found.previous_edition:
        edition = -1
    q = replace(base, metric=found.metric, channel=found.channel, text=found.campaign, edition=edition,
                order=found.order or "best", model=found.model)
    future = span is not None and span.start is None
    if span is not None and not future:
        q = replace(q, start=span.start, end=span.end, month=_as_month(span.start, span.end))

    if "attribution" in kinds or found.model:
        if found.campaign and not found.campaign_known:
            raise QueryError(f"不认识的归因模型「{found.campaign}」",
                             "可选：首次触点 末次触点 末次非直接 线性 时间衰减 位置 马尔可夫 沙普利")
        kind = "attribution"
        q = replace(q, text="")
    elif "advice" in kinds:
        kind = "advice"
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
    else:
        # only filler words: then they are the name ("A", "Do it")
        name = _clean_residue([cleaned])
        return replace(q, kind="campaign", text=name) if name else base
    if future:
        if kind != "advice":
            raise QueryError(f"「{span.words}」还没有到，没有数据", "问已经过去的时间，例：上个月、本季度、近30天")
    if found.top_n is not None and not 1 <= found.top_n <= MAX_TOP:
        raise QueryError(f"排行数量「{found.top_n_text}」应在 1-{MAX_TOP} 之间", "例：/roi 排行 10")
    if kind in ("channels", "monthly", "advice", "top") and found.campaign:
        if found.campaign_known:
            kind = "campaign"  # "618 各渠道", "618活动 建议": that campaign's answer has both
        elif names_known:
            raise _not_understood(found.campaign, q.lang)
    if found.residue and names_known and kind != "campaign":
        raise _not_understood(found.residue, q.lang)
    return replace(q, kind=kind, top_n=found.top_n or 10)


def _most_of_a_name(cleaned: str, campaigns: tuple[str, ...]) -> str:
    """The question, when it is most (70 % or more) of one campaign's name: "!channel" for a
    campaign named "<!channel>" is that campaign, not the command word inside it."""
    key = _key(cleaned)
    if not key or not campaigns:
        return ""
    hits = {c for c in campaigns if key in _key(c) and len(key) >= 0.7 * len(_key(c))}
    return cleaned if len(hits) == 1 else ""


def _not_understood(words: str, lang: str) -> QueryError:
    if lang == "en":
        return QueryError(f"Could not read 「{words}」", "e.g. channels 2026-10, 618 ROAS, top 5 campaigns last month")
    return QueryError(f"看不懂「{words}」", "月份请写成 2026-10，例：/roi 渠道 2026-10、618 获客成本、上个月ROI最高的5个活动")


def _compare(parts: list[str], base: Query, cleaned: str, today, campaigns, channels, names_known) -> Query:
    sides = [_single(part, base, today, campaigns, channels, names_known) for part in parts]
    subjects = [s for s in sides if s.text or s.channel]
    periods = [s for s in sides if not (s.text or s.channel) and s.start is not None]
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


def _as_month(start: dt.date, end: dt.date) -> pd.Period | None:
    if start.day == 1 and end == _month_end(start.year, start.month):
        return pd.Period(year=start.year, month=start.month, freq="M")
    return None


def parse_month(token: str, today: dt.date) -> pd.Period | None:
    """``2026-10``, ``2026/10``, ``2026.10``, ``202610``, ``2026年10月``, ``10月`` (the latest past one),
    ``上月``/``last month``, ``本月``/``this month``. None when the token is no month."""
    text = _Text(unicodedata.normalize("NFKC", token or "").strip())
    for pattern, rule in _PERIOD_RULES:
        m = pattern.fullmatch(text.low)
        if m:
            result = rule(m, today)
            return _as_month(result[0], result[1])
    return None


def period_label(query: Query) -> str | None:
    """How an answer names the query's period: ``2026-10`` for a month, else ``start ~ end``."""
    if query.start is None or query.end is None:
        return None
    if query.month is not None:
        return str(query.month)
    if query.start == query.end:
        return query.start.isoformat()
    return f"{query.start.isoformat()} ~ {query.end.isoformat()}"
