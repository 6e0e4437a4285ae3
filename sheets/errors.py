"""Named errors of the sheets adapters. ``str(err)`` is a Chinese sentence naming the source and the fix.

Each class says whether trying the same thing again later can help
(``retryable``), so a caller with a clock (the monthly job, the read cache)
can decide without parsing messages:

- retryable: :class:`SourceUnavailable` (429, 5xx, timeouts, a dropped
  connection, Google's token service failing), :class:`SourceLocked`.
- not retryable until a person acts: :class:`SourceNotFound` and its
  :class:`PermissionDenied` / :class:`WriteDenied`, :class:`NotConfigured`
  and :class:`CredentialsRejected`, :class:`SourceCorrupt`, :class:`ProtectedTab`.
"""

from __future__ import annotations

from roi_core.errors import RoiError


class SheetsError(RoiError):
    """Base of every error a sheet source raises on purpose."""

    #: trying again later (with no change by a person) may succeed
    retryable: bool = False


class SourceNotFound(SheetsError):
    """The workbook file or the Google Sheet does not exist (or is not shared with us)."""


class PermissionDenied(SourceNotFound):
    """Google answered 401/403 to a read: the sheet is not shared with the service account."""


class WriteDenied(PermissionDenied):
    """Google answered 403 to a write: the service account may read but not edit (or the range is protected)."""


class SourceCorrupt(SheetsError):
    """The file exists but is not a readable .xlsx workbook."""


class SourceLocked(SheetsError):
    """Another process holds the workbook's lock for longer than we wait."""

    retryable = True


class SourceUnavailable(SheetsError):
    """The source failed after the retries its deadline allowed (429, 5xx, timeouts, token service down)."""

    retryable = True


class NotConfigured(SheetsError):
    """A setting is missing or malformed (service-account JSON, its key, GOOGLE_SHEETS_API_URL)."""


class CredentialsRejected(NotConfigured):
    """Google's token service refused the service account's key (deleted, disabled, wrong project)."""


class ProtectedTab(SheetsError):
    """A write aimed at a tab people write; the assistant never writes there."""
