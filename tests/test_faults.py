"""The replica in fault mode: every fault survived, every failure recorded with its reason,
nothing offsite ever fetched (asserted from the replica's own access log)."""

import sqlite3
from datetime import datetime

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.guard import AllowedHostsMiddleware
from extract import load_profile
from replica.faults import BY_PATH
from tests.conftest import run_cli

FAULT = {f.kind: f.path for f in BY_PATH.values()}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    server = _start_faulty(tmp)
    data = tmp / "data"
    result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "ERROR",
                     "--set", "DOWNLOAD_TIMEOUT=3")
    yield server, data, result
    server.stop()


def _start_faulty(tmp):
    import subprocess
    import sys

    from tests.conftest import ROOT, Replica

    log = tmp / "access.log"
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "replica", "--port", "0", "--articles", "60",
                             "--faults", "--access-log", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)
    url = proc.stdout.readline().strip()
    return Replica(url, int(url.rsplit(":", 1)[1].strip("/")), 60, 1, log, proc)


def _failures(data):
    db = sqlite3.connect(data / "archive.db")
    return {url.split("/", 3)[3]: (reason, status) for url, reason, status in
            db.execute("SELECT url, reason, status FROM failures")}


def test_the_run_survives_and_stays_healthy(faulty):
    _, _, result = faulty
    assert result.returncode == 0, result.stdout


def test_each_failure_and_skip_is_counted_once(faulty):
    """Issue 13: one counter per event (archive/failure, archive/skipped), equal to the rows it made."""
    import json

    _, data, _ = faulty
    db = sqlite3.connect(data / "archive.db")
    stats = json.loads(db.execute("SELECT stats FROM runs WHERE id = 1").fetchone()[0])
    for table, key in (("failures", "archive/failure"), ("skipped", "archive/skipped")):
        rows = db.execute(f"SELECT count(*) FROM {table} WHERE run_id = 1").fetchone()[0]
        assert stats.get(key, 0) == rows, key
    assert stats["archive/failure"] > 5 and "archive/skipped_over_cap" not in stats


@pytest.mark.parametrize("kind,reason", [
    ("not-found", "HTTP 404"),
    ("slow", "timeout after 3.0 s"),
    ("reset", "connection lost"),
    ("huge", "over the size cap"),
    ("offsite-redirect", "redirect to offsite host localhost:"),
])
def test_each_failure_is_recorded_with_its_reason(faulty, kind, reason):
    _, data, _ = faulty
    recorded = _failures(data)[FAULT[kind].lstrip("/")][0]
    assert reason in recorded


def test_redirect_loop_is_recorded_and_the_chain_followed(faulty):
    server, data, _ = faulty
    assert "redirect loop" in _failures(data)[FAULT["redirect-loop"].lstrip("/")][0]
    db = sqlite3.connect(data / "archive.db")
    hops = db.execute("SELECT status FROM captures WHERE url LIKE ? OR url LIKE '%/r/hop1.htm'",
                      ["%" + FAULT["redirect-chain"]]).fetchall()
    assert sorted(hops) == [(301,), (302,)]


def test_flaky_pages_succeed_on_retry_and_retry_after_is_waited_out(faulty):
    _, data, _ = faulty
    db = sqlite3.connect(data / "archive.db")
    for kind, first_status in (("flaky", 500), ("busy", 503)):
        rows = db.execute("SELECT status, fetched_at FROM captures WHERE url LIKE ? ORDER BY id",
                          ["%" + FAULT[kind]]).fetchall()
        assert [s for s, _ in rows] == [first_status, 200], kind
        assert db.execute("SELECT count(*) FROM articles WHERE canonical_url LIKE ?", ["%" + FAULT[kind]]).fetchone()[0]
    (_, first), (_, second) = db.execute("SELECT status, fetched_at FROM captures WHERE url LIKE ? ORDER BY id",
                                         ["%" + FAULT["busy"]]).fetchall()
    waited = (datetime.fromisoformat(second.replace("Z", "+00:00"))
              - datetime.fromisoformat(first.replace("Z", "+00:00"))).total_seconds()
    assert waited >= 2.0                               # Retry-After: 2


def test_bad_bytes_are_archived_and_read_without_crashing(faulty):
    _, data, _ = faulty
    db = sqlite3.connect(data / "archive.db")
    for kind in ("malformed", "wrong-charset", "binary"):
        assert db.execute("SELECT status FROM captures WHERE url LIKE ?", ["%" + FAULT[kind]]).fetchone() == (200,)
    title = db.execute("SELECT title FROM articles WHERE canonical_url LIKE ?", ["%" + FAULT["wrong-charset"]]).fetchone()
    assert title == ("编码错误的通知",)                # declared UTF-8, read as the GBK it is
    assert db.execute("SELECT count(*) FROM articles WHERE canonical_url LIKE ?",
                      ["%" + FAULT["malformed"]]).fetchone()[0] == 1


def test_the_calendar_trap_ends_at_once(faulty):
    server, _, _ = faulty
    calendar = [line for line in server.access_log.read_text().splitlines() if " /calendar/" in line]
    assert len(calendar) == 1


def test_nothing_offsite_is_ever_fetched(faulty):
    server, _, _ = faulty
    hosts = {line.split()[2] for line in server.access_log.read_text().splitlines()}
    assert hosts == {server.host}                      # no localhost:PORT, no other name
    assert "newsarchive/" in server.access_log.read_text()     # our User-Agent, with its contact


@pytest.mark.parametrize("url", ["http://10.0.0.1/a.htm", "http://192.168.1.1/a.htm", "file:///etc/passwd",
                                 "http://127.0.0.1:1/a.htm", "http://other.example.com/a.htm"])
def test_guard_refuses_before_any_connection(url):
    class Crawler:
        stats = type("Stats", (), {"inc_value": lambda *a, **k: None})()
        spider = type("Spider", (), {"profile": load_profile("replica", "http://127.0.0.1:8000/")})()

    with pytest.raises(IgnoreRequest):
        AllowedHostsMiddleware(Crawler()).process_request(Request(url))


def test_an_incremental_run_does_not_ask_again_for_what_failed_for_good(faulty):
    server, data, _ = faulty
    before = len(server.access_log.read_text().splitlines())
    result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "ERROR",
                     "--set", "DOWNLOAD_TIMEOUT=3")
    assert result.returncode in (0, 3)
    again = [line.split()[4] for line in server.access_log.read_text().splitlines()[before:]]
    for kind in ("not-found", "redirect-loop", "offsite-redirect"):
        assert FAULT[kind] not in again, kind
    assert FAULT["slow"] in again                     # a timeout may pass: it is asked again
