"""What the clock sends and proposes, recorded: deliveries, alerts and mutes, proposals.

Delivery records: one row per month, so a month is posted once whoever runs it (the clock, a manual run,
the plugin's ``POST /api/v1/monthly``). The tables live in the shared database (SQLite file by default,
PostgreSQL through DATABASE_URL). A run takes a short lease on its month with one atomic UPDATE; a second
clock process, a manual run, or a retry that finds the lease held stays out. What was done (sheet written,
Slack ts) is recorded step by step, so the next run edits the message instead of posting again, and
completes a run that crashed half way.

Beside them: the daily check's alerts (:class:`AlertStore`: one delivery per campaign × kind × day, the
mutes a Slack button records, the alert log) and the monthly summaries' proposals (:class:`ProposalStore`),
which the closed loop reads back (``roi_app.follow_up``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Float,
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


def _with_tables(engine: Engine) -> Engine:
    """``engine`` once every table of the job database exists (made here when missing)."""
    # Another process (or thread) may be creating the same tables: each CREATE it wins between our check and
    # our CREATE fails here (SQLite: "already exists"; PostgreSQL: a duplicate type or relation), so check
    # again, once per table at most.
    for attempt in range(len(metadata.tables) + 1):
        try:
            metadata.create_all(engine)
            return engine
        except (OperationalError, IntegrityError, ProgrammingError):
            if attempt == len(metadata.tables):
                raise
    return engine


class DeliveryStore:
    """Month-keyed delivery records with a lease, on any SQLAlchemy database."""

    def __init__(self, url: str, engine: Engine | None = None, clock=_utc_now):
        """``clock``: what "now" is for the times recorded (the backoff reads them); tests pass a fixed one."""
        self.engine = _with_tables(engine or shared_engine(url))
        self._clock = clock

    def get(self, month: str) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(deliveries).where(deliveries.c.month == month)).mappings().first()
        if row is None:
            return None
        return Delivery(row["month"], row["status"], _aware(row["sheet_written_at"]), row["channel"],
                        row["message_ts"], row["attempts"], row["last_error"])

    def acquire(self, month: str, owner: str | None = None, now: dt.datetime | None = None) -> str | None:
        """Take the month's lease; returns the owner token, or None when another run holds it."""
        now = now or self._clock()
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
        values.setdefault("updated_at", self._clock())
        stmt = update(deliveries).where(deliveries.c.month == month)
        if owner is not None:
            stmt = stmt.where(deliveries.c.lease_owner == owner)
        with self.engine.begin() as conn:
            conn.execute(stmt.values(**values))

    def mark_sheet_written(self, month: str, owner: str) -> None:
        self._set(month, owner, sheet_written_at=self._clock(), status="sheet_written", last_error=None)

    def mark_posted(self, month: str, owner: str, channel: str, ts: str) -> None:
        self._set(month, owner, channel=channel, message_ts=ts, posted_at=self._clock(), status="posted", last_error=None)

    def mark_failed(self, month: str, owner: str | None, error: str) -> None:
        self._set(month, owner, status="failed", last_error=error[:2000])

    def mark_missed(self, month: str, error: str) -> None:
        self._ensure(month, self._clock())
        with self.engine.begin() as conn:  # a month already delivered stays delivered
            conn.execute(update(deliveries).where(deliveries.c.month == month)
                         .where(deliveries.c.status != "posted")
                         .values(status="missed", last_error=error[:2000], updated_at=self._clock()))

    def release(self, month: str, owner: str) -> None:
        self._set(month, owner, lease_owner=None, lease_until=None)

    def last_update(self, month: str) -> dt.datetime | None:
        """When the month's record last changed (a failed run's time, for the retry backoff)."""
        with self.engine.connect() as conn:
            value = conn.execute(select(deliveries.c.updated_at).where(deliveries.c.month == month)).scalar()
        return _aware(value)


