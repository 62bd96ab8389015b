"""Signals during a crawl: a run stopped by SIGTERM or Ctrl-C is never reported healthy, its run row
says how it ended, and its WARC files are closed; a second signal stops at once, still consistently."""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, count_captures, run_cli


def _start_crawl(url: str, data) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", url,
                             "--data", str(data), "--log-level", "INFO"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _run_row(data) -> tuple[str, str, dict]:
    db = sqlite3.connect(data / "archive.db")
    status, health, stats = db.execute("SELECT status, health, stats FROM runs ORDER BY id DESC").fetchone()
    return status, health, json.loads(stats)


def _assert_consistent(data) -> None:
    assert not list((data / "warc").glob("*.open")), "a WARC file was left open"
    check = run_cli("verify", "--data", str(data))
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_one_signal_stops_gracefully_and_is_never_healthy(tmp_path, replica_factory, signum, code):
    site = replica_factory(articles=300)
    data = tmp_path / "data"
    proc = _start_crawl(site.url, data)
    _wait_for(lambda: count_captures(data) >= 40)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, out + err
    status, health, stats = _run_row(data)
    assert (status, health) == ("shutdown", "unhealthy")
    assert "finish reason shutdown" in stats["health_reasons"]
    health = next(line for line in out.splitlines() if line.startswith("health"))
    assert health.split()[1] == "unhealthy", out
    _assert_consistent(data)


def test_a_second_signal_stops_at_once_and_still_closes_the_run(tmp_path, hostile_factory):
    server = hostile_factory("slow")          # eight articles that answer only after 25 s
    data = tmp_path / "data"
    proc = _start_crawl(server.url, data)
    _wait_for(lambda: sum("/2022-10/10/" in r for r in server.requests) >= 4)
    proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)                         # a graceful stop now waits for the slow requests
    assert proc.poll() is None
    asked = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert time.monotonic() - asked < 10, "the second signal did not stop the crawl at once"
    assert proc.returncode == 143, out + err
    status, health, stats = _run_row(data)
    assert (status, health) == ("aborted", "unhealthy")
    assert any("second SIGTERM" in r for r in stats["health_reasons"])
    assert "Traceback" not in err
    _assert_consistent(data)
    # the next run starts cleanly: nothing to recover, a new run number
    again = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data), "--log-level", "ERROR",
                    "--set", "DOWNLOAD_TIMEOUT=2")
    assert "recovered" not in again.stderr
    assert sqlite3.connect(data / "archive.db").execute("SELECT count(*) FROM runs").fetchone()[0] == 2
