"""python -m sheets addon setup: each prerequisite's pass and fail path, against loopback servers and real tools.

The server check talks to a loopback https server (a self-signed certificate made here, trusted through
REQUESTS_CA_BUNDLE when the test says so) and to the real app's /healthz; the sheet check goes through
gspread to the loopback Google Sheets fake; Node and clasp are small scripts put first on PATH and run
as processes. Every failure is asserted with its exact next-step lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import shutil
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from roi_app import addon_setup as setup
from roi_app.stores.tokens import TokenStore
from roi_runtime.config import AppConfig
from sheets.__main__ import main

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
SHEET_URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
SLEEP = shutil.which("sleep")  # found before a test narrows PATH to its own scripts
EMAIL = "roi-bot@fake-project.iam.gserviceaccount.com"
LINUX_NODE = ("安装 Node.js 20 LTS：curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - "
              "&& sudo apt-get install -y nodejs")

pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("ROI_PUBLIC_URL", "ROI_SOURCE", "DATABASE_URL", "GOOGLE_SERVICE_ACCOUNT_JSON", "GOOGLE_SHEETS_API_URL",
                 "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SHEET_CACHE_TTL", "HTTPS_PROXY", "https_proxy",
                 "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------------------------------------- loopback https
@pytest.fixture(scope="module")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (valid 2000-2099: no clock read) and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2000, 1, 1)).not_valid_after(dt.datetime(2099, 12, 31))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


class Reply:
    """What the loopback server answers every request with (a test sets it)."""

    status = 200
    body = b'{"ok": true, "app": "roi-assistant"}'
    headers: dict[str, str] = {"Content-Type": "application/json"}
    delay = 0.0


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        reply = self.server.reply
        time.sleep(reply.delay)
        self.server.paths.append(self.path)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        try:
            self.wfile.write(reply.body)
        except OSError:
            pass  # the client gave up (the slow test)

    def log_message(self, *args):
        pass


def _serve(tls: tuple[Path, Path] | None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.reply, server.paths = Reply(), []
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture
def https_server(tls_files):
    server = _serve(tls_files)
    server.url = f"https://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def trusted(monkeypatch, tls_files):
    """This machine trusts the loopback certificate (as a real one is trusted through the system's CAs)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- the address
def test_no_address_says_where_to_set_it():
    check = setup.check_server_url(None)
    assert check.line() == "❌ 服务器地址：没有设置（--server 或 ROI_PUBLIC_URL）"
    assert check.steps == (
        "在 .env 里写 ROI_DOMAIN=你的域名（例如 roi.example.com），再运行 docker compose up -d："
        "compose 会设置 ROI_PUBLIC_URL=https://你的域名",
        "或者直接给出地址：python -m sheets addon setup --server https://roi.example.com")


def test_http_is_refused_with_the_https_step():
    check = setup.check_server_url("http://roi.example.com")
    assert check.line() == "❌ 服务器地址：http://roi.example.com 不是 https 地址"
    assert check.steps == ("表格插件只连 https:// 地址（http 会把令牌明文发出去）：在 .env 里写 ROI_DOMAIN=你的域名，"
                           "compose 里的 Caddy 会为它自动申请证书，然后用 https://你的域名",)


def test_credentials_in_the_address_are_refused_and_never_shown():
    check = setup.check_server_url("https://admin:hunter2@roi.example.com")
    assert check.line() == "❌ 服务器地址：https://***@roi.example.com 里带了用户名或密码"
    assert "hunter2" not in check.line() + "".join(check.steps)


def test_a_public_https_address_passes_and_a_loopback_one_is_flagged():
    public = setup.check_server_url("https://roi.example.com")
    assert public.line() == "✅ 服务器地址：https://roi.example.com" and public.notes == ()
    local = setup.check_server_url("https://127.0.0.1:8443")
    assert local.ok and local.notes == ("⚠ 127.0.0.1 是本机或内网地址：Apps Script 从 Google 的服务器访问，连不到它；"
                                        "正式使用请换成公网域名",)
    assert not setup.check_server_url("https://roi.example.com/?token=x").ok


# ---------------------------------------------------------------------------------------------- reachable
@pytest.mark.slow
def test_reachable_over_trusted_https(https_server, trusted):
    check = setup.check_reachable(https_server.url + "/", timeout=5)
    assert check.line() == f"✅ 服务器可访问：{https_server.url}/healthz 回答正常"
    assert https_server.paths == ["/healthz"]


@pytest.mark.slow
def test_the_real_apps_healthz_passes(tls_files, trusted, tmp_path):
    """Not a stand-in: roi_server's own /healthz (the plugin-only app) behind TLS."""
    from werkzeug.serving import make_server

    from roi_server import create_app

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    app = create_app(AppConfig(web_secret="s" * 32, database_url=f"sqlite:///{tmp_path / 'roi.sqlite'}"))
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        check = setup.check_reachable(f"https://127.0.0.1:{server.server_port}", timeout=5)
    finally:
        server.shutdown()
    assert check.ok, check.line()


@pytest.mark.slow
def test_an_untrusted_certificate_says_apps_script_would_refuse_it(https_server):
    check = setup.check_reachable(https_server.url, timeout=5)
    port = https_server.server_address[1]
    assert check.line() == f"❌ 服务器可访问：127.0.0.1:{port} 的 https 证书不被信任（自签名、过期或与域名不符）"
    assert check.steps == (
        "Apps Script 只接受公开可信的证书：用 compose 里的 Caddy（自动申请 Let's Encrypt 证书），"
        "并确认 ROI_DOMAIN 的 DNS 指向这台服务器、80 和 443 端口对外开放",
        "看日志：docker compose logs --tail 50 web caddy")


def test_a_refused_connection_says_to_start_compose_and_open_the_ports():
    port = _closed_port()
    check = setup.check_reachable(f"https://127.0.0.1:{port}", timeout=2)
    assert check.line() == f"❌ 服务器可访问：连不上 127.0.0.1:{port}"
    assert check.steps == ("在服务器上运行 docker compose up -d，再用 docker compose ps 确认 caddy 和 web 都在运行；"
                           "云服务器的安全组或防火墙要放行 80 和 443 端口",
                           "看日志：docker compose logs --tail 50 web caddy")


@pytest.mark.slow
def test_a_slow_server_fails_within_the_deadline(https_server, trusted):
    https_server.reply.delay = 3.0
    started = time.monotonic()
    check = setup.check_reachable(https_server.url, timeout=0.5)
    assert time.monotonic() - started < 2.5  # the read deadline, not the server's 3 s
    assert check.line() == f"❌ 服务器可访问：{https_server.url}/healthz 在 0.5 秒内没有回答"
    assert check.steps == ("看日志：docker compose logs --tail 50 web caddy",)


@pytest.mark.slow
@pytest.mark.parametrize("status, body, headers, line, steps", [
    (502, b"Bad Gateway", {}, "回答 HTTP 502：前置代理在运行，但 web 服务没有就绪",
     ("看日志：docker compose logs --tail 50 web caddy（常见原因：.env 里缺 ROI_WEB_SECRET，或数据库还没启动）",)),
    (200, b"<html>It works!</html>", {"Content-Type": "text/html"}, "回答 HTTP 200，但不是 ROI 助手",
     ("检查地址：应是 ROI 助手服务器的根地址（例如 https://roi.example.com），"
      "打开 地址/healthz 应看到 {\"app\": \"roi-assistant\", \"ok\": true}",)),
    (301, b"", {"Location": "https://www.example.com/healthz"},
     "回答了重定向（HTTP 301 → https://www.example.com/healthz）",
     ("表格插件不跟随重定向：把服务器地址改成最终的 https 地址（--server 或 .env 的 ROI_DOMAIN）",)),
])
def test_answers_that_are_not_roi_assistant(https_server, trusted, status, body, headers, line, steps):
    https_server.reply.status, https_server.reply.body, https_server.reply.headers = status, body, headers
    check = setup.check_reachable(https_server.url, timeout=5)
    assert check.line() == f"❌ 服务器可访问：{https_server.url}/healthz {line}"
    assert check.steps == steps


# ---------------------------------------------------------------------------------------------- sheet and token
def test_a_workbook_source_is_not_a_google_sheet():
    check = setup.check_sheet("team.xlsx")
    assert check.line() == "❌ 表格：数据源「team.xlsx」不是 Google 表格"
    assert check.steps == ("在 .env 里写 ROI_SOURCE=https://docs.google.com/spreadsheets/d/<表格ID>/edit，"
                           "再运行 docker compose up -d（或给本命令加 --source 表格链接）",)
    assert setup.check_sheet(SHEET_URL).line() == f"✅ 表格：Google 表格 {KEY}"


def test_token_present_and_missing(tmp_path):
    url = f"sqlite:///{tmp_path / 'roi.sqlite'}"
    missing = setup.check_token(url, url, SHEET_URL)
    assert missing.line() == f"❌ 插件令牌：SQLite 文件 {tmp_path / 'roi.sqlite'} 里没有这个表格的令牌"
    assert missing.steps == ("在服务器上生成令牌（只显示这一次，复制最后一行的 roi_…）：",
                             f"docker compose exec web python -m sheets addon-key --source {KEY}",
                             f"（不用 compose 时：python -m sheets addon-key --source {KEY}）")
    # made on 2026-12-01 08:00 UTC (now passed in): the line says when, never the token
    token = TokenStore(url).issue(SHEET_URL, now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    found = setup.check_token(url, url, KEY)
    assert found.line() == (f"✅ 插件令牌：这个表格已有令牌（2026-12-01 08:00 UTC 生成，"
                            f"存于 SQLite 文件 {tmp_path / 'roi.sqlite'}）")
    assert token not in found.line()
    # another sheet's token does not count
    assert not setup.check_token(url, url, "1ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ").ok


def test_no_database_url_here_says_to_check_on_the_server(tmp_path):
    check = setup.check_token(None, f"sqlite:///{tmp_path / 'local.sqlite'}", SHEET_URL)
    assert check.steps[-1] == ("本机没有设置 DATABASE_URL：令牌在服务器的数据库里，请在服务器上检查："
                               "docker compose exec web python -m sheets addon setup --skip-clasp")


# ---------------------------------------------------------------------------------------------- service account
def test_service_account_missing_and_malformed():
    check, email = setup.check_service_account(None)
    assert email is None and check.line() == "❌ 服务账号密钥：没有设置 GOOGLE_SERVICE_ACCOUNT_JSON"
    assert check.steps == ("在 Google Cloud 控制台 → IAM 和管理 → 服务账号 → 密钥 → 添加密钥 → JSON，"
                           "把下载的文件保存为 secrets/google-service-account.json（compose 会把它交给容器），"
                           "再运行 docker compose up -d",
                           "不用 compose 时：在 .env 里写 GOOGLE_SERVICE_ACCOUNT_JSON=密钥文件的路径")
    bad, _ = setup.check_service_account('{"type": "service_account", "private_key": "-----BEGIN secret')
    assert bad.line() == "❌ 服务账号密钥：GOOGLE_SERVICE_ACCOUNT_JSON 不是有效的 JSON"
    assert "BEGIN" not in bad.line() + "".join(bad.steps)


@pytest.fixture
def google(sheets_api, monkeypatch):
    """The fake holds the sheet; the environment points the app's config at it."""
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {"活动": [["活动名称", "渠道"]], "设置": [["参数", "值"]]})
    info = sheets_api.service_account_info()
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", json.dumps(info))
    monkeypatch.setenv("GOOGLE_SHEETS_API_URL", sheets_api.url)
    sheets_api.private_key = info["private_key"]
    return sheets_api


def test_shared_sheet_is_read_through_gspread(google):
    config = AppConfig.from_env(os.environ)
    account, email = setup.check_service_account(config.google_service_account_json)
    assert account.line() == f"✅ 服务账号密钥：{EMAIL}" and email == EMAIL
    check = setup.check_shared(config, SHEET_URL, email, timeout=5)
    assert check.line() == f"✅ 表格已共享给服务账号：{EMAIL} 能读取「市场部 ROI」（2 个标签页）"
    assert google.calls("spreadsheets.get") and google.calls("token")


def test_not_shared_says_whom_to_share_with(google):
    config = AppConfig.from_env(os.environ)
    google.fail_next(1, status=403, kind="spreadsheets.get")  # what Google answers for a sheet not shared
    check = setup.check_shared(config, SHEET_URL, EMAIL, timeout=5)
    assert check.line() == f"❌ 表格已共享给服务账号：服务账号 {EMAIL} 没有这个表格的权限（HTTP 403）"
    assert check.steps == (f"打开表格 → 右上角「共享」→ 添加 {EMAIL}，权限选「编辑者」（Editor），"
                           "取消勾选「通知对方」→ 发送",)


def test_a_sheet_that_does_not_exist(google):
    config = AppConfig.from_env(os.environ)
    check = setup.check_shared(config, "1ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", EMAIL, timeout=5)
    assert check.line() == "❌ 表格已共享给服务账号：找不到 Google 表格「1ZZZZZZZ…」"
    assert check.steps[0] == "检查 ROI_SOURCE 或 --source 的表格链接；表格被删除或移到了别的账号时，换成现在的链接"


# ---------------------------------------------------------------------------------------------- node and clasp
@pytest.fixture
def tools(tmp_path, monkeypatch):
    """A PATH holding only the scripts a test writes (and sh's own directory for the #! line)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))

    def write(name: str, script: str) -> None:
        path = bin_dir / name
        path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
        path.chmod(0o755)
    return write


@pytest.mark.slow
def test_node_new_enough_old_missing_and_hung(tools):
    assert setup.check_node(platform="linux").steps == (LINUX_NODE, "装好后重新打开终端，再运行本命令")
    tools("node", "echo v16.20.2")
    old = setup.check_node(platform="linux")
    assert old.line() == "❌ Node.js ≥ 18：Node.js v16.20.2 太旧（clasp 需要 18 或更高）"
    assert old.steps == (LINUX_NODE,)
    assert setup.check_node(platform="darwin").steps == ("安装 Node.js 20 LTS：brew install node@20",)
    tools("node", "echo v20.11.1")
    assert setup.check_node(platform="linux").line() == "✅ Node.js ≥ 18：Node.js v20.11.1"
    tools("node", f"exec {SLEEP} 5")
    started = time.monotonic()
    hung = setup.check_node(platform="linux", timeout=0.5)
    assert time.monotonic() - started < 3
    assert hung.line() == "❌ Node.js ≥ 18：node --version 在 0.5 秒内没有结束"


@pytest.mark.slow
def test_clasp_installed_through_npx_or_missing(tools):
    missing, _ = setup.check_clasp()
    assert missing.line() == "❌ clasp：没有找到 clasp（Google 的 Apps Script 命令行工具）"
    assert missing.steps == ("安装 clasp：npm install -g @google/clasp（Linux/macOS 上可能要加 sudo）",)
    # npx without the package: what npm 11 answers to --no (exit 1), no download
    tools("npx", 'echo "npm error npx canceled due to missing packages and no YES option" >&2; exit 1')
    assert not setup.check_clasp()[0].ok
    # npx that has it: the arguments must reach clasp, not npm (npm would print its own version)
    tools("npx", '[ "$*" = "--no -- @google/clasp --version" ] && echo 3.1.3 || echo 11.19.1')
    check, runs = setup.check_clasp()
    assert check.line() == "✅ clasp：3.1.3（npx @google/clasp）" and runs == "npx @google/clasp"
    tools("clasp", "echo 2.4.2")
    check, runs = setup.check_clasp()
    assert check.line() == "✅ clasp：2.4.2（clasp）" and runs == "clasp"


def test_clasp_login_and_script_id(tmp_path):
    home, addon = tmp_path / "home", tmp_path / "addon"
    home.mkdir()
    addon.mkdir()
    login = setup.check_clasp_login(home, addon, "npx @google/clasp")
    assert login.line() == "❌ clasp 已登录：没有找到 ~/.clasprc.json"
    assert login.steps == ("先打开 https://script.google.com/home/usersettings，打开「Google Apps Script API」",
                           "再登录（会打开浏览器，用能编辑这个表格的 Google 账号）：cd sheets/addon && npx @google/clasp login")
    (home / ".clasprc.json").write_text("{}", encoding="utf-8")
    assert setup.check_clasp_login(home, addon).line() == "✅ clasp 已登录：~/.clasprc.json"

    steps = ("在表格里打开 扩展程序 → Apps Script → ⚙ 项目设置，复制「脚本 ID」",
             "cp sheets/addon/.clasp.json.example sheets/addon/.clasp.json，把脚本 ID 填进 \"scriptId\"")
    assert setup.check_script_id(addon).steps == steps
    (addon / ".clasp.json").write_text(json.dumps({"scriptId": "PUT-THE-SCRIPT-ID-OF-YOUR-SHEET-HERE"}), "utf-8")
    placeholder = setup.check_script_id(addon)
    assert placeholder.line() == "❌ 脚本 ID：sheets/addon/.clasp.json 的 scriptId 还不是表格的脚本 ID"
    assert placeholder.steps == steps
    (addon / ".clasp.json").write_text(json.dumps({"scriptId": "1x2y3z4w5v6u7t8s9r0qABCDEFGHIJ", "rootDir": "."}),
                                       "utf-8")
    assert setup.check_script_id(addon).line() == "✅ 脚本 ID：1x2y3z4w5v…（sheets/addon/.clasp.json）"


# ---------------------------------------------------------------------------------------------- the command
@pytest.fixture
def ready(google, https_server, trusted, tools, tmp_path, monkeypatch):
    """Everything in place: the server, a token in the database, the shared sheet, Node, clasp, its login."""
    database = f"sqlite:///{tmp_path / 'roi.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("ROI_SOURCE", SHEET_URL)
    monkeypatch.setenv("ROI_PUBLIC_URL", https_server.url)
    token = TokenStore(database).issue(SHEET_URL, now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    tools("node", "echo v20.11.1")
    tools("clasp", "echo 3.1.3")
    home, addon = tmp_path / "home", tmp_path / "addon"
    home.mkdir()
    addon.mkdir()
    (home / ".clasprc.json").write_text("{}", encoding="utf-8")
    (addon / ".clasp.json").write_text(json.dumps({"scriptId": "1x2y3z4w5v6u7t8s9r0qABCDEFGHIJ"}), "utf-8")
    return {"token": token, "home": home, "addon": addon, "database": database}


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    setup.add_addon_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["addon", "setup", *argv])


@pytest.mark.slow
def test_everything_ready_exits_0_and_prints_no_secret(ready, capsys):
    config = AppConfig.from_env(os.environ)
    code = setup.addon_command(_args("--timeout", "5"), config, platform="linux", home=ready["home"],
                               addon_dir=ready["addon"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    marks = [line.split("：", 1)[0] for line in lines if line[:1] and line[0] in "✅❌⏭"]
    assert marks == ["✅ 服务器地址", "✅ 服务器可访问", "✅ 表格", "✅ 插件令牌", "✅ 服务账号密钥", "✅ 表格已共享给服务账号",
                     "✅ Node.js ≥ 18", "✅ clasp", "✅ clasp 已登录", "✅ 脚本 ID"]
    # a loopback address passes with its warning; reading is not editing: the share step says 编辑者
    assert "   ⚠ 127.0.0.1 是本机或内网地址：Apps Script 从 Google 的服务器访问，连不到它；正式使用请换成公网域名" in lines
    assert "   服务账号还要能写入助手的标签页（月度汇总、数据校验）：共享时请选「编辑者」" in lines
    assert lines[-4:] == ["全部通过。下一步：", "  cd sheets/addon && clasp push --force",
                          "  刷新表格，菜单「ROI 助手 → 连接设置」填入服务器地址和令牌，点「检查并保存」",
                          "  在任意单元格输入 =ROI(\"618活动\")"]
    assert ready["token"] not in out and "PRIVATE KEY" not in out


@pytest.mark.slow
def test_the_first_failure_gets_the_next_step_and_exit_1(ready, capsys):
    """The token revoked, clasp's login gone: both fail, the step printed is the token's (it comes first)."""
    TokenStore(ready["database"]).revoke(SHEET_URL)
    (ready["home"] / ".clasprc.json").unlink()
    config = AppConfig.from_env(os.environ)
    code = setup.addon_command(_args(), config, platform="linux", home=ready["home"], addon_dir=ready["addon"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.split("\n\n", 1)[1].splitlines() == [
        "下一步（先解决「插件令牌」）：",
        "  在服务器上生成令牌（只显示这一次，复制最后一行的 roi_…）：",
        f"  docker compose exec web python -m sheets addon-key --source {KEY}",
        f"  （不用 compose 时：python -m sheets addon-key --source {KEY}）",
        "改好后再运行 python -m sheets addon setup"]
    assert "❌ clasp 已登录：没有找到 ~/.clasprc.json" in out


@pytest.mark.slow
def test_main_in_the_container_skips_clasp(ready, capsys, monkeypatch):
    """What docs/deploy.md runs inside web: no Node there, the server side checked; a password in the
    address is never printed."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["addon", "setup", "--skip-clasp"]) == 0
    out = capsys.readouterr().out
    assert "⏭ Node.js ≥ 18：跳过（--skip-clasp：在推送脚本的电脑上检查）" in out
    assert out.splitlines()[-1] == ("服务器这边都准备好了。下一步：在推送脚本的电脑上装好 Node.js 和 clasp，推送 sheets/addon "
                                    "的脚本（docs/deploy.md 第 7 步；有 Python 时可用 python -m sheets addon setup --clasp-only 检查）")
    port = int(os.environ["ROI_PUBLIC_URL"].rsplit(":", 1)[1])
    assert main(["addon", "setup", "--skip-clasp", "--server", f"https://ops:hunter2@127.0.0.1:{port}"]) == 1
    out = capsys.readouterr().out
    assert "hunter2" not in out and out.splitlines()[-1] == "改好后再运行 python -m sheets addon setup --skip-clasp"


@pytest.mark.slow
def test_clasp_only_on_the_computer_that_pushes(tools, tmp_path, capsys):
    """No token database, no key there: only Node, clasp, its login and the script id are checked."""
    tools("node", "echo v22.3.0")
    tools("npx", '[ "$*" = "--no -- @google/clasp --version" ] && echo 3.1.3')
    home, addon = tmp_path / "home", tmp_path / "addon"
    home.mkdir()
    addon.mkdir()
    (addon / ".clasprc.json").write_text("{}", encoding="utf-8")  # a project-local login counts too
    (addon / ".clasp.json").write_text(json.dumps({"scriptId": "1x2y3z4w5v6u7t8s9r0qABCDEFGHIJ"}), "utf-8")
    code = setup.addon_command(_args("--clasp-only"), AppConfig(), platform="linux", home=home, addon_dir=addon)
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[:6] == [f"⏭ {t}：跳过（--clasp-only：在服务器上检查）" for t in setup.SERVER_CHECKS]
    assert lines[6:10] == ["✅ Node.js ≥ 18：Node.js v22.3.0", "✅ clasp：3.1.3（npx @google/clasp）",
                           f"✅ clasp 已登录：{addon / '.clasprc.json'}", "✅ 脚本 ID：1x2y3z4w5v…（sheets/addon/.clasp.json）"]
    assert lines[-4:-2] == ["推送脚本的条件都具备。下一步：", "  cd sheets/addon && npx @google/clasp push --force"]


@pytest.mark.parametrize("argv, first", [
    (["--server", "roi.example.com"], "❌ --server「roi.example.com」不是网址"),
    (["--source", "team.xlsx"], "❌ --source「team.xlsx」不是 Google 表格的链接或 ID"),
    (["--timeout", "0"], "❌ --timeout「0」应大于 0"),
])
def test_options_that_cannot_be_used_exit_2(argv, first, capsys):
    assert main(["addon", "setup", *argv]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == first and err[1].startswith("提示：")


def test_a_bad_setting_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("SHEET_CACHE_TTL", "soon")
    assert main(["addon", "setup"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == "❌ SHEET_CACHE_TTL「soon」不是有效的数字"
