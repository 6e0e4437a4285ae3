"""Random cells, random small sheets: no exception escapes a parser, and no NaN, inf or absurd number
reaches an answer.

Hypothesis draws the cells people (and sources) really produce, and the ones an adversary would:
text with full-width digits, ¥ $ 万 亿 %, commas, "nan"/"inf" strings, huge and tiny floats, ints of
any size, booleans, None, dates and datetimes of any year, tz-aware datetimes, numpy datetimes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import re

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from roi_core import DataError, answer, answer_json, load_sheet, parse_query
from roi_core.parse import MAX_MAGNITUDE, MIN_AMOUNT, PARSERS, date_window, parse_date
from roi_core.schema import CAMPAIGN_COLUMNS, TOUCHPOINT_COLUMNS

# examples per test are kept small so the suite stays fast; ROI_FUZZ_SCALE=20 hunts harder
SCALE = int(os.environ.get("ROI_FUZZ_SCALE", "1"))

# every float an answer carries stays under this: row values are ≤ 1e15, a sheet here has ≤ 6 rows,
# and no money denominator is under half a fen (≤ 6 x 4e15 / 0.005 ≈ 5e18)
ANSWER_BOUND = 1e21

MESSY_ALPHABET = list("0123456789０１２３４５６７８９.,，-+()（）¥￥$万亿%％eE 年月日/:TtZz元RMBnaifNIy是否")
SPECIAL_TEXT = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e308", "1e-300", "0.001", "1e15",
                "1000000000000001", "0000-00-00", "9999-12-31", "1900-01-01", "2262-04-12", "2026-02-30",
                "2026-06-18", "2026年6月18日", "6月18日", "2026-06-18 25:00", "2026-06-18T10:00+99:00", "¥1.2万",
                "(1,000)", "１２，３４５", "12.5%", "12.5％", "3亿", "1e308万", "是", "否", "TRUE", "Y", " ", ""]
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=-12))]

any_datetime = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31))
aware_datetime = st.builds(lambda d, z: d.replace(tzinfo=z), any_datetime, st.sampled_from(ZONES))
numpy_datetime = st.integers(-(10**17), 10**17).map(lambda n: np.datetime64(n, "D"))

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**400), 10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e-280, max_value=1e-280),
    st.sampled_from(SPECIAL_TEXT),
    st.text(st.sampled_from(MESSY_ALPHABET), max_size=14),
    st.text(max_size=8),
    st.dates(),
    any_datetime,
    aware_datetime,
    numpy_datetime,
    st.builds(pd.Timestamp, st.datetimes(min_value=dt.datetime(1678, 1, 1), max_value=dt.datetime(2262, 4, 1))),
)


def _column(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)


@settings(max_examples=80 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, max_size=12), st.sampled_from(sorted(PARSERS)))
def test_every_parser_takes_any_cells(values, kind):
    raw = _column(values)
    parsed = PARSERS[kind](raw)
    assert parsed.values.index.equals(raw.index) and parsed.reason.index.equals(raw.index)
    fine = ~parsed.blank & parsed.reason.isna()
    if kind in ("money", "count", "number", "percent", "score"):
        v = parsed.values.to_numpy(dtype="float64")
        known = ~np.isnan(v)
        assert np.isfinite(v[known]).all()
        assert (np.abs(v[known]) <= MAX_MAGNITUDE).all()
        # every cell is a number, blank, or a problem with a reason
        assert (known == fine.to_numpy()).all()
        if kind == "money":
            assert not ((v[known] != 0) & (np.abs(v[known]) < MIN_AMOUNT)).any()
        if kind == "count":
            assert (v[known] >= 0).all() and (v[known] == np.floor(v[known])).all()
    if kind == "date":
        lo, hi = date_window()
        known = parsed.values.notna()
        assert (known == fine).all()
        assert ((parsed.values[known] >= lo) & (parsed.values[known] < hi + pd.Timedelta(days=1))).all()
    if kind == "text":
        assert parsed.reason.isna().all()


@settings(max_examples=50 * SCALE, deadline=None)
@given(st.lists(cells, min_size=1, max_size=12), st.sampled_from([None, "Asia/Shanghai", "America/New_York"]),
       st.sampled_from([(None, None), ("1900-01-01", "2261-12-31"), ("1950-06-01", "2000-01-01")]))
def test_date_parser_with_zones_and_windows(values, tz, window):
    parsed = parse_date(_column(values), tz=tz, earliest=window[0], latest=window[1])
    lo, hi = date_window(*window)
    known = parsed.values.notna()
    assert (known == (~parsed.blank & parsed.reason.isna())).all()
    assert ((parsed.values[known] >= lo) & (parsed.values[known] < hi + pd.Timedelta(days=1))).all()


# --- whole sheets through load_sheet and the answers -------------------------------------------------

NAMES = ["618活动", "双11", "A"]
CHANNELS = ["抖音", "微信", "小红书"]
plausible_day = st.dates(dt.date(2025, 11, 1), dt.date(2026, 8, 31))
plausible = {
    "text": st.sampled_from(NAMES),
    "date": st.one_of(plausible_day, plausible_day.map(str), plausible_day.map(lambda d: (d - dt.date(1899, 12, 30)).days)),
    "money": st.one_of(st.integers(0, 10**6), st.floats(0.01, 1e6), st.sampled_from(["¥1.2万", "1,000", "(500)"])),
    "count": st.integers(0, 10**5),
    "number": st.floats(0, 600),
    "score": st.floats(0, 5),
    "bool": st.sampled_from(["是", "否", 1, 0]),
}


def _mostly(strategy, odds: int = 25):
    """``strategy``, but one draw in ``odds`` is any cell at all: rows mostly get through to the numbers."""
    return st.integers(1, odds).flatmap(lambda i: cells if i == 1 else strategy)


column_cell = {kind: _mostly(strategy) for kind, strategy in plausible.items()}

REQUIRED = [c for c in CAMPAIGN_COLUMNS if c.required]
OPTIONAL = [c for c in CAMPAIGN_COLUMNS if not c.required]


@st.composite
def campaign_tab(draw):
    columns = REQUIRED + draw(st.lists(st.sampled_from(OPTIONAL), max_size=8, unique_by=lambda c: c.key))
    if draw(st.integers(0, 9)) == 0:  # now and then a required column goes missing, or an alias doubles one
        columns = columns[1:] if draw(st.booleans()) else columns + [columns[-1]]
    order = draw(st.permutations(columns))
    headers = [draw(st.sampled_from([c.header, *c.aliases])) for c in order]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = []
        for c in order:
            if c.key == "channel":
                row.append(draw(_mostly(st.sampled_from(CHANNELS))))
            else:
                row.append(draw(column_cell[c.kind]))
        rows.append(row)
    return [headers, *rows]


@st.composite
def touch_tab(draw):
    headers = [c.header for c in TOUCHPOINT_COLUMNS]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(st.sampled_from(["C1", "C2"])) if c.key == "customer_id" else
               draw(st.sampled_from(CHANNELS)) if c.key == "channel" else draw(column_cell[c.kind])
               for c in TOUCHPOINT_COLUMNS]
        rows.append(row)
    return [headers, *rows]


settings_tab = st.lists(st.tuples(st.sampled_from(["目标ROI", "毛利率", "回溯天数", "时间衰减半衰期", "最早日期", "最晚日期",
                                                   "时区"]),
                                  _mostly(st.sampled_from(["40%", "150%", "-50%", "2020-01-01", "UTC", "7"]), 4)),
                        max_size=3).map(lambda rows: [["参数", "值"], *[list(r) for r in rows]])

QUERIES = ["618活动", "双11", "渠道", "渠道 2026-06", "排行", "建议", "月报 2026-06", "归因", "归因 线性 2026-06"]
_WORD_NAN = re.compile(r"(?<![A-Za-z])(nan|NaN|inf|Infinity)(?![A-Za-z])")


def _walk(value, names: list[str], path="answer"):
    """No float in the answer is inf or beyond the bound; no text of ours says nan or inf.

    NaN may stand for "unknown" inside the answer object (a suggestion's figures); the JSON form
    turns it into null, which :func:`test_random_sheets_give_answers_or_named_errors` checks too.
    ``names`` (campaigns and channels as the sheet spells them, a "-inf" channel included) are
    taken out of a text before it is searched.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "warnings":  # warnings quote the cells as typed, "nan" included
                _walk(getattr(value, f.name), names, f"{path}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            _walk(v, names, f"{path}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _walk(v, names, f"{path}[{i}]")
    elif isinstance(value, pd.DataFrame):
        _walk(value.to_dict("records"), names, path)
    elif isinstance(value, (float, np.floating)):
        assert math.isnan(value) or abs(value) <= ANSWER_BOUND, f"{path} = {value}"
    elif isinstance(value, str):
        ours = value
        for name in names:
            ours = ours.replace(name, "")
        assert not _WORD_NAN.search(ours), f"{path} = {value!r}"


# no shrinking: a whole sheet shrinks for minutes on two shared cores, and the example is readable as drawn
@settings(max_examples=20 * SCALE, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(campaign_tab(), touch_tab(), settings_tab, st.lists(st.sampled_from(QUERIES), min_size=3, max_size=3, unique=True))
def test_random_sheets_give_answers_or_named_errors(campaigns, touches, setting_rows, queries):
    data = load_sheet({"活动": campaigns, "触点": touches, "设置": setting_rows})
    for problem in data.problems:
        assert problem.reason and problem.tab in ("活动", "触点", "设置")
    names = {str(n) for frame in (data.campaigns, data.touchpoints) for col in ("campaign", "channel")
             for n in frame[col].dropna().tolist()}
    names = sorted(names, key=len, reverse=True)
    for text in queries:
        try:
            ans = answer(parse_query(text, dt.date(2026, 7, 15)), data, dt.date(2026, 7, 15))
        except DataError as err:
            assert str(err)
            event(f"{text}: DataError")
            continue
        event(f"{text}: {ans.kind}")
        _walk(ans, names)
        json.dumps(answer_json(ans), allow_nan=False, ensure_ascii=False)  # raises on NaN or inf
