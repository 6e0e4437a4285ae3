"""The ad platforms' imported rows (tab 导入) beside the typed 活动 rows: mapping, renaming, merging, planning.

Pure: the files are parsed in ``sheets.imports``; this module takes their canonical rows (one per day ×
平台 × 账户 × 平台活动名称, columns of :data:`roi_core.schema.IMPORT_COLUMNS`) and

- :func:`plan_import`: which of them are new or changed against what 导入 already holds (idempotency:
  the same day × platform × account × campaign is one row, however many files carry it);
- :func:`resolve`: each row's 活动名称 (the 映射 tab's first matching pattern, else the platform's own name)
  and 渠道 (the platform, or the name 设置 gives it: 参数 ``<平台>渠道``, e.g. ``巨量引擎渠道 = 抖音``);
- :func:`combine`: 活动 and 导入 as one campaigns frame for every reader, the typed 活动 rows that cover the
  same campaign × channel × days as imported rows left out (the platform's numbers are used) and listed;
- :func:`import_notes`: what an answer says of the imported rows its figures use (platforms, windows).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from roi_core.parse import PARSERS, normalize_text, parse_date
from roi_core.problems import Problem, problem_records
from roi_core.schema import CAMPAIGNS, IMPORTS, MAPPING, SETTINGS, column_lookup, find_tab

METRICS = ("ad_spend", "impressions", "clicks", "conversions", "revenue")
KEYS = ("day", "platform", "account", "platform_campaign")
_EMPTY_NOTES: tuple[tuple[str, str], ...] = ()
#: roi_core.sheetdata.normalize_table, handed in by its callers (sheetdata calls this module: no cycle)
Normalize = Callable[..., Any]


def _norm(values: pd.Series) -> pd.Series:
    """NFKC + trim + case-fold, per distinct value (exports repeat a few hundred names a million times); empty
    for a missing one. The distinct values' forms are taken by their codes: no lookup per row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([normalize_text(str(u)) for u in uniques] + [""], dtype=object)  # code -1 (NA) → the last
    return pd.Series(table[codes], index=values.index, dtype=object)


