"""The plugin's API tokens: one per spreadsheet, only their SHA-256 kept, in the shared database.

``python -m roi_app addon-key --source <sheet>`` (also ``python -m sheets addon-key``,
``roi_app.addon_key``) calls :func:`issue` (prints the token once), ``--revoke``
:func:`revoke`, ``--list`` :func:`list_tokens`. The web API looks a presented
token up with :func:`source_of`. The table lives in the
database of ``roi_runtime.db`` (SQLite file by default, PostgreSQL through
DATABASE_URL), beside the delivery records.

A source is named the way the server names its own (:func:`source_id`): a
Google Sheet by its key (a URL and the bare key are one sheet), a workbook by
its absolute path. A token answers only for the source it was made for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from roi_runtime.db import shared_engine

TOKEN_PREFIX = "roi_"

metadata = MetaData()
addon_tokens = Table(
    "addon_tokens",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("source", String(1000), nullable=False, unique=True),  # one token per spreadsheet
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class TokenInfo:
    """A stored token without the token: which source, made when."""

    source: str
    created_at: dt.datetime


def source_id(location: str | Path) -> str:
    """The one name of a data source: a Google Sheet's key, or a workbook's absolute path."""
    from sheets import google_key

    text = str(location).strip()
    key = google_key(text)
    if key is not None:
        return key
    return str(Path(text).expanduser().resolve())


def digest(token: str) -> str:
    """SHA-256 of a token, hex: what the table keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bucket_id(token: str) -> str:
    """The rate-limit bucket of ``token``: the same for the token and every session made with it.

    Sessions carry it inside their signed (readable, not secret) payload, so it is a hash of its own,
    not the stored digest: nothing about the table's rows can be read from a page link."""
    return hashlib.sha256(b"roi-rate-limit\0" + token.encode("utf-8")).hexdigest()[:32]


class TokenStore:
    """The ``addon_tokens`` table on one engine (the process's shared engine for ``url``)."""

    _ready: set[int] = set()  # engines whose table was created in this process

    def __init__(self, url: str, engine: Engine | None = None):
        self.engine = engine or shared_engine(url)
        if id(self.engine) not in self._ready:
            try:
                metadata.create_all(self.engine)
            except (OperationalError, IntegrityError, ProgrammingError):
                metadata.create_all(self.engine)  # another process created it between the check and the CREATE
            self._ready.add(id(self.engine))

    def issue(self, location: str, *, now: dt.datetime | None = None) -> str:
        """A new token for ``location`` (replacing its old one); only its SHA-256 is stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        source = source_id(location)
        with self.engine.begin() as conn:
            conn.execute(delete(addon_tokens).where(addon_tokens.c.source == source))
            conn.execute(insert(addon_tokens).values(token_sha256=digest(token), source=source,
                                                     created_at=now or dt.datetime.now(dt.UTC)))
        return token

    def revoke(self, location: str) -> bool:
        """Remove ``location``'s token; False when it had none."""
        with self.engine.begin() as conn:
            return conn.execute(delete(addon_tokens).where(addon_tokens.c.source == source_id(location))).rowcount > 0

    def list_tokens(self) -> list[TokenInfo]:
        """Every source with a token and when it was made (never the token)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(addon_tokens.c.source, addon_tokens.c.created_at)
                                .order_by(addon_tokens.c.created_at)).all()
        return [TokenInfo(r.source, r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=dt.UTC))
                for r in rows]

    def source_of(self, token: str) -> str | None:
        """The source ``token`` was made for, or None for an unknown token."""
        if not token or len(token) > 200:
            return None
        wanted = digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(select(addon_tokens.c.token_sha256, addon_tokens.c.source)
                               .where(addon_tokens.c.token_sha256 == wanted)).first()
        # the lookup is by digest; the compare of what came back is constant-time all the same
        if row is None or not hmac.compare_digest(row.token_sha256, wanted):
            return None
        return row.source

    def any(self) -> bool:
        """True when at least one token exists (the plugin is in use)."""
        with self.engine.connect() as conn:
            return conn.execute(select(addon_tokens.c.source).limit(1)).first() is not None

