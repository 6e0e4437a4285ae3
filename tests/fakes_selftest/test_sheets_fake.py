"""The Sheets fake, exercised through REAL gspread / google-auth / requests."""

from __future__ import annotations

import types
from datetime import date, datetime

import gspread
import gspread.http_client
import pytest
import requests
from gspread.utils import DateTimeOption, ValueInputOption, ValueRenderOption

from tests.fakes.sheets_api import (
    FakeSheetsAPI,
    Formatted,
    Formula,
    fake_gspread_client,
    make_service_account_info,
    to_serial,
)

KEY = "sheet-key-1"


def _seed(fake: FakeSheetsAPI) -> str:
    return fake.add_spreadsheet(
        KEY,
        "ROI 数据",
        {
            "活动": [
                ["活动名称", "渠道", "开始日期", "广告费用", "销售额", ""],
                ["双11", "抖音", date(2026, 6, 18), 1200, Formatted(12345.6, "¥12,345.60"), ""],
                ["", "", "", "", "", ""],
                ["618", "微信", datetime(2026, 6, 1, 12, 0), 0.5, "3万", None],
            ],
            "设置": [["参数", "值"], ["目标ROI", "100%"]],
        },
    )


def test_open_by_key_worksheets_and_get_all_values(sheets_api, gspread_client):
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    assert sh.title == "ROI 数据"
    assert [w.title for w in sh.worksheets()] == ["活动", "设置"]
    ws = sh.worksheet("活动")
    assert ws.id == 0 and ws.row_count == 1000 and ws.col_count == 26
    rows = ws.get_all_values()
    # FORMATTED_VALUE by default: all strings; trailing empties trimmed, then padded by gspread
    assert rows[0] == ["活动名称", "渠道", "开始日期", "广告费用", "销售额"]
    assert rows[1] == ["双11", "抖音", "2026-06-18", "1200", "¥12,345.60"]
    assert rows[2] == ["", "", "", "", ""]
    assert rows[3] == ["618", "微信", "2026-06-01 12:00:00", "0.5", "3万"]
    get = sheets_api.calls("values.get")[-1]
    assert get["range"] == "'活动'" and get["path"].endswith("/values/'活动'")
    assert get["authorized"] is True


def test_raw_response_shape_is_like_the_real_api(sheets_api, gspread_client):
    _seed(sheets_api)
    http = gspread_client.http_client
    res = http.values_get(KEY, "'活动'!A1:F4")
    assert res["range"] == "'活动'!A1:F4" and res["majorDimension"] == "ROWS"
    assert res["values"][2] == []  # an empty row in the middle stays as []
    assert res["values"][0] == ["活动名称", "渠道", "开始日期", "广告费用", "销售额"]  # trailing "" trimmed
    assert len(http.values_get(KEY, "'活动'!A1:F3")["values"]) == 2  # trailing empty rows trimmed
    empty = http.values_get(KEY, "'活动'!H1:J5")
    assert "values" not in empty and empty["range"] == "'活动'!H1:J5"
    # bare tab name, unquoted, open-ended range; a range without a tab means the first tab
    assert http.values_get(KEY, "设置")["values"] == [["参数", "值"], ["目标ROI", "100%"]]
    assert http.values_get(KEY, "设置!A2:Z")["values"] == [["目标ROI", "100%"]]
    assert http.values_get(KEY, "A1:B1")["values"] == [["活动名称", "渠道"]]
    cols = http.values_get(KEY, "'活动'!A1:B2", params={"majorDimension": "COLUMNS"})
    assert cols["values"] == [["活动名称", "双11"], ["渠道", "抖音"]]
    with pytest.raises(gspread.exceptions.APIError) as e:
        http.values_get(KEY, "'活动'!A1:AB2")
    assert e.value.code == 400 and "exceeds grid limits" in e.value.error["message"]
    with pytest.raises(gspread.exceptions.APIError) as e:
        http.values_get(KEY, "'不存在'!A1")
    assert e.value.code == 400 and e.value.error["status"] == "INVALID_ARGUMENT"


def test_batch_get_unformatted_serial_numbers(sheets_api, gspread_client):
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    res = sh.values_batch_get(
        ["'活动'!A1:E4", "设置!A:B"],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
    )
    first, second = res["valueRanges"]
    assert first["values"][1] == ["双11", "抖音", 46191, 1200, 12345.6]
    assert first["values"][3] == ["618", "微信", 46174.5, 0.5, "3万"]
    assert to_serial(date(2026, 6, 18)) == 46191
    assert second["values"][1] == ["目标ROI", "100%"]
    call = sheets_api.calls("values.batchGet")[-1]
    assert call["ranges"] == ["'活动'!A1:E4", "设置!A:B"]
    assert call["params"]["valueRenderOption"] == "UNFORMATTED_VALUE"
    ws = sh.worksheet("活动")
    strings = ws.get("C2:C4", value_render_option=ValueRenderOption.unformatted,
                     date_time_render_option=DateTimeOption.formatted_string)
    assert strings == [["2026-06-18"], [], ["2026-06-01 12:00:00"]]


