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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from roi_core.parse import (
    PARSERS,
    WIDEST_DATE_MAX,
    WIDEST_DATE_MIN,
    _is_str_cell,
    blank_mask,
    normalize_text,
    parse_date,
)
from roi_core.schema import (
    BUDGETS,
    CAMPAIGNS,
    CUSTOMERS,
    EXAMPLE_MARKER,
    ORDERS,
    SETTING_BY_NAME,
    SETTING_SPECS,
    SETTINGS,
    TOUCHPOINTS,
    TabSpec,
    column_lookup,
    find_tab,
)

ROW_COLUMN = "row"  # the row number as the sheet shows it (header is row 1)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a people-written tab, worded for the people who wrote it.

    ``blocking`` problems make a whole tab unusable: a missing 活动 tab, a
    missing required column, two columns that mean the same field. The others
    are bad cells or rows, left out of the numbers while the rest still count.
    """

    tab: str
    row: int | None  # sheet row number; None for a whole-tab problem (a missing column)
    column: str  # header as written (or the canonical header when missing)
    value: str
    reason: str
    blocking: bool = False
    example: bool = False  # the template's example rows are still there (not an error; they are not counted)

    def describe(self) -> str:
        if self.example:  # one line for all of a tab's example rows: 「活动」第2–3行是模板示例，…
            return f"「{self.tab}」{self.reason}"
        where = f"「{self.tab}」第{self.row}行" if self.row else f"「{self.tab}」"
        col = f"「{self.column}」" if self.column else ""
        val = f" = {self.value!r}" if self.value not in ("", None) else ""
        return f"{where}{col}{val}：{self.reason}"


@dataclass(frozen=True)
class Settings:
    """The 设置 tab, parsed, with the contract's defaults."""

    target_roi: float = 1.0
    gross_margin: float | None = None
    currency: str = "CNY"
    attribution_model: str = "markov"
    lookback_days: int = 30
    half_life_days: float = 7.0
    report_day: int = 1
    report_time: str = "09:00"
    timezone: str = "Asia/Shanghai"
    report_channel: str | None = None
    earliest_date: dt.date = dt.date(2000, 1, 1)  # dates outside earliest..latest are problems
    latest_date: dt.date = dt.date(2100, 12, 31)
    check_time: str = "10:00"  # the daily check of running campaigns, local time
    alert_channel: str | None = None  # Slack channel for alerts (None: the report channel)
    attribution_coverage: float = 0.5  # 触点 revenue share of 活动 revenue needed to use the model for advice
    budget_change_limit: float = 0.5  # each channel's budget moves at most this fraction in a reallocation

    @property
    def currency_symbol(self) -> str:
        return {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}.get(
            self.currency.upper(), self.currency + " ")


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
    # ``tab_titles`` says which were found
    orders: pd.DataFrame = field(default_factory=lambda: _empty_frame(ORDERS))
    customers: pd.DataFrame = field(default_factory=lambda: _empty_frame(CUSTOMERS))
    budgets: pd.DataFrame = field(default_factory=lambda: _empty_frame(BUDGETS))
    # the template's example rows still in the sheet (tab title → sheet rows): never counted, always reported
    example_rows: dict = field(default_factory=dict)

    def example_warnings(self, lang: str = "zh") -> list[str]:
        """One sentence per tab that still holds the template's example rows, in ``lang`` (zh or en)."""
        return [example_notice(tab, rows, lang) for tab, rows in self.example_rows.items()]

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


def _problem_records(tab: str, rows: pd.Series, header: str, raw: pd.Series, reasons: pd.Series) -> list[Problem]:
    bad = reasons.notna().to_numpy()
    if not bad.any():
        return []
    return [
        Problem(tab, int(r), header, _cell_text(v), str(why))
        for r, v, why in zip(rows[bad].tolist(), raw[bad].tolist(), reasons[bad].tolist(), strict=True)
    ]


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    # whole numbers as typed (12345, not 12345.0); a huge one keeps its exponent, not 300 digits
    if isinstance(value, float) and value.is_integer() and abs(value) <= 1e15:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        digits = str(abs(value))  # no float can hold it: write the exponent by hand
        return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    return str(value)


