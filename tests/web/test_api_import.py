"""``POST /api/v1/import`` in process (the composed Flask app, no server): the add-on's 导入报表 door.

Same token rules as the rest of the API, its own size cap, the console's ``--json`` object as the response.
Numbers by hand: the 千川 export of tests/sheets/test_imports.py (618 campaign 1,234.50 + 100 = 1,334.50 on
06-01; 日常投放 on 06-02; a 合计 row skipped).
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from openpyxl import Workbook

from roi_app.stores.tokens import TokenStore
from roi_runtime.config import AppConfig
from sheets.xlsx import XlsxSource
from tests.sheets.test_imports import QIANCHUAN
from web.imports import IMPORT_BODY_LIMIT

SECRET = "test-web-secret-0123456789abcdef"


@pytest.fixture
def app(tmp_path):
    wb = Workbook()
    wb.active.title = "活动"
    wb.active.append(["活动名称", "渠道", "开始日期", "销售额"])
    path = tmp_path / "team.xlsx"
    wb.save(path)
    config = AppConfig(source=str(path), database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", web_secret=SECRET)
    from roi_server import create_app

    flask_app = create_app(config)
    token = TokenStore(config.database).issue(str(path))
    return flask_app.test_client(), token, path


def body(files, dry_run=False) -> str:
    return json.dumps({"files": [{"name": n, "content_base64": base64.b64encode(d).decode()} for n, d in files],
                      "dry_run": dry_run})


def post(client, token, payload, **headers):
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    r = client.post("/api/v1/import", data=payload, content_type="application/json", headers={**auth, **headers})
    return r.status_code, r.get_json()


def test_import_writes_once_and_answers_like_the_console(app):
    client, token, path = app
    status, out = post(client, token, body([("千川.csv", QIANCHUAN.encode("gbk"))], dry_run=True))
    assert status == 200 and out["dry_run"] and not out["written"]
    assert "导入" not in XlsxSource(path).read_tabs()  # a dry run writes nothing
    status, out = post(client, token, body([("千川.csv", QIANCHUAN.encode("gbk"))]))
    assert status == 200 and out["ok"] and out["written"]
    f = out["files"][0]
    # 4 data rows read (two 单元 of 618 on 06-01 summed into one), the 合计 row skipped on line 7
    assert (f["platform"], f["rows_read"], f["rows_imported"], f["rows_skipped"], f["duplicates"]) == \
        ("巨量引擎", 4, 2, 1, 0)
    assert f["skipped_reasons"] == [{"reason": "合计/总计行", "count": 1, "lines": [7]}]
    assert out["totals"] == {"files": 1, "rows_read": 4, "rows_imported": 2, "rows_skipped": 1, "duplicates": 0}
    rows = XlsxSource(path).read_tabs()["导入"]
    assert rows[1][:5] == ["2026-06-01", "巨量引擎", "1001", "618大促-直播", 1334.5]
    status, out = post(client, token, body([("千川.csv", QIANCHUAN.encode("gbk"))]))
    assert status == 200 and not out["written"] and out["totals"]["duplicates"] == 2


def test_refusals_auth_size_and_bad_files(app):
    client, token, path = app
    status, out = post(client, None, body([("a.csv", b"x")]))
    assert status == 401 and out["error"].startswith("未授权")
    status, out = post(client, token, body([("weird.csv", "名字,钱\na,1\n".encode())]))
    assert status == 422 and not out["ok"] and out["files"][0]["error"].startswith("weird.csv：认不出")
    status, out = post(client, token, json.dumps({"files": [{"name": "a.csv", "content_base64": "***"}]}))
    assert status == 400 and "base64" in out["error"]
    status, out = post(client, token, json.dumps({"files": []}))
    assert status == 400 and "files" in out["error"]
    big = "a" * (IMPORT_BODY_LIMIT + 10)
    status, out = post(client, token, json.dumps({"files": [{"name": "big.csv", "content_base64": big}]}))
    assert status == 413 and "20 MB" in out["error"]
    wb = Workbook()
    wb.active.append(["日期", "计划名称", "花费", "展现量", "点击量", "成交金额", "成交笔数"])
    wb.active.append(["2026-06-01", "双11预热", 800, 20000, 600, 3200, 16])
    buf = io.BytesIO()
    wb.save(buf)
    status, out = post(client, token, body([("万相台.xlsx", buf.getvalue())]))
    assert status == 200 and out["files"][0]["platform"] == "阿里妈妈" and out["totals"]["rows_imported"] == 1


def test_a_multi_megabyte_upload_passes_the_apis_own_64_kib_cap(app):
    # the rest of /api/v1 refuses bodies past 64 KiB and the app past 1 MiB; an export of 60,000 rows
    # (~2 MB) is an ordinary upload here: 60,000 rows of 2 campaigns over 30 days sum to 60 keys
    client, token, path = app
    lines = ["日期,账户ID,计划名称,消耗,展示数,点击数,成交订单数,成交订单金额,支付ROI"]
    lines += [f"2026-06-{d % 30 + 1:02d},1001,计划{d // 30 % 2},1.5,10,1,0,0,0" for d in range(60_000)]
    data = ("\n".join(lines) + "\n").encode("gbk")
    assert len(data) > 2_000_000
    status, out = post(client, token, body([("big.csv", data)], dry_run=True))
    assert status == 200 and out["totals"]["rows_read"] == 60_000 and out["totals"]["rows_imported"] == 60
