"""Shared by every test package: the loopback fakes' fixtures (sheets_api, gspread_client,
gspread_sa_client, sheets_service_account_info, slack_api, slack_client).

``pytest_plugins`` is only honoured in the root conftest, so the packages' conftests and the test
modules use these fixtures by name without importing them."""

pytest_plugins = ["tests.fakes.fixtures"]
