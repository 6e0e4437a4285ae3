"""The loop closed: what happened after a monthly suggestion or an alert proposed a budget change.

A proposal is plain data the caller read from wherever it was recorded (the job's database); the core
never reads it itself. Two kinds:

- **monthly** (the 月报 of month P proposed next month's budget per channel)::

      {"source": "monthly", "month": "2026-10", "channel": "抖音", "current": 10000, "proposed": 15000,
       "change": 5000, "roi": 1.84, "basis": "campaign_tab"}

  judged on the channel over all campaigns: spend in P (before) against spend in P + 1 (after).
- **alert** (the daily check proposed a per-day change for a campaign × channel), either the
  ``AlertStore.proposals()`` row (``{"campaign", "channel", "kind", "day", "proposal": {…}}``) or the bare
  proposal (``{"action", "campaign", "channel", "amount", "per": "day", "daily_from", "daily_to", "start",
  "until"}``): judged on the campaign × channel's cost per day from ``start`` to ``until`` (cut to the period
  asked and to the last day the sheet has rows) against the as many days just before ``start``.

Both sides come from the sheet's own 活动 rows as they stand (a row spanning several days counts the share
of its days inside a window; daily rows count whole), with one return basis (毛利 when every row in the
two windows knows it, else 销售额). Whether the change was made: the actual change in spend over the
proposed one (``share``); docs/formulas.md, "建议的结果". Pure: frames and dicts in, results out.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.fmt import money, pct
from roi_core.metrics import HALF_FEN, prepare_rows
from roi_core.sheetdata import SheetData

DONE_SHARE = 0.8  # at least 80 % of the proposed change made: done
BEYOND_SHARE = 1.5  # more than 150 %: went beyond it (a move that large is not "as advised")
PARTLY_SHARE = 0.2  # 20 % … 80 %: partly; under 20 % either way: unchanged; 20 % or more the other way: opposite
STATUSES = ("done", "beyond", "partly", "unchanged", "opposite", "paused", "no_data")
STATUS_WORDS = {
    "zh": {"done": "已执行", "beyond": "超出建议", "partly": "部分执行", "unchanged": "未调整", "opposite": "反向调整", "paused": "已暂停",
           "no_data": "之后还没有数据"},
    "en": {"done": "done", "beyond": "went further", "partly": "partly done", "unchanged": "not changed", "opposite": "moved the other way",
           "paused": "paused", "no_data": "no data since"},
}
ACTION_WORDS = {"zh": {"raise": "加大", "reduce": "减少", "pause": "暂停"},
                "en": {"raise": "raise", "reduce": "cut", "pause": "pause"}}

_DAY = pd.Timedelta(days=1)


@dataclass
class FollowUp:
    """The outcome of one proposal.

    ``before`` / ``after``: ``{"start", "end"`` (ISO, inclusive), ``"days", "cost", "return", "roi"}`` over the
    window (``roi`` None without cost; ``cost`` per month for a monthly proposal, and ``daily_cost`` too for an
    alert's). ``proposed_change`` / ``actual_change``: ¥ per ``per`` (month or day), signed. ``share``: actual
    over proposed (None when there is no data after). ``status``: one of :data:`STATUSES`. ``text``: one line.
    """

    source: str  # monthly | alert
    action: str  # raise | reduce | pause
    channel: str
    campaign: str | None
    proposed_on: str  # the month summarised (monthly) or the alert's day (ISO)
    per: str  # month | day
    proposed_change: float
    actual_change: float | None
    share: float | None
    direction_agrees: bool | None
    status: str
    roi_basis: str  # gross_profit | revenue: the return behind both ROI figures
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    proposal_roi: float | None = None  # the ROI the proposal was made on, as recorded
    proposal_basis: str | None = None  # the credit basis it was made on (campaign_tab or a model)
    text: str = ""


# ---------------------------------------------------------------------------------------- reading proposals


def _monthly(p: dict) -> bool:
    return p.get("source") == "monthly" or ("month" in p and "proposal" not in p and "daily_from" not in p)


def _alert_fields(p: dict) -> dict:
    """An alert proposal flattened: the log row's proposal with its day and kind."""
    if isinstance(p.get("proposal"), dict):
        out = {**p["proposal"], "kind": p.get("kind"), "day": p.get("day")}
        out.setdefault("campaign", p.get("campaign"))
        out.setdefault("channel", p.get("channel"))
        return out
    return dict(p)


def proposals_of(summary) -> list[dict]:
    """What a monthly summary proposes for next month, per channel, ready to record: source, month,
    channel, action (raise | reduce), current, proposed, change (¥ per month), roi, marginal_roi (the
    channel's that month, on the credit basis), basis (the credit basis), method. Channels the plan
    leaves where they are (under half a yuan of change) are left out."""
    out = []
    for r in getattr(summary, "reallocation", None) or []:
        change = float(r.get("proposed", 0.0) or 0.0) - float(r.get("current", 0.0) or 0.0)
        if abs(change) < 0.5:
            continue
        out.append({"source": "monthly", "month": str(summary.month), "channel": str(r["channel"]),
                    "action": "raise" if change > 0 else "reduce", "current": float(r["current"]),
                    "proposed": float(r["proposed"]), "change": change,
                    "roi": _num(r.get("roi")), "marginal_roi": _num(r.get("marginal_roi")),
                    "basis": getattr(summary, "credit_basis", None) or "campaign_tab",
                    "method": r.get("method") or getattr(summary, "reallocation_method", "") or ""})
    return out


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


# ---------------------------------------------------------------------------------------- windows


class _Rows:
    """The prepared 活动 rows as arrays, for sums over any window (each row by its share of days)."""

    def __init__(self, data: SheetData):
        rows = prepare_rows(data.campaigns, data.settings) if not data.campaigns.empty else data.campaigns
        self.empty = rows.empty
        if self.empty:
            return
        start = rows["start_date"].dt.normalize()
        end = rows["end_date"].fillna(rows["start_date"]).dt.normalize()
        self.first = start.to_numpy("datetime64[ns]")
        self.last = end.to_numpy("datetime64[ns]")
        self.days = (self.last - self.first) / np.timedelta64(1, "D") + 1
        self.cost = rows["cost"].to_numpy(float)
        self.revenue = np.nan_to_num(rows["revenue"].to_numpy(float))
        self.gross = rows["gross_profit_est"].to_numpy(float)
        self.campaign = rows["campaign"].to_numpy(object)
        self.channel = rows["channel"].to_numpy(object)
        self.through = pd.Timestamp(end.max())  # the last day the sheet has rows for

    def share(self, mine: np.ndarray, lo: pd.Timestamp, hi: pd.Timestamp) -> np.ndarray:
        """Each row's share of its days inside lo … hi (0 for rows not ``mine``)."""
        a = np.maximum(self.first, np.datetime64(lo, "ns"))
        b = np.minimum(self.last, np.datetime64(hi, "ns"))
        inside = np.clip((b - a) / np.timedelta64(1, "D") + 1, 0, None)
        return np.where(mine, inside / self.days, 0.0)

    def sums(self, share: np.ndarray, basis: str) -> tuple[float, float]:
        ret = np.nan_to_num(self.gross) if basis == "gross_profit" else self.revenue
        cost = float((self.cost * share).sum())
        value = float((ret * share).sum())
        return (0.0 if abs(cost) < HALF_FEN else cost), value

    def basis(self, touched: np.ndarray) -> str:
        if touched.any() and not np.isnan(self.gross[touched]).any():
            return "gross_profit"
        return "revenue"


def _side(rows: _Rows, share: np.ndarray, basis: str, lo: pd.Timestamp, hi: pd.Timestamp) -> dict:
    cost, ret = rows.sums(share, basis)
    days = int((hi - lo) / _DAY) + 1
    roi = (ret - cost) / cost if cost >= HALF_FEN else None
    return {"start": lo.date().isoformat(), "end": hi.date().isoformat(), "days": days, "cost": round(cost, 2),
            "return": round(ret, 2), "roi": None if roi is None else round(roi, 6)}


def _judge(proposed: float, actual: float | None, action: str, after_cost: float | None) -> tuple[str, float | None,
                                                                                                  bool | None]:
    """status, share, direction_agrees for a proposed and an actual change (same unit, signed)."""
    if actual is None:
        return "no_data", None, None
    share = actual / proposed if abs(proposed) >= HALF_FEN else None
    agrees = bool(share is not None and share > 0 and abs(actual) >= HALF_FEN)
    if action == "pause" and after_cost is not None and abs(after_cost) < HALF_FEN:
        return "paused", share, True
    if share is None:
        return "unchanged", None, False
    if share > BEYOND_SHARE:
        return "beyond", share, agrees
    if share >= DONE_SHARE:
        return "done", share, agrees
    if share >= PARTLY_SHARE:
        return "partly", share, agrees
    if share > -PARTLY_SHARE:
        return "unchanged", share, agrees
    return "opposite", share, False


def _bounds(month_or_period) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    if month_or_period is None:
        return None, None
    if isinstance(month_or_period, pd.Period):
        month = month_or_period.asfreq("M")
        return month.start_time.normalize(), month.end_time.normalize()
    if isinstance(month_or_period, str):
        month = pd.Period(month_or_period, freq="M")
        return month.start_time.normalize(), month.end_time.normalize()
    start, end = month_or_period
    return pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()


# ---------------------------------------------------------------------------------------- the outcomes


def follow_up(proposals: list, data: SheetData, month_or_period=None, *, lang: str = "zh",
              symbol: str | None = None) -> list[FollowUp]:
    """The outcome of each proposal in ``proposals`` (dicts as the module doc shows), from ``data``'s 活动 rows.

    ``month_or_period`` (a ``pd.Period``, "YYYY-MM" or a (start, end) pair of dates) bounds what counts as
    "after": a monthly proposal of month P is judged on P + 1 (left out unless P + 1 is in the bounds); an
    alert's days after are cut to the bounds' last day (and to the sheet's last day with rows). None: no
    bounds. Proposals of no change are left out; the order is kept.
    """
    symbol = symbol or data.settings.currency_symbol
    rows = _Rows(data)
    lo_bound, hi_bound = _bounds(month_or_period)
    out: list[FollowUp] = []
    for p in proposals:
        if _monthly(p):
            item = _monthly_outcome(p, rows, lo_bound, hi_bound)
        else:
            item = _alert_outcome(_alert_fields(p), rows, hi_bound)
        if item is None:
            continue
        item.text = follow_up_line(item, lang, symbol)
        out.append(item)
    return out


def _monthly_outcome(p: dict, rows: _Rows, lo_bound, hi_bound) -> FollowUp | None:
    month = pd.Period(str(p["month"]), freq="M")
    target = month + 1
    if lo_bound is not None and not (lo_bound <= target.start_time <= (hi_bound or target.start_time)):
        return None
    change = _num(p.get("change"))
    if change is None:
        change = float(p.get("proposed", 0.0) or 0.0) - float(p.get("current", 0.0) or 0.0)
    if abs(change) < 0.5:
        return None
    channel = str(p["channel"])
    action = p.get("action") or ("raise" if change > 0 else "reduce")
    b_lo, b_hi = month.start_time.normalize(), month.end_time.normalize()
    a_lo, a_hi = target.start_time.normalize(), target.end_time.normalize()
    before = after = {}
    actual = None
    basis = "revenue"
    if not rows.empty:
        mine = rows.channel == channel
        share_b, share_a = rows.share(mine, b_lo, b_hi), rows.share(mine, a_lo, a_hi)
        all_b = rows.share(np.ones_like(mine, dtype=bool), b_lo, a_hi)  # one basis over both months, all channels
        basis = rows.basis(all_b > 0)
        before = _side(rows, share_b, basis, b_lo, b_hi)
        if rows.through >= a_lo:  # the month after is in the sheet (a summary of it runs once it has ended)
            after = _side(rows, share_a, basis, a_lo, a_hi)
            actual = round(after["cost"] - before["cost"], 2)
    status, share, agrees = _judge(change, actual, action, after.get("cost") if after else None)
    return FollowUp("monthly", action, channel, None, str(month), "month", round(change, 2), actual,
                    None if share is None else round(share, 4), agrees, status, basis, before, after,
                    _num(p.get("roi")), p.get("basis"))


def _alert_outcome(p: dict, rows: _Rows, hi_bound) -> FollowUp | None:
    daily_from, daily_to = _num(p.get("daily_from")), _num(p.get("daily_to"))
    if daily_from is None or daily_to is None or not p.get("start"):
        return None
    change = daily_to - daily_from
    if abs(change) < HALF_FEN:
        return None
    action = p.get("action") or ("raise" if change > 0 else "reduce")
    campaign, channel = str(p.get("campaign")), str(p.get("channel"))
    start = pd.Timestamp(p["start"]).normalize()
    until = pd.Timestamp(p.get("until") or p["start"]).normalize()
    before = after = {}
    actual = None
    basis = "revenue"
    if not rows.empty:
        hi = min(until, rows.through, hi_bound if hi_bound is not None else until)
        mine = (rows.campaign == campaign) & (rows.channel == channel)
        if mine.any():
            days = max(int((hi - start) / _DAY) + 1, 1)
            first_day = pd.Timestamp(rows.first[mine].min())
            b_lo, b_hi = max(start - days * _DAY, first_day), start - _DAY
            share_b = rows.share(mine, b_lo, b_hi) if b_hi >= b_lo else np.zeros(len(mine))
            share_a = rows.share(mine, start, hi) if hi >= start else np.zeros(len(mine))
            basis = rows.basis((share_b > 0) | (share_a > 0))
            if b_hi >= b_lo:
                before = _daily(_side(rows, share_b, basis, b_lo, b_hi))
            if hi >= start:
                after = _daily(_side(rows, share_a, basis, start, hi))
                base = before["daily_cost"] if before else daily_from
                actual = round(after["daily_cost"] - base, 2)
    status, share, agrees = _judge(change, actual, action, after.get("cost") if after else None)
    proposal_roi = (p.get("figures") or {}).get("roi") if isinstance(p.get("figures"), dict) else None
    return FollowUp("alert", action, channel, campaign, str(p.get("day") or p["start"]), "day", round(change, 2),
                    actual, None if share is None else round(share, 4), agrees, status, basis, before, after,
                    _num(proposal_roi), None)


def _daily(side: dict) -> dict:
    return {**side, "daily_cost": round(side["cost"] / side["days"], 2)}


# ---------------------------------------------------------------------------------------- words


def _signed(value: float, symbol: str) -> str:
    return ("+" if value > 0 else "-" if value < 0 else "") + money(abs(value), symbol)


def follow_up_line(item: FollowUp, lang: str = "zh", symbol: str = "¥") -> str:
    """One line: what was proposed, what the sheet shows happened, ROI before → after, and the verdict.

    "上月建议加大抖音 +¥5,000：实际 +¥4,000，ROI 184.0% → 157.1%；已执行（建议的 80%）"."""
    en = lang == "en"
    words, verdicts = ACTION_WORDS["en" if en else "zh"], STATUS_WORDS["en" if en else "zh"]
    unit = ("/day" if en else "/天") if item.per == "day" else ""
    who = item.channel if item.campaign is None else (f"「{item.campaign}」 {item.channel}" if en
                                                       else f"「{item.campaign}」{item.channel}")
    if item.source == "monthly":
        head = (f"Last month's advice: {words[item.action]} {who} {_signed(item.proposed_change, symbol)}" if en
                else f"上月建议{words[item.action]}{who} {_signed(item.proposed_change, symbol)}")
    else:
        day = item.proposed_on[5:10]
        head = (f"Alert on {day}: {words[item.action]} {who} {_signed(item.proposed_change, symbol)}{unit}" if en
                else f"{day} 预警建议{words[item.action]}{who} {_signed(item.proposed_change, symbol)}{unit}")
    if item.status == "no_data":
        return f"{head}: {verdicts['no_data']}" if en else f"{head}：{verdicts['no_data']}"
    roi = f"ROI {pct(item.before.get('roi'))} → {pct(item.after.get('roi'))}"
    actual = f"{_signed(item.actual_change or 0.0, symbol) if abs(item.actual_change or 0.0) >= HALF_FEN else money(0, symbol)}{unit}"
    verdict = verdicts[item.status]
    if item.status in ("done", "beyond", "partly") and item.share is not None:
        verdict += (f" ({item.share * 100:.0f}% of the advice)" if en else f"（建议的 {item.share * 100:.0f}%）")
    if en:
        return f"{head} — actual {actual}, {roi}; {verdict}"
    return f"{head}：实际 {actual}，{roi}；{verdict}"


# ---------------------------------------------------------------------------------------- on an answer


def with_follow_up(ans, proposals: list | None, data: SheetData, today: dt.date | None = None):
    """``ans`` with ``follow_up`` (a list of :class:`FollowUp`) when ``proposals`` have an outcome to report:
    a one-month 月报 (the month before's monthly proposals, and alerts of the month) or a campaign (its
    alerts' proposals, through yesterday). A copy, so a cached answer stays as it was; ``ans`` itself when
    there is nothing to add."""
    if not proposals or ans is None:
        return ans
    kind = getattr(ans, "kind", "")
    items: list[FollowUp] = []
    lang = getattr(ans, "lang", "zh")
    symbol = getattr(ans, "currency", None)
    if kind == "monthly" and getattr(ans, "months", None) is None and _is_month(getattr(ans, "month", "")):
        month = pd.Period(ans.month, freq="M")
        mine = [p for p in proposals if (_monthly(p) and str(p.get("month")) == str(month - 1))
                or (not _monthly(p) and _in_month(_alert_fields(p).get("start"), month))]
        items = follow_up(_first_alerts(mine), data, month, lang=lang, symbol=symbol)
    elif kind == "campaign" and getattr(ans, "campaign", None):
        mine = [p for p in proposals if not _monthly(p) and _alert_fields(p).get("campaign") == ans.campaign]
        end = (today - dt.timedelta(days=1)) if today is not None else None
        bounds = None if end is None else (dt.date(1900, 1, 1), end)
        items = follow_up(_first_alerts(mine), data, bounds, lang=lang, symbol=symbol)
    if not items:
        return ans
    out = copy.copy(ans)
    out.follow_up = items
    return out


def _first_alerts(proposals: list) -> list:
    """One alert proposal per campaign × channel × kind × action: the earliest. A rule broken day after day
    logs a proposal each day; the first one's days after cover the rest, so it alone is judged."""
    seen: dict[tuple, int] = {}
    out: list = []
    for p in proposals:
        if _monthly(p):
            out.append(p)
            continue
        f = _alert_fields(p)
        key = (f.get("campaign"), f.get("channel"), f.get("kind"), f.get("action"))
        at = seen.get(key)
        if at is None:
            seen[key] = len(out)
            out.append(p)
        elif str(f.get("start") or "") < str(_alert_fields(out[at]).get("start") or ""):
            out[at] = p
    return out


def _is_month(text) -> bool:
    try:
        pd.Period(str(text), freq="M")
    except (ValueError, TypeError):
        return False
    return len(str(text)) == 7


def _in_month(day, month: pd.Period) -> bool:
    if not day:
        return False
    try:
        return pd.Period(pd.Timestamp(day), freq="M") == month
    except (ValueError, TypeError):
        return False
