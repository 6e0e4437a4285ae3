"""A loopback fake of an OpenAI-compatible chat-completions endpoint (``POST /v1/chat/completions``), for tests
that run our REAL client code (``roi_app.llm``, over ``requests``) with no model and no internet.

Quick start::

    with FakeChatCompletions(key="sk-test") as fake:
        fake.reply_json({"kind": "campaign", "text": "618活动", ...})
        reader = ModelReader(fake.base_url, "test-model", "sk-test")
        ...
        assert fake.bodies()[0]["model"] == "test-model"

The contract (what the real service refuses, refused here too): every request body is checked against the
request type of the ``openai`` package itself (openai==3.51.0, generated from OpenAI's OpenAPI spec):
``openai.types.chat.completion_create_params.CompletionCreateParamsNonStreaming``, turned into a JSON
Schema by pydantic's ``TypeAdapter(...).json_schema()`` with every object closed (``additionalProperties:
false``: the API answers "Unrecognized request argument supplied" to a parameter it does not know), stored
beside this file (``chat_completions_request.schema.json``, its ``$comment`` names the package and version:
importing openai costs ~2 s, too slow for every test) and validated with ``jsonschema``.
``python -m tests.fakes.chat_completions`` regenerates it; tests/roi_app/test_llm_fake.py checks it is what
the installed openai says. A ``response_format`` of type ``json_schema`` with ``strict: true`` is also held
to Structured Outputs' rules (OpenAI's guide, "Supported schemas"; ``JSONSchema.name`` in
``openai/types/shared_params/response_format_json_schema.py``): a name of a-z, A-Z, 0-9, _ and - up to 64
characters; the root an object, not ``anyOf``; every object ``additionalProperties: false`` with every
property ``required``; only the supported keywords and string formats; nesting at most 10 deep. A request
must carry ``Authorization: Bearer <key>`` (when the fake has a key) and a JSON body.

Refusals are answered as OpenAI answers them: HTTP 400 (401 for the key, 404 for another path) with
``{"error": {"message", "type", "param", "code"}}``; the 401 for a wrong key echoes it masked, as the real
service does (so a test can show our logs never carry even that). A refused request is listed in
``refusals`` and, unless the test called :meth:`FakeChatCompletions.expect_refusals`, in ``errors`` too (the
test's fixture fails at teardown).

Replies are scripted, one per request in order (when none is left, the last one answered repeats): :meth:`reply_json` (the model's
JSON as the message content), :meth:`reply_text` (any content: malformed JSON), :meth:`reply_refusal`,
:meth:`reply_error` (401/429/500 in OpenAI's shape), each with ``delay`` seconds before answering (a slow
model; :meth:`stop` cuts the wait short). A success reply is a ``chat.completion`` object the openai SDK
parses (tests/roi_app/test_llm_fake.py checks it against ``openai.types.chat.ChatCompletion`` and with the
SDK's own client).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._server import LoopbackServer, Request, Response

__all__ = ["FakeChatCompletions", "completion", "generate_request_schema", "request_problems",
           "strict_schema_problems"]

PATH = "/v1/chat/completions"
SCHEMA_FILE = Path(__file__).with_name("chat_completions_request.schema.json")
SOURCE_TYPE = "openai.types.chat.completion_create_params.CompletionCreateParamsNonStreaming"
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
# Structured Outputs' supported subset (strict: true)
_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "$ref",
             "$defs", "definitions", "description", "title", "pattern", "format", "minimum", "maximum",
             "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems"}
_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
_MAX_DEPTH = 10


def generate_request_schema() -> dict:
    """The JSON Schema of a chat-completions request, from the installed openai package's own type."""
    import openai
    from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
    from pydantic import TypeAdapter

    schema = TypeAdapter(CompletionCreateParamsNonStreaming).json_schema()

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False  # a TypedDict knows its keys: anything else is unrecognized
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return {"$comment": f"generated from openai=={openai.__version__} {SOURCE_TYPE} by pydantic's TypeAdapter, "
                        "every object closed; python -m tests.fakes.chat_completions regenerates it", **schema}


