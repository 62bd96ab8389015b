"""A synthetic archive of N articles made in SQL from a small crawl's rows, for the browse benchmark.

    .venv/bin/python bench/big_archive.py --source data/archive.db --articles 1000000 --output big.db

Crawling a million articles would take hours (bench/crawl_throughput.py: ~220 pages/s) and
re-indexing them in Python about as long, so every row is derived in SQL from the source
archive (a `newsarchive demo` crawl) through the real schema (``open_archive`` migrates it):

- article k reads three source texts one after another (k, k+1, k+2 modulo the source's size;
  ~570 characters with the replica's) and ends with a line of three characters made from k
  (U+4E00 + k's base-211 digits), a word no other article has (the benchmark's rare words);
- its ``articles_fts`` row is the sources' stored bigram tokens joined the same way, which is what
  ``index_text`` makes of the joined text (a newline separates Han runs; checked on a sample);
- one capture, one version per article; every 500th is edited (version 2) in the last run;
  interviews copy their source's interviewees and Q&A (and ``qa_fts`` rows);
- one run a day over ``--days`` days, the articles spread over them; the 热门排行 snapshot of each
  run ranks 10 of the week's 15 hot articles, so articles move, leave and come back.

Keep the output out of the repository (default: bench/.cache/, ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.search import index_text  # noqa: E402
from archive.store import open_archive  # noqa: E402

HOST = "http://bench.example"
RARE = "char(19968 + k % 211) || char(19968 + (k / 211) % 211) || char(19968 + (k / 44521) % 211)"
RARE_TOKENS = ("char(19968 + k % 211) || char(19968 + (k / 211) % 211) || ' ' || char(19968 + (k / 211) % 211)"
               " || char(19968 + (k / 44521) % 211) || ' ' || char(19968 + (k / 44521) % 211)")


def rare_word(k: int) -> str:
    return "".join(chr(0x4E00 + (k // 211 ** n) % 211) for n in range(3))


def build(source: Path, output: Path, n: int, days: int) -> None:
    started = time.monotonic()
    db = open_archive(output)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("ATTACH DATABASE ? AS src", [f"file:{source}?mode=ro"])
    step = lambda what: print(f"{time.monotonic() - started:6.0f} s  {what}", flush=True)  # noqa: E731
    with conn:
        conn.execute("CREATE TEMP TABLE s AS SELECT row_number() OVER (ORDER BY a.canonical_url) - 1 AS n, a.*, "
                     "f.title AS fts_title, f.text AS fts_text FROM src.articles a JOIN src.articles_fts f "
                     "ON f.rowid = a.rowid")
        conn.execute("CREATE UNIQUE INDEX temp.s_n ON s (n)")
        size = conn.execute("SELECT count(*) FROM temp.s").fetchone()[0]
        conn.execute("CREATE TEMP TABLE seq AS WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k "
                     "WHERE k < ? - 1) SELECT k, k * ? / ? AS day, ? || strftime('/%Y-%m/%d/content_', "
                     "date('2025-01-01', '+' || (k * ? / ?) || ' days')) || k || '.htm' AS url FROM k",
                     [n, days, n, HOST, days, n])
        conn.execute("CREATE UNIQUE INDEX temp.seq_url ON seq (url)")
        conn.execute("CREATE UNIQUE INDEX temp.seq_k ON seq (k)")
        conn.executemany("INSERT INTO runs (id, site, started_at, finished_at, status, health, stats, base_url) "
                         "VALUES (?, 'replica', ?, ?, 'finished', 'ok', '{}', ?)",
                         [(d + 1, "2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z", HOST + "/")
                          for d in range(days)])
        conn.execute("UPDATE runs SET started_at = strftime('%Y-%m-%dT00:00:00Z', date('2025-01-01', '+' || (id - 1) "
                     "|| ' days')), finished_at = strftime('%Y-%m-%dT01:00:00Z', date('2025-01-01', '+' || (id - 1) "
                     "|| ' days'))")
        step(f"{size} source articles, {n} numbers, {days} runs")
        conn.execute("INSERT INTO captures (id, run_id, url, fetched_at, status, mime, payload_digest, warc_file, "
                     "warc_offset, warc_length, request_offset, request_length, record_id) "
                     "SELECT k + 1, day + 1, url, strftime('%Y-%m-%dT00:', date('2025-01-01', '+' || day || ' days')) "
                     "|| printf('%02d:%02dZ', k / 60 % 60, k % 60), 200, 'text/html', 'sha1:' || k, "
                     "'synthetic-' || (day + 1) || '.warc.gz', k * 4000 + 600, 3400, k * 4000, 600, "
                     "'<urn:uuid:' || k || '>' FROM temp.seq")
        step("captures")
        joined = "a.{0} || char(10) || b.{0} || char(10) || c.{0}"
        conn.execute(
            "INSERT INTO articles (canonical_url, kind, title, title_raw, media, series, subtitle, published_at, source,"
            " author, editor, text, text_raw, encoding, from_mirror, content_hash, first_seen, last_seen, capture_id, "
            " extractor_version, script) "
            "SELECT q.url, a.kind, a.title, a.title_raw, a.media, a.series, a.subtitle, "
            "date('2025-01-01', '+' || q.day || ' days') || substr(a.published_at, 11), a.source, a.author, a.editor, "
            f"{joined.format('text')} || char(10) || {RARE}, {joined.format('text_raw')} || char(10) || {RARE}, "
            "a.encoding, 0, 'h' || q.k, cap.fetched_at, cap.fetched_at, q.k + 1, a.extractor_version, a.script "
            "FROM temp.seq q JOIN captures cap ON cap.id = q.k + 1 JOIN temp.s a ON a.n = q.k % :size "
            "JOIN temp.s b ON b.n = (q.k + 1) % :size JOIN temp.s c ON c.n = (q.k + 2) % :size", {"size": size})
        step("articles")
        conn.execute("INSERT INTO article_captures (article, capture_id, page, is_mirror) "
                     "SELECT canonical_url, capture_id, 1, 0 FROM articles")
        conn.execute("INSERT INTO article_versions (article, version, run_id, capture_id, seen_at, content_hash, "
                     "title, published_at, source, author, editor, text, extractor_version) "
                     "SELECT canonical_url, 1, c.run_id, capture_id, first_seen, content_hash, title, published_at, "
                     "source, author, editor, text, extractor_version FROM articles a JOIN captures c "
                     "ON c.id = a.capture_id")
        # every 500th article edited in the last run: a second version with a paragraph changed
        conn.execute("INSERT INTO article_versions (article, version, run_id, capture_id, seen_at, content_hash, "
                     "title, published_at, source, author, editor, text, extractor_version) "
                     "SELECT canonical_url, 2, :last, capture_id, first_seen, content_hash || 'e', title, "
                     "published_at, source, author, editor, substr(text, 1, instr(text, '。')) || '（本文已更新）' || "
                     "substr(text, instr(text, '。') + 1), "
                     "extractor_version FROM articles WHERE capture_id % 500 = 0", {"last": days})
        step("article_captures, article_versions")
        conn.execute(f"INSERT INTO articles_fts (rowid, title, text) SELECT ar.rowid, a.fts_title, "
                     f"{joined.format('fts_text').replace('char(10)', chr(39) + ' ' + chr(39))} || ' ' || {RARE_TOKENS} "
                     "FROM temp.seq q JOIN articles ar ON ar.canonical_url = q.url JOIN temp.s a ON a.n = q.k % :size "
                     "JOIN temp.s b ON b.n = (q.k + 1) % :size JOIN temp.s c ON c.n = (q.k + 2) % :size",
                     {"size": size})
        step("articles_fts")
        conn.execute("INSERT INTO people (id, name, position) SELECT id, name, position FROM src.people")
        conn.execute("INSERT INTO interviews (article, capture_id) SELECT q.url, q.k + 1 FROM temp.seq q "
                     "JOIN temp.s a ON a.n = q.k % :size WHERE a.kind = 'interview'", {"size": size})
        conn.execute("INSERT INTO interviewees (article, person_id, seq, position) SELECT q.url, i.person_id, i.seq, "
                     "i.position FROM temp.seq q JOIN temp.s a ON a.n = q.k % :size "
                     "JOIN src.interviewees i ON i.article = a.canonical_url", {"size": size})
        conn.execute("INSERT INTO qa (article, seq, question, answer, speaker) SELECT q.url, x.seq, x.question, "
                     "x.answer, x.speaker FROM temp.seq q JOIN temp.s a ON a.n = q.k % :size "
                     "JOIN src.qa x ON x.article = a.canonical_url", {"size": size})
        conn.execute("INSERT INTO qa_fts (rowid, question, answer) SELECT qa.rowid, f.question, f.answer "
                     "FROM qa JOIN temp.seq q ON q.url = qa.article JOIN temp.s a ON a.n = q.k % :size "
                     "JOIN src.qa x ON x.article = a.canonical_url AND x.seq = qa.seq "
                     "JOIN src.qa_fts f ON f.rowid = x.rowid", {"size": size})
        step("interviews, interviewees, qa, qa_fts")
        conn.executemany("INSERT INTO rankings (run_id, source_url, rank, captured_at, title, full_title, url, "
                         "article, truncated, capture_id) SELECT :run, :source, :rank, c.fetched_at, a.title, a.title, "
                         "a.canonical_url, a.canonical_url, 0, c.id FROM temp.seq q JOIN articles a ON a.canonical_url = q.url "
                         "JOIN captures c ON c.id = :first WHERE q.k = :k", list(_rankings(n, days)))
        step("rankings")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _check_sample(conn)
    # no ANALYZE: a crawled archive has no statistics either, and the plans measured are its plans
    db.close()
    step(f"done: {output.stat().st_size / 1e9:.1f} GB")


def _rankings(n: int, days: int):
    """Each week's 15 hot articles (published that week); a day ranks 10 of them in a hashed order."""
    per_day = n // days
    for day in range(days):
        week = day // 7
        hot = [min(n - 1, week * 7 * per_day + j * per_day // 3) for j in range(15)]
        order = sorted(hot, key=lambda k: hashlib.sha1(f"{day}:{k}".encode()).digest())
        for rank, k in enumerate(order[:10], 1):
            # the run's first capture stands for its home page's
            yield {"run": day + 1, "source": HOST + "/", "rank": rank, "k": k, "first": -(-day * n // days) + 1}


def _check_sample(conn) -> None:
    """The copied tokens are what the indexer makes of the joined text (the search's exact hits)."""
    for rowid, title, text, fts_title, fts_text in conn.execute(
            "SELECT a.rowid, a.title, a.text, f.title, f.text FROM articles a JOIN articles_fts f ON f.rowid = a.rowid "
            "ORDER BY a.rowid LIMIT 5"):
        assert index_text(title) == fts_title, rowid
        assert sorted(index_text(text).split()) == sorted(fts_text.split()), rowid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="A small crawl's archive.db")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    output = args.output or Path(__file__).resolve().parent / ".cache" / f"browse-{args.articles}.db"
    if output.exists():
        sys.exit(f"{output} exists; remove it first")
    build(args.source, output, args.articles, args.days)


if __name__ == "__main__":
    main()
