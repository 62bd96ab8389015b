"""Latency of the pages an archivist uses, through datasette's HTTP interface (issue 17: ≤ 200 ms p95).

    .venv/bin/python bench/big_archive.py --source data/archive.db --articles 1000000 --output /tmp/big.db
    .venv/bin/python bench/browse_latency.py --db /tmp/big.db [--rounds 20]

Starts ``newsarchive serve`` on the archive (its settings and metadata, as an archivist gets them),
asks each page ``--rounds`` times with different arguments where the page takes any (articles,
common and rare words), and prints p50, p95 and max per page. Common words are the seed
interview's (一汽, 汽开区, 长春汽车经济技术开发区) and 长春; a rare word is one of big_archive.py's
per-article words (one hit each). Requests are sequential: one archivist, not a load test.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from big_archive import rare_word  # noqa: E402

COMMON = ["一汽", "长春", "汽开区", "长春汽车经济技术开发区"]


def pages(db: Path, rounds: int, rng: random.Random) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = conn.execute("SELECT max(rowid) FROM articles").fetchone()[0]
    urls = [conn.execute("SELECT canonical_url FROM articles WHERE rowid = ?", [rng.randrange(1, n + 1)]).fetchone()
            for _ in range(rounds * 3)]
    urls = [u[0] for u in urls if u][:rounds]
    interviews = [r[0] for r in conn.execute("SELECT article FROM interviews ORDER BY rowid LIMIT ?", [rounds])]
    ranked = [r[0] for r in conn.execute("SELECT url FROM rankings GROUP BY url LIMIT ?", [rounds])]
    titles = [r[0][-4:] for r in conn.execute("SELECT title FROM rankings GROUP BY title LIMIT ?", [rounds])]
    rare = [rare_word(rng.randrange(n)) for _ in range(rounds)]
    q = urllib.parse.quote
    words = lambda ws: [ws[i % len(ws)] for i in range(rounds)]  # noqa: E731
    return {
        "index /": ["/"] * rounds,
        "database /archive": ["/archive"] * rounds,
        "articles table": ["/archive/articles"] * rounds,
        "article page": [f"/article?url={q(u, safe='')}" for u in urls],
        "article page, interview": [f"/article?url={q(u, safe='')}" for u in interviews],
        "search query, common word": [f"/archive/search?q={q(w)}" for w in words(COMMON)],
        "search query, rare word": [f"/archive/search?q={q(w)}" for w in rare],
        "table search box, common word": [f"/archive/articles?_search={q(w)}" for w in words(COMMON)],
        "table search box, rare word": [f"/archive/articles?_search={q(w)}" for w in rare],
        "ranking chart page": ["/ranking-chart"] * rounds,
        "ranking chart data": ["/-/ranking.json"] * rounds,
        "ranking chart data, title": [f"/-/ranking.json?q={q(t)}" for t in words(titles)],
        "ranking chart data, article": [f"/-/ranking.json?url={q(u, safe='')}" for u in words(ranked)],
        "last-run changes": ["/archive/last_run_changes"] * rounds,
        "interviews by person": [f"/archive/interviews_by_person?name={q('陈定贵')}"] * rounds,
    }


def timed(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as resp:
        resp.read()
        assert resp.status == 200, url
    return 1000 * (time.perf_counter() - start)


def serve(db: Path, port: int) -> subprocess.Popen:
    data = Path(tempfile.mkdtemp(prefix="browse-bench-"))
    (data / "archive.db").symlink_to(db.resolve())
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "serve", "--data", str(data), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("datasette did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    rng = random.Random(17)
    plan = pages(args.db, args.rounds, rng)
    count = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True).execute("SELECT max(rowid) FROM articles").fetchone()[0]
    proc = serve(args.db, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        timed(base + "/archive/articles")          # the first request opens the database
        print(f"{count:,} articles, {args.rounds} requests a page, sequential")
        print(f"{'page':<32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, paths in plan.items():
            times = [timed(base + path) for path in paths]
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
            print(f"{name:<32} {statistics.median(times):>8.0f} {p95:>8.0f} {max(times):>8.0f}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
