"""Marketers' own words (docs/grammar.md, "Marketers' words"): colloquial intents (赚没赚钱, 值不值得投,
要不要加…预算, 砍掉哪个渠道, 钱该往哪投, 有什么预警, 每个月…趋势), the figure a ranking is by and which end
of it comes first (最烧钱, 最赚钱, 转化率最高, 获客成本最低), and channels' short names, pinyin and typos
(直通车 → 天猫直通车, douyin → 抖音, xhs → 小红书).

Each set is a closed list read by one alternation, so the parse stays well under a millisecond.
"""

from __future__ import annotations

from roi_core.query.normalize import _Text, _words

# intents said in everyday words; each found word adds (position, intent) like the command words do
COLLOQUIAL = {
    "profit_q": _words(("赚没赚钱", "赚没赚到钱", "赚钱了吗", "赚钱了没", "赚钱没", "赚到钱了吗", "赚到钱没", "赚了没",
                        "有没有赚钱", "有没有赚到钱", "赚不赚钱", "赚钱吗", "亏了吗", "亏没亏", "亏钱了吗", "亏钱没",
                        "亏了没", "是不是亏了", "是不是亏", "有没有亏", "亏本了吗", "亏本没", "亏本", "盈利了吗",
                        "盈亏", "挣钱了吗", "挣没挣钱", "回本了没",
                        "一直在亏", "一直亏", "还在亏", "在亏"),
                       ("make money", "made money", "profitable", "lose money", "lost money")),
    "worth": _words(("值不值得继续投", "值不值得投", "值不值得", "值得继续投吗", "值得投吗", "还值得投吗", "值不值",
                     "还要不要继续投", "要不要继续投", "还要继续投吗", "该不该继续投", "继续投吗", "还投不投",
                     "要不要停", "该不该停", "要不要停掉", "划算吗", "划不划算", "值得吗", "有没有必要投", "还要投吗",
                     "还要不要投", "还投吗", "要不要投", "还能投吗", "还值得吗",
                     "还有必要做吗", "有必要做吗", "有没有必要做", "还有必要投吗", "还有必要吗", "有必要吗", "还要做吗",
                     "值得做吗", "要不要做", "还做不做", "继续做吗"),
                    ("worth it", "worth investing", "keep investing", "keep spending")),
    "budget_line": _words(("应该砍掉", "该砍掉", "该砍", "该不该砍", "要不要砍", "要不要加大", "要不要加", "要不要多投", "要不要追加", "该不该加", "加不加", "追加", "加预算",
                           "增加预算", "加大投放", "要不要加钱", "加不加钱", "要不要加点钱", "加点预算", "多加点", "加点钱", "加点", "加大", "加投", "多投", "加钱", "砍掉", "砍", "减预算", "减少预算",
                           "削减", "少投", "停掉", "停投", "关掉", "缩减", "减投"),
                          ("cut", "increase budget", "more budget", "scale up", "scale down")),
    "where_money": _words(("钱该往哪投", "钱往哪投", "钱该投哪", "钱投哪", "往哪投", "投哪里", "钱该怎么花", "钱怎么花",
                           "钱该花在哪", "钱花在哪", "该加给谁", "加给谁", "给谁加", "投给谁", "钱给谁", "应该投哪", "该投哪", "投哪"), ("where to spend", "where should we spend", "where to invest")),
    "alerts": _words(("有没有什么预警", "有没有什么异常", "有什么预警", "有啥预警", "有没有预警", "今日预警", "今天的预警", "预警", "告警", "报警", "警报", "异常提醒",
                      "有没有异常", "有什么异常", "有啥异常", "异常"),
                     ("alerts", "alert", "warnings", "anomalies")),
    "trend": _words(("每个月的", "每个月", "每月", "按月", "逐月", "月度趋势", "趋势", "走势", "变化"),
                    ("trend", "trends", "by month", "monthly trend", "month by month")),
}

# a ranking's figure and end said in one word: (metric, "high" | "low")
RANKED_WORDS = {
    ("cost", "high"): ("最烧钱", "最花钱", "花钱最多", "花得最多", "花费最多", "投入最多", "消耗最多", "烧钱最多", "花最多钱"),
    ("cost", "low"): ("最省钱", "花钱最少", "花得最少", "花费最少", "投入最少", "消耗最少"),
    ("profit", "high"): ("最赚钱", "最赚", "最挣钱", "赚得最多", "赚钱最多", "利润最多", "赚最多"),
    ("profit", "low"): ("最亏钱", "最亏", "亏得最多", "亏钱最多", "亏损最多", "最不赚钱", "赚得最少", "赚钱最少", "亏了",
                        "亏钱", "在亏钱", "亏损"),
    ("roi", "high"): ("最值得投", "最值得", "最划算"),
    ("revenue", "high"): ("卖得最多", "卖得最好", "销量最好", "收入最多", "最能卖"),
    ("new_customers", "high"): ("拉新最多", "新客最多"),
}
RANKED_EN = {("cost", "high"): ("burning", "burns", "burn", "spending the most", "spends the most", "spent the most")}
RANKED = [(key, _words(words, RANKED_EN.get(key, ()))) for key, words in RANKED_WORDS.items()]
HIGH = _words(("最高", "最多", "最大", "最贵", "更高", "较高", "高"), ("highest", "most", "largest", "biggest"))
LOW = _words(("最低", "最少", "最小", "最便宜", "更低", "较低", "低"), ("lowest", "least", "smallest", "cheapest"))

