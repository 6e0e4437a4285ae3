"""The ad platforms' report exports, read: ``parse_export(name, data)`` → one canonical row per day × 账户 × 计划.

Which platform a file is comes from its header (:mod:`sheets.imports.platforms`, sources in docs/imports.md);
the bytes are read by :mod:`sheets.imports.readers` (CSV in any of the encodings exports use, .xlsx, .xls;
values only, nothing in a file is ever run) and turned into figures by :mod:`sheets.imports.frame`. A file
no platform fits is refused with one line naming it and what the closest platform's export would have.
Merging into the 导入 tab, idempotently, is the application layer's (``roi_app.imports``) with the pure
rules of ``roi_core.imports``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from sheets.imports.frame import canonical
from sheets.imports.platforms import PLATFORMS, REQUIRED, HeaderSet, detect, find_columns, platform_names
from sheets.imports.readers import ImportRefused, check_deadline, read_grid, title_day

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an upload (the add-on, Slack): 20 MB
MAX_FILE_BYTES = 512 * 1024 * 1024  # a file on the command line
PARSE_SECONDS = 60.0  # the deadline of one file's parse


@dataclass
class ParsedExport:
    """One file read: its platform and report kind, the canonical rows, and what was left out."""

    name: str
    platform: str
    kind: str
    rows: pd.DataFrame  # day, platform, account, platform_campaign, window, ad_spend … revenue
    rows_read: int
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason → file lines


def parse_export(name: str, data: bytes, *, platform: str | None = None, limit: int = MAX_FILE_BYTES,
                 seconds: float = PARSE_SECONDS) -> ParsedExport:
    """Read one export. Raises :class:`ImportRefused` (one line naming ``name``) for a file too big, unreadable,
    of no known platform (naming the closest one's missing headers), without a day, or past ``seconds``."""
    deadline = time.monotonic() + seconds
    if len(data) > limit:
        raise ImportRefused(f"{name}：文件太大（{len(data) / 1048576:.1f} MB，最多 {limit // 1048576} MB）",
                            "按月或按账户分开导出后再导入")
    titles, header, body, first_line = read_grid(name, data, deadline)
    chosen, closest, missing = detect(header, platform)
    columns = find_columns(header)
    absent = [f for f in REQUIRED if f not in columns]
    if chosen is None or absent or first_line == 0:
        lacks = "、".join(missing) if missing else "、".join({"campaign": "计划名称", "cost": "消耗"}[f] for f in absent)
        raise ImportRefused(f"{name}：认不出是哪个平台的报表（最接近{closest.platform}「{closest.kind}」，缺少表头：{lacks}）",
                            "从平台导出分日的计划报表，保留默认的列；支持：" + "、".join(platform_names()))
    day = None
    if "day" not in columns:
        day = title_day(titles)
        if day is None:
            raise ImportRefused(f"{name}：没有「日期」列，标题行也没有写明是哪一天",
                                "在平台上按「分日」导出报表（每天一行）后再导入")
    rows, read, skipped = canonical(body, columns, platform=chosen.platform, window=chosen.window, day=day,
                                    first_line=first_line)
    check_deadline(deadline, name)
    return ParsedExport(name, chosen.platform, chosen.kind, rows, read, skipped)


__all__ = ["MAX_FILE_BYTES", "MAX_UPLOAD_BYTES", "PARSE_SECONDS", "PLATFORMS", "HeaderSet", "ImportRefused", "ParsedExport",
           "parse_export", "platform_names"]
