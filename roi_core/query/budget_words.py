"""A budget amount in an advice question: 下个月预算 50万怎么分, 预算 ¥500,000, budget 500k how to split.

Read only beside a budget word (预算, 分配, budget, allocate, split), so a ranking size or a
year is never taken for money; the amount needs a unit or currency sign, or at least 4 digits.
"""

from __future__ import annotations

import re

_BUDGET_WORD = re.compile(r"预算|分配|怎么分|budget|allocat|split")
_UNITS = {"万": 1e4, "w": 1e4, "千": 1e3, "k": 1e3, "百万": 1e6, "m": 1e6, "mn": 1e6, "million": 1e6,
          "亿": 1e8, "元": 1.0, "块": 1.0, "rmb": 1.0, "yuan": 1.0}
_AMOUNT = re.compile(r"(?<![0-9a-z.,-])([¥$￥])?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*"
                     r"(百万|million|mn|万|亿|千|元|块|rmb|yuan|w|k|m)?(?![a-z\d])")

# "how to split" said around the amount ("预算 50万怎么分"): read with it, so it is not left over
_SPLIT_WORDS = re.compile(r"怎么分配?|如何分配?|该怎么分|how (?:to|should (?:i|we)|do (?:i|we)) (?:split|allocate|spend)(?: it)?")


def read_budget(text) -> float | None:
    """The amount (yuan) in the unread part of ``text`` (a query ``_Text``), masked once read; None when
    the question names no budget amount."""
    view = text.view()
    if not _BUDGET_WORD.search(text.low):
        return None
    for m in _AMOUNT.finditer(view):
        sign, digits, decimals, unit = m[1], m[2], m[3] or "", m[4]
        plain = digits.replace(",", "")
        if not (sign or unit or len(plain) >= 4):
            continue
        value = float(plain + decimals) * _UNITS.get(unit or "", 1.0)
        if value <= 0:
            continue
        text.take(m.start(), m.end())
        text.find(_SPLIT_WORDS)
        return value
    return None
