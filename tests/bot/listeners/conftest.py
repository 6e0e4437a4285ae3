"""Listener callbacks called directly, as bolt would call them: a stand-in ``ack``, a real
``slack_sdk.WebClient`` pointed at the loopback Slack fake, and :class:`bot.listeners.Deps` from
the composition root. No HTTP request, no bolt dispatch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.listeners import Deps
from roi_app.answers import Assistant
from roi_app.bootstrap import bootstrap
from tests.fakes.fixtures import slack_client  # noqa: F401


class Ack:
    """Stands in for bolt's ``ack``: records each call's keyword arguments."""

    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)


def no_respond(**kwargs):  # bolt's respond; unused: replies go to the request's response_url
    raise AssertionError("the reply should use the command's response_url")


@pytest.fixture
def ack() -> Ack:
    return Ack()


@pytest.fixture
def make_deps(bot_config):
    made = []

    def make(config=None, *, claims=None) -> Deps:
        services = bootstrap(config or bot_config, role="web")
        deps = Deps(config=services.config, assistant=Assistant(services.config, read=services.read_sheet),
                    claims=claims, executor=ThreadPoolExecutor(2), reply_options={"chart_png": "off"},
                    services=services)
        made.append(deps)
        return deps

    yield make
    for deps in made:
        deps.executor.shutdown(wait=True)


@pytest.fixture
def deps(make_deps) -> Deps:
    return make_deps()


def finish(deps: Deps) -> None:
    """Wait for the work after the acks (the executor's threads), so what was sent is at the fake."""
    deps.executor.shutdown(wait=True)
