"""The view of an answer: what it shows, already in words and formatted figures, for any medium.

A view holds no layout and no escaping: sheet strings (campaign and channel
names, the core's sentences quoting them) stay raw, and each renderer makes
them safe for its medium. Where today's media word the same thing
differently (the console's one-line heading, a Slack header with a context
line), the view carries both, named for what they are, not for the medium.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from roi_core.views.punct import reason_bracket


@dataclass
class Figure:
    """One headline figure: ``label`` and ``value`` as shown; ``note`` reads after it (a change, a reason).

    ``status`` is "good" (at or above target), "weak" (below target), "bad" (a loss) or "" (no judgement).
    ``line`` groups figures into the lines of a one-line-per-group medium (the console); None: the figure is
    only for media that show every figure on its own (Slack's fields).
    """

    label: str
    value: str
    note: str = ""
    status: str = ""
    line: int | None = 0


@dataclass
class Note:
    """A titled line of detail ("漏斗：曝光 … → 点击 …"); ``detail`` reads in brackets after the text
    (None: no brackets). ``brief``: the console prints it too."""

    title: str
    text: str
    detail: str | None = None
    brief: bool = True  # the console prints it
    rich: bool = True  # media with fields and sections show it


@dataclass
class Column:
    name: str
    align: str = "right"  # left | right
    type: str = "text"  # text | money | pct | count | ratio | rank
    brief: str | None = None  # the console's shorter header, where it has one


@dataclass
class Table:
    """Rows of already formatted strings. ``notes`` say why a cell shows — (row, column → reason).

    ``shown`` rows fit in a message; the rest travel as ``filename`` (CSV). ``heading`` is the line the
    console prints above the table (empty: none). ``notes_in_brief``: the console writes the notes too.
    """

    title: str
    columns: list[Column]
    rows: list[list[str]]
    filename: str = "table.csv"
    shown: int = 30
    heading: str = ""
    brief_heading: str = ""
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    notes_in_brief: bool = False
    summary: Note | None = None  # the line after the table (the expected change of a budget)
    overlong: str = "cut"

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def brief_headers(self) -> list[str]:
        return [c.brief or c.name for c in self.columns]

    @property
    def align(self) -> list[str]:
        return [c.align for c in self.columns]

    def cells(self, with_notes: bool = True, lang: str = "zh") -> list[list[str]]:
        """The rows, each empty figure followed by its reason when ``with_notes`` (in ``lang``'s brackets)."""
        if not with_notes or not self.notes:
            return [list(r) for r in self.rows]
        return [[c + reason_bracket(self.notes[(i, j)], lang) if (i, j) in self.notes else c for j, c in enumerate(row)]
                for i, row in enumerate(self.rows)]


@dataclass
class Chart:
    """A chart: one value per category and series (None: no value). ``target`` in the values' unit.

    ``inline``: shown inside the message where the medium can draw it; ``png``: also offered as a picture.
    """

    kind: str  # bar | line | heatmap (series are its rows, categories its columns; a PNG only, never inline)
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    y_label: str = ""
    x_label: str = ""
    target: float | None = None
    filename: str = "chart.png"
    inline: bool = True
    png: bool = True


@dataclass
class ItemList:
    """A titled list. ``kind``: suggestions | anomalies | comparisons | list.

    ``empty`` is said when there are no items (by media that always show the list); ``inline``: the console
    prints the items right under its heading, without the title. ``brief_title``: the console's title where it
    differs; ``bullet``: what the console writes before an unnumbered item ("": nothing). Lists of kind
    "choose" and "recent" are campaigns the reader can pick (buttons where the medium has them).
    """

    kind: str
    title: str
    items: list[str]
    numbered: bool = True
    empty: str = ""
    inline: bool = False
    brief_title: str | None = None
    bullet: str = "•"
    joiner: str | None = None  # the console writes the items on one line, joined by this


@dataclass
class Action:
    """Something the reader can do next. ``kind``: query | choose | open_sheet | chart_png | select.

    ``payload``: for query and chart_png the question (kind, month, model, top_n, text, lang); for choose the
    campaign name; for open_sheet the url; for select the options (label, question) and the current one.
    """

    label: str
    kind: str
    payload: dict = field(default_factory=dict)


@dataclass
class Footer:
    source: str = ""
    read_at: dt.datetime | None = None
    now: dt.datetime | None = None
    stale: bool = False
    rows_left_out: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class View:
    """What one answer shows. ``title`` heads it; ``context`` lines qualify it (basis, target…).

    ``heading`` is the same head as one line (the console's first line), ``subtitle`` a line under it. ``lead``
    is an opening sentence (choices, no match, help) with ``brief_lead`` its console form where that differs;
    ``hint`` (ours, may hold `code`) and ``brief_hint`` follow it. ``charts`` are alternatives in order of
    preference: a medium shows the first inline one it can draw. Tables after the first come after the lists.
    """

    kind: str
    lang: str
    title: str = ""
    heading: str = ""
    subtitle: str = ""
    when: str | None = None  # the answer's dates, ours (never a sheet string): first on the context line
    context: list[str] = field(default_factory=list)
    lead: str = ""
    brief_lead: str = ""
    hint: str = ""
    brief_hint: str = ""
    figures: list[Figure] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    lists: list[ItemList] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    actions_id: str = ""
    footer: Footer = field(default_factory=Footer)
    ephemeral: bool = False


@dataclass(frozen=True)
class ViewOptions:
    """What a view may offer beyond the answer: the sheet's link, when the data was read, a PNG button."""

    sheet_url: str | None = None
    fetched_at: dt.datetime | None = None
    now: dt.datetime | None = None
    chart_button: bool = False
    native_charts: bool = True
    report_url: str | None = None  # the monthly report's web page (a signed link made outside the core)
