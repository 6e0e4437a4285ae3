"""Slack listeners, one module per kind: module-level callbacks, wired by ``register(app, deps)``.

Every callback takes the arguments bolt injects by name (``ack``, ``body``,
``client``, ``respond``, ``command`` / ``event`` / ``action``, …) plus
``deps``, bound with :func:`bind` when registered. A test calls a callback
directly with a stand-in ``ack``, a ``slack_sdk.WebClient`` pointed at the
loopback fake and a :class:`Deps` (tests/bot/listeners/), no HTTP needed.

``deps`` (:class:`Deps`) carries what the listeners share: the config, the
:class:`roi_app.answers.Assistant` that answers questions, the claim store that
keeps answers single, the executor for work after the ack (a bounded
:class:`bot.work_queue.WorkQueue` in the app), the lane for short notices, and
the services of the composition root (``roi_app.bootstrap``) that make the notifier.

"Ack first, work after": each listener acks in the request's thread (the app
runs bolt with ``process_before_response=True``) and hands the work to
:meth:`Deps.later`. This is what bolt's lazy listeners do, without their
deep copy of every request (2.5 ms of CPU per request on this machine) and
without queueing the ack itself behind slow answers. When the queue is full,
``later`` says so at once and the listener replies "正忙，请稍后再试" instead
(:func:`busy_text`): in the slash command's ack, else as a notice
(:meth:`Deps.notify`). Every acknowledged request gets one reply.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from slack_bolt import App

from bot.dedupe import request_key
from bot.delivery import Reply
from roi_app.answers import Assistant
from roi_app.bootstrap import Services
from roi_app.stores.claims import ClaimStore
from roi_core.query import detect_lang
from roi_runtime.config import AppConfig

log = logging.getLogger(__name__)

BUSY = {"zh": "正忙，请稍后再试", "en": "Busy, please try again shortly"}


def from_slack(text: str) -> str:
    """Text as the user typed it: Slack sends ``& < >`` typed by people as ``&amp; &lt; &gt;``."""
    return (text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def busy_text(asked: str = "", lang: str | None = None) -> str:
    """What a question past the work queue's bound is told at once, in the language it was asked in."""
    lang = lang or detect_lang(re.sub(r"<[@#!][^>]*>", " ", asked or ""))  # <@UBOT> is no English
    return BUSY["en" if lang == "en" else "zh"]


@dataclass
class Deps:
    config: AppConfig
    assistant: Assistant
    claims: ClaimStore | None
    executor: Executor
    reply_options: dict = field(default_factory=dict)  # extra Reply fields (chart_png, render_png)
    services: Services | None = None  # the composition root's: the notifier over a request's client
    notices: Executor | None = None  # short replies (busy, refusals) beside the answers' queue; None: executor

    def later(self, fn, *args, body: dict | None = None, **kwargs) -> bool:
        """Run ``fn`` after the ack, on the app's worker threads, once per Slack request.

        Returns False, at once, when the work queue is full (``executor.offer`` refused it): nothing
        will run, and the caller tells the asker it is busy. The request (``body``) is claimed first
        when the job runs (bot/dedupe.py): a retry or a second delivery of a request already claimed,
        on any worker, stops there. The claim happens after the ack, so the ack path touches no
        database; the UNIQUE key still picks exactly one winner when two deliveries race. Exceptions
        are logged, not lost in a Future.
        """
        return self._queue(self.executor, fn, args, kwargs, body)

    def notify(self, fn, *args, body: dict | None = None, **kwargs) -> bool:
        """As :meth:`later`, for a short reply (a busy notice, a refusal) on its own lane, so it is not
        queued behind slow answers; False (logged) when that lane is full too."""
        queued = self._queue(self.notices or self.executor, fn, args, kwargs, body)
        if not queued:
            log.warning("notice lane full: %s not sent", getattr(fn, "__name__", fn))
        return queued

    def _queue(self, executor: Executor, fn, args, kwargs, body) -> bool:
        key = request_key(body) if body else None

        def run():
            try:
                if key and self.claims is not None and not self.claims.claim(key):
                    log.info("already answering %s (a Slack retry): not answered again", key)
                    return
                fn(*args, **kwargs)
            except Exception:
                log.exception("work after the ack failed: %s", getattr(fn, "__name__", fn))

        offer = getattr(executor, "offer", None)  # a plain Executor (tests, other callers) is unbounded
        if offer is None:
            executor.submit(run)
            return True
        return offer(run) is not None

    def _options(self, client) -> dict:
        notifier = self.services.notifier(client) if self.services is not None else None
        return {**self.reply_options, "notifier": notifier}

    def reply_for_command(self, client, respond, command) -> Reply:
        return Reply.for_command(self.config, client, respond, command, **self._options(client))

    def reply_for_mention(self, client, event) -> Reply:
        return Reply.for_mention(self.config, client, event, **self._options(client))

    def reply_for_action(self, client, respond, body) -> Reply:
        return Reply.for_action(self.config, client, respond, body, **self._options(client))


def bind(callback: Callable, deps: Deps, **more) -> Callable:
    """``callback`` with ``deps`` (and ``more``) bound as keywords, for bolt to call.

    bolt injects arguments by the names of the positional parameters it sees; keywords bound by
    ``functools.partial`` are not among them, so ``deps`` never collides with bolt's names.
    """
    bound = functools.partial(callback, deps=deps, **more)
    bound.__name__ = getattr(more.get("work"), "__name__", callback.__name__)  # bolt names listeners in its logs
    return bound


def register(app: App, deps: Deps) -> None:
    from bot.listeners import actions, commands, events, middleware

    middleware.register(app, deps)
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
    from bot.listeners import alerts  # the daily check's mute buttons

    alerts.register(app, deps)
    from bot.listeners import files  # a report export shared with the bot: imported into 导入

    files.register(app, deps)
