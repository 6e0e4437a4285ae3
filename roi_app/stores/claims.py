"""Answer each request once, across web workers and processes: the first claim of a key wins.

A door that may receive the same request twice (Slack retries an event it thinks was not acknowledged,
``X-Slack-Retry-Num``, and the retry can land on another worker while the first one is still working)
claims it first with one INSERT into a table whose key is UNIQUE (``slack_claims.key``, the name it has
always had): the INSERT that creates the row wins; a retry's INSERT does nothing and the retry is dropped
without a second answer. The door names its requests (``bot.dedupe.request_key`` for Slack). The table lives
in the database the workers share: ``DATABASE_URL`` (PostgreSQL in production) or the default SQLite file
under ``var/`` (WAL mode, so concurrent workers do not lock each other out); the engine comes from
``roi_runtime.db``, shared with the clock.

When the database itself fails we answer anyway (logged): a rare double answer is better than silence.
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

MAX_BATCH = 200  # claims one INSERT carries at most (SQLite allows 32,766 parameters: 2 per claim)

metadata = MetaData()
claims = Table(
    "slack_claims",
    metadata,
    Column("key", String(255), primary_key=True),  # UNIQUE: one claim per request
    Column("claimed_at", DateTime(timezone=True), nullable=False, index=True),
)


class _Ask:
    """One claim waiting for the INSERT that carries it."""

    __slots__ = ("key", "now", "done", "first")

    def __init__(self, key: str, now: dt.datetime):
        self.key, self.now, self.done, self.first = key, now, False, False


class ClaimStore:
    """``claim(key)`` is True for the first caller of a key, in any process sharing the database."""

    def __init__(self, url: str, engine: Engine | None = None):
        self.url = url
        self.engine = engine or shared_engine(url)
        self._dialect = self.engine.dialect.name
        self._last_prune = 0.0
        self._prune_lock = threading.Lock()
        # claims made at the same time in this process share one INSERT (see claim)
        self._cond = threading.Condition(threading.Lock())
        self._asks: list[_Ask] = []
        self._writing = False
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

    def _insert(self, rows: list[dict]):
        """The claiming INSERT of ``rows``; it returns the keys whose rows it created (SQLite, PostgreSQL)."""
        if self._dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        elif self._dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            return insert(claims).values(**rows[0])
        # RETURNING says whether this INSERT created the row: rowcount does not (psycopg 3 under
        # SQLAlchemy 2.1 reports -1 for INSERT … ON CONFLICT DO NOTHING)
        return (dialect_insert(claims).values(rows).on_conflict_do_nothing(index_elements=["key"])
                .returning(claims.c.key))

    def claim(self, key: str, now: dt.datetime | None = None) -> bool:
        """Record ``key``; True if this call created it (answer), False if it existed (a retry: skip).

        Claims made while another thread of this process is writing wait for it and then go together in
        one INSERT (one writer at a time, many rows): under a burst each claim no longer waits its own
        turn for the database, which in SQLite means sleeping in its busy handler (1, 2, 5 … 25 ms) and,
        in a busy process, waiting for the interpreter lock after every call into the driver."""
        now = now or dt.datetime.now(dt.UTC)
        if self._dialect not in ("sqlite", "postgresql"):  # no INSERT … RETURNING of many rows: one by one
            first = self._write_one(key[:255], now)
        else:
            ask = _Ask(key[:255], now)
            with self._cond:
                self._asks.append(ask)
                while not ask.done:
                    if self._writing:
                        self._cond.wait()
                        continue
                    self._writing = True
                    batch, self._asks = self._asks[:MAX_BATCH], self._asks[MAX_BATCH:]
                    self._cond.release()
                    try:
                        self._write(batch)
                    finally:
                        self._cond.acquire()
                        self._writing = False
                        self._cond.notify_all()
            first = ask.first
        self._maybe_prune(now)
        return first

    def _write(self, batch: list[_Ask]) -> None:
        """One INSERT for ``batch``; each ask's ``first`` says whether its key was new. A key asked twice in
        one batch is first only for the earlier ask."""
        mine: dict[str, _Ask] = {}
        for ask in batch:
            if ask.key in mine:
                ask.first = False  # the same request twice at once: the earlier ask answers it
            else:
                mine[ask.key] = ask
        try:
            with self.engine.begin() as conn:
                created = {row[0] for row in conn.execute(
                    self._insert([{"key": a.key, "claimed_at": a.now} for a in mine.values()]))}
            for key, ask in mine.items():
                ask.first = key in created
        except Exception:  # noqa: BLE001 - every asker waits on this write: answer rather than leave them silent
            log.exception("dedupe store failed; answering without dedupe")
            for ask in mine.values():
                ask.first = True
        finally:
            for ask in batch:
                ask.done = True

    def _write_one(self, key: str, now: dt.datetime) -> bool:
        try:
            with self.engine.begin() as conn:
                result = conn.execute(self._insert([{"key": key, "claimed_at": now}]))
                return result.rowcount == 1
        except IntegrityError:
            return False
        except SQLAlchemyError:
            log.exception("dedupe store failed; answering without dedupe")
            return True

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
