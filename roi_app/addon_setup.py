"""``python -m sheets addon setup``: every prerequisite of the Google Sheets add-on checked in order.

    python -m sheets addon setup [--server URL] [--source SHEET] [--skip-clasp | --clasp-only] [--timeout S]

Each check prints one line, ✅ or ❌ (⏭ when an earlier failure makes it meaningless), and the first
failure is followed by 下一步: the exact command or click that fixes it. The checks, in order:

1. 服务器地址: ``--server`` or ROI_PUBLIC_URL is ``https://`` with no user name or password in it
   (the add-on sends the sheet's token to it; Apps Script fetches from Google's servers);
2. 服务器可访问: ``GET <server>/healthz`` answers ROI 助手's own health JSON (connecting within 5 s, no
   read waiting past ``--timeout``), with a certificate the machine trusts and no redirect (the add-on
   follows none);
3. 表格: the data source (``--source`` or ROI_SOURCE) is a Google Sheet;
4. 插件令牌: the token store (DATABASE_URL) holds a token for that sheet;
5. 服务账号密钥: GOOGLE_SERVICE_ACCOUNT_JSON is a usable service-account key;
6. 表格已共享给服务账号: the sheet's metadata is read through gspread with that key;
7. Node.js ≥ 18, 8. clasp (``clasp --version``, else ``npx --no -- @google/clasp --version``: a copy npx
   already has, nothing downloaded),
9. clasp 已登录 (``~/.clasprc.json``), 10. 脚本 ID (``sheets/addon/.clasp.json``): the computer that
   pushes the script. ``--skip-clasp`` leaves 7-10 out (the server's container has no Node),
   ``--clasp-only`` 1-6 (the computer that pushes the script has no token database).

The command lives here, beside ``roi_app.addon_key`` (the tokens' command), because it reads the token
store and the settings; ``sheets/__main__.py`` only registers it.

Exit 0 when every check passed, 1 when one failed, 2 when an option cannot be used (``--server`` that
is not an address, ``--source`` that is not a Google Sheet) or a setting is bad. No secret is printed:
not the token (only its SHA-256 is stored), not the key, not a password in an address.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from roi_core.errors import RoiError
from roi_runtime.config import REPO_ROOT, ConfigError

ADDON_DIR = REPO_ROOT / "sheets" / "addon"  # the Apps Script project clasp pushes
MIN_NODE = 18
DEFAULT_TIMEOUT = 10.0  # seconds: the health check's read deadline and each tool's run
COMPOSE_EXEC = "docker compose exec web"
CLASP_INSTALL = "npm install -g @google/clasp"
NODE_INSTALL = {  # Node.js 20 LTS, the command for each system
    "linux": "curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt-get install -y nodejs",
    "darwin": "brew install node@20",
    "win32": "winget install OpenJS.NodeJS.LTS",
}
_PLACEHOLDER_SCRIPT_ID = "PUT-THE-SCRIPT-ID-OF-YOUR-SHEET-HERE"


@dataclass(frozen=True)
class Check:
    """One prerequisite's outcome: ``ok`` True/False, or None when skipped; ``steps`` fix a failure."""

    title: str
    ok: bool | None
    detail: str = ""
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # warnings that do not fail the check

    def line(self) -> str:
        mark = {True: "✅", False: "❌", None: "⏭"}[self.ok]
        return f"{mark} {self.title}：{self.detail}" if self.detail else f"{mark} {self.title}"


def _pass(title: str, detail: str, *notes: str) -> Check:
    return Check(title, True, detail, notes=tuple(notes))


def _fail(title: str, detail: str, *steps: str) -> Check:
    return Check(title, False, detail, tuple(steps))


def _skip(title: str, why: str = "先解决上面的问题") -> Check:
    return Check(title, None, f"跳过（{why}）")


