"""Rules a people-written tab keeps beyond its cells: each bad value becomes a :class:`Problem` naming
tab, row, column, value and the fix, and its row is left out of the numbers (a warning keeps it).

Row rules (:func:`row_rules`, run by :func:`roi_core.sheetdata.normalize_table` with the cell checks):

- 活动: 结束日期 not before 开始日期; 点击量 not above 曝光量.
- 客户: 阶段 blank or one of the four stages (:func:`roi_core.schema.stage_level`).
- 预算: 计划结束 not before 计划开始; 预算 not negative.

Rules across rows (:func:`tab_rules`, on the rows every row rule kept, in sheet order):

- 订单: one row per 订单号. A later row with the same 订单号 is left out: an order counts once.
- 客户: 获客日期 not after today, when today is known (the read's date): such a row is listed and counted
  as left out, but stays in the frame, since whether it counts is the answer's today's to say
  (:func:`acquired_after`, ``build_book(data, today)``): figures never depend on when the sheet was read.
  One row per 客户ID among the others: the first row is used; later ones are left out and name it.
- 预算: one plan per campaign × channel × period (names compared as campaign names are everywhere).
  A row repeating an earlier plan exactly (same dates, same 预算) is left out: the plan counts once.
  Plans whose periods overlap are all left out: their budgets are never summed, and which one is right
  is not guessed (the sheet says both); each names the others. A plan with 预算 0 is kept and counted
  as 0, with a warning: the daily check then warns on any spend against it.

An empty 活动 tab (nothing, or a header and no row) is a blocking problem (:func:`empty_campaigns`).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from roi_core.fmt import money
from roi_core.matching import match_key
from roi_core.problems import Problem, problem_records, why
from roi_core.schema import BUDGETS, CAMPAIGNS, CUSTOMERS, ORDERS, STAGE_CHOICES, TabSpec, stage_level

ROW = "row"  # the sheet row column of a normalised frame (roi_core.sheetdata.ROW_COLUMN)


def today_at(fetched_at: dt.datetime | None, timezone: str) -> dt.date | None:
    """The team's date (in 时区) at the instant the sheet was read; None when that is not known.
    A naive ``fetched_at`` is taken as UTC, as the adapters stamp it."""
    if fetched_at is None:
        return None
    stamp = fetched_at if fetched_at.tzinfo is not None else fetched_at.replace(tzinfo=dt.UTC)
    return stamp.astimezone(ZoneInfo(timezone)).date()


def acquired_after(customers: pd.DataFrame, today: dt.date) -> pd.Series:
    """True for the 客户 rows whose 获客日期 falls after ``today``: not acquired yet, so never counted."""
    return customers["acquired_date"].notna() & (customers["acquired_date"] >= pd.Timestamp(today) + pd.Timedelta(days=1))


def row_rules(spec: TabSpec, frame: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """Cross-column rules of one row each: (column key, reasons aligned with ``frame``, None where fine)."""
    checks = []
    if spec is CAMPAIGNS:
        end_before = frame["end_date"].notna() & frame["start_date"].notna() & (frame["end_date"] < frame["start_date"])
        checks.append(("end_date", why(end_before, "结束日期早于开始日期")))
        too_many = frame["clicks"].notna() & frame["impressions"].notna() & (frame["clicks"] > frame["impressions"])
        checks.append(("clicks", why(too_many, "点击量大于曝光量")))
    elif spec is CUSTOMERS:
        typed = frame["stage"].dropna()
        # each distinct spelling looked up once (a CRM export repeats a handful of words)
        levels = typed.map({w: stage_level(w) for w in typed.unique()})
        unknown = pd.Series(False, index=frame.index)
        unknown[levels.index[(levels < 0).to_numpy()]] = True
        checks.append(("stage", why(unknown, f"阶段只能是 {STAGE_CHOICES}：改成其中之一，或留空（按行为推断）")))
    elif spec is BUDGETS:
        end_before = frame["plan_end"].notna() & frame["plan_start"].notna() & (frame["plan_end"] < frame["plan_start"])
        checks.append(("plan_end", why(end_before, "计划结束早于计划开始：改正其中一个日期")))
        checks.append(("budget", why(frame["budget"] < 0, "预算不能为负数：填这个计划整个时段的预算（大于 0）")))
    return [(k, r) for k, r in checks if r.notna().any()]


class Checked(NamedTuple):
    """What :func:`tab_rules` keeps of a tab and what it says about the rest."""

    frame: pd.DataFrame  # the rows kept
    problems: list[Problem]  # one per row left out or warned about
    left_out: int  # rows left out
    # 预算: the overlapping plans left out, with ``conflict`` numbering each group (the daily check names them)
    conflicts: pd.DataFrame | None = None


def tab_rules(spec: TabSpec, title: str, frame: pd.DataFrame, headers: dict[str, str],
              today: dt.date | None = None) -> Checked:
    """The rules across rows of ``spec`` (see the module docstring) on ``frame``, the tab's clean rows.

    ``headers``: column key → header as written (the column each problem names); ``today``: the team's
    date when the sheet was read (None: the rules about dates after today do not run).
    """
    if frame.empty:
        return Checked(frame, [], 0)
    if spec is ORDERS:
        return _unique(title, frame, "order_id", headers,
                       "订单号与第{first}行重复，本行未计入（一笔订单只计一次）：删除重复的行；若是另一笔订单，改正订单号")
    if spec is CUSTOMERS:
        return _customers(title, frame, headers, today)
    if spec is BUDGETS:
        return _plans(title, frame, headers)
    return Checked(frame, [], 0)


def _customers(title: str, frame: pd.DataFrame, headers: dict[str, str], today: dt.date | None) -> Checked:
    """客户: rows acquired after ``today`` listed (kept for the answers' own today), one row per 客户ID among the rest."""
    future = pd.Series(False, index=frame.index)
    problems: list[Problem] = []
    if today is not None:
        future = acquired_after(frame, today)
        problems = problem_records(title, frame[ROW], headers["acquired_date"],
                                   frame["acquired_date"].dt.strftime("%Y-%m-%d"),
                                   why(future, f"获客日期晚于今天（{today:%Y-%m-%d}），还不能计入：改正日期，或到那天再填这一行"))
    unique = _unique(title, frame, "customer_id", headers,
                     "客户ID与第{first}行重复，已用第{first}行，本行未计入：把两行合并成一行，或改正客户ID", among=~future)
    problems = sorted(problems + unique.problems, key=lambda p: p.row or 0)
    return Checked(unique.frame, problems, unique.left_out + int(future.sum()))


def _unique(title: str, frame: pd.DataFrame, key: str, headers: dict[str, str], reason: str,
            among: pd.Series | None = None) -> Checked:
    """Later rows repeating an earlier row's ``key`` are left out, each problem naming the row kept. With
    ``among``, only those rows are compared (the others are kept as they are)."""
    ids = frame[key] if among is None else frame[key].where(among)
    dup = ids.duplicated(keep="first") & ids.notna()
    if not dup.any():
        return Checked(frame, [], 0)
    first = frame[ROW].groupby(ids, sort=False).transform("first")
    reasons = pd.Series(None, index=frame.index, dtype=object)
    reasons[dup] = [reason.format(first=int(f)) for f in first[dup]]  # the rows left out only: a few
    problems = problem_records(title, frame[ROW], headers[key], frame[key], reasons)
    return Checked(frame[~dup.to_numpy()], problems, int(dup.sum()))


def _plans(title: str, frame: pd.DataFrame, headers: dict[str, str]) -> Checked:
    """预算: exact copies left out, overlapping plans all left out, 预算 0 warned (see the module docstring)."""
    names = pd.concat([frame["campaign"], frame["channel"]]).unique()
    key_of = {n: match_key(str(n)) for n in names}
    work = pd.DataFrame({"c": frame["campaign"].map(key_of), "h": frame["channel"].map(key_of),
                         "start": frame["plan_start"].dt.normalize(), "end": frame["plan_end"].dt.normalize(),
                         "budget": frame["budget"], ROW: frame[ROW]}, index=frame.index)
    if not work.duplicated(["c", "h"]).any():  # each pair planned once (the usual sheet): only 预算 0 to warn
        return Checked(frame, _zero_budgets(title, frame, headers), 0, frame.iloc[:0])
    problems: list[Problem] = []

    copy = work.duplicated(["c", "h", "start", "end", "budget"], keep="first")
    if copy.any():
        first = work.groupby(["c", "h", "start", "end", "budget"], sort=False)[ROW].transform("first")
        reasons = pd.Series(None, index=work.index, dtype=object)
        reasons[copy] = [f"与第{f}行是同一个计划（活动、渠道、日期、预算都相同），本行未计入，预算只计一次："
                         "删除重复的行" for f in first[copy]]
        problems += problem_records(title, work[ROW], headers["budget"], frame["budget"], reasons)

    rest = work[~copy.to_numpy()].sort_values(["c", "h", "start", ROW])
    pair = rest.groupby(["c", "h"], sort=False).ngroup()
    # a plan overlaps the pair's earlier plans when it starts on or before the latest end seen so far
    latest_end = rest["end"].groupby(pair.to_numpy()).cummax().groupby(pair.to_numpy()).shift()
    cluster = (latest_end.isna() | (rest["start"] > latest_end)).cumsum()
    size = cluster.map(cluster.value_counts())
    clash = rest[(size > 1).to_numpy()]
    if not clash.empty:
        described = {i: f"第{r}行（{s:%Y-%m-%d} 至 {e:%Y-%m-%d}，预算 {money(b, '')}）"
                       for i, r, s, e, b in zip(clash.index, clash[ROW], clash["start"], clash["end"], clash["budget"],
                                                strict=True)}
        members = clash.index.to_series().groupby(cluster[clash.index].to_numpy()).agg(list)
        reasons = pd.Series(None, index=work.index, dtype=object)
        for group in members:
            for i in group:
                others = "、".join(described[j] for j in group if j != i)
                reasons[i] = (f"与{others}的计划时间重叠（同一活动、同一渠道）：重叠的计划都未计入，预算不会相加；"
                              "删除或改正其中一行，让时段不重叠")
        problems += problem_records(title, work[ROW], headers["plan_start"], frame["plan_start"].dt.strftime("%Y-%m-%d"),
                                    reasons)

    left_out = copy.copy()
    left_out[clash.index] = True
    kept = frame[~left_out.to_numpy()]
    problems = sorted(problems + _zero_budgets(title, kept, headers), key=lambda p: p.row or 0)
    # each overlapping plan with its group's number (``conflict``): the plans that overlap one another
    conflicts = frame.loc[clash.index].assign(conflict=cluster[clash.index].to_numpy()).sort_values(ROW)
    return Checked(kept, problems, int(left_out.sum()), conflicts)


def _zero_budgets(title: str, plans: pd.DataFrame, headers: dict[str, str]) -> list[Problem]:
    """A warning per plan of 预算 0: kept and counted as ¥0, so the daily check warns on any spend against it."""
    zero = plans["budget"] == 0
    if not zero.any():
        return []
    reasons = why(zero, "预算为 0：仍按 0 计入，每日巡检对这个计划的任何花费都会预警；填上这个计划整个时段的预算，"
                        "或删除这一行")
    return problem_records(title, plans[ROW], headers["budget"], plans["budget"], reasons, warning=True)


def is_blank_cell(c: object) -> bool:
    """A cell with nothing in it: None, NaN, or only spaces."""
    return c is None or (isinstance(c, float) and np.isnan(c)) or (isinstance(c, str) and not c.strip())


def empty_campaigns(title: str, rows: list[list]) -> Problem:
    """The blocking problem of a 活动 tab with no row to count: nothing at all, or a header and no row."""
    has_cells = any(not is_blank_cell(c) for r in rows for c in r)
    todo = ("只有表头，还没有数据；请每个活动每个渠道填一行（活动名称、渠道、开始日期、销售额必填）" if has_cells else
            "是空的；请在第1行写表头（至少 活动名称、渠道、开始日期、销售额），下面每个活动每个渠道填一行")
    return Problem(title, None, "", "", f"{todo}，或运行 python -m sheets init 生成模板", blocking=True)
