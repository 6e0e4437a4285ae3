"""The cells a reader of values sees as blank, found in worksheet XML without parsing it whole:
formulas saved without their result, and error results (see :meth:`Package.unread_cells`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets.ooxml.xmlutil import col_number


@dataclass(frozen=True)
class UnreadCell:
    """A cell whose value reads as blank: a formula saved without its result, or an error result."""

    row: int  # 1-based, as the sheet shows it
    column: int  # 1-based
    ref: str  # "E2"
    text: str  # the formula ("=D2*3"; a shared formula's later cells show the first cell's) or the error ("#N/A")
    kind: str  # "formula" | "error"


_XML_ENTITIES = {b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&apos;": b"'"}
_ATTR_R = re.compile(rb'\sr="\$?([A-Za-z]{1,3})\$?(\d+)"')
_ATTR_T = re.compile(rb'\st="(\w+)"')
_ATTR_SI = re.compile(rb'\ssi="(\d+)"')


class _CellScan:
    """Find formula cells without a ``<v>``, and error cells, in pieces of worksheet XML cut at row ends."""

    def __init__(self, prefix: bytes):
        self.c = b"<" + prefix + b"c"
        self.c_end = b"</" + prefix + b"c>"
        self.f = b"<" + prefix + b"f"
        self.f_end = b"</" + prefix + b"f>"
        self.v = b"<" + prefix + b"v"
        self.v_end = b"</" + prefix + b"v>"
        self.shared: dict[bytes, str] = {}  # si → the text of the shared formula's first cell
        self.found: list[UnreadCell] = []

    def feed(self, xml: bytes) -> None:
        pos = xml.find(self.f)
        while pos >= 0:
            after_name = xml[pos + len(self.f):pos + len(self.f) + 1]
            if after_name in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
                self._cell(xml, pos)
            pos = xml.find(self.f, pos + 1)
        pos = xml.find(b' t="e"')
        while pos >= 0:
            self._error(xml, pos)
            pos = xml.find(b' t="e"', pos + 1)

    def _error(self, xml: bytes, pos: int) -> None:
        start = xml.rfind(b"<", 0, pos)
        tag_end = xml.find(b">", pos)
        tag = xml[start:tag_end + 1]
        if not tag.startswith(self.c) or tag[len(self.c):len(self.c) + 1] not in (b" ", b"\t", b"\r", b"\n"):
            return
        ref = _ATTR_R.search(tag)
        if ref is None or tag.endswith(b"/>"):
            return
        end = xml.find(self.c_end, tag_end)
        v = xml.find(self.v + b">", tag_end, end)
        if v < 0:
            return  # an error formula without its result: found as a formula
        text = _unescape(xml[v + len(self.v) + 1:xml.find(self.v_end, v)]).strip()
        letters, row = ref.group(1).decode().upper(), int(ref.group(2))
        self.found.append(UnreadCell(row, col_number(letters), f"{letters}{row}", text, "error"))

    def _cell(self, xml: bytes, pos: int) -> None:
        # <f> is the first child of <c>, so the cell's start tag is what comes right before it
        cell_tag = xml[xml.rfind(b"<", 0, pos):pos]
        tag_end = xml.find(b">", pos)
        f_tag = xml[pos:tag_end]
        if f_tag.endswith(b"/"):
            text, after = b"", tag_end + 1
        else:
            close = xml.find(self.f_end, tag_end)
            text, after = xml[tag_end + 1:close], close + len(self.f_end)
        formula = _unescape(text)
        si = _ATTR_SI.search(f_tag)
        if si is not None and b't="shared"' in f_tag:
            if formula:
                self.shared[si.group(1)] = formula
            else:
                formula = self.shared.get(si.group(1), "")
        while xml[after:after + 1] in (b" ", b"\t", b"\r", b"\n"):  # pretty-printed XML
            after += 1
        if xml.startswith(self.v, after):
            v_open_end = xml.find(b">", after)
            if xml[v_open_end - 1:v_open_end] != b"/":
                value = xml[v_open_end + 1:xml.find(self.v_end, v_open_end)]
                t = _ATTR_T.search(cell_tag)
                if value.strip() or (t is not None and t.group(1) == b"str"):
                    return  # a saved result (an empty text result is a result too)
        ref = _ATTR_R.search(cell_tag)
        if ref is None:
            return  # a cell without its reference: too rare to place
        letters, row = ref.group(1).decode().upper(), int(ref.group(2))
        self.found.append(UnreadCell(row, col_number(letters), f"{letters}{row}", f"={formula}", "formula"))


def _unescape(text: bytes) -> str:
    for entity, char in _XML_ENTITIES.items():
        text = text.replace(entity, char)
    text = re.sub(rb"&#(x[0-9a-fA-F]+|\d+);",
                  lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[:1] == b"x" else int(m.group(1))).encode(), text)
    return text.replace(b"&amp;", b"&").decode("utf-8", "replace")
