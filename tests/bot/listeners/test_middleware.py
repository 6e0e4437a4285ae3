"""The allow-list middleware, called directly: a refused command never reaches a listener."""

from __future__ import annotations

import dataclasses
import json

from slack_bolt.context import BoltContext

from bot.listeners import middleware


def test_a_command_from_another_channel_is_refused_in_the_ack(make_deps, bot_config):
    deps = make_deps(dataclasses.replace(bot_config, allowed_channel_ids=frozenset({"CALLOWED"})))
    went_on = []
    response = middleware.allow_list({"command": "/roi", "team_id": "T1"},
                                     BoltContext({"team_id": "T1", "channel_id": "COTHER"}), None,
                                     lambda: went_on.append(True), deps=deps)
    assert went_on == [] and response.status == 200
    assert json.loads(response.body) == {"response_type": "ephemeral", "text": middleware.REFUSE_CHANNEL}


def test_an_allowed_channel_goes_on_to_the_listener(make_deps, bot_config):
    deps = make_deps(dataclasses.replace(bot_config, allowed_channel_ids=frozenset({"CALLOWED"})))
    went_on = []
    middleware.allow_list({"command": "/roi", "team_id": "T1"}, BoltContext({"team_id": "T1", "channel_id": "CALLOWED"}),
                          None, lambda: went_on.append(True), deps=deps)
    assert went_on == [True]
