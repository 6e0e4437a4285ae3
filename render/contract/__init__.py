"""Would Slack accept this message? A pre-flight check of chat.postMessage / chat.update /
chat.postEphemeral / response_url payloads against Slack's own Block Kit types and limits.

    from render.contract import check_message, slack_error

    reasons = check_message({"channel": "C1", "text": "ROI", "blocks": blocks})
    if reasons:
        log.error("Slack would refuse (%s): %s", slack_error(reasons), reasons)

Two sources, both Slack's:

* the shape of every block type Slack's Node SDK declares (``@slack/types``, ``KnownBlock``),
  turned into JSON Schema by ``tools/slack_schema/regenerate.sh`` and stored next to this
  file (``slack_blocks.schema.json``; its ``$comment`` names the version). Each block is
  checked against the definition of its own ``type`` only, so a bad button is reported at
  the button, not as "matches none of 20 block types";
* the limits Block Kit's reference states in words (lengths, counts, uniqueness) that a
  TypeScript type cannot carry, and the ``data_visualization`` block, which ``@slack/types``
  does not declare yet.

Every reason names the JSON path of the offending value, e.g.
``blocks[3].elements[1]: null is not allowed``. Lengths are counted in characters (code
points), as Slack's reference states them. This package does no I/O beyond reading the schema
file once, and never raises on a malformed payload: a malformed payload is a reason.

Its modules, one concern each: :mod:`~render.contract.schema` (the generated schema, a fast check
and jsonschema's explanations), :mod:`~render.contract.limits` (the limits stated in words),
:mod:`~render.contract.chart` (``data_visualization``), :mod:`~render.contract.reasons` (a reason and
the small checks that give one); this module holds the public checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from render.contract.chart import _check_chart
from render.contract.limits import (
    _BLOCK_RULES,
    DATA_TABLE_CHARS,
    MARKDOWN_TOTAL,
    MAX_BLOCKS,
    MAX_TEXT,
    _Seen,
    _walk,
)
from render.contract.reasons import ERROR_ORDER, Reason, _kind, _short
from render.contract.schema import SCHEMA_PATH, _explain, _fast_checks, _schema, _validators

__all__ = ["Reason", "SCHEMA_PATH", "check_blocks", "check_message", "slack_error", "slack_types_version"]


# --------------------------------------------------------------------------- the public checks
def check_message(payload: Mapping[str, Any], *, require_content: bool = True) -> list[str]:
    """The reasons Slack would refuse ``payload`` (an empty list: Slack would accept it).

    ``payload`` holds the arguments of chat.postMessage, chat.update, chat.postEphemeral or
    the JSON body of a response_url POST: ``text``, ``blocks`` (a list, or the JSON string
    slack_sdk sends in form bodies), ``attachments``, and anything else (ignored). Checked:
    ``blocks`` is an array of at most 50 valid blocks (see :func:`check_blocks`); ``text`` is
    a string of at most 40,000 characters; and unless ``require_content`` is false (a file
    comment, a response_url ``delete_original``), there is some text, a block or an
    attachment. A message with blocks but no ``text`` is accepted, as Slack accepts it (the
    notification then has no words: send a fallback ``text`` anyway).

    Each item is a :class:`Reason` naming the JSON path; :func:`slack_error` gives the error
    code Slack answers for the list.
    """
    if not isinstance(payload, Mapping):
        return [Reason("", "the payload must be a JSON object", "invalid_arguments")]
    reasons: list[str] = []
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks) if blocks.strip() else None
        except ValueError:
            reasons.append(Reason("blocks", "is not valid JSON", "invalid_blocks_format"))
            blocks = None
    if blocks is not None and not isinstance(blocks, list):
        reasons.append(Reason("blocks", f"must be an array of blocks (got {_kind(blocks)})",
                              "invalid_blocks_format"))
        blocks = None
    if blocks:
        reasons += check_blocks(blocks)

    text = payload.get("text")
    if text is not None and not isinstance(text, str):
        reasons.append(Reason("text", f"must be a string (got {_kind(text)})", "invalid_arguments"))
        text = None
    if text is not None and len(text) > MAX_TEXT:
        reasons.append(Reason("text", f"is {len(text)} characters; at most {MAX_TEXT}", "msg_too_long"))

    attachments = payload.get("attachments")
    if isinstance(attachments, str):
        try:
            attachments = json.loads(attachments) if attachments.strip() else None
        except ValueError:
            reasons.append(Reason("attachments", "is not valid JSON", "invalid_attachments"))
            attachments = None
    if attachments is not None and not isinstance(attachments, list):
        reasons.append(Reason("attachments", f"must be an array (got {_kind(attachments)})", "invalid_attachments"))
        attachments = None

    if require_content and not payload.get("delete_original") and not (text or blocks or attachments):
        reasons.append(Reason("text", "a message needs text, blocks or attachments", "no_text"))
    return reasons


def check_blocks(blocks: list[Any], path: str = "blocks") -> list[str]:
    """The reasons Slack would refuse the ``blocks`` array of a message (see :func:`check_message`).

    Checks each block against the generated schema for its ``type`` and against the Block
    Kit reference's limits: at most 50 blocks; no ``null`` anywhere (and no NaN/Infinity,
    which is not JSON); text objects non-empty; header text ≤ 150, section text ≤ 3000,
    section fields ≤ 10 of ≤ 2000; context 1–10 elements; actions 1–25 elements; buttons
    (text ≤ 75, value ≤ 2000, url ≤ 3000); selects (≤ 100 options of text ≤ 75, value ≤ 150);
    block_id ≤ 255 and unique in the message; action_id ≤ 255 and unique in its block; one
    ``table`` per message (1–100 rows of 1–20 non-empty cells, ≤ 20 column_settings);
    ``data_table`` (2–101 rows of equal width ≤ 20, no rich_text header, ≤ 10,000 characters);
    ``data_visualization`` (see :func:`_check_chart`); markdown blocks ≤ 12,000 characters in all.
    """
    out: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        out.append(Reason(path, f"{len(blocks)} blocks; a message holds at most {MAX_BLOCKS}"))
    seen = _Seen()
    checks = _fast_checks()
    for i, block in enumerate(blocks):
        where = f"{path}[{i}]"
        if block is None:
            out.append(Reason(where, "null is not allowed"))
            continue
        if not isinstance(block, dict):
            out.append(Reason(where, f"a block must be an object (got {_kind(block)})"))
            continue
        kind = block.get("type")
        _walk(block, where, out, seen.new_block())
        if kind == "data_visualization":
            _check_chart(block, where, out)
        else:
            fast = checks.get(kind) if isinstance(kind, str) else None
            if fast is None:
                known = ", ".join(sorted([*checks, "data_visualization"]))
                out.append(Reason(f"{where}.type", f"unknown block type {_short(kind)} (known: {known})"))
                continue
            if not fast(block):
                explained = [r for err in _validators()[kind].iter_errors(block) for r in _explain(err, where)]
                if not explained and not any(r.startswith(where) for r in out):
                    # the two checks disagree: say so rather than pass a block the fast check refused
                    explained = [Reason(where, f"does not match the schema of {kind!r} (render.contract: the fast "
                                               "check and jsonschema disagree; please report)")]
                out.extend(explained)
        rule = _BLOCK_RULES.get(kind)
        if rule is not None:
            rule(block, where, out, seen)
    if seen.markdown_chars > MARKDOWN_TOTAL:
        out.append(Reason(path, f"markdown blocks hold {seen.markdown_chars} characters in all; "
                                f"at most {MARKDOWN_TOTAL}"))
    if seen.data_table_chars > DATA_TABLE_CHARS and not seen.data_table_over:
        out.append(Reason(path, f"data_table cells hold {seen.data_table_chars} characters in all; "
                                f"at most {DATA_TABLE_CHARS} per message"))
    return out


def slack_error(reasons: Iterable[str]) -> str:
    """Slack's error code for these reasons (``"ok"`` when there are none).

    ``invalid_blocks_format`` (``blocks`` is not an array), ``invalid_blocks`` (a block is
    wrong), ``msg_too_long``, ``no_text``, ``invalid_attachments`` or ``invalid_arguments``,
    in that order of precedence. Plain strings without a code count as ``invalid_blocks``.
    """
    codes = [getattr(r, "error", "invalid_blocks") for r in reasons]
    if not codes:
        return "ok"
    for code in ERROR_ORDER:
        if code in codes:
            return code
    return codes[0]


@cache
def slack_types_version() -> str:
    """The ``@slack/types`` version the schema was generated from (read from its ``$comment``)."""
    found = re.search(r"@slack/types (\S+)", _schema().get("$comment", ""))
    return found.group(1) if found else "unknown"
