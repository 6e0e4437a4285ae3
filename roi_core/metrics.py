"""Campaign metrics for any grouping, exactly as docs/formulas.md defines them.

Group sums first, ratios after: a channel's ROI is (Σ收益 − Σ成本) / Σ成本 over
its rows, never an average of row ROIs. A ratio whose denominator is missing
or zero is NaN inside the frame and gets a Chinese reason from
:func:`unavailable_reason`; answers turn NaN into ``None`` plus that reason,
so no 0, inf or NaN ever reaches a user.

Each ratio is computed over the rows that know both of its parts, so a
channel that reports clicks on only some rows still gets an honest CTR.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roi_core.sheetdata import Settings

ADDITIVE = ("cost", "ad_spend", "promo_cost", "staff_cost", "other_cost", "revenue", "gross_profit_est",
            "new_customers", "impressions", "clicks", "conversions", "participants", "social_mentions",
            "retained_customers")

# name → (numerator column, denominator column); conversions over participants
# stands in for clicks on event rows (线下活动 have no clicks).
RATIOS = {
    "roas": ("revenue", "cost"),
    "cac": ("cost", "new_customers"),
    "ctr": ("clicks", "impressions"),
    "cvr": ("conversions", "cvr_base"),
    "cpc": ("cost", "clicks"),
    "cpa": ("cost", "conversions"),
    "aov": ("revenue", "conversions"),
    "cost_per_participant": ("cost", "participants"),
    "participant_cvr": ("conversions", "participants"),
    # an event's retention: of the people who came, how many stayed customers (issue 14: not over 新客户数)
    "retention_rate": ("retained_customers", "participants"),
}

HALF_FEN = 0.005  # money sums smaller than this in absolute value are 0

BASIS_LABEL = {"gross_profit": "按毛利", "revenue": "按销售额"}

_DENOMINATOR_WORD = {
    "cost": "成本", "new_customers": "新客户数", "impressions": "曝光量", "cvr_base": "点击量/参与人数",
    "clicks": "点击量", "conversions": "转化数", "participants": "参与人数",
}


def prepare_rows(campaigns: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Add per-row helper columns: estimated gross profit and the CVR base."""
    rows = campaigns.copy()
    gp = rows["gross_profit"] if "gross_profit" in rows else pd.Series(np.nan, index=rows.index)
    if settings.gross_margin is not None:
        gp = gp.fillna(rows["revenue"] * settings.gross_margin)
    rows["gross_profit_est"] = gp.astype("float64")
    rows["cvr_base"] = rows["clicks"].where(rows["clicks"].notna(), rows["participants"])
    return rows


def return_basis(rows: pd.DataFrame) -> str:
    """"gross_profit" when every row knows its 毛利 (column or 销售额 x 毛利率), else "revenue"."""
    if len(rows) and rows["gross_profit_est"].notna().all():
        return "gross_profit"
    return "revenue"