def normalize_table(title: str, rows: list[list], spec: TabSpec, tz: str | None = None,
                    dates: tuple[object, object] = (None, None)) -> _TabResult:
    """Parse one people-written tab against its spec (header row first).

    ``dates`` is the accepted (earliest, latest) day of date cells (None: the defaults of
    :func:`roi_core.parse.date_window`). A missing required column, or two columns that
    map to one field, make the whole tab unusable: its frame is empty and ``blocking`` says why.
    """
    lookup = column_lookup(spec)
    start = next((i for i, r in enumerate(rows) if any(not _is_blank_cell(c) for c in r)), None)
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
            blocking.append(_tab_sentence(title, why))
    for col in spec.columns:
        if col.required and col.key not in by_key:
            why = f"缺少必填列「{col.header}」"
            problems.append(Problem(title, None, col.header, "", why, blocking=True))
            blocking.append(_tab_sentence(title, why))
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
                                _cell_text(raw.loc[examples, by_key[marked.key]].iloc[0]),
                                _example_reason(example_frame[ROW_COLUMN].tolist(), "zh"), example=True))
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
        problems += _problem_records(title, sheet_rows, header[i], cells, reasons)
        bad_row |= reasons.notna()
        frame[col.key] = parsed.values

    row_reasons = _row_checks(spec, frame)
    for key, reasons in row_reasons:
        i = by_key[key]
        problems += _problem_records(title, sheet_rows, header[i], raw[i], reasons)
        bad_row |= reasons.notna()

    # unknown columns are kept (under their header as written) and ignored by the numbers
    for i, h in enumerate(header):
        if i not in by_key.values() and h.strip() and h not in frame.columns:
            frame[h] = raw[i]

    frame[ROW_COLUMN] = sheet_rows.astype("int64")
    clean = frame[~bad_row.to_numpy()].reset_index(drop=True)
    problems.sort(key=lambda p: (p.row or 0))
    n_examples = 0 if example_frame is None else len(example_frame)
    return _TabResult(clean, problems, int(bad_row.sum()) + n_examples, [], frame[bad_row.to_numpy()], example_frame)


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


def _row_span(rows: list[int], lang: str) -> str:
    """Sheet rows as runs: [2, 3, 7] → 2–3、7 (en: 2–3, 7)."""
    runs: list[list[int]] = []
    for r in sorted(set(rows)):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    return (", " if lang == "en" else "、").join(parts)


def _example_reason(rows: list[int], lang: str) -> str:
    one = len(set(rows)) == 1
    if lang == "en":
        if one:
            return f"row {rows[0]} is a template example, not counted; delete this row once confirmed"
        return f"rows {_row_span(rows, lang)} are template examples, not counted; delete these rows once confirmed"
    return f"第{_row_span(rows, lang)}行是模板示例，未计入；确认后删除{'这一行' if one else '这些行'}"


def example_notice(tab: str, rows: list[int], lang: str = "zh") -> str:
    """The warning for a tab still holding the template's example rows:
    「活动」第2–3行是模板示例，未计入；确认后删除这些行 (en: 「活动」 rows 2–3 are template examples, …)."""
    if lang == "en":
        return f"「{tab}」 {_example_reason(rows, lang)}"
    return f"「{tab}」{_example_reason(rows, lang)}"


def _tab_sentence(title: str, why: str) -> str:
    """A blocking problem as one sentence naming its tab: 「活动」缺少必填列「销售额」."""
    return f"「{title}」{why}" if why.startswith("缺少") else f"「{title}」：{why}"


def _is_blank_cell(c: object) -> bool:
    return c is None or (isinstance(c, float) and np.isnan(c)) or (isinstance(c, str) and not c.strip())


def _row_checks(spec: TabSpec, frame: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """Cross-column rules; each returns reasons aligned with the frame (None where fine)."""
    checks = []
    if spec is CAMPAIGNS:
        end_before = frame["end_date"].notna() & frame["start_date"].notna() & (frame["end_date"] < frame["start_date"])
        checks.append(("end_date", _why(end_before, "结束日期早于开始日期")))
        too_many = frame["clicks"].notna() & frame["impressions"].notna() & (frame["clicks"] > frame["impressions"])
        checks.append(("clicks", _why(too_many, "点击量大于曝光量")))
    return [(k, r) for k, r in checks if r.notna().any()]


def _why(mask: pd.Series, reason: str) -> pd.Series:
    out = pd.Series(None, index=mask.index, dtype="object")
    out[mask.to_numpy()] = reason
    return out


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
        parsed, reason = _parse_setting(spec.kind, spec.key, value)
        if reason:
            fallback = "已忽略此项" if spec.default is None else f"已用默认值 {spec.default}"
            problems.append(Problem(title, int(row), "值", _cell_text(value), f"{spec.name}：{reason}，{fallback}"))
        else:
            values[spec.key] = parsed
            rows_of[spec.key] = int(row)
    earliest, latest = values.get("earliest_date"), values.get("latest_date")
    if earliest is not None and latest is not None and earliest > latest:
        problems.append(Problem(title, rows_of["latest_date"], "值", latest.isoformat(),
                                f"最晚日期早于最早日期 {earliest.isoformat()}，两者都已用默认值"))
        del values["earliest_date"], values["latest_date"]
    return Settings(**values), problems


# 设置 numbers beyond these are typos; a lookback of 1e15 days would not even fit a timestamp
_SETTING_RANGES = {
    "target_roi": (-1.0, 100.0, "目标ROI应在 -100% 至 10000% 之间"),
    "gross_margin": (0.0, 1.0, "毛利率应在 0%-100% 之间"),
    "report_day": (1, 31, "月报日应在 1-31 之间"),
    "lookback_days": (1, 3650, "回溯天数应在 1-3650 之间"),
    "half_life_days": (0.01, 3650, "半衰期应在 0.01-3650 天之间"),
}


def _parse_setting(kind: str, key: str, value: object) -> tuple[object, str | None]:
    cell = pd.Series([value], dtype=object)
    low, high, out_of_range = _SETTING_RANGES.get(key, (-np.inf, np.inf, ""))
    if kind == "percent":
        p = PARSERS["percent"](cell)
        if p.bad.iloc[0]:
            return None, "不是百分比"
        v = float(p.values.iloc[0])
        text = normalize_text(value)
        # "40" for a margin means 40%; a target ROI of 150 means 150%
        if not text.endswith("%") and v > 1 and not isinstance(value, (int, float)):
            v /= 100.0
        if not low <= v <= high:
            return None, out_of_range
        # 毛利 = 销售额 x 毛利率: a margin of 1e-282 would make every return dust that ratios divide by
        if key == "gross_margin" and 0 < v < 0.0001:
            return None, "毛利率不足 0.01%（填 0 或检查小数点）"
        return v, None
    if kind in ("count", "number"):
        p = PARSERS[kind](cell)
        if p.bad.iloc[0] or p.values.isna().iloc[0]:
            return None, p.reason.iloc[0] if p.bad.iloc[0] else "不是数字"
        v = float(p.values.iloc[0])
        if not low <= v <= high:
            return None, out_of_range
        return (int(v) if kind == "count" else v), None
    if kind == "date":
        return _parse_date_setting(value)
    if kind == "time":
        text = normalize_text(value)
        if isinstance(value, float) and 0 <= value < 1:  # a time cell as a day fraction
            minutes = round(value * 24 * 60)
            return f"{minutes // 60:02d}:{minutes % 60:02d}", None
        if isinstance(value, dt.time):
            return value.strftime("%H:%M"), None
        parts = text.replace("：", ":").split(":")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1][:2].isdigit():
            h, m = int(parts[0]), int(parts[1][:2])
            if 0 <= h < 24 and 0 <= m < 60:
                return f"{h:02d}:{m:02d}", None
        return None, "不是时间（例：09:00）"
    text = str(value).strip()
    if key == "timezone":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name, a folder
            return None, "不是有效的时区（例：Asia/Shanghai）"
    if key == "currency":
        text = text.upper()
    return text, None


