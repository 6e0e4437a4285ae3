"""Logging for the Slack app: tokens and signing secrets never reach a log line.

``RedactingFilter`` rewrites every record a handler emits: Slack tokens
(``xoxb-…``, ``xoxp-…``, ``xapp-…``, …), bearer headers and the configured
secrets themselves become ``[redacted]``. ``install`` puts it on the root
logger's handlers (and gunicorn's), so slack_sdk's and bolt's debug logs are
covered too.
"""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"\b(xox[abposer]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{6,}")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}")
_SIG = re.compile(r"v0=[0-9a-f]{64}")
REDACTED = "[redacted]"


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s and len(s) >= 6)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _TOKEN.sub(REDACTED, text)
        text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
        return _SIG.sub("v0=" + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler
            return True
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def install(secrets: tuple[str, ...] = (), level: int | None = None) -> RedactingFilter:
    """Attach one RedactingFilter to the root and gunicorn handlers (adding a stderr handler if none)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    flt = RedactingFilter(secrets)
    for logger in (root, logging.getLogger("gunicorn.error")):
        for handler in logger.handlers:
            for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(old)
            handler.addFilter(flt)
    return flt
