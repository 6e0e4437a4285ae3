"""The shared database on a REAL PostgreSQL server: request dedupe, monthly leases, the clock's job store.

A server is started for this module (initdb into a temp folder, pg_ctl on a free
port, about 3 s) when PostgreSQL's binaries are on the machine
(/usr/lib/postgresql/*/bin); otherwise every test here is skipped with the
reason (.ci/run installs them). The URLs are written as users write them
(``postgres://`` and ``postgresql://``) and go through the same engine factory
as production.
"""

from __future__ import annotations

import datetime as dt
import glob
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from roi_app.stores.claims import KEEP, ClaimStore
from roi_app.stores.records import LEASE, DeliveryStore
from roi_runtime.config import AppConfig, ConfigError
from roi_runtime.db import check_database, shared_engine

ROOT = Path(__file__).resolve().parents[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: str) -> list[str]:
    # initdb refuses to run as root; the machine's `postgres` user runs the server
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", cmd]
    return ["/bin/sh", "-c", cmd]


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """``postgres://roi@127.0.0.1:PORT/postgres`` of a server started for these tests, stopped after."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin "
                    "(apt-get install -y postgresql; .ci/run does it)")
    if os.geteuid() == 0 and shutil.which("su") is None:
        pytest.skip("running as root without `su`: initdb cannot run as root")
    base = Path(tempfile.mkdtemp(prefix="roi-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    port = _free_port()
    data, log = base / "db", base / "log"
    init = subprocess.run(_as_postgres(f"{bindir}/initdb -D {data} -A trust -U roi -E UTF8 --no-sync"),
                          capture_output=True, text=True, timeout=120)
    if init.returncode != 0:
        pytest.skip(f"initdb failed: {init.stderr.strip()[-300:]}")
    start = subprocess.run(_as_postgres(
        f"{bindir}/pg_ctl -D {data} -o \"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off\" "
        f"-l {log} -w -t 60 start"), capture_output=True, text=True, timeout=90)
    if start.returncode != 0:
        pytest.skip(f"pg_ctl start failed: {start.stderr.strip()[-300:]} {log.read_text()[-300:] if log.exists() else ''}")
    try:
        yield f"postgres://roi@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(f"{bindir}/pg_ctl -D {data} -m fast -w stop"), capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg(pg_server) -> Iterator[str]:
    """The server's URL, with the tables these tests touch emptied first (tests share one server)."""
    engine = shared_engine(pg_server)
    with engine.begin() as conn:
        for table in ("slack_claims", "monthly_deliveries", "apscheduler_jobs"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    yield pg_server


# ------------------------------------------------------------------------------ the URL and the check
def test_postgres_urls_use_psycopg_3_and_the_check_passes(pg):
    for url in (pg, pg.replace("postgres://", "postgresql://", 1)):
        assert AppConfig(database_url=url).database.startswith("postgresql+psycopg://roi@127.0.0.1:")
        check_database(url)  # opens, writes, leaves nothing behind
    with shared_engine(pg).connect() as conn:
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'roi_write_check%'")).all()
    assert tables == []


def test_a_missing_database_and_a_closed_port_are_one_chinese_sentence(pg):
    with pytest.raises(ConfigError) as err:
        check_database(pg.rsplit("/", 1)[0] + "/no_such_db")
    assert err.value.message.endswith("数据库「no_such_db」不存在") and "createdb" in err.value.hint
    with pytest.raises(ConfigError) as err:
        check_database(f"postgresql://roi@127.0.0.1:{_free_port()}/postgres")
    assert "连接被拒绝" in err.value.message and "PostgreSQL 正在运行" in err.value.hint


# ------------------------------------------------------------------------------ request dedupe
def test_first_claim_wins_on_postgres(pg):
    store = ClaimStore(pg)
    assert store.engine.dialect.name == "postgresql" and store.engine.dialect.driver == "psycopg"
    assert [store.claim(k) for k in ("event:T1:Ev1", "event:T1:Ev1", "event:T1:Ev2")] == [True, False, True]
    assert store.count() == 2


def test_many_threads_one_winner_per_key_on_postgres(pg):
    store = ClaimStore(pg)
    keys = [f"event:T1:Ev{i % 10}" for i in range(200)]  # 10 keys, each sent 20 times
    wins = []
    lock = threading.Lock()

    def claim(chunk):
        for k in chunk:
            if store.claim(k):
                with lock:
                    wins.append(k)

    threads = [threading.Thread(target=claim, args=(keys[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(wins) == sorted({*keys})


def _claim_in_process(args):
    url, keys = args
    store = ClaimStore(url)
    return [k for k in keys if store.claim(k)]


def test_processes_get_one_winner_per_key_on_postgres(pg):
    keys = [f"command:T1:trig{i}" for i in range(30)]
    with mp.get_context("spawn").Pool(3) as pool:
        results = pool.map(_claim_in_process, [(pg, keys)] * 3)
    assert sorted(k for r in results for k in r) == sorted(keys)  # 30 winners over 90 attempts


def test_old_claims_are_pruned_on_postgres(pg):
    store = ClaimStore(pg)
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store.claim("event:T1:old", now=old)
    store._last_prune = -1e9
    store.claim("event:T1:new", now=old + KEEP + dt.timedelta(hours=1))
    assert store.count() == 1


# ------------------------------------------------------------------------------ monthly delivery leases
def test_one_lease_at_a_time_on_postgres(pg):
    a, b = DeliveryStore(pg), DeliveryStore(pg)
    first = a.acquire("2026-10")
    assert first and b.acquire("2026-10") is None
    a.release("2026-10", first)
    assert b.acquire("2026-10") is not None
    assert a.get("2026-10").attempts == 2


def test_an_abandoned_lease_expires_on_postgres(pg):
    s = DeliveryStore(pg)
    t0 = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)
    assert s.acquire("2026-10", now=t0)
    assert s.acquire("2026-10", now=t0 + LEASE / 2) is None
    assert s.acquire("2026-10", now=t0 + LEASE + dt.timedelta(seconds=1))


def test_racing_runs_take_the_lease_once_on_postgres(pg):
    DeliveryStore(pg)  # the table, before the race (as the clock's start does)
    owners, barrier = [], threading.Barrier(6)

    def run():
        store = DeliveryStore(pg)
        barrier.wait(10)
        owner = store.acquire("2026-10")
        if owner:
            owners.append(owner)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(owners) == 1
    assert DeliveryStore(pg).get("2026-10").attempts == 1


def test_progress_is_recorded_and_missed_never_overrides_posted_on_postgres(pg):
    s = DeliveryStore(pg)
    owner = s.acquire("2026-10")
    s.mark_sheet_written("2026-10", owner)
    s.mark_posted("2026-10", owner, "C1", "1.2")
    s.mark_missed("2026-10", "late")
    rec = s.get("2026-10")
    assert (rec.status, rec.channel, rec.message_ts) == ("posted", "C1", "1.2")
    assert rec.sheet_written_at.tzinfo is not None
    s.mark_missed("2026-09", "clock down")
    assert s.get("2026-09").status == "missed"


# ------------------------------------------------------------------------------ the commands on PostgreSQL
def test_run_once_twice_on_postgres_writes_one_record(pg, tmp_path):
    book = tmp_path / "team.xlsx"
    shutil.copyfile(ROOT / "examples" / "demo.xlsx", book)
    env = {**os.environ, "DATABASE_URL": pg, "ROI_SOURCE": str(book)}
    for var in ("SLACK_BOT_TOKEN", "REPORT_CHANNEL", "TIMEZONE", "REPORT_DAY", "REPORT_TIME"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "scheduler", "run-once", "--month", "2026-10"]
    for _ in range(2):
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    record = DeliveryStore(pg).get("2026-10")
    assert record.status == "sheet_written" and record.attempts == 2


def test_the_clock_job_store_lives_on_postgres(pg, tmp_path):
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.clock import JOB_ID, build_scheduler
    from scheduler.schedule import Schedule

    config = AppConfig(source=str(tmp_path / "none.xlsx"), database_url=pg)
    schedule = Schedule(15, 18, 30, "Asia/Shanghai")
    clock = build_scheduler(config, schedule, BackgroundScheduler)
    clock.start(paused=True)
    try:
        job = clock.get_job(JOB_ID)
        # 2026-11-15 18:30 in Shanghai or later: the next 15th at 18:30 local time
        assert (job.next_run_time.day, job.next_run_time.hour, job.next_run_time.minute) == (15, 18, 30)
    finally:
        clock.shutdown(wait=False)
    with shared_engine(pg).connect() as conn:
        assert JOB_ID in conn.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
