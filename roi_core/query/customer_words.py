"""The words of the customer-value questions (issue 14): 客户价值 / 回本周期 / 复购 (kind ``customer_value``),
生命周期 (kind ``lifecycle``) and cohort (kind ``cohort``), in Chinese and English.

Payback and repurchase are figures of the customer-value answer, not kinds of their own: a question naming
one is ``customer_value`` with ``metric`` "payback" or "repurchase" (the answer puts that figure first).
"""

from __future__ import annotations

from roi_core.query.normalize import _words

#: intent → (kind, figure asked). The intents are read in this order, so "生命周期价值" is a value, not a funnel;
#: they are read before periods, so the 本周 inside 回本周期 is no week.
CUSTOMER_INTENT_KINDS = {
    "payback": ("customer_value", "payback"),
    "repurchase": ("customer_value", "repurchase"),
    "customer_value": ("customer_value", None),
    "lifecycle": ("lifecycle", None),
    "cohort": ("cohort", None),
}

CUSTOMER_INTENTS = {
    "payback": _words(("回本周期", "回本时间", "多久回本", "几天回本", "回本天数", "回本了吗", "回本没", "回本"),
                      ("payback period", "payback", "pay back", "paid back", "break even", "breakeven")),
    "repurchase": _words(("新客复购率", "新客复购", "复购率", "复购", "回购率", "回购", "重复购买"),
                         ("repurchase rate", "repurchase", "repeat purchase", "repeat purchases", "repeat rate",
                          "repeat customers")),
    "customer_value": _words(("客户终身价值", "客户生命周期价值", "生命周期价值", "终身价值", "客户价值", "用户价值"),
                             ("customer lifetime value", "lifetime value", "customer value", "ltv", "clv",
                              "ltv:cac", "ltv/cac")),
    "lifecycle": _words(("客户生命周期", "生命周期漏斗", "生命周期", "客户漏斗", "客户阶段", "阶段漏斗"),
                        ("customer lifecycle", "lifecycle", "life cycle", "customer funnel", "lifecycle funnel")),
    "cohort": _words(("同期群分析", "同期群", "群组分析", "获客月份", "新客群组", "留存矩阵"),
                     ("cohort analysis", "cohorts", "cohort")),
}


def customer_kind(intents: set[str]) -> tuple[str, str | None] | None:
    """The kind and figure of a question whose intents include a customer-value one (None: none does).

    A question with a figure (回本, 复购) and the value words is the value answer with that figure first;
    one with a funnel word and a figure is the value answer too (the figure is what was asked)."""
    hits = [CUSTOMER_INTENT_KINDS[i] for i in CUSTOMER_INTENT_KINDS if i in intents]
    if not hits:
        return None
    figure = next((f for _, f in hits if f is not None), None)
    if figure is not None:
        return "customer_value", figure
    return hits[0]
