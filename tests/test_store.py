"""The SQLite archive: migrations, upserts on natural keys, mirror/original precedence."""

import sqlite3

from archive.schema import migrations
from archive.store import Archive, open_archive
from archive.warc import CaptureRef


def _ref(n: int) -> CaptureRef:
    return CaptureRef(f"f{n}.warc.gz", 100 * n, 50, f"<urn:uuid:{n}>", 0, 10, "sha1:X", "2022-10-08T01:00:00Z")


RECORD = {
    "canonical_url": "http://h/2022-10/08/content_1.htm", "kind": "interview", "title": "访谈", "text": "问答",
    "interview": {"interviewees": [{"name": "陈定贵", "position": "副书记"}],
                  "qa": [{"question": "一、问？", "answer": "答。"}, {"question": "二、问？", "answer": "答。"}]},
}


def test_migrations_from_empty_file_and_reopen(tmp_path):
    db = open_archive(tmp_path / "a.db")
    assert {"runs", "captures", "articles", "qa", "rankings", "people"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()
    again = open_archive(tmp_path / "a.db")
    assert [m.name for m in migrations.applied(again)] == [
        "m001_initial", "m002_versions_and_search", "m003_revisits_and_skipped_media", "m004_sitemap_entries", "m005_failures",
        "m006_merged_shards_and_uploads", "m007_lost_captures_and_repairs", "m008_run_uid", "m009_article_script", "m010_facet_counts"]


def test_migration_from_the_previous_schema_backfills(tmp_path):
    import sqlite_utils

    db = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m002_versions_and_search")
    assert "article_versions" not in db.table_names()
    run = db["runs"].insert({"site": "replica", "started_at": "t0", "status": "finished"}).last_pk
    capture = db["captures"].insert({"run_id": run, "url": RECORD["canonical_url"], "status": 200, "warc_file": "f",
                                     "warc_offset": 0, "warc_length": 1, "record_id": "<urn:uuid:1>"}).last_pk
    db["articles"].insert({"canonical_url": RECORD["canonical_url"], "kind": "interview", "title": "汽开区访谈",
                           "text": "中国一汽在长春", "first_seen": "t0", "last_seen": "t0", "capture_id": capture,
                           "content_hash": "h1", "from_mirror": 0})
    db["interviews"].insert({"article": RECORD["canonical_url"], "capture_id": capture})
    db["qa"].insert({"article": RECORD["canonical_url"], "seq": 1, "question": "一汽怎么样？", "answer": "很好。"})
    db.close()
    archive = Archive(open_archive(tmp_path / "old.db"))
    assert archive.db["article_versions"].count == 1
    assert archive.search("一汽") == [RECORD["canonical_url"]]
    assert archive.search("汽开区") == [RECORD["canonical_url"]]
    assert archive.search("很好") == [RECORD["canonical_url"]]       # found through the Q&A index
    assert archive.search("没有的词") == []
    assert archive.db.execute("SELECT record_type FROM captures").fetchone() == ("response",)


def test_a_changed_article_becomes_a_new_version(tmp_path):
    archive = Archive(open_archive(tmp_path / "a.db"))
    for run, text in enumerate(["第一版", "第一版", "第二版"], 1):
        archive.begin_run("replica", "1", "0.1.0")
        capture = archive.add_capture(run, RECORD["canonical_url"], 200, "text/html", _ref(run))
        archive.store_article({**RECORD, "text": text}, [capture], f"t{run}", run)
    versions = archive.db.execute("SELECT version, run_id, text FROM article_versions ORDER BY version").fetchall()
    assert versions == [(1, 1, "第一版"), (2, 3, "第二版")]
    assert archive.db.execute("SELECT text, first_seen, last_seen FROM articles").fetchone() == ("第二版", "t1", "t3")
    assert archive.search("第二版") == [RECORD["canonical_url"]] and archive.search("第一版") == []


def test_storing_twice_adds_no_duplicates(tmp_path):
    archive = Archive(open_archive(tmp_path / "a.db"))
    run = archive.begin_run("replica", "1", "0.1.0")
    for _ in range(2):
        capture = archive.add_capture(run, RECORD["canonical_url"], 200, "text/html", _ref(1))
        archive.store_article(RECORD, [capture], "2022-10-08T01:00:00Z")
    db = archive.db
    assert db["articles"].count == 1 and db["captures"].count == 1
    assert db["qa"].count == 2 and db["people"].count == 1 and db["interviewees"].count == 1


def test_original_text_wins_over_the_mirror(tmp_path):
    archive = Archive(open_archive(tmp_path / "a.db"))
    run = archive.begin_run("replica", "1", "0.1.0")
    original = archive.add_capture(run, "http://h/a", 200, "text/html", _ref(1))
    mirror = archive.add_capture(run, "http://h/gate/big5/h/a", 200, "text/html", _ref(2))
    archive.store_article({**RECORD, "title": "原文"}, [original], "t1")
    archive.store_article({**RECORD, "title": "镜像", "is_mirror": True}, [mirror], "t2")
    row = archive.db.execute("SELECT title, from_mirror, capture_id FROM articles").fetchone()
    assert row == ("原文", 0, original)
    links = archive.db.execute("SELECT capture_id, is_mirror FROM article_captures ORDER BY capture_id").fetchall()
    assert links == [(original, 0), (mirror, 1)]


def test_mirror_first_then_original_replaces_it(tmp_path):
    archive = Archive(open_archive(tmp_path / "a.db"))
    run = archive.begin_run("replica", "1", "0.1.0")
    mirror = archive.add_capture(run, "http://h/gate/big5/h/a", 200, "text/html", _ref(2))
    original = archive.add_capture(run, "http://h/a", 200, "text/html", _ref(1))
    archive.store_article({**RECORD, "title": "镜像", "is_mirror": True}, [mirror], "t1")
    archive.store_article({**RECORD, "title": "原文"}, [original], "t2")
    assert archive.db.execute("SELECT title, from_mirror, first_seen FROM articles").fetchone() == ("原文", 0, "t1")


def test_foreign_keys_hold(tmp_path):
    db = open_archive(tmp_path / "a.db")
    try:
        db.execute("INSERT INTO qa (article, seq, question, answer) VALUES ('nope', 1, 'q', 'a')")
    except sqlite3.IntegrityError:
        return
    raise AssertionError("a Q&A row for a missing interview was accepted")


def test_the_script_of_an_article_is_stored(tmp_path):
    archive = Archive(open_archive(tmp_path / "a.db"))
    run = archive.begin_run("replica", "3", "0")
    capture = archive.add_capture(run, RECORD["canonical_url"], 200, "text/html", _ref(1))
    archive.store_article({**RECORD, "title": "港鐵通車", "text": "港鐵公司表示", "script": "zh-Hant"}, [capture], "t1")
    assert archive.db.execute("SELECT title, script FROM articles").fetchall() == [("港鐵通車", "zh-Hant")]
