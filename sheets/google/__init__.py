"""The shared Google Sheet through gspread (moved to :mod:`sheets.google.source`)."""

from sheets.google.source import (
    CHART_TITLE,
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
    GoogleSource,
    api_url,
    forget_metadata,
    retry_policy,
    service_account_info,
)

__all__ = ["Budget", "CHART_TITLE", "CONNECT_TIMEOUT", "DeadlineAdapter", "GOOGLE_SHEETS_URL",
           "GoogleSource", "INTERACTIVE_DEADLINE", "JOB_DEADLINE", "MAX_RETRIES", "MIN_ATTEMPT",
           "READ_TIMEOUT", "RETRY_AFTER_CAP", "RETRY_STATUSES", "SAFE_RETRY", "SCOPES", "UNSAFE_RETRY",
           "api_url", "forget_metadata", "retry_policy", "service_account_info"]
