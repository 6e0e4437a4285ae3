"""The API's parts without a server: tokens through the real command line, signed links, the rate limit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from roi_app import links
from roi_app.stores.tokens import TokenStore, digest, source_id
from roi_runtime.config import REPO_ROOT, AppConfig, ConfigError
from web.ratelimit import RateLimiter

SHEET = "1RoiTokenTestSheetAbcdefghijklmnopqrstuvwxyz"


def run_cli(tmp_path, *args):
    """``python -m sheets addon-key …`` as a real process (the entry point, its exit code and streams)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'tokens.sqlite'}"}
    return subprocess.run([sys.executable, "-m", "sheets", "addon-key", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def run_main(tmp_path, monkeypatch, capsys, *args):
    """The same command through ``sheets.__main__.main`` in this process (a process start costs ~3 s)."""
    from sheets.__main__ import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tokens.sqlite'}")
    capsys.readouterr()
    code = main(["addon-key", *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["sheets", "addon-key", *args], code, out, err)


def test_addon_key_makes_lists_and_revokes_without_ever_showing_a_stored_token(tmp_path, monkeypatch, capsys):
    made = run_cli(tmp_path, "--source", f"https://docs.google.com/spreadsheets/d/{SHEET}/edit#gid=0")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("roi_") and len(token) > 40
    store = TokenStore(f"sqlite:///{tmp_path / 'tokens.sqlite'}")
    assert store.source_of(token) == SHEET  # the URL and the bare key are one sheet
    assert store.source_of(token + "x") is None and store.source_of("") is None
    listed = run_main(tmp_path, monkeypatch, capsys, "--list")
    assert listed.returncode == 0 and SHEET in listed.stdout and token not in listed.stdout
    # a second key for the same sheet replaces the first
    again = run_main(tmp_path, monkeypatch, capsys, "--source", SHEET).stdout.strip().splitlines()[-1]
    assert store.source_of(token) is None and store.source_of(again) == SHEET
    revoked = run_main(tmp_path, monkeypatch, capsys, "--revoke", "--source", SHEET)
    assert revoked.returncode == 0 and "已吊销" in revoked.stdout and store.source_of(again) is None
    assert run_main(tmp_path, monkeypatch, capsys, "--revoke", "--source", SHEET).returncode == 1
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # SHA-256 of "abc"


def test_source_id_names_a_workbook_by_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert source_id("demo.xlsx") == str(tmp_path / "demo.xlsx") == source_id(str(tmp_path / "demo.xlsx"))


def test_links_expire_and_refuse_tampering(monkeypatch):
    secret = "unit-test-secret-0123456789"
    signed = links.sign({"src": "x", "n": 1}, 60, secret=secret)
    assert links.verify(signed, secret=secret) == {"src": "x", "n": 1}
    assert links.verify(signed, secret="another-secret-0123456789") is None
    assert links.verify(signed[:-3] + "abc", secret=secret) is None
    assert links.verify("not a link", secret=secret) is None
    now = links.time.time()
    monkeypatch.setattr(links.time, "time", lambda: now + 61)  # a minute and a second later
    assert links.verify(signed, secret=secret) is None


def test_no_secret_is_one_clear_configuration_error(monkeypatch):
    monkeypatch.delenv("ROI_WEB_SECRET", raising=False)
    monkeypatch.setattr(links, "_configured", None)
    with pytest.raises(links.WebSecretMissing) as err:
        links.sign({"src": "x"}, 60)
    assert err.value.message == "未配置 ROI_WEB_SECRET，无法生成或验证网页链接"


def test_config_reads_the_web_settings():
    config = AppConfig.from_env({"ROI_WEB_SECRET": "s" * 20, "ROI_API_RATE": "30/10",
                                 "ROI_PUBLIC_URL": "https://roi.example.com"})
    assert (config.api_rate, config.public_url) == ("30/10", "https://roi.example.com")
    assert "sss" not in repr(config)  # a secret stays out of logs
    with pytest.raises(ConfigError, match="ROI_API_RATE「fast」看不懂"):
        AppConfig.from_env({"ROI_API_RATE": "fast"})
    with pytest.raises(ConfigError, match="ROI_WEB_SECRET 太短"):
        AppConfig.from_env({"ROI_WEB_SECRET": "short"})


def test_rate_limit_is_a_sliding_window_per_key():
    now = [100.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.allow("a") == 60 and limiter.allow("b") == 0  # another key has its own window
    now[0] += 59.5
    assert limiter.allow("a") == 1  # the first request leaves the window in half a second: wait 1
    now[0] += 0.5
    assert limiter.allow("a") == 0
