"""The local console: ``python -m bot ask "<text>" [--source FILE] [--json]``.

Prints what a Slack user would see, as text, or one JSON object. Errors a
user can meet print a short Chinese message and a hint on stderr and exit 1;
never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from render.text import render_text
from roi_app.answers import answer_json, answer_question
from roi_app.follow_up import proposal_lookup
from roi_app.llm import ModelReader
from roi_core import RoiError
from roi_runtime.cli import report_bug
from roi_runtime.config import AppConfig
from sheets import open_source

log = logging.getLogger(__name__)


def ask(text: str, config: AppConfig, *, source: str | None = None, as_json: bool = False,
        today: dt.date | None = None, out=None, err=None, as_feishu: bool = False) -> int:
    """Answer ``text`` from ``source`` (default: the configured one); return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        data = open_source(source, config).read()
        # the team's date (TIMEZONE, else 设置 时区) unless --today fixes it
        today = today or config.today_in(config.timezone or data.settings.timezone)
        # the layer's answer with its records: 上月建议的结果 (the closed loop) and 今日预警
        result = answer_question(text, data, today, proposal_lookup(config), reader=ModelReader.from_config(config),
                                 config=config)
    except RoiError as exc:
        if as_feishu:  # the card the 飞书 door would send for this refusal
            from render.feishu import error_card

            print(error_card(exc.message, exc.hint).payload()[1], file=out)
        if as_json:
            print(json.dumps({"error": exc.message, "hint": exc.hint}, ensure_ascii=False), file=out)
        print(f"❌ {exc.message}", file=err)
        if exc.hint:
            print(f"提示：{exc.hint}", file=err)
        return 1
    except Exception:  # a bug of ours: said plainly, the traceback kept for --debug
        return report_bug(log.name, "数据", err)
    if as_feishu:
        from render.feishu import build_card

        print(build_card(result).payload()[1], file=out)  # what im/v1/messages sends as content
    elif as_json:
        print(json.dumps(answer_json(result), ensure_ascii=False, indent=2, allow_nan=False), file=out)
    else:
        print(render_text(result), file=out)
    return 0
