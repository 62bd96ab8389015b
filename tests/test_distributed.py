"""Several crawl workers on one frontier in a real Redis (started here), against the real replica.

The coordinator starts real worker processes (`python -m crawler.distributed`), each a real Scrapy
engine with scrapy-redis's scheduler; their shards are merged into a real SQLite archive.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from archive.crawl_archive import CrawlArchive
from archive.leftover_shards import merge_leftover_shards, shard_being_written
from archive.lock import holder_pid
from archive.shards.merge import merge_shards
from archive.shards.writer import ShardArchive, ShardError, lock_path, shard_id_base
from archive.store import Archive, open_archive
from archive.warc import CaptureRef
from tests.conftest import ROOT, free_port, run_cli, start_replica



@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server is not installed: `make test` installs it (Debian package redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = start_replica(tmp_path_factory.mktemp("replica-dist"), articles=120)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def reference(site, tmp_path_factory):
    """What one single-process crawl of the same replica archives."""
    data = tmp_path_factory.mktemp("single")
    result = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data))
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(data / "archive.db") as db:
        return {"articles": {r[0] for r in db.execute("SELECT canonical_url FROM articles")},
                "urls": {r[0] for r in db.execute("SELECT url FROM captures")},
                "qa": db.execute("SELECT count(*) FROM qa").fetchone()[0],
                "rankings": db.execute("SELECT count(*) FROM rankings").fetchone()[0]}


def _captures(data: Path, run_id: int) -> Counter:
    with sqlite3.connect(data / "archive.db") as db:
        return Counter(r[0] for r in db.execute("SELECT url FROM captures WHERE run_id = ?", [run_id]))


def _run_row(data: Path) -> dict:
    with sqlite3.connect(data / "archive.db") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return {**dict(row), "stats": json.loads(row["stats"])}


def test_three_workers_archive_every_article_exactly_once(site, reference, redis_url, tmp_path):
    data = tmp_path / "data"
    result = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data),
                     "--workers", "3", "--redis", redis_url)
    assert result.returncode == 0, result.stdout + result.stderr
    run = _run_row(data)
    assert run["status"] == "finished" and run["health"] == "ok"
    with sqlite3.connect(data / "archive.db") as db:
        articles = {r[0] for r in db.execute("SELECT canonical_url FROM articles")}
        assert db.execute("SELECT count(*) FROM qa").fetchone()[0] == reference["qa"]
        assert db.execute("SELECT count(*) FROM rankings").fetchone()[0] == reference["rankings"]
        merged = db.execute("SELECT worker, status FROM merged_shards ORDER BY worker").fetchall()
    assert articles == reference["articles"]
    captures = _captures(data, run["id"])
    assert set(captures) == reference["urls"]
    # every URL archived once, robots.txt included: one worker fetches it, the others read it from Redis
    assert any(u.endswith("/robots.txt") for u in captures)
    assert {u: n for u, n in captures.items() if n != 1} == {}
    assert run["stats"]["robotstxt/shared"] == 2 and run["stats"]["robotstxt/request_count"] == 1
    assert merged == [(0, "finished"), (1, "finished"), (2, "finished")]
    # the work was shared: no worker did more than twice the pages of another
    split = run["stats"]["distributed/split"]
    assert len(split) == 3 and min(split.values()) > 0, split
    assert max(split.values()) <= 2 * min(split.values()), split
    # each worker wrote its own WARC files, named with host and PID (and the coordinator one for the run's
    # closing record); nothing left open; shards merged away
    warcs = sorted((data / "warc").glob("*.warc.gz"))
    pids = {w.name.split("-")[3] for w in warcs}
    workers = json.loads(next((data / "shards").glob("run-*/workers.json")).read_text())
    assert {str(p) for p in workers.values()} < pids and len(pids) == 4
    assert not list((data / "warc").glob("*.open"))
    assert not list((data / "shards").rglob("*.shard.db"))
    assert run_cli("verify", "--data", str(data)).returncode == 0
    # the WARC files alone give the same database back (the coordinator's file closes the run)
    rebuilt = run_cli("reparse", "--data", str(data), "--output", str(tmp_path / "rebuilt.db"))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    with sqlite3.connect(tmp_path / "rebuilt.db") as db:
        assert {r[0] for r in db.execute("SELECT canonical_url FROM articles")} == articles
        assert Counter(r[0] for r in db.execute("SELECT url FROM captures")) == captures
        status, stats = db.execute("SELECT status, stats FROM runs WHERE id = ?", [run["id"]]).fetchone()
        assert status == "finished" and json.loads(stats)["distributed/split"] == split
    import redis

    assert not list(redis.Redis.from_url(redis_url).scan_iter(match=f"newsarchive:{run['id']}:*"))


def test_the_request_rate_of_all_workers_together_stays_within_the_limit(redis_url, tmp_path):
    server = start_replica(tmp_path, articles=20)
    try:
        limit = 12.0
        result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(tmp_path / "data"),
                         "--workers", "3", "--redis", redis_url, "--max-rate", str(limit))
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        server.stop()
    times = sorted(float(line.split()[0]) for line in server.access_log.read_text().splitlines())
    assert len(times) > 40
    # three workers, one clock: in any one-second window no more than the limit (plus one for the edge)
    busiest = max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times))
    assert busiest <= limit + 1, busiest
    overall = (len(times) - 1) / (times[-1] - times[0])
    assert overall <= limit * 1.05, overall


def test_a_worker_fetches_robots_txt_itself_when_the_worker_that_claimed_it_never_publishes(redis_url, tmp_path):
    import redis

    from crawler.distributed.keys import RunKeys

    server = start_replica(tmp_path, articles=20)
    data = tmp_path / "data"
    archive = Archive(open_archive(data / "archive.db"))
    run_id = archive.begin_run("replica", "1", "0", server.url)
    archive.db.close()
    namespace = f"test-robots-{os.getpid()}-{time.monotonic_ns()}"
    host = server.url.split("/")[2]
    client = redis.Redis.from_url(redis_url)
    client.set(RunKeys(namespace).robots_fetcher(host), 7)          # a worker 7 claimed it, then died
    try:
        result = run_cli("worker", "--site", "replica", "--url", server.url, "--data", str(data), "--redis",
                         redis_url, "--namespace", namespace, "--run", str(run_id), "--worker", "0", "--workers",
                         "1", "--seeder", "--shard", str(tmp_path / "w0.shard.db"),
                         "--set", "ARCHIVE_ROBOTS_WAIT=1", "--set", "LOG_LEVEL=INFO")
    finally:
        server.stop()
        for key in client.scan_iter(match=f"{namespace}:*"):
            client.delete(key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"robots.txt of {host} was not published within 1 s: fetching it here" in result.stderr
    fetched = [line.split()[4] for line in server.access_log.read_text().splitlines()]
    assert fetched.count("/robots.txt") == 1 and len(fetched) > 20
    with sqlite3.connect(tmp_path / "w0.shard.db") as db:
        stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["robotstxt/response_count"] == 1 and "robotstxt/shared" not in stats


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _shard_captures(shard: Path) -> int:
    try:
        with sqlite3.connect(f"{shard.resolve().as_uri()}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_killed_worker_loses_nothing(site, reference, redis_url, tmp_path):
    data = tmp_path / "data"
    coordinator = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", site.url, "--data",
         str(data), "--workers", "3", "--redis", redis_url, "--max-rate", "60", "--lease-timeout", "3"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        workers_file = _wait_for(lambda: next(iter((data / "shards").glob("run-*/workers.json")), None)
                                 if (data / "shards").exists() else None, 60, "the workers to start")
        pids = _wait_for(lambda: (lambda d: d if len(d) == 3 else None)(json.loads(workers_file.read_text())),
                         30, "three worker PIDs")
        shard = workers_file.parent / "worker-1.shard.db"
        _wait_for(lambda: _shard_captures(shard) >= 25, 120, "worker 1 to archive 25 pages")
        os.kill(pids["1"], signal.SIGKILL)
        out, err = coordinator.communicate(timeout=300)
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
    # the run says what happened, and exits 3 so that cron mail shows it
    assert coordinator.returncode == 3, out + err
    assert "worker 1: killed by SIGKILL" in out
    run = _run_row(data)
    assert run["stats"]["distributed/requeued_leases"] > 0
    with sqlite3.connect(data / "archive.db") as db:
        articles = {r[0] for r in db.execute("SELECT canonical_url FROM articles")}
        statuses = dict(db.execute("SELECT worker, status FROM merged_shards"))
    assert statuses == {0: "finished", 1: "running", 2: "finished"}
    # nothing lost, nothing twice
    assert articles == reference["articles"]
    captures = _captures(data, run["id"])
    assert set(captures) == reference["urls"]
    assert {u: n for u, n in captures.items() if n != 1} == {}
    # the dead worker's open WARC file was cut back to whole records and closed
    assert not list((data / "warc").glob("*.open"))
    check = run_cli("verify", "--data", str(data))
    assert check.returncode == 0, check.stdout + check.stderr
    # the WARC files alone give the same captures and articles back: the dead worker's records that
    # the merge superseded (1 and 3 in two runs here) are named in the coordinator's file, and a reparse
    # leaves them out too
    rebuilt = run_cli("reparse", "--data", str(data), "--output", str(tmp_path / "rebuilt.db"))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    with sqlite3.connect(tmp_path / "rebuilt.db") as db:
        assert Counter(r[0] for r in db.execute("SELECT url FROM captures")) == captures
        assert {r[0] for r in db.execute("SELECT canonical_url FROM articles")} == articles


# -- the merge, on shards written here --------------------------------------------------------
def _ref(name: str, n: int) -> CaptureRef:
    return CaptureRef(warc_file=name, offset=0, length=10, record_id=f"<urn:uuid:{n:08d}>", request_offset=10,
                      request_length=5, payload_digest=f"sha1:{n}", warc_date="2026-11-27T00:00:00Z")


def _article(url: str, title: str) -> dict:
    return {"url": url, "canonical_url": url, "kind": "article", "title": title, "text": "正文",
            "extractor_version": "1"}


@pytest.fixture
def archive_with_run(tmp_path):
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "w.warc.gz").write_bytes(b"x" * 100)
    archive = Archive(open_archive(tmp_path / "archive.db"))
    run_id = archive.begin_run("replica", "1", "0")
    return archive, run_id, tmp_path


def _shard(tmp_path: Path, worker: int, run_id: int, pages: list[tuple[str, str]], finish: bool = True,
           directory: Path | None = None) -> Path:
    path = (directory or tmp_path) / f"worker-{worker}.shard.db"
    shard = ShardArchive(path, tmp_path / "archive.db", worker)
    shard.begin_run("replica", "1", "0", run_id=run_id)
    for n, (url, title) in enumerate(pages):
        capture = shard.add_capture(run_id, url, 200, "text/html", _ref("w.warc.gz", worker * 100 + n))
        assert capture >= shard_id_base(worker)
        shard.store_page(run_id, _article(url, title), [capture], "2026-11-27T00:00:00Z", False)
    if finish:
        shard.finish_run(run_id, "finished", "ok", {"response_received_count": len(pages)})
    shard.close()
    return path


def test_a_shard_is_merged_once_and_a_failed_merge_leaves_the_archive_as_it_was(archive_with_run):
    archive, run_id, tmp = archive_with_run
    good = _shard(tmp, 0, run_id, [("http://h/a.htm", "甲"), ("http://h/b.htm", "乙")])
    bad = _shard(tmp, 1, run_id, [("http://h/c.htm", "丙")])
    with sqlite3.connect(bad) as db:      # a page record without its kind: the merge must fail whole
        db.execute("UPDATE pages SET record = json_remove(record, '$.kind')")
    with pytest.raises(KeyError):
        merge_shards(archive, run_id, [good, bad], tmp / "warc")
    assert archive.db.execute("SELECT count(*) FROM captures").fetchone()[0] == 0
    assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    report = merge_shards(archive, run_id, [good], tmp / "warc")
    assert (report.captures, report.pages) == (2, 2)
    again = merge_shards(archive, run_id, [good], tmp / "warc")
    assert again.already_merged == [good.name] and again.captures == 0
    assert archive.db.execute("SELECT count(*) FROM captures").fetchone()[0] == 2
    with pytest.raises(ShardError, match="belongs to run"):
        merge_shards(archive, run_id + 1, [bad], tmp / "warc")


def test_a_dead_workers_capture_of_a_url_a_live_worker_also_captured_is_superseded(archive_with_run):
    archive, run_id, tmp = archive_with_run
    live = _shard(tmp, 0, run_id, [("http://h/a.htm", "甲 (live)")])
    dead = _shard(tmp, 1, run_id, [("http://h/a.htm", "甲 (dead)"), ("http://h/b.htm", "乙")], finish=False)
    report = merge_shards(archive, run_id, [live, dead], tmp / "warc")
    assert report.dead_workers == [1] and report.superseded_captures == 1
    rows = archive.db.execute("SELECT url, count(*) FROM captures GROUP BY url ORDER BY url").fetchall()
    assert rows == [("http://h/a.htm", 1), ("http://h/b.htm", 1)]
    assert archive.db.execute("SELECT title FROM articles WHERE canonical_url = 'http://h/a.htm'").fetchone() == \
        ("甲 (live)",)


def test_the_merge_command_merges_shards_from_another_host_once(archive_with_run):
    archive, run_id, tmp = archive_with_run
    shard = _shard(tmp, 4, run_id, [("http://h/a.htm", "甲"), ("http://h/b.htm", "乙")])
    archive.db.close()
    first = run_cli("merge", "--data", str(tmp), "--run", str(run_id), str(shard))
    assert first.returncode == 0 and "merged 1 shards: 2 captures, 2 pages (0 merged before" in first.stdout, \
        first.stdout + first.stderr
    second = run_cli("merge", "--data", str(tmp), "--run", str(run_id), str(shard))
    assert second.returncode == 0 and "merged 0 shards: 0 captures, 0 pages (1 merged before" in second.stdout
    with sqlite3.connect(tmp / "archive.db") as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2


def test_shards_a_coordinator_left_are_merged_by_the_next_run_once_their_workers_are_gone(archive_with_run):
    archive, run_id, tmp = archive_with_run
    run_dir = tmp / "shards" / f"run-{run_id}"
    done = _shard(tmp, 0, run_id, [("http://h/a.htm", "甲")], directory=run_dir)
    # worker 1 is still running: it holds its shard open (this test's own process)
    busy = _shard(tmp, 1, run_id, [("http://h/b.htm", "乙")], finish=False, directory=run_dir)
    writer = ShardArchive(busy, tmp / "archive.db", 1)
    stray = _shard(tmp, 2, run_id + 5, [("http://h/c.htm", "丙")], directory=tmp / "shards" / f"run-{run_id + 5}")
    archive.db.execute("UPDATE runs SET status = 'interrupted', health = 'unhealthy' WHERE id = ?", [run_id])
    first = {r.run_id: r for r in merge_leftover_shards(archive, tmp)}
    assert first[run_id].still_writing == [os.getpid()] and first[run_id].report is None
    assert "is not in this archive" in first[run_id + 5].error
    assert archive.db.execute("SELECT count(*) FROM captures").fetchone()[0] == 0
    assert done.exists() and busy.exists() and stray.exists()
    # the worker has gone (killed): both shards go in, the dead worker's as a dead worker's
    writer.close()
    second = {r.run_id: r for r in merge_leftover_shards(archive, tmp)}
    report = second[run_id].report
    assert report.shards == [done.name, busy.name] and report.dead_workers == [1]
    assert archive.db.execute("SELECT url FROM captures ORDER BY url").fetchall() == [("http://h/a.htm",),
                                                                                      ("http://h/b.htm",)]
    status, health, finished_at, stats = archive.db.execute(
        "SELECT status, health, finished_at, stats FROM runs WHERE id = ?", [run_id]).fetchone()
    assert (status, health, finished_at) == ("interrupted", "unhealthy", "2026-11-27T00:00:00Z")
    stats = json.loads(stats)
    assert stats["archive/merged_pages"] == 2 and stats["response_received_count"] == 1
    assert stats["health_reasons"] == ["the coordinator stopped before the merge: 2 worker shards were merged by "
                                       "a later run"]
    assert not done.exists() and not busy.exists() and stray.exists()
    assert merge_leftover_shards(archive, tmp)[0].run_id == run_id + 5


def test_a_worker_counts_as_writing_its_shard_while_it_holds_the_lock_beside_it(tmp_path):
    """Not its PID, nor its command line: a PID given to another program since, or a killed worker
    nobody has reaped yet (a zombie), writes nothing."""
    Archive(open_archive(tmp_path / "archive.db")).close()
    shard = tmp_path / "worker-0.shard.db"
    code = ("import sys, time; from pathlib import Path; from archive.shards.writer import ShardArchive; "
            "shard = ShardArchive(Path(sys.argv[1]), Path(sys.argv[2]), 0); print('writing', flush=True); time.sleep(60)")
    worker = subprocess.Popen([sys.executable, "-c", code, str(shard), str(tmp_path / "archive.db")], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert worker.stdout.readline().strip() == "writing"
        assert shard_being_written(shard) and holder_pid(lock_path(shard)) == worker.pid
        with pytest.raises(ShardError, match="in use by pid"):      # no second writer
            ShardArchive(shard, tmp_path / "archive.db", 0)
        worker.kill()
        _wait_for(lambda: not shard_being_written(shard), 10, "the killed worker to count as gone")
        assert os.path.exists(f"/proc/{worker.pid}")        # dead, not reaped yet: a zombie
        # the lock file names a PID that a live program has now: still nobody writes the shard
        lock_path(shard).write_text(f"pid {other.pid} on here since then\n")
        assert not shard_being_written(shard)
    finally:
        for p in (worker, other):
            p.kill()
            p.wait()
        worker.stdout.close()


def test_the_archive_and_a_shard_answer_the_calls_of_a_crawl_alike():
    """One interface (archive.crawl_archive): every call with the same signature in both writers."""
    import inspect

    calls = [name for name, value in vars(CrawlArchive).items() if inspect.isfunction(value)
             and not name.startswith("_")]
    assert {"begin_run", "finish_run", "add_capture", "earlier_capture", "store_page", "store_sitemap",
            "add_skipped", "add_failure", "known_articles", "previous_lastmods", "permanent_failures",
            "previous_run_stats", "resolve_ranking_articles", "commit", "run_row", "close"} <= set(calls)
    for name in calls:
        expected = inspect.signature(getattr(CrawlArchive, name))
        for writer in (Archive, ShardArchive):
            assert inspect.signature(getattr(writer, name)) == expected, f"{writer.__name__}.{name}"


def test_a_killed_coordinator_loses_nothing_the_next_run_merges_its_workers_shards(site, reference, redis_url,
                                                                                    tmp_path):
    data = tmp_path / "data"
    coordinator = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", site.url, "--data",
         str(data), "--workers", "2", "--redis", redis_url, "--max-rate", "60"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers_file = _wait_for(lambda: next(iter((data / "shards").glob("run-*/workers.json")), None)
                                 if (data / "shards").exists() else None, 60, "the workers to start")
        pids = _wait_for(lambda: (lambda d: d if len(d) == 2 else None)(json.loads(workers_file.read_text())),
                         30, "two worker PIDs")
        _wait_for(lambda: _shard_captures(workers_file.parent / "worker-0.shard.db") >= 20, 120,
                  "worker 0 to archive 20 pages")
        os.kill(coordinator.pid, signal.SIGKILL)
        coordinator.wait(timeout=10)
        # the workers go on without it, finish the shared queue and exit
        _wait_for(lambda: not any(shard_being_written(workers_file.parent / f"worker-{k}.shard.db") for k in pids),
                  180, "the workers to finish")
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
    with sqlite3.connect(data / "archive.db") as db:
        assert db.execute("SELECT count(*) FROM captures").fetchone()[0] == 0        # nothing merged yet
    after = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data))
    assert after.returncode == 0, after.stdout + after.stderr
    assert "run 1: merged 2 shards its coordinator left" in after.stderr, after.stderr
    assert not list((data / "shards").rglob("*.shard.db"))
    with sqlite3.connect(data / "archive.db") as db:
        articles = {r[0] for r in db.execute("SELECT canonical_url FROM articles")}
        first_run = db.execute("SELECT status, health, stats FROM runs WHERE id = 1").fetchone()
        article_captures = Counter(r[0] for r in db.execute(
            "SELECT c.url FROM captures c JOIN articles a ON a.canonical_url = c.url"))
        second_run_articles = db.execute(
            "SELECT count(*) FROM captures c JOIN articles a ON a.canonical_url = c.url WHERE c.run_id = 2"
        ).fetchone()[0]
    assert articles == reference["articles"]
    assert first_run[:2] == ("interrupted", "unhealthy")
    assert "merged by a later run" in json.loads(first_run[2])["health_reasons"][-1]
    # what the workers archived was in the database before the next run crawled: it fetched none of it again
    assert second_run_articles == 0 and set(article_captures.values()) == {1}
    assert run_cli("verify", "--data", str(data)).returncode == 0


# -- leases, on the real Redis ----------------------------------------------------------------
def test_a_lease_is_renewed_while_worked_on_acknowledged_when_done_and_requeued_when_it_expires(redis_url):
    import redis
    import scrapy
    from scrapy.utils.test import get_crawler

    from crawler.distributed.keys import RunKeys
    from crawler.distributed.leases import LeasedPriorityQueue

    namespace = f"test-lease-{os.getpid()}-{time.monotonic_ns()}"
    crawler = get_crawler(scrapy.Spider, {"ARCHIVE_NAMESPACE": namespace, "ARCHIVE_LEASE_TIMEOUT": 1})
    spider = scrapy.Spider("leases")
    spider.crawler = crawler
    keys = RunKeys(namespace)
    server = redis.Redis.from_url(redis_url)
    queue = LeasedPriorityQueue(server, spider, keys.queue)
    for n in range(3):
        queue.push(scrapy.Request(f"http://h/{n}.htm", priority=n))
    taken = queue.pop()
    assert taken.url == "http://h/2.htm"                 # highest priority first
    assert (len(queue), queue.leases()) == (2, 1)          # leased, not gone
    other = queue.pop()
    time.sleep(0.6)
    assert queue.settle(still_working={taken, other}) == 0
    time.sleep(0.6)                                         # past the first deadline, within the renewed one
    assert queue.requeue_expired() == 0
    assert queue.settle(still_working={other}) == 1        # `taken` is done: acknowledged
    assert queue.leases() == 1
    time.sleep(1.2)                                         # `other`'s worker went quiet: no renewal
    assert queue.requeue_expired() == 1
    assert (len(queue), queue.leases(), int(server.get(keys.requeued))) == (2, 0, 1)
    again = [queue.pop(), queue.pop()]
    assert {r.url for r in again} == {"http://h/0.htm", other.url}
    # the first holder of `other` finishes late: that must not end the new lease on it
    queue.settle(still_working=set(again))
    assert queue.leases() == 2
    queue.clear()


def test_a_worker_far_ahead_of_a_live_one_waits_and_a_gone_one_holds_nobody_back(redis_url):
    import redis
    import scrapy
    from scrapy.utils.test import get_crawler

    from crawler.distributed.keys import RunKeys
    from crawler.distributed.leases import FAIR_SHARE_RATIO, FAIR_SHARE_SLACK, LeasedPriorityQueue

    namespace = f"test-share-{os.getpid()}-{time.monotonic_ns()}"
    server = redis.Redis.from_url(redis_url)
    keys = RunKeys(namespace)

    def worker_queue(worker: int) -> LeasedPriorityQueue:
        crawler = get_crawler(scrapy.Spider, {"ARCHIVE_NAMESPACE": namespace, "ARCHIVE_WORKER": worker})
        spider = scrapy.Spider(f"share-{worker}")
        spider.crawler = crawler
        return LeasedPriorityQueue(server, spider, keys.queue)

    fast, slow = worker_queue(0), worker_queue(1)
    for n in range(60):
        fast.push(scrapy.Request(f"http://h/{n}.htm"))
    slow.heartbeat()                                    # open, has taken nothing yet
    first = [fast.pop() for _ in range(12)]
    assert sum(r is not None for r in first) == FAIR_SHARE_SLACK and first[-1] is None
    assert fast.stats.get_value("distributed/fair_share_waits") == 12 - FAIR_SHARE_SLACK
    for _ in range(4):
        assert slow.pop() is not None
    more = 0
    while fast.pop() is not None:
        more += 1
    assert FAIR_SHARE_SLACK + more == math.ceil(4 * FAIR_SHARE_RATIO + FAIR_SHARE_SLACK)
    slow.leave()                                        # stopped (or its heartbeats ended): not waited for
    assert fast.pop() is not None
    fast.clear()


def test_an_unreachable_redis_is_a_clear_error_and_no_run_is_begun(tmp_path):
    port = free_port()                      # nothing listens there
    result = run_cli("crawl", "--site", "replica", "--url", "http://127.0.0.1:9/", "--data", str(tmp_path),
                     "--workers", "2", "--redis", f"redis://127.0.0.1:{port}/0")
    assert result.returncode == 1
    assert f"cannot reach Redis at redis://127.0.0.1:{port}/0" in result.stderr
    if (tmp_path / "archive.db").exists():
        with sqlite3.connect(tmp_path / "archive.db") as db:
            assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    usage = run_cli("crawl", "--site", "replica", "--url", "http://127.0.0.1:9/", "--data", str(tmp_path),
                    "--workers", "2")
    assert usage.returncode == 2 and "--workers above 1 needs --redis URL" in usage.stderr
