"""A report export shared in a channel with the bot (Slack's ``file_shared`` event): imported into 导入.

The event names the file only (``file_id``, https://api.slack.com/events/file_shared); after the ack the
bot asks ``files.info`` for its name, size and ``url_private`` and downloads it with its own token in an
``Authorization: Bearer`` header (the app needs the ``files:read`` scope). Only spreadsheets are read
(.csv .xlsx .xls, by name; an image or a PDF shared in the channel is none of the bot's business), never
the bot's own uploads (its charts, its CSV answers), never more than 20 MB. The import is the application
layer's (``roi_app.imports.run_import``, as the console and the add-on run it); the reply in the channel is
its summary: what was imported, what was skipped and why, which campaigns need a 映射 row.
"""

from __future__ import annotations

import logging
import urllib.request
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.listeners import bind, busy_text
from roi_app.imports import Upload, run_import, summary_lines
from roi_core import RoiError
from sheets.imports import MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)

SPREADSHEETS = (".csv", ".xlsx", ".xls", ".xlsm", ".tsv")
DOWNLOAD_SECONDS = 30
PARSE_SECONDS = 30.0
NO_ACCESS = "❌ 读不到这个文件，没有导入。提示：请管理员给 ROI 助手加上 files:read 权限（manifest.yml）后重新安装"


def file_shared(ack, body, event, client, context, *, deps) -> None:
    """Ack at once; the download and the import run after the ack, once per event (a retry is dropped)."""
    ack()
    if event.get("user_id") and event.get("user_id") == (context or {}).get("bot_user_id"):
        return  # our own upload (a chart, a CSV answer)
    if not deps.later(import_shared_file, event, client, deps=deps, bot_user_id=(context or {}).get("bot_user_id"),
                      body=body):
        deps.notify(busy_in_channel, event, client, deps=deps)


def busy_in_channel(event, client, *, deps) -> None:
    """The work queue is full: said in the channel, so nobody waits for a summary that will not come."""
    if event.get("channel_id"):
        client.chat_postMessage(channel=event["channel_id"], text=f"{busy_text()}：文件没有导入，请稍后再发一次")


def import_shared_file(event, client, *, deps, bot_user_id: str | None = None) -> None:
    """files.info → download → import → one reply in the channel the file was shared in."""
    file_id = event.get("file_id") or (event.get("file") or {}).get("id")
    channel = event.get("channel_id")
    if not file_id or not channel:
        return
    try:
        info = client.files_info(file=file_id).get("file") or {}
    except SlackApiError as err:  # missing_scope: the app was installed before it asked for files:read
        log.warning("files.info refused: %s", err.response.get("error"))
        client.chat_postMessage(channel=channel, text=NO_ACCESS)
        return
    name = str(info.get("name") or info.get("title") or file_id)
    if PurePosixPath(name.lower()).suffix not in SPREADSHEETS:
        return
    if bot_user_id and info.get("user") == bot_user_id:
        return
    if int(info.get("size") or 0) > MAX_UPLOAD_BYTES:
        client.chat_postMessage(channel=channel, text=f"❌ {name}：文件太大（最多 {MAX_UPLOAD_BYTES // 1048576} MB），"
                                                      "没有导入。提示：按月或按账户分开导出，分几次发")
        return
    data = download(info.get("url_private_download") or info.get("url_private") or "", client.token,
                    hosts=_slack_hosts(deps.config))
    if data is None:
        client.chat_postMessage(channel=channel, text=f"❌ {name}：{NO_ACCESS[2:]}")
        return
    if len(data) > MAX_UPLOAD_BYTES:
        client.chat_postMessage(channel=channel, text=f"❌ {name}：文件太大（最多 {MAX_UPLOAD_BYTES // 1048576} MB），没有导入")
        return
    from roi_runtime.workspace import writable_config
    from sheets import open_source

    try:
        config, _note = writable_config(deps.config)
        result = run_import(open_source(config.source, config), [Upload(name, data)], limit=MAX_UPLOAD_BYTES,
                            seconds=PARSE_SECONDS)
        text = "\n".join(summary_lines(result))
    except RoiError as err:  # the sheet unreachable, not configured: said as every answer says it
        text = f"❌ {name} 没有导入：{err.message}" + (f"\n提示：{err.hint}" if err.hint else "")
    client.chat_postMessage(channel=channel, text=text)


def _slack_hosts(config) -> tuple[str, ...]:
    """Where a file may be downloaded with the bot's token: Slack's hosts, and the host of SLACK_API_URL when set."""
    own = urlsplit(getattr(config, "slack_api_url", None) or "").hostname
    return ("slack.com", *((own,) if own else ()))


def download(url: str, token: str | None, limit: int = MAX_UPLOAD_BYTES,
             hosts: tuple[str, ...] = ("slack.com",)) -> bytes | None:
    """The file at ``url_private`` with the bot's token; None when Slack answers with its sign-in page (the
    token lacks files:read), not at all, or the URL is not on one of ``hosts`` (a host or its subdomains): the
    token is never sent anywhere else. Reads at most ``limit`` + 1 bytes."""
    host = (urlsplit(url).hostname or "").lower()
    if not url.startswith(("https://", "http://")) or not token or \
            not any(host == h or host.endswith("." + h) for h in hosts):
        return None
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_SECONDS) as response:  # noqa: S310 - Slack's URL
            if "text/html" in (response.headers.get("Content-Type") or ""):
                return None
            return response.read(limit + 1)
    except OSError as err:
        log.warning("could not download a shared file (%s)", type(err).__name__)
        return None


def register(app: App, deps) -> None:
    app.event("file_shared")(bind(file_shared, deps))
