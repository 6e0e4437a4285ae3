"""A loopback fake of the Google Sheets v4 REST API (plus the bits of Drive v3 and
the OAuth2 token endpoint that gspread 6.2 touches), for tests that run the REAL
gspread / google-auth code with no internet.

Quick start::

    from tests.fakes.sheets_api import FakeSheetsAPI, fake_gspread_client

    with FakeSheetsAPI() as fake:
        key = fake.add_spreadsheet("KEY1", "ROI", {"活动": [["活动名称", "渠道"], ["双11", "抖音"]]})
        gc = fake_gspread_client(fake)                      # real gspread.Client
        ws = gc.open_by_key(key).worksheet("活动")
        assert ws.get_all_values()[1] == ["双11", "抖音"]
        ws.update([["=IMPORTXML(x)"]], "C1", raw=True)       # RAW keeps the text
        assert fake.grid(key, "活动")[0] == ["活动名称", "渠道", "=IMPORTXML(x)"]

URLs gspread 6.2 builds (gspread/urls.py; bound at import, so patching them does
not work - rewrite at the HTTP layer instead, see :class:`GoogleRewriteAdapter`):

* ``https://sheets.googleapis.com/v4/spreadsheets`` + ``/{id}``, ``/{id}:batchUpdate``,
  ``/{id}/values/{range}``, ``/{id}/values/{range}:append``, ``/{id}/values/{range}:clear``,
  ``/{id}/values:batchGet``, ``/{id}/values:batchUpdate``, ``/{id}/values:batchClear``,
  ``/{id}/sheets/{sheetId}:copyTo`` (the last one is not faked)
* ``https://www.googleapis.com/drive/v3/files`` (+ ``/{id}``, ``/{id}/permissions``,
  ``/{id}/export``, ``/{id}/copy``, ``/{id}/comments``) and
  ``https://www.googleapis.com/upload/drive/v2/files`` (import_csv) - only files list/get/
  create/delete are faked
* the token endpoint is NOT built by gspread: google-auth posts to the ``token_uri`` of
  the service-account JSON (normally ``https://oauth2.googleapis.com/token``), from its
  OWN requests session (not the gspread session), so point ``token_uri`` at
  ``fake.url + "/token"`` (see :meth:`FakeSheetsAPI.service_account_info`).

So a production setting such as ``GOOGLE_SHEETS_API_URL=http://127.0.0.1:PORT`` only
has to replace the scheme+host ``https://sheets.googleapis.com`` and
``https://www.googleapis.com`` with that base: this fake serves ``/v4/...``,
``/drive/v3/...`` and ``/token`` on one port.

Every Sheets request is first checked against Google's discovery document
(``google_discovery/sheets.v4.json``) and refused the way Google refuses it (400 INVALID_ARGUMENT
with field violations); refusals are recorded in ``contract_violations`` and fail a test that used
the ``sheets_api`` fixture unless it expected them (``expect_contract_violations()``).

Cell values are stored as Python objects: str, int, float, bool, None/"" (empty),
datetime.date / datetime.datetime / datetime.time (rendered as serial numbers or
strings, like real date cells), :class:`Formula` and :class:`Formatted`.

The package is split by concern: ``cells`` (value types, rendering), ``model`` (the in-memory
spreadsheets), ``ranges`` (A1 parsing), ``values`` (values endpoints), ``batch_update``
(spreadsheets.batchUpdate), ``drive``, ``auth`` (/token, service accounts), ``clients`` (real
gspread pointed at the fake) and ``server`` (FakeSheetsAPI itself).
"""

from .auth import JWT_GRANT, make_service_account_info
from .cells import Formatted, Formula, parse_user_entered, to_serial
from .clients import (
    GOOGLE_API_HOSTS,
    GoogleRewriteAdapter,
    fake_gspread_client,
    fake_service_account_client,
    mount_google_rewrite,
)
from .model import ApiError
from .ranges import a1, col_letters, parse_range
from .server import FakeSheetsAPI

__all__ = [
    "FakeSheetsAPI",
    "Formula",
    "Formatted",
    "GoogleRewriteAdapter",
    "GOOGLE_API_HOSTS",
    "mount_google_rewrite",
    "fake_gspread_client",
    "fake_service_account_client",
    "make_service_account_info",
    "to_serial",
    "col_letters",
    "ApiError",
    "JWT_GRANT",
    "a1",
    "parse_range",
    "parse_user_entered",
]
