"""The zip package: parts read and replaced, a worksheet added to the workbook, the calculation chain
dropped, and the package saved with every unchanged part copied still compressed."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import shutil
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable

from sheets.ooxml.scan import UnreadCell, _CellScan
from sheets.ooxml.xmlutil import (
    REL_NS,
    WORKSHEET_CT,
    WORKSHEET_REL,
    PackageError,
    _attr,
    _local,
    _prefix_in,
    _rich_text,
    _root_namespace,
    col_number,
)


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

    def noted_cells(self, part: str) -> set[tuple[int, int]]:
        """The cells (1-based row, column) of a worksheet part that carry a comment or note: the legacy
        comments part (Excel's "notes") and Excel 365's threaded comments, both anchored by ``ref``."""
        out: set[tuple[int, int]] = set()
        for rel in self.relationships(self.rels_of(part)):
            if not rel["Type"].endswith(("/comments", "/threadedComment")) or rel["target"] in self.removed:
                continue
            if rel["target"] not in self.names and rel["target"] not in self.changed:
                continue  # a dangling relationship: nothing anchored
            text = self.read(rel["target"])
            for letters, row in re.findall(rb'<(?:[\w.-]+:)?(?:comment|threadedComment)\b[^>]*?\sref="\$?([A-Za-z]{1,3})\$?(\d+)"',
                                           text):
                out.add((int(row), col_number(letters.decode())))
        return out

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


def part_bytes(path, names: Iterable[str]) -> dict[str, bytes]:
    """The raw bytes of some parts of a package (tests compare people's tabs with this)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in names}
