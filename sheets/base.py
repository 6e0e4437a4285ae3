"""The port every sheet source fills: read all tabs once, hand SheetData to the core, write our own tabs.

Two real adapters implement it: ``sheets.xlsx.XlsxSource`` (a local workbook,
the embedded default) and ``sheets.google.GoogleSource``. Both return the same
raw shape (tab title → rows, header first, cells unformatted: numbers as
numbers, dates as date cells or serial numbers) and let ``roi_core.load_sheet``
do the parsing, so the two can never disagree about what a cell means.

Writes go only to the assistant's tabs (roi_core.schema.ASSISTANT_TAB_ALIASES). The
merge of new rows into a tab (by key, mapped by header, user columns left
alone) is computed here once, by :func:`upsert_grid`, for both adapters; a
rewrite of a whole tab by :func:`sheets.rewrite.rewrite_grid`, which keeps what
people added to it.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from roi_core import Problem, SheetData, load_sheet
from roi_core.parse import normalize_text
from roi_core.schema import ASSISTANT_TAB_ALIASES, DATA_CHECK_HEADERS, DATA_CHECK_TAB, PEOPLE_TABS
from sheets.errors import ProtectedTab
from sheets.rewrite import cell_key as _key
from sheets.rewrite import replace_keys

RawTabs = dict[str, list[list]]

# seconds the monthly job's read and each of its writes may take against a networked source, retries included
JOB_DEADLINE = 120.0

_PEOPLE_TAB_NAMES = {normalize_text(n) for spec in PEOPLE_TABS for n in (spec.title, *spec.aliases)}


def is_people_tab(title: str) -> bool:
    return normalize_text(title) in _PEOPLE_TAB_NAMES


def check_writable(title: str) -> None:
    """The assistant never writes into a tab people write."""
    if is_people_tab(title):
        raise ProtectedTab(f"「{title}」是大家填写的标签页，ROI 助手不会写入", "助手只写 " + "、".join(ASSISTANT_TAB_ALIASES))


def resolve_tab(tab: str, titles: Sequence[str]) -> str | None:
    """The title (as written in the sheet) of the tab we mean by ``tab``, or None when it is not there yet.

    Matched like every tab name (NFKC, trimmed, case-folded), aliases included:
    a sheet that already has a "Monthly Summary" tab gets 月度汇总 rows there.
    """
    names = {normalize_text(tab)}
    for canonical, aliases in ASSISTANT_TAB_ALIASES.items():
        group = {normalize_text(n) for n in (canonical, *aliases)}
        if names & group:
            names |= group
    exact = [t for t in titles if t == tab]
    if exact:
        return exact[0]
    return next((t for t in titles if normalize_text(t) in names), None)


def upsert_grid(existing: list[list], headers: Sequence[str], rows: Sequence[Sequence],
                key_columns: Sequence[str]) -> tuple[list[list], set[int], list[int]]:
    """Merge ``rows`` (in ``headers`` order) into a tab's grid, keyed by ``key_columns``.

    Columns are matched by header (after NFKC + case-fold), so a tab whose
    columns people reordered or extended still takes the rows; headers it lacks
    are added at the end; cells in columns we do not own are never touched. A
    row whose key is already present replaces our cells in place; the rest are
    appended. Returns the new grid, the 0-based indices of changed rows (0 =
    the header), and the column of each header, so an adapter writes only
    those cells.
    """
    grid = [list(r) for r in existing] or [[]]
    header_row = grid[0]
    position = {normalize_text(h): i for i, h in enumerate(header_row) if h not in (None, "")}
    changed: set[int] = set()
    for h in headers:
        if normalize_text(h) not in position:
            position[normalize_text(h)] = len(header_row)
            header_row.append(h)
            changed.add(0)
    columns = [position[normalize_text(h)] for h in headers]
    key_at = [columns[list(headers).index(k)] for k in key_columns]
    index = {}
    for i, row in enumerate(grid[1:], start=1):
        key = tuple(_key(row[c]) if c < len(row) else "" for c in key_at)
        if any(key):
            index.setdefault(key, i)
    for new in rows:
        key = tuple(_key(new[list(headers).index(k)]) for k in key_columns)
        i = index.get(key)
        if i is None:
            grid.append([])
            i = len(grid) - 1
            index[key] = i
        target = grid[i]
        width = max(columns) + 1
        if len(target) < width:
            target.extend([None] * (width - len(target)))
        for c, value in zip(columns, new, strict=True):
            target[c] = value
        changed.add(i)
    return grid, changed, columns


def problem_rows(problems: Sequence[Problem], checked_at: dt.datetime) -> list[list]:
    """数据校验 rows, in DATA_CHECK_HEADERS order."""
    stamp = checked_at.strftime("%Y-%m-%d %H:%M")
    return [[p.tab, p.row if p.row is not None else "", p.column, p.value, p.reason, stamp] for p in problems]


@dataclass(frozen=True)
class Write:
    """One write to an assistant tab: ``upsert`` by ``key_columns``, or ``replace`` the whole tab."""

    kind: str  # "upsert" | "replace" (both keyed: a replace aligns people's cells to the new rows by key)
    tab: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    key_columns: tuple[str, ...] = ()

    @classmethod
    def upsert(cls, tab: str, headers: Sequence[str], rows: Sequence[Sequence], key_columns: Sequence[str]) -> Write:
        if not key_columns or any(k not in headers for k in key_columns):
            raise ValueError(f"key columns {list(key_columns)} must be among the headers {list(headers)}")
        return cls("upsert", tab, tuple(headers), tuple(tuple(r) for r in rows), tuple(key_columns))

    @classmethod
    def replace(cls, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                key_columns: Sequence[str] | None = None) -> Write:
        """The tab shows exactly these rows in the assistant's columns; what people added to it stays, aligned
        by ``key_columns`` (default: the tab's own key, see :func:`sheets.rewrite.replace_keys`)."""
        return cls("replace", tab, tuple(headers), tuple(tuple(r) for r in rows),
                   replace_keys(tab, headers, key_columns))

    @classmethod
    def problems(cls, problems: Sequence[Problem], checked_at: dt.datetime) -> Write:
        """数据校验 rewritten with one row per problem."""
        return cls.replace(DATA_CHECK_TAB, list(DATA_CHECK_HEADERS), problem_rows(problems, checked_at))


class Batch:
    """The writes collected by ``with source.batch() as w:``; the same three calls as a source."""

    def __init__(self) -> None:
        self.writes: list[Write] = []

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        self.writes.append(Write.upsert(tab, headers, rows, key_columns))

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                     key_columns: Sequence[str] | None = None) -> None:
        self.writes.append(Write.replace(tab, headers, rows, key_columns))

    def write_problems(self, problems: Sequence[Problem], checked_at: dt.datetime) -> None:
        self.writes.append(Write.problems(problems, checked_at))


