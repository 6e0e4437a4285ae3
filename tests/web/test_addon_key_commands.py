"""``python -m roi_app addon-key`` (the tokens' own command) and ``python -m sheets addon-key`` (the name the
add-on's 连接设置 shows) are one command: a token made by either is listed and revoked by the other, and both
print the same lines. In this process (``main(argv)``), as the entry-point tests do."""

from __future__ import annotations

import pytest

from roi_app.__main__ import main as roi_app_main
from roi_app.stores.tokens import TokenStore
from sheets.__main__ import main as sheets_main

SHEET = "1RoiAliasTestSheetAbcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'tokens.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("TIMEZONE", "ROI_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    return url


def _run(main, capsys, *args) -> tuple[int, list[str], str]:
    capsys.readouterr()
    code = main(["addon-key", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_either_name_makes_lists_and_revokes_the_same_tokens(database, capsys):
    code, lines, _ = _run(roi_app_main, capsys, "--list")
    assert (code, lines) == (0, ["还没有任何表格的插件令牌；用 python -m sheets addon-key --source <表格> 生成"])

    code, lines, _ = _run(roi_app_main, capsys, "--source", f"https://docs.google.com/spreadsheets/d/{SHEET}/edit")
    token = lines[-1]
    assert code == 0 and lines[0].startswith(f"✅ 已为 {SHEET} 生成插件令牌") and token.startswith("roi_")
    assert TokenStore(database).source_of(token) == SHEET  # the URL and the bare key name one sheet

    code, lines, _ = _run(sheets_main, capsys, "--list")
    assert code == 0 and len(lines) == 1 and lines[0].startswith(f"{SHEET}\t") and lines[0].endswith(" UTC")

    code, lines, _ = _run(sheets_main, capsys, "--revoke", "--source", SHEET)
    assert (code, lines) == (0, [f"✅ 已吊销 {SHEET} 的插件令牌；用它的插件会收到「未授权」"])
    code, lines, _ = _run(roi_app_main, capsys, "--revoke", "--source", SHEET)
    assert (code, lines) == (1, [f"⚠ {SHEET} 没有插件令牌，无需吊销"])  # nothing left to revoke: exit 1


def test_a_bad_setting_is_one_line_and_exit_2(database, capsys, monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    code, lines, err = _run(roi_app_main, capsys, "--list")
    assert code == 2 and lines == [] and "Traceback" not in err
    assert err.splitlines()[0] == "❌ TIMEZONE「Mars/Base」不是有效的时区"
