"""The shared Google Sheet through gspread, read in one call and written politely.

- Credentials: a service account (``GOOGLE_SERVICE_ACCOUNT_JSON``, a file path
  or the JSON itself); its own ``token_uri`` is honoured. A malformed JSON, a
  key that does not parse, or a token service that fails, times out or answers
  nonsense each become a named :mod:`sheets.errors` error with one Chinese
  line naming the setting and the fix, never a traceback.
- Endpoint: ``GOOGLE_SHEETS_API_URL`` replaces ``https://sheets.googleapis.com``
  (staging, an emulator, the tests' loopback fake) with no code change.
- Reads: the people's tabs in ONE ``values:batchGet`` with ``UNFORMATTED_VALUE``
  and ``SERIAL_NUMBER``; tab titles come from the spreadsheet's metadata, asked
  once per process and key (and again only if a tab went missing).
- Writes: only the assistant's tabs, with ``RAW`` (so ``=IMPORTXML(...)`` stays
  text), only the cells we own. Values are written before anything is cleared,
  so a write that is refused (403) has destroyed nothing.

Deadlines and retries
---------------------
Every operation (a read, one write) runs against a deadline: ``deadline``
(default :data:`INTERACTIVE_DEADLINE`, 20 s, what a person waiting for an answer
can bear) or ``write_deadline`` (default :data:`JOB_DEADLINE`, 120 s, the monthly
job); ``read(deadline=...)`` overrides it per call. The connect and read timeout
of every attempt, the token fetch included, is cut to what is left of it, and
no retry starts that could not finish in time, so the deadline bounds the
whole operation.

Retries are urllib3's :class:`~urllib3.util.Retry` mounted on gspread's requests
session (exponential backoff with jitter, ``Retry-After`` honoured up to
:data:`RETRY_AFTER_CAP` seconds and only while the deadline allows), with two
policies chosen per request:

- safe to repeat (reads, ``values.update`` / ``values:batchUpdate`` to explicit
  ranges, clears, the token fetch): retried on 408/429/5xx, timeouts and
  dropped connections;
- not safe to repeat blind (``spreadsheets:batchUpdate`` — addSheet, addChart,
  appendDimension — and appends): retried only when the request surely did not
  run (429, a connection never made). After a timeout or a 5xx the first
  attempt may have been applied, so the adapter re-reads the spreadsheet's
  structure and sends only what is still missing. addSheet and addChart carry
  ids we choose, so a late first attempt and its re-send cannot both land
  (Google rejects an id that already exists).

Which errors may be retried later
---------------------------------
A caller with a clock (the monthly job, the read cache) decides by
``err.retryable``: :class:`~sheets.errors.SourceUnavailable` (Google down, 429,
5xx, timeouts, token service failing) is retryable;
:class:`~sheets.errors.SourceNotFound` / :class:`~sheets.errors.PermissionDenied`
/ :class:`~sheets.errors.WriteDenied` (404, 403) and
:class:`~sheets.errors.NotConfigured` / :class:`~sheets.errors.CredentialsRejected`
(settings, key refused) are not: they need a person to act.

Modules
-------
:mod:`~sheets.google.http` (deadlines, retry policies, timeouts, the adapter),
:mod:`~sheets.google.client` (gspread's HTTP client, errors named),
:mod:`~sheets.google.settings` (the key and the endpoint checked),
:mod:`~sheets.google.metadata` (tab titles cached per key),
:mod:`~sheets.google.structure` (structural batchUpdates reconciled, the chart),
:mod:`~sheets.google.source` (:class:`GoogleSource`, reads and writes).
"""

from sheets.google.http import (
    CONNECT_TIMEOUT,
    GOOGLE_SHEETS_URL,
    INTERACTIVE_DEADLINE,
    JOB_DEADLINE,
    MAX_RETRIES,
    MIN_ATTEMPT,
    READ_TIMEOUT,
    RETRY_AFTER_CAP,
    RETRY_STATUSES,
    SAFE_RETRY,
    SCOPES,
    UNSAFE_RETRY,
    Budget,
    DeadlineAdapter,
    retry_policy,
)
from sheets.google.metadata import forget_metadata
from sheets.google.settings import api_url, service_account_info
from sheets.google.source import GoogleSource
from sheets.google.structure import CHART_TITLE

__all__ = ["Budget", "CHART_TITLE", "CONNECT_TIMEOUT", "DeadlineAdapter", "GOOGLE_SHEETS_URL",
           "GoogleSource", "INTERACTIVE_DEADLINE", "JOB_DEADLINE", "MAX_RETRIES", "MIN_ATTEMPT",
           "READ_TIMEOUT", "RETRY_AFTER_CAP", "RETRY_STATUSES", "SAFE_RETRY", "SCOPES", "UNSAFE_RETRY",
           "api_url", "forget_metadata", "retry_policy", "service_account_info"]
