"""roi_core stays pure: no adapter of ours, no I/O library."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "roi_core"
FORBIDDEN = {"bot", "sheets", "scheduler", "gspread", "slack_bolt", "slack_sdk", "flask", "apscheduler", "openpyxl",
             "requests", "urllib", "http", "socket", "sqlalchemy", "sqlite3", "matplotlib", "google", "filelock",
             "subprocess", "shutil"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_roi_core_imports_no_adapter_or_io_library():
    offenders = {f"{p.name}: {m}" for p in CORE.rglob("*.py") for m in imported_modules(p) if m in FORBIDDEN}
    assert not offenders, offenders


def test_the_check_itself_catches_an_offender(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("import gspread\nfrom sheets.base import SheetSource\n")
    assert set(imported_modules(bad)) == {"gspread", "sheets"}
