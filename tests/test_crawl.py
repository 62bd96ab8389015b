"""End to end: the replica on a free port, crawled by the real Scrapy engine (via the CLI),
into a temporary directory; assertions on the WARC files and the database rows."""

import json
import re
import sqlite3
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from replica.content import SiteModel
from tests.conftest import ROOT, run_cli, start_replica


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    server = start_replica(tmp, articles=60, day=1)
    data = tmp / "data"
    result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "WARNING")
    yield server, data, result
    server.stop()


def _db(data):
    return sqlite3.connect(data / "archive.db")


def test_crawl_exits_healthy_with_a_summary(crawled):
    _, _, result = crawled
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^health +ok$", result.stdout, re.M), result.stdout


def test_warc_files_are_valid_and_read_back_as_pairs(crawled):
    server, data, _ = crawled
    files = sorted((data / "warc").glob("*.warc.gz"))
    assert files and not list((data / "warc").glob("*.open"))
    responses, requests, urls = {}, {}, set()
    for path in files:
        subprocess.run(["gzip", "-t", str(path)], check=True)
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                h = record.rec_headers
                if record.rec_type == "response":
                    responses[h.get_header("WARC-Record-ID")] = record
                    urls.add(h.get_header("WARC-Target-URI"))
                    if record.http_headers.get_header("Content-Encoding") == "gzip":
                        assert record.raw_stream.read(2) == b"\x1f\x8b"   # stored as sent
                elif record.rec_type == "request":
                    requests[h.get_header("WARC-Concurrent-To")] = h.get_header("WARC-Date")
    assert set(requests) == set(responses)
    assert all(requests[rid] == r.rec_headers.get_header("WARC-Date") for rid, r in responses.items())
    assert server.url + "robots.txt" in urls
    assert any("/gate/big5/" in u for u in urls)


def test_every_article_found_and_pointing_at_its_capture(crawled):
    server, data, _ = crawled
    model = SiteModel(articles=60, day=1)
    db = _db(data)
    stored = {row[0] for row in db.execute("SELECT canonical_url FROM articles")}
    assert stored == {server.url.rstrip("/") + a.path for a in model.articles}
    rows = db.execute("SELECT a.canonical_url, c.warc_file, c.warc_offset, c.url FROM articles a "
                      "JOIN captures c ON c.id = a.capture_id").fetchall()
    assert len(rows) == len(stored)
    for canonical, warc_file, offset, url in rows[:20]:
        with open(data / "warc" / warc_file, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
        assert record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url
    # a mirror page and its original are one article, and both captures link to it
    mirrored = db.execute("SELECT count(DISTINCT article) FROM article_captures WHERE is_mirror = 1").fetchone()[0]
    assert mirrored == len(stored)
    assert db.execute("SELECT count(*) FROM articles WHERE from_mirror = 1").fetchone()[0] == 0


def test_seed_interview_rows(crawled):
    _, data, _ = crawled
    db = _db(data)
    (article, title, text), = db.execute(
        "SELECT canonical_url, title, text FROM articles WHERE title LIKE '%·汽开区'").fetchall()
    assert title == "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert db.execute("SELECT p.name, i.position FROM interviewees i JOIN people p ON p.id = i.person_id "
                      "WHERE i.article = ?", [article]).fetchall() == [("陈定贵", "长春汽车经济技术开发区党工委副书记")]
    qa = db.execute("SELECT seq, question, answer FROM qa WHERE article = ? ORDER BY seq", [article]).fetchall()
    assert [q[0] for q in qa] == [1, 2, 3, 4]
    assert qa[1][1] == "二、十年来,汽开区发展取得了哪些新突破、新成就?"
    for _, question, answer in qa:
        for damaged in ("(diǎn)", "(qū)", "區", "發"):
            assert damaged not in question + answer


def test_ranking_snapshot_has_ten_entries_with_the_right_urls(crawled):
    server, data, _ = crawled
    model = SiteModel(articles=60, day=1)
    rows = _db(data).execute("SELECT rank, url, article, truncated FROM rankings ORDER BY rank").fetchall()
    assert [r[0] for r in rows] == list(range(1, 11))
    assert [r[1] for r in rows] == [server.url.rstrip("/") + a.path for a in model.ranking()]
    assert all(r[2] == r[1] for r in rows)          # every entry resolved to its article


def test_robots_and_allowed_hosts_are_respected(crawled):
    server, _, _ = crawled
    log = server.access_log.read_text()
    assert " GET /robots.txt " in log
    assert "/search/" not in log


def test_crawling_again_adds_no_duplicates(crawled):
    server, data, _ = crawled
    db = _db(data)
    before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("articles", "qa", "people", "interviewees", "interviews")}
    result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "WARNING")
    assert result.returncode == 0
    after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
    assert after == before
    assert db.execute("SELECT count(DISTINCT run_id) FROM rankings").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM runs WHERE health = 'ok'").fetchone()[0] == 2


def test_scrapy_crawl_from_the_repo_root(tmp_path, crawled):
    server, _, _ = crawled
    data = tmp_path / "scrapy-data"
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=replica",
                             "-a", f"url={server.url}", "-a", f"data={data}", "-s", "LOG_LEVEL=WARNING"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert _db(data).execute("SELECT count(*) FROM articles").fetchone()[0] == len(SiteModel(articles=60).articles)


