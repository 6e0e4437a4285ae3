"""The Sheets fake, exercised through REAL gspread / google-auth / requests."""

from __future__ import annotations

import json
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


# ----------------------------------------------------------------------------------
# the contract: Google's discovery document (tests/fakes/google_discovery/sheets.v4.json)
# ----------------------------------------------------------------------------------
def _refusal(excinfo) -> dict:
    """The error object of a 400 the fake sent, checked for Google's envelope."""
    err = excinfo.value.response.json()["error"]
    assert excinfo.value.code == 400 and err["status"] == "INVALID_ARGUMENT"
    assert err["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    return err


def test_unknown_field_is_refused_with_its_path(sheets_api, gspread_client):
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    with sheets_api.expect_contract_violations() as refused, pytest.raises(gspread.exceptions.APIError) as e:
        sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "新", "colour": "red"}}}]})
    err = _refusal(e)
    message = ("Invalid JSON payload received. Unknown name \"colour\" at 'requests[0].add_sheet.properties': "
               "Cannot find field.")
    assert err["message"] == message
    assert err["details"][0]["fieldViolations"] == [{"field": "requests[0].add_sheet.properties",
                                                     "description": message}]
    assert sheets_api.tab_titles(KEY) == ["活动", "设置"]  # nothing applied
    assert len(refused) == 1 and refused[0]["kind"] == "spreadsheets.batchUpdate"
    assert refused[0]["messages"] == [message]
    # a top-level unknown name has no "at", and every violation is listed, one per line
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        sh.batch_update({"requests": [{"addSheet": {}}], "dryRun": True, "foo": 1})
    assert _refusal(e)["message"] == ('Invalid JSON payload received. Unknown name "dryRun": Cannot find field.\n'
                                      'Invalid JSON payload received. Unknown name "foo": Cannot find field.')


def test_wrong_enum_is_refused_like_google(sheets_api, gspread_client):
    _seed(sheets_api)
    http = gspread_client.http_client
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        http.values_update(KEY, "'设置'!A3", params={"valueInputOption": "USER_ENTER"}, body={"values": [["x"]]})
    assert _refusal(e)["message"] == ("Invalid value at 'value_input_option' "
                                      "(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"USER_ENTER\"")
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        http.values_batch_get(KEY, ["设置"], params={"valueRenderOption": "UNFORMATTED"})
    assert _refusal(e)["message"] == ("Invalid value at 'value_render_option' "
                                      "(type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), \"UNFORMATTED\"")
    sh = gspread_client.open_by_key(KEY)
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        sh.batch_update({"requests": [{"addChart": {"chart": {"spec": {"basicChart": {"chartType": "PIE"}}}}}]})
    assert _refusal(e)["message"] == (
        "Invalid value at 'requests[0].add_chart.chart.spec.basic_chart.chart_type' "
        "(type.googleapis.com/google.apps.sheets.v4.BasicChartType), \"PIE\"")
    assert sheets_api.grid(KEY, "设置")[2:] == [] and sheets_api.charts(KEY) == []