# --------------------------------------------------------------------------- the daily check's alerts
# Three more tables in the same database (added to the same metadata, so either store creates them all):
# one delivery record per campaign × kind × day (exactly once, like the months above), one mute per
# campaign × kind (until a day, inclusive), and a log of every alert with its figures and proposed change
# (what the closed loop reads back: AlertStore.proposals).

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of campaign, kind, day: UNIQUE by being the key
    Column("campaign", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("day", String(10), nullable=False),  # ISO date in the team's time zone
    Column("status", String(16), nullable=False),  # claimed|posting|sent|failed|expired
    Column("lease_owner", String(64)),
    Column("lease_until", DateTime(timezone=True)),
    Column("channel", String(64)),
    Column("message_ts", String(32)),
    Column("last_error", Text),
    Column("updated_at", DateTime(timezone=True)),
    # failed posts so far (the retry's backoff: 10 min × 2^(n−1), at most 6 h); added after the first release,
    # so an older database gains it on open (AlertStore._add_missing_columns)
    Column("failures", Integer, nullable=False, default=0, server_default="0"),
)

alert_mutes = Table(
    "alert_mutes",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of campaign, kind
    Column("campaign", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("until", String(10), nullable=False),  # the last muted day (ISO, inclusive)
    Column("muted_by", String(64)),
    Column("updated_at", DateTime(timezone=True)),
)

alert_log = Table(
    "alert_log",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of campaign, channel, kind, day
    Column("campaign", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("figures", Text, nullable=False),  # JSON
    Column("proposal", Text),  # JSON, or NULL when the alert proposes no budget change
    Column("updated_at", DateTime(timezone=True)),
)


def _hash(*parts: str) -> str:
    import hashlib

    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class AlertStore:
    """Alert delivery records (exactly once per campaign × kind × day), mutes and the alert log.

    A run claims a campaign's kinds of the day with a lease (one INSERT per kind; a record that exists is
    taken over only when it is ``claimed`` or ``failed`` and its lease has run out), marks them ``posting``
    just before the Slack call and ``sent`` with the message's ts after it. A Slack error marks them
    ``failed`` and counts the failure (the clock's retry sends them again the same day with backoff, as
    does any later run that day); a failed alert of a past day is marked ``expired`` and never sent. A crash
    during the call leaves ``posting``, which no run takes again: an alert is at worst lost to a crash,
    never doubled.
    """

    def __init__(self, url: str, engine: Engine | None = None):
        self.engine = _with_tables(engine or shared_engine(url))
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """An alert_deliveries table made before ``failures`` existed gains it (SQLite and PostgreSQL alike)."""
        from sqlalchemy import inspect, text

        if "failures" in {c["name"] for c in inspect(self.engine).get_columns("alert_deliveries")}:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(text("ALTER TABLE alert_deliveries ADD COLUMN failures INTEGER NOT NULL DEFAULT 0"))
        except (OperationalError, ProgrammingError):
            pass  # another process added it between the look and the ALTER

    # ---- deliveries
    def claim(self, campaign: str, kinds, day: str, owner: str, now: dt.datetime | None = None) -> list[str]:
        """The kinds of ``campaign`` on ``day`` this run may send (those no other run has sent or holds)."""
        now = now or _utc_now()
        taken = []
        for kind in kinds:
            key = _hash(campaign, kind, day)
            with self.engine.begin() as conn:
                try:
                    conn.execute(insert(alert_deliveries).values(
                        key=key, campaign=campaign, kind=kind, day=day, status="claimed", lease_owner=owner,
                        lease_until=now + LEASE, updated_at=now))
                    taken.append(kind)
                    continue
                except IntegrityError:
                    pass
            with self.engine.begin() as conn:
                got = conn.execute(
                    update(alert_deliveries).where(alert_deliveries.c.key == key)
                    .where(alert_deliveries.c.status.in_(("claimed", "failed")))
                    .where((alert_deliveries.c.lease_until.is_(None)) | (alert_deliveries.c.lease_until < now))
                    .values(status="claimed", lease_owner=owner, lease_until=now + LEASE, updated_at=now)).rowcount
            if got == 1:
                taken.append(kind)
        return taken

    def _mark(self, campaign: str, kinds, day: str, owner: str, **values) -> None:
        if values.get("updated_at") is None:
            values["updated_at"] = _utc_now()
        keys = [_hash(campaign, k, day) for k in kinds]
        with self.engine.begin() as conn:
            conn.execute(update(alert_deliveries).where(alert_deliveries.c.key.in_(keys))
                         .where(alert_deliveries.c.lease_owner == owner).values(**values))

    def mark_posting(self, campaign: str, kinds, day: str, owner: str) -> None:
        self._mark(campaign, kinds, day, owner, status="posting")

    def mark_sent(self, campaign: str, kinds, day: str, owner: str, channel: str, ts: str) -> None:
        self._mark(campaign, kinds, day, owner, status="sent", channel=channel, message_ts=ts, lease_until=None,
                   last_error=None)

    def mark_failed(self, campaign: str, kinds, day: str, owner: str, error: str,
                    now: dt.datetime | None = None) -> None:
        """The post failed: the kinds are ``failed`` (sendable again) with one more failure counted at ``now``."""
        self._mark(campaign, kinds, day, owner, status="failed", lease_until=None, last_error=error[:2000],
                   failures=alert_deliveries.c.failures + 1, updated_at=now)

    def failed(self) -> list[dict]:
        """Every ``failed`` delivery record (campaign, kind, day, failures, updated_at as aware UTC), oldest day first."""
        cols = alert_deliveries.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(cols.campaign, cols.kind, cols.day, cols.failures, cols.updated_at)
                                .where(cols.status == "failed").order_by(cols.day, cols.campaign, cols.kind)).all()
        return [{"campaign": r[0], "kind": r[1], "day": r[2], "failures": int(r[3] or 0), "updated_at": _aware(r[4])}
                for r in rows]

    def expire(self, campaign: str, kinds, day: str, now: dt.datetime | None = None) -> None:
        """Failed kinds of a past day: stale, recorded ``expired`` and never sent."""
        keys = [_hash(campaign, k, day) for k in kinds]
        with self.engine.begin() as conn:
            conn.execute(update(alert_deliveries).where(alert_deliveries.c.key.in_(keys))
                         .where(alert_deliveries.c.status == "failed")
                         .values(status="expired", updated_at=now or _utc_now()))

    def delivery(self, campaign: str, kind: str, day: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(alert_deliveries)
                               .where(alert_deliveries.c.key == _hash(campaign, kind, day))).mappings().first()
        return dict(row) if row is not None else None

    # ---- mutes
    def mute(self, campaign: str, kinds, until: dt.date, by: str | None = None) -> None:
        """Mute ``kinds`` of ``campaign`` through ``until`` (inclusive); a longer mute already set is kept."""
        now = _utc_now()
        for kind in kinds:
            key = _hash(campaign, kind)
            with self.engine.begin() as conn:
                try:
                    conn.execute(insert(alert_mutes).values(key=key, campaign=campaign, kind=kind,
                                                            until=until.isoformat(), muted_by=by, updated_at=now))
                    continue
                except IntegrityError:
                    pass
            with self.engine.begin() as conn:
                conn.execute(update(alert_mutes).where(alert_mutes.c.key == key)
                             .where(alert_mutes.c.until < until.isoformat())
                             .values(until=until.isoformat(), muted_by=by, updated_at=now))

    def muted(self, day: dt.date) -> set[tuple[str, str]]:
        """(campaign, kind) pairs muted on ``day``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(alert_mutes.c.campaign, alert_mutes.c.kind)
                                .where(alert_mutes.c.until >= day.isoformat())).all()
        return {(r[0], r[1]) for r in rows}

    # ---- the alert log (read back by the closed loop)
    def log_alerts(self, alerts) -> None:
        """Record each alert (a ``roi_core.monitor.Alert``) with its figures and proposal; a re-run replaces."""
        import json

        now = _utc_now()
        with self.engine.begin() as conn:
            for a in alerts:
                day = a.date.isoformat()
                key = _hash(a.campaign, a.channel, a.kind, day)
                values = dict(message=a.message, figures=json.dumps(a.figures, ensure_ascii=False),
                              proposal=json.dumps(a.proposal, ensure_ascii=False) if a.proposal else None,
                              updated_at=now)
                done = conn.execute(update(alert_log).where(alert_log.c.key == key).values(**values)).rowcount
                if not done:
                    conn.execute(insert(alert_log).values(key=key, campaign=a.campaign, channel=a.channel,
                                                          kind=a.kind, day=day, **values))

    def proposals(self, since: dt.date | None = None, until: dt.date | None = None,
                  campaign: str | None = None) -> list[dict]:
        """Logged alerts that proposed a budget change, oldest first: campaign, channel, kind, day (ISO),
        message, figures and proposal (dicts; see roi_core.monitor.Alert)."""
        import json

        stmt = select(alert_log).where(alert_log.c.proposal.is_not(None))
        if since is not None:
            stmt = stmt.where(alert_log.c.day >= since.isoformat())
        if until is not None:
            stmt = stmt.where(alert_log.c.day <= until.isoformat())
        if campaign is not None:
            stmt = stmt.where(alert_log.c.campaign == campaign)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(alert_log.c.day, alert_log.c.campaign, alert_log.c.kind)).mappings().all()
        return [{"campaign": r["campaign"], "channel": r["channel"], "kind": r["kind"], "day": r["day"],
                 "message": r["message"], "figures": json.loads(r["figures"]), "proposal": json.loads(r["proposal"])}
                for r in rows]


# --------------------------------------------------------------------------- the monthly summary's proposals
# The closed loop (roi_core.follow_up): what each delivered 月报 proposed for the month after, per channel,
# so the next month's summary and answers can say what happened. A re-run of a month replaces its rows.

monthly_proposals = Table(
    "monthly_proposals",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of month, channel
    Column("month", String(7), nullable=False),  # the month summarised; the proposal is for the month after
    Column("channel", Text, nullable=False),
    Column("action", String(16), nullable=False),  # raise | reduce
    Column("current", Float, nullable=False),  # ¥ per month
    Column("proposed", Float, nullable=False),
    Column("change", Float, nullable=False),
    Column("roi", Float),  # the channel's ROI that month, on the credit basis
    Column("marginal_roi", Float),
    Column("basis", String(64)),  # the credit basis: campaign_tab or the attribution model
    Column("method", String(32)),  # response_curve | linear
    Column("updated_at", DateTime(timezone=True)),
)


class ProposalStore:
    """The monthly summaries' proposals (``roi_core.follow_up.proposals_of``), one row per month × channel."""

    def __init__(self, url: str, engine: Engine | None = None):
        self.engine = _with_tables(engine or shared_engine(url))

    def record(self, month: str, proposals: list[dict]) -> None:
        """Replace ``month``'s proposals with ``proposals`` (dicts with channel, action, current, proposed,
        change, roi, marginal_roi, basis, method), in one transaction."""
        from sqlalchemy import delete

        now = _utc_now()
        with self.engine.begin() as conn:
            conn.execute(delete(monthly_proposals).where(monthly_proposals.c.month == month))
            for p in proposals:
                conn.execute(insert(monthly_proposals).values(
                    key=_hash(month, str(p["channel"])), month=month, channel=str(p["channel"]),
                    action=p["action"], current=float(p["current"]), proposed=float(p["proposed"]),
                    change=float(p["change"]), roi=p.get("roi"), marginal_roi=p.get("marginal_roi"),
                    basis=p.get("basis"), method=p.get("method"), updated_at=now))

    def proposals(self, month: str) -> list[dict]:
        """``month``'s recorded proposals (for the month after it), as plain dicts with ``source: monthly``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(monthly_proposals).where(monthly_proposals.c.month == month)
                                .order_by(monthly_proposals.c.change.desc())).mappings().all()
        return [{"source": "monthly", "month": r["month"], "channel": r["channel"], "action": r["action"],
                 "current": r["current"], "proposed": r["proposed"], "change": r["change"], "roi": r["roi"],
                 "marginal_roi": r["marginal_roi"], "basis": r["basis"], "method": r["method"]} for r in rows]
