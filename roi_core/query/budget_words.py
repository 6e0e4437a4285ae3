"""A budget amount in an advice question: 下个月预算 50万怎么分, 预算 ¥500,000, budget 500k how to split.

Read only beside a budget word (预算, 分配, budget, allocate, split), so a ranking size or a
year is never taken for money; the amount needs a unit or currency sign, or at least 4 digits.

An amount is held to the bounds the sheet's own cells are held to (``roi_core.parse``): more
than 0 and at most 1,000 万亿 (1e15) yuan. Outside them the question is refused with the
amount as typed and the bound, never split: 1e20 would be float-rounded into figures nobody
can act on, and 0 or a negative total has nothing to split.
"""

from __future__ import annotations

import re
from decimal import Decimal

from roi_core.errors import QueryError

_BUDGET_WORD = re.compile(r"预算|分配|怎么分|budget|allocat|split")
# exact multipliers (Decimal): the bound is checked on the amount as typed, before any float rounding
_UNITS = {"万": 10**4, "w": 10**4, "千": 10**3, "k": 10**3, "百万": 10**6, "m": 10**6, "mn": 10**6,
          "million": 10**6, "亿": 10**8, "元": 1, "块": 1, "rmb": 1, "yuan": 1}
# the sign is read too (预算 -5万, 预算 负5万): a negative total is refused, not read as a positive one; a minus
# between digits (2026-10, 1-3) is no sign, hence the look-behind on both the sign and the digits
_AMOUNT = re.compile(r"(?<![0-9a-z.,\-−])([-−]|负)?\s*([¥$￥])?\s*(?<![0-9a-z.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(e[+-]?\d{1,4})?\s*"
                     r"(百万|million|mn|万|亿|千|元|块|rmb|yuan|w|k|m)?(?![a-z\d])")

# "how to split" said around the amount ("预算 50万怎么分"): read with it, so it is not left over
_SPLIT_WORDS = re.compile(r"怎么分配?|如何分配?|该怎么分|how (?:to|should (?:i|we)|do (?:i|we)) (?:split|allocate|spend)(?: it)?")

MAX_BUDGET = 10**15  # yuan: the largest amount a sheet cell may hold (roi_core.parse.MAX_MAGNITUDE)
MIN_BUDGET = Decimal("0.01")  # one 分: a smaller non-zero amount is a slipped unit, as in a cell (MIN_AMOUNT)
_SHOWN = 40  # characters of a typed amount a message repeats (the question may be 500 long)
_EXAMPLE = {"zh": "例：/roi 下个月预算 50万怎么分", "en": "e.g. budget 500k how to split"}


def read_budget(text, lang: str = "zh") -> float | None:
    """The amount (yuan) in the unread part of ``text`` (a query ``_Text``), masked once read; None when
    the question names no budget amount.

    Raises QueryError (in ``lang``: zh or en) naming the amount as typed and the bound when it is 0 or
    less, under one 分 (0.01), or more than 1e15 yuan (10,000,000亿 is the most; 10,000,001亿 is refused).
    """
    view = text.view()
    if not _BUDGET_WORD.search(text.low):
        return None
    for m in _AMOUNT.finditer(view):
        negative, sign, digits, decimals, exponent, unit = m[1], m[2], m[3], m[4] or "", m[5] or "", m[6]
        plain = digits.replace(",", "")
        if not (sign or unit or exponent or len(plain) >= 4):
            continue
        times = _UNITS.get(unit or "", 1)
        amount = Decimal(plain + decimals + exponent) * times * (-1 if negative else 1)
        typed = text.orig[m.start():m.end()].strip()
        if not MIN_BUDGET <= amount <= MAX_BUDGET:
            raise _refused(typed, amount, times, lang)
        text.take(m.start(), m.end())
        text.find(_SPLIT_WORDS)
        return float(amount)
    return None


def _refused(typed: str, amount: Decimal, times: int, lang: str) -> QueryError:
    why = "over" if amount > MAX_BUDGET else "under" if amount > 0 else "zero"
    shown = typed if len(typed) <= _SHOWN else typed[:_SHOWN] + "…"
    # the amount in yuan when a unit multiplied it (1,000,000,100,000,000 for 10000001亿), unless very long
    said = ""
    if times != 1 and MIN_BUDGET <= abs(amount) < 10**30:
        said = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    if lang == "en":
        equal = f" (= {said} yuan)" if said else ""
        message, hint = {
            "over": (f"is over the limit of {MAX_BUDGET:,} yuan (1e15)", "Check the unit and the number of digits"),
            "under": ("is less than 0.01 yuan (one fen)", "Write the total to split in yuan"),
            "zero": ("must be more than 0", "Write the total to split"),
        }[why]
        return QueryError(f"The budget 「{shown}」{equal} {message}", f"{hint}; {_EXAMPLE['en']}")
    equal = f"（即 {said} 元）" if said else ""
    message, hint = {
        "over": (f"超过上限 {MAX_BUDGET:,} 元（1,000 万亿）", "请检查单位和位数"),
        "under": ("不足 0.01 元（1 分）", "请以元为单位写要分配的总额"),
        "zero": ("应大于 0", "请写要分配的总额"),
    }[why]
    return QueryError(f"预算「{shown}」{equal}{message}", f"{hint}，{_EXAMPLE['zh']}")
