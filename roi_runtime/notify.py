"""The one way a message reaches Slack, for the bot and the monthly job alike.

:class:`SlackNotifier` is the port: ``post(channel, message, thread_ts=None)``,
``update(channel, ts, message)`` and ``upload(channel, content, filename, title,
thread_ts=None)``. A message is anything with ``blocks``, ``text``, ``plain``,
``kind`` and ``lang`` (a rendered ``SlackMessage``), or a plain ``str``.

Before a message leaves, it is checked against Slack's block contract
(:func:`preflight`); a layout Slack would refuse, or did refuse (``invalid_blocks``,
``msg_too_long``, …), goes out as its plain-text version with a one-line note
(:func:`plain_version`), so a person never sees nothing. :func:`send_checked` is
that rule for any sender (the bot's response_url path uses it too).

Uploads never raise: without ``files:write`` (``missing_scope``) the shared
:class:`UploadGate` stops asking Slack for a while; a bot not in the channel
is skipped and logged. Bounded retries on 429 / 5xx / connection errors are
the WebClient's (``roi_app.bootstrap.slack_client``), not this module's.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError

from render.contract import check_message, slack_error

log = logging.getLogger(__name__)

TEXT_LIMIT = 40000  # characters of a message's text (msg_too_long beyond)
NO_FILES_FOR = 600.0  # seconds to stop trying uploads after missing_scope

# Slack's answers that mean "this message's layout was refused": send the plain-text version instead.
REFUSED_LAYOUT = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_blocks",
                            "invalid_attachments", "no_text", "invalid_arguments", "msg_blocks_too_long"})
# files_upload_v2 errors that mean "this app may not upload here": skip, do not retry for a while
SKIP_UPLOAD_ERRORS = frozenset({"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type",
                                "no_permission", "restricted_action", "is_archived", "invalid_auth", "not_authed"})

R = TypeVar("R")


class NotSent(Exception):
    """A sender other than the Web API (a response_url) could not deliver; ``error`` is Slack's code."""

    def __init__(self, error: str | None):
        super().__init__(error or "not sent")
        self.error = error


def error_code(err: BaseException) -> str | None:
    """Slack's error code in ``err`` (``invalid_blocks``, ``channel_not_found``, …), else None."""
    if isinstance(err, SlackApiError):
        return err.response.get("error") if err.response is not None else None
    if isinstance(err, NotSent):
        return err.error
    return None


@dataclasses.dataclass(frozen=True)
class Note:
    """A text-only message (a failure notice): nothing to check, nothing to fall back from."""

    text: str
    blocks: tuple = ()
    plain: bool = True
    kind: str = "notice"
    lang: str = "zh"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def plain_version(msg):
    """``msg`` as plain text only (its fallback text) with a one-line note: what a person sees when
    Slack refuses the layout, instead of nothing after the ⏳."""
    note = ("（排版未能通过 Slack 的检查，先以纯文本显示）" if msg.lang != "en"
            else "(the formatted layout did not pass Slack's checks; shown as plain text)")
    return dataclasses.replace(msg, blocks=[], text=f"{_cut(msg.text or '…', TEXT_LIMIT - len(note) - 1)}\n{note}",
                               plain=True)


def preflight(msg):
    """``msg`` when Slack would take it, else its plain-text version (the reasons are logged)."""
    if msg.plain:
        return msg
    reasons = check_message({"text": msg.text, "blocks": msg.blocks})
    if not reasons:
        return msg
    log.warning("a %s answer would be refused by Slack (%s): sent as plain text; %s", msg.kind or "?",
                slack_error(reasons), "; ".join(reasons[:5]))
    return plain_version(msg)


def send_checked(send: Callable[[Any], R], msg) -> R:
    """``send(msg)`` after :func:`preflight`; when Slack refuses the layout (``send`` raised a
    SlackApiError or :class:`NotSent` with a code in REFUSED_LAYOUT), ``send`` of the plain-text
    version. Any other error is raised unchanged."""
    msg = preflight(msg)
    try:
        return send(msg)
    except (SlackApiError, NotSent) as err:
        error = error_code(err)
        if error not in REFUSED_LAYOUT or msg.plain:
            raise
        log.warning("Slack refused a %s message (%s): sending it as plain text", msg.kind or "?", error)
        return send(plain_version(msg))


class UploadGate:
    """Remembers a missing files:write for a while, so each message does not ask Slack again."""

    def __init__(self):
        self._until = 0.0
        self._lock = threading.Lock()

    def open(self) -> bool:
        return time.monotonic() >= self._until

    def close(self, seconds: float = NO_FILES_FOR) -> None:
        with self._lock:
            self._until = time.monotonic() + seconds


UPLOADS = UploadGate()  # process-wide: one app's scopes are the same for every request


class SlackNotifier:
    """Posts, edits and uploads through one ``slack_sdk.WebClient`` (see the module docstring).

    ``post`` and ``update`` return Slack's response and raise ``SlackApiError`` when even the
    plain-text version could not be sent (the caller decides: the bot logs it, the job records it).
    """

    def __init__(self, client, *, gate: UploadGate | None = None):
        self.client = client
        self.gate = gate or UPLOADS

    @staticmethod
    def _message(message):
        return Note(message) if isinstance(message, str) else message

    def post(self, channel: str, message, thread_ts: str | None = None):
        def send(msg):
            return self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=msg.text,
                                                blocks=list(msg.blocks) or None, unfurl_links=False,
                                                unfurl_media=False)

        return send_checked(send, self._message(message))

    def update(self, channel: str, ts: str, message):
        def send(msg):
            return self.client.chat_update(channel=channel, ts=ts, text=msg.text, blocks=list(msg.blocks))

        return send_checked(send, self._message(message))

    def uploads_open(self) -> bool:
        """False while a missing files:write is remembered (skip the work of making a file)."""
        return self.gate.open()

    def upload(self, channel: str | None, content: bytes | str, filename: str, title: str,
               thread_ts: str | None = None, *, alt_txt: str | None = None) -> bool:
        """Upload a file (files_upload_v2) to ``channel`` (in ``thread_ts``); True when it went up."""
        if not channel or not self.gate.open():
            return False
        kwargs = {"channel": channel, "file": content, "filename": filename, "title": title}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if alt_txt:
            kwargs["alt_txt"] = alt_txt[:1000]
        try:
            self.client.files_upload_v2(**kwargs)
            return True
        except SlackApiError as err:
            error = error_code(err) or "unknown"
            if error == "missing_scope":
                self.gate.close()
                log.info("file upload skipped: the app lacks files:write (add it in the app's OAuth scopes)")
            elif error in SKIP_UPLOAD_ERRORS:
                log.info("file upload to %s skipped: %s", channel, error)
            else:
                log.warning("file upload to %s failed: %s", channel, error)
        except Exception:
            log.warning("file upload to %s failed", channel, exc_info=True)
        return False
