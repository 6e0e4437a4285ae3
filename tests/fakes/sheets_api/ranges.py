"""A1 notation: column letters, tab titles (quoted or bare), ranges such as 'タブ'!A1:C3, A:C, 2:5."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ApiError, _Book, _Tab


def col_letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letters: str) -> int:
    """A -> 0."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class _Range:
    tab: _Tab
    r0: int
    c0: int
    r1: int | None  # exclusive; None = to the end of the grid
    c1: int | None
    single: bool  # a single cell such as A1: for writes it is only the anchor
    text: str  # as requested (decoded)

    @property
    def er1(self) -> int:
        return self.tab.row_count if self.r1 is None else self.r1

    @property
    def ec1(self) -> int:
        return self.tab.col_count if self.c1 is None else self.c1


def a1(tab: _Tab, r0: int, c0: int, r1: int, c1: int) -> str:
    """'title'!A1:C3 for 0-based [r0, r1) x [c0, c1)."""
    start = f"{col_letters(c0 + 1)}{r0 + 1}"
    end = f"{col_letters(max(c1, c0 + 1))}{max(r1, r0 + 1)}"
    cells = start if start == end else f"{start}:{end}"
    return f"{_quote_title(tab.title)}!{cells}"


_PART = r"([A-Za-z]{1,4})?([1-9]\d*)?"
_CELLS_RE = re.compile(rf"{_PART}(?::{_PART})?")


def _split_sheet(text: str) -> tuple[str | None, str | None]:
    """"'My ''tab'''!A1" -> ("My 'tab'", "A1"); "'tab'" -> ("tab", None); "A1" -> (None, "A1")."""
    if text.startswith("'"):
        name: list[str] = []
        i = 1
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(name), None
                if rest.startswith("!") and len(rest) > 1:
                    return "".join(name), rest[1:]
                raise ApiError(400, f"Unable to parse range: {text}")
            name.append(ch)
            i += 1
        raise ApiError(400, f"Unable to parse range: {text}")
    if "!" in text:
        name_s, cells = text.split("!", 1)
        if not name_s or not cells:
            raise ApiError(400, f"Unable to parse range: {text}")
        return name_s, cells
    return None, text


def _parse_cells(cells: str) -> tuple[int, int, int | None, int | None, bool] | None:
    m = _CELLS_RE.fullmatch(cells)
    if not m or not cells:
        return None
    ca, ra, cb, rb = m.groups()
    if ":" not in cells:
        if not (ca and ra):
            return None
        r0, c0 = int(ra) - 1, _col_index(ca)
        return r0, c0, r0 + 1, c0 + 1, True
    if not (ca or ra) or not (cb or rb):
        return None
    c0 = _col_index(ca) if ca else 0
    r0 = int(ra) - 1 if ra else 0
    c1 = _col_index(cb) + 1 if cb else None
    r1 = int(rb) if rb else None
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    return r0, c0, r1, c1, False


def parse_range(book: _Book, text: str) -> _Range:
    name, cells = _split_sheet(text)
    if name is None:
        assert cells is not None
        tab = book.tab_by_title(cells)
        if tab is not None:  # a bare tab name: the whole tab
            return _Range(tab, 0, 0, None, None, False, text)
        parsed = _parse_cells(cells)
        if parsed is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        return _Range(book.first_grid(), *parsed, text)
    tab = book.tab_by_title(name)
    if tab is None:
        raise ApiError(400, f"Unable to parse range: {text}")
    if cells is None:
        return _Range(tab, 0, 0, None, None, False, text)
    parsed = _parse_cells(cells)
    if parsed is None:
        raise ApiError(400, f"Unable to parse range: {text}")
    return _Range(tab, *parsed, text)


def _check_grid(rng: _Range, r1: int, c1: int) -> None:
    tab = rng.tab
    if rng.r0 >= tab.row_count or rng.c0 >= tab.col_count or r1 > tab.row_count or c1 > tab.col_count:
        raise ApiError(
            400,
            f"Range ({rng.text}) exceeds grid limits. Max rows: {tab.row_count}, "
            f"max columns: {tab.col_count}",
        )
