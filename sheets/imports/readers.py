"""A report export's bytes → its header and its rows, whatever the platform saved it as.

CSV in UTF-8 (with or without BOM), UTF-16 (Excel's 「Unicode 文本」) or GBK/GB18030, comma- or
tab-separated; .xlsx/.xlsm and .xls (read by python-calamine: cell values only; no formula, macro or
link in a workbook is ever evaluated). The file type is told by its first bytes, not its name. Title lines
above the header (报表时间：…) are kept for the day they may name; the header is the first of the first 30
lines that has a campaign column and a cost column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from sheets.imports.platforms import REQUIRED, find_columns

SCAN_LINES = 30  # lines looked at for the header
FIGURE_FIELDS = ("cost", "impressions", "clicks", "conversions", "revenue")
EMPTY_CELLS = ("", "-", "--", "—", "——", "/", "N/A", "n/a", "NA", "null", "NULL", "None")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


class ImportRefused(Exception):
    """A file that cannot be imported: ``message`` is one line naming the file; ``hint`` the fix."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def check_deadline(deadline: float | None, name: str) -> None:
    """Refuse once ``deadline`` (time.monotonic seconds) has passed: a parse never runs unbounded."""
    if deadline is not None and time.monotonic() > deadline:
        raise ImportRefused(f"{name}：解析超时，未导入", "文件太大：按月或按账户分开导出后再导入")


def decode(data: bytes) -> str:
    """The text of a CSV export: BOM first, then strict UTF-8, then GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def read_grid(name: str, data: bytes, deadline: float | None = None) -> tuple[list[str], list[str], pd.DataFrame, int]:
    """(title lines, header, body, 1-based file line of the body's first row). The body's columns are 0..n-1
    in header order; its cells are text (CSV) or the workbook's values (numbers, dates, text)."""
    if data.startswith(_ZIP) or data.startswith(_OLE):
        return _read_workbook(name, data, deadline)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused(f"{name}：不是 CSV 或 Excel 报表", "从广告平台导出 CSV 或 Excel（.xlsx/.xls）后再导入")
    return _read_csv(name, decode(data), deadline)


def _find_header(name: str, rows: list[list]) -> int:
    best, best_n = None, -1
    for i, row in enumerate(rows[:SCAN_LINES]):
        cells = ["" if c is None else str(c) for c in row]
        cols = find_columns(cells)
        if all(f in cols for f in REQUIRED):
            return i
        if len(cols) > best_n:
            best, best_n = i, len(cols)
    if best is None or not rows:
        raise ImportRefused(f"{name}：文件是空的", "从广告平台重新导出报表")
    return -1 - best  # no complete header: the closest line, flagged negative for the caller to refuse


def _title_and_header(name: str, rows: list[list]) -> tuple[list[str], list[str], int]:
    at = _find_header(name, rows)
    index = at if at >= 0 else -1 - at
    header = ["" if c is None else str(c).strip() for c in rows[index]]
    titles = [" ".join(str(c) for c in r if c not in (None, "")) for r in rows[:index]]
    if at < 0:
        return titles, header, -1
    return titles, header, index


def _read_csv(name: str, text: str, deadline: float | None) -> tuple[list[str], list[str], pd.DataFrame, int]:
    head_lines = text.splitlines()[:SCAN_LINES]
    sample = "\n".join(head_lines)
    sep = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(sample), delimiter=sep))
    titles, header, index = _title_and_header(name, rows)
    if index < 0:
        return titles, header, pd.DataFrame(), 0
    check_deadline(deadline, name)
    width = len(header)
    # figures are parsed by the C parser itself (thousands separators, "-" and "--" as empty); every other
    # column stays text (an account ID 0012 is not the number 12). A figure column with % or ¥ in it stays
    # text too, and sheets.imports.frame.numbers reads it.
    found = find_columns(header)
    figures = {i for f, (i, _) in found.items() if f in FIGURE_FIELDS}
    used = sorted({0, *(i for i, _ in found.values())})  # the columns read (the first may hold 合计)
    dtypes = {i: str for i in used if i not in figures}

    def parse(extra: bool) -> pd.DataFrame:
        # with ``extra``, one column past the header catches a row shifted by an unquoted comma (¥1,200)
        cols = [*used, width] if extra else used
        return pd.read_csv(io.StringIO(text), sep=sep, header=None, skiprows=index + 1,
                           dtype=dtypes | ({width: str} if extra else {}), keep_default_na=False,
                           na_values={i: list(EMPTY_CELLS) for i in figures}, thousands=",", skip_blank_lines=False,
                           engine="c", names=range(width + 1 if extra else width), index_col=False, usecols=cols,
                           quoting=csv.QUOTE_MINIMAL)

    try:  # the C parser: a million rows in a few seconds
        try:
            body = parse(extra=True)
            beyond = body.pop(width)
            body.attrs["wide"] = (beyond.notna() & (beyond.fillna("").str.strip() != "")).tolist()
        except pd.errors.ParserError as err:
            if "Too many columns specified" not in str(err):
                raise
            body = parse(extra=False)  # no row is wider than the header: nothing shifted
    except (pd.errors.ParserError, ValueError):
        # what the C parser refuses (a stray quote): the csv module reads it, each row cut to the header
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        for _ in range(index + 1):
            next(reader, None)
        rows = list(reader)
        body = pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in rows], columns=range(width), dtype=str)
        # cells beyond the header are a row shifted by an unquoted comma (¥1,200): never read as figures
        body.attrs["wide"] = [len(r) > width and any(c.strip() for c in r[width:]) for r in rows]
    check_deadline(deadline, name)
    return titles, header, body, index + 2


def _read_workbook(name: str, data: bytes, deadline: float | None) -> tuple[list[str], list[str], pd.DataFrame, int]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names[:10]]
    except (CalamineError, ValueError, OSError) as err:
        raise ImportRefused(f"{name}：Excel 文件打不开（{type(err).__name__}）",
                            "在 Excel 里另存为 .xlsx 或 CSV 后再导入") from None
    check_deadline(deadline, name)
    chosen = None
    for rows in sheets:  # the first sheet with a complete header; else the first with any data
        if not rows:
            continue
        if _find_header(name, rows) >= 0:
            chosen = rows
            break
        chosen = chosen or rows
    if chosen is None:
        raise ImportRefused(f"{name}：文件是空的", "从广告平台重新导出报表")
    titles, header, index = _title_and_header(name, chosen)
    if index < 0:
        return titles, header, pd.DataFrame(), 0
    width = len(header)
    body_rows = [list(r[:width]) + [None] * (width - len(r)) for r in chosen[index + 1:]]
    body = pd.DataFrame(body_rows, columns=range(width), dtype=object)
    return titles, header, body, index + 2


_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def title_day(titles: list[str]) -> pd.Timestamp | None:
    """The one day a title line names (报表时间：2026-06-01 or 2026-06-01 至 2026-06-01), else None."""
    found = set()
    for line in titles:
        for y, m, d in _DATE_IN_TEXT.findall(line):
            try:
                found.add(pd.Timestamp(int(y), int(m), int(d)))
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None
