"""Issue 12: damage is repaired or isolated, never silently spread. Each test crawls (or copies a
crawl of) the replica, damages a WARC file the way it happens, and goes on through the real CLI."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from archive.damage import scan
from tests.conftest import replica_for_module, run_cli, start_replica


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from replica_for_module(tmp_path_factory, "damage-site", articles=40)


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One crawl of the replica, copied by each test that damages it."""
    data = tmp_path_factory.mktemp("damage-base") / "data"
    result = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data), "--log-level", "ERROR")
    assert result.returncode == 0, result.stdout + result.stderr
    return data


@pytest.fixture
def data(crawled, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(crawled, copy)
    return copy


def _db(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(data / "archive.db")


def _article_capture(data: Path, order: str = "c.id LIMIT 1 OFFSET 5") -> dict:
    """The capture an article (not an interview, not in the ranking) points at: its original page."""
    row = _db(data).execute(
        "SELECT c.id, c.url, c.warc_file, c.warc_offset, c.warc_length, c.record_id, c.request_offset FROM articles a "
        "JOIN captures c ON c.id = a.capture_id WHERE a.kind = 'article' AND c.url = a.canonical_url "
        "AND a.canonical_url NOT IN (SELECT article FROM rankings WHERE article IS NOT NULL) "
        f"ORDER BY {order}").fetchone()
    return dict(zip(("id", "url", "file", "offset", "length", "record_id", "request_offset"), row))


def _flip_a_byte(data: Path, target: dict) -> Path:
    """One byte flipped in the middle of the target's response record, as a failing disk does."""
    path = data / "warc" / target["file"]
    raw = bytearray(path.read_bytes())
    raw[target["offset"] + target["length"] // 2] ^= 0xFF
    path.write_bytes(raw)
    return path


def _crawl(site, data: Path):
    result = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data), "--log-level", "ERROR")
    assert result.returncode in (0, 3), result.stdout + result.stderr      # a second run of an unchanged site
    return result


def _verify(data: Path, *args: str):
    return run_cli("verify", "--data", str(data), *args)


# Rows compared by natural keys: a skipped capture shifts the surrogate ids after it.
COMPARED = {
    "captures": "SELECT record_id, run_id, url, fetched_at, status, mime, payload_digest, warc_file, warc_offset, "
                "warc_length, request_offset, request_length, record_type FROM captures ORDER BY record_id",
    "articles": "SELECT a.canonical_url, a.kind, a.title, a.text, a.first_seen, a.last_seen, c.record_id "
                "FROM articles a JOIN captures c ON c.id = a.capture_id ORDER BY 1",
    "article_captures": "SELECT ac.article, c.record_id, ac.page FROM article_captures ac "
                        "JOIN captures c ON c.id = ac.capture_id ORDER BY 1, 2",
    "article_versions": "SELECT article, version, title, text FROM article_versions ORDER BY 1, 2",
    "qa": "SELECT article, seq, question, answer FROM qa ORDER BY 1, 2",
    "rankings": "SELECT run_id, source_url, rank, title, url, article FROM rankings ORDER BY 1, 2, 3",
}


def _rows(conn: sqlite3.Connection, table: str) -> list:
    return conn.execute(COMPARED[table]).fetchall()


def _assert_rebuilt_all_but(data: Path, rebuilt: Path, lost_record_ids: set[str], lost_articles: set[str]):
    """Every row the crawl made is rebuilt, but those of the lost captures and of their articles (which
    a reparse rebuilds from their mirror page, or not at all)."""
    crawl, again = _db(data), sqlite3.connect(rebuilt)
    for table in COMPARED:
        expected, got = ([row for row in _rows(conn, table) if not set(row) & (lost_record_ids | lost_articles)]
                         for conn in (crawl, again))
        assert expected and got == expected, table
    found = {r for (r,) in again.execute("SELECT record_id FROM captures")}
    assert not found & lost_record_ids


def _lost_urls_fetched_again(data: Path) -> list[tuple]:
    return _db(data).execute(
        "SELECT c.url, (SELECT min(n.id) FROM captures n WHERE n.url = c.url AND n.id > c.id AND n.lost IS NULL) "
        "FROM captures c WHERE c.lost IS NOT NULL ORDER BY c.id").fetchall()


def test_a_flipped_byte_is_named_skipped_packaged_around_repaired_and_fetched_again(site, data):
    target = _article_capture(data)
    _flip_a_byte(data, target)

    check = _verify(data)
    assert check.returncode == 1
    named = [line for line in check.stdout.splitlines() if f"@{target['offset']}: response record" in line]
    assert named and target["record_id"] in named[0] and target["url"] in named[0], check.stdout

    rebuilt = data.parent / "rebuilt.db"
    result = run_cli("reparse", "--data", str(data), "--output", str(rebuilt))
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("2 records skipped for damage"), result.stdout
    assert target["record_id"] in result.stderr and "Traceback" not in result.stderr
    _assert_rebuilt_all_but(data, rebuilt, {target["record_id"]}, {target["url"]})

    package = run_cli("wacz", "--data", str(data), "--all")
    assert package.returncode == 0, package.stderr
    assert "2 records left out for damage" in package.stdout and target["record_id"] in package.stderr

    repaired = _verify(data, "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert f"repaired {target['file']}: dropped 2 records" in repaired.stdout
    again = _verify(data)
    assert again.returncode == 0 and f"NOTE {target['file']}: capture {target['id']} of {target['url']} is lost" \
        in again.stdout, again.stdout
    # the repaired file says what it lost: a reparse marks the same capture lost
    result = run_cli("reparse", "--data", str(data), "--output", str(data.parent / "after-repair.db"))
    assert result.returncode == 0 and result.stdout.rstrip().endswith("0 records skipped for damage"), result.stdout
    marked = sqlite3.connect(data.parent / "after-repair.db").execute(
        "SELECT url, lost IS NOT NULL FROM captures WHERE record_id = ?", [target["record_id"]]).fetchall()
    assert marked == [(target["url"], 1)]

    _crawl(site, data)
    db = _db(data)
    new_id, run_id, lost = db.execute("SELECT id, run_id, lost FROM captures WHERE url = ? ORDER BY id DESC",
                                      [target["url"]]).fetchone()
    assert run_id == 2 and lost is None and new_id > target["id"]
    points_at = db.execute("SELECT capture_id FROM articles WHERE canonical_url = ?", [target["url"]]).fetchone()
    assert points_at == (new_id,)
    final = _verify(data)
    assert final.returncode == 0 and f"fetched again as capture {new_id}" in final.stdout, final.stdout


def _last_article_page(data: Path) -> dict:
    """The last capture an article points at (its original page or a mirror page): cut there, the file
    keeps articles, interviews and their mirror pages before the cut (the crawl fetches the originals
    first, so a cut at the last original page took every interview's mirror page with it)."""
    row = _db(data).execute(
        "SELECT c.id, c.url, c.warc_file, c.warc_offset, c.warc_length, c.record_id, c.request_offset "
        "FROM article_captures ac JOIN captures c ON c.id = ac.capture_id "
        "WHERE ac.article NOT IN (SELECT article FROM rankings WHERE article IS NOT NULL) "
        "ORDER BY c.id DESC LIMIT 1").fetchone()
    return dict(zip(("id", "url", "file", "offset", "length", "record_id", "request_offset"), row))


def test_a_closed_file_cut_short_is_repaired_and_what_it_lost_is_fetched_again(site, data):
    target = _last_article_page(data)
    path = data / "warc" / target["file"]
    after = {r for (r,) in _db(data).execute("SELECT record_id FROM captures WHERE warc_file = ? AND warc_offset >= ?",
                                              [target["file"], target["offset"]])}
    with open(path, "r+b") as fh:
        fh.truncate(target["offset"] + target["length"] // 2)

    check = _verify(data)
    assert check.returncode == 1 and f"@{target['offset']}: response record {target['record_id']}" in check.stdout
    assert "cut short" in check.stdout

    rebuilt = data.parent / "rebuilt.db"
    result = run_cli("reparse", "--data", str(data), "--output", str(rebuilt))
    assert result.returncode == 0 and "records skipped for damage" in result.stdout, result.stderr
    lost_articles = {url for (url,) in _db(data).execute(
        "SELECT ac.article FROM article_captures ac JOIN captures c ON c.id = ac.capture_id WHERE c.warc_file = ? "
        "AND c.warc_offset >= ?", [target["file"], target["offset"]])}
    _assert_rebuilt_all_but(data, rebuilt, after, lost_articles)

    package = run_cli("wacz", "--data", str(data), "--all")
    assert package.returncode == 0 and "records left out for damage" in package.stdout, package.stderr

    assert _verify(data, "--repair").returncode == 0
    assert _verify(data).returncode == 0
    marked = _db(data).execute("SELECT record_id FROM captures WHERE lost IS NOT NULL").fetchall()
    assert {r for (r,) in marked} == after

    _crawl(site, data)
    fetched = _lost_urls_fetched_again(data)
    assert fetched and all(again for _, again in fetched), fetched
    db = _db(data)
    own_lost = [url for (url,) in db.execute("SELECT a.canonical_url FROM articles a JOIN captures c ON "
                                             "c.id = a.capture_id WHERE c.lost IS NOT NULL")]
    assert not own_lost, "an article still points at a lost capture"
    for url in lost_articles:       # each points at a whole capture, of this run where its own was lost
        (capture,) = db.execute("SELECT capture_id FROM articles WHERE canonical_url = ?", [url]).fetchone()
        assert db.execute("SELECT lost FROM captures WHERE id = ?", [capture]).fetchone() == (None,)
    assert _verify(data).returncode == 0


def test_a_file_left_open_with_a_record_cut_short_mid_file_keeps_every_whole_pair(site, data):
    """A full disk: a response written in part, then space came back and the run wrote on, then the
    run was killed. The database has no row for the capture whose write failed, and rows after it."""
    db = _db(data)
    image = dict(zip(("id", "url", "file", "offset", "length", "request_offset"), db.execute(
        "SELECT id, url, warc_file, warc_offset, warc_length, request_offset FROM captures "
        "WHERE url LIKE '%/images/20%' ORDER BY id LIMIT 1 OFFSET 3").fetchone()))
    path = data / "warc" / image["file"]
    raw = path.read_bytes()
    kept = image["length"] // 3
    path.with_name(path.name + ".open").write_bytes(raw[: image["offset"] + kept]
                                                    + raw[image["offset"] + image["length"]:])
    path.unlink()
    shift = image["length"] - kept
    with db:
        db.execute("DELETE FROM captures WHERE id = ?", [image["id"]])
        db.execute("UPDATE captures SET warc_offset = warc_offset - ?, request_offset = request_offset - ? "
                   "WHERE warc_file = ? AND warc_offset > ?", [shift, shift, image["file"], image["offset"]])
        db.execute("UPDATE runs SET status = 'running'")
    rows_after = db.execute("SELECT count(*) FROM captures WHERE warc_file = ? AND warc_offset > ?",
                            [image["file"], image["offset"]]).fetchone()[0]
    assert rows_after > 10

    result = _crawl(site, data)
    assert f"recovered {image['file']}" in result.stderr
    check = _verify(data)
    assert check.returncode == 0, check.stdout
    db = _db(data)
    captures = db.execute("SELECT run_id, lost IS NOT NULL FROM captures WHERE url = ? ORDER BY id",
                          [image["url"]]).fetchall()
    assert captures == [(1, 1), (2, 0)], captures
    # every pair after the damage is still there, its row pointing at it
    assert db.execute("SELECT count(*) FROM captures WHERE warc_file = ? AND lost IS NULL AND warc_offset > ?",
                      [image["file"], image["request_offset"]]).fetchone()[0] == rows_after


def test_a_repair_cut_off_after_its_commit_is_finished_by_the_next_recovery(data, monkeypatch):
    """Step 2 of archive.repair done, the rename not: the rows describe the new file, which waits beside."""
    from archive import repair as repair_module
    from archive.recovery import recover
    from archive.store import open_archive

    target = _article_capture(data)
    path = _flip_a_byte(data, target)

    def crash(*args):
        raise KeyboardInterrupt("power cut")

    db = open_archive(data / "archive.db")
    monkeypatch.setattr(repair_module.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        repair_module.repair_file(path, db)
    monkeypatch.undo()
    db.close()
    assert path.with_name(path.name + ".repairing").exists() and scan(path).damaged
    assert _verify(data).returncode == 1          # rows already point into the new file

    recovered = recover(data)
    assert recovered.finished_repairs == [target["file"]]
    assert not path.with_name(path.name + ".repairing").exists()
    assert _verify(data).returncode == 0


def test_a_repair_that_finds_the_disk_full_leaves_file_and_rows_as_they_were(data, monkeypatch):
    import errno

    from archive import repair as repair_module
    from archive.store import open_archive

    target = _article_capture(data)
    path = _flip_a_byte(data, target)
    before = path.read_bytes()

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(repair_module, "copy_members", full)
    db = open_archive(data / "archive.db")
    with pytest.raises(repair_module.RepairError, match="No space left"):
        repair_module.repair_file(path, db)
    db.close()
    assert path.read_bytes() == before and not list((data / "warc").glob("*.repairing"))
    assert _db(data).execute("SELECT count(*) FROM captures WHERE lost IS NOT NULL").fetchone() == (0,)


def test_a_stray_file_of_a_repair_cut_off_before_its_commit_is_removed(data):
    from archive.recovery import recover

    name = next((data / "warc").glob("*.warc.gz")).name
    stray = data / "warc" / (name + ".repairing")
    stray.write_bytes(b"half a file")
    assert recover(data).finished_repairs == []
    assert not stray.exists() and _verify(data).returncode == 0


def _warc_count(data: Path) -> int:
    return len(list((data / "warc").glob("*.warc.gz*")))


def test_a_lost_wal_stops_the_next_crawl_until_rebuilt_and_runs_keep_distinct_numbers(tmp_path):
    from tests.test_crash import _crawl_and_kill

    server = start_replica(tmp_path, articles=300)
    try:
        data = tmp_path / "data"
        assert _crawl_and_kill(server.url, data, 60)
        for suffix in ("-wal", "-shm"):
            Path(f"{data / 'archive.db'}{suffix}").unlink(missing_ok=True)
        files = _warc_count(data)

        stopped = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "ERROR")
        assert stopped.returncode == 1, stopped.stdout + stopped.stderr
        lines = [line for line in stopped.stderr.splitlines() if "not crawling" in line]
        assert len(lines) == 1 and "newsarchive reparse" in lines[0] and "--rebuild" in lines[0], stopped.stderr
        assert "run 1 started" in lines[0]
        assert _warc_count(data) == files          # nothing was fetched

        rebuilt = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--rebuild", "--log-level", "ERROR")
        assert rebuilt.returncode in (0, 3), rebuilt.stdout + rebuilt.stderr
        runs = _db(data).execute("SELECT id, status, uid FROM runs ORDER BY id").fetchall()
        assert [(r[0], r[1]) for r in runs] == [(1, "interrupted"), (2, "finished")]
        assert runs[0][2] and runs[1][2] and runs[0][2] != runs[1][2]
        assert _verify(data).returncode == 0
    finally:
        server.stop()


def test_two_crawls_numbered_run_1_come_out_of_a_reparse_as_two_runs(site, crawled, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(crawled, first)
    assert run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(second), "--log-level", "ERROR").returncode == 0
    for path in (second / "warc").glob("*.warc.gz"):
        shutil.copy(path, first / "warc" / path.name)
    stopped = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(first), "--log-level", "ERROR")
    assert stopped.returncode == 1 and "hold 1 run that" in stopped.stderr, stopped.stderr

    result = run_cli("reparse", "--data", str(first))
    assert result.returncode == 0, result.stderr
    assert "run 1 of a later crawl (its number was given again) is run 2 now" in result.stderr
    runs = _db(first).execute("SELECT id, uid, started_at FROM runs ORDER BY id").fetchall()
    originals = [_db(d).execute("SELECT uid, started_at FROM runs").fetchone() for d in (crawled, second)]
    assert [(r[1], r[2]) for r in runs] == originals and [r[0] for r in runs] == [1, 2]
    counts = _db(first).execute("SELECT run_id, count(*) FROM captures GROUP BY 1").fetchall()
    assert [c[0] for c in counts] == [1, 2] and all(c[1] > 50 for c in counts)
    assert run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(first), "--log-level", "ERROR").returncode in (0, 3)
    assert _db(first).execute("SELECT max(id) FROM runs").fetchone() == (3,)


def test_files_without_a_run_uid_are_told_apart_by_their_start(tmp_path):
    """Files written before runs had a uid: a number that comes back with another start is another run;
    a worker's file (worker 0's named only by its pid) joins the run of its number that started last
    before it."""
    from archive.run_identity import run_numbers, warc_run
    from archive.warc import WarcWriter

    def write(prefix: str, run: int, started: str, **extra) -> str:
        info = {"newsarchive-run": run, "newsarchive-started-at": started, "newsarchive-site": "generic", **extra}
        with WarcWriter(tmp_path, prefix=prefix, warcinfo=info) as writer:
            writer.write_metadata("urn:test", {})
        return writer.files_closed[0]

    names = [write("a", 1, "2026-01-01T00:00:00+00:00"), write("b", 2, "2026-01-02T00:00:00+00:00"),
             write("c", 1, "2026-01-03T00:00:00+00:00"), write("d", 1, "2026-01-03T00:00:05+00:00",
                                                                   **{"newsarchive-pid": 4242}),
             write("e", 2, "2026-01-04T00:00:00+00:00"), write("f", 2, "2026-01-04T00:00:00+00:00")]
    numbers = run_numbers([warc_run(tmp_path / name) for name in names])
    assert [numbers[name] for name in names] == [1, 2, 3, 3, 4, 4]


def test_a_worker_writes_the_identity_its_coordinator_began_the_run_with(tmp_path):
    """Worker files carry the run's uid and start, read from the archive, so that a reparse and the
    crawl's check see one run, not one per worker."""
    from scrapy.settings import Settings

    from archive.run_identity import missing_runs, warc_run
    from archive.store import Archive, open_archive
    from crawler.distributed.worker import WorkerSession
    from archive.vocabulary import run_warc_writer

    archive = Archive(open_archive(tmp_path / "archive.db"))
    run_id = archive.begin_run("replica", "1", "0")
    started, uid = archive.db.execute("SELECT started_at, uid FROM runs WHERE id = ?", [run_id]).fetchone()
    session = WorkerSession.from_settings(Settings({
        "ARCHIVE_DATA": str(tmp_path), "ARCHIVE_RUN_ID": run_id, "ARCHIVE_WORKER": 0, "ARCHIVE_SITE": "replica",
        "ARCHIVE_SHARD": str(tmp_path / "shards" / "worker-0.shard.db"), "WARC_PREFIX": "worker",
        "WARC_MAX_SIZE": 10 ** 9, "USER_AGENT": "test"}))
    session.warc.write_metadata("urn:test", {})
    session.close()
    with run_warc_writer(tmp_path / "warc", "coordinator", run_id, "replica", None, started,
                         {"newsarchive-role": "coordinator"}, run_uid=uid) as writer:
        writer.write_metadata("urn:test", {})
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    runs = [warc_run(path) for path in files]
    assert [(r.uid, r.started_at, r.worker) for r in runs] == [(uid, started, False), (uid, started, True)]
    assert missing_runs(tmp_path / "archive.db", files) == []


def test_a_response_cut_inside_its_headers_is_named_by_its_whole_request(tmp_path):
    """A response whose gzip member ends inside its WARC header block: what decompresses ends in a
    half line ("WARC-Target-URI: http://…/images/2022-09/05/1"). The scan never takes a half line for
    a header; the capture is named with the URI and date of its request."""
    from datetime import datetime, timezone

    from archive.warc import HttpExchange, WarcWriter

    uri = "http://127.0.0.1:8000/images/2022-09/05/100009_2.png"
    with WarcWriter(tmp_path / "whole") as writer:
        ref = writer.write_exchange(HttpExchange(
            url=uri, method="GET", request_headers=[(b"Host", b"127.0.0.1:8000")], status=200, reason="OK",
            response_headers=[(b"Content-Type", b"image/png")], body=bytes(range(256)) * 8,
            fetched_at=datetime(2022, 10, 8, tzinfo=timezone.utc)))
    whole = (tmp_path / "whole" / ref.warc_file).read_bytes()
    response_at = ref.offset
    names = set()
    for cut in range(response_at + 40, response_at + 400, 7):
        path = tmp_path / f"cut-{cut}.warc.gz"
        path.write_bytes(whole[:cut])
        damaged = [d for d in scan(path).dropped if d.rec_type == "response" or d.start == response_at]
        assert damaged, cut
        names.update(d.target_uri for d in damaged)
    assert names == {uri}, names
