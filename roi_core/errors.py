"""Named errors of the core. Messages are Chinese sentences a user can act on."""

from __future__ import annotations


class RoiError(Exception):
    """Base of every error the core raises on purpose; ``str(err)`` is user-facing."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class DataError(RoiError):
    """The sheet cannot answer: a tab or a required column is missing, or nothing usable is left."""


class QueryError(RoiError):
    """The /roi text cannot be understood (bad month, bad number, unknown model)."""
