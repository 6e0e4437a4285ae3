"""Hostile input at the plugin API's edge: every request answers a 4xx with one Chinese line naming the parameter
and the value, never a 500 or a traceback.

Most cases go to the real app (``roi_server.create_app``, plugin only) through Flask's test client over a copy of
the demo; the first ones found by users (a deeply nested body, ``period=9999-12``) and the size cap of a chunked
body also go through real gunicorn (``web_server``: its teardown asserts no ``Traceback`` in the log).
The sheet's date window is the contract's default 2000-01-01 .. 2100-12-31 unless 设置 widens it.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import shutil

import pytest
from openpyxl import load_workbook

from roi_app import links
from roi_app.stores.tokens import source_id
from roi_runtime.config import DEMO_WORKBOOK, AppConfig
from roi_server import create_app
from web.edge import MAX_JSON_DEPTH, json_depth, parse_json

SECRET = "hostile-test-secret-0123456789"
WINDOW = "应在 2000-01-01 至 2100-12-31 之间"
DEEP = "[" * 10_000 + "]" * 10_000  # 20 KB: under the 64 KiB cap, far past Python's recursion limit


def _app(tmp_path, book):
    cfg = AppConfig(source=str(book), web_secret=SECRET, database_url=f"sqlite:///{tmp_path / 'web.sqlite'}")
    app = create_app(cfg)
    token = app.extensions["roi_web"].tokens.issue(cfg.source)
    return app, token, cfg


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """(test client, headers with the sheet's Bearer token, config) over a copy of the demo."""
    tmp = tmp_path_factory.mktemp("hostile")
    book = tmp / "demo.xlsx"
    shutil.copyfile(DEMO_WORKBOOK, book)
    app, token, cfg = _app(tmp, book)
    yield app.test_client(), {"Authorization": f"Bearer {token}"}, cfg
    links.configure(None)


@pytest.fixture(autouse=True)
def no_bug_logged(caplog):
    """A hostile request is the caller's mistake: nothing may be logged as a bug of ours (ERROR with a traceback)."""
    caplog.set_level(logging.WARNING)
    yield
    bugs = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bugs, [r.getMessage() for r in bugs]


def refused(resp, status: int = 400) -> dict:
    """The refusal's body: the status, JSON, ok false, one line, no traceback."""
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["ok"] is False and "\n" not in body["error"] and "Traceback" not in json.dumps(body)
    return body


def post_raw(client, headers, path: str, raw: bytes | str):
    return client.post(path, data=raw, headers={**headers, "Content-Type": "application/json"})


# ------------------------------------------------------------------------------------- JSON depth
@pytest.mark.parametrize("path", ["/api/v1/ask", "/api/v1/monthly"])
@pytest.mark.parametrize("raw", [DEEP, '{"q": ' + DEEP + "}", '{"q": "618活动", "x": ' + "{\"a\":" * 5000 + "1" +
                                 "}" * 5000 + "}"])
def test_a_deeply_nested_body_is_refused_before_it_is_parsed(api, path, raw):
    client, headers, _ = api
    body = refused(post_raw(client, headers, path, raw))
    assert body["error"] == "请求体的 JSON 嵌套太深：超过 20 层"
    assert body["hint"] == '例：{"q": "618活动"}'


def test_twenty_levels_are_accepted_and_twenty_one_are_not(api):
    client, headers, _ = api
    # {"q": …, "x": [[…]]}: the object is level 1, so 19 brackets make 20 levels and 20 make 21
    ok = post_raw(client, headers, "/api/v1/ask", '{"q": "618活动", "x": ' + "[" * 19 + "]" * 19 + "}")
    assert ok.status_code == 200 and ok.get_json()["answer"]["campaign"] == "618活动"
    body = refused(post_raw(client, headers, "/api/v1/ask", '{"q": "618活动", "x": ' + "[" * 20 + "]" * 20 + "}"))
    assert "超过 20 层" in body["error"]
    # brackets inside a string are text, not nesting: a question may contain them
    text = post_raw(client, headers, "/api/v1/ask", json.dumps({"q": "618活动", "note": "[" * 500 + '\\"{' * 100}))
    assert text.status_code == 200


@pytest.mark.parametrize("raw", ['"' + '\\"' * 32_000, '"\\' * 32_000, '"' * 65_000, '{"q": "' + "[" * 65_000])
def test_unterminated_strings_of_64_kib_are_not_json(api, raw):
    """Shapes that make a string pattern retry from every quote (seconds of CPU for one request before the
    scan was made linear): each is one pass now, and answered as not JSON."""
    client, headers, _ = api
    assert refused(post_raw(client, headers, "/api/v1/ask", raw))["error"] == "请求体不是合法的 JSON"


def test_the_depth_count_never_recurses():
    assert json_depth('{"a": [1, {"b": [2]}]}') == 4  # { [ { [
    assert json_depth('{"q": "[[[{{{"}') == 1  # inside a string
    assert json_depth('{"q": "a\\"[[[["}') == 1  # an escaped quote does not end the string
    assert json_depth('["a\\\\", ["b"]]') == 2  # an escaped backslash does not escape the closing quote
    assert json_depth('{"q": "[[[[') == 1  # an unterminated string runs to the end: its brackets are text
    assert json_depth("[" * 1_000_000) == MAX_JSON_DEPTH + 1  # stops counting past the cap
    assert parse_json('{"q": "618活动"}') == {"q": "618活动"}


# --------------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("literal", ["1e400", "-1e400", "1e16", "1000000000000001", "-1000000000000001",
                                     "1.5e15", "9" * 5000])