def test_update_raw_vs_user_entered(sheets_api, gspread_client):
    _seed(sheets_api)
    ws = gspread_client.open_by_key(KEY).worksheet("设置")
    ws.update([["=IMPORTXML(\"http://x\", \"//a\")", "123", "12.5%"]], "A3", raw=True)
    assert sheets_api.grid(KEY, "设置")[2] == ["=IMPORTXML(\"http://x\", \"//a\")", "123", "12.5%"]
    assert sheets_api.calls("values.update")[-1]["params"]["valueInputOption"] == "RAW"
    ws.update([["=SUM(B1:B2)", "1,234", "12.5%", "TRUE", "'007", "2026-06-18"]], "A4",
              value_input_option=ValueInputOption.user_entered)
    row = sheets_api.grid(KEY, "设置")[3]
    assert row[0] == Formula("=SUM(B1:B2)")
    assert row[1:] == [1234, Formatted(0.125, "12.5%"), True, "007", date(2026, 6, 18)]
    assert ws.get("A4:F4") == [["#FORMULA", "1234", "12.5%", "TRUE", "007", "2026-06-18"]]
    assert ws.get("A4:C4", value_render_option=ValueRenderOption.formula) == [["=SUM(B1:B2)", 1234, 0.125]]
    assert ws.get("A4:C4", value_render_option=ValueRenderOption.unformatted) == [["#FORMULA", 1234, 0.125]]


def test_update_errors_and_null_cells(sheets_api, gspread_client):
    _seed(sheets_api)
    http = gspread_client.http_client
    with pytest.raises(gspread.exceptions.APIError) as e:  # valueInputOption is required
        http.values_update(KEY, "'设置'!A1", body={"values": [["x"]]})
    assert e.value.code == 400
    with pytest.raises(gspread.exceptions.APIError) as e:
        http.values_update(KEY, "'设置'!A1:B1", params={"valueInputOption": "RAW"},
                           body={"values": [["a", "b", "c"]]})
    assert "tried writing to column [C]" in e.value.error["message"]
    with pytest.raises(gspread.exceptions.APIError) as e:
        http.values_update(KEY, "'设置'!A1000", params={"valueInputOption": "RAW"},
                           body={"values": [["a"], ["b"]]})
    assert "exceeds grid limits" in e.value.error["message"]
    http.values_update(KEY, "'设置'!A1", params={"valueInputOption": "RAW"}, body={"values": [[None, "VALUE"]]})
    assert sheets_api.grid(KEY, "设置")[0] == ["参数", "VALUE"]  # null leaves the cell alone


def test_append_clear_and_batch_clear(sheets_api, gspread_client):
    sheets_api.add_spreadsheet(KEY, "t", {"月度汇总": [["月份", "ROI"], ["2026-05", 1.5]]}, rows=3, cols=2)
    ws = gspread_client.open_by_key(KEY).worksheet("月度汇总")
    res = ws.append_rows([["2026-06", 2.0], ["2026-07", 0.5]], value_input_option=ValueInputOption.raw)
    assert res["updates"]["updatedRange"] == "'月度汇总'!A3:B4"
    assert res["tableRange"] == "'月度汇总'!A1:B2"
    assert sheets_api.grid(KEY, "月度汇总") == [["月份", "ROI"], ["2026-05", 1.5], ["2026-06", 2], ["2026-07", 0.5]]
    assert sheets_api.sheet_properties(KEY, "月度汇总")["gridProperties"]["rowCount"] == 4  # grown by append
    ws.batch_clear(["A3:B3"])
    assert sheets_api.grid(KEY, "月度汇总")[2] == []
    ws.clear()
    assert sheets_api.grid(KEY, "月度汇总") == []
    assert ws.get_all_values() == [[]]
    assert sheets_api.calls("values.clear")[-1]["range"] == "'月度汇总'"


def test_values_batch_update_is_atomic(sheets_api, gspread_client):
    _seed(sheets_api)
    ws = gspread_client.open_by_key(KEY).worksheet("设置")
    with pytest.raises(gspread.exceptions.APIError):
        ws.batch_update([{"range": "A5", "values": [["written?"]]}, {"range": "A1:A1", "values": [["a"], ["b"]]}])
    assert len(sheets_api.grid(KEY, "设置")) == 2  # nothing applied
    res = ws.batch_update([{"range": "A5", "values": [["x"]]}, {"range": "C1:D1", "values": [[1, 2]]}])
    assert res["totalUpdatedCells"] == 3
    assert sheets_api.grid(KEY, "设置")[0] == ["参数", "值", 1, 2]


