"""The HTTP event callback, the alternative to the long connection: a Flask blueprint at ``POST /feishu/events``
for events and card callbacks alike (point both 飞书 settings at it).

Before anything is parsed: the body is capped (:data:`MAX_BODY`, 413 beyond) and its signature checked
(``X-Lark-Signature`` = sha256 of timestamp + nonce + FEISHU_ENCRYPT_KEY + body, 飞书's rule; 401 when it does
not match), and a signed request whose ``X-Lark-Request-Timestamp`` is more than :data:`REPLAY_WINDOW` away
from now is refused (401) as a replay. Only 飞书's URL check carries no signature: that one is decrypted and
answered only when its verification token is FEISHU_VERIFICATION_TOKEN. Then lark-oapi's dispatcher
decrypts, checks the token again and calls the door, which claims each event_id once (a replay inside the
window is acknowledged and not answered again).

The same blueprint serves ``python -m feishu http`` (:func:`create_app`) and the composed app
(``roi_server.create_app`` calls :func:`register_feishu` when the encrypt key and token are set).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from flask import Blueprint, Response, request

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a 飞书 event or card callback is a few KB; anything larger is not one
SIGNATURE, TIMESTAMP, NONCE = "X-Lark-Signature", "X-Lark-Request-Timestamp", "X-Lark-Request-Nonce"
# Our rule, not 飞书's: 飞书 documents no age limit for a pushed event's timestamp (its page on the encrypt key
# names replay as what the signature guards against). An hour tolerates a slow redelivery; anything older is a
# replay. Inside the hour the event_id claims (kept 24 h, roi_app.stores.claims.KEEP) drop a second delivery.
REPLAY_WINDOW = 3600  # seconds


def signature_of(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """飞书's request signature: sha256 hex of timestamp + nonce + encrypt key + the raw body."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def _json(status: int, payload: dict) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


def fresh(timestamp: str | None, now: float) -> bool:
    """True when ``timestamp`` (飞书's, Unix seconds) is within :data:`REPLAY_WINDOW` of ``now``."""
    try:
        return abs(now - int(timestamp or "")) <= REPLAY_WINDOW
    except ValueError:
        return False


def blueprint(door, config, handler=None, now=time.time) -> Blueprint:
    """The callback route for ``door`` (``handler``: lark-oapi's dispatcher, built from ``door`` when None;
    ``now``: the clock the replay window is measured on, Unix seconds)."""
    from feishu.app import event_handler

    handler = handler or event_handler(door, config)
    bp = Blueprint("feishu_events", __name__)
    key, token = config.feishu_encrypt_key or "", config.feishu_verification_token or ""

    @bp.post("/feishu/events")
    def events():
        length = request.content_length
        if length is not None and length > MAX_BODY:
            return _json(413, {"msg": "body too large"})
        body = request.stream.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return _json(413, {"msg": "body too large"})
        signature = request.headers.get(SIGNATURE)
        if signature is None:
            return _url_check(body, key, token)
        expected = signature_of(request.headers.get(TIMESTAMP, ""), request.headers.get(NONCE, ""), key, body)
        if not hmac.compare_digest(signature, expected):
            return _json(401, {"msg": "signature verification failed"})
        if not fresh(request.headers.get(TIMESTAMP), now()):
            log.warning("飞书 callback refused: timestamp %r outside the replay window",
                        request.headers.get(TIMESTAMP, "")[:20])
            return _json(401, {"msg": "request too old"})
        from lark_oapi.core.model import RawRequest

        raw = RawRequest()
        raw.uri, raw.body = request.path, body
        raw.headers = {k: v for k, v in request.headers.items()}
        resp = handler.do(raw)
        if resp.status_code >= 500:  # the dispatcher refused (bad token, unknown event): no detail out
            log.warning("飞书 callback refused: %s", resp.content[:200])
            return _json(400, {"msg": "refused"})
        return Response(resp.content, status=resp.status_code, mimetype="application/json")

    return bp


def _url_check(body: bytes, key: str, token: str) -> Response:
    """飞书's URL check (unsigned): answered with its challenge only for the right verification token."""
    from lark_oapi.core.utils import AESCipher

    try:
        outer = json.loads(body)
        inner = json.loads(AESCipher(key).decrypt_str(outer["encrypt"])) if "encrypt" in outer else outer
    except Exception:
        return _json(401, {"msg": "unsigned request"})
    if inner.get("type") != "url_verification" or not hmac.compare_digest(str(inner.get("token", "")), token):
        return _json(401, {"msg": "unsigned request"})
    return _json(200, {"challenge": inner.get("challenge", "")})


def create_app(door, config, now=time.time):
    """A Flask app serving only the callback (``python -m feishu http``)."""
    from flask import Flask

    app = Flask("feishu")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY + 1
    app.register_blueprint(blueprint(door, config, now=now))
    return app


def http_configured(config) -> bool:
    """True when the HTTP callback is meant to be served: FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN."""
    return bool(config.feishu_encrypt_key and config.feishu_verification_token)


def register_feishu(flask_app, services, assistant) -> None:
    """Mount ``POST /feishu/events`` on the composed app, answering with its ``assistant`` (one answer cache
    for every door) and claiming events in its database. Raises ConfigError naming FEISHU_APP_ID or
    FEISHU_APP_SECRET when the callback's keys are set without the app's credentials."""
    from feishu.app import check_settings
    from feishu.door import FeishuDoor
    from roi_runtime.feishu_notify import FeishuNotifier, feishu_client

    config = services.config
    check_settings(config, http=True)
    door = FeishuDoor(assistant, FeishuNotifier(feishu_client(config, timeout=15)), services.claim_store())
    flask_app.extensions["roi_feishu"] = door
    flask_app.register_blueprint(blueprint(door, config))


def wsgi():
    """The callback app from the environment, for a WSGI server: ``gunicorn 'feishu.http:wsgi()'``.

    Raises ConfigError (one line naming the setting) when the app id, secret, encrypt key or token is missing."""
    import os

    from feishu.app import build_door, check_settings
    from roi_runtime.config import AppConfig

    config = AppConfig.from_env(os.environ)
    check_settings(config, http=True)
    return create_app(build_door(config), config)
