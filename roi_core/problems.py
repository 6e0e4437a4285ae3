"""Problem records: one thing wrong in a people-written tab, worded for the people who wrote it.

A leaf module (pandas/numpy only) so that both :mod:`roi_core.sheetdata` (cell and row rules) and
:mod:`roi_core.tab_checks` (rules across rows: duplicates, overlaps, dates after today) can build them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a people-written tab, worded for the people who wrote it.

    ``blocking`` problems make a whole tab unusable: a missing 活动 tab, a
    missing required column, two columns that mean the same field, an empty 活动 tab. The others
    are bad cells or rows, left out of the numbers while the rest still count. A ``warning`` is a
    value that is kept and counted but most likely a slip (a 预算 of 0): listed so someone looks.
    """

    tab: str
    row: int | None  # sheet row number; None for a whole-tab problem (a missing column)
    column: str  # header as written (or the canonical header when missing)
    value: str
    reason: str
    blocking: bool = False
    example: bool = False  # the template's example rows are still there (not an error; they are not counted)
    warning: bool = False  # the row still counts (see the class docstring)

    def describe(self) -> str:
        if self.example:  # one line for all of a tab's example rows: 「活动」第2–3行是模板示例，…
            return f"「{self.tab}」{self.reason}"
        where = f"「{self.tab}」第{self.row}行" if self.row else f"「{self.tab}」"
        col = f"「{self.column}」" if self.column else ""
        val = f" = {self.value!r}" if self.value not in ("", None) else ""
        return f"{where}{col}{val}：{self.reason}"


def problem_records(tab: str, rows: pd.Series, header: str, raw: pd.Series, reasons: pd.Series,
                    warning: bool = False) -> list[Problem]:
    """One :class:`Problem` per non-null ``reasons`` entry (aligned with ``rows``, the sheet rows, and ``raw``)."""
    bad = reasons.notna().to_numpy()
    if not bad.any():
        return []
    return [
        Problem(tab, int(r), header, cell_text(v), str(why), warning=warning)
        for r, v, why in zip(rows[bad].tolist(), raw[bad].tolist(), reasons[bad].tolist(), strict=True)
    ]


def cell_text(value: object) -> str:
    """A cell as people would read it back: 12345 (not 12345.0), blank as ""."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    # whole numbers as typed (12345, not 12345.0); a huge one keeps its exponent, not 300 digits
    if isinstance(value, float) and value.is_integer() and abs(value) <= 1e15:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        digits = str(abs(value))  # no float can hold it: write the exponent by hand
        return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    return str(value)


def why(mask: pd.Series, reason: str) -> pd.Series:
    """``reason`` where ``mask`` holds, None elsewhere (the shape every row rule returns)."""
    out = pd.Series(None, index=mask.index, dtype="object")
    out[mask.to_numpy()] = reason
    return out


def row_span(rows: list[int], lang: str) -> str:
    """Sheet rows as runs: [2, 3, 7] → 2–3、7 (en: 2–3, 7)."""
    runs: list[list[int]] = []
    for r in sorted(set(rows)):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    return (", " if lang == "en" else "、").join(parts)


def example_reason(rows: list[int], lang: str) -> str:
    one = len(set(rows)) == 1
    if lang == "en":
        if one:
            return f"row {rows[0]} is a template example, not counted; delete this row once confirmed"
        return f"rows {row_span(rows, lang)} are template examples, not counted; delete these rows once confirmed"
    return f"第{row_span(rows, lang)}行是模板示例，未计入；确认后删除{'这一行' if one else '这些行'}"


def example_notice(tab: str, rows: list[int], lang: str = "zh") -> str:
    """The warning for a tab still holding the template's example rows:
    「活动」第2–3行是模板示例，未计入；确认后删除这些行 (en: 「活动」 rows 2–3 are template examples, …)."""
    if lang == "en":
        return f"「{tab}」 {example_reason(rows, lang)}"
    return f"「{tab}」{example_reason(rows, lang)}"


def tab_sentence(title: str, why: str) -> str:
    """A blocking problem as one sentence naming its tab: 「活动」缺少必填列「销售额」."""
    return f"「{title}」{why}" if why.startswith("缺少") else f"「{title}」：{why}"