def test_run_row_holds_the_stats_and_verdict(crawled):
    _, data, _ = crawled
    import json

    db = _db(data)
    stats, health, status = db.execute("SELECT stats, health, status FROM runs ORDER BY id LIMIT 1").fetchone()
    stats = json.loads(stats)
    captures = db.execute("SELECT count(*) FROM captures WHERE run_id = 1").fetchone()[0]
    assert (health, status) == ("ok", "finished")
    assert stats["archive/captures"] == captures == stats["response_received_count"]
    assert stats["warc/records"] == 2 * captures
    assert stats["archive/ranking_entries"] == 10 and stats["health_reasons"] == []


def test_page_requisites_are_archived(crawled):
    server, data, _ = crawled
    model = SiteModel(articles=60, day=1)
    base = server.url.rstrip("/")
    captured = {row[0]: (row[1], row[2]) for row in _db(data).execute("SELECT url, status, mime FROM captures")}
    assert captured[base + "/css/style.css"] == (200, "text/css")
    assert captured[base + "/images/logo.png"] == (200, "image/png")
    photo = next(a for a in model.articles if a.kind == "photo")
    assert captured[f"{base}/images/{photo.published:%Y-%m}/{photo.published:%d}/{photo.id}_1.png"] == (200, "image/png")
    seed = next(a for a in model.articles if a.title.endswith("·汽开区"))
    assert captured[f"{base}/video/{seed.published:%Y-%m}/{seed.published:%d}/{seed.id}.mp4"] == (200, "video/mp4")


def test_videos_over_the_cap_are_recorded_as_skipped(tmp_path, crawled):
    server, _, _ = crawled
    data = tmp_path / "capped"
    result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "ERROR",
                     "--set", "ARCHIVE_VIDEO_MAX_SIZE=10000")
    assert result.returncode == 0, result.stdout
    db = _db(data)
    skipped = db.execute("SELECT url, reason, found_on FROM skipped").fetchall()
    videos = [a for a in SiteModel(articles=60).articles if a.kind in ("video", "leader")]
    assert len(skipped) == len(videos)
    assert all(url.endswith(".mp4") and reason == "over the size cap of 10000 bytes" and found_on
               for url, reason, found_on in skipped)
    assert db.execute("SELECT count(*) FROM captures WHERE mime = 'video/mp4'").fetchone()[0] == 0


def test_non_ascii_header_bytes_are_kept_as_sent(crawled):
    import gzip as gz

    server, data, _ = crawled
    gbk_page = next(a for a in SiteModel(articles=60).articles if a.charset != "utf-8")
    sent = f"inline; filename={gbk_page.title[:12]}.htm".encode("gbk", errors="ignore")
    raw = b"".join(gz.decompress(p.read_bytes()) for p in (data / "warc").glob("*.warc.gz"))
    assert b"Content-Disposition: " + sent in raw           # not %-encoded, not re-decoded


# Natural keys and contents only: the two crawls run at other times (seen-times, capture ids in the
# order responses came).
SAME_RECORDS = {
    "articles": "SELECT canonical_url, kind, title, published_at, source, author, text, content_hash, from_mirror "
                "FROM articles ORDER BY 1",
    "qa": "SELECT article, seq, question, answer, speaker FROM qa ORDER BY 1, 2",
    "interviewees": "SELECT i.article, p.name, i.seq, i.position FROM interviewees i JOIN people p "
                    "ON p.id = i.person_id ORDER BY 1, 3",
    "rankings": "SELECT source_url, rank, title, url, article FROM rankings ORDER BY 1, 2",
    "captures": "SELECT url, status, mime, payload_digest, record_type FROM captures ORDER BY 1, 2",
    "article_captures": "SELECT a.article, c.url, a.page, a.is_mirror FROM article_captures a "
                        "JOIN captures c ON c.id = a.capture_id ORDER BY 1, 2",
    "sitemap_entries": "SELECT url, lastmod FROM sitemap_entries ORDER BY 1",
}


def test_the_writer_process_stores_what_one_process_stores(tmp_path, crawled):
    """ARCHIVE_OFFLOAD (pages read and rows written in a second process) against one process: the same
    records, and each database equal to a reparse of its own WARC files."""
    from tests.test_reparse import _tables

    url = crawled[0].url
    one, two = tmp_path / "one", tmp_path / "two"
    counted = {}
    for data, offload in ((one, "False"), (two, "True")):
        stats = tmp_path / f"{data.name}.json"
        result = run_cli("crawl", "--site", "replica", "--url", url, "--data", str(data), "--log-level", "ERROR",
                         "--set", f"ARCHIVE_OFFLOAD={offload}", "--stats-file", str(stats))
        assert result.returncode == 0, result.stdout + result.stderr
        # what the progress line counts as it goes: the writer says what each stored article was
        counted[offload] = {k: v for k, v in json.loads(stats.read_text())["stats"].items()
                            if k.startswith("archive/articles_")}
    # new and edited do not depend on the order pages came in; 'unchanged' against 'mirror' does (an
    # original stored before or after its mirror page), so only their sum is the same
    for key in ("archive/articles_new", "archive/articles_edited"):
        assert counted["True"].get(key) == counted["False"].get(key), key
    assert counted["True"]["archive/articles_new"] > 0
    assert sum(counted["True"].values()) == sum(counted["False"].values())
    a, b = _db(one), _db(two)
    for name, sql in SAME_RECORDS.items():
        expected = a.execute(sql).fetchall()
        assert expected and b.execute(sql).fetchall() == expected, name
    for data in (one, two):
        rebuilt = data.parent / f"{data.name}-rebuilt.db"
        assert run_cli("reparse", "--data", str(data), "--output", str(rebuilt), "--jobs", "2").returncode == 0
        crawl, again = _db(data), sqlite3.connect(rebuilt)
        for table, sql in _tables(crawl).items():
            assert again.execute(sql).fetchall() == crawl.execute(sql).fetchall(), (data.name, table)
