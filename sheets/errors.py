"""Named errors of the sheets adapters. ``str(err)`` is a Chinese sentence naming the source."""

from __future__ import annotations

from roi_core.errors import RoiError


class SheetsError(RoiError):
    """Base of every error a sheet source raises on purpose."""


class SourceNotFound(SheetsError):
    """The workbook file or the Google Sheet does not exist (or is not shared with us)."""


class SourceCorrupt(SheetsError):
    """The file exists but is not a readable .xlsx workbook."""


class SourceLocked(SheetsError):
    """Another process holds the workbook's lock for longer than we wait."""


class SourceUnavailable(SheetsError):
    """The source failed after retries (429, 5xx, timeouts)."""


class NotConfigured(SheetsError):
    """A Google Sheet was asked for but no credentials are configured."""


class ProtectedTab(SheetsError):
    """A write aimed at a tab people write; the assistant never writes there."""
