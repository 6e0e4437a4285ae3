"""The Apps Script add-on (sheets/addon) run by Node's test runner against the real API under gunicorn.

The tests of issue 23 (``refresh.test.js``, ``rules.test.js``, ``report.test.js``) answer from a scripted server and
run in the same ``node --test``: cells that refresh with ROI_刷新, errors thrown, hashed cache keys, the 20-second
budget, the stand-in's rules (``sheets/addon/test/README.md``).

``node --test sheets/addon/test/`` loads the .gs files into the local Apps Script runtime
(``sheets/addon/test/appsscript_runtime.js``) whose UrlFetchApp makes real HTTP requests to the
server this module starts (``web_server``: a copy of the demo and a token from
``python -m sheets addon-key``). The figures the cells must show come from the console's own steps
(``tests/web/addon_cells.py``), checked here against ``python -m bot ask --json`` itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from roi_runtime.config import REPO_ROOT
from tests.sheets.test_imports import QIANCHUAN
from tests.web.addon_cells import cli_json, write_expected
from tests.web.conftest import start_web_server

pytestmark = pytest.mark.slow  # gunicorn, the CLI and Node

NODE_TIMEOUT = 300


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed; CI must provide Node 20 for the add-on's tests")
        pytest.skip("node is not installed here (CI runs these with Node 20)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 20:
        pytest.fail(f"the add-on's tests need Node 20 or later, found {version}")
    return node


TODAY = dt.date(2026, 11, 30)  # the server's ROI_TODAY: "last month" is October 2026, which the demo covers


@pytest.fixture(scope="module")
def web_server(tmp_path_factory):
    """gunicorn over a copy of the demo with today pinned, so the menu's 生成上月月报 has a month with rows on
    any date the suite runs (the cells' figures are worked out for the same day)."""
    server = start_web_server(tmp_path_factory.mktemp("web"), env_extra={"ROI_TODAY": TODAY.isoformat()})
    yield server
    log = server.stop()
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def expected_file(web_server, tmp_path_factory) -> Path:
    """The figures of the 200 cells for the server's workbook, as the JSON file ROI_EXPECTED names."""
    return write_expected(web_server.source, tmp_path_factory.mktemp("addon") / "expected.json", today=TODAY)


def test_expected_figures_are_what_the_console_prints(web_server, expected_file):
    """The in-process figures the Node tests compare with equal ``python -m bot ask "618活动" --json``."""
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    printed = cli_json("618活动", web_server.source)
    assert expected["campaigns"]["618活动"] == {k: printed[k] for k in ("roi", "roas", "cac")}
    # hand-worked from the demo's 618活动 rows: cost ¥302,000, 毛利 ¥635,250, 销售额 ¥1,155,000, 新客 5,420
    assert expected["campaigns"]["618活动"]["roi"] == pytest.approx((635250 - 302000) / 302000)
    assert expected["campaigns"]["618活动"]["roas"] == pytest.approx(1155000 / 302000)
    assert expected["campaigns"]["618活动"]["cac"] == pytest.approx(302000 / 5420)


def test_addon_under_node(web_server, expected_file, tmp_path):
    node = _node()
    export = tmp_path / "千川.csv"  # the platform export 导入报表 sends (GBK, as 巨量引擎 exports it)
    export.write_bytes(QIANCHUAN.encode("gbk"))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "ROI_API_URL": web_server.url,
        "ROI_TOKEN": web_server.token,
        "ROI_EXPECTED": str(expected_file),
        "ROI_IMPORT_FIXTURE": str(export),
    }
    done = subprocess.run([node, "--test", "--test-reporter=spec", "sheets/addon/test/"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=NODE_TIMEOUT)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "# skipped 0" in output or "skipped 0" in output, output
    assert web_server.token not in output
