"""The PNG charts moved to :mod:`render.charts`; these names stay for existing importers."""

from render.charts import cjk_font, render_png

__all__ = ["cjk_font", "render_png"]
