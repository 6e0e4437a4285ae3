"""The database every process shares: one engine factory, and a check entry points run first.

The web workers (request dedupe), the clock (APScheduler's job store) and the
monthly run (delivery records) all open ``DATABASE_URL`` here, set up alike:

- a SQLite file: WAL (readers and the writer do not block each other),
  ``busy_timeout`` (wait for another process's write instead of failing), a
  connect timeout; its folder is created.
- PostgreSQL (``postgres://`` / ``postgresql://``, through psycopg 3):
  ``pool_pre_ping`` (a connection the server dropped is replaced, not handed
  out), a connect timeout.

``check_database(url)`` opens (or creates) the database and proves it can be
written, raising ConfigError with a Chinese message when it cannot.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from roi_runtime.config import ConfigError, is_memory_database, normalize_database_url

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5  # seconds: to open a connection (PostgreSQL), or to wait for a SQLite lock
BUSY_TIMEOUT_MS = CONNECT_TIMEOUT * 1000

_engines: dict[tuple[str, int], Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers and the writer do not block each other
    cur.execute("PRAGMA synchronous=NORMAL")  # durable enough for these records under WAL, much faster
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # wait for another process's write instead of failing
    cur.close()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    url = normalize_database_url(url)
    if not url.startswith("sqlite") or is_memory_database(url):
        return None
    return Path(make_url(url).database)


def make_engine(url: str) -> Engine:
    """A new engine for ``url`` (normalised: postgres:// → psycopg 3), set up as the module doc says."""
    url = normalize_database_url(url)
    if url.startswith("sqlite"):
        if is_memory_database(url):
            # one connection for every thread, or each would see its own empty database (tests only:
            # check_database refuses it for the processes that must share)
            return create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": CONNECT_TIMEOUT, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT})


def shared_engine(url: str) -> Engine:
    """The process's engine for ``url`` (one pool per process: a forked worker gets its own)."""
    key = (normalize_database_url(url), os.getpid())
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make_engine(url)
        return engine


def describe(url: str) -> str:
    """Where ``url`` points, for messages: the SQLite file, or host:port/database (never the password)."""
    try:
        u = make_url(normalize_database_url(url))
    except (ArgumentError, ValueError, ConfigError):
        return "DATABASE_URL"
    if u.drivername.startswith("sqlite"):
        return f"SQLite 文件 {u.database}" if u.database and u.database != ":memory:" else "SQLite 内存数据库"
    return f"PostgreSQL {u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"


def check_database(url: str, *, shared: bool = True) -> None:
    """Open (or create) the database at ``url`` and write to it once; raise ConfigError when that fails.

    ``shared``: the database must be one the web workers, the clock and manual
    runs all see (exactly-once depends on it), so an in-memory SQLite is refused.
    """
    url = normalize_database_url(url)
    where = describe(url)
    if shared and is_memory_database(url):
        raise ConfigError(f"DATABASE_URL「{url}」是内存数据库，web 进程、时钟进程和手动运行之间无法共享，"
                          "同一个请求或月报可能被处理两次",
                          "写一个文件，例如 sqlite:////srv/roi/roi.sqlite，或用 PostgreSQL：postgresql://用户:密码@主机/库名；"
                          "留空则用默认的 var/roi_assistant.sqlite")
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"无法创建数据库目录 {path.parent}（{_os_reason(err)}）",
                              "换一个可写的位置（DATABASE_URL=sqlite:////可写目录/roi.sqlite），或给这个目录写权限") from None
        if path.is_dir():
            raise ConfigError(f"DATABASE_URL 指向的 {path} 是一个目录，不是文件",
                              "在路径末尾写上文件名，例如 sqlite:////srv/roi/roi.sqlite")
    probe = f"roi_write_check_{uuid.uuid4().hex[:12]}"
    try:
        engine = shared_engine(url)
        with engine.begin() as conn:
            # a real write: a read-only file or a user without CREATE fails here, not at the first request
            conn.exec_driver_sql(f"CREATE TABLE {probe} (x INTEGER)")
            conn.exec_driver_sql(f"DROP TABLE {probe}")
    except (NoSuchModuleError, ModuleNotFoundError) as err:
        raise ConfigError(f"缺少 {where} 的数据库驱动（{err}）",
                          "运行 pip install -r requirements.txt（PostgreSQL 用 psycopg[binary]）") from None
    except SQLAlchemyError as err:
        message, hint = _explain(err, where, path)
        raise ConfigError(message, hint) from None


def database_error(err: SQLAlchemyError, url: str) -> ConfigError:
    """A database failure met after the check (the server went away mid-run) as a ConfigError to report."""
    path = sqlite_path(url) if url else None
    return ConfigError(*_explain(err, describe(url), path))


def _os_reason(err: OSError) -> str:
    return {2: "上级路径不存在", 13: "没有权限", 20: "路径中有一段不是目录", 28: "磁盘已满",
            30: "只读文件系统"}.get(err.errno or 0, err.strerror or type(err).__name__)


def _explain(err: SQLAlchemyError, where: str, path: Path | None) -> tuple[str, str]:
    """A Chinese sentence and hint for a database failure (the driver's text is English and long)."""
    text = str(getattr(err, "orig", None) or err).lower()
    log.debug("database check failed: %s", text)
    if path is not None:
        if "readonly" in text or "read-only" in text:
            return f"{where} 是只读的，无法写入", "给运行 ROI 助手的用户写权限（文件和所在目录），或换一个位置"
        if "not a database" in text or "malformed" in text:
            return f"{where} 不是 SQLite 数据库（或已损坏）", "换一个新文件名，或把这个文件移走后重试"
        if "locked" in text or "busy" in text:
            return f"{where} 被占用超过 {CONNECT_TIMEOUT} 秒", "确认没有别的程序长时间锁着它，然后重试"
        return f"打不开 {where}", "确认路径存在且可写：DATABASE_URL=sqlite:////可写目录/roi.sqlite"
    if "password authentication failed" in text or "authentication failed" in text or "no password" in text:
        return f"{where} 拒绝登录：用户名或密码不对", "检查 DATABASE_URL 里的用户名和密码"
    m = re.search(r'database "([^"]+)" does not exist', text)
    if m:
        return f"{where}：数据库「{m.group(1)}」不存在", "先创建它（createdb 库名），或改 DATABASE_URL 里的库名"
    if "permission denied" in text:
        return f"{where}：这个用户没有建表权限", "给 DATABASE_URL 的用户 CREATE 权限（或换一个有权限的用户）"
    if "timeout" in text or "timed out" in text:
        return f"连不上 {where}：{CONNECT_TIMEOUT} 秒内没有回应", "检查主机和端口是否正确、防火墙是否放行"
    if "could not translate host name" in text or "name or service not known" in text \
            or "nodename nor servname" in text:
        return f"连不上 {where}：找不到这个主机名", "检查 DATABASE_URL 里的主机名"
    if "refused" in text or "connection failed" in text or "could not connect" in text:
        return f"连不上 {where}：连接被拒绝（服务器没有运行，或端口不对）", "确认 PostgreSQL 正在运行，并检查 DATABASE_URL 的主机和端口"
    return f"打不开 {where}（{type(getattr(err, 'orig', None) or err).__name__}）", "检查 DATABASE_URL；加 --debug 可看详情"
