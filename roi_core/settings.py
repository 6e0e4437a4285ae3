"""The 设置 tab's values: the :class:`Settings` the core reads, and how one typed 值 becomes a value.

:func:`roi_core.sheetdata.parse_settings` reads the tab (参数 | 值 rows) and calls :func:`parse_setting`
on each known 参数; a value that cannot be used is reported and its default kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from roi_core.parse import PARSERS, WIDEST_DATE_MAX, WIDEST_DATE_MIN, normalize_text, parse_date
from roi_core.schema import SETTING_SPECS


@dataclass(frozen=True)
class Settings:
    """The 设置 tab, parsed, with the contract's defaults."""

    target_roi: float = 1.0
    gross_margin: float | None = None
    currency: str = "CNY"
    attribution_model: str = "markov"
    lookback_days: int = 30
    half_life_days: float = 7.0
    report_day: int = 1
    report_time: str = "09:00"
    timezone: str = "Asia/Shanghai"
    report_channel: str | None = None
    earliest_date: dt.date = dt.date(2000, 1, 1)  # dates outside earliest..latest are problems
    latest_date: dt.date = dt.date(2100, 12, 31)
    check_time: str = "10:00"  # the daily check of running campaigns, local time
    alert_channel: str | None = None  # Slack channel for alerts (None: the report channel)
    attribution_coverage: float = 0.5  # 触点 revenue share of 活动 revenue needed to use the model for advice
    budget_change_limit: float = 0.5  # each channel's budget moves at most this fraction in a reallocation
    budget_min_roi: float = 0.0  # the lowest marginal ROI a yuan of a budget plan may earn (0: break-even)
    touches_source: str | None = None  # 触点来源: a table source string (docs/tables.md); None reads the tab
    orders_source: str | None = None  # 订单来源: likewise for 订单

    @property
    def currency_symbol(self) -> str:
        return {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}.get(
            self.currency.upper(), self.currency + " ")


# 设置 numbers beyond these are typos; a lookback of 1e15 days would not even fit a timestamp
_SETTING_RANGES = {
    "target_roi": (-1.0, 100.0, "目标ROI应在 -100% 至 10000% 之间"),
    "gross_margin": (0.0, 1.0, "毛利率应在 0%-100% 之间"),
    "report_day": (1, 31, "月报日应在 1-31 之间"),
    "lookback_days": (1, 3650, "回溯天数应在 1-3650 之间"),
    "half_life_days": (0.01, 3650, "半衰期应在 0.01-3650 天之间"),
    "budget_min_roi": (-1.0, 100.0, "新增预算最低ROI应在 -100% 至 10000% 之间"),
}


def parse_setting(kind: str, key: str, value: object) -> tuple[object, str | None]:
    """One 设置 值 of ``kind`` for the setting ``key``: (value, None), or (None, why it cannot be used)."""
    cell = pd.Series([value], dtype=object)
    low, high, out_of_range = _SETTING_RANGES.get(key, (-np.inf, np.inf, ""))
    if kind == "percent":
        p = PARSERS["percent"](cell)
        if p.bad.iloc[0]:
            return None, "不是百分比"
        v = float(p.values.iloc[0])
        text = normalize_text(value)
        # "40" for a margin means 40%; a target ROI of 150 means 150%
        if not text.endswith("%") and v > 1 and not isinstance(value, (int, float)):
            v /= 100.0
        if not low <= v <= high:
            return None, out_of_range
        # 毛利 = 销售额 x 毛利率: a margin of 1e-282 would make every return dust that ratios divide by
        if key == "gross_margin" and 0 < v < 0.0001:
            return None, "毛利率不足 0.01%（填 0 或检查小数点）"
        return v, None
    if kind in ("count", "number"):
        p = PARSERS[kind](cell)
        if p.bad.iloc[0] or p.values.isna().iloc[0]:
            return None, p.reason.iloc[0] if p.bad.iloc[0] else "不是数字"
        v = float(p.values.iloc[0])
        if not low <= v <= high:
            return None, out_of_range
        return (int(v) if kind == "count" else v), None
    if kind == "date":
        return _parse_date_setting(value)
    if kind == "time":
        text = normalize_text(value)
        if isinstance(value, float) and 0 <= value < 1:  # a time cell as a day fraction
            minutes = round(value * 24 * 60)
            return f"{minutes // 60:02d}:{minutes % 60:02d}", None
        if isinstance(value, dt.time):
            return value.strftime("%H:%M"), None
        parts = text.replace("：", ":").split(":")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1][:2].isdigit():
            h, m = int(parts[0]), int(parts[1][:2])
            if 0 <= h < 24 and 0 <= m < 60:
                return f"{h:02d}:{m:02d}", None
        return None, "不是时间（例：09:00）"
    text = str(value).strip()
    if key == "timezone":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name, a folder
            return None, "不是有效的时区（例：Asia/Shanghai）"
    if key == "currency":
        text = text.upper()
    return text, None


def _parse_date_setting(value: object) -> tuple[dt.date | None, str | None]:
    """最早日期 / 最晚日期: a typed date, a date cell or a serial (the 值 column arrives as text)."""
    if isinstance(value, str):
        try:  # a Google date cell read unformatted is a serial number, handed over as its text
            value = float(value)
        except ValueError:
            pass
    p = parse_date(pd.Series([value], dtype=object), earliest=WIDEST_DATE_MIN, latest=WIDEST_DATE_MAX)
    if p.values.isna().iloc[0]:
        return None, f"不是 {WIDEST_DATE_MIN:%Y-%m-%d} 至 {WIDEST_DATE_MAX:%Y-%m-%d} 之间的日期（例：2000-01-01）"
    return p.values.iloc[0].date(), None


def setting_defaults() -> list[tuple[str, object, str]]:
    """(参数, 默认值, 含义) rows for the init template and the README."""
    # the table sources are for the few teams beyond a sheet: a new 设置 tab does not list them
    return [(s.name, "" if s.default is None else s.default, s.meaning) for s in SETTING_SPECS
            if s.key not in ("touches_source", "orders_source")]

