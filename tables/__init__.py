"""触点 and 订单 from table sources beyond a sheet: Parquet, CSV, DuckDB, PostgreSQL, Spark, warehouses.

An adapter beside ``sheets/`` (imports only ``roi_core``). A source string (``ROI_TOUCHES``,
``ROI_ORDERS``, 设置 触点来源 / 订单来源, or ``--touches`` / ``--orders`` on the console) names a table;
the journey → path aggregation and the customer aggregates are ibis expressions run by the engine where
the data lives (embedded DuckDB by default, with its memory limit set), and only aggregates come
back; the eight exact models then run on the path table in ``roi_core``::

    agg = aggregate_paths("parquet:var/touches/*.parquet", lookback_days=30, half_life_days=7)
    table = compare_models(agg.journeys(), half_life_days=7)
    agg.provenance.line()   # 数据来源：parquet:… · 2,000,000 行 · 最新 2026-11-30 18:00

docs/tables.md says what runs where.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import pandas as pd

from roi_core.attribution import Journeys, journeys_from_aggregates
from roi_core.errors import DataError
from tables import columns, paths
from tables.source import DUCKDB_MEMORY_LIMIT, TableSource, _first_line, open_table, parse_source

__all__ = ["DUCKDB_MEMORY_LIMIT", "OrderDays", "PathAggregates", "Provenance", "TableSource", "aggregate_cohorts",
           "aggregate_order_days", "aggregate_paths", "open_table", "parse_source"]


#: above this many channels time decay is summed in a second pass instead of two columns per channel
MAX_DECAY_COLUMNS = 64


@dataclass(frozen=True)
class Provenance:
    """Where an answer's touches came from: the source (password left out), its engine, rows and freshness."""

    source: str
    engine: str
    rows: int
    first: dt.datetime | None
    last: dt.datetime | None
    seconds: float = 0.0
    daily: bool = False  # 订单 carry a day, not a time: freshness is a date

    def line(self, lang: str = "zh") -> str:
        """One line for an answer's footer."""
        last = "—" if self.last is None else self.last.strftime("%Y-%m-%d" if self.daily else "%Y-%m-%d %H:%M")
        if lang == "en":
            return f"Data: {self.source} ({self.engine}) · {self.rows:,} rows · latest {last}"
        return f"数据来源：{self.source}（{self.engine}）· {self.rows:,} 行 · 最新 {last}"


@dataclass(frozen=True)
class PathAggregates:
    """What a table source sends back for attribution: the path table, time-decay credit per channel."""

    paths: pd.DataFrame  # path, total_conversions, total_conversion_value, total_null
    decay: pd.DataFrame  # channel, conversions, revenue
    half_life_days: float
    lookback_days: float | None
    outside: int  # touches dropped by the lookback window
    provenance: Provenance
    month: str | None = None

    def journeys(self) -> Journeys:
        """The journeys every model runs on (roi_core.attribution.journeys_from_aggregates)."""
        return journeys_from_aggregates(self.paths, self.decay, half_life_days=self.half_life_days,
                                        touches_outside_lookback=self.outside, path_separator=paths.SEPARATOR)


@dataclass(frozen=True)
class OrderDays:
    """What a table source sends back for the customer answers: 订单 summed per customer and order day."""

    days: pd.DataFrame  # roi_core.customers.book.ORDER_DAY_COLUMNS
    provenance: Provenance

    def orders(self) -> pd.DataFrame:
        """订单 rows for the customer figures (roi_core.customers.orders_from_days)."""
        from roi_core.customers import orders_from_days

        return orders_from_days(self.days)


def _stamp(value) -> dt.datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).to_pydatetime()


