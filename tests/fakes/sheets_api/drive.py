"""The bits of Drive v3 gspread touches: files list, get, create, delete."""

from __future__ import annotations

import re
import time

from .._server import Request
from .model import ApiError, _Book


class DriveHandlers:
    """drive.files.* for :class:`FakeSheetsAPI`."""

    def _drive_file(self, book: _Book) -> dict:
        return {"kind": "drive#file", "id": book.key, "name": book.props["title"],
                "mimeType": "application/vnd.google-apps.spreadsheet",
                "createdTime": book.created, "modifiedTime": book.modified}

    def _drive_get(self, fid: str, request: Request, params: dict, call: dict) -> dict:
        call["spreadsheet_id"] = fid
        book = self._books.get(fid)
        if book is None:
            raise ApiError(404, f"File not found: {fid}.")
        return self._drive_file(book)

    def _drive_list(self, request: Request, params: dict, call: dict) -> dict:
        q = params.get("q") or ""
        m = re.search(r'name\s*=\s*"((?:[^"\\]|\\.)*)"', q) or re.search(r"name\s*=\s*'((?:[^'\\]|\\.)*)'", q)
        files = [self._drive_file(b) for b in self._books.values()
                 if m is None or b.props["title"] == m.group(1)]
        return {"kind": "drive#fileList", "incompleteSearch": False, "files": files}

    def _drive_create(self, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        key = f"fake-{len(self._books) + 1}-{int(time.time() * 1000)}"
        self.add_spreadsheet(key, body.get("name") or "Untitled spreadsheet")
        call["spreadsheet_id"] = key
        return self._drive_file(self._books[key])

    def _drive_delete(self, fid: str, request: Request, params: dict, call: dict) -> dict:
        call["spreadsheet_id"] = fid
        if self._books.pop(fid, None) is None:
            raise ApiError(404, f"File not found: {fid}.")
        return {}
