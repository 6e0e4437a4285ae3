"""``/roi 归因 [模型] [YYYY-MM]``: one model's table, attributed ROI, and every model side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.attribution import (
    MODEL_LABELS_ZH,
    MODELS,
    AttributionError,
    attributed_roi,
    build_journeys,
    compare_models,
    resolve_model,
)
from roi_core.budget.basis import CAMPAIGN_TAB, CreditBasis
from roi_core.errors import DataError
from roi_core.metrics import HALF_FEN, group_metrics, prepare_rows, return_basis, spread_by_month
from roi_core.results import Answer, to_json_dict
from roi_core.sheetdata import SheetData


@dataclass
class AttributionAnswer(Answer):
    model: str = "markov"
    model_label: str = ""
    month: str | None = None
    lookback_days: int = 30
    currency: str = "¥"
    journeys: int = 0
    converting_journeys: int = 0
    conversions: float = 0.0
    revenue: float = 0.0
    channels: list[dict] = field(default_factory=list)  # channel, conversions, revenue, share, cost, roi, roi_note
    roi_basis: str = "touch_revenue"  # or share_of_campaign_return, or sample (no ROI; see attribution_report)
    coverage: float | None = None  # 触点 revenue / 活动 revenue of the period
    credit_basis: str = "campaign_tab"  # what channel answers and advice credit: campaign_tab or this model
    comparison: list[dict] = field(default_factory=list)  # channel, <model>_revenue, <model>_rank, rank_moves
    models: list[str] = field(default_factory=list)
    model_labels: dict = field(default_factory=dict)
    # models that could not run on these data → the reason, in the answer's language; they have
    # no columns in ``comparison`` (shown as —), and when the asked model is one, ``channels`` is empty
    refused: dict = field(default_factory=dict)


def touches_for_month(touchpoints: pd.DataFrame, month: pd.Period, lookback_days: int) -> pd.DataFrame:
    """Touches of the journeys that convert (or end) in ``month``.

    Keeps touches from ``lookback_days`` before the month to its end, then drops
    every touch of a customer up to that customer's last conversion before the
    month: those touches belong to journeys already converted, not to this month.
    """
    start = month.start_time
    end = month.end_time
    window = touchpoints[(touchpoints["timestamp"] >= start - pd.Timedelta(days=lookback_days))
                         & (touchpoints["timestamp"] <= end)]
    before = window["timestamp"] < start
    converted_before = window[before & window["converted"]].groupby("customer_id")["timestamp"].max()
    if len(converted_before):
        cutoff = window["customer_id"].map(converted_before).astype("datetime64[ns]")
        keep = cutoff.isna() | (window["timestamp"] > cutoff)
        window = window[keep.to_numpy()]
    # customers seen only in the margin before the month have no journey in it
    active = window.loc[window["timestamp"] >= start, "customer_id"].unique()
    return window[window["customer_id"].isin(active)]


def channel_costs(data: SheetData, month: pd.Period | None) -> tuple[pd.Series, float]:
    """Cost per channel from 活动 for the same period (rows spread by day when a month is asked),
    and the period's total return (毛利 or 销售额, as the campaign answers use)."""
    rows = prepare_rows(data.campaigns, data.settings)
    if month is not None:
        rows = spread_by_month(rows)
        rows = rows[rows["month"] == month]
    basis = return_basis(rows)
    total_return = float(rows["gross_profit_est" if basis == "gross_profit" else "revenue"].sum())
    return rows.groupby("channel")["cost"].sum(), total_return


