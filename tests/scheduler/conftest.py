"""Fixtures for the scheduler tests: the loopback Slack API."""

from tests.fakes.fixtures import slack_api  # noqa: F401
