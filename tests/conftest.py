"""Shared by every test package: the loopback fakes' fixtures (sheets_api, gspread_client,
gspread_sa_client, sheets_service_account_info, slack_api, slack_client).

``pytest_plugins`` is only honoured in the root conftest, so the packages' conftests and the test
modules use these fixtures by name without importing them."""

import sys

pytest_plugins = ["tests.fakes.fixtures"]

# pytest rewrites every test module's asserts on import (6 s of the quick tier's collection, in each worker)
# and caches the result as bytecode, unless PYTHONDONTWRITEBYTECODE is set, as it is on some machines: cache it
# anyway, so only the first run after an edit pays (the files land in __pycache__/, which git ignores).
sys.dont_write_bytecode = False

import pytest  # noqa: E402

# Fixtures that start a real process (gunicorn, a browser, Node): a test using one is in the full suite only,
# not in the quick tier (`python -m pytest -m "not slow"`).
PROCESS_FIXTURES = {"web_server", "google_server", "slack_server", "gunicorn_app", "browser"}
# Modules that are a large matrix, start processes or go through a loopback fake throughout.
SLOW_MODULES = {"test_contract_matrix.py", "test_addon_node.py", "test_postgres.py", "test_parse_fuzz.py",
                "test_google_faults.py", "test_template_examples.py", "test_template_google.py"}
# Single tests that start `python -m …` as a real process (the process boundary is what they prove), or run
# a whole job end to end.
PROCESS_TESTS = {
    ("test_dedupe.py", "test_processes_sharing_the_file_get_one_winner_per_key"),
    ("test_console.py", "test_real_process_no_traceback"),
    ("test_app.py", "test_serve_without_tokens_prints_a_message_not_a_traceback"),
    ("test_cli_date_bounds.py", "test_the_command_people_ran_exits_2_without_a_traceback"),
    ("test_api_units.py", "test_addon_key_makes_lists_and_revokes_without_ever_showing_a_stored_token"),
    ("test_alerts.py", "test_check_now_on_the_demo"),
    # whole monthly runs on the demo (read, compute, write every tab): seconds each
    ("test_customer_value_tab.py", "test_the_monthly_job_writes_the_cohort_table_and_upserts_it"),
    ("test_budget_advice_tab.py", "test_the_monthly_job_writes_the_plan_to_its_tab"),
}


# The loopback fakes of Slack and Google: a test through them runs the real libraries' HTTP paths end to end
# (seconds in all, not milliseconds); the quick tier keeps the core, the parsers, the views and the renderers.
LOOPBACK_FIXTURES = {"slack_api", "sheets_api", "slack_client"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if ((PROCESS_FIXTURES | LOOPBACK_FIXTURES) & fixtures or item.path.name in SLOW_MODULES
                or (item.path.name, getattr(item, "originalname", item.name)) in PROCESS_TESTS):
            item.add_marker(pytest.mark.slow)
