"""Source strings → an ibis table where the data lives (DuckDB by default, PostgreSQL, Spark, a warehouse).

One string names a table (docs/tables.md)::

    parquet:DIR/*.parquet          Parquet files, read by embedded DuckDB
    csv:FILE.csv                   a CSV file, read by embedded DuckDB
    duckdb:FILE.duckdb#TABLE       a table in a DuckDB database file (opened read-only)
    postgresql://…#TABLE           a PostgreSQL table (postgres:// too)
    spark:local#PATH               Spark in this process (local[2]): Parquet files at PATH
    sc://HOST:15002#TABLE          a table of a Spark Connect server
    clickhouse://…#TABLE, bigquery://PROJECT/DATASET#TABLE, snowflake://…#TABLE: any ibis backend URL

Nothing is read here: :func:`open_table` connects and names the table; the expressions in
:mod:`tables.paths` and :mod:`tables.customers` then run where the data lives and bring back
aggregates only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roi_core.errors import DataError

#: DuckDB's memory limit (and threads) when it is the engine: it spills to disk past it
DUCKDB_MEMORY_LIMIT = "2GB"
DUCKDB_THREADS = 2

_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>.*)$", re.IGNORECASE)
_IBIS_URL_BACKENDS = ("postgres", "postgresql", "clickhouse", "bigquery", "snowflake", "mysql", "trino",
                      "mssql", "databricks", "athena", "risingwave", "oracle", "druid", "exasol", "impala")


@dataclass(frozen=True)
class TableSource:
    """A parsed source string: ``kind`` (parquet, csv, duckdb, url, spark, spark_connect), where, and the table."""

    text: str
    kind: str
    location: str
    table: str | None = None

    @property
    def engine(self) -> str:
        """The engine that runs the aggregation: duckdb, postgres, spark, or the URL's backend."""
        if self.kind in ("parquet", "csv", "duckdb"):
            return "duckdb"
        if self.kind in ("spark", "spark_connect"):
            return "spark"
        scheme = self.location.split("://", 1)[0].lower()
        return "postgres" if scheme in ("postgres", "postgresql") else scheme

    def redacted(self) -> str:
        """The source as an answer may show it: a URL's password left out."""
        return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", self.text)


def _bad(text: str, why: str) -> DataError:
    return DataError(f"数据来源「{text}」{why}",
                     "写法：parquet:目录/*.parquet、csv:文件.csv、duckdb:文件.duckdb#表、postgresql://…#表、"
                     "spark:local#路径 或 sc://主机:15002#表")


def parse_source(text: str) -> TableSource:
    """Read a source string (see the module's list); a string of none of those forms → DataError in one line."""
    raw = (text or "").strip()
    if not raw:
        raise _bad(raw, "是空的")
    body, _, fragment = raw.partition("#")
    fragment = fragment.strip() or None
    head, colon, rest = body.partition(":")
    head = head.lower()
    if head in ("parquet", "csv") and colon and not rest.startswith("//"):
        if not rest.strip():
            raise _bad(raw, "没有写文件路径")
        return TableSource(raw, head, rest.strip())
    if head == "duckdb" and colon and not rest.startswith("//"):
        if not fragment:
            raise _bad(raw, "没有写表名（在 # 后面）")
        return TableSource(raw, "duckdb", rest.strip(), fragment)
    if head == "spark" and colon and not rest.startswith("//"):
        if rest.strip() != "local" or not fragment:
            raise _bad(raw, "应写成 spark:local#路径")
        return TableSource(raw, "spark", "local", fragment)
    url = _URL.match(body)
    if url:
        scheme = url.group("scheme").lower()
        if not fragment:
            raise _bad(raw, "没有写表名（在 # 后面）")
        if scheme == "sc":
            return TableSource(raw, "spark_connect", body, fragment)
        if scheme.split("+")[0] in _IBIS_URL_BACKENDS:
            return TableSource(raw, "url", body, fragment)
        raise _bad(raw, f"的协议「{scheme}」不认识")
    raise _bad(raw, "的写法不认识")


def open_table(source: TableSource | str, backend=None):
    """Connect to the source's engine and return ``(ibis table, backend)``; nothing is read yet. With
    ``backend`` (a connection already open on the same engine), the table is named there.

    Embedded DuckDB runs with :data:`DUCKDB_MEMORY_LIMIT` and :data:`DUCKDB_THREADS` (it spills to a
    temporary directory past the limit). A file that is not there, a table that does not exist or a
    server that does not answer → DataError in one line naming the source.
    """
    import ibis  # heavy; only a process that reads a table source pays for it

    src = parse_source(source) if isinstance(source, str) else source
    try:
        if src.kind in ("parquet", "csv", "duckdb"):
            # a second table on the same engine (orders beside touches) shares its connection, so they join there
            con = backend or ibis.duckdb.connect(memory_limit=DUCKDB_MEMORY_LIMIT, threads=DUCKDB_THREADS,
                                                 preserve_insertion_order=False)
            if src.kind == "parquet":
                return con.read_parquet(src.location), con
            if src.kind == "csv":
                return con.read_csv(src.location), con
            name = f"src{abs(hash(src.location)) % 10**8}"
            con.attach(src.location, name=name, read_only=True)
            return con.table(src.table, database=name), con
        if src.kind == "url" and backend is not None:
            return backend.table(src.table), backend
        if src.kind == "url":
            # ibis names PostgreSQL "postgres"; people write postgresql:// as often
            location = re.sub(r"^postgresql(\+\w+)?://", "postgres://", src.location, flags=re.IGNORECASE)
            con = ibis.connect(location)
            return con.table(src.table), con
        session = _spark_session(src)
        con = ibis.pyspark.connect(session)
        if src.kind == "spark":
            return con.read_parquet(src.table), con
        return con.table(src.table), con
    except DataError:
        raise
    except Exception as err:  # every engine has its own errors; the user needs one line, not a traceback
        raise DataError(f"打不开数据来源「{src.redacted()}」：{_first_line(err)}",
                        "检查文件路径、表名或服务器地址是否正确") from None


def _spark_session(src: TableSource):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(f"数据来源「{src.redacted()}」需要 pyspark", "pip install pyspark（还需要 Java 17）") from None
    if src.kind == "spark_connect":
        return SparkSession.builder.remote(src.location).getOrCreate()
    return (SparkSession.builder.master("local[2]").appName("roi-tables")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .getOrCreate())


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:200]
