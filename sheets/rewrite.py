"""What a rewrite of an assistant tab keeps of what people wrote in it, for both adapters.

A tab the assistant rewrites as a whole (预算建议: the latest plan; 数据校验: the latest check) is still a
tab people work in: they add a column (负责人, 备注), type beside a row, leave a cell note. The rewrite
therefore changes only the assistant's own columns (matched by header, like an upsert) and decides, row
by row, where the new rows go:

- a row that carries something of a person's (a non-blank cell in a column the assistant does not own,
  or a cell note / comment anywhere in it) stays where it is, so the person's cells and notes stay
  beside the row they were written for. If its key (预算建议: 渠道) is among the new rows, that row's
  values are written into it; if the key is gone, the row is kept with its key, the assistant's other
  cells cleared and a line saying why (:data:`GONE_NOTES`); a row whose key cells are blank is a row
  people made and is left exactly as it is;
- every other new row, in the order given, takes the first row not held by a person's row (the rows of
  the old plan, then below the last row); old rows left over are cleared (the assistant's cells only).

With nothing of a person's in the tab this is exactly the old rewrite: header, then the rows in order.
Rows never move, because cell notes (Google) and comments (Excel) are anchored to a cell, not to a value.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from roi_core.parse import normalize_text
from roi_core.schema import ASSISTANT_TAB_ALIASES, BUDGET_ADVICE_TAB, DATA_CHECK_TAB

#: the key of a rewritten tab's rows: what a person's cells on a row are aligned to from one rewrite to the next
REPLACE_KEYS: dict[str, tuple[str, ...]] = {
    BUDGET_ADVICE_TAB: ("渠道",),
    DATA_CHECK_TAB: ("标签页", "行号", "列"),
}
#: the column and the words put on a row kept for a person's content after its key left the new rows
GONE_NOTES: dict[str, tuple[str, str]] = {
    BUDGET_ADVICE_TAB: ("方法", "不在这次的计划里（这一行有你写的内容，所以保留；不需要了可以删掉这一行）"),
    DATA_CHECK_TAB: ("问题", "这次检查没有再发现这个问题（这一行有你写的内容，所以保留；不需要了可以删掉这一行）"),
}


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


#: a cell the rewrite leaves as it is (a person's cell, a header already there, a row people made)
KEEP = _Keep()


def canonical_tab(tab: str) -> str | None:
    """The canonical title of assistant tab ``tab`` (given by its title or an alias), else None."""
    name = normalize_text(tab)
    return next((c for c, aliases in ASSISTANT_TAB_ALIASES.items()
                 if name in {normalize_text(n) for n in (c, *aliases)}), None)


def replace_keys(tab: str, headers: Sequence[str], key_columns: Sequence[str] | None = None) -> tuple[str, ...]:
    """The key columns of a rewrite of ``tab``: ``key_columns`` when given (each must be a header), else the
    tab's own (:data:`REPLACE_KEYS`) when the headers have them, else the first header."""
    if key_columns:
        if any(k not in headers for k in key_columns):
            raise ValueError(f"key columns {list(key_columns)} must be among the headers {list(headers)}")
        return tuple(key_columns)
    keys = REPLACE_KEYS.get(canonical_tab(tab) or "", ())
    if keys and all(k in headers for k in keys):
        return keys
    return (headers[0],) if headers else ()


