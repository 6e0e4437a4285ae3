"""An answer from a cached copy of the sheet says why the sheet could not be read, and how old the copy is.

The read cache (``sheets.cache``) serves a copy when a read fails and marks it with its age and its
cause (``StaleCopy.stale_cause``). The answer carries one warning built from both: the share was
removed (Google 403: 没有权限), the sheet was deleted (404: 表格已删除), or Google is down or slow
(5xx, timeouts: 暂时读不到), each with its fix. A lost share or a deleted sheet is something a person
must act on: an answer that said "暂时读不到" there would have them wait for nothing.
"""

from __future__ import annotations

import dataclasses

from roi_core import Answer
from sheets.cache import STALE_DELETED, STALE_DENIED

_ZH = {
    STALE_DENIED: "没有权限读取表格（Google 返回 403，共享可能已被取消），以下是 {m} 分钟前的缓存数据",
    STALE_DELETED: "表格已删除或找不到（Google 返回 404），以下是 {m} 分钟前的缓存数据",
}
_ZH_HINT = {  # when the error brought no fix of its own
    STALE_DENIED: "在表格里点「共享」，把服务账号重新加为「编辑者」",
    STALE_DELETED: "检查链接或 ID 是否正确；表格在回收站里可以恢复",
}
_EN = {
    STALE_DENIED: "No permission to read the sheet (Google answered 403: was the share removed?); this answer "
                  "uses a copy from {m} min ago. Share the sheet with the service account again, as an Editor",
    STALE_DELETED: "The sheet was deleted or cannot be found (Google answered 404); this answer uses a copy from "
                   "{m} min ago. Check the link, or restore the sheet from the bin",
}
# Google down or slow: the words the core has always used for a cached copy
_UNAVAILABLE = {"zh": "表格暂时读不到，以下是 {m} 分钟前的缓存数据",
                "en": "The sheet could not be read; this answer uses a copy from {m} min ago"}


def stale_key(data) -> tuple | None:
    """What a stale copy's answer depends on beyond the read itself: its cause and whole minutes of age
    (None for a fresh read). Part of the answer cache's key, so an answer never keeps an old cause or age."""
    age = getattr(data, "stale_seconds", None)
    if age is None:
        return None
    return getattr(data, "stale_cause", "unavailable"), _minutes(age)


def fresh_view(data):
    """``data`` as the read it is a copy of (no age): the core answers it as it answered that read."""
    return dataclasses.replace(data, stale_seconds=None)


def stale_warning(data, lang: str) -> str:
    """The one sentence an answer from the stale copy ``data`` carries, in ``lang`` (zh or en)."""
    cause, minutes = stale_key(data)
    if lang == "en":
        return _EN.get(cause, _UNAVAILABLE["en"]).format(m=minutes)
    sentence = _ZH.get(cause, _UNAVAILABLE["zh"]).format(m=minutes)
    if cause in _ZH:
        sentence += "；" + (getattr(data, "stale_hint", "") or _ZH_HINT[cause])
    return sentence


def marked_stale(ans: Answer, data) -> Answer:
    """``ans`` (computed on :func:`fresh_view` of ``data``, not shared) marked as an answer from the stale
    copy ``data``: its age, ``stale``, and the warning naming the cause."""
    ans.stale = True
    ans.data_age_seconds = data.stale_seconds
    ans.warnings.append(stale_warning(data, ans.lang))
    return ans


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))  # as the core rounds a copy's age
