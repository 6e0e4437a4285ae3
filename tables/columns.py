"""A table's columns read by the tab's names: 客户ID / customer_id, 时间 / timestamp … (roi_core.schema).

The columns keep the names people already use in the 触点 and 订单 tabs, or their documented English
names (the same aliases a tab's header accepts). A missing required column is one Chinese line naming
it. Values are cast where the data lives: 是否转化 from booleans, numbers or 是/否 text; times from
timestamps, dates or ISO text; money from numbers (blank = 0).
"""

from __future__ import annotations

from roi_core.errors import DataError
from roi_core.parse import normalize_text
from roi_core.schema import ORDERS, TOUCHPOINTS, TabSpec, column_lookup

_YES = ("是", "true", "1", "yes", "y", "t", "已转化", "转化")


def _mapping(table, spec: TabSpec, source: str) -> dict[str, str]:
    """Canonical key → the table's column name, for the spec's columns the table has."""
    lookup = column_lookup(spec)
    found: dict[str, list[str]] = {}
    for name in table.columns:
        col = lookup.get(normalize_text(name))
        if col is not None:
            found.setdefault(col.key, []).append(name)
    for col in spec.columns:
        names = found.get(col.key, [])
        if len(names) > 1:
            raise DataError(f"{spec.title}来源「{source}」的列「{'」和「'.join(names)}」都表示「{col.header}」",
                            "只保留一列：删除或改名其中一列")
    missing = [col for col in spec.columns if col.required and col.key not in found]
    if missing:
        col = missing[0]
        raise DataError(f"{spec.title}来源「{source}」缺少列「{col.header}」（{col.key}）",
                        f"加上这一列，或把表里对应的列改名为「{col.header}」或「{col.key}」")
    return {key: names[0] for key, names in found.items()}


def _flag(column):
    """是否转化 as a boolean wherever it is computed: booleans, numbers ≠ 0, or 是/true/1 text."""
    if column.type().is_boolean():
        return column.fill_null(False)
    if column.type().is_numeric():
        return (column.fill_null(0) != 0)
    return column.cast("string").strip().lower().isin(_YES).fill_null(False)


def _time(column):
    if column.type().is_timestamp():
        return column
    return column.cast("timestamp")


def _money(column):
    return column.cast("float64").fill_null(0.0)


def touches(table, source: str):
    """The 触点 columns as ``customer_id``, ``timestamp``, ``channel``, ``converted``, ``revenue`` (an ibis table)."""
    cols = _mapping(table, TOUCHPOINTS, source)
    revenue = _money(table[cols["revenue"]]) if "revenue" in cols else 0.0
    import ibis

    return table.select(
        customer_id=table[cols["customer_id"]].cast("string"),
        timestamp=_time(table[cols["timestamp"]]),
        channel=table[cols["channel"]].cast("string"),
        converted=_flag(table[cols["converted"]]),
        revenue=revenue if not isinstance(revenue, float) else ibis.literal(revenue, "float64"),
    )


def orders(table, source: str):
    """The 订单 columns as ``order_id``, ``customer_id``, ``order_date``, ``amount``, ``gross_profit`` (null when
    absent)."""
    import ibis

    cols = _mapping(table, ORDERS, source)
    gross = (table[cols["gross_profit"]].cast("float64") if "gross_profit" in cols
             else ibis.null("float64"))
    return table.select(
        order_id=table[cols["order_id"]].cast("string"),
        customer_id=table[cols["customer_id"]].cast("string"),
        order_date=_time(table[cols["order_date"]]),
        amount=_money(table[cols["amount"]]),
        gross_profit=gross,
    )