def key_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparable key of each row: the day, and the three names normalised."""
    return pd.DataFrame({
        "day": pd.to_datetime(frame["day"]).dt.normalize(),
        "platform": _norm(frame["platform"]),
        "account": _norm(frame["account"]),
        "platform_campaign": _norm(frame["platform_campaign"]),
    }, index=frame.index)


def plan_import(existing: pd.DataFrame | None, incoming: pd.DataFrame) -> pd.DataFrame:
    """``incoming`` (canonical rows, each key once, batch order) with a column ``status``: ``new`` (no such key in
    ``existing``), ``changed`` (the key is there with other figures or window), ``same`` (already there as is).

    Figures compare to the cent (a value read back from a sheet may carry float noise); an empty figure equals
    only an empty one. A key ``existing`` holds twice (an earlier file of the batch) is compared with its last row.
    """
    out = incoming.copy()
    if out.empty or existing is None or existing.empty:
        out["status"] = pd.Series("new", index=out.index, dtype=object)
        return out
    left = key_frame(out).assign(_i=np.arange(len(out)))
    right = key_frame(existing).assign(**{f"_{m}": _cents(existing[m]) for m in METRICS},
                                       _w=_window(existing["window"]))
    right = right.drop_duplicates(list(KEYS), keep="last")
    joined = left.merge(right, on=list(KEYS), how="left", indicator=True).sort_values("_i")
    found = (joined["_merge"] == "both").to_numpy()
    same = found.copy()
    for m in METRICS:
        a, b = _cents(out[m]).to_numpy(), joined[f"_{m}"].to_numpy(dtype=float)
        same &= (a == b) | (np.isnan(a) & np.isnan(b))
    same &= _window(out["window"]).to_numpy() == joined["_w"].fillna("").to_numpy()
    out["status"] = np.where(~found, "new", np.where(same, "same", "changed"))
    return out


def _cents(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float).round(2)


def _window(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip()


def _pattern(text: str) -> re.Pattern:
    """A 映射 pattern as a regular expression: ``*`` any text, ``?`` one character; no wildcard = the whole name."""
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in normalize_text(text))
    return re.compile(body, re.S)


def channel_names(normalize: Normalize, settings_rows: list[list] | None, title: str = "设置") -> dict[str, str]:
    """设置 rows ``<平台>渠道 | 名称`` → {normalised platform: the team's channel name}."""
    if not settings_rows:
        return {}
    frame = normalize(title, settings_rows, SETTINGS).frame
    names = {}
    for key, value in zip(frame["key"].tolist(), frame["value"].tolist(), strict=True):
        k = normalize_text(key)
        if k.endswith("渠道") and len(k) > 2 and value is not None and str(value).strip():
            names[k[:-2]] = str(value).strip()
    return names


def resolve(imported: pd.DataFrame, mapping: pd.DataFrame, names: dict[str, str],
            campaign_names: pd.Series) -> pd.DataFrame:
    """``imported`` with ``campaign`` (映射's first matching row in sheet order, else the platform's name),
    ``channel`` (the platform, renamed by 设置) and ``matched`` (False: neither a 映射 pattern nor a 活动 name)."""
    out = imported.copy()
    own = out["platform_campaign"].fillna("").astype(str)
    codes, distinct = pd.factorize(own)
    uniques = pd.DataFrame({"name": np.asarray(distinct, dtype=object)})
    uniques["norm"] = uniques["name"].map(normalize_text)
    uniques["campaign"] = uniques["name"]
    uniques["mapped"] = False
    plat_of = out.groupby(own, sort=False)["platform"].first() if len(out) else pd.Series(dtype=object)
    for pattern, campaign, platform in zip(mapping.get("pattern", []), mapping.get("campaign", []),
                                           mapping.get("platform", [None] * len(mapping)), strict=False):
        if not isinstance(pattern, str) or not pattern.strip() or not isinstance(campaign, str):
            continue
        rx = _pattern(pattern)
        hit = uniques["norm"].map(lambda n, rx=rx: rx.fullmatch(n) is not None) & ~uniques["mapped"]
        if isinstance(platform, str) and platform.strip():
            same_platform = uniques["name"].map(plat_of).map(lambda p: normalize_text(p)) == normalize_text(platform)
            hit &= same_platform
        uniques.loc[hit, "campaign"] = campaign.strip()
        uniques.loc[hit, "mapped"] = True
    known = {normalize_text(c) for c in pd.unique(campaign_names.dropna().astype(str))}
    uniques["matched"] = uniques["mapped"] | uniques["norm"].map(known.__contains__).astype(bool)
    # each row takes its distinct name's answer by code (a few hundred names, no lookup per row)
    out["campaign"] = uniques["campaign"].to_numpy(dtype=object)[codes]
    out["matched"] = uniques["matched"].to_numpy(dtype=bool)[codes]
    plat = out["platform"].fillna("").astype(str)
    out["channel"] = plat.map({p: names.get(normalize_text(p), p) for p in pd.unique(plat)})
    return out


def unmatched_names(resolved: pd.DataFrame) -> list[tuple[str, str]]:
    """(平台, 平台活动名称) of the rows no 映射 pattern and no 活动 name matched, first seen first."""
    rows = resolved.loc[~resolved["matched"], ["platform", "platform_campaign"]].drop_duplicates()
    return list(rows.itertuples(index=False, name=None))


def read_mapping(normalize: Normalize, tabs: dict[str, list[list]]) -> tuple[pd.DataFrame, list[Problem]]:
    """The optional 映射 tab, parsed (empty frame without it)."""
    title = find_tab(MAPPING, list(tabs))
    if title is None:
        return pd.DataFrame({"pattern": [], "campaign": [], "platform": []}), []
    result = normalize(title, tabs[title], MAPPING)
    return result.frame, list(result.problems)


def read_imports(tabs: dict[str, list[list]], tz: str | None = None,
                 dates: tuple[object, object] = (None, None)) -> tuple[pd.DataFrame | None, list[Problem], str | None]:
    """The 导入 tab parsed (None without it), its problems and its title.

    The contract's own cell parsers (:data:`roi_core.parse.PARSERS`), run once per distinct value of a column
    (a tab of 200,000 imported rows holds a few hundred days, platforms and campaigns): the same rules as any
    tab, in a fraction of the time. A row with a bad day or without 平台 / 平台活动名称 is left out and listed.
    """
    title = find_tab(IMPORTS, list(tabs))
    if title is None:
        return None, [], None
    return (*_parse_import_tab(title, tabs[title], tz, dates), title)


def _parse_import_tab(title: str, rows: list[list], tz: str | None,
                      dates: tuple[object, object]) -> tuple[pd.DataFrame, list[Problem]]:
    empty = pd.DataFrame({c.key: pd.Series(dtype="datetime64[ns]" if c.kind == "date" else object if c.kind == "text"
                                           else float) for c in IMPORTS.columns} | {"row": pd.Series(dtype="int64")})
    start = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
    if start is None:
        return empty, []
    header = ["" if c is None else str(c) for c in rows[start]]
    lookup = column_lookup(IMPORTS)
    where: dict[str, int] = {}
    for i, h in enumerate(header):
        col = lookup.get(normalize_text(h))
        if col is not None:
            where.setdefault(col.key, i)
    missing = [c.header for c in IMPORTS.columns if c.required and c.key not in where]
    if missing:
        why = f"缺少列「{'」「'.join(missing)}」：删除「{title}」标签页后重新导入"
        return empty, [Problem(title, None, missing[0], "", why)]
    body = rows[start + 1:]
    sheet_rows = np.arange(len(body)) + start + 2
    frame = pd.DataFrame({"row": sheet_rows})
    bad = np.zeros(len(body), dtype=bool)
    blank_all = np.ones(len(body), dtype=bool)
    problems: list[Problem] = []
    # the rows as one object grid (pandas' C code, not a loop per column); a sheet's short rows padded with None
    grid = pd.DataFrame(_padded(body), dtype=object) if body else pd.DataFrame()
    for col in IMPORTS.columns:
        if col.key not in where:
            frame[col.key] = None if col.kind == "text" else np.nan
            continue
        i = where[col.key]
        cells = (grid[i].reset_index(drop=True) if i in grid.columns
                 else pd.Series([None] * len(body), dtype=object))
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        distinct = pd.Series(list(uniques) + [None], dtype=object)  # the last one: the cells factorize calls NA
        if col.kind == "date":
            parsed = parse_date(distinct, tz=tz, earliest=dates[0], latest=dates[1])
        else:
            parsed = PARSERS[col.kind](distinct)
        values = parsed.values.to_numpy()[codes]
        reasons = parsed.reason.to_numpy(dtype=object)[codes]
        blank = parsed.blank.to_numpy()[codes]
        blank_all &= blank
        if col.required:
            reasons = np.where(blank, "必填项为空", reasons)
        frame[col.key] = values
        wrong = pd.Series(reasons).notna().to_numpy()
        if wrong.any():
            problems += problem_records(title, pd.Series(sheet_rows), header[i], cells, pd.Series(reasons))
            bad |= wrong
    keep = ~bad & ~blank_all
    problems = [p for p in problems if p.row is None or not blank_all[p.row - start - 2]]
    return frame[keep].reset_index(drop=True), sorted(problems, key=lambda p: p.row or 0)


def _padded(rows: list[list]) -> list[list]:
    """``rows`` all of one length (a sheet's API drops trailing empty cells): ``rows`` itself when they are."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    width = int(lengths.max()) if len(rows) else 0
    if (lengths == width).all():
        return rows
    return [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]


def combine(normalize: Normalize, campaigns: pd.DataFrame, tabs: dict[str, list[list]], settings_title: str | None,
            campaigns_title: str | None, tz: str | None = None, dates: tuple[object, object] = (None, None),
            ) -> tuple[pd.DataFrame, list[Problem], tuple[tuple[str, str], ...], int]:
    """活动 (``campaigns``, already cleaned) and 导入 as one frame of campaign rows.

    Returns the frame, the problems to list (导入's own, 映射's, and one per typed 活动 row left out because
    imported rows cover the same campaign × channel × days), no sentence for every answer (an empty tuple:
    each answer names the platforms, windows and replaced rows of the imported rows its figures use,
    :func:`import_notes`) and how many typed rows were left out. Imported rows carry
    ``import_platform``, ``import_window`` and ``import_replaced`` (the typed row's sheet row, or NaN).
    Without a 导入 tab nothing changes. ``normalize`` is :func:`roi_core.sheetdata.normalize_table`.
    """
    frame, problems, title = read_imports(tabs, tz, dates)
    if frame is None or frame.empty:
        return campaigns, problems, _EMPTY_NOTES, 0
    mapping, mapping_problems = read_mapping(normalize, tabs)
    problems += mapping_problems
    names = channel_names(normalize, tabs.get(settings_title) if settings_title else None, settings_title or "设置")
    resolved = resolve(frame, mapping, names, campaigns["campaign"])
    rows = pd.DataFrame({
        "campaign": resolved["campaign"].astype(object),
        "channel": resolved["channel"].astype(object),
        "start_date": resolved["day"],
        "end_date": resolved["day"],
        "ad_spend": resolved["ad_spend"].fillna(0.0),
        "promo_cost": 0.0, "staff_cost": 0.0, "other_cost": 0.0,
        "revenue": resolved["revenue"].fillna(0.0),
        "impressions": resolved["impressions"], "clicks": resolved["clicks"],
        "conversions": resolved["conversions"],
        "row": resolved["row"].astype("int64"),
        "import_platform": resolved["platform"], "import_window": resolved["window"],
    })
    rows["cost"] = rows["ad_spend"]
    for column in [*CAMPAIGNS.columns]:  # every column a typed row has: readers look them up by key
        if column.key not in rows:
            rows[column.key] = None if column.kind == "text" else np.nan
    typed, overlap_problems, overlapped, replaced = _drop_overlaps(campaigns, rows,
                                                                   campaigns_title or CAMPAIGNS.title)
    rows["import_replaced"] = replaced  # the typed 活动 row each imported row stands in for (answers say so)
    problems += overlap_problems
    merged = pd.concat([typed, rows], ignore_index=True) if len(typed) else rows.reset_index(drop=True)
    # no sentence for every answer: each names the platforms of the rows it used (import_notes)
    return merged, problems, _EMPTY_NOTES, overlapped


def _drop_overlaps(typed: pd.DataFrame, imported: pd.DataFrame,
                   title: str) -> tuple[pd.DataFrame, list[Problem], int, np.ndarray]:
    """Typed rows whose campaign × channel has imported days inside their start..end: left out, one problem each.

    Also returns, per imported row, the sheet row of the typed row it replaced (NaN for none).
    """
    replaced = np.full(len(imported), np.nan)
    if typed.empty or imported.empty:
        return typed, [], 0, replaced
    days = imported[["campaign", "channel", "start_date", "import_platform"]].copy()
    days["c"], days["ch"] = _norm(days["campaign"]), _norm(days["channel"])
    days["j"] = np.arange(len(days))
    firsts = days.drop_duplicates(["c", "ch", "start_date"])
    left = pd.DataFrame({"i": np.arange(len(typed)), "c": _norm(typed["campaign"]).to_numpy(),
                         "ch": _norm(typed["channel"]).to_numpy(), "s": typed["start_date"].to_numpy(),
                         "e": typed["end_date"].to_numpy(), "r": typed["row"].to_numpy(dtype=float)})
    left = left[left["c"].isin(pd.unique(days["c"])).to_numpy()]  # only campaigns 导入 has can overlap
    pairs = left.merge(firsts, on=["c", "ch"], how="inner")
    pairs = pairs[(pairs["start_date"] >= pairs["s"]) & (pairs["start_date"] <= pairs["e"])]
    if pairs.empty:
        return typed, [], 0, replaced
    span = pairs.groupby("i").agg(first=("start_date", "min"), last=("start_date", "max"), n=("start_date", "size"),
                                  platform=("import_platform", "first"))
    problems = []
    for i, r in span.iterrows():  # one per overlapping typed row: a handful, not a hot path
        row = typed.iloc[int(i)]
        problems.append(Problem(
            title, int(row["row"]), "开始日期", row["start_date"].strftime("%Y-%m-%d"),
            f"与「导入」里{r['platform']}的 {int(r['n'])} 天数据重叠（{r['first']:%Y-%m-%d} 至 {r['last']:%Y-%m-%d}，"
            f"活动「{row['campaign']}」渠道「{row['channel']}」）：已用平台的数据，本行未计入；"
            "删除本行，或把日期改成平台没有覆盖的日子"))
    keep = np.ones(len(typed), dtype=bool)
    keep[span.index.to_numpy()] = False
    # every imported row (each account's too, not only the day's first) inside a left-out typed row's days
    hits = left[~keep[left["i"].to_numpy()]].merge(days[["c", "ch", "start_date", "j"]], on=["c", "ch"], how="inner")
    hits = hits[(hits["start_date"] >= hits["s"]) & (hits["start_date"] <= hits["e"])]
    replaced[hits["j"].to_numpy()] = hits["r"].to_numpy()
    return typed[keep].reset_index(drop=True), problems, int((~keep).sum()), replaced


# answers whose figures come from no campaign row (help, a name matched nothing or several)
_NO_FIGURES = frozenset(("help", "no_match", "candidates"))

Scope = tuple[str | None, str | None, dt.date | None, dt.date | None]  # campaign, channel, start, end


def import_notes(ans: Any, query: Any, data: Any) -> list[str]:
    """The sentences (in ``query.lang``) naming the imported rows ``ans``'s figures use: how many, each platform
    with its attribution windows, and how many typed 活动 rows they stand in for. Empty when the answer uses
    none (or 导入 is empty). ``query`` is the Query answered, ``data`` the SheetData (typed loosely: sheetdata
    imports this module, and an import back would be a cycle)."""
    rows = data.campaigns
    if "import_platform" not in rows or getattr(ans, "kind", "") in _NO_FIGURES:
        return []
    imported = rows[rows["import_platform"].notna()]
    if imported.empty:
        return []
    used = np.zeros(len(imported), dtype=bool)
    for scope in _scopes(ans, query):
        used |= _in_scope(imported, scope)
    if not used.any():
        return []
    return _sentences(imported[used], query.lang, data.tab_titles.get("campaigns") or "活动")


def _scopes(ans: Any, query: Any) -> list[Scope]:
    """What the answer's figures were computed from: one scope, or one per side of a comparison."""
    if getattr(ans, "kind", "") == "compare":
        return [(item.get("campaign"), item.get("channel"), *_bounds(item.get("period"))) for item in ans.items]
    campaign = getattr(ans, "campaign", None)
    channel = getattr(ans, "channel", None) or query.channel
    if getattr(ans, "kind", "") == "campaign":  # a campaign's report: all its rows, whatever the question's dates
        return [(campaign or None, channel or None, None, None)]
    asked = getattr(ans, "asked_period", None)
    if asked:
        start, end = _bounds(asked)
    elif query.month is not None:
        start, end = query.month.start_time.date(), query.month.end_time.date()
    else:
        start, end = query.start, query.end
    return [(campaign or None, channel or None, start, end)]


def _bounds(period: dict | None) -> tuple[dt.date | None, dt.date | None]:
    return (period.get("start"), period.get("end")) if period else (None, None)


def _in_scope(rows: pd.DataFrame, scope: Scope) -> np.ndarray:
    campaign, channel, start, end = scope
    hit = np.ones(len(rows), dtype=bool)
    if isinstance(campaign, str) and campaign:
        hit &= (rows["campaign"] == campaign).to_numpy()
    if isinstance(channel, str) and channel:
        hit &= (rows["channel"] == channel).to_numpy()
    if start is not None:
        hit &= (rows["end_date"] >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        hit &= (rows["start_date"] <= pd.Timestamp(end)).to_numpy()
    return hit


def _sentences(used: pd.DataFrame, lang: str, tab: str) -> list[str]:
    windows = used.assign(w=used["import_window"].fillna("").astype(str).str.strip())
    zh, en = [], []
    for platform, group in windows.groupby("import_platform", sort=True):
        ws = sorted((w for w in pd.unique(group["w"]) if w), key=_days_key)
        zh.append(f"{platform} {'、'.join(ws) if ws else '平台默认口径'}")
        en.append(f"{platform} {', '.join(_days_en(w) for w in ws) if ws else 'its default window'}")
    n = len(used)
    out = [f"Includes imported platform data ({n} rows of 「导入」): sales as each platform attributes them "
           f"({'; '.join(en)})" if lang == "en" else
           f"含平台导入数据（「导入」{n} 行）：销售额按各平台的归因窗口计（{'；'.join(zh)}）"]
    replaced = used["import_replaced"].dropna().nunique() if "import_replaced" in used else 0
    if replaced:
        out.append(f"{replaced} row(s) of 「{tab}」 cover the same campaign, channel and days as imported platform "
                   "rows: the platform's figures are used and those rows left out (see the 数据校验 tab)"
                   if lang == "en" else
                   f"「{tab}」有 {replaced} 行与平台导入的数据重叠（同一活动、渠道、日期），已用平台的数据，"
                   "这些行未计入（详见「数据校验」）")
    return out


def _days_key(window: str) -> tuple[int, str]:
    digits = "".join(ch for ch in window if ch.isdigit())
    return (int(digits) if digits else 0, window)


def _days_en(window: str) -> str:
    digits = "".join(ch for ch in window if ch.isdigit())
    return f"{digits}-day window" if digits else window


__all__ = ["KEYS", "METRICS", "channel_names", "combine", "import_notes", "key_frame", "plan_import", "read_imports", "read_mapping",
           "resolve", "unmatched_names"]
