"""From raw tab values to clean frames, settings and problem records.

``load_sheet`` is the single entry point adapters call: they hand over every
tab as a list of rows (header first, cells as the source gives them), and get
back a :class:`SheetData` with canonical columns, the parsed 设置, and one
:class:`Problem` per bad cell or row. Rows with a problem are left out of the
numbers; blank rows are skipped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from roi_core import tab_checks
from roi_core.parse import PARSERS, _is_str_cell, blank_mask, normalize_text, parse_date
from roi_core.problems import (
    Problem,
    cell_text,
    example_notice,
    example_reason,
    problem_records,
    tab_sentence,
)
from roi_core.schema import (
    BUDGETS,
    CAMPAIGNS,
    CUSTOMERS,
    EXAMPLE_MARKER,
    IMPORTS,
    OPTIONAL_TABS,
    ORDERS,
    SETTING_BY_NAME,
    SETTINGS,
    TOUCHPOINTS,
    TabSpec,
    column_lookup,
    find_tab,
)
from roi_core.settings import Settings, parse_setting, setting_defaults

__all__ = ["ROW_COLUMN", "Problem", "Settings", "SheetData", "load_sheet", "normalize_table", "parse_settings",
           "setting_defaults"]

ROW_COLUMN = "row"  # the row number as the sheet shows it (header is row 1)


@dataclass(frozen=True)
class SheetData:
    """Everything the core needs from the sheet, already cleaned."""

    campaigns: pd.DataFrame
    touchpoints: pd.DataFrame
    settings: Settings = field(default_factory=Settings)
    problems: tuple[Problem, ...] = ()
    rows_skipped: int = 0  # rows left out of the numbers because of a problem
    # 活动 rows left out: their sheet row and campaign name, so an answer about a
    # campaign can say which of its own rows were left out and why
    skipped_campaign_rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"row": [], "campaign": []}))
    # whole-tab problems that stop campaign answers (活动 or 设置 unusable), as sentences
    missing: tuple[str, ...] = ()
    source: str = ""
    fetched_at: dt.datetime | None = None
    stale_seconds: float | None = None  # set when a cached copy answers because the source failed
    tab_titles: dict = field(default_factory=dict)
    # optional people-written tabs (订单, 客户, 预算): empty frames with their columns when absent;
    # ``tab_titles`` says which were found. ``customers`` keeps rows acquired after the read's date (listed
    # in ``problems``): the figures leave them out by their own today (roi_core.customers.build_book)
    orders: pd.DataFrame = field(default_factory=lambda: _empty_frame(ORDERS))
    customers: pd.DataFrame = field(default_factory=lambda: _empty_frame(CUSTOMERS))
    budgets: pd.DataFrame = field(default_factory=lambda: _empty_frame(BUDGETS))
    # 预算 plans left out because their periods overlap (roi_core.tab_checks): never summed, never guessed;
    # the daily check says it cannot pace those pairs instead of going quiet about them
    plan_conflicts: pd.DataFrame = field(default_factory=lambda: _empty_frame(BUDGETS))
    # the template's example rows still in the sheet (tab title → sheet rows): never counted, always reported
    example_rows: dict = field(default_factory=dict)
    # sentences every answer adds when 导入 holds the platforms' rows (roi_core.imports.combine): (zh, en) pairs
    import_notes: tuple[tuple[str, str], ...] = ()
    # 触点 summed where a table source lives (tables/, docs/tables.md): "YYYY-MM" (or "" for every touch) →
    # roi_core.attribution.Journeys built from its path table; an attribution answer for that key reads
    # them instead of the 触点 tab, and ``table_notes`` (where they came from) joins its warnings
    touch_paths: dict = field(default_factory=dict)
    table_notes: tuple[str, ...] = ()

    def example_warnings(self, lang: str = "zh") -> list[str]:
        """One sentence per tab that still holds the template's example rows, in ``lang`` (zh or en)."""
        return [example_notice(tab, rows, lang) for tab, rows in self.example_rows.items()]

    def import_warnings(self, lang: str = "zh") -> list[str]:
        """What every answer says of 导入's rows (their attribution windows, the typed rows they replace), in ``lang``."""
        return [en if lang == "en" else zh for zh, en in self.import_notes]

    def with_source(self, **changes) -> SheetData:
        return replace(self, **changes)

    @property
    def blocking_problems(self) -> tuple[Problem, ...]:
        """Problems that make a whole tab unusable (see :class:`Problem`); ``sheets check`` fails on them.

        Those of 活动 and 设置 also stop every campaign answer (they are in ``missing``);
        those of 触点 leave the 触点 data empty.
        """
        return tuple(p for p in self.problems if p.blocking)


