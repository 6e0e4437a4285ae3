"""The answer base class and its JSON form, shared by every kind of answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.metrics import roas_ratio_text, unavailable_reason

FIGURES = ("cost", "ad_spend", "promo_cost", "staff_cost", "other_cost", "revenue", "gross_profit", "return_value",
           "profit", "roi", "roas", "cac", "ctr", "cvr", "cpc", "cpa", "aov", "new_customers", "impressions",
           "clicks", "conversions", "participants", "cost_per_participant", "participant_cvr", "social_mentions",
           "avg_minutes", "satisfaction", "retained_customers", "retention_rate")
# figures whose absence deserves a stated reason in the answer
EXPLAINED = ("roi", "roas", "cac", "ctr", "cvr", "cpc", "cpa", "aov", "gross_profit")
CHANNEL_FIGURES = ("cost", "revenue", "gross_profit", "return_value", "profit", "roi", "roas", "ctr", "cvr", "cac",
                   "aov", "cpa", "conversions", "new_customers", "participants", "cost_per_participant",
                   "participant_cvr", "social_mentions")


@dataclass
class Answer:
    """Fields every answer carries."""

    kind: str = ""
    lang: str = "zh"
    rows_skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    data_age_seconds: float | None = None
    stale: bool = False



def _clean(value):
    """A JSON-safe scalar: NaN/inf → None, numpy → Python, dates → ISO."""
    if value is None:
        return None
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()[:10] if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
            else pd.Timestamp(value).isoformat()
    if value is pd.NaT:
        return None
    return value


def to_json_dict(obj) -> object:
    """Recursively convert an answer (or part of one) to JSON-safe Python data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_json_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json_dict(v) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return [to_json_dict(r) for r in obj.to_dict("records")]
    return _clean(obj)


def _figures(row: pd.Series, names=FIGURES) -> tuple[dict, dict]:
    figures = {name: _clean(row.get(name)) for name in names}
    unavailable = {name: unavailable_reason(name, row) for name in EXPLAINED if name in names and figures.get(name) is None}
    return figures, {k: v for k, v in unavailable.items() if v}


def _channel_rows(table: pd.DataFrame, name_col: str = "channel") -> list[dict]:
    out = []
    for _, row in table.iterrows():
        figures, unavailable = _figures(row, CHANNEL_FIGURES)
        item = {name_col: row[name_col], **figures, "roas_text": roas_ratio_text(row["roas"]),
                "unavailable": unavailable}
        out.append(item)
    return out
