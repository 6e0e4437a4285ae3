"""Answer each Slack request once, across gunicorn workers and processes.

Slack retries an event it thinks was not acknowledged (``X-Slack-Retry-Num``),
and the retry can land on another worker while the first one is still
working. Every request we are about to answer is claimed first with one
INSERT into a table whose key is UNIQUE (``slack_claims.key``): the INSERT
that creates the row wins; a retry's INSERT does nothing and the retry is
acknowledged without a second answer. The table lives in the database the
workers share: ``DATABASE_URL`` (PostgreSQL in production) or the default
SQLite file under ``var/`` (WAL mode, so concurrent workers do not lock each
other out); the engine comes from ``roi_runtime.db``, shared with the clock.

Keys: ``event:<team>:<event_id>`` for Events API deliveries,
``command:<team>:<trigger_id>`` for slash commands and
``action:<team>:<trigger_id>`` for button clicks (Slack sends a fresh
trigger_id with every invocation and keeps it on a resend).

When the database itself fails we answer anyway (logged): a rare double
answer is better than silence.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from roi_runtime.db import shared_engine

log = logging.getLogger(__name__)

KEEP = dt.timedelta(hours=24)  # Slack retries within minutes; a day is plenty
PRUNE_EVERY = 600.0  # seconds between clean-ups, per process

metadata = MetaData()
claims = Table(
    "slack_claims",
    metadata,
    Column("key", String(255), primary_key=True),  # UNIQUE: one claim per request
    Column("claimed_at", DateTime(timezone=True), nullable=False, index=True),
)


def make_engine(url: str) -> Engine:
    """The process's shared engine for ``url`` (kept for callers of the old name; see roi_runtime.db)."""
    return shared_engine(url)


class ClaimStore:
    """``claim(key)`` is True for the first caller of a key, in any process sharing the database."""

    def __init__(self, url: str, engine: Engine | None = None):
        self.url = url
        self.engine = engine or shared_engine(url)
        self._dialect = self.engine.dialect.name
        self._last_prune = 0.0
        self._prune_lock = threading.Lock()
        self._create()

    def _create(self) -> None:
        for attempt in range(3):  # two workers starting together may race on CREATE TABLE
            try:
                metadata.create_all(self.engine, checkfirst=True)
                return
            except (OperationalError, IntegrityError, ProgrammingError):  # PostgreSQL: duplicate type/relation
                if attempt == 2:
                    raise
                time.sleep(0.1 * (attempt + 1))

    def _insert(self, key: str, now: dt.datetime):
        """The claiming INSERT; it returns the key when it created the row (SQLite, PostgreSQL)."""
        values = {"key": key, "claimed_at": now}
        if self._dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        elif self._dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            return insert(claims).values(**values)
        # RETURNING says whether this INSERT created the row: rowcount does not (psycopg 3 under
        # SQLAlchemy 2.1 reports -1 for INSERT … ON CONFLICT DO NOTHING)
        return (dialect_insert(claims).values(**values).on_conflict_do_nothing(index_elements=["key"])
                .returning(claims.c.key))

    def claim(self, key: str, now: dt.datetime | None = None) -> bool:
        """Record ``key``; True if this call created it (answer), False if it existed (a retry: skip)."""
        now = now or dt.datetime.now(dt.UTC)
        try:
            with self.engine.begin() as conn:
                result = conn.execute(self._insert(key[:255], now))
                first = result.first() is not None if result.returns_rows else result.rowcount == 1
        except IntegrityError:
            first = False
        except SQLAlchemyError:
            log.exception("dedupe store failed; answering without dedupe")
            return True
        self._maybe_prune(now)
        return first

    def _maybe_prune(self, now: dt.datetime) -> None:
        mono = time.monotonic()
        if mono - self._last_prune < PRUNE_EVERY or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._last_prune = mono
            with self.engine.begin() as conn:
                conn.execute(delete(claims).where(claims.c.claimed_at < now - KEEP))
        except SQLAlchemyError:
            log.warning("could not prune old dedupe claims", exc_info=True)
        finally:
            self._prune_lock.release()

    def count(self) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(claims)).scalar_one())


def request_key(body: dict) -> str | None:
    """The dedupe key of a Slack request body (None: nothing to dedupe on)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{team}:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{team}:{body['trigger_id']}"
    if body.get("type") == "block_actions":
        trigger = body.get("trigger_id")
        if trigger:
            return f"action:{team}:{trigger}"
        acts = body.get("actions") or []
        if acts and acts[0].get("action_ts"):
            return f"action:{team}:{acts[0]['action_ts']}:{acts[0].get('action_id', '')}"
    return None
