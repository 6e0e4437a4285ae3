"""How every entry point ends on an error a user can fix: one Chinese line, an optional 提示 line, exit 2."""

from __future__ import annotations

import sys

from roi_core.errors import RoiError

EXIT_CONFIG = 2  # settings, database or sheet settings: fix and rerun


def report(err: RoiError, stream=None) -> int:
    """Print ``err`` (message, then 提示) on stderr; return the exit code for a settings problem."""
    stream = stream or sys.stderr
    print(f"❌ {err.message}", file=stream)
    if err.hint:
        print(f"提示：{err.hint}", file=stream)
    return EXIT_CONFIG