def test_wrong_types_are_refused_like_google(sheets_api, gspread_client):
    _seed(sheets_api)
    http = gspread_client.http_client
    # exactly the response Google recorded for this request (gspread's cassette
    # WorksheetTest.test_add_validation: PUT .../values/'Sheet1'!A1?valueInputOption=RAW)
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        http.values_update(KEY, "'设置'!A1", params={"valueInputOption": "RAW"},
                           body={"values": "X", "majorDimension": None})
    assert e.value.response.json() == {"error": {
        "code": 400,
        "message": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\"",
        "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{
            "field": "data.values",
            "description": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""}]}]}}
    sh = gspread_client.open_by_key(KEY)
    with sheets_api.expect_contract_violations() as refused, pytest.raises(gspread.exceptions.APIError) as e:
        sh.batch_update({"requests": [
            {"addSheet": {"properties": {"title": 7, "gridProperties": {"rowCount": "ten", "columnCount": 2.5},
                                         "hidden": "yes"}}},
            {"addSheet": {}, "deleteSheet": {"sheetId": 0}},
            {"appendDimension": [{"sheetId": 0}]},
        ]})
    assert refused[0]["messages"] == [
        "Invalid value at 'requests[0].add_sheet.properties.title' (TYPE_STRING), 7",
        "Invalid value at 'requests[0].add_sheet.properties.grid_properties.row_count' (TYPE_INT32), \"ten\"",
        "Invalid value at 'requests[0].add_sheet.properties.grid_properties.column_count' (TYPE_INT32), 2.5",
        "Invalid value at 'requests[0].add_sheet.properties.hidden' (TYPE_BOOL), \"yes\"",
        "Invalid value at 'requests[1]' (oneof), oneof field 'kind' is already set. Cannot set 'deleteSheet'",
        "Invalid JSON payload received. Unknown name \"appendDimension\" at 'requests[2]': "
        "Proto field is not repeating, cannot start list.",
    ]
    assert [v["field"] for v in _refusal(e)["details"][0]["fieldViolations"]] == [
        "requests[0].add_sheet.properties.title", "requests[0].add_sheet.properties.grid_properties.row_count",
        "requests[0].add_sheet.properties.grid_properties.column_count", "requests[0].add_sheet.properties.hidden",
        "requests[1]", "requests[2]"]
    # query parameters: unknown names and booleans
    with sheets_api.expect_contract_violations() as refused, pytest.raises(gspread.exceptions.APIError):
        http.values_update(KEY, "'设置'!A3", params={"valueInputOption": "RAW", "includeValuesInResponse": "maybe",
                                                    "valueInput": "RAW"}, body={"values": [["x"]]})
    assert refused[0]["messages"] == [
        "Invalid value at 'include_values_in_response' (TYPE_BOOL), \"maybe\"",
        "Invalid JSON payload received. Unknown name \"valueInput\": Cannot bind query parameter. "
        "Field 'valueInput' could not be found in request message.",
    ]
    assert sheets_api.tab_titles(KEY) == ["活动", "设置"] and len(sheets_api.grid(KEY, "设置")) == 2


def test_proto_json_leniency_google_has_too(sheets_api, gspread_client):
    """null = not set, snake_case names, an int32 as a numeric string, an enum by number, a single value
    for a list: proto3 JSON accepts all of them, so the fake must too."""
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    sh.batch_update({"requests": {"add_sheet": {"properties": {
        "title": "宽表", "grid_properties": {"rowCount": "30", "columnCount": 4.0}, "tabColor": None}}}})
    assert sheets_api.sheet_properties(KEY, "宽表")["gridProperties"]["rowCount"] == 30
    http = gspread_client.http_client
    res = http.values_update(KEY, "'宽表'!A1", params={"value_input_option": "RAW", "includeValuesInResponse": "True"},
                             body={"values": [["a", 1, 2.5, True, None, ""]], "major_dimension": 2, "range": None})
    assert sheets_api.grid(KEY, "宽表") == [["a"], [1], [2.5], [True]]  # 2 = COLUMNS
    assert res["updatedRange"] == "'宽表'!A1:A6" and "updatedData" in res  # "True" is a boolean to Google
    assert sheets_api.contract_violations == []


def test_requests_gspread_really_sends_are_accepted(sheets_api, gspread_client):
    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    ws = sh.worksheet("设置")
    ws.update([["=IMPORTXML(\"http://x\")", 12.5, True]], "A3", raw=True)  # PUT, RAW, "majorDimension": null
    ws.update([["2026-06-18"]], "A4", value_input_option=ValueInputOption.user_entered)
    ws.append_rows([["目标ROI2", 1.2]], value_input_option=ValueInputOption.raw, insert_data_option="INSERT_ROWS")
    ws.batch_update([{"range": "C1:D1", "values": [[1, 2]]}])
    ws.batch_clear(["C1:D1"])
    new = sh.add_worksheet("渠道月度", rows=20, cols=5)  # batchUpdate addSheet
    new.resize(rows=30)  # updateSheetProperties with the field mask "gridProperties/rowCount"
    res = sh.values_batch_get(["'活动'!A1:E2", "设置!A:B"],
                              params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                                      "majorDimension": "ROWS"})
    assert res["valueRanges"][0]["values"][1] == ["双11", "抖音", 46191, 1200, 12345.6]
    assert ws.get("A4", value_render_option=ValueRenderOption.unformatted,
                  date_time_render_option=DateTimeOption.serial_number) == [[46191]]
    sh.fetch_sheet_metadata(params={"fields": "properties.title,sheets(properties(sheetId,title,index,"
                                              "gridProperties),charts(chartId,spec.title))"})
    ws.clear()
    assert sheets_api.contract_violations == []
    kinds = {c["kind"] for c in sheets_api.calls()}
    assert {"values.update", "values.append", "values.batchUpdate", "values.batchClear", "values.batchGet",
            "values.get", "values.clear", "spreadsheets.batchUpdate", "spreadsheets.get"} <= kinds


