"""Unattended runs: the data-directory lock, logs with retention, exit codes."""

import time

from archive.lock import DataLock
from tests.conftest import run_cli


def test_second_run_exits_75_at_once_while_the_directory_is_locked(tmp_path, replica):
    with DataLock(tmp_path):
        started = time.monotonic()
        result = run_cli("crawl", "--url", replica.url, "--data", str(tmp_path))
        elapsed = time.monotonic() - started
    assert result.returncode == 75
    assert len(result.stderr.strip().splitlines()) == 1 and "in use by pid" in result.stderr
    assert elapsed < 10 and not (tmp_path / "archive.db").exists()


def test_each_run_writes_one_log_file_and_old_ones_are_pruned(tmp_path, replica):
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(60):
        (logs / f"crawl-2020010{n:02d}.log").write_text("old")
    result = run_cli("crawl", "--url", replica.url, "--data", str(tmp_path), "--log-level", "INFO")
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
        assert run_cli("crawl", "--url", site.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
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
    assert run_cli("crawl", "--url", day1.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
    day1.stop()
    day2 = replica_factory(articles=300, day=2, port=day1.port)
    assert run_cli("crawl", "--url", day2.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
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
