"""The cost of what an archive already knows: an incremental run over an archive of N known articles
whose sitemap lists all of them, unchanged, so that the run fetches only the site's few new pages.

For each N: a real first crawl of a small replica (--articles), then the archive is given N synthetic
articles (rows in ``articles``, first seen long ago and checked at every step since) and the finished
run's sitemap the same N entries, and the replica's sitemap lists them too, with the same lastmod
(bench/replica_server.py --extra-sitemap; the replica serves none of them). The incremental run then
reads the whole frontier and compares the whole sitemap. Prints wall, CPU (the crawl and its writer
process), peak RSS of the crawl's process, pages fetched; with --compare REV the same runs of an older
tree beside it, on copies of the same archive.

    .venv/bin/python bench/frontier_scale.py [--known 100000 1000000] [--articles 1000] [--compare REV]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_throughput import ROOT, Replica, measure  # noqa: E402
from replica_server import SYNTHETIC_LASTMOD, synthetic_url  # noqa: E402

SETTINGS = ["AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS=16", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "LOG_LEVEL=ERROR"]


class ExtraReplica(Replica):
    """The bench replica on a given port, its sitemap listing ``extra`` synthetic articles."""

    def __init__(self, tmp: Path, articles: int, port: int = 0, extra: int = 0):
        self.log = tmp / f"access-{articles}-{extra}.log"
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "replica_server.py"), "--port", str(port),
                                      "--articles", str(articles), "--access-log", str(self.log),
                                      "--extra-sitemap", str(extra)],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().strip()


def inflate(db_path: Path, host: str, known: int) -> None:
    """``known`` synthetic articles in the archive and in its finished run's sitemap."""
    first, last = "2019-01-01T00:00:00+00:00", "2019-01-09T00:00:00+00:00"     # every re-check done
    with sqlite3.connect(db_path) as db:
        run = db.execute("SELECT max(id) FROM runs WHERE status = 'finished'").fetchone()[0]
        db.executemany("INSERT INTO articles (canonical_url, kind, title, first_seen, last_seen, from_mirror, "
                       "content_hash) VALUES (?, 'article', 'synthetic', ?, ?, 0, 'synthetic')",
                       ((synthetic_url(host, n), first, last) for n in range(known)))
        db.executemany("INSERT INTO sitemap_entries (run_id, url, lastmod) VALUES (?, ?, ?)",
                       ((run, synthetic_url(host, n), SYNTHETIC_LASTMOD) for n in range(known)))


def tree(rev: str, tmp: Path) -> Path:
    """The code of ``rev``, unpacked into ``tmp``."""
    out = tmp / f"tree-{rev}"
    out.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def run_incremental(code: Path, url: str, data: Path, replica: Replica, tmp: Path) -> dict:
    cmd = [sys.executable, "-m", "newsarchive.cli", "crawl", "--url", url, "--data", str(data)] \
        + [a for s in SETTINGS for a in ("--set", s)]
    return measure("incremental", cmd, replica, tmp, code)


def one_size(known: int, articles: int, trees: dict[str, Path], tmp: Path) -> list[dict]:
    base = tmp / f"base-{known}"
    first = Replica(tmp, articles)
    port = int(first.url.rsplit(":", 1)[1].strip("/"))
    try:
        cmd = [sys.executable, "-m", "newsarchive.cli", "crawl", "--url", first.url, "--data", str(base)] \
            + [a for s in SETTINGS for a in ("--set", s)]
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        first.stop()
    host = first.url.split("/")[2]
    started = time.monotonic()
    inflate(base / "archive.db", host, known)
    print(f"  {known} synthetic articles added in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    replica = ExtraReplica(tmp, articles, port, known)
    results = []
    try:
        for name, code in trees.items():
            data = tmp / f"data-{known}-{name}"
            shutil.copytree(base, data)
            result = run_incremental(code, first.url, data, replica, tmp)
            result.update(known=known, tree=name)
            results.append(result)
            print(f"  {name}: {result['wall']:.1f} s, {result['pages']} pages, exit {result['exit']}",
                  file=sys.stderr, flush=True)
            shutil.rmtree(data, ignore_errors=True)
    finally:
        replica.stop()
        shutil.rmtree(base, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--known", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--articles", type=int, default=1000, help="the replica's own articles")
    parser.add_argument("--compare", metavar="REV", help="an older tree, run beside this one")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="frontier-scale-"))
    trees = {"this tree": ROOT}
    try:
        if args.compare:
            trees[args.compare] = tree(args.compare, tmp)
        rows = [r for known in args.known for r in one_size(known, args.articles, trees, tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nincremental run over N known articles, the sitemap listing all of them unchanged "
          f"(replica: {args.articles} articles)")
    print(f"{'known':>9} {'tree':<12} {'pages':>6} {'wall s':>7} {'CPU s':>6} {'peak RSS MB':>12} {'÷ this tree':>12}")
    for r in rows:
        mine = next(x for x in rows if x["known"] == r["known"] and x["tree"] == "this tree")
        print(f"{r['known']:>9} {r['tree']:<12} {r['pages']:>6} {r['wall']:>7.1f} {r['cpu']:>6.1f} "
              f"{r['rss_mb']:>12.0f} {r['wall'] / mine['wall']:>12.2f}")


if __name__ == "__main__":
    main()
