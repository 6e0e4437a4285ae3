"""The key a Slack request is claimed under, so each is answered once (``roi_app.stores.claims.ClaimStore``).

Keys: ``event:<team>:<event_id>`` for Events API deliveries, ``command:<team>:<trigger_id>`` for slash
commands and ``action:<team>:<trigger_id>`` for button clicks (Slack sends a fresh trigger_id with every
invocation and keeps it on a resend).
"""

from __future__ import annotations


def request_key(body: dict) -> str | None:
    """The dedupe key of a Slack request body (None: nothing to dedupe on)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{team}:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{team}:{body['trigger_id']}"
    if body.get("type") == "block_actions":
        trigger = body.get("trigger_id")
        if trigger:
            return f"action:{team}:{trigger}"
        acts = body.get("actions") or []
        if acts and acts[0].get("action_ts"):
            return f"action:{team}:{acts[0]['action_ts']}:{acts[0].get('action_id', '')}"
    return None
