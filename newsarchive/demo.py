"""``newsarchive demo``: start the replica, crawl three simulated days, summarise the archive.

Each day is a fresh replica process on the same port (so URLs stay the same across days)
and a fresh ``newsarchive crawl`` process, as cron would run it.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click

# On a terminal the progress line is redrawn in place; in a log, a plain line every few seconds.
PROGRESS_EVERY = 1.0


class DemoError(click.ClickException):
    exit_code = 1


def _free_port(preferred: int | None) -> int:
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return s.getsockname()[1]
    raise DemoError("no free TCP port on 127.0.0.1")


def start_replica(port: int, articles: int, day: int, log, faults: bool = False) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "replica", "--port", str(port), "--articles", str(articles),
         "--day", str(day), *(["--faults"] if faults else [])], stdout=subprocess.PIPE, stderr=log, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        raise DemoError(f"the replica did not start (see {log.name})")
    return proc, url


def _count(db_path: Path, sql: str, params=()) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql, params).fetchone()[0] or 0
    except sqlite3.Error:
        return 0


def crawl_day(day: int, url: str, data: Path, log_path: Path, overrides: list[str] = ()) -> int:
    db = data / "archive.db"
    before = _count(db, "SELECT count(*) FROM captures")
    tty = sys.stdout.isatty()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", url,
             "--data", str(data), "--log-level", "INFO", *[a for o in overrides for a in ("--set", o)]],
            stdout=log, stderr=subprocess.STDOUT)
        last_line = 0.0
        while proc.poll() is None:
            time.sleep(PROGRESS_EVERY)
            pages = _count(db, "SELECT count(*) FROM captures") - before
            articles = _count(db, "SELECT count(*) FROM articles")
            line = f"  day {day}: {pages} pages fetched, {articles} articles in the archive"
            if tty:
                click.echo("\r" + line, nl=False)
            elif time.monotonic() - last_line >= 5:
                click.echo(line)
                last_line = time.monotonic()
    pages = _count(db, "SELECT count(*) FROM captures") - before
    click.echo(("\r" if tty else "") + f"  day {day}: {pages} pages fetched, crawl exit code {proc.returncode}"
               + " " * 10)
    return proc.returncode


def summary(data: Path) -> list[tuple[str, object]]:
    db = data / "archive.db"
    warcs = sorted((data / "warc").glob("*.warc.gz"))
    seed_qa = _count(db, "SELECT count(*) FROM qa JOIN interviewees USING (article) JOIN people p ON p.id = person_id "
                         "WHERE p.name = ?", ("陈定贵",))
    return [
        ("runs", _count(db, "SELECT count(*) FROM runs")),
        ("pages fetched", _count(db, "SELECT count(*) FROM captures")),
        ("WARC files", len(warcs)),
        ("WARC bytes", sum(w.stat().st_size for w in warcs)),
        ("articles", _count(db, "SELECT count(*) FROM articles")),
        ("interviews", _count(db, "SELECT count(*) FROM interviews")),
        ("Q&A pairs", _count(db, "SELECT count(*) FROM qa")),
        ("ranking snapshots", _count(db, "SELECT count(*) FROM (SELECT DISTINCT run_id, source_url FROM rankings)")),
        ("Q&A pairs of 陈定贵", seed_qa),
    ]


def run_demo(data: Path, days: int, articles: int, overrides: list[str] = (), faults: bool = False) -> int:
    data.mkdir(parents=True, exist_ok=True)
    logs = data / "logs"
    logs.mkdir(exist_ok=True)
    state_file = data / "demo.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    # The archive keys articles by URL, host:port included: reuse the port of earlier demos.
    port = _free_port(state.get("port"))
    state_file.write_text(json.dumps({"port": port, "articles": articles}))
    worst = 0
    for day in range(1, days + 1):
        with open(logs / f"replica-day{day}.log", "w") as rlog:
            proc, url = start_replica(port, articles, day, rlog, faults)
            try:
                if day == 1:
                    click.echo(f"replica serving at {url} ({articles} articles); crawling {days} days into {data}/")
                worst = max(worst, crawl_day(day, url, data, logs / f"crawl-day{day}.log", overrides))
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    rows = summary(data)
    width = max(len(k) for k, _ in rows)
    click.echo("")
    for key, value in rows:
        click.echo(f"  {key:<{width}}  {value}")
    click.echo("")
    click.echo(f"Logs: {logs}/")
    click.echo(f"Browse the archive:  .venv/bin/newsarchive serve --data {data}   (or: make serve; then open "
               "http://127.0.0.1:8001/)")
    return worst