def test_the_products_own_chart_request_is_accepted(sheets_api, gspread_client):
    from roi_core.monthly import MONTHLY_SUMMARY_HEADERS
    from roi_core.schema import MONTHLY_SUMMARY_TAB
    from roi_runtime.config import AppConfig
    from sheets.google import CHART_TITLE, GoogleSource, forget_metadata

    _seed(sheets_api)
    sh = gspread_client.open_by_key(KEY)
    tab = sh.add_worksheet(MONTHLY_SUMMARY_TAB, rows=200, cols=30)
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url)
    forget_metadata(KEY)
    try:
        requests_ = GoogleSource(KEY, config, sleep=lambda s: None)._chart_requests(
            MONTHLY_SUMMARY_TAB, tab.id, MONTHLY_SUMMARY_HEADERS)
    finally:
        forget_metadata(KEY)
    assert [next(iter(r)) for r in requests_] == ["addChart"]
    sh.batch_update({"requests": requests_})
    assert [c["spec"]["title"] for c in sheets_api.charts(KEY, MONTHLY_SUMMARY_TAB)] == [CHART_TITLE]
    assert sheets_api.contract_violations == []


def test_fields_selector_is_checked_against_the_response_schema(sheets_api, gspread_client):
    _seed(sheets_api)
    http = gspread_client.http_client
    with sheets_api.expect_contract_violations(), pytest.raises(gspread.exceptions.APIError) as e:
        http.fetch_sheet_metadata(KEY, params={"fields": "properties.titel,sheets(properties(sheetId))"})
    err = _refusal(e)
    assert err["message"] == "Request contains an invalid argument."  # the reason is only in the details
    assert err["details"][0]["fieldViolations"] == [{"field": "fields", "description": (
        "Error expanding 'fields' parameter. Cannot find matching fields for path 'properties.titel'.")}]
    with sheets_api.expect_contract_violations() as refused, pytest.raises(gspread.exceptions.APIError):
        http.fetch_sheet_metadata(KEY, params={"fields": "properties, sheets.properties"})  # a space is a name
    assert refused[0]["messages"] == [
        "Error expanding 'fields' parameter. Cannot find matching fields for path ' sheets'."]


def test_a_request_that_is_not_json_is_refused(sheets_api, gspread_client):
    _seed(sheets_api)
    with sheets_api.expect_contract_violations():
        r = requests.post(f"{sheets_api.url}/v4/spreadsheets/{KEY}:batchUpdate", data=b"{requests:",
                          headers={"Authorization": "Bearer fake", "Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["message"].startswith("Invalid JSON payload received.")


def test_refusals_fail_the_test_unless_expected():
    with FakeSheetsAPI() as fake:
        fake.add_spreadsheet(KEY, "t", {"设置": [["参数", "值"]]})
        gc = fake_gspread_client(fake)
        http = gc.http_client
        with pytest.raises(gspread.exceptions.APIError):
            http.values_update(KEY, "设置!A1", params={"valueInputOption": "RAWW"}, body={"values": [["x"]]})
        assert [v["messages"] for v in fake.unexpected_contract_violations()] == [[
            "Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "
            "\"RAWW\""]]
        # a block that promises a refusal and causes none fails
        with pytest.raises(AssertionError, match="refused none"), fake.expect_contract_violations():
            http.values_update(KEY, "设置!A1", params={"valueInputOption": "RAW"}, body={"values": [["x"]]})
        fake.allow_contract_violations()
        with pytest.raises(gspread.exceptions.APIError):
            http.values_update(KEY, "设置!A1", params={"valueInputOption": "RAWW"}, body={"values": [["x"]]})
        assert len(fake.contract_violations) == 2 and len(fake.unexpected_contract_violations()) == 1
        gc.http_client.session.close()
    # semantic refusals (a range that does not parse) are the fake's own rules, not contract violations
    with FakeSheetsAPI(check_contract=False) as fake:
        fake.add_spreadsheet(KEY, "t", {"设置": [["参数", "值"]]})
        http = fake_gspread_client(fake).http_client
        http.values_update(KEY, "设置!A1", params={"valueInputOption": "RAW", "foo": "1"}, body={"values": [["y"]]})
        assert fake.grid(KEY, "设置")[0] == ["y", "值"] and fake.contract_violations == []