@lru_cache(maxsize=1)
def _request_validator():
    """The jsonschema validator of the stored request schema."""
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def request_problems(body: Any) -> list[str]:
    """Why the chat-completions API would refuse ``body`` (the openai types' schema, then strict Structured
    Outputs); empty when it would take it."""
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:200]}"
                for e in _request_validator().iter_errors(body)]
    if problems:
        return problems
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        spec = fmt["json_schema"]
        if not _NAME.match(spec["name"]):
            problems.append(f"response_format.json_schema.name {spec['name']!r} must be a-z, A-Z, 0-9, _ or -, "
                            "at most 64 characters")
        if spec.get("strict"):
            problems += strict_schema_problems(spec.get("schema") or {})
    return problems


def strict_schema_problems(schema: dict) -> list[str]:
    """Where ``schema`` leaves Structured Outputs' strict subset (empty when it stays inside)."""
    out: list[str] = []
    if schema.get("type") != "object" or "anyOf" in schema:
        out.append("the root of the schema must be an object, not anyOf")

    def walk(node: Any, path: str, depth: int) -> None:
        if not isinstance(node, dict):
            out.append(f"{path}: a schema must be an object")
            return
        if depth > _MAX_DEPTH:
            out.append(f"{path}: nested deeper than {_MAX_DEPTH}")
            return
        unknown = sorted(set(node) - _KEYWORDS)
        if unknown:
            out.append(f"{path}: keywords not supported in strict mode: {', '.join(unknown)}")
        if "format" in node and node["format"] not in _FORMATS:
            out.append(f"{path}: format {node['format']!r} is not supported")
        types = node.get("type")
        if types == "object" or (isinstance(types, list) and "object" in types):
            props = node.get("properties", {})
            if node.get("additionalProperties") is not False:
                out.append(f"{path}: 'additionalProperties' is required to be supplied and to be false")
            missing = sorted(set(props) - set(node.get("required", [])))
            if missing:
                out.append(f"{path}: 'required' is required to include every property; missing {', '.join(missing)}")
            for name, sub in props.items():
                walk(sub, f"{path}.{name}", depth + 1)
        if "items" in node:
            walk(node["items"], f"{path}[]", depth + 1)
        for i, sub in enumerate(node.get("anyOf", [])):
            walk(sub, f"{path}.anyOf[{i}]", depth)
        for name, sub in (node.get("$defs") or {}).items():
            walk(sub, f"$defs.{name}", 0)
        ref = node.get("$ref")
        if ref is not None and ref != "#" and not str(ref).startswith(("#/$defs/", "#/definitions/")):
            out.append(f"{path}: $ref {ref!r} must point into the schema")

    walk(schema, "(root)", 0)
    return out


def _error(status: int, message: str, type_: str = "invalid_request_error", param: str | None = None,
           code: str | None = None) -> Response:
    return Response.json({"error": {"message": message, "type": type_, "param": param, "code": code}}, status)


@dataclass
class _Reply:
    status: int = 200
    content: str | None = None
    refusal: str | None = None
    delay: float = 0.0


