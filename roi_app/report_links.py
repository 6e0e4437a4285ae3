"""Shareable report links: ``/report/<YYYY-MM>`` and ``/report/campaign/<name>``, signed and expiring.

A report link opens that one report and nothing else. Its payload names the report and the source under
keys the API does not read (``report`` / ``source``, never ``src``), so a link forwarded in a Slack channel
cannot be used as a session for ``/api/v1``. Signing is :func:`roi_app.links.sign` (ROI_WEB_SECRET).
"""

from __future__ import annotations

from urllib.parse import quote

from roi_app import links
from roi_app.stores.tokens import source_id

REPORT_TTL = 30 * 24 * 3600  # the monthly message's link outlives the month it reports on (links caps it)


def month_scope(month: str) -> str:
    return f"month:{month}"


def campaign_scope(name: str) -> str:
    return f"campaign:{name}"


def report_token(source: str, scope: str, ttl_seconds: int = REPORT_TTL) -> str:
    """A signed token that opens the report ``scope`` of ``source``. Raises WebSecretMissing without a secret."""
    return links.sign({"report": scope, "source": source_id(source)}, ttl_seconds)


def report_path(scope: str) -> str:
    """The page's path for ``scope`` (a campaign name is percent-encoded, slashes included)."""
    kind, _, value = scope.partition(":")
    if kind == "month":
        return f"/report/{quote(value, safe='')}"
    return f"/report/campaign/{quote(value, safe='')}"


def report_url(base_url: str, source: str, scope: str, ttl_seconds: int = REPORT_TTL) -> str:
    """``base_url`` + the report's path + ``?s=<signed>``."""
    return f"{base_url.rstrip('/')}{report_path(scope)}?s={report_token(source, scope, ttl_seconds)}"


def monthly_report_url(config, month: str, ttl_seconds: int = REPORT_TTL) -> str | None:
    """The monthly message's link to ``/report/<month>``, or None unless ROI_PUBLIC_URL and ROI_WEB_SECRET
    are both set (a team without the web pages gets no dead link)."""
    if not (getattr(config, "public_url", None) and getattr(config, "web_secret", None)):
        return None
    return f"{config.public_url.rstrip('/')}{report_path(month_scope(month))}?s=" + links.sign(
        {"report": month_scope(month), "source": source_id(config.source)}, ttl_seconds, secret=config.web_secret)


def page_allows(payload: dict | None, served_source: str, scope: str | None) -> bool:
    """Whether a verified payload opens the page: a session (``src``) of this source opens every page; a
    report link opens only its own report (``scope``; None: the chat page, which needs a session)."""
    if not isinstance(payload, dict):
        return False
    served = source_id(served_source)
    if payload.get("src") == served:
        return True
    return scope is not None and payload.get("source") == served and payload.get("report") == scope
