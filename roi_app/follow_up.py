"""The closed loop's records, read for an answer: what the monthly summaries and the daily check proposed.

``ProposalLookup(database_url)(answer, today)`` gives the proposals an answer can report the outcome of
(``roi_core.follow_up.with_follow_up`` judges them): for a one-month 月报 the month before's monthly
proposals and the month's alert proposals; for a campaign its alerts' proposals. Any other answer costs
no database call. The records live in the job's database (``roi_app.stores.records``: ``monthly_proposals``,
``alert_log``), the same ``DATABASE_URL`` (or its default) every process opens through
``roi_runtime.db``. A database that does not exist yet (no job has run) is not created; one that cannot
be read gives no proposals (logged), never a failed answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pandas as pd

log = logging.getLogger(__name__)


class ProposalLookup:
    """Proposals for an answer, from the job's database at ``url`` (stores opened once, on first need)."""

    def __init__(self, url: str | None):
        self.url = url
        self._stores = None
        self._lock = threading.Lock()

    def _open(self):
        if self._stores is not None:
            return self._stores
        from roi_runtime.db import sqlite_path

        if not self.url:
            return None
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            return None  # no job has run here: nothing recorded, and nothing to create for a question
        from roi_app.stores.records import AlertStore, ProposalStore

        with self._lock:
            if self._stores is None:
                self._stores = (ProposalStore(self.url), AlertStore(self.url))
        return self._stores

    def __call__(self, ans, today: dt.date | None = None) -> list[dict]:
        kind = getattr(ans, "kind", "")
        wanted = (kind == "monthly" and getattr(ans, "months", None) is None) or (
            kind == "campaign" and getattr(ans, "campaign", None))
        if not wanted:
            return []
        try:
            stores = self._open()
            if stores is None:
                return []
            monthly, alerts = stores
            if kind == "monthly":
                month = pd.Period(str(ans.month), freq="M")
                return monthly.proposals(str(month - 1)) + alerts.proposals(
                    since=month.start_time.date(), until=month.end_time.date())
            return alerts.proposals(campaign=ans.campaign)
        except Exception:  # a database gone or not ours: the answer goes out without its follow-up
            log.warning("could not read the proposals for a follow-up", exc_info=True)
            return []


_lookups: dict[str, ProposalLookup] = {}
_lookups_lock = threading.Lock()


def proposal_lookup(config) -> ProposalLookup:
    """The process's lookup over ``config.database`` (one per database URL)."""
    url = config.database
    with _lookups_lock:
        lookup = _lookups.get(url)
        if lookup is None:
            lookup = _lookups[url] = ProposalLookup(url)
        return lookup


def record_month(config, summary) -> int:
    """Record what ``summary`` (a delivered 月报) proposes for the month after; returns how many channels."""
    from roi_app.stores.records import ProposalStore
    from roi_core.follow_up import proposals_of

    proposals = proposals_of(summary)
    ProposalStore(config.database).record(str(summary.month), proposals)
    return len(proposals)


FOLLOW_UP_HEADER = "上月建议的结果"


def follow_up_cell(summary) -> list:
    """The 月度汇总 cells (月份, 上月建议的结果) of a summary carrying follow-ups: their lines joined by "；"."""
    return [str(summary.month), "；".join(f.text for f in summary.follow_up)]
