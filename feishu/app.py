"""The 飞书 door wired: the shared services, the Assistant, the notifier, the event claims, lark-oapi's event
dispatcher, and the long-connection client that is the default way in."""

from __future__ import annotations

import logging

from feishu.door import FeishuDoor
from roi_app.answers import Assistant
from roi_app.bootstrap import bootstrap
from roi_runtime.config import AppConfig, ConfigError
from roi_runtime.feishu_notify import FEISHU_DOMAIN, FeishuNotifier, feishu_client

log = logging.getLogger(__name__)


def check_settings(config: AppConfig, *, http: bool = False) -> None:
    """Raise ConfigError naming what is missing: FEISHU_APP_ID and _SECRET always; for the HTTP callback also
    FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN (an unsigned event is never answered)."""
    missing = [name for name, value in (("FEISHU_APP_ID", config.feishu_app_id),
                                         ("FEISHU_APP_SECRET", config.feishu_app_secret)) if not value]
    if http:
        missing += [name for name, value in (("FEISHU_ENCRYPT_KEY", config.feishu_encrypt_key),
                                             ("FEISHU_VERIFICATION_TOKEN", config.feishu_verification_token))
                    if not value]
    if missing:
        raise ConfigError(f"没有设置 {'、'.join(missing)}",
                          "在飞书开放平台的应用「凭证与基础信息」和「事件与回调 › 加密策略」里复制，写进环境变量；"
                          "见 docs/feishu.md")


def build_door(config: AppConfig, *, assistant: Assistant | None = None, read=None, today=None) -> FeishuDoor:
    """The door for ``config``: one Assistant (shared answer cache), one lark-oapi client, the claim store."""
    services = bootstrap(config, role="web", read_sheet=read)
    assistant = assistant or Assistant(services.config, read=services.read_sheet, today=today)
    notifier = FeishuNotifier(feishu_client(config, timeout=15))
    return FeishuDoor(assistant, notifier, services.claim_store())


def event_handler(door: FeishuDoor, config: AppConfig):
    """lark-oapi's dispatcher with the door's two handlers (keys: empty for the long connection)."""
    import lark_oapi as lark

    return (lark.EventDispatcherHandler.builder(config.feishu_encrypt_key or "",
                                                config.feishu_verification_token or "")
            .register_p2_im_message_receive_v1(door.on_message)
            .register_p2_card_action_trigger(door.on_card_action)
            .build())


def run_long_connection(config: AppConfig) -> int:
    """Run the SDK's WebSocket client (events and card callbacks come over it); blocks until stopped."""
    import lark_oapi as lark

    check_settings(config)
    door = build_door(config)
    client = lark.ws.Client(config.feishu_app_id, config.feishu_app_secret,
                            event_handler=event_handler(door, config),
                            domain=(config.feishu_api_url or FEISHU_DOMAIN).rstrip("/"),
                            log_level=lark.LogLevel.INFO)
    log.info("飞书 long connection starting for app %s", config.feishu_app_id)
    client.start()
    return 0