def test_numbers_a_sheet_cell_cannot_hold_are_refused(api, literal):
    client, headers, _ = api
    for path in ("/api/v1/ask", "/api/v1/monthly"):
        raw = '{"q": "618活动", "month": "2026-10", "n": ' + literal + "}"
        body = refused(post_raw(client, headers, path, raw))
        shown = literal if len(literal) <= 40 else literal[:37] + "…"
        assert body["error"] == (f"请求体里的数字「{shown}」超出范围：绝对值应不超过 1,000 万亿（1e15），"
                                 "且不能是 NaN 或 Infinity"), body


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(api, literal):
    client, headers, _ = api
    body = refused(post_raw(client, headers, "/api/v1/ask", '{"q": "618活动", "n": ' + literal + "}"))
    assert body["error"] == f"请求体里的「{literal}」不是数字：JSON 里不能有 NaN 或 Infinity"


def test_numbers_up_to_1e15_are_fine(api):
    client, headers, _ = api
    for literal in ("1e15", "-1000000000000000", "0.01", "0"):  # |x| ≤ 1e15 exactly: accepted
        resp = post_raw(client, headers, "/api/v1/ask", '{"q": "618活动", "n": ' + literal + "}")
        assert resp.status_code == 200, (literal, resp.get_json())


def test_a_body_that_is_not_utf8_or_not_json(api):
    client, headers, _ = api
    assert refused(post_raw(client, headers, "/api/v1/ask", b'{"q": "\xff\xfe"}'))["error"] == \
        "请求体不是 UTF-8 编码的 JSON"
    assert refused(post_raw(client, headers, "/api/v1/ask", '{"q": '))["error"] == "请求体不是合法的 JSON"
    assert refused(post_raw(client, headers, "/api/v1/ask", "[1, 2]"))["error"] == "请求体应是 JSON 对象"


def test_a_body_over_64_kib_is_413(api):
    client, headers, _ = api
    raw = '{"q": "618活动", "pad": "' + "x" * (64 * 1024) + '"}'
    assert refused(post_raw(client, headers, "/api/v1/ask", raw), 413)["error"] == "请求太大：最多 64 KiB"


