"""The plain-text renderer moved to :mod:`render.text`; these names stay for existing importers."""

from render.text import channel_table, render_text, render_view
from roi_core.views.format import figure
from roi_core.views.labels import LABELS, labels

__all__ = ["LABELS", "channel_table", "figure", "labels", "render_text", "render_view"]
