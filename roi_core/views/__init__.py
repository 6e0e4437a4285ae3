"""Medium-free views of answers: what an answer shows, before any medium lays it out."""

from roi_core.views.format import figure, signed_pct
from roi_core.views.labels import LABELS, labels, phrase

__all__ = ["LABELS", "figure", "labels", "phrase", "signed_pct"]