def attribution_report(data: SheetData, model: str | None = None, month: pd.Period | None = None, *,
                       lang: str = "zh") -> AttributionAnswer:
    """Attribute the 触点 tab under ``model`` (default: 设置 归因模型), with ROI and every model compared."""
    settings = data.settings
    try:
        model = resolve_model(model or settings.attribution_model)
    except AttributionError:
        model = "markov"
    # a table source's journeys, summed where its touches live (tables/), stand for the tab's
    journeys = data.touch_paths.get("" if month is None else str(month)) if data.touch_paths else None
    touches = data.touchpoints
    if touches.empty and journeys is None:
        raise DataError("没有「触点」数据，无法做多触点归因",
                        "添加「触点」标签页：客户ID、时间、渠道、是否转化、订单金额（可从 CRM 导出）")
    if month is not None and journeys is None:
        touches = touches_for_month(touches, month, settings.lookback_days)
        if touches.empty:
            raise DataError(f"{month} 没有触点数据", "换一个月份试试，例：/roi 归因 马尔可夫 2026-10")
    try:
        if journeys is None:
            journeys = build_journeys(touches, lookback_days=settings.lookback_days)
        table = compare_models(journeys, MODELS, half_life_days=settings.half_life_days)
    except AttributionError as err:
        raise DataError(err.message, err.hint or "检查「触点」表的 是否转化 和 订单金额 列") from None
    en = lang == "en"
    refused = {m: err.text(lang) for m, err in table.attrs.get("refused", {}).items()}
    total_revenue = journeys.total_revenue
    costs, campaign_return = channel_costs(data, month)
    # 触点 is often a CRM sample covering part of the sales. The one basis of channel credit
    # (roi_core.budget.basis): when the touches' order values cover at least 设置 归因覆盖阈值 of the
    # period's 活动 revenue, each channel earns its attributed share of the period's 活动 return (its
    # own touch revenue when the touches hold all of it); below, the touches are a sample: shares and
    # conversions are shown, and no ROI is scaled up from them (the answer says why).
    # a campaign revenue below half a fen is no revenue (metrics counts such sums as 0): no coverage ratio
    tab = tab_channel_roi(data, month)
    campaign_revenue = tab.attrs["revenue"]
    threshold = float(settings.attribution_coverage)
    coverage = total_revenue / campaign_revenue if campaign_revenue >= HALF_FEN else None
    roi_basis = "touch_revenue"
    if coverage is not None and coverage < threshold:
        roi_basis = "sample"
    elif coverage is not None and coverage < 1.0:
        roi_basis = "share_of_campaign_return"
    channels: list[dict] = []
    if model not in refused:
        channels = to_json_dict(_channel_rows(table, model, total_revenue, costs, campaign_return, roi_basis))
    ans = AttributionAnswer(
        kind="attribution", lang=lang, model=model, model_label=MODEL_LABELS_ZH[model],
        month=None if month is None else str(month), lookback_days=settings.lookback_days,
        currency=settings.currency_symbol, journeys=int(journeys.journey_count.sum()),
        # one conversion per converting journey, so this counts them from touches and from a path table alike
        converting_journeys=int(round(journeys.total_conversions)), conversions=journeys.total_conversions,
        revenue=total_revenue, channels=channels, comparison=to_json_dict(table),
        models=list(MODELS), model_labels=dict(MODEL_LABELS_ZH), roi_basis=roi_basis, coverage=coverage,
        refused=refused, credit_basis=CAMPAIGN_TAB if roi_basis == "sample" or coverage is None else model,
    )
    ans.warnings += list(data.table_notes)  # where a table source's touches came from: rows, freshness
    for m, reason in refused.items():
        name = m if en else MODEL_LABELS_ZH[m]
        if m == model:
            ans.warnings.append(f"The {name} model cannot run on these data: {reason} The other models are compared "
                                "below; pick one with the model menu." if en else
                                f"{name}模型无法计算：{reason}。下面是其他模型的对比，可用模型菜单换一个模型")
        else:
            ans.warnings.append(f"{name} is left out of the comparison (—): {reason}" if en else
                                f"{name}模型未参与对比（—）：{reason}")
    if roi_basis == "sample":
        ans.warnings.append(f"The 触点 order values are only {coverage:.0%} of the period's campaign revenue (below "
                            f"the {threshold:.0%} of 归因覆盖阈值), so they are a sample: shares and conversions are "
                            "shown, no ROI is scaled up from them; channel ROI and budget advice use the campaign tab"
                            if en else
                            f"「触点」订单金额只占同期活动销售额的 {coverage:.0%}（低于归因覆盖阈值 {threshold:.0%}），"
                            "只是样本：这里只看归因份额与转化，不按样本折算 ROI；渠道 ROI 与预算建议以「活动」表为准")
    elif roi_basis == "share_of_campaign_return":
        ans.warnings.append(f"The 触点 order values cover {coverage:.0%} of the period's campaign revenue (at least "
                            f"{threshold:.0%}): each channel's ROI = its attributed share × the campaign return, "
                            "against its cost; channel ROI and budget advice use this model" if en else
                            f"「触点」订单金额占同期活动销售额的 {coverage:.0%}（达到归因覆盖阈值 {threshold:.0%}）："
                            "各渠道 ROI = 归因份额 × 同期活动收益 与渠道成本相比；渠道 ROI 与预算建议按此模型计")
    ans.warnings.extend(_direction_conflicts(ans, tab, settings, model, lang, roi_basis == "sample"))
    if journeys.touches_outside_lookback:
        n_out = journeys.touches_outside_lookback
        ans.warnings.append(f"{n_out} touches are more than {settings.lookback_days} days (the lookback) before "
                            "their conversion and were left out" if en else
                            f"{n_out} 个触点早于转化前 {settings.lookback_days} 天（回溯天数），未计入")
    no_cost = [r["channel"] for r in ans.channels if r.get("roi_note") == "无成本数据"]
    if no_cost:
        ans.warnings.append(("These channels have no cost in 活动, so no attributed ROI: " + ", ".join(no_cost)) if en
                            else "这些渠道在「活动」表中没有成本，无法算归因 ROI：" + "、".join(no_cost))
    moved = [r["channel"] for r in ans.comparison if r.get("rank_moves")]
    if moved:
        ans.warnings.append(("Channels whose rank moves by 2 or more between models (compare several before "
                             "deciding budgets): " + ", ".join(moved)) if en else
                            "不同模型下排名变化 ≥2 位的渠道（预算决策前请对照多个模型）：" + "、".join(moved))
    return ans