def test_a_chunked_body_is_capped_at_64_kib_not_cut_short(api):
    """Without Content-Length werkzeug's stream stops silently at the cap: a body of exactly 64 KiB is read
    whole (answered), one byte more is 413, never a truncated body parsed as something else."""
    client, headers, _ = api
    head, tail = b'{"q": "618\xe6\xb4\xbb\xe5\x8a\xa8", "pad": "', b'"}'  # 618活动 in UTF-8

    def chunked(size: int):
        raw = head + b"x" * (size - len(head) - len(tail)) + tail
        assert len(raw) == size
        return client.post("/api/v1/ask", input_stream=io.BytesIO(raw), environ_overrides={"wsgi.input_terminated": True},
                           headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"})

    at_cap = chunked(64 * 1024)
    assert at_cap.status_code == 200 and at_cap.get_json()["answer"]["campaign"] == "618活动"
    assert refused(chunked(64 * 1024 + 1), 413)["error"] == "请求太大：最多 64 KiB"


# --------------------------------------------------------------------------------------- periods
@pytest.mark.parametrize("period", ["9999-12", "1000-01", "1999-12", "2101-01", "Q3 9999", "2026-10-01到9999-12-31"])
def test_a_period_outside_the_sheets_dates_is_refused_naming_it(api, period):
    client, headers, _ = api
    for path in (f"/api/v1/snapshot?period={period}", f"/api/v1/metric?name=roi&campaign=618&period={period}"):
        body = refused(client.get(path, headers=headers))
        assert body["error"] == f"参数 period 的值「{period}」超出范围：时间段{WINDOW}", body
        assert "最早日期 / 最晚日期" in body["hint"]


def test_a_period_no_calendar_has_is_not_understood(api):
    client, headers, _ = api
    body = refused(client.get("/api/v1/snapshot?period=0000-01", headers=headers))  # year 0: was a ValueError
    assert body["error"].startswith("看不懂时间段「0000-01」")


def test_a_period_inside_the_window_still_answers(api):
    client, headers, _ = api
    resp = client.get("/api/v1/snapshot?period=2000-01", headers=headers)  # the window's first month: no data, 200
    assert resp.status_code == 200 and resp.get_json()["campaigns"] == {}


def test_the_sheets_own_window_widens_the_range(tmp_path):
    book = tmp_path / "wide.xlsx"
    wb = load_workbook(DEMO_WORKBOOK)
    wb["设置"].append(["最早日期", "1990-01-01", None])
    wb.save(book)
    app, token, _ = _app(tmp_path, book)  # the same secret as the module's app: its links stay valid
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/snapshot?period=1995-06", headers=headers).status_code == 200
    body = refused(client.get("/api/v1/snapshot?period=1989-12", headers=headers))
    assert body["error"] == "参数 period 的值「1989-12」超出范围：时间段应在 1990-01-01 至 2100-12-31 之间"


@pytest.mark.parametrize(("month", "status", "error"), [
    ("9999-12", 400, "参数 month 的值「9999-12」超出范围：月份应在 2000-01 至 2100-12 之间"),
    ("1999-12", 400, "参数 month 的值「1999-12」超出范围：月份应在 2000-01 至 2100-12 之间"),
    ("0000-01", 400, "月份「0000-01」看不懂"),
])
def test_monthly_month_outside_the_window(api, month, status, error):
    client, headers, _ = api
    body = refused(client.post("/api/v1/monthly", json={"month": month}, headers=headers), status)
    assert body["error"] == error


@pytest.mark.parametrize(("q", "said"), [("渠道 9999-12", "9999-12"), ("618活动 1000-01", "1000-01"),
                                         ("渠道 Q3 9999", "9999-07-01 ~ 9999-09-30"), ("月报 2101-01", "2101-01"),
                                         ("渠道 2026-10-01到9999-12-31", "2026-10-01 ~ 9999-12-31")])
def test_a_question_about_a_period_outside_the_window(api, q, said):
    client, headers, _ = api
    body = refused(client.post("/api/v1/ask", json={"q": q}, headers=headers))
    assert body["error"] == f"问题 q 里的时间「{said}」超出范围：时间段{WINDOW}"
    assert said in body["html"] and "roi-error" in body["html"]  # the sidebar shows it like any refusal


def test_questions_with_impossible_dates_in_either_language(api):
    client, headers, _ = api
    body = refused(client.post("/api/v1/ask", json={"q": "渠道 0000-01"}, headers=headers))  # was a 500
    assert body["error"] == "时间「0000-01」不是日历上的日期"  # the parser's own words, as in Slack
    body = refused(client.post("/api/v1/ask", json={"q": "channels 0000-01"}, headers=headers))
    assert body["error"] == "The period “0000-01” is not a date of the calendar"
    body = refused(client.post("/api/v1/ask", json={"q": "channels 9999-12"}, headers=headers))
    assert body["error"] == ("The period 9999-12 in question q is out of range: it should be between 2000-01-01 "
                             "and 2100-12-31")


@pytest.mark.parametrize(("button", "error"), [
    ('{"k": "top", "n": 1e400}', "按钮 button 的值里的数字「1e400」超出范围"),  # int(inf) was an OverflowError: 500
    ("[" * 999 + "]" * 999, "按钮 button 的值的 JSON 嵌套太深：超过 20 层"),  # json.loads recursed: 500
    ("[" * 1001 + "]" * 1001, "按钮 button 的值太长：不是 ROI 助手生成的按钮"),
    ('{"k": "monthly", "m": "9999-12"}', "按钮 button 里的时间「9999-12」超出范围"),
    ('{"k": "cohort", "p": "0001-01-01~9999-12-31"}', "按钮 button 里的时间「0001-01-01 ~ 9999-12-31」超出范围"),
])
def test_hostile_buttons(api, button, error):
    client, headers, _ = api
    body = refused(client.post("/api/v1/ask", json={"button": button}, headers=headers))
    assert body["error"].startswith(error), body


def test_text_parameters_are_bounded(api):
    client, headers, _ = api
    body = refused(client.get("/api/v1/metric?name=roi&campaign=" + "x" * 201, headers=headers))
    assert body["error"] == "参数 campaign 太长：201 个字（最多 200 个）"
    body = refused(client.get("/api/v1/metric?name=roi_channel&channel=" + "抖" * 300, headers=headers))
    assert body["error"] == "参数 channel 太长：300 个字（最多 200 个）"


def test_report_pages_outside_the_window_are_404_pages(api):
    client, _, cfg = api
    session = links.sign({"src": source_id(cfg.source), "sid": "t"}, 600, secret=SECRET)
    for month in ("0000-01", "9999-12", "1999-12"):  # 0000-01 was a 500 (year 0 is out of range)
        resp = client.get(f"/report/{month}?s={session}")
        assert resp.status_code == 404 and resp.mimetype == "text/html", month
        assert "没有这个月报" in resp.get_data(as_text=True)
    assert client.get(f"/report/2026-10?s={session}").status_code == 200


# ------------------------------------------------------------------------- through real gunicorn
def test_what_users_found_answers_400_under_gunicorn(web_server):
    status, _, body = web_server.post("/api/v1/ask", '{"q": ' + DEEP + "}",
                                      headers={"Content-Type": "application/json"})
    assert status == 400 and body["error"] == "请求体的 JSON 嵌套太深：超过 20 层"
    status, _, body = web_server.get("/api/v1/snapshot?period=9999-12")
    assert status == 400 and body["error"] == f"参数 period 的值「9999-12」超出范围：时间段{WINDOW}"
    status, _, body = web_server.post("/api/v1/ask", {"q": "618活动", "n": 1e300})
    assert status == 400 and "「1e+300」超出范围" in body["error"]  # json.dumps writes 1e300 as 1e+300


def test_a_chunked_body_past_the_cap_is_413_under_gunicorn(web_server):
    """No Content-Length: the cap still holds while the body is read (request.max_content_length)."""
    def chunks():
        yield b'{"q": "618", "pad": "'
        for _ in range(80):
            yield b"x" * 1024  # 80 KiB in all
        yield b'"}'

    conn = http.client.HTTPConnection("127.0.0.1", web_server.port, timeout=30)
    try:
        conn.request("POST", "/api/v1/ask", body=chunks(), encode_chunked=True,
                     headers={"Authorization": f"Bearer {web_server.token}", "Content-Type": "application/json",
                              "Transfer-Encoding": "chunked"})
        resp = conn.getresponse()
        body = json.loads(resp.read())
    finally:
        conn.close()
    assert resp.status == 413 and body["error"] == "请求太大：最多 64 KiB"
