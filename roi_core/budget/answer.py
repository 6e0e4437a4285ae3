"""The budget plan of an answer (advice, the monthly summary): its rows, sums and notes, in the
answer's language. Pure: the sheet's frames in, plain values out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roi_core.budget.basis import CreditBasis, conflict_summary, credit_basis
from roi_core.budget.plan import LINEAR, RESPONSE_CURVE, BudgetPlan, plan_budget
from roi_core.fmt import money, pct
from roi_core.metrics import group_metrics, prepare_rows, return_basis, spread_by_month
from roi_core.sheetdata import SheetData


def _window_touches(data: SheetData, month: pd.Period | None, period: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    touches = data.touchpoints
    if touches.empty:
        return touches
    if month is not None:
        from roi_core.attribution_report import touches_for_month

        return touches_for_month(touches, month, data.settings.lookback_days)
    if period is not None:
        start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1]) + pd.Timedelta(days=1)
        window = touches[(touches["timestamp"] >= start - pd.Timedelta(days=data.settings.lookback_days))
                         & (touches["timestamp"] < end)]
        active = window.loc[window["timestamp"] >= start, "customer_id"].unique()
        return window[window["customer_id"].isin(active)]
    return touches


def basis_for(data: SheetData, rows: pd.DataFrame, month: pd.Period | None = None,
              period: tuple[dt.date, dt.date] | None = None) -> CreditBasis:
    """The credit basis over ``rows`` (the period's campaign rows, prepared and cut to it)."""
    table = group_metrics(rows, ["channel"], return_basis(rows))
    return credit_basis(table, _window_touches(data, month, period), data.settings)


def _minimums(data: SheetData, plan_month: pd.Period) -> dict:
    """Spend already planned in 预算 for ``plan_month`` per channel (rows prorated by their days)."""
    budgets = data.budgets
    if budgets is None or budgets.empty:
        return {}
    start, end = plan_month.start_time.normalize(), plan_month.end_time.normalize()
    first, last = budgets["plan_start"].dt.normalize(), budgets["plan_end"].dt.normalize()
    inside = (last.clip(upper=end) - first.clip(lower=start)).dt.days + 1
    share = inside.clip(lower=0) / ((last - first).dt.days + 1)
    planned = (budgets["budget"].fillna(0) * share.fillna(0)).groupby(budgets["channel"]).sum()
    return {c: float(v) for c, v in planned.items() if v > 0}


def plan_for(data: SheetData, rows: pd.DataFrame, basis: CreditBasis, month: pd.Period | None = None,
             period: tuple[dt.date, dt.date] | None = None, total: float | None = None) -> BudgetPlan | None:
    """Next month's plan from the period's ``rows``, curves fitted on every row up to its end."""
    if rows.empty:
        return None
    settings = data.settings
    history = prepare_rows(data.campaigns, settings)
    if month is not None:
        end = month.end_time
    elif period is not None:
        end = pd.Timestamp(period[1]) + pd.Timedelta(hours=23, minutes=59)
    else:
        end = history["end_date"].fillna(history["start_date"]).max()
    history = history[history["start_date"] <= end]
    history = history.assign(end_date=history["end_date"].fillna(history["start_date"]).clip(upper=end))
    return_col = "gross_profit_est" if return_basis(rows) == "gross_profit" else "revenue"
    if month is not None:
        months = 1
    else:
        spread = spread_by_month(rows.assign(end_date=rows["end_date"].fillna(rows["start_date"])))
        months = int(spread.loc[spread["cost"] > 0, "month"].nunique())
    plan_month = pd.Period(end, freq="M") + 1
    return plan_budget(history, rows, return_col, basis, limit=settings.budget_change_limit, months=months,
                       total=total, minimums=_minimums(data, plan_month), min_roi=settings.budget_min_roi)


def plan_rows(plan: BudgetPlan) -> list[dict]:
    """One dict per channel: current, proposed, change, roi, marginal_roi, expected_change (+ low/high)."""
    return [{"channel": c.channel, "method": c.method, "current": c.current, "proposed": c.proposed,
             "change": c.change, "roi": c.roi, "marginal_roi": c.marginal_roi,
             "marginal_roi_proposed": c.marginal_roi_proposed,
             "expected_change": {"value": c.expected_change, "low": c.low, "high": c.high},
             "minimum": c.minimum, "maximum": c.maximum, "at_limit": at_limit(c, plan.limit), "grain": c.grain,
             "periods": c.periods, "curve": c.curve, "holdout": c.holdout,
             "holdout_reason": c.holdout_reason or None, "fallback": c.fallback}
            for c in plan.channels]


def at_limit(c, limit: float | None = None) -> str:
    """"upper" when a channel's proposal sits on its cap (+调整上限), "lower" on its floor (−调整上限),
    "minimum" on the spend 预算 already plans for it (above that floor), else ""."""
    if c.maximum > c.minimum and c.proposed >= c.maximum - 0.5 and c.proposed > c.current + 0.5:
        return "upper"
    if c.maximum > c.minimum and c.proposed <= c.minimum + 0.5 and c.proposed < c.current - 0.5:
        planned = limit is not None and c.minimum > (1.0 - limit) * c.current + 0.5
        return "minimum" if planned else "lower"
    return ""


def plan_json(plan: BudgetPlan, lang: str, symbol: str = "¥") -> dict:
    """The plan as the JSON object ``budget`` of an answer: ``expected_change`` is the change in return,
    ``expected_profit_change`` that less the extra money spent (``extra_spend``), each {value, low, high};
    ``unallocated`` the yuan no channel can take at or above ``min_marginal_roi``, with its reason."""
    return {"reallocation_method": plan.method, "basis": plan.basis.name, "basis_label": plan.basis.label(lang),
            "coverage": plan.basis.coverage, "total": plan.total, "current_total": plan.current_total,
            "months_averaged": plan.months, "change_limit": plan.limit, "asked": plan.asked,
            "unreachable": plan.bound or None, "change_limit_needed": plan.limit_needed,
            "expected_change": {"value": plan.expected_change, "low": plan.low, "high": plan.high},
            "expected_profit_change": dict(zip(("value", "low", "high"), plan.profit_change, strict=True)),
            "extra_spend": plan.extra, "min_marginal_roi": plan.min_roi, "unallocated": plan.unallocated,
            "unallocated_reason": unallocated_text(plan, symbol, lang) if plan.unallocated > 0.5 else None,
            "unallocated_change_limit_needed": plan.limit_to_spend if plan.unallocated > 0.5 else None,
            "capped_channels": plan.capped,
            "linear_channels": plan.linear_channels, "fallback_channels": plan.fallback_channels,
            "channels": plan_rows(plan)}


def plan_note(plan: BudgetPlan, symbol: str, lang: str) -> str:
    """How the expected change in profit was reckoned: its 80 % interval, the change in return (with its
    own interval) less the extra money spent, the method, the channels kept linear, and, when channels
    sit on their caps, that the interval is this plan's on the resampled curves."""
    low, high = money(plan.profit_change[1], symbol), money(plan.profit_change[2], symbol)
    fell = plan.fallback_channels
    linear = [c for c in plan.linear_channels if c not in fell]
    en = lang == "en"
    more, ret = plan.extra, plan.expected_change
    ret_text = f"{'+' if ret >= 0 else ''}{money(ret, symbol)}"
    ret_low, ret_high, today = money(plan.low, symbol), money(plan.high, symbol), money(plan.current_total, symbol)
    if abs(more) <= 0.5:
        text = (f"80% interval {low} ~ {high}; same total, so the expected change in return is the change in profit"
                if en else f"80% 区间 {low} ~ {high}；总额不变，预计收益变化即利润变化")
    elif en:
        text = (f"80% interval {low} ~ {high}; expected change in return {ret_text} (80% interval {ret_low} ~ {ret_high}) "
                + (f"less the extra {money(more, symbol)}" if more > 0 else f"plus the {money(-more, symbol)} not spent")
                + f" against today's {today} a month")
    else:
        text = (f"80% 区间 {low} ~ {high}；预计收益变化 {ret_text}（80% 区间 {ret_low} ~ {ret_high}）"
                + (f"减去多投的 {money(more, symbol)}" if more > 0 else f"加上少投的 {money(-more, symbol)}")
                + f"（当前每月 {today}）")
    if plan.method == RESPONSE_CURVE:
        text += (f"; by each channel's fitted response curve (diminishing returns), moving money to where the next "
                 f"yuan earns most, each channel within ±{plan.limit:.0%}" if en else
                 f"；按各渠道拟合的响应曲线（边际收益递减）把钱投向下一元回报最高处，每个渠道调整不超过 ±{plan.limit:.0%}")
        if linear:
            text += (("; too little history for a curve (kept linear): " + ", ".join(linear)) if en else
                     "；历史不足、按线性估算：" + "、".join(linear))
    elif fell and not linear:
        text += (f"; each channel at its current return per yuan (linear), within ±{plan.limit:.0%}" if en else
                 f"；按各渠道当前每元收益线性估算，每个渠道调整不超过 ±{plan.limit:.0%}")
    else:
        text += (f"; no channel has 8 periods of varying spend yet, so each keeps its current return per yuan "
                 f"(linear, optimistic for large moves), within ±{plan.limit:.0%}" if en else
                 f"；还没有渠道有 8 期以上且投入有变化的历史，按各渠道当前每元收益线性估算"
                 f"（调整幅度大时偏乐观），每个渠道调整不超过 ±{plan.limit:.0%}")
    if fell:  # the holdout check: these curves missed their last three months by more than a straight line
        text += (("; the curve predicted its last 3 months worse than its average ROI, so kept linear: " + ", ".join(fell))
                 if en else "；曲线回测最近 3 个月不如平均 ROI、改按线性估算：" + "、".join(fell))
    pinned = [c.channel for c in plan.channels if at_limit(c, plan.limit) == "upper"]
    if pinned:  # the caps, not the curves, fix these budgets: the interval is the curves' only
        names = ("「" + "」, 「".join(pinned[:3]) + "」" + (f" and {len(pinned) - 3} more" if len(pinned) > 3 else "")
                 if en else "「" + "」「".join(pinned[:3]) + "」" + (f"等 {len(pinned)} 个渠道" if len(pinned) > 3 else ""))
        text += (f"; {names} {'sits' if len(pinned) == 1 else 'sit'} on the +{plan.limit:.0%} cap, so the interval is this same plan on the resampled "
                 f"curves (the caps, not the curves, fix those budgets)" if en else
                 f"；{names}停在 +{plan.limit:.0%} 上限，预算由上限而非曲线决定，区间是同一方案在重抽样曲线上的结果")
    if plan.months > 1:
        text += (f"; current = monthly average over {plan.months} months with spend" if en else
                 f"；当前 = {plan.months} 个有投放月份的月均")
    return text


def unallocated_text(plan: BudgetPlan, symbol: str, lang: str) -> str:
    """Why part of the total wanted stays unallocated (every further yuan would earn a marginal ROI below
    break-even, or below 设置 新增预算最低ROI), and the 调整上限 that would let it be spent."""
    en = lang == "en"
    rest, placed = money(plan.unallocated, symbol), money(plan.total, symbol)
    wanted = money(plan.total + plan.unallocated, symbol)
    if plan.min_roi == 0:
        line = "break-even (marginal ROI 0%)" if en else "保本线（边际 ROI 0%）"
    else:
        line = (f"设置 新增预算最低ROI {pct(plan.min_roi)}" if en else f"「设置」新增预算最低ROI {pct(plan.min_roi)}")
    limit = f"{plan.limit:.0%}"
    if en:
        text = (f"{rest} of {wanted} left unallocated: within the ±{limit} change limit every further yuan would "
                f"earn a marginal ROI below {line}; the table's {placed} is all that can be spent at or above it")
    else:
        text = (f"{wanted} 中 {rest} 未分配：在每个渠道 ±{limit} 调整上限内，再多投的每一元边际 ROI 都低于{line}，"
                f"下表的 {placed} 是能投出的全部")
    capped = plan.capped
    names = ("「" + "」, 「".join(capped[:3]) + "」" + (f" and {len(capped) - 3} more" if len(capped) > 3 else "")
             if en else "「" + "」「".join(capped[:3]) + "」" + (f"等 {len(capped)} 个渠道" if len(capped) > 3 else ""))
    if capped and plan.limit_to_spend is not None:
        need = f"{plan.limit_to_spend:.0%}"
        text += (f"; {names} still earn above it at their +{limit} cap: raising 调整上限 in 设置 to {need} would "
                 f"place the rest too (beyond the history the curves only extrapolate)" if en else
                 f"；{names}在 +{limit} 上限处下一元仍高于此线，把「设置」调整上限提高到 {need} 可把余下的也投出去"
                 f"（超出历史投放的预算，曲线只能外推）")
    elif capped:
        most = money(plan.most, symbol)
        text += (f"; {names} still earn above it at their +{limit} cap, but under any change limit at most {most} "
                 f"can be spent so" if en else
                 f"；{names}在 +{limit} 上限处下一元仍高于此线，但无论调整上限放到多宽，最多也只能投出 {most}")
    else:
        text += ("; every channel is at that point below its cap, so a wider change limit would not help" if en else
                 "；各渠道在上限以内已到此线，放宽调整上限也不会多投")
    return text


def bound_text(plan: BudgetPlan, symbol: str, lang: str) -> str:
    """Why the total asked could not be split within the guardrails, and what would allow it; a total
    that leaves money unallocated (above the caps, or below break-even) says that instead."""
    if plan.unallocated > 0.5:
        return unallocated_text(plan, symbol, lang)
    asked, total, needed = money(plan.asked, symbol), money(plan.total, symbol), plan.limit_needed
    en = lang == "en"
    if plan.bound == "upper":
        left = money(plan.asked - plan.total, symbol)
        return (f"{asked} cannot be spent within the ±{plan.limit:.0%} change limit: every channel at "
                f"+{plan.limit:.0%} spends {total}, the closest plan, in the table ({left} left unallocated); to "
                f"spend {asked}, raise 调整上限 in 设置 to {needed:.0%} or more (beyond the history the curves "
                f"only extrapolate)" if en else
                f"{asked} 超出调整上限：每个渠道最多 +{plan.limit:.0%}，合计最多 {total}，下表是最接近的方案"
                f"（{left} 未分配）；要分完 {asked}，需把「设置」调整上限提高到 {needed:.0%} 以上"
                f"（超出历史投放的预算，曲线只能外推）")
    return (f"{asked} is below what the ±{plan.limit:.0%} change limit allows: every channel at its floor spends "
            f"{total}, the closest plan, in the table; to cut to {asked}, raise 调整上限 in 设置 to {needed:.0%} "
            f"or more" if en else
            f"{asked} 低于调整下限：每个渠道最多 -{plan.limit:.0%}，合计至少 {total}，"
            f"下表是最接近的方案；要压到 {asked}，需把「设置」调整上限提高到 {needed:.0%} 以上")


def plan_headline(plan: BudgetPlan, symbol: str, lang: str) -> str | None:
    """The suggestion that leads, in the table's own changes (proposed − current): the channels given
    more, most first, and those given less, lowest marginal ROI first, each with its marginal ROI now
    and flagged when it sits on its cap or floor. None when nothing moves."""
    up = sorted((c for c in plan.channels if c.change > 0.5), key=lambda c: -c.change)
    down = sorted((c for c in plan.channels if c.change < -0.5), key=lambda c: c.marginal_roi)
    if not up and not down:
        return None
    en = lang == "en"

    def how(c) -> str:  # "marginal ROI x%" with its caveats: linear, on its cap or floor
        notes = [pct(c.marginal_roi)] + (["linear" if en else "线性估算"] if c.method == LINEAR else [])
        limit = at_limit(c, plan.limit)
        if limit:
            notes.append({"upper": f"at its +{plan.limit:.0%} cap", "lower": f"at its -{plan.limit:.0%} floor",
                          "minimum": f"what 预算 plans, {money(c.minimum, symbol)}"}[limit] if en else
                         {"upper": f"已加到 +{plan.limit:.0%} 上限", "lower": f"已减到 -{plan.limit:.0%} 下限",
                          "minimum": f"「预算」已排 {money(c.minimum, symbol)}，不再减"}[limit])
        return (", " if en else "，").join(notes)

    def listed(channels, n: int = 3) -> str:
        shown = channels[:n]
        if en:
            text = ", ".join(f"「{c.channel}」 {'+' if c.change > 0 else '-'}{money(abs(c.change), symbol)} "
                             f"(marginal ROI {how(c)})" for c in shown)
            return text + (f" and {len(channels) - n} more" if len(channels) > n else "")
        text = "、".join(f"「{c.channel}」{'+' if c.change > 0 else '-'}{money(abs(c.change), symbol)}（边际 ROI {how(c)}）"
                        for c in shown)
        return text + (f"等 {len(channels)} 个渠道" if len(channels) > n else "")

    if up and down:
        best = up[0]
        if en:
            return (f"Raise 「{best.channel}」 by {money(best.change, symbol)} (marginal ROI now "
                    f"{how(best)}); take it from the channels whose next yuan earns least: {listed(down)}")
        return (f"加大「{best.channel}」预算 +{money(best.change, symbol)}（当前预算下边际 ROI {how(best)}）；"
                f"从下一元回报较低的渠道调出：{listed(down)}")
    if up:
        extra = money(sum(c.change for c in up), symbol)
        return (f"The extra {extra} goes where the next yuan earns most: {listed(up)}" if en else
                f"多出的 {extra} 投向下一元回报最高的渠道：{listed(up)}")
    cut = money(-sum(c.change for c in down), symbol)
    return (f"The {cut} less comes from where the next yuan earns least: {listed(down)}" if en else
            f"少投的 {cut} 从下一元回报最低的渠道减：{listed(down)}")


def attach_plan(ans, data: SheetData, rows: pd.DataFrame, month: pd.Period | None = None,
                period: tuple[dt.date, dt.date] | None = None) -> None:
    """Put the marginal-return plan of ``rows`` on an answer that carries a reallocation (the monthly
    summary): rows, expected change, note, method, credit basis, the ``budget`` JSON and the bases'
    disagreements; leaves the answer as it is when fewer than two channels spent."""
    credit = basis_for(data, rows, month, period)
    ans.credit_basis = credit.name
    ans.warnings.extend(conflict_summary(credit, ans.lang, data.settings.target_roi))
    plan = plan_for(data, rows, credit, month, period)
    if plan is None:
        return
    from roi_core.results import to_json_dict

    ans.reallocation = to_json_dict(plan_rows(plan))
    ans.expected_return_change = plan.expected_change
    ans.reallocation_note = plan_note(plan, data.settings.currency_symbol, ans.lang)
    ans.reallocation_method = plan.method
    ans.budget = to_json_dict(plan_json(plan, ans.lang, data.settings.currency_symbol))


def name_credit_basis(ans, data: SheetData, month: pd.Period | None = None,
                      period: tuple[dt.date, dt.date] | None = None) -> None:
    """On a channel answer: the credit basis (``credit_basis``), and, when the attribution model
    decides or the two bases disagree on a channel's direction, the basis sentence and the
    disagreements among its notes. The channel ranking does this itself (it ranks on the basis)."""
    from roi_core.answer.rows import _rows_for
    from roi_core.answer.shapes import ChannelRanking

    if isinstance(ans, ChannelRanking):
        return

    rows = _rows_for(data, month, period)
    if rows.empty:
        return
    credit = basis_for(data, rows, month, period)
    ans.credit_basis = credit.name
    conflicts = conflict_summary(credit, ans.lang, data.settings.target_roi)
    if credit.uses_model or conflicts:
        ans.warnings.extend([credit.describe(ans.lang), *conflicts])


BUDGET_ADVICE_HEADERS = ("预算月份", "渠道", "当前预算", "建议预算", "调整", "边际ROI(%)", "建议后边际ROI(%)",
                         "预计收益变化", "变化下限(80%)", "变化上限(80%)",
                         "预计利润变化", "利润变化下限(80%)", "利润变化上限(80%)",
                         "回测误差MAPE(%)", "回测区间覆盖(%)", "方法", "口径", "依据", "未分配", "未分配原因", "更新时间")
METHOD_LABELS = {RESPONSE_CURVE: "响应曲线", LINEAR: "线性估算（历史不足）"}
FALLBACK_LABEL = "线性估算（曲线回测不如平均ROI）"


def budget_sheet_rows(ans, updated: str) -> tuple[list[str], list[list]]:
    """The assistant tab 预算建议: one row per channel of the plan an answer carries (``ans.budget``; the
    monthly summary's is for the month after ``ans.month``), in BUDGET_ADVICE_HEADERS order: budgets in
    whole yuan, ROIs in % to 0.1, the expected change in return and in profit (return change − 调整, the
    extra money being certain) each with its 80 % interval, the curve's backtest on its last three months
    (MAPE and the share of those months inside its 80 % band, in % to 0.1; blank when not checked), how it
    was reckoned, and the plan's 未分配 (whole yuan) with its reason on the first row only, so the column
    sums to the plan's figure (blank on the others and when everything is placed). No rows when the
    answer has no plan."""
    plan = getattr(ans, "budget", None) or {}
    channels = plan.get("channels") or []
    if not channels:
        return list(BUDGET_ADVICE_HEADERS), []
    month = getattr(ans, "month", None)
    try:
        plan_month = str(pd.Period(month, freq="M") + 1)
        source = f"{month} 实际投放"
    except (TypeError, ValueError):
        plan_month, source = "下月", str(month or "全部时间")
    basis = plan.get("basis_label") or ""
    rest = float(plan.get("unallocated") or 0.0)
    unallocated = [round(rest), plan.get("unallocated_reason") or ""] if rest > 0.5 else ["", ""]

    def percent(v) -> float | str:
        return "" if v is None or not pd.notna(v) else round(float(v) * 100, 1)

    rows = []
    for i, c in enumerate(channels):
        change = c.get("expected_change") or {}
        moved = float(c["proposed"]) - float(c["current"])
        gain = [float(change.get(k, 0.0)) for k in ("value", "low", "high")]
        check = c.get("holdout") or {}
        covered = check["covered"] / check["months"] if check.get("months") else None
        method = FALLBACK_LABEL if c.get("fallback") else METHOD_LABELS.get(c.get("method"), c.get("method") or "")
        rows.append([plan_month, c["channel"], round(float(c["current"])), round(float(c["proposed"])),
                     round(moved), percent(c.get("marginal_roi")), percent(c.get("marginal_roi_proposed")),
                     *(round(g) for g in gain), *(round(g - moved) for g in gain),
                     percent(check.get("mape")), percent(covered), method, basis, source,
                     *(unallocated if i == 0 else ["", ""]), updated])
    return list(BUDGET_ADVICE_HEADERS), rows
