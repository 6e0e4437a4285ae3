"""Importing the ad platforms' report exports into the assistant's tab 导入: the one function every door calls.

``run_import(source, uploads, …)`` parses each file (``sheets.imports``), refuses the whole batch when one
file cannot be read (nothing written, each refusal one line naming its file), plans the rows against what
导入 already holds (``roi_core.imports.plan_import``: the same day × 平台 × 账户 × 平台活动名称 is one row,
however many overlapping files carry it; a file imported again changes nothing), writes the new and changed
rows (unless ``dry_run``), rewrites 数据校验 (it lists typed 活动 rows the platforms' rows replace) and says
which platform campaigns match no 活动 name and no 映射 pattern. The result is the dict ``--json`` prints,
``POST /api/v1/import`` returns and the Slack reply summarises (:func:`summary_lines`).

``python -m sheets import FILE… [--source …] [--platform …] [--dry-run] [--json]`` is :func:`import_command`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from roi_core import imports as core
from roi_core.schema import CAMPAIGNS, IMPORT_COLUMNS, IMPORT_KEY_HEADERS, IMPORTS_TAB, SETTINGS, find_tab
from roi_core.sheetdata import normalize_table
from sheets.base import SheetSource
from sheets.imports import MAX_FILE_BYTES, PARSE_SECONDS, ImportRefused, ParsedExport, parse_export

log = logging.getLogger(__name__)

HEADERS = tuple(c.header for c in IMPORT_COLUMNS)
_COUNTS = ("impressions", "clicks")


@dataclass(frozen=True)
class Upload:
    """One file to import: its name as the person saw it and its bytes."""

    name: str
    data: bytes


def run_import(source: SheetSource, uploads: list[Upload], *, dry_run: bool = False, platform: str | None = None,
               limit: int = MAX_FILE_BYTES, seconds: float = PARSE_SECONDS, now: dt.datetime | None = None) -> dict:
    """Import ``uploads`` into ``source``'s 导入 tab; the result as plain JSON-able data (see the module doc).
    Each file is at most ``limit`` bytes and parsed within ``seconds``."""
    now = now or dt.datetime.now(dt.UTC)
    parsed: list[ParsedExport] = []
    files: list[dict] = []
    for up in uploads:
        try:
            parsed.append(parse_export(up.name, up.data, platform=platform, limit=limit, seconds=seconds))
            files.append({})
        except ImportRefused as err:
            files.append({"file": up.name, "error": err.message, "hint": err.hint})
    if any("error" in f for f in files):
        return {"ok": False, "dry_run": dry_run, "written": False, "tab": IMPORTS_TAB, "files": files,
                "totals": _totals([]), "unmatched": []}

    tabs = source.read_tabs()
    existing, _, _ = core.read_imports(tabs)
    known = existing if existing is not None else pd.DataFrame()
    to_write = []
    reports = []
    for p in parsed:
        rows = p.rows.assign(file=p.name)
        planned = core.plan_import(known, rows)
        fresh = planned[planned["status"] != "same"]
        to_write.append(fresh)
        known = pd.concat([known, rows], ignore_index=True) if len(known) else rows
        skipped = sum(len(v) for v in p.skipped.values())
        reports.append({"file": p.name, "platform": p.platform, "report": p.kind, "rows_read": p.rows_read,
                        "rows_imported": int(len(fresh)), "rows_skipped": skipped,
                        "skipped_reasons": [{"reason": r, "count": len(lines), "lines": lines[:20]}
                                            for r, lines in p.skipped.items()],
                        "duplicates": int((planned["status"] == "same").sum())})
    new = pd.concat(to_write, ignore_index=True) if to_write else pd.DataFrame()
    if len(new):
        new = new.loc[~core.key_frame(new).duplicated(keep="last").to_numpy()]
    unmatched = _unmatched(tabs, pd.concat([p.rows for p in parsed], ignore_index=True) if parsed else pd.DataFrame())
    written = False
    if len(new) and not dry_run:
        source.upsert_rows(IMPORTS_TAB, list(HEADERS), _sheet_rows(new, now), list(IMPORT_KEY_HEADERS))
        written = True
        _drop_cached_reads()
        data = source.read()  # 数据校验 lists the typed 活动 rows the platforms' rows now replace
        source.write_problems(list(data.problems), now)
    return {"ok": True, "dry_run": dry_run, "written": written, "tab": IMPORTS_TAB, "files": reports,
            "totals": _totals(reports), "unmatched": unmatched}


def _totals(reports: list[dict]) -> dict:
    return {"files": len(reports), **{k: sum(r[k] for r in reports)
                                      for k in ("rows_read", "rows_imported", "rows_skipped", "duplicates")}}


def _sheet_rows(frame: pd.DataFrame, now: dt.datetime) -> list[list]:
    """Rows in :data:`HEADERS` order: dates as text, counts as integers, no NaN (an empty cell instead)."""
    stamp = now.strftime("%Y-%m-%d %H:%M")
    cols = {
        "day": frame["day"].dt.strftime("%Y-%m-%d"),
        "platform": frame["platform"], "account": frame["account"].fillna(""),
        "platform_campaign": frame["platform_campaign"],
    }
    for key in core.METRICS:
        values = frame[key].astype(float)
        cols[key] = values.round(0 if key in _COUNTS else 2).astype(object).where(values.notna(), None)
        if key in _COUNTS:
            cols[key] = cols[key].map(lambda v: None if v is None else int(v))
    cols["window"] = frame["window"].fillna("")
    cols["file"] = frame["file"]
    cols["imported_at"] = stamp
    out = pd.DataFrame(cols)[[c.key for c in IMPORT_COLUMNS]]
    return out.astype(object).where(out.notna(), None).to_numpy().tolist()


def _unmatched(tabs: dict, rows: pd.DataFrame) -> list[dict]:
    """Platform campaigns no 映射 pattern and no 活动 name match: imported under their own name, listed."""
    if rows.empty:
        return []
    mapping, _ = core.read_mapping(normalize_table, tabs)
    title = find_tab(CAMPAIGNS, list(tabs))
    typed = normalize_table(title, tabs[title], CAMPAIGNS).frame["campaign"] if title else pd.Series(dtype=object)
    settings_title = find_tab(SETTINGS, list(tabs))
    names = core.channel_names(normalize_table, tabs.get(settings_title) if settings_title else None)
    resolved = core.resolve(rows, mapping, names, typed)
    return [{"platform": p, "campaign": c} for p, c in core.unmatched_names(resolved)]


def _drop_cached_reads() -> None:
    from sheets.cache import CACHE  # the process's read cache: the next answer reads the new rows

    CACHE.clear()


def summary_lines(result: dict, lang: str = "zh") -> list[str]:
    """The result for people: a first line, one line per file, then the campaigns that need 映射."""
    files = result["files"]
    if not result["ok"]:
        lines = [f"❌ {f['error']}" + (f"\n   提示：{f['hint']}" if f.get("hint") else "") for f in files if "error" in f]
        return ["没有导入任何数据（有文件无法识别）：", *lines]
    t = result["totals"]
    head = "🔍 试运行（未写入）" if result["dry_run"] else ("✅ 已导入「导入」" if result["written"] else "✅ 没有新数据")
    lines = [f"{head}：{t['files']} 个文件，读取 {t['rows_read']} 行，新增或更新 {t['rows_imported']} 行，"
             f"已有 {t['duplicates']} 行，跳过 {t['rows_skipped']} 行"]
    for f in files:
        why = "，".join(f"{r['reason']} {r['count']}" for r in f["skipped_reasons"])
        lines.append(f"• {f['file']}：{f['platform']}（{f['report']}），读取 {f['rows_read']} 行，导入 {f['rows_imported']} 行，"
                     f"已有 {f['duplicates']} 行" + (f"，跳过 {f['rows_skipped']} 行（{why}）" if why else ""))
    if result["unmatched"]:
        shown = "、".join(f"{u['platform']}「{u['campaign']}」" for u in result["unmatched"][:10])
        more = f" 等 {len(result['unmatched'])} 个" if len(result["unmatched"]) > 10 else ""
        lines.append(f"这些平台活动没有对应的活动名称，已按平台名称导入：{shown}{more}")
        lines.append("提示：在「映射」标签页写 平台活动名称 | 活动名称（可用 *618* 这样的模式），答案就会把它们算进对应的活动")
    return lines


def import_command(args, config) -> int:
    """``python -m sheets import``: read the files, import them, print the summary (or ``--json``)."""
    from roi_runtime.workspace import writable_config
    from sheets import open_source

    uploads = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"❌ 找不到文件「{name}」", flush=True)
            return 2
        if path.stat().st_size > MAX_FILE_BYTES:
            print(f"❌ {path.name}：文件太大（最多 {MAX_FILE_BYTES // 1048576} MB）\n提示：按月或按账户分开导出", flush=True)
            return 2
        uploads.append(Upload(path.name, path.read_bytes()))
    if args.source is None and not args.dry_run:
        config, note = writable_config(config)
        if note and not args.json:
            print(note)
    source = open_source(args.source, config)
    result = run_import(source, uploads, dry_run=args.dry_run, platform=args.platform)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=_plain))
    else:
        print("\n".join(summary_lines(result)))
    return 0 if result["ok"] else 2


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return str(value)


__all__ = ["HEADERS", "Upload", "import_command", "run_import", "summary_lines"]