def test_batch_update_add_sheet_chart_and_properties(sheets_api, gspread_client):
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    new = sh.add_worksheet("渠道月度", rows=20, cols=5)
    assert sheets_api.tab_titles(KEY) == ["活动", "设置", "渠道月度"]
    assert new.row_count == 20 and new.col_count == 5
    with pytest.raises(gspread.exceptions.APIError) as e:
        sh.add_worksheet("渠道月度", rows=1, cols=1)
    assert "already exists" in e.value.error["message"] and e.value.code == 400
    spec = {"title": "ROI by channel", "basicChart": {"chartType": "COLUMN", "domains": [], "series": []}}
    res = sh.batch_update({"requests": [{"addChart": {"chart": {"spec": spec, "position": {
        "overlayPosition": {"anchorCell": {"sheetId": new.id, "rowIndex": 0, "columnIndex": 3}}}}}}]})
    chart_id = res["replies"][0]["addChart"]["chart"]["chartId"]
    meta = sh.fetch_sheet_metadata()
    by_title = {s["properties"]["title"]: s for s in meta["sheets"]}
    assert by_title["渠道月度"]["charts"][0]["chartId"] == chart_id
    assert by_title["渠道月度"]["charts"][0]["spec"]["title"] == "ROI by channel"
    assert "charts" not in by_title["活动"]  # absent (not []) when a sheet has none, like the real API
    new.update_title("渠道 月度")
    new.resize(rows=30)
    props = sheets_api.sheet_properties(KEY, "渠道 月度")
    assert props["gridProperties"]["rowCount"] == 30
    sh.batch_update({"requests": [{"appendDimension": {"sheetId": new.id, "dimension": "ROWS", "length": 5}},
                                  {"repeatCell": {"range": {"sheetId": new.id}, "cell": {}, "fields": "*"}}]})
    assert sheets_api.sheet_properties(KEY, "渠道 月度")["gridProperties"]["rowCount"] == 35
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        sh.batch_update({"requests": [{"addChrat": {}}]})
    assert "Unknown name" in e.value.error["message"]
    sh.del_worksheet(new)
    assert sheets_api.tab_titles(KEY) == ["活动", "设置"]


def test_spreadsheet_not_found_and_auth_required(sheets_api, gspread_client):
    with pytest.raises(gspread.SpreadsheetNotFound):
        gspread_client.open_by_key("missing")
    r = requests.get(f"{sheets_api.url}/v4/spreadsheets/missing", timeout=5)
    assert r.status_code == 401 and r.json()["error"]["status"] == "UNAUTHENTICATED"


def test_backoff_client_retries_429_then_succeeds(sheets_api, monkeypatch):
    _seed(sheets_api)
    sleeps: list[float] = []
    # BackOffHTTPClient sleeps 2, 4, 8 ... s through the module's `time`; replace only that reference
    monkeypatch.setattr(gspread.http_client, "time", types.SimpleNamespace(sleep=sleeps.append))
    gc = fake_gspread_client(sheets_api, http_client=gspread.BackOffHTTPClient)
    sh = gc.open_by_key(KEY)
    sheets_api.reset_calls()
    sheets_api.fail_next(2, status=429, retry_after=1)
    assert sh.worksheet("设置").get_all_values()[1] == ["目标ROI", "100%"]
    assert [c["status"] for c in sheets_api.calls()] == [429, 429, 200, 200]
    assert sleeps == [2, 4]


def test_plain_client_surfaces_errors_and_kind_filter(sheets_api, gspread_client):
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    sheets_api.fail_next(1, status=503, kind="values.get")
    ws = sh.worksheet("设置")  # spreadsheets.get is not affected
    with pytest.raises(gspread.exceptions.APIError) as e:
        ws.get_all_values()
    assert e.value.code == 503 and e.value.error["status"] == "UNAVAILABLE"
    assert ws.get_all_values()[0] == ["参数", "值"]


def test_delay_next_makes_a_client_timeout(sheets_api, gspread_client):
    _seed(sheets_api)
    ws = gspread_client.open_by_key(KEY).worksheet("设置")
    gspread_client.set_timeout(0.2)
    sheets_api.delay_next(1, 1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.get_all_values()
    assert ws.get_all_values()[0] == ["参数", "值"]


def test_service_account_flow_offline(sheets_api, gspread_sa_client):
    _seed(sheets_api)
    assert gspread_sa_client.open_by_key(KEY).title == "ROI 数据"
    token_calls = sheets_api.calls("token")
    assert len(token_calls) == 1 and token_calls[0]["verified"] is True
    claims = token_calls[0]["claims"]
    assert claims["iss"] == "roi-bot@fake-project.iam.gserviceaccount.com"
    assert "https://www.googleapis.com/auth/spreadsheets" in claims["scope"]
    assert token_calls[0]["body"]["assertion"] == "<jwt>"  # the JWT itself is not kept
    # a revoked token gets 401; google-auth refreshes through /token and retries
    sheets_api.revoke_tokens()
    assert gspread_sa_client.open_by_key(KEY).title == "ROI 数据"
    assert len(sheets_api.calls("token")) == 2
    assert [c["status"] for c in sheets_api.calls("spreadsheets.get")][-2:] == [401, 200]


def test_token_endpoint_rejects_a_foreign_signature(sheets_api):
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    registered = sheets_api.service_account_info()
    info = make_service_account_info(sheets_api.url + "/token", private_key_id=registered["private_key_id"])
    info["private_key"] = _other_key_pem()  # same key id, another key: the signature must not verify
    creds = service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/spreadsheets"])
    with pytest.raises(RefreshError):
        creds.refresh(Request())
    assert sheets_api.calls("token")[-1]["status"] == 400


def _other_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()
