"""What the 飞书 door does with an event, whatever carried it (the long connection or the HTTP callback).

* a message (``im.message.receive_v1``): in a group only when it @-mentions the bot, in a private chat
  always; the text after the mention is asked as ``/roi <text>`` is, and the card replies to the message;
* a card button (``card.action.trigger``): ``{"q": …}`` asks the follow-up question and patches the card it
  was clicked on with the answer; ``{"mute": …}`` records an alert mute as Slack's mute buttons do.

Each event is claimed once by its ``event_id`` (``roi_app.stores.claims.ClaimStore``, the table the Slack door
dedupes with): a redelivery is dropped. The work after the claim runs on a small bounded pool, so the event
is acknowledged at once (飞书 redelivers an event not acknowledged within 3 seconds).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from render.blocks import RenderOptions, decode_query
from render.blocks.alerts import decode_mute
from render.contract.feishu_card import check_card
from render.feishu import FeishuMessage, build_card, error_card, notice_card
from roi_app.answers import BUG_HINT, BUG_MESSAGE, Assistant, _error_lang
from roi_core import RoiError, Settings, parse_query
from roi_core.monitor import kind_label
from roi_core.query import detect_lang
from roi_core.views.labels import phrase
from roi_runtime.feishu_notify import FeishuNotifier

log = logging.getLogger(__name__)

_MENTION = re.compile(r"@_user_\d+\s*")  # how 飞书 writes an @-mention in a text message's content


def question_of(content: str) -> str:
    """The question in a text message's content (``{"text": "@_user_1 618活动"}``), mentions removed."""
    try:
        text = json.loads(content).get("text", "")
    except (ValueError, AttributeError):
        return ""
    return _MENTION.sub("", str(text)).strip()


