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

# Every name of the one-module days stays importable from roi_core.query (the helpers too: tests and
# tools reach for a few); the public ones are __all__. The code lives in the modules named below.
from roi_core.query.intents import (  # noqa: F401
    _CAMPAIGN_NOUN,
    _COMPARE_INFIX,
    _COMPARE_JOIN,
    _COMPARE_PREFIX,
    _FILLER_CN,
    _HELP_WHOLE,
    _INTENTS,
    _METRIC_PATTERNS,
    _METRIC_WORDS,
    _MODEL_PATTERNS,
    _ORDER_BEST,
    _ORDER_WORST,
    _PREVIOUS_EDITION,
    _STRONG_MODEL_WORDS,
    _TOP_N_COUNT,
    _TOP_N_WORD,
    _WORST_WORDS,
    _model_alias,
    _model_patterns,
)
from roi_core.query.model import (
    COMMON_CHANNELS,
    KEYWORDS,
    KINDS,
    MAX_QUESTION_CHARS,
    MAX_TOP,
    METRICS,
    Query,
    detect_lang,
    period_label,
)
from roi_core.query.names import (  # noqa: F401
    _campaign_keys,
    _find_channel,
    _find_name,
    _find_word,
    _inside_campaign,
    _joined,
    _key,
    _most_of_a_name,
)
from roi_core.query.normalize import (  # noqa: F401
    _EDGE_CHARS,
    _EN_VOCAB,
    _EN_VOCAB_SET,
    _LONE_PIECES,
    _MENTION,
    _PUNCT,
    _TYPO_WORD,
    _TYPOS,
    _alternation,
    _clean_residue,
    _edits,
    _english_fix,
    _Text,
    _words,
)
from roi_core.query.period_words import (  # noqa: F401
    _CN_DIGITS,
    _EN_MONTH,
    _EN_MONTHS,
    _PERIOD_RULES,
    _RANGE_FROM,
    _RANGE_JOIN,
    NUM,
    _add_months,
    _as_month,
    _bad_month,
    _date,
    _latest_month,
    _minus_months,
    _month_end,
    _month_span,
    _quarter_span,
    _rules,
    _Span,
    cn_number,
    parse_month,
)
from roi_core.query.understand import (  # noqa: F401
    _compare,
    _Found,
    _not_understood,
    _read,
    _single,
    _split_comparison,
    _understand,
    parse_query,
)

__all__ = [
    "COMMON_CHANNELS", "KEYWORDS", "KINDS", "MAX_QUESTION_CHARS", "MAX_TOP", "METRICS", "NUM", "Query",
    "cn_number", "detect_lang", "parse_month", "parse_query", "period_label",
]
