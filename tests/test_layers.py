"""The import rules of docs/architecture.md, read from the code: which package may import which.

Every module of our packages is parsed (no test module, nothing imported or run) and every import in it is
collected, wherever it stands: at the top, inside a function (a lazy import), under ``if TYPE_CHECKING``;
``importlib.import_module("…")``, ``importlib.util.find_spec("…")`` and ``__import__("…")`` with a literal
name; and a ``"package.module:function"`` string (how APScheduler's job store and gunicorn name code to load).
A change that makes one door import another, or the application layer import a door, fails here with the
file, the line and the rule it breaks.

    roi_core                                → nothing of ours
    render                                  → roi_core
    roi_runtime  (settings, db, notifier)   → roi_core, render
    sheets       (the data port)            → roi_core
    tables       (table sources: DuckDB, PostgreSQL, Spark)  → roi_core
    roi_app      (the application layer)    → roi_core, render, sheets, roi_runtime
    doors: bot, web, scheduler, feishu, sheets/__main__ (the ``python -m sheets`` console)
                                            → roi_app, roi_runtime, render, roi_core, sheets; never each other
    roi_server   (the composition root)     → everything

One exception, named here: ``bot/__main__.py`` may import ``roi_server`` (``python -m bot serve`` starts the
composed app, Slack and the plugin together), and nothing else of another door. And the layer below the
doors imports no door's framework (flask, werkzeug, slack_bolt, apscheduler): a door's platform stays in
its door.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("roi_core", "render", "roi_runtime", "sheets", "tables", "roi_app", "bot", "web", "scheduler",
            "feishu", "roi_server")
DOORS = ("bot", "web", "scheduler", "feishu", "sheets.__main__")
BELOW_DOORS = ("roi_core", "render", "roi_runtime", "sheets", "tables", "roi_app")

# what each unit may import besides itself (a name allows that package or module and everything under it)
ALLOWED: dict[str, tuple[str, ...]] = {
    "roi_core": (),
    "render": ("roi_core",),
    "roi_runtime": ("roi_core", "render"),
    "sheets": ("roi_core",),
    "tables": ("roi_core",),
    "roi_app": ("roi_core", "render", "sheets", "tables", "roi_runtime"),
    **{door: ("roi_app", "roi_runtime", "render", "roi_core", "sheets", "tables") for door in DOORS},
    "roi_server": PACKAGES,
}
EXCEPTIONS: dict[str, tuple[str, ...]] = {"bot.__main__": ("roi_server",)}
DOOR_FRAMEWORKS = ("flask", "werkzeug", "slack_bolt", "apscheduler")
_REFERENCE = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):[A-Za-z_]\w*(?:\(\))?$")  # "pkg.mod:func" / "…:f()"


def module_of(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The unit whose rules a module follows: ``sheets.__main__`` is a door (a console), not the data port."""
    if module == "sheets.__main__" or module.startswith("sheets.__main__."):
        return "sheets.__main__"
    return module.split(".")[0]


