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
