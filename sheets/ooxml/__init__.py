"""Edit the assistant's worksheets of an .xlsx package and copy every other part byte for byte.

Why not openpyxl for writes: loading a workbook with openpyxl and saving it
again drops the values Excel (or Google) last calculated for every formula in
every tab (openpyxl writes ``<f>`` without ``<v>``), so after one monthly write a
活动 row whose 销售额 is ``=D2*3`` reads back as blank; it also drops shapes,
slicers, sparklines and other parts it does not model. Here a write rewrites
only the ``<sheetData>`` (and ``<dimension>``) of the assistant's own worksheet
part; adding that tab also touches ``workbook.xml``, its relationships and
``[Content_Types].xml`` (one element added to each, text spliced, nothing else
re-serialised). Every other part, the people's worksheets and styles.xml
included, is copied unchanged, still compressed (no inflate and deflate of a
100 MB 活动 sheet on every write). A new tab's header reuses a plain bold
format the workbook already has, or none: styles.xml is never rewritten.

Reading side: :meth:`Package.unread_cells` finds the cells a reader of values
sees as blank (a formula saved without its result, an error result), so the
adapter can say which cell and how to fix it instead of counting a blank.

Cells we write are inline strings, numbers or booleans: a value that looks like
a formula (``=IMPORTXML(...)``) is stored as text, the RAW semantics of the
Sheets API. A cell we overwrite keeps its style (``s``), so a number format
people put on an assistant column stays.

The package's modules, each one concern: :mod:`~sheets.ooxml.package` (the zip and its parts),
:mod:`~sheets.ooxml.worksheet` (cells read and written), :mod:`~sheets.ooxml.scan` (cells that
read as blank), :mod:`~sheets.ooxml.styles` (a bold header format), :mod:`~sheets.ooxml.xmlutil`
(namespaces, column letters, XML text).
"""

from sheets.ooxml.package import Package, part_bytes
from sheets.ooxml.scan import UnreadCell
from sheets.ooxml.styles import bold_style
from sheets.ooxml.worksheet import Worksheet, new_worksheet
from sheets.ooxml.xmlutil import (
    MAIN_NS,
    PKG_REL_NS,
    REL_NS,
    WORKSHEET_CT,
    WORKSHEET_REL,
    XML_NS,
    PackageError,
    col_letters,
    col_number,
)

__all__ = ["MAIN_NS", "PKG_REL_NS", "REL_NS", "WORKSHEET_CT", "WORKSHEET_REL", "XML_NS", "Package", "PackageError",
           "UnreadCell", "Worksheet", "bold_style", "col_letters", "col_number", "new_worksheet", "part_bytes"]
