"""A loopback fake of 飞书's long connection (the WebSocket the official SDK's ``lark.ws.Client`` opens), so the
door's default way in runs end to end with no internet.

The SDK asks ``POST /callback/ws/endpoint`` (served by :class:`tests.fakes.feishu_api.FakeFeishuAPI`, which
answers with :attr:`FakeLongConnection.url`), connects here, and then reads protobuf frames (the SDK's own
``pbbp2.Frame``): :meth:`push` sends one event as a DATA frame and returns what the client answered (for a card
callback, the response with its toast or card). Ping frames from the client are answered with nothing.
"""

from __future__ import annotations

import base64
import json
import queue
import threading
import uuid

from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.sync.server import serve


class FakeLongConnection:
    """One WebSocket endpoint on 127.0.0.1; :meth:`push` an event once the client is connected."""

    def __init__(self) -> None:
        self._server = serve(self._serve, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-feishu-ws")
        self._connected = threading.Event()
        self._conn = None
        self._answers: dict[str, queue.Queue] = {}

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/ws?device_id=dev1&service_id=1"

    def __enter__(self) -> FakeLongConnection:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()

    def wait_connected(self, timeout: float = 20.0) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("the SDK's client never connected")

    def _serve(self, conn) -> None:
        self._conn = conn
        self._connected.set()
        for raw in conn:
            frame = Frame()
            frame.ParseFromString(raw)
            if frame.method != 1:  # a CONTROL frame (ping): nothing to answer here
                continue
            headers = {h.key: h.value for h in frame.headers}
            waiting = self._answers.get(headers.get("message_id", ""))
            if waiting is not None:
                waiting.put(json.loads(frame.payload))

    def push(self, payload: dict, timeout: float = 20.0) -> dict | None:
        """Send ``payload`` (an event or card callback, schema 2.0) as the server does; the client's answer, with
        ``data`` decoded from base64 JSON when it carries one."""
        self.wait_connected()
        message_id = uuid.uuid4().hex
        answer: queue.Queue = queue.Queue()
        self._answers[message_id] = answer
        frame = Frame(SeqID=1, LogID=1, service=1, method=1, payload=json.dumps(payload, ensure_ascii=False).encode())
        for key, value in (("type", "event"), ("message_id", message_id), ("sum", "1"), ("seq", "0"),
                           ("trace_id", "t1")):
            header = frame.headers.add()
            header.key, header.value = key, value
        self._conn.send(frame.SerializeToString())
        response = answer.get(timeout=timeout)
        if response.get("data"):
            response["data"] = json.loads(base64.b64decode(response["data"]))
        return response