def _empty_frame(spec: TabSpec) -> pd.DataFrame:
    frame = pd.DataFrame({c.key: pd.Series(dtype=_dtype(c.kind)) for c in spec.columns})
    frame[ROW_COLUMN] = pd.Series(dtype="int64")
    return frame


def _dtype(kind: str) -> str:
    return {"date": "datetime64[ns]", "bool": "bool", "text": "object"}.get(kind, "float64")


@dataclass
class _TabResult:
    frame: pd.DataFrame
    problems: list[Problem]
    skipped: int
    blocking: list[str]  # why the tab is unusable, as sentences naming it; empty when it is fine
    skipped_frame: pd.DataFrame | None = None
    # the template's example rows, left out before parsing: their sheet row and the tab's text cells
    examples: pd.DataFrame | None = None
    headers: dict = field(default_factory=dict)  # column key → its header as written


def normalize_table(title: str, rows: list[list], spec: TabSpec, tz: str | None = None,
                    dates: tuple[object, object] = (None, None)) -> _TabResult:
    """Parse one people-written tab against its spec (header row first).

    ``dates`` is the accepted (earliest, latest) day of date cells (None: the defaults of
    :func:`roi_core.parse.date_window`). A missing required column, or two columns that
    map to one field, make the whole tab unusable: its frame is empty and ``blocking`` says why.
    Each row also keeps the row rules of :func:`roi_core.tab_checks.row_rules`.
    """
    lookup = column_lookup(spec)
    start = next((i for i, r in enumerate(rows) if any(not tab_checks.is_blank_cell(c) for c in r)), None)
    if start is None:
        return _TabResult(_empty_frame(spec), [], 0, [])
    header = ["" if c is None else str(c) for c in rows[start]]
    body = rows[start + 1:]
    width = len(header)
    # Sheets trims trailing empty cells, so rows come ragged: pad them to the header
    padded = [r if len(r) == width else r[:width] if len(r) > width else list(r) + [None] * (width - len(r))
              for r in body]
    raw = pd.DataFrame(padded, dtype=object, columns=range(width)) if padded else \
        pd.DataFrame(columns=range(width), dtype=object)
    sheet_rows = pd.Series(np.arange(len(body)) + start + 2, index=raw.index)

    # skip rows whose every cell is blank, silently
    blank_cells = pd.DataFrame({i: blank_mask(raw[i]) for i in raw.columns}, index=raw.index)
    keep = (~blank_cells.all(axis=1)).to_numpy() if len(raw) else np.zeros(0, dtype=bool)
    raw, sheet_rows, blank_cells = raw[keep], sheet_rows[keep], blank_cells[keep]

    problems: list[Problem] = []
    blocking: list[str] = []
    positions: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        col = lookup.get(normalize_text(h))
        if col is not None:
            positions.setdefault(col.key, []).append(i)
    by_key = {key: where[0] for key, where in positions.items()}

    # two columns for one field (收入 next to 销售额): taking either one would be a silent guess
    for col in spec.columns:
        where = positions.get(col.key, [])
        if len(where) > 1:
            names = "」和「".join(header[i] for i in where)
            why = f"「{names}」都表示「{col.header}」，只能保留一列：删除或改名其中一列"
            problems.append(Problem(title, None, header[where[1]], "", why, blocking=True))
            blocking.append(tab_sentence(title, why))
    for col in spec.columns:
        if col.required and col.key not in by_key:
            why = f"缺少必填列「{col.header}」"
            problems.append(Problem(title, None, col.header, "", why, blocking=True))
            blocking.append(tab_sentence(title, why))
    if blocking:
        return _TabResult(_empty_frame(spec), problems, 0, blocking)

    # the template's example rows (a text cell starting 示例·) are left out before parsing and reported once
    examples = _example_rows(spec, raw, by_key)
    example_frame = None
    if examples.any():
        example_frame = pd.DataFrame({c.key: raw.loc[examples, by_key[c.key]].tolist()
                                      for c in spec.columns if c.kind == "text" and c.key in by_key})
        example_frame[ROW_COLUMN] = sheet_rows[examples].astype("int64").to_numpy()
        marked = next(c for c in spec.columns if c.kind == "text" and c.key in by_key
                      and _has_marker(raw.loc[examples, by_key[c.key]]).any())
        problems.append(Problem(title, int(example_frame[ROW_COLUMN].iloc[0]), header[by_key[marked.key]],
                                cell_text(raw.loc[examples, by_key[marked.key]].iloc[0]),
                                example_reason(example_frame[ROW_COLUMN].tolist(), "zh"), example=True))
        keep = ~examples
        raw, sheet_rows, blank_cells = raw[keep], sheet_rows[keep], blank_cells[keep]

    frame = pd.DataFrame(index=raw.index)
    bad_row = pd.Series(False, index=raw.index)
    for col in spec.columns:
        if col.key not in by_key:
            frame[col.key] = pd.Series(np.nan if col.kind != "text" else None, index=raw.index,
                                       dtype=_dtype(col.kind) if col.kind != "bool" else "object")
            continue
        i = by_key[col.key]
        cells = raw[i]
        if col.kind == "date":
            parsed = parse_date(cells, blank=blank_cells[i], tz=tz, earliest=dates[0], latest=dates[1])
        else:
            parsed = PARSERS[col.kind](cells, blank=blank_cells[i])
        reasons = parsed.reason.copy()
        if col.required:
            reasons[parsed.blank.to_numpy()] = "必填项为空"
        problems += problem_records(title, sheet_rows, header[i], cells, reasons)
        bad_row |= reasons.notna()
        frame[col.key] = parsed.values

    for key, reasons in tab_checks.row_rules(spec, frame):
        i = by_key[key]
        problems += problem_records(title, sheet_rows, header[i], raw[i], reasons)
        bad_row |= reasons.notna()

    # unknown columns are kept (under their header as written) and ignored by the numbers
    for i, h in enumerate(header):
        if i not in by_key.values() and h.strip() and h not in frame.columns:
            frame[h] = raw[i]

    frame[ROW_COLUMN] = sheet_rows.astype("int64")
    clean = frame[~bad_row.to_numpy()].reset_index(drop=True)
    problems.sort(key=lambda p: (p.row or 0))
    n_examples = 0 if example_frame is None else len(example_frame)
    return _TabResult(clean, problems, int(bad_row.sum()) + n_examples, [], frame[bad_row.to_numpy()], example_frame,
                      {key: header[i] for key, i in by_key.items()})


