"""Edit the assistant's worksheets of an .xlsx package (moved to :mod:`sheets.ooxml.package`)."""

from sheets.ooxml.package import (
    MAIN_NS,
    PKG_REL_NS,
    REL_NS,
    WORKSHEET_CT,
    WORKSHEET_REL,
    XML_NS,
    Package,
    PackageError,
    UnreadCell,
    Worksheet,
    bold_style,
    col_letters,
    col_number,
    new_worksheet,
    part_bytes,
)

__all__ = ["MAIN_NS", "PKG_REL_NS", "REL_NS", "WORKSHEET_CT", "WORKSHEET_REL", "XML_NS", "Package", "PackageError",
           "UnreadCell", "Worksheet", "bold_style", "col_letters", "col_number", "new_worksheet", "part_bytes"]
