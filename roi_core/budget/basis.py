"""The one basis of channel credit every channel figure uses (advice, reallocation, channel and
attribution answers).

By default a channel earns what the 活动 tab says it earned (``campaign_tab``). When the 触点
tab's order values cover at least 设置 归因覆盖阈值 (default 50 %) of the period's 活动 revenue,
the attribution model of 设置 归因模型 decides instead: each channel earns its attributed share
of the period's 活动 return. Below the threshold 触点 is a sample, and ROI scaled up from it is
not shown as a channel's ROI; where the sample's share-based ROI and the 活动 tab's ROI fall on
opposite sides of the target, both answers say so with both figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.attribution import MODEL_LABELS_ZH, AttributionError, attribute, resolve_model
from roi_core.metrics import HALF_FEN

CAMPAIGN_TAB = "campaign_tab"


@dataclass(frozen=True)
class CreditBasis:
    """Which credit the channel figures use, and how the other one compares.

    ``name`` is ``campaign_tab`` or the model's canonical name; ``coverage`` is the 触点 order value
    over the period's 活动 revenue (None without either); ``scale`` maps channel → model credit
    over 活动-tab credit (1 for every channel under ``campaign_tab``); ``model_roi`` and ``tab_roi``
    are each channel's ROI under the model's share and under the 活动 tab; ``conflicts`` the
    channels on opposite sides of the target under the two.
    """

    name: str
    model: str
    coverage: float | None
    threshold: float
    scale: dict = field(default_factory=dict)
    tab_roi: dict = field(default_factory=dict)
    model_roi: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)

    @property
    def uses_model(self) -> bool:
        return self.name != CAMPAIGN_TAB

    def label(self, lang: str) -> str:
        if lang == "en":
            return "campaign tab revenue" if not self.uses_model else f"{self.model} attribution"
        return "活动表收益" if not self.uses_model else f"{MODEL_LABELS_ZH[self.model]}归因"

    def describe(self, lang: str) -> str:
        """One sentence naming the basis and why it was chosen."""
        cov = "—" if self.coverage is None else f"{self.coverage:.0%}"
        if lang == "en":
            return (f"Channel credit: {self.label(lang)} (触点 order values cover {cov} of the campaign revenue; "
                    f"the attribution model is used from {self.threshold:.0%})")
        return (f"渠道收益口径：{self.label(lang)}（「触点」订单金额占同期活动销售额 {cov}，"
                f"达到 {self.threshold:.0%} 才按{MODEL_LABELS_ZH[self.model]}归因计）")

    def conflict_texts(self, lang: str, target_roi: float) -> list[str]:
        """A sentence per channel whose direction differs between the two bases, with both ROIs."""
        out = []
        sample = not self.uses_model
        for channel in self.conflicts:
            tab, mod = self.tab_roi[channel], self.model_roi[channel]
            if lang == "en":
                out.append(f"「{channel}」 disagrees between bases: ROI {tab:.1%} on the campaign tab, {mod:.1%} by its "
                           f"{self.model} attribution share (target {target_roi:.0%})"
                           + ("; the 触点 tab is a sample, so the campaign tab decides" if sample else ""))
            else:
                out.append(f"「{channel}」两种口径方向相反：按活动表 ROI {tab:.1%}，按{MODEL_LABELS_ZH[self.model]}归因份额 "
                           f"ROI {mod:.1%}（目标 {target_roi:.0%}）"
                           + ("；「触点」只是样本，以活动表为准" if sample else "；以归因模型为准"))
        return out


def credited(table: pd.DataFrame, basis: CreditBasis) -> pd.DataFrame:
    """``table`` (group_metrics by channel) with each channel's return on ``basis``: under the model, its
    revenue, 毛利 and return are the model's share of the period's (``scale`` × the 活动 tab's), and
    profit, ROI and ROAS follow; the 活动 tab's ROI is kept as ``tab_roi``. Unchanged under the 活动 tab."""
    table = table.assign(tab_roi=table["roi"])
    if not basis.uses_model:
        return table
    scale = table["channel"].map(basis.scale).fillna(1.0)
    out = table.assign(**{c: table[c] * scale for c in ("revenue", "gross_profit", "return_value") if c in table})
    cost = out["cost"].where(out["cost"] > 0)
    return out.assign(profit=out["return_value"] - out["cost"], roi=(out["return_value"] - out["cost"]) / cost,
                      roas=table["roas"] * scale)


def conflict_summary(basis: CreditBasis, lang: str, target_roi: float) -> list[str]:
    """The channels the two bases put on opposite sides of the target, in one line with both ROIs each
    (empty list when none): what advice, channel and monthly answers show (the attribution answer
    keeps a sentence per channel, :meth:`CreditBasis.conflict_texts`)."""
    if not basis.conflicts:
        return []
    model = basis.model if lang == "en" else MODEL_LABELS_ZH[basis.model]
    pairs = [(c, basis.tab_roi[c], basis.model_roi[c]) for c in basis.conflicts]
    if lang == "en":
        return [f"The two bases put these channels on opposite sides of the target ROI {target_roi:.0%} "
                f"(campaign tab / {model} share): " + ", ".join(f"「{c}」 {t:.1%} / {m:.1%}" for c, t, m in pairs)
                + ("; the attribution model decides" if basis.uses_model else
                   "; the 触点 tab is a sample, so the campaign tab decides")]
    return [f"两种口径方向相反（目标 ROI {target_roi:.0%}；活动表 ROI / {model}归因份额 ROI）："
            + "、".join(f"「{c}」{t:.1%} / {m:.1%}" for c, t, m in pairs)
            + ("；以归因模型为准" if basis.uses_model else "；「触点」只是样本，以活动表为准")]


def _model_name(settings) -> str:
    try:
        return resolve_model(settings.attribution_model)
    except AttributionError:
        return "markov"


def credit_basis(table: pd.DataFrame, touches: pd.DataFrame, settings, *, revenue_total: float | None = None,
                 return_total: float | None = None) -> CreditBasis:
    """The basis for the channels of ``table`` (group_metrics by channel: cost, revenue, return_value)
    given the period's touches (journeys already cut to the period)."""
    model = _model_name(settings)
    threshold = float(settings.attribution_coverage)
    revenue_total = float(table["revenue"].sum()) if revenue_total is None else revenue_total
    return_total = float(table["return_value"].sum()) if return_total is None else return_total
    cost = table.set_index("channel")["cost"]
    tab_return = table.set_index("channel")["return_value"]
    spent = cost[cost > 0].index
    tab_roi = ((tab_return - cost) / cost)[spent]
    plain = CreditBasis(CAMPAIGN_TAB, model, None, threshold, {c: 1.0 for c in table["channel"]},
                        {c: float(v) for c, v in tab_roi.items()})
    if touches is None or touches.empty or "converted" not in touches:
        return plain
    touch_revenue = float(touches.loc[touches["converted"].astype(bool), "revenue"].fillna(0).sum())
    coverage = touch_revenue / revenue_total if revenue_total >= HALF_FEN else None
    try:
        credit = attribute(touches, model, lookback_days=settings.lookback_days)
    except (AttributionError, ValueError, TypeError):
        return CreditBasis(CAMPAIGN_TAB, model, coverage, threshold, plain.scale, plain.tab_roi)
    credited = credit.set_index("channel")["revenue"]
    if credited.sum() <= 0:
        return CreditBasis(CAMPAIGN_TAB, model, coverage, threshold, plain.scale, plain.tab_roi)
    model_return = (credited / credited.sum() * return_total).reindex(cost.index, fill_value=0.0)
    model_roi = ((model_return - cost) / cost)[spent]
    target = settings.target_roi
    conflicts = [c for c in spent if (tab_roi[c] >= target) != (model_roi[c] >= target)]
    use_model = coverage is not None and coverage >= threshold
    scale = {c: (float(model_return[c] / tab_return[c]) if use_model and tab_return.get(c, 0) > HALF_FEN else 1.0)
             for c in table["channel"]}
    return CreditBasis(model if use_model else CAMPAIGN_TAB, model, coverage, threshold, scale,
                       {c: float(v) for c, v in tab_roi.items()},
                       {c: float(v) for c, v in model_roi.items() if np.isfinite(v)}, conflicts)
