"""Hostile sites through the real CLI (tests/hostile_server.py): pages that refresh themselves are
pages, traps are cut by limits with reasons, every request that gives no page has a failure row
a person can act on, and `verify` passes afterwards."""

import json
import os
import sqlite3
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT, run_cli

PROFILE = str(FIXTURES / "hostile.toml")


def _crawl(server, data, *settings: str):
    args = ["crawl", "--site", PROFILE, "--url", server.url, "--data", str(data), "--log-level", "ERROR"]
    for setting in settings:
        args += ["--set", setting]
    return run_cli(*args)


def _db(data) -> sqlite3.Connection:
    return sqlite3.connect(data / "archive.db")


def _failures(data) -> dict[str, str]:
    return {url: reason for url, reason in _db(data).execute("SELECT url, reason FROM failures")}


def _verify_passes(data) -> None:
    check = run_cli("verify", "--data", str(data))
    assert check.returncode == 0, check.stdout


def test_a_page_that_refreshes_itself_is_archived_parsed_and_followed(tmp_path, hostile_factory):
    server = hostile_factory("refresh")
    result = _crawl(server, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    db = _db(tmp_path)
    run = db.execute("SELECT status, health FROM runs").fetchone()
    assert run == ("finished", "ok")
    # the home page refreshes itself every minute: its ranking is still the run's snapshot
    assert db.execute("SELECT count(*) FROM rankings").fetchone()[0] == 5
    articles = {url.split("/", 3)[3] for (url,) in db.execute("SELECT canonical_url FROM articles")}
    # an article whose refresh points offsite is an article; one that refreshes at once to another
    # page is archived, and the page it leads to is followed like a link
    assert {"2022-10/11/content_1.htm", "2022-10/11/content_2.htm", "2022-10/08/content_150.htm"} <= articles
    assert not any("offsite.example" in r for r in server.requests)
    assert _failures(tmp_path) == {}
    _verify_passes(tmp_path)


def test_url_traps_stop_at_the_limits_with_the_rule_in_failures(tmp_path, hostile_factory):
    server = hostile_factory("traps")
    result = _crawl(server, tmp_path, "ARCHIVE_MAX_QUERY_VARIANTS=10", "ARCHIVE_MAX_DEPTH=30")
    assert result.returncode == 0, result.stdout + result.stderr
    asked = server.requests
    assert sum("content_300000.htm?p=" in r for r in asked) == 10          # was 200 of 200
    chain = [r for r in asked if "/2022-10/12/content_" in r and "300000" not in r]
    assert len(chain) == 30         # the home page is depth 0, content_N depth N
    failures = _failures(tmp_path)
    variants = [u for u, r in failures.items() if "ARCHIVE_MAX_QUERY_VARIANTS=10" in r]
    deep = [u for u, r in failures.items() if "ARCHIVE_MAX_DEPTH=30" in r]
    assert variants == [server.url + "2022-10/12/content_300000.htm?p=11"]
    assert deep == [server.url + "2022-10/12/content_31.htm"]
    _verify_passes(tmp_path)


def test_the_page_limit_stops_the_run_and_makes_it_unhealthy(tmp_path, hostile_factory):
    server = hostile_factory("traps")
    result = _crawl(server, tmp_path, "ARCHIVE_MAX_PAGES=6")
    assert result.returncode == 3, result.stdout
    status, health, stats = _db(tmp_path).execute("SELECT status, health, stats FROM runs").fetchone()
    assert (status, health) == ("finished", "unhealthy")
    assert any("page limit" in r for r in json.loads(stats)["health_reasons"])
    limited = [r for r in _failures(tmp_path).values() if "ARCHIVE_MAX_PAGES=6" in r]
    assert limited, _failures(tmp_path)
    _verify_passes(tmp_path)


def test_every_request_that_gives_no_page_has_a_reason(tmp_path, hostile_factory):
    server = hostile_factory("broken")
    _crawl(server, tmp_path)
    failures = {url.split("/", 3)[3][:40]: reason for url, reason in _failures(tmp_path).items()}
    assert "once decompressed" in failures["2022-10/14/content_1.htm"]
    assert "before the whole body arrived" in failures["2022-10/14/content_2.htm"]
    assert "redirect to a javascript: URL" in failures["2022-10/14/content_3.htm"]
    assert "URLLENGTH_LIMIT=2083" in failures[("2022-10/08/content_199.htm?ref=" + "a" * 2100)[:40]]
    assert len(failures) == 4, failures
    # a sitemap.xml.gz served as application/x-gzip is read: its articles are archived
    articles = {url.split("/", 3)[3] for (url,) in _db(tmp_path).execute("SELECT canonical_url FROM articles")}
    assert {f"2022-10/13/content_{n}.htm" for n in (1, 2, 3)} <= articles
    _verify_passes(tmp_path)


def test_extract_url_keeps_to_its_host_and_its_time(hostile_factory, tmp_path):
    import time

    from tests.hostile_server import CUT_SHORT, TO_LOOPBACK6, TO_OTHER_PORT, TRICKLE

    server = hostile_factory("plain")
    good = run_cli("extract", server.url + "2022-10/08/content_101.htm")
    assert good.returncode == 0 and json.loads(good.stdout)["kind"] == "article", good.stderr
    for path, expected in ((TO_OTHER_PORT, "offsite host 127.0.0.1:9"), (TO_LOOPBACK6, "offsite host [::1]"),
                           (CUT_SHORT, "before the whole body arrived"), (TRICKLE, "timeout after 3")):
        started = time.monotonic()
        result = run_cli("extract", server.url + path.lstrip("/"), "--timeout", "3")
        assert result.returncode == 1, (path, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and expected in result.stderr, (path, result.stderr)
        assert time.monotonic() - started < 20
    assert not any("content_101" in r and "9/" in r for r in server.requests)
    page = tmp_path / "page.htm"
    page.write_bytes(b"<html><body><p>x</p></body></html>")
    assert run_cli("extract", str(page), "--encoding", "nonsense").returncode == 2
    assert "is a directory" in run_cli("extract", str(tmp_path)).stderr


# set in the copy of the full-disk test that runs as root of its own user and mount namespaces
IN_NAMESPACE = "NEWSARCHIVE_TEST_IN_NAMESPACE"


def _small_disk(path, free_mb: int) -> Path | None:
    """A 64 MB tmpfs at ``path`` with ``free_mb`` left free by a ballast file (deleting it is the space
    coming back); None where this process may not mount one (not root)."""
    import subprocess

    path.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(path)],
                      capture_output=True).returncode != 0:
        return None
    ballast = path / "ballast"
    stat = os.statvfs(path)
    with open(ballast, "wb") as fh:      # written, not truncated: tmpfs holds only what is written
        chunk = b"\0" * (1 << 20)
        for _ in range(stat.f_bavail * stat.f_frsize // len(chunk) - free_mb):
            fh.write(chunk)
    return ballast


def test_a_full_disk_aborts_the_run_in_one_line_and_the_next_run_recovers(tmp_path, replica_factory, request):
    import subprocess

    disk = tmp_path / "disk"
    ballast = _small_disk(disk, free_mb=3)
    if ballast is None:
        # not root: the same test again as root of a user namespace of its own, where a tmpfs can be mounted
        assert not os.environ.get(IN_NAMESPACE), "no tmpfs could be mounted, even in a user namespace of its own"
        result = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-m", "pytest",
                                 "-q", "-p", "no:cacheprovider", request.node.nodeid], cwd=ROOT,
                                env={**os.environ, IN_NAMESPACE: "1"}, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-4000:] + result.stderr[-2000:]
        return
    try:
        site = replica_factory(articles=300)
        data = disk / "data"
        full = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data), "--log-level", "INFO")
        assert full.returncode == 1, full.stdout + full.stderr
        assert "Traceback" not in full.stderr and len(full.stderr.splitlines()) <= 1, full.stderr
        health = next(line for line in full.stdout.splitlines() if line.startswith("health"))
        assert "unhealthy" in health and ("No space left" in health or "disk is full" in health), health
        assert not list((data / "warc").glob("*.open"))
        ballast.unlink()                  # the space comes back
        again = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(data), "--log-level", "ERROR")
        assert again.returncode == 0, again.stdout + again.stderr
        runs = sqlite3.connect(data / "archive.db").execute("SELECT status, health FROM runs ORDER BY id").fetchall()
        assert runs[0] in (("aborted", "unhealthy"), ("interrupted", "unhealthy")) and runs[1] == ("finished", "ok")
        _verify_passes(data)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_unusable_data_directories_are_one_line_and_exit_1(tmp_path):
    import subprocess

    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "warc").write_text("a file where the warc folder goes")
    result = run_cli("crawl", "--site", "replica", "--url", "http://127.0.0.1:9/", "--data", str(blocked))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "is not a directory" in result.stderr
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "archive.db").write_bytes(b"not a database at all" * 100)
    for args in (["crawl", "--site", "replica", "--url", "http://127.0.0.1:9/"], ["verify"], ["wacz", "--all"], ["serve"]):
        result = run_cli(*args, "--data", str(damaged), timeout=60)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "not a database" in result.stderr, (args, result.stderr)
    frozen = tmp_path / "frozen"
    frozen.mkdir()
    # a directory nobody may write in: immutable for root (permissions do not stop it), read-only for others
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(frozen)], check=True, capture_output=True)
        refusal, thaw = "Operation not permitted", ["chattr", "-i", str(frozen)]
    else:
        frozen.chmod(0o555)
        refusal, thaw = "Permission denied", ["chmod", "755", str(frozen)]
    try:
        result = run_cli("crawl", "--site", "replica", "--url", "http://127.0.0.1:9/", "--data", str(frozen))
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert refusal in result.stderr, result.stderr
    finally:
        subprocess.run(thaw)


def test_a_damaged_database_is_rebuilt_by_crawl_rebuild(tmp_path, replica):
    data = tmp_path / "data"
    assert run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(data), "--log-level", "ERROR").returncode == 0
    db = sqlite3.connect(data / "archive.db")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    with open(data / "archive.db", "r+b") as fh:        # the header, as a torn checkpoint can leave it
        fh.write(b"not SQLite at all")
    refused = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(data))
    assert refused.returncode == 1 and "reparse" in refused.stderr and refused.stderr.count("\n") == 1
    rebuilt = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(data), "--rebuild", "--log-level", "ERROR")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    db = sqlite3.connect(data / "archive.db")
    assert db.execute("SELECT id, status FROM runs ORDER BY id").fetchall() == [(1, "finished"), (2, "finished")]
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == articles
    assert (data / "archive.db.bak").exists()
    _verify_passes(data)
