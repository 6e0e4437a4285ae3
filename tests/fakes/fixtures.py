"""pytest fixtures for the loopback fakes.

The root tests/conftest.py registers them with ``pytest_plugins = ["tests.fakes.fixtures"]``
(pytest allows that only in the root conftest), so every test names them as arguments and
nothing re-imports them.

Every fixture is function-scoped: each test gets a fresh server (starting one takes
about a millisecond) and it is stopped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .sheets_api import FakeSheetsAPI, fake_gspread_client, fake_service_account_client
from .slack_api import FakeSlackAPI, SlackRefusal

SLACK_TEST_TOKEN = "xoxb-fake-test-token"
SLACK_TEST_SIGNING_SECRET = "fake-signing-secret"


@pytest.fixture
def sheets_api() -> Iterator[FakeSheetsAPI]:
    """A started :class:`FakeSheetsAPI` (no spreadsheets yet: call add_spreadsheet).

    The test fails at teardown if the fake raised internally, or if it refused a request the real
    API would refuse too (checked against Google's discovery document), unless the test expected it:
    ``with sheets_api.expect_contract_violations(): ...`` or ``sheets_api.allow_contract_violations()``."""
    with FakeSheetsAPI() as fake:
        yield fake
    assert not fake.errors, f"FakeSheetsAPI raised internally: {fake.errors!r}"
    refused = fake.unexpected_contract_violations()
    assert not refused, "the real Sheets API would refuse these requests (400 INVALID_ARGUMENT):\n" + "\n".join(
        f"  {v['kind']} {v['method']} {v['path']}: {' | '.join(v['messages'])}" for v in refused)


@pytest.fixture
def gspread_client(sheets_api: FakeSheetsAPI):
    """A real ``gspread.Client`` (plain HTTPClient, static token "fake") wired to ``sheets_api``."""
    client = fake_gspread_client(sheets_api)
    yield client
    client.http_client.session.close()


@pytest.fixture
def gspread_sa_client(sheets_api: FakeSheetsAPI):
    """A real gspread client from ``gspread.service_account_from_dict``: tokens come
    from the fake's /token through google-auth's JWT-bearer flow."""
    client = fake_service_account_client(sheets_api)
    yield client
    client.http_client.session.close()


@pytest.fixture
def sheets_service_account_info(sheets_api: FakeSheetsAPI) -> dict:
    """A service-account JSON (dict) whose token_uri is the fake's /token."""
    return sheets_api.service_account_info()


@pytest.fixture
def slack_api() -> Iterator[FakeSlackAPI]:
    """A started :class:`FakeSlackAPI`; ``slack_api.api_url`` is the WebClient base_url.

    At teardown the test fails if it sent a message Slack would refuse, unless it called
    ``slack_api.expect_refusals()``."""
    with FakeSlackAPI() as fake:
        yield fake
    refused = [str(e) for e in fake.errors if isinstance(e, SlackRefusal)]
    assert not refused, ("Slack would refuse what this test sent (if that is the point, call "
                         "slack_api.expect_refusals() first):\n" + "\n".join(refused))
    assert not fake.errors, f"FakeSlackAPI raised internally: {fake.errors!r}"


@pytest.fixture
def slack_client(slack_api: FakeSlackAPI):
    """A real ``slack_sdk.WebClient`` pointed at ``slack_api`` (token SLACK_TEST_TOKEN)."""
    from slack_sdk import WebClient

    return WebClient(token=SLACK_TEST_TOKEN, base_url=slack_api.api_url)


@pytest.fixture
def fresh_google_metadata():
    """Each test starts and ends without the spreadsheet metadata (tab titles) the Google adapter keeps per
    process, so one test's fake spreadsheet never answers for another's."""
    from sheets.google import forget_metadata

    forget_metadata()
    yield
    forget_metadata()
