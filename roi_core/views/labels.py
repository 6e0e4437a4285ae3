"""Every word an answer shows, in both languages: one table, looked up by key.

``labels(lang)`` is the table of one language (an unknown language reads
Chinese); ``phrase(lang, key, **values)`` fills a phrase's ``{placeholders}``.
Values from the sheet are filled in raw: escaping is the renderer's job.
"""

from __future__ import annotations

LABELS = {
    "zh": {
        "cost": "总成本", "revenue": "销售额", "gross_profit": "毛利", "profit": "利润", "roi": "ROI",
        "roas": "投产比(ROAS)", "cac": "获客成本", "ctr": "点击率", "cvr": "转化率", "aov": "客单价", "cpc": "CPC",
        "cpa": "CPA", "channel": "渠道", "campaign": "活动", "suggestions": "建议", "funnel": "漏斗",
        "impressions": "曝光", "clicks": "点击", "conversions": "转化", "new": "新客", "source": "数据",
        "rank": "#", "events": "活动现场", "participants": "参与人数", "cpp": "人均成本", "pcvr": "参与转化率",
        "mentions": "社媒提及", "realloc": "下月预算调整（总额不变）", "current": "当前", "proposed": "建议",
        "change": "变化", "expected": "预计收益变化", "all_time": "全部时间", "target": "目标",
    },
    "en": {
        "cost": "Cost", "revenue": "Revenue", "gross_profit": "Gross profit", "profit": "Profit", "roi": "ROI",
        "roas": "ROAS", "cac": "CAC", "ctr": "CTR", "cvr": "CVR", "aov": "AOV", "cpc": "CPC", "cpa": "CPA",
        "channel": "Channel", "campaign": "Campaign", "suggestions": "Suggestions", "funnel": "Funnel",
        "impressions": "impressions", "clicks": "clicks", "conversions": "conversions", "new": "new customers",
        "source": "Data", "rank": "#", "events": "Events", "participants": "participants", "cpp": "cost/participant",
        "pcvr": "participant CVR", "mentions": "social mentions", "realloc": "Next month's budget (same total)",
        "current": "now", "proposed": "proposed", "change": "change", "expected": "expected change in return",
        "all_time": "all time", "target": "target",
    },
}



def labels(lang: str) -> dict:
    """The words of ``lang`` ("zh" or "en"; anything else reads "zh")."""
    return LABELS.get(lang, LABELS["zh"])


def phrase(lang: str, key: str, **values) -> str:
    """The phrase ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
    text = labels(lang)[key]
    return text.format(**values) if values else text
