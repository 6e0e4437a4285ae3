"""Charts as PNG (matplotlib, Agg), with a CJK font that really renders Chinese.

The native ``data_visualization`` block is what Slack shows first; the PNG is
for clients and places it cannot go, and for the "图片版图表" button. Both are
drawn from the same :class:`render.blocks.ChartSpec`.

The font: Noto Sans SC from the pinned ``pylopdf-fonts-zh-cn`` wheel (SIL OFL
1.1), so a fresh ``pip install -r requirements.txt`` has it with no system
package; failing that, any CJK font matplotlib can find on the machine (Noto
Sans CJK, WenQuanYi, Source Han, SimHei…). With none, :func:`cjk_font` is
None and charts are skipped (never drawn with empty boxes for characters).
"""

from __future__ import annotations

import io
import logging
import math
import threading
from functools import lru_cache
from pathlib import Path

from render.blocks.kit import ChartSpec

log = logging.getLogger(__name__)

_SYSTEM_CJK_NAMES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                     "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK JP")
# matplotlib's pyplot state is global; we use Figure objects directly, and draw one chart at a time
# so font caches are not built concurrently by the listener threads.
_lock = threading.Lock()


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """The path of a font file with Chinese glyphs, or None."""
    try:
        import pylopdf_fonts_zh_cn

        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if path.exists():
            return path
    except ImportError:
        pass
    try:
        from matplotlib import font_manager

        by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
        for name in _SYSTEM_CJK_NAMES:
            if name in by_name:
                return Path(by_name[name])
    except Exception:  # a broken font cache must not break the bot
        log.warning("could not search system fonts for a CJK font", exc_info=True)
    return None