def _is_module(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) for every import in ``path``: top-level and lazy, by statement, by importlib or
    ``__import__`` with a literal name, and by a ``"pkg.mod:func"`` reference string."""
    module = module_of(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            # ``from pkg import mod`` imports pkg.mod; ``from pkg.mod import name`` imports pkg.mod
            found += [(node.lineno, f"{origin}.{alias.name}" if _is_module(f"{origin}.{alias.name}", root) else origin)
                      for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "find_spec", "__import__"):
                found.append((node.lineno, node.args[0].value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            ref = _REFERENCE.match(node.value.strip())
            if ref and ref.group(1).split(".")[0] in PACKAGES:
                found.append((node.lineno, ref.group(1)))
    return found


def _within(target: str, allowed: str) -> bool:
    return target == allowed or target.startswith(allowed + ".")


def broken_rules(root: Path = ROOT) -> list[str]:
    """Every import in our packages that breaks a rule, as ``file:line: module imports target (why)``."""
    broken = []
    for name in PACKAGES:
        for path in sorted((root / name).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            module = module_of(path, root)
            unit = unit_of(module)
            allowed = (*ALLOWED[unit], *EXCEPTIONS.get(module, ()))
            where = f"{path.relative_to(root)}"
            for line, target in imports_of(path, root):
                top = target.split(".")[0]
                if top in DOOR_FRAMEWORKS and unit in BELOW_DOORS:
                    broken.append(f"{where}:{line}: {module} imports {target} (a door's framework, below the doors)")
                    continue
                if top not in PACKAGES or unit_of(target) == unit:
                    continue  # a library, or the unit's own code
                if not any(_within(target, a) for a in allowed):
                    why = ("a door imports another door: call roi_app instead" if unit in DOORS and
                           unit_of(target) in DOORS else f"{unit} may import only {', '.join(allowed) or 'nothing of ours'}")
                    broken.append(f"{where}:{line}: {module} imports {target} ({why})")
    return broken


def test_every_import_keeps_the_layers():
    broken = broken_rules()
    assert not broken, "\n".join(broken)


def test_every_package_has_its_rule():
    on_disk = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in ("tests",)}
    assert on_disk <= set(PACKAGES) | {"benchmarks", "tools", "examples"}, on_disk - set(PACKAGES)


# ------------------------------------------------------------------------------ the check itself
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name in PACKAGES:
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "__init__.py").write_text("")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize(("rel", "text", "why"), [
    ("web/api.py", "def f():\n    from scheduler.job import run_monthly\n", "a door imports another door"),
    ("bot/app.py", "import web\n", "a door imports another door"),
    ("scheduler/job.py", "from web import report_links\n", "a door imports another door"),
    ("roi_app/boot.py", "def f():\n    from bot import dedupe\n", "roi_app may import only"),
    ("roi_runtime/boot.py", "def f():\n    from scheduler.store import DeliveryStore\n", "roi_runtime may import only"),
    ("sheets/__main__.py", "def f():\n    from web.tokens import addon_key_command\n", "a door imports another"),
    ("sheets/base.py", "from roi_app import links\n", "sheets may import only roi_core"),
    ("sheets/google.py", "from roi_runtime.config import AppConfig\n", "sheets may import only roi_core"),
    ("render/x.py", "import importlib\nimportlib.import_module('sheets.cache')\n", "render may import only"),
    ("web/x.py", "from importlib.util import find_spec\nfind_spec('bot.app')\n", "a door imports another door"),
    ("roi_core/x.py", "JOB = 'scheduler.job:scheduled_run'\n", "roi_core may import only nothing of ours"),
    ("roi_app/x.py", "from flask import Flask\n", "a door's framework"),
    ("bot/listeners/x.py", "from ..dedupe import request_key\nfrom ...web import api\n", "a door imports another"),
])
def test_the_check_catches_an_offender(tmp_path, rel, text, why):
    broken = broken_rules(_tree(tmp_path, {rel: text}))
    assert len(broken) == 1 and why in broken[0] and broken[0].startswith(rel), broken


def test_the_check_lets_the_rules_through(tmp_path):
    root = _tree(tmp_path, {
        "roi_app/monthly.py": "from roi_core import answer\nfrom sheets import open_source\nfrom render import x\n",
        "web/api.py": "def f():\n    from roi_app.monthly import run_monthly\n",
        "scheduler/clock.py": "JOB = 'scheduler.job:scheduled_run'\nfrom .job import x\n",
        "sheets/__main__.py": "from roi_app.addon_key import addon_key_command\n",
        "sheets/google.py": "from roi_core.parse import x\nfrom . import base\n",
        "bot/__main__.py": "def f():\n    from roi_server import serve\n",
        "roi_server/app.py": "import bot\nimport web\nfrom flask import Flask\n",
    })
    assert broken_rules(root) == []
