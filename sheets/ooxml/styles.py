"""styles.xml, read only: a plain bold cell format for a new tab's header."""

from __future__ import annotations

import re

from sheets.ooxml.package import Package
from sheets.ooxml.xmlutil import _prefix_in, _root_namespace


def bold_style(package: Package) -> str | None:
    """The index of a plain bold cell format the workbook already has (for a new tab's header), or None.

    styles.xml is shared by every tab, so it is never rewritten: people's formats stay byte for
    byte. Plain means a bold font that is not italic, underlined, struck or coloured, on no
    fill, border or number format. A workbook without one gets a header in the default format.
    """
    part = next((r["target"] for r in package.relationships(package.rels_of(package.workbook))
                 if r["Type"].endswith("/styles")), None)
    if part is None:
        return None
    text = package.read(part).decode("utf-8")
    p = re.escape(_prefix_in(text, _root_namespace(package.read(part))))
    fonts = re.search(rf"<{p}fonts\b[^>]*>(.*?)</{p}fonts>", text, re.S)
    xfs = re.search(rf"<{p}cellXfs\b[^>]*>(.*?)</{p}cellXfs>", text, re.S)
    if fonts is None or xfs is None:
        return None
    fonts_found = re.findall(rf"<{p}font\b.*?(?:/>|</{p}font>)", fonts.group(1), re.S)
    plain_bold = {
        i for i, f in enumerate(fonts_found)
        if re.search(rf'<{p}b(?:\s+val="(?:1|true)")?\s*/>', f)
        and not re.search(rf"<{p}(?:i|u|strike)\b(?![^>]*val=\"(?:0|false)\")", f)
        and not re.search(rf'<{p}color\b(?![^>]*(?:theme="1"|rgb="FF000000"))', f)}
    for index, xf in enumerate(re.findall(rf"<{p}xf\b[^>]*?(?:/>|>.*?</{p}xf>)", xfs.group(1), re.S)):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', xf.split(">", 1)[0]))
        if (int(attrs.get("fontId", "0")) in plain_bold and attrs.get("numFmtId", "0") == "0"
                and attrs.get("fillId", "0") == "0" and attrs.get("borderId", "0") == "0"):
            return str(index)
    return None
