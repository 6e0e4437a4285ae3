"""A loopback fake of the Slack Web API (the methods the ROI bot uses), plus
response_url hooks and the files v2 upload URL, for tests that run the REAL
slack_sdk / slack_bolt code with no internet.

Quick start::

    from slack_sdk import WebClient
    from tests.fakes.slack_api import FakeSlackAPI

    with FakeSlackAPI() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)   # ends with /api/
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls("chat.postMessage")[0]["args"]["text"] == "hi"

Endpoints: ``POST|GET /api/<method>`` (form-encoded, JSON or query args),
``POST /upload/<file_id>`` (the upload_url handed out by files.getUploadURLExternal)
and ``POST /hooks/<anything>`` (response_url / incoming webhooks; recorded as
method "response_url"). Tokens are never recorded, only whether one was sent.

The fake refuses what Slack refuses: every chat.postMessage, chat.update,
chat.postEphemeral, files.completeUploadExternal (its ``blocks`` / ``initial_comment``)
and response_url POST goes through :func:`render.contract.check_message` (Slack's Block Kit
schema from ``@slack/types`` plus the reference's limits). A refused call is answered as
Slack answers it (``{"ok": false, "error": "invalid_blocks", "errors": [...]}``; HTTP 400
``invalid_blocks`` on a response_url), is not applied, is listed in ``refusals``, and --
unless the test called :meth:`FakeSlackAPI.expect_refusals` -- fails the test at teardown
(the ``slack_api`` fixture asserts ``errors`` is empty).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any
from urllib.parse import quote, unquote, urlencode

from render.contract import check_message, slack_error

from ._server import LoopbackServer, Request, Response

__all__ = ["FakeSlackAPI", "SlackRefusal", "slack_signed_headers", "slash_command_body", "event_body"]

TEAM_ID = "T1"
BOT_USER_ID = "UBOT"
BOT_ID = "B1"

#: methods whose arguments are a message Slack checks before posting it
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")


class SlackRefusal(AssertionError):
    """A call the real Slack would have refused (kept in ``FakeSlackAPI.errors`` when strict)."""


class FakeSlackAPI(LoopbackServer):
    """Fake Slack Web API on 127.0.0.1.

    :param token: if given, calls with another token get ``invalid_auth``.
    :param require_auth: calls to /api/ without any token get ``not_authed``.
    :param strict: a message Slack would refuse is also put in ``errors``, so the
        ``slack_api`` fixture fails the test that sent it (see :meth:`expect_refusals`).
    """

    def __init__(self, *, token: str | None = None, require_auth: bool = True, strict: bool = True) -> None:
        super().__init__()
        self._token = token
        self.require_auth = require_auth
        self.strict = strict
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self.reset()

    # ------------------------------------------------------------------ test API
    @property
    def api_url(self) -> str:
        """``WebClient(base_url=...)`` value: ``http://127.0.0.1:PORT/api/`` (trailing slash!)."""
        return self.url + "/api/"

    def response_url(self, path: str = "commands/T1/1/x") -> str:
        """A response_url that points at this fake (``/hooks/<path>``)."""
        return f"{self.url}/hooks/{path.lstrip('/')}"

    def reset(self) -> None:
        """Forget calls, messages, files and every fault injection."""
        with self._lock:
            self._calls: list[dict] = []
            self._messages: list[dict] = []  # chat.postMessage / chat.update state
            self._ephemeral: list[dict] = []
            self.files: dict[str, dict] = {}  # file_id -> filename, length, content, title, channel...
            self._fail_rules: list[dict] = []
            self._missing_scope: dict[str, str] = {}  # method prefix -> needed scope
            self._ts = itertools.count(1)
            self._file_ids = itertools.count(1)
            #: calls refused by the message contract: method, path, error, reasons (oldest first)
            self.refusals: list[dict] = []

    def expect_refusals(self) -> FakeSlackAPI:
        """This test sends messages Slack refuses on purpose: they are still refused and
        listed in ``refusals``, but no longer fail the test at teardown."""
        self.strict = False
        return self

    def calls(self, method: str | None = None) -> list[dict]:
        """Recorded calls, oldest first: dicts with ``method`` (e.g. "chat.postMessage",
        "upload", "response_url"), ``args`` (form/JSON/query arguments merged; for
        response_url the JSON body), ``json`` (True if the body was JSON), ``path``,
        ``headers`` (content_type, has_auth, user_agent), ``status``, ``response``
        (the JSON answered, if any), ``time``, and ``refused`` (``{"error", "reasons"}``
        when the message contract refused the call, else None)."""
        with self._lock:
            out = list(self._calls)
        return out if method is None else [c for c in out if c["method"] == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        """Block until at least ``count`` calls of ``method`` were answered (for
        listeners running on bolt's thread pool); returns them. Raises
        AssertionError with what was seen on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [c for c in self._calls if c["method"] == method and c["status"] is not None]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c["method"] for c in self._calls]
                    raise AssertionError(f"waited {timeout}s for {count} x {method}, got {len(got)}; "
                                         f"calls seen: {seen}")
                self._cond.wait(min(left, 0.05))

    def messages(self, channel: str | None = None) -> list[dict]:
        """Current state of posted messages (after chat.update edits), oldest first."""
        with self._lock:
            return [dict(m) for m in self._messages if channel is None or m["channel"] == channel]

    def ephemeral_messages(self, channel: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self._ephemeral if channel is None or m["channel"] == channel]

    def fail_next(self, method: str, n: int = 1, error: str = "ratelimited", status: int = 429,
                  retry_after: int | None = 1) -> None:
        """The next ``n`` calls of ``method`` ("chat.postMessage", "upload",
        "response_url", ...; "*" = any) fail. status 429 answers like Slack's rate
        limiter (``{"ok": false, "error": "ratelimited"}`` + ``Retry-After``); status
        200 answers ``{"ok": false, "error": error}`` (e.g. "channel_not_found",
        "not_in_channel"); any other status is a bare HTTP error. The call is NOT
        applied. Tip: retry_after=0 keeps slack_sdk's retry handler fast (it sleeps
        Retry-After + random 0..1 s)."""
        with self._lock:
            self._fail_rules.append({"method": method, "n": n, "error": error, "status": status,
                                     "retry_after": retry_after})

    def set_missing_scope(self, prefix: str = "files.", needed: str = "files:write") -> None:
        """Methods starting with ``prefix`` answer
        ``{"ok": false, "error": "missing_scope", "needed": needed}`` until cleared."""
        with self._lock:
            self._missing_scope[prefix] = needed

    def clear_missing_scope(self) -> None:
        with self._lock:
            self._missing_scope.clear()

    # ------------------------------------------------------------------ HTTP
    def handle(self, request: Request) -> Response:
        path = unquote(request.raw_path)
        ctype = request.headers.get("content-type", "")
        args: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in request.query.items()}
        is_json = False
        body_text: str | None = None
        if path.startswith("/upload/"):
            method = "upload"
        elif path.startswith("/files-pri/"):
            method = "file_download"
        elif path.startswith("/hooks/"):
            method = "response_url"
        elif path.startswith("/api/"):
            method = path[len("/api/"):]
        else:
            method = "unknown"
        if method not in ("upload", "file_download"):
            if "application/json" in ctype:
                is_json = True
                try:
                    parsed = json.loads(request.body.decode("utf-8") or "null")
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    args.update(parsed)
            elif "multipart/form-data" in ctype:
                args["_multipart_bytes"] = len(request.body)
            elif request.body:
                body_text = request.body.decode("utf-8", "replace")
                for k, v in _parse_form(body_text).items():
                    args[k] = v
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else str(args.pop("token", "") or "")
        args.pop("token", None)
        call = {
            "method": method,
            "path": path,
            "args": args,
            "json": is_json,
            "headers": {
                "content_type": ctype,
                "has_auth": bool(token),
                "user_agent": request.headers.get("user-agent", ""),
            },
            "status": None,
            "response": None,
            "time": time.time(),
            "refused": None,
        }
        if method == "upload":
            call["args"] = {"file_id": path[len("/upload/"):], "size": len(request.body)}
        with self._lock:
            self._calls.append(call)
            resp = self._dispatch(method, args, token, request, call)
            call["status"] = resp.status
            if resp.headers.get("Content-Type", "").startswith("application/json"):
                call["response"] = json.loads(resp.body)
            self._cond.notify_all()
        return resp

    def _take_fail(self, method: str) -> dict | None:
        for rule in self._fail_rules:
            if rule["method"] in (method, "*") and rule["n"] > 0:
                rule["n"] -= 1
                if rule["n"] == 0:
                    self._fail_rules.remove(rule)
                return rule
        return None

    def _dispatch(self, method: str, args: dict, token: str, request: Request, call: dict) -> Response:
        fail = self._take_fail(method)
        if fail:
            headers = {}
            if fail["status"] == 429 and fail["retry_after"] is not None:
                headers["Retry-After"] = str(fail["retry_after"])
            if fail["status"] in (200, 429) and method not in ("upload", "response_url"):
                return Response.json({"ok": False, "error": fail["error"]}, fail["status"], headers)
            return Response.text(fail["error"], fail["status"] if fail["status"] != 200 else 500, headers)
        if method == "upload":
            return self._upload(call["args"]["file_id"], request.body)
        if method == "file_download":
            return self._download(call["path"], token)
        if method == "response_url":
            refused = self._refuse(method, args, call)
            if refused:  # a response_url answers a refusal with HTTP 400 and the bare error code
                return Response.text(refused["error"], 400)
            return Response.text("ok")
        if method == "unknown":
            return Response.text("not found", 404)
        if self.require_auth and not token:
            return Response.json({"ok": False, "error": "not_authed"})
        if self._token is not None and token != self._token:
            return Response.json({"ok": False, "error": "invalid_auth"})
        for prefix, needed in self._missing_scope.items():
            if method.startswith(prefix):
                return Response.json({"ok": False, "error": "missing_scope", "needed": needed,
                                      "provided": "chat:write,commands"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return Response.json({"ok": False, "error": "unknown_method"})
        refused = self._refuse(method, args, call)
        if refused:
            body = {"ok": False, "error": refused["error"]}
            if refused["error"].startswith("invalid_blocks"):  # Slack lists what is wrong with the blocks
                body["errors"] = refused["reasons"]
                body["response_metadata"] = {"messages": [f"[ERROR] {r}" for r in refused["reasons"]]}
            return Response.json(body)
        result = handler(args)
        return Response.json(result, headers={"X-Slack-Req-Id": f"fake-{len(self._calls)}"})

    def _refuse(self, method: str, args: dict, call: dict) -> dict | None:
        """Check a message with the contract; on a refusal record it and return it."""
        if method in MESSAGE_METHODS:
            payload = args
            if method == "response_url" and isinstance(args.get("payload"), str):
                payload = self._jsonish(args["payload"])  # an incoming webhook's form-encoded payload=
                payload = payload if isinstance(payload, dict) else {"text": args["payload"]}
            reasons = check_message(payload)
        elif method == "files.completeUploadExternal":
            payload = {"blocks": args.get("blocks"), "text": args.get("initial_comment")}
            reasons = check_message(payload, require_content=False)
        else:
            return None
        if not reasons:
            return None
        refused = {"error": slack_error(reasons), "reasons": [str(r) for r in reasons]}
        call["refused"] = refused
        self.refusals.append({"method": method, "path": call["path"], **refused})
        if self.strict:
            self.errors.append(SlackRefusal(f"Slack would refuse {method} ({refused['error']}): "
                                            + "; ".join(refused["reasons"])))
        return refused

    # ------------------------------------------------------------------ methods
    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1700000000 + n * 100 // 1_000_000}.{(n * 100) % 1_000_000:06d}"

    @staticmethod
    def _jsonish(v: Any) -> Any:
        """slack_sdk sends blocks/attachments as JSON strings in form bodies."""
        if isinstance(v, str) and v[:1] in "[{":
            try:
                return json.loads(v)
            except ValueError:
                return v
        return v

    def _m_auth_test(self, a: dict) -> dict:
        return {"ok": True, "url": "https://fake-team.slack.com/", "team": "Fake Team", "user": "roi-bot",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _m_chat_postMessage(self, a: dict) -> dict:
        channel = a.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (a.get("text") or a.get("blocks") or a.get("attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        msg = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts, "text": a.get("text") or ""}
        for k in ("blocks", "attachments", "thread_ts", "metadata"):
            if a.get(k) is not None:
                msg[k] = self._jsonish(a[k])
        self._messages.append({"channel": channel, **msg})
        return {"ok": True, "channel": channel, "ts": ts, "message": msg}

    def _m_chat_update(self, a: dict) -> dict:
        channel, ts = a.get("channel"), a.get("ts")
        for m in self._messages:
            if m["channel"] == channel and m["ts"] == ts:
                if a.get("text") is not None:
                    m["text"] = a["text"]
                for k in ("blocks", "attachments"):
                    if a.get(k) is not None:
                        m[k] = self._jsonish(a[k])
                m["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
                msg = {k: v for k, v in m.items() if k != "channel"}
                return {"ok": True, "channel": channel, "ts": ts, "text": m["text"], "message": msg}
        return {"ok": False, "error": "message_not_found"}

    def _m_chat_postEphemeral(self, a: dict) -> dict:
        if not a.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not a.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        ts = self._next_ts()
        self._ephemeral.append({"channel": a["channel"], "user": a["user"], "ts": ts,
                                "text": a.get("text") or "", "blocks": self._jsonish(a.get("blocks"))})
        return {"ok": True, "message_ts": ts}

    def _m_chat_delete(self, a: dict) -> dict:
        for m in self._messages:
            if m["channel"] == a.get("channel") and m["ts"] == a.get("ts"):
                self._messages.remove(m)
                return {"ok": True, "channel": m["channel"], "ts": m["ts"]}
        return {"ok": False, "error": "message_not_found"}

    def _m_conversations_info(self, a: dict) -> dict:
        ch = a.get("channel")
        if not ch:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {"id": ch, "name": f"channel-{ch.lower()}", "is_channel": True,
                                        "is_private": False, "is_member": True, "is_archived": False}}

    def _m_users_info(self, a: dict) -> dict:
        u = a.get("user") or "U1"
        return {"ok": True, "user": {"id": u, "team_id": TEAM_ID, "name": f"user-{u.lower()}",
                                     "real_name": f"User {u}", "tz": "Asia/Shanghai", "is_bot": u == BOT_USER_ID}}

    def _m_files_getUploadURLExternal(self, a: dict) -> dict:
        if not a.get("filename"):
            return {"ok": False, "error": "invalid_arguments"}
        try:
            length = int(a.get("length"))
        except (TypeError, ValueError):
            return {"ok": False, "error": "invalid_arguments"}
        fid = f"F{next(self._file_ids):07d}"
        self.files[fid] = {"id": fid, "filename": a["filename"], "length": length, "content": None,
                           "alt_txt": a.get("alt_txt"), "completed": False}
        return {"ok": True, "upload_url": f"{self.url}/upload/{fid}", "file_id": fid}

    def _upload(self, fid: str, data: bytes) -> Response:
        f = self.files.get(fid)
        if f is None:
            return Response.text("file not found", 404)
        f["content"] = data
        return Response.text(f"OK - {len(data)}")

    # files a person shared (the file_shared event, https://api.slack.com/events/file_shared: {type, channel_id,
    # file_id, user_id, file: {id}, event_ts}), read back as the bot reads them. files.info
    # (https://api.slack.com/methods/files.info) answers {"ok": true, "file": {id, created, timestamp, name, title,
    # mimetype, filetype, pretty_type, user, size, url_private, url_private_download, permalink, channels, …}}
    # (the File type of @slack/web-api's FilesInfoResponse). url_private serves the bytes only with
    # "Authorization: Bearer <token>" of a token with files:read (Slack's "Important changes to files in the
    # Web API", 2015); without it Slack answers 200 with its HTML sign-in page, not the file, so the fake does too.
    def add_shared_file(self, name: str, content: bytes, *, user: str = "U0PERSON", channel: str = "C1",
                        filetype: str | None = None) -> str:
        """A file a person shared in ``channel``; returns its id (for the file_shared event)."""
        with self._lock:
            fid = f"F{next(self._file_ids):07d}"
            self.files[fid] = {"id": fid, "filename": name, "length": len(content), "content": content,
                               "completed": True, "title": name, "user": user, "channels": [channel],
                               "filetype": filetype or name.rsplit(".", 1)[-1].lower()}
            return fid

    def _m_files_info(self, a: dict) -> dict:
        f = self.files.get(str(a.get("file") or ""))
        if f is None or f["content"] is None:
            return {"ok": False, "error": "file_not_found"}
        private = f"{self.url}/files-pri/{TEAM_ID}-{f['id']}/{quote(f['filename'])}"
        return {"ok": True, "file": {
            "id": f["id"], "created": 1700000000, "timestamp": 1700000000, "name": f["filename"],
            "title": f.get("title") or f["filename"], "mimetype": "application/octet-stream",
            "filetype": f.get("filetype", ""), "pretty_type": f.get("filetype", "").upper(),
            "user": f.get("user", BOT_USER_ID), "size": f["length"], "url_private": private,
            "url_private_download": private + "?download=1",
            "permalink": f"https://fake-team.slack.com/files/{f.get('user', BOT_USER_ID)}/{f['id']}/{f['filename']}",
            "channels": f.get("channels") or [], "is_external": False}}

    def _download(self, path: str, token: str) -> Response:
        fid = path[len("/files-pri/"):].split("/", 1)[0].split("-", 1)[-1]
        f = self.files.get(fid)
        if not token or (self._token is not None and token != self._token):
            return Response(200, b"<!DOCTYPE html><html><body>Sign in to Slack</body></html>",
                            {"Content-Type": "text/html; charset=utf-8"})
        if f is None or f["content"] is None:
            return Response.text("file not found", 404)
        return Response(200, f["content"], {"Content-Type": "application/octet-stream"})

    def _m_files_completeUploadExternal(self, a: dict) -> dict:
        files = self._jsonish(a.get("files"))
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        out = []
        for item in files:
            f = self.files.get(item.get("id"))
            if f is None or f["content"] is None:
                return {"ok": False, "error": "file_not_found"}
            if len(f["content"]) != f["length"]:
                return {"ok": False, "error": "file_upload_size_mismatch"}
        for item in files:
            f = self.files[item["id"]]
            f.update(completed=True, title=item.get("title") or f["filename"], channel_id=a.get("channel_id"),
                     channels=a.get("channels"), initial_comment=a.get("initial_comment"),
                     thread_ts=a.get("thread_ts"))
            out.append({"id": f["id"], "name": f["filename"], "title": f["title"], "size": f["length"],
                        "permalink": f"https://fake-team.slack.com/files/{BOT_USER_ID}/{f['id']}/{f['filename']}",
                        "url_private": f"{self.url}/files-pri/{f['id']}/{f['filename']}"})
        return {"ok": True, "files": out}


def _parse_form(text: str) -> dict[str, Any]:
    from urllib.parse import parse_qs

    return {k: (v[0] if len(v) == 1 else v) for k, v in parse_qs(text, keep_blank_values=True).items()}


# ----------------------------------------------------------------------------------
# helpers to drive a bolt app like Slack does
# ----------------------------------------------------------------------------------
def slack_signed_headers(secret: str, body: str | bytes, timestamp: int | str | None = None,
                         content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    """Headers Slack would send with ``body``: X-Slack-Request-Timestamp and
    X-Slack-Signature (``v0=`` HMAC-SHA256 of ``v0:{ts}:{body}``), plus Content-Type.
    Sign the EXACT bytes you post. ``timestamp`` defaults to now (bolt rejects
    timestamps older than 5 minutes)."""
    from slack_sdk.signature import SignatureVerifier

    ts = str(int(time.time()) if timestamp is None else timestamp)
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    sig = SignatureVerifier(signing_secret=secret).generate_signature(timestamp=ts, body=text)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": content_type}


def slash_command_body(text: str = "", *, command: str = "/roi", response_url: str = "",
                       user_id: str = "U1", channel_id: str = "C1", team_id: str = TEAM_ID,
                       trigger_id: str = "111.222.abc", **extra: str) -> str:
    """A form-encoded slash command payload (what Slack POSTs for ``/roi text``)."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "fake-team",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": "tester",
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
        **extra,
    }
    return urlencode(fields)


def event_body(event: dict, *, team_id: str = TEAM_ID, event_id: str = "Ev1") -> str:
    """A JSON Events API envelope around ``event`` (post with content_type
    application/json in slack_signed_headers)."""
    return json.dumps({
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True}],
    })


def without_backoff(client):
    """``client`` (a slack_sdk WebClient) with its connection-error and 5xx retry handlers retrying
    at once: the same handlers and retry counts, no backoff sleep (slack_sdk's default waits 0.5 s,
    1 s, 2 s ... plus jitter). The 429 handler always waits Retry-After plus up to 1 s of jitter, so
    a test of it gives ``fail_next(..., retry_after=0)``. Returns ``client``."""
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
    from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

    for handler in client.retry_handlers:
        if not isinstance(handler, RateLimitErrorRetryHandler):
            handler.interval_calculator = FixedValueRetryIntervalCalculator(0.0)
    return client