#: figures where less is better: their "best" end is the low one (获客成本最低 = best, 最烧钱 = worst)
LOWER_BETTER = frozenset(("cac", "cpa", "cost"))

# more names of figures than intents.py's: the words marketers use in the media buying trade
METRIC_MORE = {
    "cost": (("消耗", "投放金额", "投入", "花销", "烧了多少", "烧钱"), ()),
    "profit": (("净利润", "净利", "盈利", "挣了多少"), ()),
    "cac": (("获客费用", "拉新费用", "获客价", "单客成本", "获客"), ()),
    "revenue": (("成交", "产出", "流水"), ()),
    "roi": (("回报",), ()),
    "cvr": (("转化",), ()),
    "ctr": (("点击",), ()),
}
METRIC_MORE_PATTERNS = [(name, _words(cn, en)) for name, (cn, en) in METRIC_MORE.items()]

# channels' other names: short names, pinyin, English, common typos; each maps to a channel of the sheet
# whose name is or starts with the target (天猫 → 天猫直通车 when the sheet has no other 天猫…)
CHANNEL_ALIASES = {
    "直通车": "天猫直通车", "淘宝直通车": "天猫直通车", "ztc": "天猫直通车", "tmall": "天猫", "tianmao": "天猫",
    "猫超": "天猫", "taobao": "淘宝", "douyin": "抖音", "dy": "抖音", "抖抖": "抖音", "巨量引擎": "抖音", "巨量": "抖音",
    "千川": "抖音", "tiktok": "抖音", "dou音": "抖音", "xhs": "小红书", "xiaohongshu": "小红书", "红书": "小红书",
    "小红树": "小红书", "redbook": "小红书", "rednote": "小红书", "weixin": "微信", "wechat": "微信", "wx": "微信",
    "朋友圈": "微信", "公众号": "微信", "视频号": "微信", "baidu": "百度", "百度竞价": "百度", "sem": "百度",
    "搜索广告": "百度", "duanxin": "短信", "sms": "短信", "短消息": "短信", "xianxia": "线下", "offline": "线下",
    "地推": "线下", "jd": "京东", "jingdong": "京东", "pdd": "拼多多", "kuaishou": "快手", "ks": "快手",
    "bilibili": "b站", "哔哩哔哩": "b站", "weibo": "微博", "zhihu": "知乎",
}
_ALIAS_PATTERN = _words([a for a in CHANNEL_ALIASES if not a.isascii()], [a for a in CHANNEL_ALIASES if a.isascii()])


def find_alias(text: _Text, channels: tuple[str, ...], campaign_keys: list[str], outside: bool = False) -> str | None:
    """The sheet's channel an alias in the unread text names (masked once read); None when no alias names
    exactly one of ``channels`` (an alias of a channel the sheet lacks stays unread, for the rest to judge).
    ``outside``: only aliases no channel's own name contains (百度竞价, not 红书 of 小红书)."""
    from roi_core.query.names import _key

    view = text.view()
    for m in _ALIAS_PATTERN.finditer(view):
        if any(m[0] in key and m[0] != key for key in campaign_keys):
            continue  # inside a campaign's name
        if outside and any(m[0] in _key(c) or _key(c) in m[0] for c in channels):
            continue
        target = _key(CHANNEL_ALIASES[m[0]])
        hits = [c for c in channels if _key(c) == target] or [c for c in channels if _key(c).startswith(target)]
        if len(hits) == 1:
            text.take(m.start(), m.end())
            return hits[0]
    return None


def same_channel(text: _Text, channel: str, channels: tuple[str, ...]) -> None:
    """Mask the other words naming ``channel`` once it is found ("微信公众号", "抖音千川", "百度竞价"): they are
    that channel again, not a campaign."""
    from roi_core.query.names import _find_word, _key

    target = _key(channel)
    words = [a for a, c in CHANNEL_ALIASES.items() if target == _key(c) or (target.startswith(_key(c))
             and sum(_key(x).startswith(_key(c)) for x in channels) == 1)] + [_key(channel)]
    for word in sorted(words, key=len, reverse=True):
        at = _find_word(text.view(), word)
        if at >= 0:
            text.take(at, at + len(word))


def direction_order(metric: str | None, direction: str) -> str:
    """The order ("best" / "worst") a word's end ("high" / "low") of ``metric`` means: 获客成本最高 is the worst."""
    high_is_best = metric not in LOWER_BETTER
    return "best" if (direction == "high") == high_is_best else "worst"

# a campaign's own dates as the period (双11期间各渠道, 618那几天的渠道): read only beside a campaign's name
DURING = _words(("活动期间", "期间内", "期间", "那段时间", "那几天", "的时候", "档期"), ("during",))
