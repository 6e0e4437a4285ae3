"""触点 from a table source for attribution answers: the month's aggregates, summed once and kept.

The source is ``--touches`` on the console, else ``ROI_TOUCHES``, else 设置 触点来源 (docs/tables.md).
An attribution question about a closed month reads that month's path table from the cache under
``var/table-cache`` (the monthly job fills it for the month it reports); otherwise, and for the month not
over yet or every touch at once, the source is summed where it lives (``tables.aggregate_paths``), and a
closed month's sums are kept. The answer says where its touches came from: source, rows, freshness.

订单 likewise (``--orders``, ``ROI_ORDERS``, 设置 订单来源): a customer question (客户价值, 回本周期, 生命周期,
cohort) and the monthly 客户价值 tab read the source's sums per customer and order day instead of the 订单
tab (``tables.aggregate_order_days``), and the answer says where they came from.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

import pandas as pd

import tables
from roi_core.errors import DataError
from roi_core.sheetdata import SheetData
from roi_runtime.config import REPO_ROOT, AppConfig

CACHE_DIR = REPO_ROOT / "var" / "table-cache"
log = logging.getLogger(__name__)


def touches_source(config: AppConfig, data: SheetData) -> str | None:
    """The table source of 触点, if one is named (ROI_TOUCHES / --touches first, then 设置 触点来源)."""
    return config.touches_source or data.settings.touches_source or None


#: the questions that read 订单 from a table source when one is named (roi_core.answer.CUSTOMER_ANSWERS)
CUSTOMER_KINDS = ("customer_value", "lifecycle", "cohort")


def orders_source(config: AppConfig, data: SheetData) -> str | None:
    """The table source of 订单, if one is named (ROI_ORDERS / --orders first, then 设置 订单来源)."""
    return config.orders_source or data.settings.orders_source or None


def with_table_sources(query, data: SheetData, config: AppConfig, today: dt.date) -> SheetData:
    """``data`` with the question's 触点 (:func:`with_table_touches`) and 订单 (:func:`with_table_orders`) from
    their table sources, where those are named and the question reads them."""
    return with_table_orders(query, with_table_touches(query, data, config, today), config)


def with_table_orders(query, data: SheetData, config: AppConfig) -> SheetData:
    """``data`` with 订单 from the table source for a customer question, when one is named (any other
    question, or no source: ``data`` as it is)."""
    source = orders_source(config, data)
    if not source or getattr(query, "kind", None) not in CUSTOMER_KINDS:
        return data
    return table_orders(source, data, getattr(query, "lang", "zh"))


def table_orders(source: str, data: SheetData, lang: str = "zh") -> SheetData:
    """``data`` whose 订单 are the source's, summed where they live per customer and order day, and a note
    of where they came from in ``table_notes``. A source that cannot be read → DataError in one line."""
    got = tables.aggregate_order_days(source)
    return data.with_source(orders=got.orders(), table_notes=(*data.table_notes, got.provenance.line(lang)))


def with_table_notes(ans, data: SheetData):
    """A customer answer with the notes of where its 订单 came from (attribution answers add theirs
    themselves); any other answer, or no note: ``ans`` as it is."""
    notes = [n for n in data.table_notes if n not in ans.warnings]
    if getattr(ans, "kind", None) not in CUSTOMER_KINDS or not notes:
        return ans
    noted = copy.copy(ans)  # a shallow copy keeps what the core set beside the fields (asked_metric …)
    noted.warnings = [*ans.warnings, *notes]
    return noted


def monthly_orders(config: AppConfig, data: SheetData) -> SheetData | None:
    """For the monthly 客户价值 tab: ``data`` with 订单 from the table source when one is named (``data``
    without one); None when the source cannot be read (logged in one line: the tab is left as it was rather
    than written from the 订单 tab the team said not to use)."""
    source = orders_source(config, data)
    if not source:
        return data
    try:
        return table_orders(source, data)
    except Exception as err:  # any engine's error: the rest of the report goes on
        log.warning("订单来源 could not be summed for the 客户价值 tab: %s", str(err).splitlines()[0] if str(err) else err)
        return None


def with_table_touches(query, data: SheetData, config: AppConfig, today: dt.date, *,
                       cache_dir: Path | None = None) -> SheetData:
    """``data`` with the question's journeys from the table source, when one is named and the question
    is an attribution one (any other question, or no source: ``data`` as it is)."""
    source = touches_source(config, data)
    if not source or getattr(query, "kind", None) != "attribution":
        return data
    month = query.month
    if month is None and getattr(query, "period", None) is not None:
        return data  # another period than a month: the tab's touches (docs/tables.md)
    agg, cached = month_paths(source, data.settings, month, today, cache_dir=cache_dir)
    key = "" if month is None else str(month)
    if agg.paths.empty:
        when = "" if month is None else f"{month} "
        raise DataError(f"触点来源「{agg.provenance.source}」{when}没有可归因的触点",
                        "换一个月份试试，或检查触点来源的时间列")
    note = agg.provenance.line(query.lang)
    if cached:
        note += " (summed by the monthly job)" if query.lang == "en" else "（月报任务汇总）"
    return data.with_source(touch_paths={key: agg.journeys()}, table_notes=(note,))


def month_paths(source: str, settings, month: pd.Period | None, today: dt.date, *,
                cache_dir: Path | None = None) -> tuple[tables.PathAggregates, bool]:
    """The aggregates of ``month`` (None: every touch) and whether they came from the cache. A month over
    by ``today`` is read from the cache, or summed and then kept; others are summed each time."""
    closed = month is not None and month.end_time.date() < today
    path = _cache_path(cache_dir or CACHE_DIR, source, month, settings) if closed else None
    if path is not None and (path / "meta.json").exists():
        return _load(path), True
    agg = tables.aggregate_paths(source, lookback_days=settings.lookback_days, half_life_days=settings.half_life_days,
                                 month=month)
    if path is not None:
        _save(path, agg)
    return agg, False


def warm_month(config: AppConfig, data: SheetData, month: pd.Period, today: dt.date, *,
               cache_dir: Path | None = None) -> tables.PathAggregates | None:
    """For the monthly job: sum ``month``'s touches once so its questions do not rescan the source."""
    source = touches_source(config, data)
    if not source:
        return None
    return month_paths(source, data.settings, month, today, cache_dir=cache_dir)[0]


