"""Search latency at scale: the archive's bigram FTS5 against LIKE, same database, same queries.

    .venv/bin/python bench/search_latency.py [--articles 100000] [--queries 100] [--db PATH]

Builds (or reuses, with --db) an archive of N replica articles through the real schema, then
times the `search` canned query's SQL for 2- and 4-character words taken from the texts, and
checks on a sample that it returns what LIKE returns. Prints p50/p95 per query length.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.search import index_text, match_expression  # noqa: E402
from archive.store import open_archive  # noqa: E402
from replica.content import SiteModel  # noqa: E402

SEARCH = ("SELECT a.canonical_url FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
          "WHERE articles_fts MATCH ? ")
LIKE = "SELECT canonical_url FROM articles WHERE title LIKE ? OR text LIKE ?"


def build(path: Path, n: int) -> None:
    started = time.monotonic()
    model = SiteModel(articles=n)
    db = open_archive(path)
    rows = []
    for article in model.articles:
        text = "\n".join(b[1] for page in article.pages for b in page if b[0] in ("p", "q"))
        rows.append((f"http://bench.example{article.path}", article.kind, article.title, text))
    with db.conn:
        db.conn.executemany("INSERT INTO articles (canonical_url, kind, title, text) VALUES (?, ?, ?, ?)", rows)
        db.conn.executemany("INSERT INTO articles_fts (rowid, title, text) SELECT rowid, ?, ? FROM articles "
                            "WHERE canonical_url = ?",
                            ((index_text(t), index_text(x), u) for u, _, t, x in rows))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"built {n} articles in {time.monotonic() - started:.0f} s, {path.stat().st_size / 1e6:.0f} MB")


def words(db, length: int, count: int, rng: random.Random) -> list[str]:
    texts = [r[0] for r in db.execute("SELECT text FROM articles ORDER BY random() LIMIT 400")]
    out = []
    while len(out) < count:
        text = rng.choice(texts)
        i = rng.randrange(max(1, len(text) - length))
        word = text[i:i + length]
        if len(word) == length and all("\u4e00" <= c <= "\u9fff" for c in word):
            out.append(word)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--db", type=Path, default=Path("bench/.cache/search-{n}.db"))
    args = parser.parse_args()
    path = Path(str(args.db).format(n=args.articles))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        build(path, args.articles)
    db = open_archive(path)
    rng = random.Random(7)
    print(f"{'query':<10} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'LIKE p50 ms':>12} {'same hits as LIKE':>18}")
    for length in (2, 3, 4):
        times, like_times, same = [], [], 0
        queries = words(db, length, args.queries, rng)
        for q in queries:
            start = time.perf_counter()
            db.execute(SEARCH, [match_expression(q)]).fetchall()
            times.append(1000 * (time.perf_counter() - start))
        for q in queries[:10]:
            start = time.perf_counter()
            like = {r[0] for r in db.execute(LIKE, [f"%{q}%", f"%{q}%"])}
            like_times.append(1000 * (time.perf_counter() - start))
            same += like == {r[0] for r in db.execute(SEARCH, [match_expression(q)])}
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{length} chars   {len(queries):>4} {statistics.median(times):>8.1f} {p95:>8.1f} "
              f"{statistics.median(like_times):>12.1f} {same:>11} of 10")


if __name__ == "__main__":
    main()
