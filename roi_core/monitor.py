"""The daily check of running campaigns: pacing, ROI so far, CTR/CVR drops, channels spending without conversions.

``daily_check(data, today)`` looks at every campaign × channel that is running on ``today`` (a date in the
team's time zone, chosen by the caller) and returns one :class:`Alert` per rule broken. Pure: frames in,
alerts out, no clock (docs/formulas.md, "每日巡检"). The rules:

- **running**: ``today`` falls in the campaign × channel's planned period (预算: 计划开始 … 计划结束; of a pair's
  plans for several periods, the one covering today, never a sum); a channel
  without its own plan in a campaign that has plans takes the campaign's planned span; a campaign with no
  plan at all runs from its first 开始日期 to its last 结束日期 (all channels), and one typed as daily rows
  whose rows end yesterday still runs today (its data lags a day; :func:`roi_core.running.running_units`).
- **so far** means the complete days before ``today``: from the period's first day to ``today − 1`` (a day's
  figures are typed after it ends). A row spanning several days counts the share of its days inside the
  window; a one-day row counts whole. A pair whose rows all come from 导入 (the platforms' reports) counts up to
  the latest day imported when that is earlier (a team imports weekly): its pace is the days imported against
  its 预算 plan, and the message names the day the data ends.
- ``pacing``: spent so far vs 预算 × elapsed planned days / planned days; beyond ±20 % warns (budget rows only);
  a plan of 预算 0 warns on any spend (the sheet check lists that plan as a warning too); a pair whose plans
  overlap (left out by ``load_sheet``, never summed) gets a pacing alert saying it cannot be paced.
- ``roi``: ROI so far (收益 − 成本) / 成本 below 目标ROI (the basis of docs/formulas.md, one for the whole check).
- ``ctr_drop`` / ``cvr_drop``: yesterday's CTR (CVR) more than 30 % under the same campaign × channel's
  previous 7 days (sums first, ratios after).
- ``no_conversions``: cost on each of the last 3 days and 0 conversions over them (conversions known).

Each alert carries the figures behind it, a one-line message citing them and saying what to do (Chinese, or
English for a team whose sheet is in English: :func:`team_lang`),
and where a budget change applies a machine-readable ``proposal`` (see :class:`Alert`), so a later run can
read back what was proposed and compare it with what the sheet shows happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.fmt import money, pct
from roi_core.metrics import BASIS_LABEL, HALF_FEN, prepare_rows, return_basis
from roi_core.problems import row_span
from roi_core.running import plan_conflicts_on, running_units
from roi_core.sheetdata import SheetData

__all__ = ["KINDS", "Alert", "CheckResult", "campaign_alerts", "check_day", "daily_check", "kind_label",
           "running_units", "team_lang", "with_alerts"]

KINDS = ("pacing", "roi", "ctr_drop", "cvr_drop", "no_conversions")
KIND_LABELS = {"pacing": "预算进度", "roi": "ROI", "ctr_drop": "点击率下降", "cvr_drop": "转化率下降",
               "no_conversions": "无转化"}
KIND_LABELS_EN = {"pacing": "budget pacing", "roi": "ROI", "ctr_drop": "CTR drop", "cvr_drop": "CVR drop",
                  "no_conversions": "no conversions"}
BASIS_WORDS_EN = {"gross_profit": "on gross profit", "revenue": "on revenue"}
PACING_TOLERANCE = 0.20  # spent beyond ±20 % of the budget's share of the elapsed days warns
DROP_LIMIT = 0.30  # a CTR / CVR more than 30 % under the previous days warns
BASELINE_DAYS = 7  # the previous days a CTR / CVR is compared with
NO_CONVERSION_DAYS = 3  # consecutive spending days without a conversion that warn
ROI_CUT = 0.2  # an ROI under target proposes 20 % less daily spend (50 % when ROI < 0), as suggest's donors give
ROI_CUT_LOSS = 0.5

_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Alert:
    """One warning about one campaign × channel on one day.

    ``figures``: the numbers behind it (plain floats/ints/ISO dates, JSON-ready). ``message``: one line
    citing them and saying what to do. ``proposal``: the budget change proposed, or None (CTR/CVR drops
    propose a fix, not money). A proposal is::

        {"action": "reduce" | "raise" | "pause", "campaign": …, "channel": …,
         "amount": ¥ per day (positive), "per": "day", "daily_from": ¥ per day so far,
         "daily_to": ¥ per day proposed, "start": first day it applies (ISO), "until": last day (ISO)}

    so the closed loop can compare the sheet's actual daily cost from ``start`` to ``until`` with
    ``daily_from`` / ``daily_to``.
    """

    campaign: str
    channel: str
    kind: str
    date: dt.date
    figures: dict
    message: str
    detail: str  # the message without the campaign's name (under a heading that names it)
    proposal: dict | None = None
    lang: str = "zh"  # the language of message and detail (zh or en)

    @property
    def key(self) -> tuple[str, str, str]:
        """What delivery is keyed by: campaign × kind × day."""
        return self.campaign, self.kind, self.date.isoformat()

    def to_json(self) -> dict:
        return {"campaign": self.campaign, "channel": self.channel, "kind": self.kind, "date": self.date.isoformat(),
                **self.figures, "message": self.message, "proposal": self.proposal}


@dataclass
class CheckResult:
    """Alerts of one day and what the check looked at."""

    today: dt.date
    alerts: list[Alert] = field(default_factory=list)
    running: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per running campaign × channel

    @property
    def campaigns(self) -> list[str]:
        return list(dict.fromkeys(a.campaign for a in self.alerts))


def kind_label(kind: str, lang: str = "zh") -> str:
    """What a kind of alert is called in ``lang`` (zh or en)."""
    return (KIND_LABELS_EN if lang == "en" else KIND_LABELS).get(kind, kind)


def team_lang(data: SheetData) -> str:
    """The language the team works in, for what no one asked (the daily check's messages): "en" when the team
    wrote its 活动 tab under an English title (``Campaigns``: Latin letters, no Chinese character), else "zh".
    The bot answers a question in the language it was asked in; the clock has no one asking, so the sheet the
    team writes in English or Chinese decides (docs/formulas.md, "每日巡检")."""
    title = str((getattr(data, "tab_titles", None) or {}).get("campaigns") or "")
    has_cjk = any("\u3400" <= ch <= "\u9fff" for ch in title)
    has_latin = sum(ch.isascii() and ch.isalpha() for ch in title) >= 2
    return "en" if has_latin and not has_cjk else "zh"


def daily_check(data: SheetData, today: dt.date, lang: str | None = None) -> list[Alert]:
    """Every alert for the campaigns running on ``today`` (the team's local date), in campaign order; messages
    in ``lang`` (None: :func:`team_lang`)."""
    return check_day(data, today, lang).alerts


def check_day(data: SheetData, today: dt.date, lang: str | None = None) -> CheckResult:
    """:func:`daily_check` with the running campaign × channel units it looked at."""
    lang = lang or team_lang(data)
    units = running_units(data, today)
    result = CheckResult(today, running=units)
    result.alerts = _conflict_alerts(data, today, lang)  # whether or not the pair has 活动 rows yet
    if units.empty or data.campaigns.empty:
        return result
    settings = data.settings
    rows = prepare_rows(data.campaigns, settings)
    key = pd.MultiIndex.from_frame(units[["campaign", "channel"]])
    unit_of = key.get_indexer(pd.MultiIndex.from_frame(rows[["campaign", "channel"]]))
    mine = unit_of >= 0
    rows, unit_of = rows[mine], unit_of[mine]
    if rows.empty:
        return result
    basis = return_basis(rows)
    today64 = np.datetime64(today, "D").astype("datetime64[ns]")
    yesterday = today64 - _DAY
    first = rows["start_date"].to_numpy("datetime64[ns]").astype("datetime64[D]").astype("datetime64[ns]")
    last = rows["end_date"].to_numpy("datetime64[ns]").astype("datetime64[D]").astype("datetime64[ns]")
    row_days = (last - first) / _DAY + 1
    cost = rows["cost"].to_numpy(float)
    ret = (rows["gross_profit_est"] if basis == "gross_profit" else rows["revenue"]).to_numpy(float)
    ret = np.nan_to_num(ret)

    n = len(units)
    through = _data_through(rows, unit_of, last, yesterday, n)
    figures = _so_far(units, unit_of, first, last, row_days, cost, ret, through, n)
    figures["lags"] = through < yesterday  # the platform's days end before yesterday: said in the messages
    daily = _daily(rows, unit_of, first, last, row_days, yesterday, n)
    symbol = settings.currency_symbol
    alerts: list[Alert] = list(result.alerts)
    alerts += _pacing_alerts(units, figures, today, symbol, lang)
    alerts += _roi_alerts(units, figures, today, settings.target_roi, basis, symbol, lang)
    alerts += _drop_alerts(units, daily, today, "ctr", lang)
    alerts += _drop_alerts(units, daily, today, "cvr", lang)
    alerts += _no_conversion_alerts(units, daily, figures, today, symbol, lang)
    order = {name: i for i, name in enumerate(dict.fromkeys(units["campaign"]))}
    alerts.sort(key=lambda a: (order.get(a.campaign, len(order)), KINDS.index(a.kind), a.channel))
    result.alerts = alerts
    return result


def _data_through(rows, unit_of, last, yesterday, n) -> np.ndarray:
    """Per unit, the last day its figures count to: yesterday, or for a pair whose rows all come from 导入 the
    latest day imported when that is earlier (the platform's report not imported since)."""
    through = np.full(n, yesterday)
    if "import_platform" not in rows:
        return through
    imported = rows["import_platform"].notna().to_numpy()
    typed = np.bincount(unit_of, weights=~imported, minlength=n) > 0
    latest = np.full(n, np.datetime64("NaT", "ns"))
    if imported.any():  # the max of each unit's imported days (NaT: none)
        order = np.argsort(last[imported], kind="stable")
        latest[unit_of[imported][order]] = last[imported][order]
    lag = ~typed & ~np.isnat(latest) & (latest < yesterday)
    through[lag] = latest[lag]
    return through


def _so_far(units, unit_of, first, last, row_days, cost, ret, through, n) -> pd.DataFrame:
    """Per unit, cost and return over the period's first day … ``through`` (per unit: yesterday, or the latest
    day imported, :func:`_data_through`), each row by its share of days."""
    start = units["start"].to_numpy("datetime64[ns]")[unit_of]
    lo = np.maximum(first, start)
    hi = np.minimum(last, through[unit_of])
    share = np.clip((hi - lo) / _DAY + 1, 0, None) / row_days
    spent = np.bincount(unit_of, weights=cost * share, minlength=n)
    returned = np.bincount(unit_of, weights=ret * share, minlength=n)
    has_rows = np.bincount(unit_of, minlength=n) > 0
    elapsed = ((through - units["start"].to_numpy("datetime64[ns]")) / _DAY + 1).astype(int)
    planned_days = ((units["end"] - units["start"]).dt.days + 1).to_numpy()
    spent = np.where(np.abs(spent) < HALF_FEN, 0.0, spent)
    return pd.DataFrame({"spent": spent, "returned": returned, "has_rows": has_rows,
                         "elapsed": np.clip(elapsed, 0, None), "planned_days": planned_days,
                         "through": through})


def _daily(rows, unit_of, first, last, row_days, yesterday, n) -> dict[str, np.ndarray]:
    """Per unit and day of the last BASELINE_DAYS + 1 days (column 0 = the earliest, the last = yesterday):
    cost, CTR and CVR pair sums (over rows knowing both parts), conversions and whether all rows knew them."""
    days = BASELINE_DAYS + 1
    window_start = yesterday - (days - 1) * _DAY
    lo = np.maximum(first, window_start)
    hi = np.minimum(last, yesterday)
    span = ((hi - lo) / _DAY + 1).astype(np.int64)
    take = np.flatnonzero(span > 0)
    span = span[take]
    rep = np.repeat(take, span)
    offset = np.arange(rep.size) - np.repeat(np.cumsum(span) - span, span)
    day_index = ((lo[take] - window_start) / _DAY).astype(np.int64)
    cell = unit_of[rep] * days + np.repeat(day_index, span) + offset
    weight = 1.0 / row_days[rep]

    def col(name):
        return rows[name].to_numpy(float)[rep]

    def total(values):
        return np.bincount(cell, weights=np.nan_to_num(values) * weight, minlength=n * days).reshape(n, days)

    impressions, clicks, conversions, base = col("impressions"), col("clicks"), col("conversions"), col("cvr_base")
    ctr_known = ~np.isnan(impressions) & ~np.isnan(clicks)
    cvr_known = ~np.isnan(conversions) & ~np.isnan(base)
    cost = col("cost")
    unknown_conv = np.bincount(cell, weights=(np.isnan(conversions) & (cost != 0)).astype(float),
                               minlength=n * days).reshape(n, days)
    return {
        "cost": total(cost),
        "ctr_num": total(np.where(ctr_known, clicks, 0.0)), "ctr_den": total(np.where(ctr_known, impressions, 0.0)),
        "cvr_num": total(np.where(cvr_known, conversions, 0.0)), "cvr_den": total(np.where(cvr_known, base, 0.0)),
        "conversions": total(conversions), "conv_unknown": unknown_conv > 0,
    }


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def _proposal(action: str, campaign: str, channel: str, daily_from: float, daily_to: float, start: dt.date,
              until) -> dict:
    return {"action": action, "campaign": campaign, "channel": channel, "amount": _r(abs(daily_from - daily_to)),
            "per": "day", "daily_from": _r(daily_from), "daily_to": _r(daily_to), "start": start.isoformat(),
            "until": _iso(until)}


def _alert(units, i, kind, today, figures, detail, proposal=None, lang="zh") -> Alert:
    return _say(str(units.at[i, "campaign"]), str(units.at[i, "channel"]), kind, today, figures, detail, proposal, lang)


def _say(campaign, channel, kind, today, figures, detail, proposal=None, lang="zh") -> Alert:
    message = f"{campaign} / {channel}: {detail}" if lang == "en" else f"「{campaign}」{channel} {detail}"
    return Alert(campaign, channel, kind, today, figures, message, f"{channel}: {detail}" if lang == "en"
                 else f"{channel} {detail}", proposal, lang)


def _pacing_alerts(units, so_far, today, symbol, lang="zh") -> list[Alert]:
    budget = units["budget"].to_numpy(float)
    elapsed = so_far["elapsed"].to_numpy()
    planned = so_far["planned_days"].to_numpy()
    expected = np.where(planned > 0, np.nan_to_num(budget) * elapsed / planned, 0.0)
    spent = so_far["spent"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = spent / expected - 1
    running = ~np.isnan(budget) & (elapsed > 0) & so_far["has_rows"].to_numpy()
    warn = running & (budget > 0) & (expected >= HALF_FEN) & (np.abs(pace) > PACING_TOLERANCE)
    # a plan of 预算 0 has no pace to compare (spent / 0); any spend against it warns, never a silent skip
    unfunded = running & (budget == 0) & (spent >= HALF_FEN)
    alerts = []
    for i in np.flatnonzero(warn | unfunded):
        left_days = int(planned[i] - elapsed[i])  # the day after the data's last … the plan's last day
        left = budget[i] - spent[i]
        daily_from = spent[i] / elapsed[i]
        daily_to = max(left, 0.0) / left_days if left_days > 0 else 0.0
        end = units.at[i, "end"]
        figures = {"budget": _r(budget[i]), "plan_start": _iso(units.at[i, "start"]), "plan_end": _iso(end),
                   "planned_days": int(planned[i]), "elapsed_days": int(elapsed[i]), "spent": _r(spent[i]),
                   "expected": _r(expected[i]), "pace": None if unfunded[i] else _r(pace[i], 4),
                   "budget_left": _r(left), "days_left": left_days}
        upto = _upto(so_far, i, figures, lang)  # "" unless the platform's imported days end before yesterday
        m_spent, m_budget, m_expected = money(spent[i], symbol), money(budget[i], symbol), money(expected[i], symbol)
        m_from, m_to, m_zero = money(daily_from, symbol), money(daily_to, symbol), money(0, symbol)
        if unfunded[i]:
            if lang == "en":
                head = f"the plan's budget is {m_budget}, yet {m_spent} was spent in {elapsed[i]} of {planned[i]} planned days"
                what = f"; fill in the plan's budget in 预算, or pause the channel (daily spend {m_from} → {m_zero})"
            else:
                head = f"计划预算为 {m_budget}，计划 {elapsed[i]}/{planned[i]} 天却已花 {m_spent}"
                what = f"；请在「预算」填上这个计划的预算，或暂停该渠道（日花费 {m_from} → {m_zero}）"
            head += upto
            proposal = _proposal("pause", units.at[i, "campaign"], units.at[i, "channel"], daily_from, 0.0, today, end)
            alerts.append(_alert(units, i, "pacing", today, figures, head + what, proposal, lang))
            continue
        if lang == "en":
            head = (f"spending {'ahead of' if pace[i] > 0 else 'behind'} plan {pace[i] * 100:+.1f}%: {m_spent} spent "
                    f"in {elapsed[i]} of {planned[i]} planned days, where the {m_budget} budget allows {m_expected}")
        else:
            head = (f"花费{'超前' if pace[i] > 0 else '落后'} {pace[i] * 100:+.1f}%：计划 {elapsed[i]}/{planned[i]} 天已花 "
                    f"{m_spent}，按预算 {m_budget} 应花 {m_expected}")
        head += upto
        if pace[i] > 0 and left <= 0:
            action, what = "pause", (f"; the budget is used up: pause or add budget (daily spend {m_from} → {m_zero})"
                                     if lang == "en" else f"；预算已用完，建议暂停或追加预算（日花费 {m_from} → {m_zero}）")
        elif pace[i] > 0:
            action, what = "reduce", (f"; cut the daily spend from {m_from} to {m_to} to use the budget exactly by "
                                      f"{_iso(end)}" if lang == "en" else
                                      f"；建议日花费从 {m_from} 降到 {m_to}，到 {_iso(end)} 正好用完预算")
        else:
            action, what = "raise", (f"; check whether bids, targeting or creatives limit delivery; the daily spend "
                                     f"can go from {m_from} to {m_to}" if lang == "en" else
                                     f"；检查出价、定向和素材是否限量，日花费可从 {m_from} 提到 {m_to}")
        proposal = _proposal(action, units.at[i, "campaign"], units.at[i, "channel"], daily_from, daily_to, today, end)
        alerts.append(_alert(units, i, "pacing", today, figures, head + what, proposal, lang))
    return alerts


def _upto(so_far, i, figures, lang) -> str:
    """Where the pair's imported days end before yesterday: the day in ``figures`` and a clause saying so."""
    if not so_far.at[i, "lags"]:
        return ""
    day = pd.Timestamp(so_far.at[i, "through"])
    figures["data_through"] = day.date().isoformat()
    return f" (platform data imported through {day:%m-%d})" if lang == "en" else f"（平台数据导入至 {day:%m-%d}）"


def _conflict_alerts(data: SheetData, today: dt.date, lang: str = "zh") -> list[Alert]:
    """One ``pacing`` alert per pair whose overlapping 预算 plans cover today: no plan to pace against, said so."""
    tab = (getattr(data, "tab_titles", None) or {}).get("budgets", "预算")
    alerts = []
    for campaign, channel, rows in plan_conflicts_on(data, today).itertuples(index=False):
        if lang == "en":
            detail = (f"the plans in 「{tab}」 rows {row_span(rows, lang)} overlap, so none is used (never summed, "
                      "never guessed): budget pacing cannot be checked; delete or correct one of them")
        else:
            detail = (f"「{tab}」第{row_span(rows, lang)}行的计划时间重叠，都未计入（不相加，也不猜用哪个），"
                      "无法检查预算进度：删除或改正其中一行")
        alerts.append(_say(str(campaign), str(channel), "pacing", today, {"plan_rows": [int(r) for r in rows],
                                                                          "plans_overlap": True}, detail, None, lang))
    return alerts


def _roi_alerts(units, so_far, today, target, basis, symbol, lang="zh") -> list[Alert]:
    spent = so_far["spent"].to_numpy()
    returned = so_far["returned"].to_numpy()
    elapsed = so_far["elapsed"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = (returned - spent) / spent
    warn = (spent >= HALF_FEN) & (elapsed > 0) & (roi < target)
    alerts = []
    for i in np.flatnonzero(warn):
        daily_from = spent[i] / elapsed[i]
        cut = ROI_CUT_LOSS if roi[i] < 0 else ROI_CUT
        daily_to = daily_from * (1 - cut)
        through = pd.Timestamp(so_far.at[i, "through"]).date()  # yesterday, or the last day imported
        figures = {"cost": _r(spent[i]), "return": _r(returned[i]), "basis": basis, "roi": _r(roi[i], 4),
                   "target_roi": target, "since": _iso(units.at[i, "start"]), "through": through.isoformat()}
        m_cost, m_return = money(spent[i], symbol), money(returned[i], symbol)
        m_from, m_to, m_lost = money(daily_from, symbol), money(daily_to, symbol), money(spent[i] - returned[i], symbol)
        if lang == "en":
            head = (f"ROI {pct(roi[i])} through {through:%m-%d}, under the {pct(target)} target (cost {m_cost}, "
                    f"return {m_return}, {BASIS_WORDS_EN[basis]})")
            what = (f"; {m_lost} lost so far: halve the daily spend ({m_from} → {m_to}) and rework the creatives and "
                    f"landing page" if roi[i] < 0 else
                    f"; cut the daily spend by 20% ({m_from} → {m_to}) and find the weak step in the funnel")
        else:
            head = (f"截至 {through:%m-%d} ROI {pct(roi[i])}，低于目标 {pct(target)}（成本 {m_cost}，"
                    f"收益 {m_return}，{BASIS_LABEL[basis]}）")
            what = (f"；已亏 {m_lost}，建议日花费减半（{m_from} → {m_to}）并重做素材与落地页" if roi[i] < 0 else
                    f"；建议日花费降 20%（{m_from} → {m_to}），对照漏斗找出弱的一环")
        proposal = _proposal("reduce", units.at[i, "campaign"], units.at[i, "channel"], daily_from, daily_to, today,
                             units.at[i, "end"])
        alerts.append(_alert(units, i, "roi", today, figures, head + what, proposal, lang))
    return alerts


_DROP_WORDS = {"ctr": ("点击率", "检查素材是否疲劳、定向或出价是否被改"),
               "cvr": ("转化率", "检查落地页、库存和优惠是否失效，转化追踪是否断了")}
_DROP_WORDS_EN = {"ctr": ("CTR", "check for creative fatigue and for changed targeting or bids"),
                  "cvr": ("CVR", "check the landing page, stock and offers, and whether conversion tracking broke")}


def _drop_alerts(units, daily, today, metric, lang="zh") -> list[Alert]:
    num, den = daily[f"{metric}_num"], daily[f"{metric}_den"]
    base_num, base_den = num[:, :-1].sum(axis=1), den[:, :-1].sum(axis=1)
    now_num, now_den = num[:, -1], den[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        now = np.where(now_den > 0, now_num / now_den, np.nan)
        base = np.where(base_den > 0, base_num / base_den, np.nan)
        drop = 1 - now / base
    warn = (base > 0) & ~np.isnan(now) & (drop > DROP_LIMIT)
    word, todo = (_DROP_WORDS_EN if lang == "en" else _DROP_WORDS)[metric]
    day = today - dt.timedelta(days=1)
    parts = {"ctr": ("clicks", "impressions"), "cvr": ("conversions", "cvr_base")}[metric]
    alerts = []
    for i in np.flatnonzero(warn):
        figures = {"day": day.isoformat(), metric: _r(now[i], 6), f"{metric}_baseline": _r(base[i], 6),
                   "drop": _r(drop[i], 4), parts[0]: _r(now_num[i]), parts[1]: _r(now_den[i]),
                   f"baseline_{parts[0]}": _r(base_num[i]), f"baseline_{parts[1]}": _r(base_den[i]),
                   "baseline_days": BASELINE_DAYS}
        if lang == "en":
            detail = (f"{word} {pct(now[i], 2)} on {day:%m-%d}, {drop[i] * 100:.1f}% under the previous "
                      f"{BASELINE_DAYS} days' {pct(base[i], 2)}; {todo}")
        else:
            detail = (f"{day:%m-%d} {word} {pct(now[i], 2)}，比前 {BASELINE_DAYS} 天的 {pct(base[i], 2)} 下降 "
                      f"{drop[i] * 100:.1f}%；{todo}")
        alerts.append(_alert(units, i, f"{metric}_drop", today, figures, detail, None, lang))
    return alerts


def _no_conversion_alerts(units, daily, so_far, today, symbol, lang="zh") -> list[Alert]:
    k = NO_CONVERSION_DAYS
    cost = daily["cost"][:, -k:]
    conversions = daily["conversions"][:, -k:]
    warn = ((cost >= HALF_FEN).all(axis=1) & ~daily["conv_unknown"][:, -k:].any(axis=1)
            & (np.abs(conversions.sum(axis=1)) < 1e-9))
    first = today - dt.timedelta(days=k)
    through = today - dt.timedelta(days=1)
    alerts = []
    for i in np.flatnonzero(warn):
        spent = float(cost[i].sum())
        daily_from = spent / k
        figures = {"days": k, "from": first.isoformat(), "through": through.isoformat(), "cost": _r(spent),
                   "conversions": 0}
        if lang == "en":
            detail = (f"{money(spent, symbol)} spent over {k} days ({first:%m-%d}~{through:%m-%d}) without a conversion; "
                      f"pause the channel (daily spend {money(daily_from, symbol)} → {money(0, symbol)}) and check "
                      f"conversion tracking and the landing page")
        else:
            detail = (f"连续 {k} 天（{first:%m-%d}~{through:%m-%d}）花费 {money(spent, symbol)} 却没有转化；"
                      f"建议暂停该渠道（日花费 {money(daily_from, symbol)} → {money(0, symbol)}），检查转化追踪和落地页")
        proposal = _proposal("pause", units.at[i, "campaign"], units.at[i, "channel"], daily_from, 0.0, today,
                             units.at[i, "end"])
        alerts.append(_alert(units, i, "no_conversions", today, figures, detail, proposal, lang))
    return alerts


# --------------------------------------------------------------------------- the campaign answer's alerts of today
def campaign_alerts(data: SheetData, campaign: str, today: dt.date, lang: str = "zh") -> list[Alert]:
    """The alerts the daily check gives ``campaign`` on ``today``, worded in ``lang`` (the asker's): the check
    run on that campaign's 活动 and 预算 rows only (the same rules, the same figures; a few rows, so cheap)."""
    if data.campaigns.empty:
        return []
    mine = data.campaigns[data.campaigns["campaign"] == campaign]
    if mine.empty:
        return []
    plans = data.budgets[data.budgets["campaign"] == campaign] if not data.budgets.empty else data.budgets
    clashes = data.plan_conflicts
    clashes = clashes[clashes["campaign"] == campaign] if not clashes.empty else clashes
    # Only a campaign that can be running today is checked (a plan covering today, or rows ending yesterday or
    # later: the data-a-day-late rule); every answer about a past campaign skips the check (~12 ms).
    day = pd.Timestamp(today)
    planned = any(not p.empty and ((p["plan_start"] <= day) & (p["plan_end"] >= day)).any() for p in (plans, clashes))
    if not planned and mine["end_date"].max() < day - pd.Timedelta(days=1):
        return []
    return check_day(data.with_source(campaigns=mine, budgets=plans, plan_conflicts=clashes), today, lang).alerts


def with_alerts(ans, data: SheetData, today: dt.date | None):
    """``ans`` with ``alerts`` (today's :func:`campaign_alerts`, in the answer's language) when it is a campaign
    answer and the campaign has any; a copy, so a cached answer stays as it was; ``ans`` itself otherwise.
    Muting (the alert message's buttons) silences Slack messages, not this: the answer says what the check sees."""
    if ans is None or today is None or getattr(ans, "kind", "") != "campaign" or not getattr(ans, "campaign", None):
        return ans
    alerts = campaign_alerts(data, ans.campaign, today, getattr(ans, "lang", "zh"))
    if not alerts:
        return ans
    import copy

    out = copy.copy(ans)
    out.alerts = alerts
    return out
