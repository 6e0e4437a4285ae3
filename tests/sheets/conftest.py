"""Fixtures for the sheets tests: the loopback Sheets API."""

from tests.fakes.fixtures import sheets_api  # noqa: F401
