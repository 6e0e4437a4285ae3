"""The figures behind the sheet's custom functions: one snapshot per period, metric look-ups in it.

Computed with the core's own functions (``prepare_rows``, ``period_rows``,
``group_metrics``, ``unavailable_reason``, the attribution answer), so a cell's
``=ROI("618活动")`` reads what ``/roi 618活动`` says:

- a campaign's figures are its rows' sums and ratios, on its own return basis
  (毛利 when every row of it knows its 毛利, else 销售额), as ``campaign_report``;
- a campaign on one channel is that campaign's rows on that channel, on their
  own basis, as ``/roi 618 抖音``;
- a channel's figures are over every campaign row in the period, one basis for
  all channels, as the channel ranking;
- a period cuts each row to its days inside it (``period_rows``), as every
  period question does.

Pure: data in, JSON-safe dicts out (NaN → None with a reason).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pandas as pd

from roi_core import SheetData
from roi_core.answer import _edition, period_rows
from roi_core.attribution import MODELS, AttributionError, resolve_model
from roi_core.matching import match_campaign, match_key
from roi_core.metrics import group_metrics, prepare_rows, return_basis, unavailable_reason
from roi_core.monthly import edition_key
from roi_core.query import Query
from roi_core.results import _clean

# the figures a snapshot carries for each campaign, campaign × channel and channel
FIGURES = ("roi", "roas", "cac", "revenue", "cost", "profit", "ctr", "cvr", "new_customers")
CAMPAIGN_METRICS = frozenset(FIGURES)
METRICS = CAMPAIGN_METRICS | {"attributed", "roi_channel"}
_FRAME_COLUMN = {"profit": "profit"}  # same names in group_metrics' frame


def rows_in(data: SheetData, period: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    """The campaign rows behind a period's figures (each cut to its days inside ``period``)."""
    rows = data.campaigns if period is None else period_rows(data.campaigns, *period)
    return prepare_rows(rows, data.settings)


def metrics_by(rows: pd.DataFrame, by: list[str], *, own_basis: bool) -> pd.DataFrame:
    """``group_metrics`` per ``by``; ``own_basis``: each group on its own return basis (毛利 when all its
    rows know it), else one basis for all groups (``return_basis`` of every row)."""
    if rows.empty:
        return pd.DataFrame(columns=[*by, *FIGURES])
    if not own_basis:
        return group_metrics(rows, by, return_basis(rows))
    gross = group_metrics(rows, by, "gross_profit")
    sales = group_metrics(rows, by, "revenue")
    known = gross["gross_profit"].notna()  # group_metrics leaves it NaN unless every row of the group knows it
    return gross.where(known, sales, axis=0)


def _entry(row: pd.Series) -> dict:
    out = {name: _clean(row.get(name)) for name in FIGURES}
    missing = {name: unavailable_reason(name, row) for name in FIGURES if out[name] is None}
    missing = {k: v for k, v in missing.items() if v}
    if missing:
        out["unavailable"] = missing
    return out


def data_version(data: SheetData) -> str:
    """A short hash of what the figures are computed from: the same sheet contents give the same version."""
    h = hashlib.sha256()
    for frame in (data.campaigns, data.touchpoints):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes() if len(frame) else b"-")
        h.update(b"|")
    h.update(repr(data.settings).encode("utf-8"))
    return h.hexdigest()[:16]


def find_campaign(data: SheetData, text: str) -> tuple[str | None, list[str]]:
    """The campaign ``text`` names, found as ``/roi <text>`` finds it (exact, substring, fuzzy; the latest
    edition when names differ only by a year): (name, []) or (None, the closest names)."""
    names = data.campaigns["campaign"].tolist()
    match = match_campaign(text, names)
    chosen, _note = _edition(match, Query("campaign", text=text), data)
    name = chosen or match.unique
    if name is not None:
        return name, []
    return None, list(match.names)


def aliases(data: SheetData) -> dict[str, str]:
    """Short forms people type → the campaign's name in the sheet, for each short form that ``/roi`` itself
    resolves to that one campaign: its name without a year ("双11大促" → the latest edition), without a
    trailing 活动/大促 ("618" → "618活动"), and its normalised form."""
    names = list(dict.fromkeys(data.campaigns["campaign"].tolist()))
    candidates: dict[str, None] = {}
    for name in names:
        for alias in (match_key(name), edition_key(name)):
            candidates[alias] = None
            candidates[re.sub(r"(活动|大促)$", "", alias)] = None
    out = {}
    for alias in candidates:
        if alias and alias not in names:
            found, _ = find_campaign(data, alias)
            if found is not None:
                out[alias] = found
    return out


def snapshot(data: SheetData, period: tuple[dt.date, dt.date] | None, attribution: dict | None) -> dict:
    """Every figure the custom functions need for ``period`` (None: all the sheet), one JSON-safe dict.

    ``attribution`` is the console JSON of the attribution answer for the same period (None when the sheet has
    no touches: then ``attributed`` is empty)."""
    rows = rows_in(data, period)
    campaigns: dict[str, dict] = {}
    per_campaign = metrics_by(rows, ["campaign"], own_basis=True)
    per_pair = metrics_by(rows, ["campaign", "channel"], own_basis=True)
    pairs: dict[str, dict] = {}
    for _, row in per_pair.iterrows():  # one row per campaign × channel: tens, not the sheet's rows
        pairs.setdefault(row["campaign"], {})[row["channel"]] = _entry(row)
    for _, row in per_campaign.iterrows():
        campaigns[row["campaign"]] = {**_entry(row), "channels": pairs.get(row["campaign"], {})}
    channels = {row["channel"]: _entry(row) for _, row in metrics_by(rows, ["channel"], own_basis=False).iterrows()}
    attributed: dict[str, dict] = {}
    refused: dict[str, str] = {}
    if attribution:
        for model in MODELS:
            if model in attribution.get("refused", {}):
                refused[model] = attribution["refused"][model]
                continue
            attributed[model] = {r["channel"]: _clean(r.get(f"{model}_revenue"))
                                 for r in attribution.get("comparison", [])}
    try:
        default_model = resolve_model(data.settings.attribution_model)
    except AttributionError:
        default_model = "markov"
    out = {
        "period": None if period is None else {"start": period[0].isoformat(), "end": period[1].isoformat()},
        "version": data_version(data),
        "campaigns": campaigns,
        "channels": channels,
        "attributed": attributed,
        "default_model": default_model,
        "aliases": aliases(data),
    }
    if refused:
        out["attributed_unavailable"] = refused
    return out