def spread_by_month(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (campaign row, calendar month), additive columns scaled by the share of days.

    A row running 2026-01-25 .. 2026-02-03 (10 days) puts 7/10 of its cost and
    revenue into 2026-01 and 3/10 into 2026-02. Adds ``month`` (a ``Period[M]``)
    and ``share``.
    """
    if rows.empty:
        out = rows.copy()
        out["month"] = pd.PeriodIndex([], freq="M")
        out["share"] = pd.Series(dtype="float64")
        return out
    start = rows["start_date"].dt.normalize()
    end = rows["end_date"].dt.normalize()
    first = start.dt.year.to_numpy() * 12 + start.dt.month.to_numpy() - 1
    last = end.dt.year.to_numpy() * 12 + end.dt.month.to_numpy() - 1
    n_months = (last - first + 1).astype(np.int64)
    take = np.repeat(np.arange(len(rows)), n_months)
    offset = np.arange(take.size) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    month_index = first[take] + offset
    month_start = pd.to_datetime({"year": month_index // 12, "month": month_index % 12 + 1, "day": 1})
    month_end = month_start + pd.offsets.MonthEnd(0)
    s = start.to_numpy()[take]
    e = end.to_numpy()[take]
    overlap_start = np.maximum(s, month_start.to_numpy())
    overlap_end = np.minimum(e, month_end.to_numpy())
    one_day = np.timedelta64(1, "D")
    days = (overlap_end - overlap_start) / one_day + 1
    total = (e - s) / one_day + 1
    share = days / total

    out = rows.iloc[take].reset_index(drop=True)
    for col in (*ADDITIVE, "cvr_base"):
        if col in out:
            out[col] = out[col] * share
    out["month"] = pd.PeriodIndex(month_start, freq="M")
    out["share"] = share
    return out


def _pair_sum(frame: pd.DataFrame, by: list[str] | None, num: str, den: str) -> tuple[pd.Series, pd.Series]:
    both = frame[num].notna() & frame[den].notna()
    n = frame[num].where(both)
    d = frame[den].where(both)
    if not by:
        return pd.Series([n.sum(min_count=1)]), pd.Series([d.sum(min_count=1)])
    keys = [frame[k] for k in by]
    return (n.groupby(keys, sort=False, observed=True).sum(min_count=1),
            d.groupby(keys, sort=False, observed=True).sum(min_count=1))


def group_metrics(rows: pd.DataFrame, by: list[str] | None, basis: str) -> pd.DataFrame:
    """Sums and ratios per group of ``by`` (None → one total row).

    ``rows`` come from :func:`prepare_rows` (optionally :func:`spread_by_month`).
    ``basis`` is ``"gross_profit"`` or ``"revenue"`` (see :func:`return_basis`)
    and is applied to every group so one table never mixes bases.
    Ratio columns are NaN where their denominator is missing or 0.
    """
    present = [c for c in ADDITIVE if c in rows]
    if by:
        grouped = rows.groupby(by, sort=False, observed=True)
        sums = grouped[present].sum(min_count=1)
        sums["rows"] = grouped.size()
    else:
        sums = rows[present].sum(min_count=1).to_frame().T
        sums["rows"] = len(rows)
    for col in ("cost", "revenue", "ad_spend", "promo_cost", "staff_cost", "other_cost"):
        sums[col] = sums[col].fillna(0.0)
    # Cells are 0 or at least 0.01 (roi_core.parse), but sums of signed amounts can cancel to float
    # noise (0.1 + 0.2 - 0.3 = 5.6e-17), and a day's share of a long row can be a fraction of a fen:
    # under half a fen is 0, so no ratio is ever divided by dust.
    for col in ("cost", "revenue", "ad_spend", "promo_cost", "staff_cost", "other_cost", "gross_profit_est"):
        sums[col] = sums[col].mask(sums[col].abs() < HALF_FEN, 0.0)

    # a group's 毛利 is known only when every one of its rows knows it
    if by:
        gp_known = rows["gross_profit_est"].notna().groupby([rows[k] for k in by], sort=False, observed=True).all()
    else:
        gp_known = pd.Series([bool(rows["gross_profit_est"].notna().all()) and len(rows) > 0])
    sums["gross_profit"] = sums["gross_profit_est"].where(gp_known.to_numpy())
    sums = sums.drop(columns=["gross_profit_est"])
    sums["return_value"] = sums["gross_profit"] if basis == "gross_profit" else sums["revenue"]
    sums["profit"] = sums["return_value"] - sums["cost"]
    cost = sums["cost"]
    sums["roi"] = (sums["profit"] / cost).where(cost > 0)

    for name, (num, den) in RATIOS.items():
        if num not in rows or den not in rows:
            sums[name] = np.nan
            continue
        n, d = _pair_sum(rows, by, num, den)
        value = (n / d).where(d >= HALF_FEN if den == "cost" else d > 0)
        sums[name] = value.to_numpy() if not by else value.reindex(sums.index).to_numpy()
    # pair sums for roas use the same rows as cost, so cost 0 → NaN (no inf)
    weights = rows["participants"].where(rows["participants"].notna() & rows["avg_minutes"].notna())
    sums["avg_minutes"] = _weighted_mean(rows, by, "avg_minutes", weights)
    sums["satisfaction"] = _weighted_mean(rows, by, "satisfaction", None)
    sums = sums.replace([np.inf, -np.inf], np.nan)
    if by:
        sums = sums.reset_index()
    return sums


def _weighted_mean(rows: pd.DataFrame, by: list[str] | None, col: str, weights: pd.Series | None) -> np.ndarray:
    values = rows[col]
    w = pd.Series(1.0, index=rows.index) if weights is None else weights.fillna(0.0)
    w = w.where(values.notna(), 0.0)
    num = (values.fillna(0.0) * w)
    if not by:
        total = w.sum()
        return np.array([num.sum() / total if total > 0 else np.nan])
    keys = [rows[k] for k in by]
    total = w.groupby(keys, sort=False, observed=True).sum()
    mean = num.groupby(keys, sort=False, observed=True).sum() / total.where(total > 0)
    return mean.to_numpy()


def unavailable_reason(metric: str, group: pd.Series) -> str | None:
    """Why ``metric`` has no number for this group row (None when it has one)."""
    value = group.get(metric)
    if value is not None and not pd.isna(value):
        return None
    if metric == "roi":
        cost = group.get("cost")
        if cost is not None and cost < 0:
            return "无法计算 (成本为负)"
        return "无法计算 (成本为0)"
    if metric == "gross_profit":
        return "毛利未知（填写毛利列或在设置中填写毛利率）"
    num, den = RATIOS.get(metric, (None, None))
    if den is None:
        return "无数据"
    word = _DENOMINATOR_WORD.get(den, den)
    if den == "cost":
        return "无法计算 (成本为0)"
    d = group.get(den)
    if d is None or pd.isna(d):
        return f"无{word}数据"
    return f"{word}为0"


def roas_ratio_text(roas: float | None) -> str | None:
    """ROAS in the ``1:3.2`` form Chinese e-commerce calls 投产比."""
    if roas is None or pd.isna(roas):
        return None
    return f"1:{roas:.1f}" if roas < 100 else f"1:{roas:,.0f}"