def cell_key(value: object) -> str:
    """A key cell as compared between rows: ``3.0`` and ``3`` alike, NFKC, trimmed, case-folded."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text("" if value is None else value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def place_headers(header_row: list, headers: Sequence[str]) -> tuple[list[int], set[int]]:
    """The column (0-based) of each of ``headers`` in ``header_row``, matched after NFKC + case-fold; a header
    it lacks is appended to ``header_row`` (which is changed). Returns the columns and those appended."""
    position = {normalize_text(h): i for i, h in enumerate(header_row) if not _blank(h)}
    added: set[int] = set()
    for h in headers:
        if normalize_text(h) not in position:
            position[normalize_text(h)] = len(header_row)
            added.add(len(header_row))
            header_row.append(h)
    return [position[normalize_text(h)] for h in headers], added


@dataclass
class Rewrite:
    """A rewrite of one tab, as cells to write: ``cells[i][c]`` for sheet row i + 1 and column c + 1, each a
    value (None = blank) or :data:`KEEP`; ``layout`` names the columns (our header where ours, the people's
    header elsewhere); ``kept`` lists the rows (0-based, 0 = the header) kept for a person's content
    although their key is gone. ``stable``: every row written already held that key and every row cleared
    held nothing of ours, so where the notes are cannot change the rewrite (an adapter need not look)."""

    cells: list[list]
    layout: list[str]
    kept: list[int]
    stable: bool = False

    @property
    def height(self) -> int:
        return len(self.cells)

    @property
    def width(self) -> int:
        return len(self.layout)


def rewrite_grid(existing: Sequence[Sequence], headers: Sequence[str], rows: Sequence[Sequence],
                 key_columns: Sequence[str], noted: Collection[int] = (), tab: str = "") -> Rewrite:
    """The rewrite of a tab whose cells are ``existing`` (row 0 the header) into ``headers`` + ``rows``, the
    rows aligned by ``key_columns``; ``noted`` holds the 0-based rows that carry a cell note or comment.
    See the module docstring for what is kept; ``tab`` picks the words of a row whose key is gone."""
    grid = [list(r) for r in existing] or [[]]
    noted = set(noted)
    grid += [[] for _ in range(len(grid), max(noted, default=0) + 1)]  # a note on a row with no values yet
    header_row = list(grid[0])
    columns, added = place_headers(header_row, headers)
    ours = set(columns)
    width = max(columns) + 1 if columns else 0
    key_at = [columns[list(headers).index(k)] for k in key_columns]
    key_in_new = [list(headers).index(k) for k in key_columns]

    def at(row: Sequence, c: int):
        return row[c] if c < len(row) else None

    waiting: dict[tuple, deque[int]] = defaultdict(deque)
    for j, new in enumerate(rows):
        waiting[tuple(cell_key(at(new, k)) for k in key_in_new)].append(j)
    held: dict[int, int | None] = {}  # grid row → the new row written into it, or None (kept as it is / key gone)
    gone: list[int] = []
    for i in range(1, len(grid)):
        row = grid[i]
        if i not in noted and all(_blank(v) for c, v in enumerate(row) if c not in ours):
            continue
        key = tuple(cell_key(at(row, c)) for c in key_at)
        if any(key) and waiting.get(key):
            held[i] = waiting[key].popleft()
        else:
            held[i] = None
            if any(key):
                gone.append(i)
    placed = {j for j in held.values() if j is not None}
    target: dict[int, int] = {i: j for i, j in held.items() if j is not None}
    free = 1
    for j in range(len(rows)):
        if j in placed:
            continue
        while free in held:
            free += 1
        target[free] = j
        free += 1

    height = max(len(grid), max(target, default=0) + 1)
    note_column, note_text = GONE_NOTES.get(canonical_tab(tab) or "", (None, ""))
    note_at = columns[list(headers).index(note_column)] if note_column in headers else None
    keys = set(key_at)
    cells: list[list] = [[header_row[c] if c in added else KEEP for c in range(width)]]
    for i in range(1, height):
        if i in target:
            new = rows[target[i]]
            line = [KEEP] * width
            for h, c in enumerate(columns):
                line[c] = new[h] if h < len(new) else None
        elif i in held and i not in gone:
            line = [KEEP] * width  # a row people made: not ours to change
        elif i in held:
            line = [KEEP if c in keys or c not in ours else None for c in range(width)]
            if note_at is not None:
                line[note_at] = note_text
        else:
            line = [None if c in ours else KEEP for c in range(width)]
        cells.append(line)
    # stable: each row written already held that key, each row emptied held nothing of ours
    same_key = all(i < len(grid) and any(old := tuple(cell_key(at(grid[i], c)) for c in key_at))
                   and old == tuple(cell_key(at(rows[j], k)) for k in key_in_new) for i, j in target.items())
    empty_stays_empty = all(all(_blank(at(grid[i], c)) for c in ours)
                            for i in range(1, len(grid)) if i not in target and i not in held)
    layout = [h if c in ours else ("" if _blank(h) else str(h))
              for c, h in enumerate(header_row[:width] + [""] * (width - len(header_row)))]
    for h, c in zip(headers, columns, strict=True):
        layout[c] = h
    return Rewrite(cells, layout, gone, same_key and empty_stays_empty)
