"""Delivery records: one row per month, so a month is posted once whoever runs it.

The table lives in the job store's database (SQLite file by default, PostgreSQL
through DATABASE_URL). A run takes a short lease on its month with one atomic
UPDATE; a second clock process, a manual run, or a retry that finds the lease
held stays out. What was done (sheet written, Slack ts) is recorded step by
step, so the next run edits the message instead of posting again, and
completes a run that crashed half way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from roi_runtime.db import shared_engine

LEASE = dt.timedelta(minutes=15)

metadata = MetaData()
deliveries = Table(
    "monthly_deliveries",
    metadata,
    Column("month", String(7), primary_key=True),  # UNIQUE by being the key: one record per month
    Column("status", String(16), nullable=False, default="pending"),  # pending|sheet_written|posted|failed|missed
    Column("lease_owner", String(64)),
    Column("lease_until", DateTime(timezone=True)),
    Column("sheet_written_at", DateTime(timezone=True)),
    Column("channel", String(64)),
    Column("message_ts", String(32)),
    Column("posted_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("updated_at", DateTime(timezone=True)),
)


@dataclass(frozen=True)
class Delivery:
    month: str
    status: str
    sheet_written_at: dt.datetime | None
    channel: str | None
    message_ts: str | None
    attempts: int
    last_error: str | None


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class DeliveryStore:
    """Month-keyed delivery records with a lease, on any SQLAlchemy database."""

    def __init__(self, url: str, engine: Engine | None = None):
        self.engine = engine or shared_engine(url)
        try:
            metadata.create_all(self.engine)
        except (OperationalError, IntegrityError, ProgrammingError):
            # another process created it between the check and the CREATE (SQLite: "already exists";
            # PostgreSQL: a duplicate type or relation)
            metadata.create_all(self.engine)

    def get(self, month: str) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(deliveries).where(deliveries.c.month == month)).mappings().first()
        if row is None:
            return None
        return Delivery(row["month"], row["status"], _aware(row["sheet_written_at"]), row["channel"],
                        row["message_ts"], row["attempts"], row["last_error"])

    def acquire(self, month: str, owner: str | None = None, now: dt.datetime | None = None) -> str | None:
        """Take the month's lease; returns the owner token, or None when another run holds it."""
        now = now or _utc_now()
        owner = owner or uuid.uuid4().hex
        self._ensure(month, now)
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(deliveries)
                .where(deliveries.c.month == month)
                .where((deliveries.c.lease_until.is_(None)) | (deliveries.c.lease_until < now))
                .values(lease_owner=owner, lease_until=now + LEASE, attempts=deliveries.c.attempts + 1, updated_at=now)
            ).rowcount
        return owner if taken == 1 else None

    def _ensure(self, month: str, now: dt.datetime) -> None:
        with self.engine.begin() as conn:
            try:
                conn.execute(insert(deliveries).values(month=month, status="pending", attempts=0, updated_at=now))
            except IntegrityError:
                pass  # the record exists: a re-run

    def break_lease(self, month: str) -> None:
        """For a manual ``--force`` run after a crash left a lease behind."""
        self._set(month, None, lease_owner=None, lease_until=None)

    def _set(self, month: str, owner: str | None, **values) -> None:
        values.setdefault("updated_at", _utc_now())
        stmt = update(deliveries).where(deliveries.c.month == month)
        if owner is not None:
            stmt = stmt.where(deliveries.c.lease_owner == owner)
        with self.engine.begin() as conn:
            conn.execute(stmt.values(**values))

    def mark_sheet_written(self, month: str, owner: str) -> None:
        self._set(month, owner, sheet_written_at=_utc_now(), status="sheet_written", last_error=None)

    def mark_posted(self, month: str, owner: str, channel: str, ts: str) -> None:
        self._set(month, owner, channel=channel, message_ts=ts, posted_at=_utc_now(), status="posted", last_error=None)

    def mark_failed(self, month: str, owner: str | None, error: str) -> None:
        self._set(month, owner, status="failed", last_error=error[:2000])

    def mark_missed(self, month: str, error: str) -> None:
        self._ensure(month, _utc_now())
        with self.engine.begin() as conn:  # a month already delivered stays delivered
            conn.execute(update(deliveries).where(deliveries.c.month == month)
                         .where(deliveries.c.status != "posted")
                         .values(status="missed", last_error=error[:2000], updated_at=_utc_now()))

    def release(self, month: str, owner: str) -> None:
        self._set(month, owner, lease_owner=None, lease_until=None)

    def last_update(self, month: str) -> dt.datetime | None:
        """When the month's record last changed (a failed run's time, for the retry backoff)."""
        with self.engine.connect() as conn:
            value = conn.execute(select(deliveries.c.updated_at).where(deliveries.c.month == month)).scalar()
        return _aware(value)
