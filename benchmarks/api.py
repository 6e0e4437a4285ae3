"""Benchmark: the plugin API's latency, warm, through gunicorn on 127.0.0.1 over the demo workbook.

    python benchmarks/api.py [--requests 400] [--concurrency 1] [--workers 2] [--threads 8]

Starts ``gunicorn 'roi_server:create_app()'`` as the Procfile does (``--workers`` x
``--threads``, no Slack tokens: the plugin-only deployment) over a temporary
copy of ``examples/demo.xlsx`` with a temporary SQLite database and a token
made by ``python -m sheets addon-key``. Warms every worker (the sheet read and
the answers are cached per process), then sends ``--requests`` requests per
endpoint from ``--concurrency`` clients, each on a new connection as Apps
Script's UrlFetchApp does:

- ``POST /api/v1/ask`` with questions taken in turn from five (618活动, 渠道 2026-10, 排行 5,
  月报 2026-10, 双11 抖音): the answer JSON, console text and HTML;
- ``GET /api/v1/metric?name=roi&campaign=618``;
- ``GET /api/v1/snapshot`` (every campaign, channel and model's figures).

Prints a table of p50 / p99 / max latency in milliseconds and the non-200
count. Target (issue 13): p99 under 100 ms warm. Traffic only to 127.0.0.1;
stops the server by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = ("618活动", "渠道 2026-10", "排行 5", "月报 2026-10", "双11 抖音")
TARGET_P99_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, float]:
    """(status, seconds) of one request on a new connection."""
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, quote(path, safe="/?&=%"), body=data, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t0
    finally:
        conn.close()


def _endpoints():
    return {
        "POST /api/v1/ask": lambda i: ("POST", "/api/v1/ask", {"q": QUESTIONS[i % len(QUESTIONS)]}),
        "GET /api/v1/metric": lambda i: ("GET", "/api/v1/metric?name=roi&campaign=618", None),
        "GET /api/v1/snapshot": lambda i: ("GET", "/api/v1/snapshot", None),
    }


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint (default 400)")
    parser.add_argument("--concurrency", type=int, default=1, help="clients at once (default 1)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="roi-api-bench-"))
    source = tmp / "demo.xlsx"
    shutil.copyfile(REPO / "examples" / "demo.xlsx", source)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp),
           "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}", "ROI_SOURCE": str(source),
           "ROI_WEB_SECRET": "bench-web-secret-0123456789", "ROI_API_RATE": "1000000/60", "CHART_PNG": "off"}
    made = subprocess.run([sys.executable, "-m", "sheets", "addon-key", "--source", str(source)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    token = made.stdout.strip().splitlines()[-1]
    port = _free_port()
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 - closed at the end
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads",
                             str(args.threads), "--bind", f"127.0.0.1:{port}", "roi_server:create_app()"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    print("gunicorn did not start:", (tmp / "gunicorn.log").read_text(errors="replace"))
                    return 1
                time.sleep(0.2)
        endpoints = _endpoints()
        # warm every worker: new connections land on either, so enough of them reach both
        for make in endpoints.values():
            for i in range(20 * args.workers):
                _request(port, *make(i)[:2], token, make(i)[2])
        rows = []
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for name, make in endpoints.items():
                results = list(pool.map(lambda i, make=make: _request(port, make(i)[0], make(i)[1], token, make(i)[2]),
                                        range(args.requests)))
                ms = [s * 1000 for _, s in results]
                bad = sum(1 for status, _ in results if status != 200)
                rows.append((name, statistics.median(ms), _pct(ms, 99), max(ms), bad))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"plugin API, warm, gunicorn {args.workers}x{args.threads}, demo workbook, "
          f"{args.requests} requests per endpoint, concurrency {args.concurrency}, a new connection each")
    print(f"{'endpoint':<22}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'non-200':>9}")
    for name, p50, p99, worst, bad in rows:
        print(f"{name:<22}{p50:>9.1f}{p99:>9.1f}{worst:>9.1f}{bad:>9}")
    ok = all(p99 < TARGET_P99_MS and bad == 0 for _, _, p99, _, bad in rows)
    print(f"target p99 < {TARGET_P99_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
