"""Unattended runs: the data-directory lock, logs with retention, exit codes."""

import time

from archive.lock import DataLock
from tests.conftest import free_port, run_cli


def test_second_run_exits_75_at_once_while_the_directory_is_locked(tmp_path, replica):
    with DataLock(tmp_path):
        started = time.monotonic()
        result = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp_path))
        elapsed = time.monotonic() - started
    assert result.returncode == 75
    assert len(result.stderr.strip().splitlines()) == 1 and "in use by pid" in result.stderr
    assert elapsed < 10 and not (tmp_path / "archive.db").exists()


def test_each_run_writes_one_log_file_and_old_ones_are_pruned(tmp_path, replica):
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(60):
        (logs / f"crawl-2020010{n:02d}.log").write_text("old")
    result = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp_path), "--log-level", "INFO")
    assert result.returncode == 0, result.stdout
    files = sorted(logs.glob("crawl-*.log"))
    assert len(files) == 50
    newest = files[-1].read_text()
    assert "Spider closed (finished)" in newest
    assert str(files[-1]) in result.stdout


def test_second_run_over_an_unchanged_site_fetches_at_most_5_percent(tmp_path, replica_factory):
    import sqlite3

    site = replica_factory(articles=300, day=1)
    for _ in range(2):
        assert run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
    db = sqlite3.connect(tmp_path / "archive.db")
    first, second = (n for _, n in db.execute("SELECT run_id, count(*) FROM captures GROUP BY run_id ORDER BY 1"))
    assert second <= 0.05 * first, (first, second)
    fetched = {u for (u,) in db.execute("SELECT url FROM captures WHERE run_id = 2")}
    assert {site.url, site.url + "sitemap.xml"} <= fetched          # home, lists and sitemap every run
    assert db.execute("SELECT count(*) FROM rankings WHERE run_id = 2").fetchone()[0] == 10


def test_next_day_fetches_new_and_edited_articles_and_stops_paginating(tmp_path, replica_factory):
    import sqlite3

    from replica.content import SiteModel

    day1 = replica_factory(articles=300, day=1)
    assert run_cli("crawl", "--site", "replica", "--url", day1.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
    day1.stop()
    day2 = replica_factory(articles=300, day=2, port=day1.port)
    assert run_cli("crawl", "--site", "replica", "--url", day2.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
    db = sqlite3.connect(tmp_path / "archive.db")
    model = SiteModel(articles=300, day=2)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(model.articles)
    edited = next(a for a in model.articles if a.edits)
    versions = db.execute("SELECT version, run_id FROM article_versions WHERE article = ? ORDER BY version",
                          [day2.url.rstrip("/") + edited.path]).fetchall()
    assert versions == [(1, 1), (2, 2)]
    import re

    later = [u for (u,) in db.execute("SELECT url FROM captures WHERE run_id = 2") if re.search(r"/index_\d+\.htm$", u)]
    # new articles sit on the first page of a channel: pagination goes one page further (site and
    # mirror), finds nothing new there, and stops
    assert later and all(u.endswith("/index_1.htm") for u in later), later


def test_datasette_reads_while_a_crawl_writes(tmp_path, replica_factory):
    import json
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    from tests.conftest import ROOT

    site = replica_factory(articles=300, day=1)
    data = tmp_path / "data"
    # an archive to serve from the start: a first small crawl
    assert run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data), "--log-level", "ERROR",
                   "--set", "CLOSESPIDER_PAGECOUNT=20").returncode in (0, 3)
    port = free_port()
    serve = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "serve", "--data", str(data), "--port",
                              str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    crawl = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", site.url, "--data",
                              str(data), "--log-level", "ERROR"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    reads, errors = 0, []
    try:
        while crawl.poll() is None:
            for path in ("/archive/articles.json?_shape=array&_size=5", "/archive/search.json?q=一汽&_shape=array",
                         "/archive.json?sql=select+count(*)+as+n+from+captures&_shape=array"):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}" + path.replace("一汽", "%E4%B8%80%E6%B1%BD"),
                                                timeout=10) as resp:
                        json.load(resp)
                        reads += 1
                except urllib.error.HTTPError as err:
                    errors.append(err.read().decode("utf-8", "replace")[:200])
                except OSError:
                    pass                           # datasette still starting
            time.sleep(0.05)
    finally:
        serve.terminate()
        serve.wait(timeout=10)
        serve.stderr.close()
    assert crawl.returncode == 0
    assert reads > 20 and not [e for e in errors if "locked" in e], errors[:3]


def test_crawl_delay_from_robots_txt_is_obeyed(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT, Replica

    log = tmp_path / "access.log"
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "replica", "--port", "0", "--articles", "40",
                             "--crawl-delay", "0.5", "--access-log", str(log)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    url = proc.stdout.readline().strip()
    site = Replica(url, int(url.rsplit(":", 1)[1].strip("/")), 40, 1, log, proc)
    try:
        result = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(tmp_path / "data"), "--log-level", "ERROR",
                         "--set", "CLOSESPIDER_PAGECOUNT=10")
        assert result.returncode in (0, 3), result.stdout
    finally:
        site.stop()
    times = [float(line.split()[0]) for line in log.read_text().splitlines() if "robots.txt" not in line]
    assert len(times) >= 8
    gaps = [b - a for a, b in zip(times, times[1:])]
    # requests leave 0.5 s apart; the first connection's setup can shorten one gap as the server sees it
    assert times[-1] - times[0] >= 0.95 * 0.5 * len(gaps), gaps
    assert sorted(gaps)[1] >= 0.45, gaps


def test_politeness_settings_for_unattended_runs():
    from crawler.runner import crawl_settings

    s = crawl_settings("data")
    assert s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") > 0
    assert not s.getbool("TELNETCONSOLE_ENABLED") and not s.getbool("REMOTE_CONTROL_ENABLED")
    assert s.get("ARCHIVE_CONTACT") in s.get("USER_AGENT") and s.get("USER_AGENT").startswith("newsarchive/")


def test_every_writer_waits_for_the_lock_and_exits_75(tmp_path, replica):
    """reparse, verify --repair, wacz, merge and upload write to the data directory: while a crawl
    holds it they exit 75 at once and change nothing (a reparse used to swap archive.db under a
    running crawl; verify --repair renamed its open WARC file)."""
    assert run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
    before = sorted((p.name, p.stat().st_size) for p in tmp_path.rglob("*") if p.is_file() and p.name != ".lock")
    shard = tmp_path / "x.shard.db"
    shard.write_bytes(b"")
    with DataLock(tmp_path):
        for args in (["reparse"], ["verify", "--repair"], ["wacz", "--all"], ["merge", "--run", "1", str(shard)],
                     ["upload", "--to", "s3://bucket/prefix"]):
            result = run_cli(*args, "--data", str(tmp_path))
            assert result.returncode == 75, (args, result.stdout, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1 and "in use by pid" in result.stderr, args
    shard.unlink()
    after = sorted((p.name, p.stat().st_size) for p in tmp_path.rglob("*") if p.is_file() and p.name != ".lock")
    assert after == before