def tab_channel_roi(data: SheetData, month: pd.Period | None) -> pd.Series:
    """Each channel's ROI by the 活动 tab over the same period (rows spread by day when a month is
    asked); ``attrs["revenue"]``: the period's 活动 revenue."""
    rows = prepare_rows(data.campaigns, data.settings)
    if month is not None:
        rows = spread_by_month(rows)
        rows = rows[rows["month"] == month]
    table = group_metrics(rows, ["channel"], return_basis(rows)).set_index("channel")
    roi = table["roi"].dropna()
    roi.attrs["revenue"] = float(rows["revenue"].sum())
    return roi


def _direction_conflicts(ans: AttributionAnswer, tab: pd.Series, settings, model: str, lang: str,
                         sample: bool) -> list[str]:
    """Channels above target on one basis and below on the other, with both figures."""
    share_roi = {r["channel"]: r.get("roi_by_share", r.get("roi")) for r in ans.channels}
    share_roi = {c: v for c, v in share_roi.items() if v is not None and np.isfinite(v) and c in tab.index}
    target = settings.target_roi
    conflicts = [c for c, v in share_roi.items() if (v >= target) != (tab[c] >= target)]
    basis = CreditBasis(CAMPAIGN_TAB if sample else model, model, ans.coverage, float(settings.attribution_coverage),
                        tab_roi={c: float(tab[c]) for c in conflicts},
                        model_roi={c: float(share_roi[c]) for c in conflicts}, conflicts=conflicts)
    return basis.conflict_texts(lang, target)


def _channel_rows(table: pd.DataFrame, model: str, total_revenue: float, costs: pd.Series, campaign_return: float,
                  roi_basis: str) -> pd.DataFrame:
    """One model's credit per channel with share, cost and attributed ROI (on the basis chosen); below the
    coverage threshold (``sample``) no ROI: ``roi_by_share`` keeps the scaled-up figure for the
    direction check only."""
    chosen = table[["channel", f"{model}_conversions", f"{model}_revenue"]].rename(
        columns={f"{model}_conversions": "conversions", f"{model}_revenue": "revenue"})
    chosen = chosen.sort_values(["revenue", "conversions"], ascending=False).reset_index(drop=True)
    chosen["share"] = chosen["revenue"] / total_revenue if total_revenue > 0 else np.nan
    with_roi = attributed_roi(chosen, costs)
    if roi_basis in ("share_of_campaign_return", "sample"):
        shared = attributed_roi(chosen.assign(revenue=chosen["share"] * campaign_return), costs)
        with_roi["return_by_share"] = shared["revenue"]
        with_roi["roi"] = shared["roi"]
        with_roi["roi_note"] = shared["roi_note"]
    if roi_basis == "sample":
        with_roi["roi_by_share"] = with_roi["roi"]
        with_roi["roi"] = np.nan
        with_roi["roi_note"] = with_roi["roi_note"].where(with_roi["roi_note"] != "", "触点样本不足，不折算")
    return with_roi