def aggregate_paths(source: str | TableSource, *, lookback_days: float | None = 30, half_life_days: float = 7,
                    month: pd.Period | str | None = None) -> PathAggregates:
    """Run the path aggregation where ``source`` lives and bring back only the aggregates.

    Two queries run on the engine: rows and freshness per channel, then one pass over the touches for the
    path table with each channel's time-decay credit beside it (a second pass for time decay above
    MAX_DECAY_COLUMNS channels); each returns one row per distinct path or channel. A missing column, a
    source that cannot be opened → :class:`roi_core.errors.DataError` in one line.
    """
    src = parse_source(source) if isinstance(source, str) else source
    period = pd.Period(month, freq="M") if isinstance(month, str) else month
    started = time.perf_counter()
    table, backend = open_table(src)
    try:
        touches = columns.touches(table, src.redacted())
        facts = backend.execute(paths.by_channel(touches))
        channels = tuple(str(c) for c in facts["channel"].dropna() if str(c) != "")
        ordered = src.engine != "spark"
        if len(channels) <= MAX_DECAY_COLUMNS:  # one pass gives the paths and time decay
            path_frame = backend.execute(paths.path_table(touches, lookback_days, period, ordered_aggregates=ordered,
                                                          half_life_days=half_life_days, channels=channels))
            path_frame, decay = paths.decay_from_paths(paths.codes_to_paths(path_frame, channels), channels)
        else:  # so many channels that a column each would be wider than a second pass costs
            path_frame = backend.execute(paths.path_table(touches, lookback_days, period, ordered_aggregates=ordered))
            decay = backend.execute(paths.decay_table(touches, lookback_days, half_life_days, period))
    except DataError:
        raise
    except Exception as err:  # the engine refused the query (a type it cannot cast, a lost server …)
        raise DataError(f"数据来源「{src.redacted()}」的触点汇总失败：{_first_line(err)}",
                        "检查各列的类型：时间是日期时间，是否转化是布尔值或 是/否，订单金额是数字") from None
    finally:
        _close(backend)
    outside = int(path_frame["outside"].sum()) if len(path_frame) else 0
    provenance = Provenance(src.redacted(), src.engine, int(facts["rows"].sum()), _stamp(facts["first"].min()),
                            _stamp(facts["last"].max()), time.perf_counter() - started)
    return PathAggregates(paths=path_frame.drop(columns="outside"), decay=decay, half_life_days=float(half_life_days),
                          lookback_days=lookback_days, outside=outside, provenance=provenance,
                          month=None if period is None else str(period))


def aggregate_cohorts(orders_source: str | TableSource, asof: dt.date, months: int = 12, *,
                      touches_source: str | TableSource | None = None):
    """The cohort table (:class:`roi_core.customers.Cohorts`) from 订单 where they live: only a row per
    cohort month and per (cohort, month since) comes back. With ``touches_source`` read by the same engine
    (both files read by DuckDB, or tables of one database), a customer is acquired at the first
    converting touch, else at the first order; otherwise at the first order."""
    from roi_core.customers import cohorts_from_cells
    from tables import customers

    src = parse_source(orders_source) if isinstance(orders_source, str) else orders_source
    other = parse_source(touches_source) if isinstance(touches_source, str) else touches_source
    table, backend = open_table(src)
    try:
        orders = columns.orders(table, src.redacted())
        touches = None
        if other is not None and _same_engine(src, other):
            touch_table, _ = open_table(other, backend=backend)
            touches = columns.touches(touch_table, other.redacted())
        sizes, cells = customers.cohort_cells(orders, asof, months, touches)
        sizes, cells = backend.execute(sizes), backend.execute(cells)
        has_orders = int(backend.execute(orders.count())) > 0
    except DataError:
        raise
    except Exception as err:
        raise DataError(f"数据来源「{src.redacted()}」的订单汇总失败：{_first_line(err)}",
                        "检查各列的类型：下单日期是日期，订单金额是数字") from None
    finally:
        _close(backend)
    return cohorts_from_cells(cells, sizes.set_index("cohort")["customers"], asof, months, has_orders=has_orders)


def aggregate_order_days(source: str | TableSource) -> OrderDays:
    """Sum 订单 where ``source`` lives per customer and order day (``tables.customers.order_days``) and bring
    back only those sums, with the source's rows and latest 下单日期. A missing column, a source that cannot be
    opened or summed → :class:`roi_core.errors.DataError` in one line."""
    from tables import customers

    src = parse_source(source) if isinstance(source, str) else source
    started = time.perf_counter()
    table, backend = open_table(src)
    try:
        orders = columns.orders(table, src.redacted())
        days = backend.execute(customers.order_days(orders))
        facts = backend.execute(customers.order_summary(orders))
    except DataError:
        raise
    except Exception as err:
        raise DataError(f"数据来源「{src.redacted()}」的订单汇总失败：{_first_line(err)}",
                        "检查各列的类型：下单日期是日期，订单金额和毛利是数字") from None
    finally:
        _close(backend)
    row = facts.iloc[0]
    provenance = Provenance(src.redacted(), src.engine, int(row["rows"]), _stamp(row["first"]), _stamp(row["last"]),
                            time.perf_counter() - started, daily=True)
    return OrderDays(days=days, provenance=provenance)


def _same_engine(a: TableSource, b: TableSource) -> bool:
    if a.engine == "duckdb" and b.engine == "duckdb":
        return True
    return a.kind == b.kind == "url" and a.location == b.location


def _close(backend) -> None:
    try:
        backend.disconnect()
    except Exception:  # a Spark session may be shared by the process; closing is best effort
        pass
