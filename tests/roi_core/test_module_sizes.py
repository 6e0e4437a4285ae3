"""No source module of the core, the sheet adapters or the renderers is over 500 lines: a module that
grows past it is split into modules named for what their parts are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("roi_core", "sheets", "render")
LIMIT = 500


def test_no_module_of_the_core_the_sheets_or_the_renderers_is_over_500_lines():
    sizes = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
             for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}
    assert len(sizes) > 100  # every package was found
    assert {name: lines for name, lines in sizes.items() if lines > LIMIT} == {}