def _has_marker(cells: pd.Series) -> pd.Series:
    """True where a cell is text starting with the template's example mark (spaces before it allowed)."""
    # only text cells can carry it; .str refuses a column with no text at all (every cell a checkbox)
    text = cells.where(_is_str_cell(cells), "").astype(str)
    return text.str.lstrip().str.startswith(EXAMPLE_MARKER)


def _example_rows(spec: TabSpec, raw: pd.DataFrame, by_key: dict[str, int]) -> pd.Series:
    """Rows of ``raw`` that are the template's examples: any contract text column starts with 示例·."""
    mask = pd.Series(False, index=raw.index)
    if spec is SETTINGS or raw.empty:
        return mask
    for col in spec.columns:
        if col.kind == "text" and col.key in by_key:
            mask |= _has_marker(raw[by_key[col.key]])
    return mask


def _finish_campaigns(frame: pd.DataFrame) -> pd.DataFrame:
    frame["end_date"] = frame["end_date"].fillna(frame["start_date"])
    for key in ("ad_spend", "promo_cost", "staff_cost", "other_cost"):
        frame[key] = frame[key].fillna(0.0)
    frame["cost"] = frame["ad_spend"] + frame["promo_cost"] + frame["staff_cost"] + frame["other_cost"]
    return frame