def _finite(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def render_png(spec: ChartSpec, *, dpi: int = 144) -> bytes | None:
    """``spec`` as PNG bytes; None when there is nothing to draw or no CJK font."""
    font_path = cjk_font()
    if font_path is None:
        log.warning("no CJK font found: chart '%s' skipped (pip install -r requirements.txt)", spec.title)
        return None
    if not spec.categories or not any(_finite(v) for _, values in spec.series for v in values):
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    fp = FontProperties(fname=str(font_path))
    with _lock:
        if spec.kind == "line":
            fig = _line(spec, fp, Figure)
        elif spec.kind == "heatmap":
            fig = _heatmap(spec, fp, Figure)
        elif spec.kind == "response":
            fig = _response(spec, fp, Figure)
        else:
            fig = _bars(spec, fp, Figure)
        FigureCanvasAgg(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


_GOOD, _BAD, _WEAK = "#2e7d32", "#c62828", "#f9a825"


def _bars(spec: ChartSpec, fp, Figure):
    name, values = spec.series[0]
    pairs = [(c, v) for c, v in zip(spec.categories, values, strict=False) if _finite(v)]
    pairs.reverse()  # the first category on top
    labels = [c for c, _ in pairs]
    vals = [v for _, v in pairs]
    fig = Figure(figsize=(7.5, max(2.4, 0.45 * len(pairs) + 1.2)))
    ax = fig.add_subplot()
    colors = [_BAD if v < 0 else (_GOOD if spec.target is None or v >= spec.target else _WEAK) for v in vals]
    bars = ax.barh(range(len(vals)), vals, color=colors, height=0.6)
    ax.set_yticks(range(len(vals)))
    ax.set_yticklabels(labels, fontproperties=fp, fontsize=11)
    ax.axvline(0, color="#555555", linewidth=0.8)
    if spec.target is not None:
        ax.axvline(spec.target, color="#1565c0", linestyle="--", linewidth=1)
        ax.text(spec.target, len(vals) - 0.45, f" 目标 {spec.target:.0f}%", color="#1565c0", fontproperties=fp,
                fontsize=9, va="bottom")
    ax.set_ylim(-0.6, len(vals) + 0.1)
    span = (max(vals + [0]) - min(vals + [0])) or 1.0
    for bar, v in zip(bars, vals, strict=True):
        x = bar.get_width()
        ax.text(x + (0.01 * span if v >= 0 else -0.01 * span), bar.get_y() + bar.get_height() / 2, f"{v:.1f}%",
                va="center", ha="left" if v >= 0 else "right", fontsize=9, fontproperties=fp)
    lo, hi = min(vals + [0]), max(vals + [0] + ([spec.target] if spec.target is not None else []))
    ax.set_xlim(lo - 0.15 * span if lo < 0 else 0, hi + 0.18 * span)
    ax.set_xlabel(spec.y_label or name, fontproperties=fp)
    ax.set_title(spec.title, fontproperties=fp, fontsize=13)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _line(spec: ChartSpec, fp, Figure):
    from matplotlib.font_manager import FontProperties

    fig = Figure(figsize=(8.5, 4.2))
    ax = fig.add_subplot()
    xs = list(range(len(spec.categories)))
    for name, values in spec.series:
        pts = [(x, v) for x, v in zip(xs, values, strict=False) if _finite(v)]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", linewidth=1.6, markersize=3.5, label=name)
    if spec.target is not None:
        ax.axhline(spec.target, color="#1565c0", linestyle="--", linewidth=1, label=f"目标 {spec.target:.0f}%")
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xticks(xs)
    ax.set_xticklabels(spec.categories, rotation=45, ha="right", fontsize=9, fontproperties=fp)
    ax.set_ylabel(spec.y_label, fontproperties=fp)
    ax.set_title(spec.title, fontproperties=fp, fontsize=13)
    legend_font = FontProperties(fname=fp.get_file(), size=9)
    ax.legend(prop=legend_font, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _heatmap(spec: ChartSpec, fp, Figure):
    """Rows are the series (cohorts), columns the categories (months since); a cell without a value is blank."""
    import numpy as np

    rows = [[v if _finite(v) else np.nan for v in values] for _, values in spec.series]
    grid = np.ma.masked_invalid(np.array(rows, dtype=float))
    fig = Figure(figsize=(max(6.0, 0.62 * len(spec.categories) + 2.2), max(2.6, 0.42 * len(rows) + 1.4)))
    ax = fig.add_subplot()
    image = ax.imshow(grid, aspect="auto", cmap="YlGnBu")
    top = float(grid.max()) if grid.count() else 0.0
    for (r, c), v in np.ndenumerate(grid.filled(np.nan)):
        if _finite(v):
            ax.text(c, r, f"{v:,.0f}", ha="center", va="center", fontsize=7, fontproperties=fp,
                    color="white" if top and v > 0.6 * top else "#222222")
    ax.set_xticks(range(len(spec.categories)))
    ax.set_xticklabels(spec.categories, fontsize=9, fontproperties=fp)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([name for name, _ in spec.series], fontsize=9, fontproperties=fp)
    ax.set_xlabel(spec.x_label, fontproperties=fp)
    ax.set_ylabel(spec.y_label, fontproperties=fp)
    ax.set_title(spec.title, fontproperties=fp, fontsize=13)
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    fig.tight_layout()
    return fig


def _yuan(v: float) -> str:
    """Axis and label money: ¥1.2万 from 10,000 up (the team reads 万), else ¥8,500."""
    return f"¥{v / 10000:,.1f}万" if abs(v) >= 10000 else f"¥{v:,.0f}"


def _pct_short(v: float) -> str:
    """0.123 → 12%, 0.004 → 0.4% (never "-0%")."""
    v = v * 100
    return f"{v:.0f}%" if abs(v) >= 9.95 else f"{v:.1f}%".replace("-0.0%", "0.0%")


def _response(spec: ChartSpec, fp, Figure):
    """Small multiples, one panel per channel (``spec.categories``): expected monthly return against
    monthly budget with its 80 % band, the break-even line (return = spend), today's budget (●) and
    the proposed one (◆), each with its marginal ROI. ``spec.series`` holds five series per channel,
    in order: return, band low, band high, the budgets, and the marks [current, proposed, return now,
    return proposed, marginal ROI now, proposed] (see ``roi_core.views.budget.response_chart``)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    zh = any("\u4e00" <= ch <= "\u9fff" for ch in spec.title)
    words = {"now": "当前", "proposed": "建议", "mroi": "边际ROI", "even": "收益 = 投入", "band": "80% 区间"} if zh else \
        {"now": "now", "proposed": "proposed", "mroi": "marginal ROI", "even": "return = spend", "band": "80% interval"}
    groups = [spec.series[i:i + 5] for i in range(0, len(spec.series) - 4, 5)]
    panels = [(name, g) for name, g in zip(spec.categories, groups, strict=False)
              if any(_finite(v) for v in g[0][1]) and any(_finite(v) for v in g[3][1])]
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig = Figure(figsize=(4.1 * cols, 3.3 * rows + 0.7))
    small = FontProperties(fname=fp.get_file(), size=8)
    money_axis = FuncFormatter(lambda v, _pos: _yuan(v))
    for k, (name, (ret, low, high, spend, marks)) in enumerate(panels):
        ax = fig.add_subplot(rows, cols, k + 1)
        pts = [(x, y, lo, hi) for x, y, lo, hi in zip(spend[1], ret[1], low[1], high[1], strict=False)
               if _finite(x) and _finite(y)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        los = [p[2] if _finite(p[2]) else p[1] for p in pts]
        his = [p[3] if _finite(p[3]) else p[1] for p in pts]
        ax.fill_between(xs, los, his, color="#90caf9", alpha=0.35, linewidth=0, label=words["band"])
        ax.plot(xs, ys, color="#1565c0", linewidth=1.8)
        ax.plot(xs, xs, color="#9e9e9e", linewidth=0.9, linestyle=":", label=words["even"])
        current, proposed, at_now, at_new, m_now, m_new = (list(marks[1]) + [None] * 6)[:6]
        if _finite(current) and _finite(at_now):
            ax.plot([current], [at_now], "o", color="#424242", markersize=7, zorder=5, clip_on=False)
        if _finite(proposed) and _finite(at_new):
            up = not _finite(current) or proposed >= current
            ax.plot([proposed], [at_new], "D", color=_GOOD if up else _BAD, markersize=7, zorder=6, clip_on=False,
                    markeredgecolor="white")
        lines = []
        if _finite(current):
            lines.append(f"● {words['now']} {_yuan(current)}" + (f"  {words['mroi']} {_pct_short(m_now)}"
                                                                  if _finite(m_now) else ""))
        if _finite(proposed):
            lines.append(f"◆ {words['proposed']} {_yuan(proposed)}" + (f"  {words['mroi']} {_pct_short(m_new)}"
                                                                       if _finite(m_new) else ""))
        ax.text(0.02, 0.98, "\n".join(lines), transform=ax.transAxes, va="top", ha="left", fontproperties=small,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#dddddd", "alpha": 0.85})
        top = max(his + ys)
        ax.set_ylim(min(0.0, min(los + ys)), top * 1.28 if top > 0 else 1.0)
        pad = 0.04 * ((max(xs) - min(xs)) or 1.0)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.xaxis.set_major_formatter(money_axis)
        ax.yaxis.set_major_formatter(money_axis)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            label.set_fontproperties(small)
        ax.set_title(name, fontproperties=fp, fontsize=11)
        ax.grid(alpha=0.25)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    handles, labels = fig.axes[0].get_legend_handles_labels() if fig.axes else ([], [])
    fig.suptitle(spec.title, fontproperties=fp, fontsize=13)
    fig.supxlabel(spec.x_label, fontproperties=fp, fontsize=10)
    fig.supylabel(spec.y_label, fontproperties=fp, fontsize=10)
    if handles:
        fig.legend(handles, labels, prop=small, loc="upper right", frameon=False, ncol=2)
    fig.tight_layout()
    return fig
