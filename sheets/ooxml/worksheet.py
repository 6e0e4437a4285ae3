"""One worksheet part: cells read as values, some replaced, and only ``<sheetData>`` and
``<dimension>`` re-rendered; a blank worksheet part for a new assistant tab."""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal

from sheets.ooxml.xmlutil import (
    _CELL_REF,
    _ILLEGAL_XML,
    MAIN_NS,
    REL_NS,
    XML_NS,
    PackageError,
    _attr,
    _local,
    _rich_text,
    _text,
    col_letters,
    col_number,
)


@dataclass
class _New:
    """A cell this module rendered, with the value it holds."""

    xml: str
    value: object


@dataclass
class _Row:
    attrib: dict
    cells: dict[int, ET.Element | _New] = field(default_factory=dict)


class Worksheet:
    """One worksheet part: its cells read as values, some replaced, the part re-rendered.

    Only ``<sheetData>`` and ``<dimension>`` change; the rest of the part
    (views, column widths, merged cells, conditional formats, …) is kept as text.
    """

    def __init__(self, xml: bytes, shared_strings=None):
        self.text = xml.decode("utf-8")
        self.prefixes: dict[str, str] = {XML_NS: "xml"}  # uri → prefix, as the root element declares them
        root = None
        for event, item in ET.iterparse(io.BytesIO(xml), events=("start-ns", "start")):
            if event == "start-ns" and root is None:
                self.prefixes.setdefault(item[1], item[0])
            elif event == "start" and root is None:
                root = item
        self.root = root
        self.main = self.root.tag[1:].split("}")[0] if self.root.tag.startswith("{") else ""
        self.p = f"{self.prefixes.get(self.main, '')}:" if self.prefixes.get(self.main) else ""
        self.rows: dict[int, _Row] = {}
        self.formula_overwritten = False
        data = self.root.find(self._q("sheetData"))
        if data is None:
            raise PackageError("worksheet without sheetData")
        r = 0
        for row_el in data:
            if _local(row_el.tag) != "row":
                continue
            r = int(row_el.get("r") or r + 1)
            row = self.rows.setdefault(r, _Row({k: v for k, v in row_el.attrib.items() if k not in ("r", "spans")}))
            c = 0
            for cell in row_el:
                if _local(cell.tag) != "c":
                    continue
                ref = _CELL_REF.match(cell.get("r", ""))
                c = col_number(ref.group(1)) if ref else c + 1
                row.cells[c] = cell
        wanted = {int(v.text) for row in self.rows.values() for cell in row.cells.values()
                  if cell.get("t") == "s" and (v := cell.find(self._q("v"))) is not None and (v.text or "").strip()}
        self._shared = shared_strings(wanted) if (wanted and shared_strings) else {}

    def _q(self, local: str) -> str:
        return f"{{{self.main}}}{local}" if self.main else local

    # ---- reading
    def value(self, cell: ET.Element | _New):
        if isinstance(cell, _New):
            return cell.value
        t = cell.get("t", "n")
        if t == "inlineStr":
            inline = cell.find(self._q("is"))
            return _rich_text(inline) if inline is not None else None
        v = cell.find(self._q("v"))
        if v is None or v.text is None:
            return None
        if t == "s":
            return self._shared.get(int(v.text), "")
        if t == "b":
            return v.text.strip() in ("1", "true")
        if t in ("str", "e", "d"):
            return v.text
        try:
            number = float(v.text)
        except ValueError:
            return v.text
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def grid(self) -> list[list]:
        """Every row as a list of values (0-based; row 1 of the sheet is ``grid[0]``)."""
        if not self.rows:
            return []
        out = []
        for r in range(1, max(self.rows) + 1):
            row = self.rows.get(r)
            if row is None or not row.cells:
                out.append([])
                continue
            values = [None] * max(row.cells)
            for c, cell in row.cells.items():
                values[c - 1] = self.value(cell)
            out.append(values)
        return out

    # ---- writing
    def put(self, r: int, c: int, value, style: str | None = None) -> None:
        """Set cell (r, c), 1-based, keeping the style of the cell that was there."""
        row = self.rows.setdefault(r, _Row({}))
        old = row.cells.get(c)
        if isinstance(old, ET.Element):
            if old.find(self._q("f")) is not None:
                self.formula_overwritten = True
            style = old.get("s") or style
        rendered = self._cell(f"{col_letters(c)}{r}", value, style)
        if rendered is None:
            row.cells.pop(c, None)
        else:
            row.cells[c] = rendered

    def _cell(self, ref: str, value, style: str | None) -> _New | None:
        """A value as a cell: numbers and booleans as such, everything else as an inline string (never a formula)."""
        p = self.p
        s = f' s="{style}"' if style else ""
        if isinstance(value, Decimal):
            value = float(value)
        if isinstance(value, bool):
            return _New(f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>', value)
        if isinstance(value, numbers.Real):
            number = float(value)
            if math.isnan(number) or math.isinf(number):
                value = None
            else:
                exact = number.is_integer() and abs(number) < 2**53
                text = str(int(number)) if exact else repr(number)
                return _New(f'<{p}c r="{ref}"{s}><{p}v>{text}</{p}v></{p}c>', int(number) if exact else number)
        if value is None or value == "":
            return _New(f'<{p}c r="{ref}"{s}/>', None) if style else None
        if isinstance(value, dt.datetime):
            value = value.isoformat(sep=" ")
        elif isinstance(value, dt.date | dt.time):
            value = value.isoformat()
        text = _ILLEGAL_XML.sub("", str(value))
        return _New(f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{_text(text)}</{p}t>'
                    f'</{p}is></{p}c>', text)

    # ---- rendering
    def render(self) -> bytes:
        p = self.p
        rows = []
        min_r = min_c = None
        max_r = max_c = 0
        for r in sorted(self.rows):
            row = self.rows[r]
            if not row.cells and not row.attrib:
                continue
            cells = "".join(cell.xml if isinstance(cell, _New) else self._serialise(cell, {})
                            for _, cell in sorted(row.cells.items()))
            rows.append(self._element(self._q("row"), {"r": str(r), **row.attrib}, cells, {}))
            if row.cells:
                min_r = r if min_r is None else min_r
                max_r = r
                min_c = min(min(row.cells), min_c or 10**6)
                max_c = max(max(row.cells), max_c)
        data = f"<{p}sheetData>{''.join(rows)}</{p}sheetData>" if rows else f"<{p}sheetData/>"
        ref = "A1" if min_r is None else (f"{col_letters(min_c)}{min_r}" + (
            f":{col_letters(max_c)}{max_r}" if (min_r, min_c) != (max_r, max_c) else ""))
        text = self.text
        pfx = re.escape(p)
        span = re.search(rf"<{pfx}sheetData(?:\s[^>]*)?(?:/>|>.*?</{pfx}sheetData\s*>)", text, re.S)
        if span is None:
            raise PackageError("sheetData not found")
        head, tail = text[:span.start()], text[span.end():]
        dim = re.search(rf"<{pfx}dimension\b[^>]*/>", head)
        if dim is not None:
            head = head[:dim.start()] + f'<{p}dimension ref="{ref}"/>' + head[dim.end():]
        else:
            first = re.search(rf"<{pfx}(?:sheetViews|sheetFormatPr|cols)\b", head)
            at = first.start() if first else len(head)
            head = head[:at] + f'<{p}dimension ref="{ref}"/>' + head[at:]
        return (head + data + tail).encode("utf-8")

    def _qname(self, name: str, local_decls: dict) -> str:
        if not name.startswith("{"):
            return name
        uri, local = name[1:].split("}", 1)
        prefix = self.prefixes.get(uri, local_decls.get(uri))
        if prefix is None:
            prefix = f"roi{len(local_decls) + 1}"
            local_decls[uri] = prefix
        return f"{prefix}:{local}" if prefix else local

    def _serialise(self, el: ET.Element, inherited: dict) -> str:
        """An element parsed from this part, written back with the part's own prefixes."""
        decls = dict(inherited)
        inner = "".join(self._serialise(child, decls) + _text(child.tail or "") for child in el)
        return self._element(el.tag, el.attrib, _text(el.text or "") + inner, decls)

    def _element(self, tag: str, attrib: dict, inner: str, decls: dict) -> str:
        """``<tag attrs>inner</tag>``; a namespace the root does not declare is declared here."""
        before = set(decls)
        name = self._qname(tag, decls)
        attrs = "".join(f' {self._qname(k, decls)}="{_attr(v)}"' for k, v in attrib.items())
        xmlns = "".join(f' xmlns:{prefix}="{_attr(uri)}"' for uri, prefix in decls.items() if uri not in before)
        return f"<{name}{xmlns}{attrs}>{inner}</{name}>" if inner else f"<{name}{xmlns}{attrs}/>"


def new_worksheet(columns: int) -> bytes:
    """A blank worksheet part for an assistant tab: header row frozen, readable column widths."""
    cols = f'<cols><col min="1" max="{max(columns, 1)}" width="14" customWidth="1"/></cols>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><dimension ref="A1"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'{cols}<sheetData/></worksheet>').encode()
