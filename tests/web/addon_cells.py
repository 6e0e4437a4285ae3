"""What the add-on's custom functions must return, worked out the way ``python -m bot ask --json`` does.

The Node tests (``sheets/addon/test/``) and ``benchmarks/addon.py`` read this as a JSON file named by
``ROI_EXPECTED``: for every campaign its ROI / ROAS / CAC (``python -m bot ask "<campaign>" --json``), for
every campaign × channel pair the same figures (``"<campaign> <channel>"``), each channel's ROI over all
dates and over ``MONTH`` (``"渠道"`` / ``"渠道 <MONTH>"``) and each channel's attributed revenue per model
(``"归因"``'s comparison). The sheet is read once and each question goes through the console's own steps
(``parse_query`` → ``answer`` → ``answer_json``); ``cli_json`` runs the real command for one question so a
test can check the two agree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from roi_core import answer, answer_json, local_today, parse_query
from roi_runtime.config import AppConfig
from sheets import open_source

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2026-10"
FIGURES = ("roi", "roas", "cac")


def _ask(text: str, data, today: dt.date) -> dict:
    return answer_json(answer(parse_query(text, today), data, today))


def expected_figures(source: str, *, month: str = MONTH, today: dt.date | None = None) -> dict:
    """Every figure the 200 test cells ask for, keyed as the Node tests read them (``today``: the server's
    ROI_TODAY, else the clock's date in the team's zone)."""
    config = AppConfig.from_env(dict(os.environ))
    data = open_source(source, config).read()
    today = today or local_today(dt.datetime.now(dt.UTC), config.timezone or data.settings.timezone)
    pairs = data.campaigns[["campaign", "channel"]].drop_duplicates()
    out: dict = {"month": month, "campaigns": {}, "pairs": {}, "channels": {}, "channels_month": {},
                 "attributed": {}, "questions": {}}
    for name in dict.fromkeys(pairs["campaign"]):
        result = _ask(name, data, today)
        assert result["kind"] == "campaign" and result["campaign"] == name, (name, result.get("kind"))
        out["campaigns"][name] = {k: result[k] for k in FIGURES}
        out["questions"][name] = name
    for name, channel in pairs.itertuples(index=False):
        result = _ask(f"{name} {channel}", data, today)
        assert result["kind"] == "campaign" and result["campaign"] == name, (name, channel, result.get("kind"))
        out["pairs"][f"{name}|{channel}"] = {k: result[k] for k in FIGURES}
    for key, text in (("channels", "渠道"), ("channels_month", f"渠道 {month}")):
        result = _ask(text, data, today)
        out[key] = {row["channel"]: row["roi"] for row in result["channels"]}
    result = _ask("归因", data, today)
    for row in result.get("comparison", []):
        for model in result.get("models", []):
            value = row.get(f"{model}_revenue")
            if value is not None:
                out["attributed"].setdefault(model, {})[row["channel"]] = value
    out["default_model"] = result.get("model")
    return out


def cli_json(question: str, source: str) -> dict:
    """``python -m bot ask "<question>" --json --source <source>``, as a user would run it."""
    done = subprocess.run([sys.executable, "-m", "bot", "ask", question, "--json", "--source", source],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def write_expected(source: str, path: Path, today: dt.date | None = None) -> Path:
    """Writes :func:`expected_figures` for ``source`` to ``path`` (the file ``ROI_EXPECTED`` names)."""
    figures = expected_figures(source, today=today)
    path.write_text(json.dumps(figures, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return path