def _finish_touchpoints(frame: pd.DataFrame) -> pd.DataFrame:
    frame["revenue"] = frame["revenue"].fillna(0.0)
    frame["converted"] = frame["converted"].astype(bool)
    frame["customer_id"] = frame["customer_id"].astype(str)
    frame["channel"] = frame["channel"].astype(str)
    return frame


def parse_settings(title: str, rows: list[list]) -> tuple[Settings, list[Problem]]:
    """设置 rows (参数 | 值) → Settings; unknown 参数 are ignored, bad values reported and defaulted.

    A 设置 tab without its 参数 column, or with two columns for one field, gives the
    defaults and a blocking problem (see :class:`Problem`).
    """
    result = normalize_table(title, rows, SETTINGS)
    values: dict[str, object] = {}
    rows_of: dict[str, int] = {}
    problems = list(result.problems)
    frame = result.frame
    for key, value, row in zip(frame["key"].tolist(), frame["value"].tolist(), frame[ROW_COLUMN].tolist(), strict=True):
        spec = SETTING_BY_NAME.get(normalize_text(key))
        if spec is None or value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        parsed, reason = parse_setting(spec.kind, spec.key, value)
        if reason:
            fallback = "已忽略此项" if spec.default is None else f"已用默认值 {spec.default}"
            problems.append(Problem(title, int(row), "值", cell_text(value), f"{spec.name}：{reason}，{fallback}"))
        else:
            values[spec.key] = parsed
            rows_of[spec.key] = int(row)
    earliest, latest = values.get("earliest_date"), values.get("latest_date")
    if earliest is not None and latest is not None and earliest > latest:
        problems.append(Problem(title, rows_of["latest_date"], "值", latest.isoformat(),
                                f"最晚日期早于最早日期 {earliest.isoformat()}，两者都已用默认值"))
        del values["earliest_date"], values["latest_date"]
    return Settings(**values), problems