# ---------------------------------------------------------------------------------------------- the server
def shown_url(url: str) -> str:
    """``url`` as it may be printed: a user name and password replaced by ``***``."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", r"\1***@", url.strip())


def _private_host(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


def check_server_url(url: str | None) -> Check:
    """The add-on's server address: present, ``https://``, no credentials, no query or fragment."""
    title = "服务器地址"
    if not url:
        return _fail(title, "没有设置（--server 或 ROI_PUBLIC_URL）",
                     "在 .env 里写 ROI_DOMAIN=你的域名（例如 roi.example.com），再运行 docker compose up -d："
                     "compose 会设置 ROI_PUBLIC_URL=https://你的域名",
                     "或者直接给出地址：python -m sheets addon setup --server https://roi.example.com")
    parts = urlsplit(url.strip())
    shown = shown_url(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return _fail(title, f"{shown} 里带了用户名或密码",
                     "地址里只写 https://主机名（例如 https://roi.example.com）：表格插件只用令牌认证，"
                     "地址里的密码会被 Apps Script 明文保存在表格里")
    if parts.scheme.lower() != "https":
        return _fail(title, f"{shown} 不是 https 地址",
                     "表格插件只连 https:// 地址（http 会把令牌明文发出去）：在 .env 里写 ROI_DOMAIN=你的域名，"
                     "compose 里的 Caddy 会为它自动申请证书，然后用 https://你的域名")
    if parts.query or parts.fragment:
        return _fail(title, f"{shown} 带了 ? 或 # 后面的部分", "只写服务器的根地址，例如 https://roi.example.com")
    host = parts.hostname or ""
    if _private_host(host):
        return _pass(title, shown, f"⚠ {host} 是本机或内网地址：Apps Script 从 Google 的服务器访问，连不到它；"
                                   "正式使用请换成公网域名")
    return _pass(title, shown)


def check_reachable(url: str, timeout: float = DEFAULT_TIMEOUT) -> Check:
    """``GET <url>/healthz`` answers ROI 助手's health JSON over verified TLS, with no redirect (the add-on
    follows none): the connection made within min(5, ``timeout``) seconds, no read waiting longer than
    ``timeout``. The certificate is checked against the system's CAs
    (or REQUESTS_CA_BUNDLE), as Google checks it."""
    import requests

    title = "服务器可访问"
    base = url.strip().rstrip("/")
    probe = shown_url(base) + "/healthz"
    parts = urlsplit(base)
    where = f"{parts.hostname}:{parts.port or 443}"
    logs = "看日志：docker compose logs --tail 50 web caddy"
    try:
        response = requests.get(base + "/healthz", timeout=(min(5.0, timeout), timeout), allow_redirects=False,
                                headers={"Accept": "application/json"})
    except requests.exceptions.SSLError:
        return _fail(title, f"{where} 的 https 证书不被信任（自签名、过期或与域名不符）",
                     "Apps Script 只接受公开可信的证书：用 compose 里的 Caddy（自动申请 Let's Encrypt 证书），"
                     "并确认 ROI_DOMAIN 的 DNS 指向这台服务器、80 和 443 端口对外开放",
                     logs)
    except requests.exceptions.ReadTimeout:
        return _fail(title, f"{probe} 在 {timeout:g} 秒内没有回答", logs)
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as err:
        if "NameResolution" in repr(err) or "Name or service not known" in repr(err):
            return _fail(title, f"域名 {parts.hostname} 解析不到",
                         f"在域名服务商处给 {parts.hostname} 加一条 A 记录，指向这台服务器的公网 IP；"
                         "生效后再运行本命令")
        return _fail(title, f"连不上 {where}",
                     "在服务器上运行 docker compose up -d，再用 docker compose ps 确认 caddy 和 web 都在运行；"
                     "云服务器的安全组或防火墙要放行 80 和 443 端口",
                     logs)
    except requests.exceptions.RequestException as err:
        return _fail(title, f"请求 {probe} 失败（{type(err).__name__}）", logs)
    status = response.status_code
    if 300 <= status < 400:
        target = shown_url(response.headers.get("Location", "")) or "（没有 Location）"
        return _fail(title, f"{probe} 回答了重定向（HTTP {status} → {target}）",
                     "表格插件不跟随重定向：把服务器地址改成最终的 https 地址（--server 或 .env 的 ROI_DOMAIN）")
    if status in (502, 503, 504):
        return _fail(title, f"{probe} 回答 HTTP {status}：前置代理在运行，但 web 服务没有就绪",
                     logs + "（常见原因：.env 里缺 ROI_WEB_SECRET，或数据库还没启动）")
    try:
        body = response.json()
    except ValueError:
        body = None
    if status != 200 or not isinstance(body, dict) or body.get("app") != "roi-assistant":
        return _fail(title, f"{probe} 回答 HTTP {status}，但不是 ROI 助手",
                     "检查地址：应是 ROI 助手服务器的根地址（例如 https://roi.example.com），"
                     "打开 地址/healthz 应看到 {\"app\": \"roi-assistant\", \"ok\": true}")
    return _pass(title, f"{probe} 回答正常")


# ---------------------------------------------------------------------------------------------- the sheet
def check_sheet(location: str) -> Check:
    """The data source is a Google Sheet (the add-on lives in one)."""
    from sheets import google_key

    key = google_key(location)
    if key is None:
        return _fail("表格", f"数据源「{location}」不是 Google 表格",
                     "在 .env 里写 ROI_SOURCE=https://docs.google.com/spreadsheets/d/<表格ID>/edit，"
                     "再运行 docker compose up -d（或给本命令加 --source 表格链接）")
    return _pass("表格", f"Google 表格 {key}")


def check_token(database_url: str | None, database: str, location: str) -> Check:
    """The token store (``database``, the SQLAlchemy URL of DATABASE_URL) holds a token for ``location``."""
    from sqlalchemy.exc import SQLAlchemyError

    from roi_app.stores.tokens import TokenStore, source_id
    from roi_runtime.db import database_error, describe

    title = "插件令牌"
    key = source_id(location)
    try:
        infos = [info for info in TokenStore(database).list_tokens() if info.source == key]
    except SQLAlchemyError as err:
        problem = database_error(err, database)
        return _fail(title, f"读不了令牌所在的数据库（{problem.message}）", problem.hint or "检查 DATABASE_URL")
    if infos:
        return _pass(title, f"这个表格已有令牌（{infos[-1].created_at:%Y-%m-%d %H:%M} UTC 生成，"
                            f"存于 {describe(database)}）")
    steps = ["在服务器上生成令牌（只显示这一次，复制最后一行的 roi_…）：",
             f"{COMPOSE_EXEC} python -m sheets addon-key --source {shlex.quote(key)}",
             f"（不用 compose 时：python -m sheets addon-key --source {shlex.quote(key)}）"]
    if not database_url:
        steps.append("本机没有设置 DATABASE_URL：令牌在服务器的数据库里，请在服务器上检查："
                     f"{COMPOSE_EXEC} python -m sheets addon setup --skip-clasp")
    return _fail(title, f"{describe(database)} 里没有这个表格的令牌", *steps)


def check_service_account(value: str | None) -> tuple[Check, str | None]:
    """GOOGLE_SERVICE_ACCOUNT_JSON is a usable key; also its ``client_email`` (not a secret) when it is."""
    from sheets.errors import NotConfigured
    from sheets.google.settings import _credentials, service_account_info

    title = "服务账号密钥"
    if not value:
        return _fail(title, "没有设置 GOOGLE_SERVICE_ACCOUNT_JSON",
                     "在 Google Cloud 控制台 → IAM 和管理 → 服务账号 → 密钥 → 添加密钥 → JSON，"
                     "把下载的文件保存为 secrets/google-service-account.json（compose 会把它交给容器），"
                     "再运行 docker compose up -d",
                     "不用 compose 时：在 .env 里写 GOOGLE_SERVICE_ACCOUNT_JSON=密钥文件的路径"), None
    try:
        info = service_account_info(value)
        _credentials(info)
    except NotConfigured as err:  # its message never quotes the key
        return _fail(title, err.message, err.hint or "从 Google Cloud 控制台重新下载服务账号密钥 JSON"), None
    return _pass(title, info["client_email"]), info["client_email"]


def check_shared(config, location: str, email: str, timeout: float = DEFAULT_TIMEOUT) -> Check:
    """The sheet's title and tabs are read through gspread with the service account, within ``timeout``
    seconds (not from the per-process cache): the sheet is shared with it and Google accepts the key."""
    from sheets import google_key
    from sheets.errors import PermissionDenied, SheetsError, SourceNotFound
    from sheets.google import GoogleSource

    title = "表格已共享给服务账号"
    share = f"打开表格 → 右上角「共享」→ 添加 {email}，权限选「编辑者」（Editor），取消勾选「通知对方」→ 发送"
    try:
        meta = GoogleSource(google_key(location), config, deadline=timeout).metadata(refresh=True)
    except PermissionDenied:
        return _fail(title, f"服务账号 {email} 没有这个表格的权限（HTTP 403）", share)
    except SourceNotFound as err:
        return _fail(title, err.message, "检查 ROI_SOURCE 或 --source 的表格链接；表格被删除或移到了别的账号时，"
                                         "换成现在的链接", share)
    except SheetsError as err:  # the key refused, the Sheets API off, Google down: its own message and fix
        return _fail(title, err.message, err.hint or "稍后再试")
    return _pass(title, f"{email} 能读取「{meta['title']}」（{len(meta['sheets'])} 个标签页）",
             "服务账号还要能写入助手的标签页（月度汇总、数据校验）：共享时请选「编辑者」")


# ---------------------------------------------------------------------------------------------- the tools
Runner = Callable[[Sequence[str], float], tuple[int, str]]


def run_tool(command: Sequence[str], timeout: float) -> tuple[int, str]:
    """Run ``command`` (its first word found on PATH) with a deadline: (exit code, stdout + stderr).
    Raises FileNotFoundError when it is not installed and subprocess.TimeoutExpired past ``timeout``."""
    path = shutil.which(command[0])
    if path is None:
        raise FileNotFoundError(command[0])
    done = subprocess.run([path, *command[1:]], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
    return done.returncode, (done.stdout or "") + (done.stderr or "")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def check_node(run: Runner = run_tool, platform: str = sys.platform, timeout: float = DEFAULT_TIMEOUT) -> Check:
    """``node --version`` answers within ``timeout`` seconds with version 18 or later."""
    title = f"Node.js ≥ {MIN_NODE}"
    install = "安装 Node.js 20 LTS：" + NODE_INSTALL.get(platform, "从 https://nodejs.org/zh-cn/download 下载 LTS 版")
    try:
        code, out = run(["node", "--version"], timeout)
    except FileNotFoundError:
        return _fail(title, "没有找到 node", install, "装好后重新打开终端，再运行本命令")
    except subprocess.TimeoutExpired:
        return _fail(title, f"node --version 在 {timeout:g} 秒内没有结束", install)
    m = re.search(r"v?(\d+)\.(\d+)\.(\d+)", out)
    if code != 0 or m is None:
        return _fail(title, f"node --version 没有给出版本号（退出码 {code}）", install)
    version = f"v{m.group(1)}.{m.group(2)}.{m.group(3)}"
    if int(m.group(1)) < MIN_NODE:
        return _fail(title, f"Node.js {version} 太旧（clasp 需要 {MIN_NODE} 或更高）", install)
    return _pass(title, f"Node.js {version}")


def check_clasp(run: Runner = run_tool, timeout: float = DEFAULT_TIMEOUT) -> tuple[Check, str]:
    """clasp answers ``--version`` within ``timeout`` seconds: installed (``clasp``) or already fetched by
    npx (``npx --no --``: nothing is downloaded here; without ``--`` npx would print npm's own version). Also the command that runs it, for the next steps."""
    title = "clasp"
    for command, runs in ((["clasp", "--version"], "clasp"),
                          (["npx", "--no", "--", "@google/clasp", "--version"], "npx @google/clasp")):
        try:
            code, out = run(command, timeout)
        except FileNotFoundError:
            continue
        except subprocess.TimeoutExpired:
            return _fail(title, f"{' '.join(command)} 在 {timeout:g} 秒内没有结束",
                         f"重新安装 clasp：{CLASP_INSTALL}"), "clasp"
        version = _first_line(out)
        if code == 0 and re.search(r"\d+\.\d+", version):
            return _pass(title, f"{version}（{runs}）"), runs
    return _fail(title, "没有找到 clasp（Google 的 Apps Script 命令行工具）",
                 f"安装 clasp：{CLASP_INSTALL}（Linux/macOS 上可能要加 sudo）"), "clasp"


def check_clasp_login(home: Path, addon_dir: Path = ADDON_DIR, clasp: str = "clasp") -> Check:
    """clasp has credentials: ``~/.clasprc.json``, or a project-local ``.clasprc.json`` beside ``.clasp.json``."""
    for rc in (addon_dir / ".clasprc.json", home / ".clasprc.json"):
        if rc.is_file():
            return _pass("clasp 已登录", f"{_short(rc, home)}")
    return _fail("clasp 已登录", "没有找到 ~/.clasprc.json",
                 "先打开 https://script.google.com/home/usersettings，打开「Google Apps Script API」",
                 f"再登录（会打开浏览器，用能编辑这个表格的 Google 账号）：cd sheets/addon && {clasp} login")


def check_script_id(addon_dir: Path = ADDON_DIR) -> Check:
    """``sheets/addon/.clasp.json`` names the Apps Script project bound to the sheet."""
    title = "脚本 ID"
    path = addon_dir / ".clasp.json"
    steps = ("在表格里打开 扩展程序 → Apps Script → ⚙ 项目设置，复制「脚本 ID」",
             "cp sheets/addon/.clasp.json.example sheets/addon/.clasp.json，把脚本 ID 填进 \"scriptId\"")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _fail(title, "还没有 sheets/addon/.clasp.json", *steps)
    except (OSError, UnicodeDecodeError, ValueError):
        return _fail(title, "sheets/addon/.clasp.json 不是有效的 JSON", *steps)
    script_id = data.get("scriptId") if isinstance(data, dict) else None
    if not isinstance(script_id, str) or script_id == _PLACEHOLDER_SCRIPT_ID \
            or not re.fullmatch(r"[A-Za-z0-9_-]{20,}", script_id):
        return _fail(title, "sheets/addon/.clasp.json 的 scriptId 还不是表格的脚本 ID", *steps)
    return _pass(title, f"{script_id[:10]}…（sheets/addon/.clasp.json）")


def _short(path: Path, home: Path) -> str:
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


# ---------------------------------------------------------------------------------------------- all of it
@dataclass
class Setup:
    """What the checks look at; the defaults are this machine's (tests point them elsewhere)."""

    server: str | None
    location: str
    skip_clasp: bool = False
    clasp_only: bool = False
    timeout: float = DEFAULT_TIMEOUT
    run: Runner = run_tool
    platform: str = sys.platform
    home: Path = field(default_factory=Path.home)
    addon_dir: Path = ADDON_DIR


SERVER_CHECKS = ("服务器地址", "服务器可访问", "表格", "插件令牌", "服务账号密钥", "表格已共享给服务账号")
CLASP_CHECKS = (f"Node.js ≥ {MIN_NODE}", "clasp", "clasp 已登录", "脚本 ID")


def run_checks(config, setup: Setup) -> tuple[list[Check], str]:
    """Every check in order (one that depends on an earlier failure is skipped: ``ok`` None), and the
    command that runs clasp here (``clasp`` or ``npx @google/clasp``; empty when those were skipped)."""
    if setup.clasp_only:
        checks = [_skip(t, "--clasp-only：在服务器上检查") for t in SERVER_CHECKS]
    else:
        checks = _server_checks(config, setup)
    if setup.skip_clasp:
        return checks + [_skip(t, "--skip-clasp：在推送脚本的电脑上检查") for t in CLASP_CHECKS], ""
    clasp_checks, runs = _clasp_checks(setup)
    return checks + clasp_checks, runs


def _server_checks(config, setup: Setup) -> list[Check]:
    checks = [check_server_url(setup.server)]
    checks.append(check_reachable(setup.server, setup.timeout) if checks[0].ok else _skip("服务器可访问"))
    sheet = check_sheet(setup.location)
    checks.append(sheet)
    checks.append(check_token(config.database_url, config.database, setup.location) if sheet.ok
                  else _skip("插件令牌"))
    account, email = check_service_account(config.google_service_account_json)
    checks.append(account)
    checks.append(check_shared(config, setup.location, email, setup.timeout) if sheet.ok and email
                  else _skip("表格已共享给服务账号"))
    return checks


def _clasp_checks(setup: Setup) -> tuple[list[Check], str]:
    node = check_node(setup.run, setup.platform, setup.timeout)
    if node.ok:
        clasp, runs = check_clasp(setup.run, max(setup.timeout, 20.0))  # npx starts slowly
    else:
        clasp, runs = _skip("clasp", "先装好 Node.js"), "npx @google/clasp"
    login = check_clasp_login(setup.home, setup.addon_dir, runs) if clasp.ok else _skip("clasp 已登录")
    return [node, clasp, login, check_script_id(setup.addon_dir)], runs


def report_checks(checks: list[Check], *, clasp: str = "", rerun: str = "python -m sheets addon setup",
                  out=None) -> int:
    """Print each check, then the next step of the first failure (or what to do now); the exit code.
    ``clasp``: the command that runs clasp here, empty when those checks were skipped; ``rerun``: this
    command as typed (with its --skip-clasp or --clasp-only)."""
    out = out or sys.stdout
    for check in checks:
        print(check.line(), file=out)
        for note in check.notes:
            print(f"   {note}", file=out)
    failed = next((c for c in checks if c.ok is False), None)
    if failed is not None:
        print(f"\n下一步（先解决「{failed.title}」）：", file=out)
        for step in failed.steps:
            print(f"  {step}", file=out)
        print(f"改好后再运行 {rerun}", file=out)
        return 1
    if not clasp:
        print("\n服务器这边都准备好了。下一步：在推送脚本的电脑上装好 Node.js 和 clasp，推送 sheets/addon 的脚本"
              "（docs/deploy.md 第 7 步；有 Python 时可用 python -m sheets addon setup --clasp-only 检查）", file=out)
        return 0
    server_skipped = all(c.ok is None for c in checks if c.title in SERVER_CHECKS)
    print("\n推送脚本的条件都具备。下一步：" if server_skipped else "\n全部通过。下一步：", file=out)
    print(f"  cd sheets/addon && {clasp} push --force", file=out)
    print("  刷新表格，菜单「ROI 助手 → 连接设置」填入服务器地址和令牌，点「检查并保存」", file=out)
    print("  在任意单元格输入 =ROI(\"618活动\")", file=out)
    return 0


def add_addon_parser(sub) -> None:
    """``addon setup`` on the ``python -m sheets`` subparsers ``sub``."""
    addon = sub.add_parser("addon", help="表格插件：setup 逐项检查安装条件，并说明下一步")
    steps = addon.add_subparsers(dest="addon_command", required=True)
    setup = steps.add_parser("setup", help="检查服务器、令牌、服务账号、Node 和 clasp，打印下一步")
    setup.add_argument("--server", help="ROI 助手服务器的 https 地址（默认：ROI_PUBLIC_URL）")
    setup.add_argument("--source", help="Google 表格链接/ID（默认：ROI_SOURCE）")
    part = setup.add_mutually_exclusive_group()
    part.add_argument("--skip-clasp", action="store_true",
                      help="不检查 Node 和 clasp（在服务器的容器里运行时用）")
    part.add_argument("--clasp-only", action="store_true",
                      help="只检查 Node 和 clasp（在推送脚本的电脑上运行时用）")
    setup.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                       help=f"每项网络检查和工具最多等几秒（默认 {DEFAULT_TIMEOUT:g}）")


def addon_command(args: argparse.Namespace, config, **setup) -> int:
    """Run ``python -m sheets addon setup``; the exit code (0 all passed, 1 a check failed, 2 bad option).
    ``setup``: overrides of :class:`Setup` (tests)."""
    from sheets import google_key

    try:
        if args.server is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s?#]+", args.server.strip()):
            raise ConfigError(f"--server「{shown_url(args.server)}」不是网址",
                              "写成 https://你的域名，例如 --server https://roi.example.com")
        if args.source is not None and google_key(args.source.strip()) is None:
            raise ConfigError(f"--source「{args.source}」不是 Google 表格的链接或 ID",
                              "复制表格地址栏的链接：https://docs.google.com/spreadsheets/d/<表格ID>/edit")
        if not args.timeout > 0:
            raise ConfigError(f"--timeout「{args.timeout:g}」应大于 0", "写秒数，例如 --timeout 10")
    except RoiError as err:
        from roi_runtime.cli import report

        return report(err)
    checks, clasp = run_checks(config, Setup(server=args.server or config.public_url,
                                             location=(args.source or config.source).strip(),
                                             skip_clasp=args.skip_clasp, clasp_only=args.clasp_only,
                                             timeout=args.timeout, **setup))
    mode = " --skip-clasp" if args.skip_clasp else " --clasp-only" if args.clasp_only else ""
    return report_checks(checks, clasp=clasp, rerun=f"python -m sheets addon setup{mode}")