class FakeChatCompletions(LoopbackServer):
    """Fake chat-completions API on 127.0.0.1.

    :param key: the bearer token it accepts (None: no Authorization needed, like a local Ollama).
    :param strict: a refused request is also put in ``errors`` (see :meth:`expect_refusals`).
    """

    def __init__(self, *, key: str | None = "sk-fake-test-key", strict: bool = True) -> None:
        super().__init__()
        self.key = key
        self.strict = strict
        self._lock = threading.Lock()
        self._script: list[_Reply] = []
        self._last: _Reply | None = None
        self._calls: list[dict] = []
        self.refusals: list[dict] = []

    # ------------------------------------------------------------------ test API
    @property
    def base_url(self) -> str:
        """The provider-style base URL (``http://127.0.0.1:PORT/v1``) a client appends /chat/completions to."""
        return self.url + "/v1"

    def expect_refusals(self) -> FakeChatCompletions:
        """This test sends requests the API refuses on purpose: still refused and listed, no longer an error."""
        self.strict = False
        return self

    def reply_json(self, obj: Any, *, delay: float = 0.0) -> FakeChatCompletions:
        """Answer the next request with ``obj`` as the message content (JSON text)."""
        return self.reply_text(json.dumps(obj, ensure_ascii=False), delay=delay)

    def reply_text(self, content: str, *, delay: float = 0.0) -> FakeChatCompletions:
        """Answer the next request with ``content`` as the message content, whatever it is."""
        with self._lock:
            self._script.append(_Reply(content=content, delay=delay))
        return self

    def reply_refusal(self, text: str = "I'm sorry, I can't help with that.") -> FakeChatCompletions:
        with self._lock:
            self._script.append(_Reply(refusal=text))
        return self

    def reply_error(self, status: int, *, delay: float = 0.0) -> FakeChatCompletions:
        """Answer the next request with an error as OpenAI sends it: 401 (bad key), 429 (rate limit), 500."""
        with self._lock:
            self._script.append(_Reply(status=status, delay=delay))
        return self

    def calls(self) -> list[dict]:
        """Requests received, oldest first: ``path``, ``headers`` (lower-cased), ``body`` (raw bytes),
        ``status`` answered, ``refused`` (the reasons, or None)."""
        with self._lock:
            return list(self._calls)

    def bodies(self) -> list[Any]:
        """The JSON body of each request that reached the model (not refused)."""
        return [json.loads(c["body"]) for c in self.calls() if c["refused"] is None]

    # ------------------------------------------------------------------ server
    def _refuse(self, call: dict, response: Response, reasons: list[str]) -> Response:
        call["refused"] = reasons
        with self._lock:
            self.refusals.append(call)
            if self.strict:
                self.errors.append(AssertionError(f"the API would refuse this request: {reasons}"))
        return response

    def handle(self, request: Request) -> Response:
        call = {"path": request.raw_path, "headers": dict(request.headers), "body": request.body,
                "status": None, "refused": None, "time": time.monotonic()}
        with self._lock:
            self._calls.append(call)
        response = self._answer(request, call)
        call["status"] = response.status
        return response

    def _answer(self, request: Request, call: dict) -> Response:
        if request.method != "POST" or request.raw_path.rstrip("/") != PATH:
            return self._refuse(call, _error(404, f"Invalid URL ({request.method} {request.raw_path})"), ["path"])
        sent = request.headers.get("authorization", "")
        if self.key is not None and sent != f"Bearer {self.key}":
            if not sent:
                return self._refuse(call, _error(401, "You didn't provide an API key. You need to provide your API "
                                                      "key in an Authorization header using Bearer auth."), ["no key"])
            given = sent.removeprefix("Bearer ")
            masked = given[:3] + "*" * max(0, len(given) - 7) + given[-4:]
            return self._refuse(call, _error(401, f"Incorrect API key provided: {masked}. You can find your API key "
                                                  "at https://platform.openai.com/account/api-keys.",
                                             code="invalid_api_key"), ["wrong key"])
        if "application/json" not in request.headers.get("content-type", ""):
            return self._refuse(call, _error(400, "Invalid Content-Type header, expected application/json"),
                                ["content-type"])
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._refuse(call, _error(400, "We could not parse the JSON body of your request."), ["not JSON"])
        problems = request_problems(body)
        if problems:
            param = problems[0].split(":", 1)[0].replace("/", ".")
            return self._refuse(call, _error(400, "Invalid request: " + "; ".join(problems)[:1000], param=param),
                                problems)
        with self._lock:
            if self._script:
                self._last = self._script.pop(0)
            reply = self._last
        if reply is None:
            return _error(500, "the test scripted no reply", "server_error")
        if reply.delay:
            self._sleep(reply.delay)
        if reply.status == 401:
            return _error(401, "Incorrect API key provided: sk-***. You can find your API key at "
                               "https://platform.openai.com/account/api-keys.", code="invalid_api_key")
        if reply.status == 429:
            return _error(429, "Rate limit reached for requests. Please try again in 20s.", "requests",
                          code="rate_limit_exceeded")
        if reply.status != 200:
            return _error(reply.status, "The server had an error while processing your request. Sorry about that!",
                          "server_error")
        return Response.json(completion(body["model"], reply.content, reply.refusal))


def completion(model: str, content: str | None, refusal: str | None = None) -> dict:
    """A ``chat.completion`` object with one choice: ``content`` (or a ``refusal``) from ``model``."""
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_764_460_800, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": refusal}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


if __name__ == "__main__":  # python -m tests.fakes.chat_completions: regenerate the stored request schema
    SCHEMA_FILE.write_text(json.dumps(generate_request_schema(), ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.name}", file=sys.stderr)
