"""The ``data_visualization`` block, checked from Block Kit's reference (``@slack/types`` does not
declare it yet)."""

from __future__ import annotations

from render.contract.limits import (
    CHART_AXIS_LABEL,
    CHART_LABEL,
    CHART_POINTS,
    CHART_SERIES,
    CHART_TITLE,
    CHART_TYPES,
)
from render.contract.reasons import (
    Reason,
    _count,
    _fields,
    _kind,
    _label,
    _number,
    _short,
)


def _check_chart(block: dict, where: str, out: list[str]) -> None:
    """The ``data_visualization`` block, from Block Kit's reference (it is not in ``@slack/types``).

    ``title`` 1–50 characters; ``chart.type`` pie, bar, area or line. A pie has 1–6
    ``segments``, each a ``label`` of 1–20 characters and a ``value`` > 0. Bar, area and
    line charts have 1–6 ``series`` with unique ``name`` s of 1–20 characters and an
    ``axis_config`` whose ``categories`` are 1–20 unique labels of 1–20 characters (optional
    ``x_label`` / ``y_label`` ≤ 50); each series has exactly one ``{label, value}`` point per
    category, its label one of the categories. Values are finite numbers.
    """
    _fields(block, {"type", "title", "chart", "block_id"}, {"type", "title", "chart"}, where, out)
    _label(block.get("title"), CHART_TITLE, f"{where}.title", out)
    chart = block.get("chart")
    if not isinstance(chart, dict):
        if chart is not None:
            out.append(Reason(f"{where}.chart", f"must be an object (got {_kind(chart)})"))
        return
    kind = chart.get("type")
    if kind not in CHART_TYPES:
        out.append(Reason(f"{where}.chart.type", f"must be one of {', '.join(CHART_TYPES)} (got {_short(kind)})"))
        return
    cw = f"{where}.chart"
    if kind == "pie":
        _fields(chart, {"type", "segments"}, {"type", "segments"}, cw, out)
        segments = chart.get("segments")
        if _count(segments, 1, CHART_SERIES, f"{cw}.segments", "segments", out):
            for i, seg in enumerate(segments):
                sw = f"{cw}.segments[{i}]"
                if not isinstance(seg, dict):
                    if seg is not None:
                        out.append(Reason(sw, f"must be an object (got {_kind(seg)})"))
                    continue
                _fields(seg, {"label", "value"}, {"label", "value"}, sw, out)
                _label(seg.get("label"), CHART_LABEL, f"{sw}.label", out)
                value = seg.get("value")
                if _number(value, f"{sw}.value", out) and value <= 0:
                    out.append(Reason(f"{sw}.value", f"a segment value must be greater than 0 (got {value})"))
        return
    _fields(chart, {"type", "series", "axis_config"}, {"type", "series", "axis_config"}, cw, out)
    categories: list[str] = []
    axis = chart.get("axis_config")
    if isinstance(axis, dict):
        aw = f"{cw}.axis_config"
        _fields(axis, {"categories", "x_label", "y_label"}, {"categories"}, aw, out)
        for key in ("x_label", "y_label"):
            if key in axis and axis[key] is not None:
                _label(axis[key], CHART_AXIS_LABEL, f"{aw}.{key}", out)
        raw = axis.get("categories")
        if _count(raw, 1, CHART_POINTS, f"{aw}.categories", "categories", out):
            for i, cat in enumerate(raw):
                if _label(cat, CHART_LABEL, f"{aw}.categories[{i}]", out):
                    if cat in categories:
                        out.append(Reason(f"{aw}.categories[{i}]", f"{cat!r} is already a category"))
                    categories.append(cat)
    elif axis is not None:
        out.append(Reason(f"{cw}.axis_config", f"must be an object (got {_kind(axis)})"))
    series = chart.get("series")
    if not _count(series, 1, CHART_SERIES, f"{cw}.series", "series", out):
        return
    names: dict[str, int] = {}
    for s, one in enumerate(series):
        sw = f"{cw}.series[{s}]"
        if not isinstance(one, dict):
            if one is not None:
                out.append(Reason(sw, f"must be an object (got {_kind(one)})"))
            continue
        _fields(one, {"name", "data"}, {"name", "data"}, sw, out)
        name = one.get("name")
        if _label(name, CHART_LABEL, f"{sw}.name", out):
            if name in names:
                out.append(Reason(f"{sw}.name", f"{name!r} is already the name of series[{names[name]}]"))
            names.setdefault(name, s)
        data = one.get("data")
        if not _count(data, 1, CHART_POINTS, f"{sw}.data", "points", out):
            continue
        labels: set[str] = set()
        for p, point in enumerate(data):
            pw = f"{sw}.data[{p}]"
            if not isinstance(point, dict):
                if point is not None:
                    out.append(Reason(pw, f"must be an object (got {_kind(point)})"))
                continue
            _fields(point, {"label", "value"}, {"label", "value"}, pw, out)
            label = point.get("label")
            if _label(label, CHART_LABEL, f"{pw}.label", out):
                if categories and label not in categories:
                    out.append(Reason(f"{pw}.label", f"{label!r} is not one of axis_config.categories"))
                elif label in labels:
                    out.append(Reason(f"{pw}.label", f"{label!r} has a point already in this series"))
                labels.add(label)
            _number(point.get("value"), f"{pw}.value", out)
        missing = [c for c in categories if c not in labels]
        if missing and len(data) <= CHART_POINTS:
            out.append(Reason(f"{sw}.data", "needs exactly one point per category; none for "
                                            + ", ".join(repr(c) for c in missing)))
