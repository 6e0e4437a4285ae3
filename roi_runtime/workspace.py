"""The demo's working copy: commands that write never touch the tracked ``examples/demo.xlsx``."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from roi_runtime.config import DEMO_WORKBOOK, AppConfig, ConfigError


def writable_config(config: AppConfig) -> tuple[AppConfig, str | None]:
    """``config`` for a command that writes its source, and a line to print when that is the demo's copy.

    When the source is the shipped demo workbook, the source becomes
    ``var/demo.xlsx``, copied from the demo on first use (later runs keep
    writing the same copy, so re-runs update it as they would a team's sheet).
    Any other source is returned unchanged, with no line.
    """
    target = config.for_writing()
    if target is config:
        return config, None
    copy = Path(target.source)
    created = not copy.exists()
    if created:
        _copy(DEMO_WORKBOOK, copy)
    verb = "新建了" if created else "使用"
    return target, (f"ℹ 示例工作簿保持不变：本命令{verb}它的副本 {_shown(copy)}"
                    f"（想用自己的表格：--source 文件.xlsx，或设置 ROI_SOURCE）")


def _copy(src: Path, dst: Path) -> None:
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        # copy beside, then rename: two commands starting together never see half a workbook
        tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex[:8]}.tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except OSError as err:
        raise ConfigError(f"无法创建示例工作簿的副本 {dst}（{err.strerror or type(err).__name__}）",
                          "给 var/ 目录写权限，或用 --source 指定一个可写的 .xlsx") from None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