def warm_table_month(config: AppConfig, data: SheetData, month: pd.Period, today: dt.date, *,
                     cache_dir: Path | None = None) -> None:
    """:func:`warm_month` for the monthly run: a source that cannot be summed costs the month's attribution
    questions their cache (they sum it themselves and say why they cannot), never the month's report."""
    try:
        warm_month(config, data, month, today, cache_dir=cache_dir)
    except Exception as err:  # any engine's error: the report goes on
        log.warning("触点来源 could not be summed for %s: %s", month, str(err).splitlines()[0] if str(err) else err)


def _cache_path(cache_dir: Path, source: str, month: pd.Period, settings) -> Path:
    # the sums depend on the source, the month and the two settings that cut and weigh the journeys
    key = json.dumps([source, str(month), float(settings.lookback_days), float(settings.half_life_days)])
    return cache_dir / f"{month}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _save(path: Path, agg: tables.PathAggregates) -> None:
    path.mkdir(parents=True, exist_ok=True)
    agg.paths.to_parquet(path / "paths.parquet")
    agg.decay.to_parquet(path / "decay.parquet")
    p = agg.provenance
    meta = {"source": p.source, "engine": p.engine, "rows": p.rows, "seconds": p.seconds,
            "first": None if p.first is None else p.first.isoformat(),
            "last": None if p.last is None else p.last.isoformat(),
            "half_life_days": agg.half_life_days, "lookback_days": agg.lookback_days, "outside": agg.outside,
            "month": agg.month}
    # meta.json last: a cache entry without it is not complete and is summed again
    (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _load(path: Path) -> tables.PathAggregates:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))

    def stamp(text):
        return None if text is None else dt.datetime.fromisoformat(text)

    provenance = tables.Provenance(meta["source"], meta["engine"], int(meta["rows"]), stamp(meta["first"]),
                                   stamp(meta["last"]), float(meta["seconds"]))
    return tables.PathAggregates(paths=pd.read_parquet(path / "paths.parquet"),
                                 decay=pd.read_parquet(path / "decay.parquet"),
                                 half_life_days=float(meta["half_life_days"]), lookback_days=meta["lookback_days"],
                                 outside=int(meta["outside"]), provenance=provenance, month=meta["month"])
