"""The words of the customer-value questions (issue 14): 客户价值 / 回本周期 / 复购 (kind ``customer_value``),
生命周期 (kind ``lifecycle``) and cohort (kind ``cohort``), in Chinese and English.

Payback and repurchase are figures of the customer-value answer, not kinds of their own: a question naming
one is ``customer_value`` with ``metric`` "payback" or "repurchase" (the answer puts that figure first).
"""

from __future__ import annotations

import re

from roi_core.query.normalize import _words

_PAYBACK_EN = r"pay(?:s|ing)? ?back|paid back|payback|break(?:s|ing)? ?even|broke even|broken even|recoup(?:ed|s)?"
# English payback questions wrap the campaign in their words: "how long did 618 take to pay back", "when did 618
# break even", "has 618 paid back yet". "how long" / "how many days" / "when" are read as payback only when a
# payback word follows (a lookahead: the campaign between them stays the residue); the verb before the payback
# word ("take to", "took to", "until") and a "yet" after it are taken with it, so they are not left as a name.
_PAYBACK_PHRASES = re.compile(
    rf"\b(?:how long|how many days|how much time|days (?:until|till|to)|when|until|till)\b(?=.*\b(?:{_PAYBACK_EN})\b)"
    rf"|\b(?:(?:take|takes|took|taking|need|needs|needed)\s+to|to|until|till|before)\s+(?:{_PAYBACK_EN})\b"
    rf"|\b(?:{_PAYBACK_EN})\s+(?:yet|already)\b"
    r"|\bpa(?:y|id) for itself\b"
    rf"|\b(?:{_PAYBACK_EN})\b",
    re.ASCII)


def _with(pattern: re.Pattern, extra: re.Pattern) -> re.Pattern:
    """``extra``'s alternatives first (the longer phrases win), then ``pattern``'s."""
    return re.compile(f"{extra.pattern}|{pattern.pattern}", re.ASCII)

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
    "payback": _with(_words(("多久能回本", "多久才能回本", "什么时候回本", "啥时候回本", "几天能回本", "回本周期", "回本时间", "多久回本", "几天回本", "回本天数", "回本了吗", "回本没", "回本"),
                            ("payback period", "payback", "pay back", "paid back", "break even", "breakeven")),
                     _PAYBACK_PHRASES),
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