def load_sheet(tabs: dict[str, list[list]], *, source: str = "", fetched_at: dt.datetime | None = None,
               today: dt.date | None = None) -> SheetData:
    """Clean every people-written tab found in ``tabs`` (title → rows) into a SheetData.

    Tab titles match the contract after NFKC, trim and case-fold. A missing
    活动 tab, or a 活动 / 设置 tab that cannot be read (a missing required column,
    two columns for one field), is recorded in ``missing`` and as a blocking
    problem; answers that need it raise :class:`roi_core.errors.DataError`.
    An empty 活动 tab is a blocking problem too (answers say 「活动」表还没有数据).
    Date cells must fall in 设置's 最早日期 .. 最晚日期 (2000-01-01 .. 2100-12-31).
    订单, 客户 and 预算 keep the rules of :mod:`roi_core.tab_checks` (duplicates, unknown 阶段,
    plans that end before they start, overlap or are 0); 客户 rows acquired after today are listed when
    today is known (``today``, else the team's date (设置 时区) at ``fetched_at``) and counted in
    ``rows_skipped``, but stay in ``customers``: the figures leave them out by the today they are given
    (``roi_core.customers.build_book``), so no figure depends on when the sheet was read.
    """
    titles = list(tabs)
    problems: list[Problem] = []
    missing: list[str] = []
    skipped = 0
    found = {}
    example_rows: dict[str, tuple[int, ...]] = {}
    skipped_campaign_rows = pd.DataFrame({ROW_COLUMN: [], "campaign": []})

    settings = Settings()
    title = find_tab(SETTINGS, titles)
    if title is not None:
        found["settings"] = title
        settings, setting_problems = parse_settings(title, tabs[title])
        problems += setting_problems
        # 设置 changes every answer (目标ROI, 毛利率): an unreadable one must not be silently defaulted
        missing += [tab_sentence(title, p.reason) for p in setting_problems if p.blocking]
    dates = (settings.earliest_date, settings.latest_date)
    today = today or tab_checks.today_at(fetched_at, settings.timezone)

    title = find_tab(CAMPAIGNS, titles)
    if title is None:
        missing.append("缺少「活动」标签页")
        problems.append(Problem(CAMPAIGNS.title, None, "", "", "缺少「活动」标签页（必需）：新建名为「活动」的标签页，"
                                "表头至少有 活动名称、渠道、开始日期、销售额；或运行 python -m sheets init 生成模板",
                                blocking=True))
        campaigns = _finish_campaigns(_empty_frame(CAMPAIGNS))
    else:
        found["campaigns"] = title
        result = normalize_table(title, tabs[title], CAMPAIGNS, settings.timezone, dates)
        campaigns = _finish_campaigns(result.frame)
        problems += result.problems
        skipped += result.skipped
        missing += result.blocking
        if not result.blocking and result.frame.empty and not result.skipped and find_tab(IMPORTS, titles) is None:
            # answers already say 「活动」表还没有数据; the check must not say 没有发现问题
            problems.append(tab_checks.empty_campaigns(title, tabs[title]))
        if result.skipped_frame is not None:
            skipped_campaign_rows = result.skipped_frame[[ROW_COLUMN, "campaign"]].reset_index(drop=True)
        if result.examples is not None:
            example_rows[title] = tuple(result.examples[ROW_COLUMN].tolist())
            skipped_campaign_rows = pd.concat([skipped_campaign_rows, result.examples[[ROW_COLUMN, "campaign"]]],
                                              ignore_index=True)

    import_notes: tuple[tuple[str, str], ...] = ()
    if "campaigns" in found and find_tab(IMPORTS, titles) is not None:
        from roi_core.imports import combine  # 导入 beside 活动: every reader sees both

        campaigns, import_problems, import_notes, left_out = combine(
            normalize_table, campaigns, tabs, found.get("settings"), found["campaigns"], settings.timezone, dates)
        problems += import_problems
        skipped += left_out
        found["imports"] = find_tab(IMPORTS, titles)

    title = find_tab(TOUCHPOINTS, titles)
    touchpoints = _finish_touchpoints(_empty_frame(TOUCHPOINTS))
    if title is not None:
        found["touchpoints"] = title
        result = normalize_table(title, tabs[title], TOUCHPOINTS, settings.timezone, dates)
        touchpoints = _finish_touchpoints(result.frame)
        problems += result.problems
        skipped += result.skipped
        if result.examples is not None:
            example_rows[title] = tuple(result.examples[ROW_COLUMN].tolist())

    optional = {}
    plan_conflicts = _empty_frame(BUDGETS)
    for spec in OPTIONAL_TABS:
        optional[spec.key] = _empty_frame(spec)
        title = find_tab(spec, titles)
        if title is not None:
            found[spec.key] = title
            result = normalize_table(title, tabs[title], spec, settings.timezone, dates)
            checked = tab_checks.tab_rules(spec, title, result.frame, result.headers, today)
            optional[spec.key] = checked.frame.reset_index(drop=True)
            problems += sorted(result.problems + checked.problems, key=lambda p: p.row or 0)
            skipped += result.skipped + checked.left_out
            if checked.conflicts is not None:
                plan_conflicts = checked.conflicts.reset_index(drop=True)
            if result.examples is not None:
                example_rows[title] = tuple(result.examples[ROW_COLUMN].tolist())

    return SheetData(
        orders=optional["orders"],
        customers=optional["customers"],
        budgets=optional["budgets"],
        plan_conflicts=plan_conflicts,
        campaigns=campaigns,
        touchpoints=touchpoints,
        settings=settings,
        problems=tuple(problems),
        rows_skipped=skipped,
        skipped_campaign_rows=skipped_campaign_rows,
        missing=tuple(missing),
        source=source,
        fetched_at=fetched_at,
        tab_titles=found,
        example_rows=example_rows,
        import_notes=import_notes,
    )


