"""`newsarchive reparse`: the database rebuilt from the WARC files alone equals the crawl's."""

import sqlite3
from datetime import datetime, timezone
from unittest.mock import ANY

import pytest

from archive.reparse import superseded_records, warc_files
from archive.vocabulary import superseded_uri
from archive.warc import HttpExchange, WarcWriter
from extract import EXTRACTOR_VERSION
from tests.conftest import run_cli

# Natural keys instead of surrogate ids where the order of first appearance may differ; every other
# table (a new one included) is compared whole, ordered by all its columns (``_tables``).
NATURAL = {
    "runs": "SELECT * FROM runs ORDER BY id",
    "captures": "SELECT * FROM captures ORDER BY id",
    "articles": "SELECT * FROM articles ORDER BY canonical_url",
    "article_captures": "SELECT * FROM article_captures ORDER BY article, capture_id",
    "article_versions": "SELECT * FROM article_versions ORDER BY article, version",
    "people": "SELECT name, position FROM people ORDER BY name",
    "interviews": "SELECT * FROM interviews ORDER BY article",
    "interviewees": "SELECT i.article, p.name, i.seq, i.position FROM interviewees i JOIN people p ON p.id = i.person_id "
                    "ORDER BY 1, 2",
    "qa": "SELECT * FROM qa ORDER BY article, seq",
    "rankings": "SELECT * FROM rankings ORDER BY run_id, source_url, rank",
    "sitemap_entries": "SELECT * FROM sitemap_entries ORDER BY run_id, url",
    "skipped": "SELECT * FROM skipped ORDER BY id",
    "failures": "SELECT * FROM failures ORDER BY id",
}
# Tables a two-day crawl of the replica in fault mode fills: comparing them empty would prove nothing.
FILLED = set(NATURAL)


def _tables(db: sqlite3.Connection) -> dict[str, str]:
    """A query per table of the archive: NATURAL's, else the whole table in the order of its columns."""
    names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                      "'sqlite_%' AND name != '_sqlite_migrations' AND name NOT LIKE '%_fts%'")]
    queries = {}
    for name in names:
        columns = [c[1] for c in db.execute(f"PRAGMA table_info({name})")]
        queries[name] = NATURAL.get(name) or f"SELECT * FROM {name} ORDER BY {', '.join(map(str, range(1, len(columns) + 1)))}"
    return queries


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    data = tmp_path_factory.mktemp("reparse") / "data"
    # a small video cap and fault mode, so that `skipped` and `failures` have rows to compare
    result = run_cli("demo", "--data", str(data), "--days", "2", "--articles", "40", "--faults",
                     "--set", "ARCHIVE_VIDEO_MAX_SIZE=10000", "--set", "DOWNLOAD_TIMEOUT=2", "--set", "RETRY_TIMES=1")
    # day 2 re-tries the broken pages among few others: its error ratio may make it unhealthy (exit 3)
    assert result.returncode in (0, 3), result.stdout + result.stderr
    assert "crawl exit code" in result.stdout
    return data


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_rebuilt_database_equals_the_crawl_table_by_table(two_days, jobs):
    """In one process, and with pages read in two others (one writer): the same rows either way."""
    out = two_days.parent / f"rebuilt-{jobs}.db"
    result = run_cli("reparse", "--data", str(two_days), "--output", str(out), "--jobs", jobs)
    assert result.returncode == 0, result.stderr
    assert "pages/s" in result.stdout
    crawl, rebuilt = sqlite3.connect(two_days / "archive.db"), sqlite3.connect(out)
    tables = _tables(crawl)
    assert FILLED <= set(tables) and set(tables) == set(_tables(rebuilt))
    for table, sql in tables.items():
        expected = crawl.execute(sql).fetchall()
        assert expected or table not in FILLED, f"{table} is empty: nothing was compared"
        assert rebuilt.execute(sql).fetchall() == expected, table
    # search works on the rebuilt index too
    assert rebuilt.execute("SELECT count(*) FROM qa_fts WHERE qa_fts MATCH '\"一汽\"'").fetchone()[0] > 0


def test_reparse_in_place_keeps_the_old_database(two_days):
    before = sqlite3.connect(two_days / "archive.db").execute("SELECT count(*) FROM articles").fetchone()[0]
    result = run_cli("reparse", "--data", str(two_days))
    assert result.returncode == 0, result.stderr
    assert (two_days / "archive.db.bak").exists()
    db = sqlite3.connect(two_days / "archive.db")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    assert db.execute("SELECT DISTINCT extractor_version FROM articles").fetchall() == [(EXTRACTOR_VERSION,)]


def test_reparse_without_warc_files_says_so(tmp_path):
    result = run_cli("reparse", "--data", str(tmp_path))
    assert result.returncode == 1 and "no WARC files" in result.stderr


def _page(url: str, title: str) -> HttpExchange:
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{title}的正文。</p></body></html>"
    return HttpExchange(url=url, method="GET", request_headers=[(b"Host", b"h.example")], status=200, reason="OK",
                        response_headers=[(b"Content-Type", b"text/html; charset=utf-8")], body=body.encode(),
                        fetched_at=datetime(2026, 11, 27, tzinfo=timezone.utc))


def test_records_a_coordinator_lists_as_superseded_are_left_out_of_a_reparse(tmp_path):
    """A killed worker's capture of a URL that a live worker fetched again is not merged; the
    coordinator's file names it, and a reparse leaves it out as the merge did."""
    warc = tmp_path / "warc"
    info = {"newsarchive-run": 1, "newsarchive-site": "generic", "newsarchive-started-at": "2026-11-27T00:00:00Z"}
    with WarcWriter(warc, prefix="w0", warcinfo={**info, "newsarchive-worker": 0}) as live:
        kept = live.write_exchange(_page("http://h.example/a.htm", "甲"))
        live.write_exchange(_page("http://h.example/b.htm", "乙"))
    with WarcWriter(warc, prefix="w1", warcinfo={**info, "newsarchive-worker": 1}) as dead:
        dropped = dead.write_exchange(_page("http://h.example/a.htm", "甲 (dead)"))
        dead.write_exchange(_page("http://h.example/c.htm", "丙"))
    with WarcWriter(warc, prefix="w2", warcinfo={**info, "newsarchive-role": "coordinator"}) as coordinator:
        coordinator.write_metadata(superseded_uri(1), {"records": [dropped.record_id]})
    assert superseded_records(warc_files(warc)) == {dropped.record_id}
    result = run_cli("reparse", "--data", str(tmp_path), "--output", str(tmp_path / "rebuilt.db"))
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "rebuilt.db") as db:
        captures = db.execute("SELECT url, record_id FROM captures ORDER BY url").fetchall()
    assert captures == [("http://h.example/a.htm", kept.record_id), ("http://h.example/b.htm", ANY),
                        ("http://h.example/c.htm", ANY)]
    # a worker's own file listing the same metadata is not a coordinator's: not read
    with WarcWriter(warc, prefix="w3", warcinfo=info) as other:
        other.write_metadata(superseded_uri(1), {"records": [kept.record_id]})
    assert superseded_records(warc_files(warc)) == {dropped.record_id}
