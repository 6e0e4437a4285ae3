"""The attribution error: a data problem the user can fix, in Chinese, with an English reason where one exists."""

from __future__ import annotations

from roi_core.errors import RoiError


class AttributionError(RoiError, ValueError):
    """Attribution cannot be computed from these data; ``str(err)`` is a Chinese sentence for the user.

    A :class:`roi_core.errors.RoiError` (``message`` and ``hint``), so every front end shows
    it like any other data problem; also a ValueError for callers of the bare function.

    Examples
    --------
    A model that cannot run on these data (too many states, no times) also carries the reason in
    English (``english``), for answers to a user who wrote English; :meth:`text` picks one.

    >>> str(AttributionError("触点数据中没有转化，无法归因", "请检查 是否转化 列"))
    '触点数据中没有转化，无法归因\\n请检查 是否转化 列'
    """

    def __init__(self, message: str, hint: str | None = None, *, english: str | None = None):
        super().__init__(message, hint)
        self.english = english

    def text(self, lang: str = "zh") -> str:
        """The reason in one line: English when ``lang`` is "en" and an English text exists, else Chinese."""
        if lang == "en" and self.english:
            return self.english
        return self.message if not self.hint else f"{self.message}；{self.hint}"
