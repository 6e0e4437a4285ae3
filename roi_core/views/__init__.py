"""Medium-free views of answers: what an answer shows, before any medium lays it out."""

from roi_core.views.build import view_of
from roi_core.views.format import figure, signed_pct
from roi_core.views.labels import LABELS, labels, phrase
from roi_core.views.model import (
    Action,
    Chart,
    Column,
    Figure,
    Footer,
    ItemList,
    Note,
    Table,
    View,
    ViewOptions,
)

__all__ = ["LABELS", "Action", "Chart", "Column", "Figure", "Footer", "ItemList", "Note", "Table", "View",
           "ViewOptions", "figure", "labels", "phrase", "signed_pct", "view_of"]
