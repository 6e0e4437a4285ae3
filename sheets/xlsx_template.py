"""The ``init`` template as a new .xlsx workbook (openpyxl): per people tab an Excel table over the header
and :data:`~sheets.template.TABLE_ROWS` rows, a comment on every header cell (what it means, an example,
whether it is required), data validation per column (lists, dates, decimals ≥ 0, whole numbers) and the
example rows as typed, number-formatted, grey cells.

Only for a workbook that does not exist yet: an existing one is never rewritten by openpyxl (the xlsx
adapter changes only the assistant's own parts of a workbook, byte for byte).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from sheets.template import DATE_WINDOW, EXAMPLE_FILL, EXAMPLE_FONT, TABLE_ROWS, TemplateColumn, TemplateTab

_EXCEL_EPOCH = dt.date(1899, 12, 30)
AUTHOR = "ROI 助手"


def _serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days


def validation(col: TemplateColumn, cells: str) -> DataValidation | None:
    """The Excel rule of a template column over ``cells`` (``C2:C201``), or None for free text.

    Strict columns stop a wrong value; the others (渠道, 阶段) warn and let the value in.
    """
    if not col.validated:
        return None
    common = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True,
              "errorStyle": "stop" if col.strict else "warning", "error": col.message, "errorTitle": col.header,
              "prompt": col.message, "promptTitle": col.header}
    if col.type == "choice":
        rule = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', **common)
    elif col.type in ("date", "datetime"):
        # a time of day is a fraction of the day: the last day counts up to its midnight
        rule = DataValidation(type="date", operator="between", formula1=str(_serial(DATE_WINDOW[0])),
                              formula2=str(_serial(DATE_WINDOW[1]) + (1 if col.type == "datetime" else 0)), **common)
    elif col.maximum is not None:
        rule = DataValidation(type="decimal", operator="between", formula1=f"{col.minimum:g}",
                              formula2=f"{col.maximum:g}", **common)
    else:
        rule = DataValidation(type="whole" if col.whole else "decimal", operator="greaterThanOrEqual",
                              formula1=f"{col.minimum:g}", **common)
    rule.add(cells)
    return rule


def write_template_workbook(path: Path, tabs: list[TemplateTab]) -> None:
    """Save a new workbook at ``path`` holding ``tabs`` (see the module docstring)."""
    book = Workbook()
    book.remove(book.active)
    grey = PatternFill("solid", fgColor=EXAMPLE_FILL)
    for tab in tabs:
        ws = book.create_sheet(tab.title)
        ws.append(tab.headers)
        for row in tab.rows:
            ws.append(list(row))
        last_row = 1 + max(TABLE_ROWS, len(tab.rows))
        for i, col in enumerate(tab.columns, start=1):
            letter = get_column_letter(i)
            head = ws.cell(row=1, column=i)
            head.font = Font(bold=True)
            comment = Comment(col.note, AUTHOR)
            comment.width, comment.height = 260, 140
            head.comment = comment
            if col.number_format:  # the rows people will type too, so 50000 shows as ¥50,000.00
                for r in range(2, last_row + 1):
                    ws.cell(row=r, column=i).number_format = col.number_format
            if tab.examples:
                for r in range(2, 2 + len(tab.rows)):
                    ws.cell(row=r, column=i).fill = grey
                    ws.cell(row=r, column=i).font = Font(italic=True, color=EXAMPLE_FONT)
            rule = validation(col, f"{letter}2:{letter}{last_row}")
            if rule is not None:
                ws.add_data_validation(rule)
            ws.column_dimensions[letter].width = max(10, 2 * len(col.header) + 4)
        table = Table(displayName=tab.table_name, ref=f"A1:{get_column_letter(len(tab.columns))}{last_row}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        ws.freeze_panes = "A2"
    book.save(path)
