"""Fixtures for the scheduler tests: the loopback Slack and Sheets APIs."""

from tests.fakes.fixtures import sheets_api, slack_api  # noqa: F401
