"""The closed loop in a view: "上月建议的结果" on a 月报, "预警建议的结果" on a campaign.

An answer that carries ``follow_up`` (``roi_core.follow_up.with_follow_up``: a list of FollowUp, each with
its one line already worded) gains one list, placed before the answer's own suggestions. The builders of
:mod:`roi_core.views.campaign` and :mod:`roi_core.views.monthly` are wrapped with
:func:`with_follow_up_section`; an answer without ``follow_up`` gets exactly the view it had.
"""

from __future__ import annotations

from roi_core.views.labels import phrase
from roi_core.views.model import ItemList, View

FOLLOW_UP_KIND = "follow_up"


def follow_up_lists(ans) -> list[ItemList]:
    """The follow-up section of ``ans`` (empty when it has none)."""
    items = [getattr(f, "text", None) or (f.get("text") if isinstance(f, dict) else None)
             for f in getattr(ans, "follow_up", None) or []]
    items = [i for i in items if i]
    if not items:
        return []
    key = "follow_up_monthly" if getattr(ans, "kind", "") == "monthly" else "follow_up_campaign"
    return [ItemList(FOLLOW_UP_KIND, phrase(ans.lang, key), items, numbered=False,
                     brief_title=phrase(ans.lang, key))]


def with_follow_up_section(build):
    """Wrap a view builder: its view, with the answer's follow-up section before the suggestions."""

    def wrapped(ans, options) -> View:
        view = build(ans, options)
        section = follow_up_lists(ans)
        if section:
            at = next((i for i, items in enumerate(view.lists) if items.kind == "suggestions"), len(view.lists))
            view.lists[at:at] = section
        return view

    wrapped.__name__, wrapped.__qualname__, wrapped.__doc__ = build.__name__, build.__qualname__, build.__doc__
    return wrapped
