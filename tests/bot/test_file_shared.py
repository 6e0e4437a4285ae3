"""A report export shared in the channel (Slack's ``file_shared`` event): files.info, the download with the bot's
token, the import into 导入 and the summary in the channel, through the real slack_sdk against the loopback fake.

Numbers by hand: the 千川 export of tests/sheets/test_imports.py (4 rows read: the 618 campaign's two 单元 on
06-01 summed, 日常投放 on 06-02; the 合计 row on line 7 skipped) → 2 rows imported.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.listeners.files import download, file_shared, import_shared_file
from roi_runtime.config import AppConfig
from sheets.xlsx import XlsxSource
from tests.bot.listeners.conftest import Ack, finish
from tests.bot.listeners.conftest import make_deps as _listener_deps
from tests.fakes.slack_api import FakeSlackAPI
from tests.sheets.test_imports import QIANCHUAN

TOKEN = "xoxb-test-token"
make_deps = _listener_deps  # the listeners' Deps fixture (tests/bot/listeners/conftest.py)


def event(file_id: str, user: str = "U0PERSON") -> dict:
    # the event as Slack documents it (https://api.slack.com/events/file_shared)
    return {"type": "file_shared", "channel_id": "C1", "file_id": file_id, "user_id": user, "file": {"id": file_id},
            "event_ts": "1700000000.000100"}


def config(tmp_path, slack_api) -> AppConfig:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "活动"
    wb.active.append(["活动名称", "渠道", "开始日期", "销售额"])
    wb.save(tmp_path / "team.xlsx")
    return AppConfig(source=str(tmp_path / "team.xlsx"), slack_bot_token=TOKEN, slack_signing_secret="s" * 32,
                     slack_api_url=slack_api.api_url, database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}",
                     chart_png="off")


def test_a_shared_export_is_imported_and_summarised_in_the_channel(tmp_path, slack_api, make_deps):
    cfg = config(tmp_path, slack_api)
    deps = make_deps(cfg)
    fid = slack_api.add_shared_file("千川-0601.csv", QIANCHUAN.encode("gbk"))
    client = WebClient(token=TOKEN, base_url=slack_api.api_url)
    ack = Ack()
    file_shared(ack, {"event_id": "Ev1", "event": event(fid)}, event(fid), client, {"bot_user_id": "UBOT"}, deps=deps)
    assert ack.calls == [{}]
    finish(deps)
    assert slack_api.calls("files.info")[0]["args"]["file"] == fid
    download = slack_api.calls("file_download")[0]
    assert download["headers"]["has_auth"] and download["status"] == 200
    text = slack_api.messages("C1")[-1]["text"]
    assert text.startswith("✅ 已导入「导入」：1 个文件，读取 4 行，新增或更新 2 行，已有 0 行，跳过 1 行")
    assert "合计/总计行 1" in text and "巨量引擎「618大促-直播」" in text and "映射" in text
    rows = XlsxSource(tmp_path / "team.xlsx").read_tabs()["导入"]
    assert [r[3] for r in rows[1:]] == ["618大促-直播", "日常投放"]


def test_own_uploads_images_and_a_token_without_files_read_are_handled(tmp_path, slack_api, make_deps):
    cfg = config(tmp_path, slack_api)
    deps = make_deps(cfg)
    client = WebClient(token=TOKEN, base_url=slack_api.api_url)
    png = slack_api.add_shared_file("chart.png", b"\x89PNG....")
    import_shared_file(event(png), client, deps=deps, bot_user_id="UBOT")
    own = slack_api.add_shared_file("answer.csv", QIANCHUAN.encode("gbk"), user="UBOT")
    import_shared_file(event(own, user="UBOT"), client, deps=deps, bot_user_id="UBOT")
    assert slack_api.messages("C1") == [] and not slack_api.calls("file_download")  # nothing read, nothing said
    # an app installed before it asked for files:read: files.info answers missing_scope; said in one line
    slack_api.set_missing_scope("files.info", "files:read")
    fid = slack_api.add_shared_file("qc.csv", QIANCHUAN.encode("gbk"))
    import_shared_file(event(fid), client, deps=deps, bot_user_id="UBOT")
    assert "files:read" in slack_api.messages("C1")[-1]["text"]
    assert "导入" not in XlsxSource(tmp_path / "team.xlsx").read_tabs()


def test_the_download_needs_the_bot_token_as_slack_does():
    # Slack's file host answers a request without an accepted token with its HTML sign-in page, not the file
    with FakeSlackAPI(token=TOKEN) as strict:
        fid = strict.add_shared_file("qc.csv", b"a,b\n")
        url = WebClient(token=TOKEN, base_url=strict.api_url).files_info(file=fid)["file"]["url_private"]
        assert download(url, TOKEN, hosts=("127.0.0.1",)) == b"a,b\n"
        assert download(url, "xoxb-someone-else", hosts=("127.0.0.1",)) is None
        assert download(url, None, hosts=("127.0.0.1",)) is None
        assert download(url, TOKEN) is None  # not a Slack host: the token is never sent there
        assert strict.calls("file_download")[-1]["headers"]["has_auth"]  # the last one sent was the wrong token
        assert len(strict.calls("file_download")) == 2


class _FullQueue:
    """A work queue past its bound (bot.work_queue.WorkQueue.offer answers None)."""

    def offer(self, fn):
        return None

    def shutdown(self, wait=True):
        return None


def test_a_full_queue_says_so_in_the_channel(tmp_path, slack_api, make_deps):
    from concurrent.futures import ThreadPoolExecutor

    deps = make_deps(config(tmp_path, slack_api))
    deps.executor, deps.notices = _FullQueue(), ThreadPoolExecutor(1)
    fid = slack_api.add_shared_file("qc.csv", QIANCHUAN.encode("gbk"))
    client = WebClient(token=TOKEN, base_url=slack_api.api_url)
    file_shared(Ack(), {"event_id": "Ev2", "event": event(fid)}, event(fid), client, {}, deps=deps)
    deps.notices.shutdown(wait=True)
    assert slack_api.messages("C1")[-1]["text"] == "正忙，请稍后再试：文件没有导入，请稍后再发一次"
    assert not slack_api.calls("files.info")  # nothing read
