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
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import posixpath
import re
import shutil
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
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


# ------------------------------------------------------------------------------------------- package
class Package:
    """An .xlsx (or .xlsm) file opened for editing part by part."""

    def __init__(self, path):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        self.changed: dict[str, bytes] = {}
        self.added: list[str] = []
        self.removed: set[str] = set()
        self.workbook = self._office_document()
        self._sheets: list[tuple[str, str]] | None = None

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name not in self.names or name in self.removed:
            raise PackageError(f"missing part {name}")
        return self.zip.read(name)

    def write(self, name: str, data: bytes) -> None:
        if name not in self.names and name not in self.changed:
            self.added.append(name)
        self.changed[name] = data

    def _office_document(self) -> str:
        for rel in self.relationships("_rels/.rels"):
            if rel["Type"].endswith("/officeDocument"):
                return rel["target"]
        raise PackageError("no workbook part")

    @staticmethod
    def rels_of(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    def relationships(self, rels_part: str) -> list[dict]:
        """Relationships of a .rels part, each with its ``target`` resolved to a part name."""
        if rels_part not in self.names and rels_part not in self.changed:
            return []
        root = ET.fromstring(self.read(rels_part))
        source_dir = posixpath.dirname(posixpath.dirname(rels_part))  # xl/_rels/x.rels → xl
        out = []
        for el in root:
            if _local(el.tag) != "Relationship" or el.get("TargetMode") == "External":
                continue
            target = el.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(source_dir, target))
            out.append({**el.attrib, "target": full})
        return out

    def sheets(self) -> list[tuple[str, str]]:
        """(tab title, worksheet part) in workbook order; chart sheets and the like left out."""
        if self._sheets is None:
            rels = {r["Id"]: r for r in self.relationships(self.rels_of(self.workbook))}
            root = ET.fromstring(self.read(self.workbook))
            out = []
            for el in (e for parent in root if _local(parent.tag) == "sheets" for e in parent):
                if _local(el.tag) != "sheet":
                    continue
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                rel = rels.get(rid)
                if rel is not None and rel["Type"].endswith("/worksheet"):
                    out.append((el.get("name", ""), rel["target"]))
            self._sheets = out
        return self._sheets

    def shared_strings(self, wanted: set[int]) -> dict[int, str]:
        """The shared strings at the ``wanted`` indices (streamed: a big table is not held in memory)."""
        part = next((r["target"] for r in self.relationships(self.rels_of(self.workbook))
                     if r["Type"].endswith("/sharedStrings")), None)
        if not wanted or part is None:
            return {}
        out: dict[int, str] = {}
        last = max(wanted)
        index = -1
        with self.zip.open(part) as src:
            for _, el in ET.iterparse(src, events=("end",)):
                if _local(el.tag) != "si":
                    continue
                index += 1
                if index in wanted:
                    out[index] = _rich_text(el)
                el.clear()
                if index >= last:
                    break
        return out

    def unread_cells(self, part: str) -> list[UnreadCell]:
        """The cells of a worksheet part whose value a reader of values sees as blank, in sheet order.

        Two kinds. A formula saved without its result: Excel and Google save each formula's
        last result next to it (``<f>…</f><v>…</v>``); tools that do not calculate (openpyxl,
        many exporters) save ``<f>`` alone. And an error result (``t="e"``: ``#DIV/0!``, ``#N/A``).
        Streamed (the part is never held whole) and searched at C speed, so a sheet with
        neither costs one inflate of its XML.
        """
        if part in self.changed:
            src = io.BytesIO(self.changed[part])
        else:
            src = self.zip.open(part)
        with src:
            head = src.read(1 << 16)
            root = re.search(rb"<(?:([\w.-]+):)?worksheet\b", head)
            p = (root.group(1) + b":") if root and root.group(1) else b""
            row_end = b"</" + p + b"row>"
            scan = _CellScan(p)
            buffer = head
            while True:
                chunk = src.read(1 << 22)
                if chunk:
                    buffer += chunk
                    cut = buffer.rfind(row_end)
                    if cut < 0:
                        continue
                    cut += len(row_end)
                else:
                    cut = len(buffer)
                scan.feed(buffer[:cut])
                buffer = buffer[cut:]
                if not chunk:
                    return sorted(scan.found, key=lambda cell: (cell.row, cell.column))

    # ---- structure
    def add_worksheet(self, title: str, xml: bytes) -> str:
        """Add a worksheet part at the end of the workbook; returns its part name."""
        n = 1
        while f"xl/worksheets/sheet{n}.xml" in self.names | set(self.changed):
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        self.write(part, xml)
        rels_part = self.rels_of(self.workbook)
        rel_ids = {r["Id"] for r in self.relationships(rels_part)}
        rid = next(f"rId{i}" for i in range(1, len(rel_ids) + 2) if f"rId{i}" not in rel_ids)
        target = posixpath.relpath(part, posixpath.dirname(self.workbook))
        self._insert_before_end(rels_part, "Relationships",
                                f'<Relationship Id="{rid}" Type="{WORKSHEET_REL}" Target="{_attr(target)}"/>')
        self._insert_before_end("[Content_Types].xml", "Types",
                                f'<Override PartName="/{part}" ContentType="{WORKSHEET_CT}"/>')
        text = self.read(self.workbook).decode("utf-8")
        p = _prefix_in(text, _root_namespace(self.read(self.workbook)))
        ids = [int(m) for m in re.findall(r'<(?:[\w.-]+:)?sheet\b[^>]*?\ssheetId="(\d+)"', text)]
        sheet_id = max(ids, default=0) + 1
        r = _prefix_in(text, REL_NS)
        declare = "" if r else f' xmlns:r="{REL_NS}"'
        r = r or "r:"
        element = f'<{p}sheet{declare} name="{_attr(title)}" sheetId="{sheet_id}" {r}id="{rid}"/>'
        self._insert_before_end(self.workbook, f"{p}sheets", element)
        self._sheets = None
        return part

    def _insert_before_end(self, part: str, qname: str, element: str) -> None:
        text = self.read(part).decode("utf-8")
        end = text.rfind(f"</{qname}>")
        if end < 0:
            empty = re.search(rf"<{re.escape(qname)}(\s[^>]*)?/>", text)
            if empty is None:
                raise PackageError(f"no <{qname}> in {part}")
            opening = empty.group(0)[:-2].rstrip() + ">"
            text = text[:empty.start()] + opening + element + f"</{qname}>" + text[empty.end():]
        else:
            text = text[:end] + element + text[end:]
        self.write(part, text.encode("utf-8"))

    def drop_calc_chain(self) -> None:
        """Forget Excel's calculation chain (it lists formula cells; Excel rebuilds it on open)."""
        rels_part = self.rels_of(self.workbook)
        chain = next((r for r in self.relationships(rels_part) if r["Type"].endswith("/calcChain")), None)
        if chain is None:
            return
        self.removed.add(chain["target"])
        rels = self.read(rels_part).decode("utf-8")
        rels = re.sub(rf'<(?:\w+:)?Relationship\b[^>]*\bId="{re.escape(chain["Id"])}"[^>]*/>', "", rels)
        self.write(rels_part, rels.encode("utf-8"))
        types = self.read("[Content_Types].xml").decode("utf-8")
        types = re.sub(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(chain["target"])}"[^>]*/>', "", types)
        self.write("[Content_Types].xml", types.encode("utf-8"))

    def save(self, dest) -> None:
        """Write the package to ``dest``: unchanged parts copied as they are, in their order."""
        with zipfile.ZipFile(dest, "w", allowZip64=True) as out:
            out.comment = self.zip.comment
            for info in self.zip.infolist():
                if info.filename in self.removed:
                    continue
                new = zipfile.ZipInfo(info.filename, info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                if info.filename in self.changed:
                    out.writestr(new, self.changed[info.filename])
                    continue
                if not self._copy_raw(info, out):
                    with self.zip.open(info) as src, out.open(new, "w", force_zip64=info.file_size > 2**30) as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
            now = dt.datetime.now().timetuple()[:6]
            for name in self.added:
                info = zipfile.ZipInfo(name, now)
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, self.changed[name])


    def _copy_raw(self, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
        """Append an entry's compressed bytes unchanged (no inflate and deflate again); False when it cannot.

        Why: re-deflating a 100 MB 活动 sheet took seconds per write; its bytes, CRC and sizes are
        already right. zipfile has no public call for this, so it writes the local header with
        ``ZipInfo.FileHeader`` and registers the entry as ``ZipFile.write`` does (stable since 3.6).
        """
        if info.flag_bits & 0x1 or not hasattr(out, "start_dir") or not hasattr(info, "FileHeader"):
            return False  # encrypted (never in an .xlsx), or a zipfile without the attributes used here
        src = self.zip.fp
        src.seek(info.header_offset)
        header = src.read(zipfile.sizeFileHeader)
        if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
            return False
        fields = struct.unpack(zipfile.structFileHeader, header)
        name_len, extra_len = fields[zipfile._FH_FILENAME_LENGTH], fields[zipfile._FH_EXTRA_FIELD_LENGTH]
        src.seek(info.header_offset + zipfile.sizeFileHeader + name_len + extra_len)
        new = zipfile.ZipInfo(info.filename, info.date_time)
        new.compress_type = info.compress_type
        new.external_attr = info.external_attr
        new.create_system = info.create_system
        new.flag_bits = info.flag_bits & ~0x08  # CRC and sizes go in the local header, not a data descriptor
        new.CRC, new.compress_size, new.file_size = info.CRC, info.compress_size, info.file_size
        zip64 = max(info.file_size, info.compress_size) > zipfile.ZIP64_LIMIT
        new.header_offset = out.fp.tell()
        out.fp.write(new.FileHeader(zip64))
        left = info.compress_size
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise PackageError(f"part {info.filename} is truncated")
            out.fp.write(chunk)
            left -= len(chunk)
        out.filelist.append(new)
        out.NameToInfo[new.filename] = new
        out.start_dir = out.fp.tell()
        out._didModify = True
        return True


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


# ----------------------------------------------------------------------------------------- worksheet
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

    def keep_only(self, cells: set[tuple[int, int]]) -> None:
        """Drop every cell not in ``cells`` (1-based (row, column)), and rows left empty."""
        for r in list(self.rows):
            row = self.rows[r]
            for c in list(row.cells):
                if (r, c) not in cells:
                    cell = row.cells.pop(c)
                    if isinstance(cell, ET.Element) and cell.find(self._q("f")) is not None:
                        self.formula_overwritten = True
            if not row.cells:
                del self.rows[r]

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


def part_bytes(path, names: Iterable[str]) -> dict[str, bytes]:
    """The raw bytes of some parts of a package (tests compare people's tabs with this)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in names}
