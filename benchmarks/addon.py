"""Benchmark: 200 custom-function cells of the Sheets add-on recalculated against the running API.

    python benchmarks/addon.py [--rounds 3]

Starts the real app under gunicorn on 127.0.0.1 over a copy of the demo workbook with a token from
``python -m sheets addon-key`` (the web tests' own ``start_web_server``), works out the 200 cells'
figures (``tests/web/addon_cells.py``), then runs ``node benchmarks/addon_recalc.js``: the add-on's
.gs files in the local Apps Script runtime (``sheets/addon/test/appsscript_runtime.js``), one fresh
execution per cell as Sheets does, UrlFetchApp as real HTTP. Prints, per recalculation (cold cache,
warm cache, after the 5-minute cache time), the UrlFetch calls and the time, as a table. Target
(issue 13): at most 3 calls for 200 cells. Needs Node 20; sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.addon_cells import write_expected  # noqa: E402
from tests.web.conftest import start_web_server  # noqa: E402

TARGET_CALLS = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times to run the three recalculations")
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        print("node is not installed: the add-on benchmark needs Node 20", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        server = start_web_server(Path(tmp) / "web")
        try:
            expected = write_expected(server.source, Path(tmp) / "expected.json")
            env = {"PATH": os.environ.get("PATH", ""), "ROI_API_URL": server.url, "ROI_TOKEN": server.token,
                   "ROI_EXPECTED": str(expected)}
            runs = []
            for _ in range(args.rounds):
                done = subprocess.run([node, str(ROOT / "benchmarks" / "addon_recalc.js")], cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=600, check=True)
                runs.append(json.loads(done.stdout))
        finally:
            server.stop()
    print(f"200 custom-function cells (ROI/ROAS/CAC/ROI_CHANNEL/ATTRIBUTED, 2 periods), {args.rounds} rounds, "
          f"node {subprocess.run([node, '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'recalculation':<24}{'cells':>7}{'UrlFetch calls':>16}{'errors':>8}{'total ms (median)':>19}"
          f"{'in UrlFetch ms':>16}{'ms / cell':>11}")
    worst_cold = 0
    for i, label in enumerate(r["label"] for r in runs[0]):
        rows = [run[i] for run in runs]
        calls = max(r["calls"] for r in rows)
        ms = sorted(r["ms"] for r in rows)[len(rows) // 2]
        fetch_ms = sorted(r["fetch_ms"] for r in rows)[len(rows) // 2]
        errors = max(r["errors"] for r in rows)
        cells = rows[0]["cells"]
        if i == 0:
            worst_cold = calls
        print(f"{label:<24}{cells:>7}{calls:>16}{errors:>8}{ms:>19.0f}{fetch_ms:>16.0f}{ms / cells:>11.2f}")
    verdict = "ok" if worst_cold <= TARGET_CALLS else "OVER TARGET"
    print(f"target: at most {TARGET_CALLS} UrlFetch calls per recalculation of 200 cells → {verdict}")
    return 0 if worst_cold <= TARGET_CALLS else 1


if __name__ == "__main__":
    raise SystemExit(main())
