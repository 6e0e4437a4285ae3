"""What every part of :mod:`sheets.ooxml` shares: the OOXML namespaces, column letters, and the
small helpers that read element names and write XML text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
WORKSHEET_REL = REL_NS + "/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class PackageError(ValueError):
    """The file is a zip but not a workbook we can edit safely."""


def col_letters(n: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


def _rich_text(el: ET.Element) -> str:
    """The text of an ``<si>`` or ``<is>``: plain ``<t>`` and rich-text runs, phonetic hints left out."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _root_namespace(xml: bytes) -> str:
    tag = ET.fromstring(xml).tag
    return tag[1:].split("}")[0] if tag.startswith("{") else ""


def _prefix_in(text: str, uri: str) -> str:
    """``'x:'`` when ``uri`` is bound to prefix x in the document's declarations, ``''`` when it is the default."""
    for m in re.finditer(r'xmlns(?::([\w.-]+))?="([^"]*)"', text):
        if m.group(2) == uri:
            return f"{m.group(1)}:" if m.group(1) else ""
    return ""