def _parse_date_setting(value: object) -> tuple[dt.date | None, str | None]:
    """最早日期 / 最晚日期: a typed date, a date cell or a serial (the 值 column arrives as text)."""
    if isinstance(value, str):
        try:  # a Google date cell read unformatted is a serial number, handed over as its text
            value = float(value)
        except ValueError:
            pass
    p = parse_date(pd.Series([value], dtype=object), earliest=WIDEST_DATE_MIN, latest=WIDEST_DATE_MAX)
    if p.values.isna().iloc[0]:
        return None, f"不是 {WIDEST_DATE_MIN:%Y-%m-%d} 至 {WIDEST_DATE_MAX:%Y-%m-%d} 之间的日期（例：2000-01-01）"
    return p.values.iloc[0].date(), None


def load_sheet(tabs: dict[str, list[list]], *, source: str = "", fetched_at: dt.datetime | None = None) -> SheetData:
    """Clean every people-written tab found in ``tabs`` (title → rows) into a SheetData.

    Tab titles match the contract after NFKC, trim and case-fold. A missing
    活动 tab, or a 活动 / 设置 tab that cannot be read (a missing required column,
    two columns for one field), is recorded in ``missing`` and as a blocking
    problem; answers that need it raise :class:`roi_core.errors.DataError`.
    Date cells must fall in 设置's 最早日期 .. 最晚日期 (2000-01-01 .. 2100-12-31).
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
        missing += [_tab_sentence(title, p.reason) for p in setting_problems if p.blocking]
    dates = (settings.earliest_date, settings.latest_date)

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
        if result.skipped_frame is not None:
            skipped_campaign_rows = result.skipped_frame[[ROW_COLUMN, "campaign"]].reset_index(drop=True)
        if result.examples is not None:
            example_rows[title] = tuple(result.examples[ROW_COLUMN].tolist())
            skipped_campaign_rows = pd.concat([skipped_campaign_rows, result.examples[[ROW_COLUMN, "campaign"]]],
                                              ignore_index=True)

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
    for spec in (ORDERS, CUSTOMERS, BUDGETS):
        optional[spec.key] = _empty_frame(spec)
        title = find_tab(spec, titles)
        if title is not None:
            found[spec.key] = title
            result = normalize_table(title, tabs[title], spec, settings.timezone, dates)
            optional[spec.key] = result.frame
            problems += result.problems
            skipped += result.skipped
            if result.examples is not None:
                example_rows[title] = tuple(result.examples[ROW_COLUMN].tolist())

    return SheetData(
        orders=optional["orders"],
        customers=optional["customers"],
        budgets=optional["budgets"],
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
    )


def setting_defaults() -> list[tuple[str, object, str]]:
    """(参数, 默认值, 含义) rows for the init template and the README."""
    return [(s.name, "" if s.default is None else s.default, s.meaning) for s in SETTING_SPECS]

