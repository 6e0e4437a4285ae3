"""Slack listeners, one module per kind, each with ``register(app, deps)``.

``deps`` (:class:`Deps`) carries what the listeners share: the config, the
:class:`bot.service.Assistant` that answers questions, the claim store that
keeps answers single, and the executor for work after the ack.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field

from slack_bolt import App

from bot.dedupe import ClaimStore
from bot.delivery import Reply
from bot.service import Assistant
from roi_core.config import AppConfig


@dataclass
class Deps:
    config: AppConfig
    assistant: Assistant
    claims: ClaimStore | None
    executor: Executor
    reply_options: dict = field(default_factory=dict)  # extra Reply fields (chart_png, render_png)

    def reply_for_command(self, client, respond, command) -> Reply:
        return Reply.for_command(self.config, client, respond, command, **self.reply_options)

    def reply_for_mention(self, client, event) -> Reply:
        return Reply.for_mention(self.config, client, event, **self.reply_options)

    def reply_for_action(self, client, respond, body) -> Reply:
        return Reply.for_action(self.config, client, respond, body, **self.reply_options)


def register(app: App, deps: Deps) -> None:
    from bot.listeners import actions, commands, events, middleware

    middleware.register(app, deps)
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
