"""Shared by every test package: the loopback fakes' fixtures (sheets_api, gspread_client,
gspread_sa_client, sheets_service_account_info, slack_api, slack_client).

``pytest_plugins`` is only honoured in the root conftest, so the packages' conftests and the test
modules use these fixtures by name without importing them."""

pytest_plugins = ["tests.fakes.fixtures"]

import pytest  # noqa: E402

# Fixtures that start a real process (gunicorn, a browser, Node): a test using one is in the full suite only,
# not in the quick tier (`python -m pytest -m "not slow"`).
PROCESS_FIXTURES = {"web_server", "google_server", "slack_server", "gunicorn_app", "browser"}
# Modules that are a large matrix or start processes throughout.
SLOW_MODULES = {"test_contract_matrix.py", "test_addon_node.py", "test_postgres.py", "test_parse_fuzz.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
