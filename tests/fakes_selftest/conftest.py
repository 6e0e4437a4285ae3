from tests.fakes.fixtures import (  # noqa: F401
    gspread_client,
    gspread_sa_client,
    sheets_api,
    sheets_service_account_info,
    slack_api,
    slack_client,
)