class FeishuDoor:
    """Answers 飞书 events with the shared :class:`Assistant`; sends through a :class:`FeishuNotifier`."""

    def __init__(self, assistant: Assistant, notifier: FeishuNotifier, claims, *, alerts=None, workers: int = 4,
                 now=None):
        self.assistant = assistant
        self.notifier = notifier
        self.claims = claims  # .claim(key) -> bool, first caller only
        self.alerts = alerts  # an AlertStore for mute buttons (None: built from the config when clicked)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feishu")
        # at most 4 waiting per thread: beyond, the asker hears 正忙 at once instead of waiting without end
        self._room = threading.BoundedSemaphore(workers * 5)
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    # ------------------------------------------------------------------ events
    def _submit(self, work, *args) -> bool:
        """Run ``work(*args)`` on the pool when there is room; False (nothing queued) when it is full."""
        if not self._room.acquire(blocking=False):
            return False

        def run():
            try:
                work(*args)
            finally:
                self._room.release()

        self.pool.submit(run)
        return True

    def claim(self, event_id: str | None, kind: str) -> bool:
        """True the first time ``event_id`` is seen (an event without an id is answered)."""
        return True if not event_id else self.claims.claim(f"feishu:{kind}:{event_id}")

    def on_message(self, data) -> None:
        """``im.message.receive_v1``: claim, then answer after the acknowledgement."""
        header, event = data.header, data.event
        message = event.message
        if message is None or message.message_type != "text":
            return
        if message.chat_type != "p2p" and not message.mentions:
            return  # in a group only a message that @-mentions the bot is a question
        if getattr(event.sender, "sender_type", "user") != "user":
            return  # never answer a bot (ourselves included)
        if not self.claim(header.event_id if header else None, "event"):
            log.info("飞书 event %s already answered", header.event_id)
            return
        text = question_of(message.content or "")
        if not self._submit(self._answer_message, message.message_id, message.chat_id, text):
            busy = "Busy, please try again shortly" if detect_lang(text) == "en" else "正忙，请稍后再试"
            try:
                self.notifier.post(message.chat_id, notice_card(busy), thread_ts=message.message_id)
            except Exception:
                log.exception("could not tell 飞书 chat %s it is busy", message.chat_id)

    def _answer_message(self, message_id: str, chat_id: str, text: str) -> None:
        reply = self.answer_text(text)
        try:
            self._send(chat_id, reply, message_id)
            log.info("answered in 飞书 chat %s (FEISHU_REPORT_CHAT takes this id)", chat_id)
        except Exception:
            log.exception("could not reply to 飞书 message %s", message_id)

    def _send(self, chat_id: str, reply: FeishuMessage, thread: str | None) -> None:
        self._attach_png(reply)
        self.notifier.post(chat_id, reply, thread_ts=thread)

    def on_card_action(self, data):
        """``card.action.trigger``: a toast at once; the answer patches the card after the acknowledgement."""
        from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

        event = data.event
        value = (event.action.value if event and event.action else None) or {}
        context = event.context if event else None
        message_id = context.open_message_id if context else None
        if not self.claim(data.header.event_id if data.header else None, "action"):
            return P2CardActionTriggerResponse({})
        if "mute" in value:
            return self._toast(self.mute(str(value["mute"]), (event.operator.open_id if event.operator else None)))
        if "q" not in value or not message_id:
            return self._toast("这个按钮已失效，请重新提问")
        english = '"l":"en"' in str(value["q"])
        if not self._submit(self._answer_click, str(value["q"]), message_id, context.open_chat_id):
            return self._toast("Busy, please try again shortly" if english else "正忙，请稍后再试")
        return self._toast("Working on it…" if english else "正在查询…")

    def _answer_click(self, value: str, message_id: str, chat_id: str | None) -> None:
        try:
            query = decode_query(value)
            reply = self.answer_query(query)
        except RoiError as err:
            reply = error_card(err.message, err.hint)
        try:
            self._attach_png(reply)
            self.notifier.update(chat_id or "", message_id, reply)  # the clicked card becomes the answer
        except Exception as err:  # e.g. 230031: a card older than 14 days cannot change; answer beside it
            log.warning("could not update 飞书 card %s (%s): replying instead", message_id, err)
            try:
                self.notifier.post(chat_id or "", reply, thread_ts=message_id)
            except Exception:
                log.exception("could not answer a 飞书 button on %s", message_id)

    @staticmethod
    def _toast(text: str):
        from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

        return P2CardActionTriggerResponse({"toast": {"type": "info", "content": text}})

    # ------------------------------------------------------------------ answers
    def answer_text(self, text: str) -> FeishuMessage:
        """The card for ``text`` as typed after the mention; never raises (errors are cards)."""
        try:
            query = parse_query(text or "", self.assistant.today())
        except RoiError as err:
            return error_card(err.message, err.hint, _error_lang(text or "", err.message))
        except Exception:
            log.exception("unexpected error parsing %r", text)
            return error_card(BUG_MESSAGE, BUG_HINT)
        return self.answer_query(query)

    def answer_query(self, query) -> FeishuMessage:
        """The card for ``query``, kept beside the answer in the shared cache (variant "feishu")."""
        try:
            ans, data, key = self.assistant.answer_with_key(query)
            opts = self.assistant.options(data)
            opts = RenderOptions(sheet_url=opts.sheet_url, fetched_at=opts.fetched_at)
            # reused while the data's age reads the same (whole minutes), as the Slack message is
            age = None if opts.fetched_at is None else int((self._now() - opts.fetched_at).total_seconds() // 60)
            return self.assistant.cache.message(key, ("feishu", age, opts.sheet_url), lambda: build_card(ans, opts))
        except RoiError as err:
            return error_card(err.message, err.hint, query.lang)
        except Exception:
            log.exception("unexpected error answering %r", query.raw or query.kind)
            return error_card(BUG_MESSAGE, BUG_HINT, query.lang)

    def _attach_png(self, reply: FeishuMessage) -> None:
        """A chart the card cannot draw (a heatmap) goes up as an image and shows in the card."""
        if reply.png is None or reply.card is None or reply.reasons:
            return
        from render.charts import render_png

        png = render_png(reply.png)
        key = self.notifier.upload_image(png) if png else None
        if key:  # the picture goes before the buttons; the card is checked again with it
            elements = reply.card["body"]["elements"]
            at = next((i for i, el in enumerate(elements) if el.get("tag") == "hr"), len(elements))
            elements.insert(at, {"tag": "img", "img_key": key,
                                 "alt": {"tag": "plain_text", "content": reply.png.title or " "}})
            reply.png = None
            reply.reasons = check_card(reply.card)

    # ------------------------------------------------------------------ alert mutes
    def mute(self, value: str, user: str | None) -> str:
        """Record the mute a button stands for; the toast saying until when (the words of the Slack door)."""
        try:
            request = decode_mute(value)
        except RoiError as err:
            return err.message
        from roi_app.stores.records import AlertStore

        config = self.assistant.config
        zone = ZoneInfo(config.timezone or Settings().timezone)
        today = self._now().astimezone(zone).date()
        until = max(request.date, today) + dt.timedelta(days=request.days - 1)
        (self.alerts or AlertStore(config.database)).mute(request.campaign, request.kinds, until, by=user)
        lang = request.lang
        kinds = phrase(lang, "list_sep").join(kind_label(k, lang) for k in request.kinds)
        when = phrase(lang, "alert_muted_today") if until == today else phrase(lang, "alert_muted_until",
                                                                                day=until.isoformat())
        return phrase(lang, "alert_muted", campaign=request.campaign, kinds=kinds, when=when).replace("*", "")