class SheetSource(ABC):
    """A place the team's sheet lives."""

    #: what to call the source in messages (a file name or the sheet's title)
    display_name: str = ""

    @abstractmethod
    def read_tabs(self) -> RawTabs:
        """Every tab's values in one go: title → rows (header row first)."""

    def read(self, *, deadline: float | None = None) -> SheetData:
        """Read and clean the sheet (one read of every tab). ``deadline``: seconds a source behind a
        network service may take, retries included (a local file has none and ignores it)."""
        tabs = self.read_tabs()
        return load_sheet(tabs, source=self.display_name, fetched_at=dt.datetime.now(dt.UTC))

    @abstractmethod
    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence], key_columns: Sequence[str]) -> None:
        """Insert or replace rows of an assistant tab by key (see :func:`upsert_grid`); creates the tab."""

    @abstractmethod
    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                     key_columns: Sequence[str] | None = None) -> None:
        """Rewrite an assistant tab: its columns hold exactly these rows; columns, rows and notes people added
        stay, aligned to the rows' key (see :mod:`sheets.rewrite`); creates the tab."""

    def write_problems(self, problems: Sequence[Problem], checked_at: dt.datetime) -> None:
        """Rewrite 数据校验 with one row per problem."""
        self.write_many([Write.problems(problems, checked_at)])

    def write_many(self, writes: Sequence[Write]) -> None:
        """Apply ``writes`` in order. Every tab is checked writable before the first one is written.

        This default does them one by one (one request or save each); an adapter that can do
        better overrides it (the workbook: one lock, one load, one save for all of them).
        """
        for w in writes:
            check_writable(w.tab)
        for w in writes:
            if w.kind == "upsert":
                self.upsert_rows(w.tab, list(w.headers), [list(r) for r in w.rows], list(w.key_columns))
            elif w.kind == "replace":
                # the key only when it is not the tab's own: a source written before keys existed still works
                own = w.key_columns == replace_keys(w.tab, w.headers)
                self.replace_rows(w.tab, list(w.headers), [list(r) for r in w.rows],
                                  **({} if own else {"key_columns": list(w.key_columns)}))
            else:
                raise ValueError(f"unknown write kind {w.kind!r}")

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Collect writes and apply them together when the block ends without an exception.

        ``with source.batch() as w: w.upsert_rows(...); w.write_problems(...)`` — nothing is
        written before the block ends, and nothing at all when it raises. Same arguments and
        meaning as the source's own calls; applied by :meth:`write_many`.
        """
        collected = Batch()
        yield collected
        if collected.writes:
            self.write_many(collected.writes)
