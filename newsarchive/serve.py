"""``newsarchive serve``: datasette over the archive (read-only), and where its replay links lead.

The replay links (article pages, the captures table, the ``captures_of_url`` query) need pywb's
address: ``--replay-url`` gives one already running (``newsarchive replay``, or elsewhere), and
``--with-replay`` packages the archive and starts pywb beside datasette, both stopped together.
The address reaches the plugin as NEWSARCHIVE_REPLAY_URL, which metadata.yml reads as
``plugins.newsarchive.replay_url`` (datasette resolves ``$env`` there).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click

from .errors import CONTEXT, data_dir_held, fail

# datasette settings for an archive of a million articles (issue 17): suggested facets cost ~1 s a
# page at 100,000 (FINDINGS; the tables name theirs in metadata.yml); cells cut at 60 characters in
# tables and queries (the row page shows them whole); a query page shows 300 rows, since datasette's
# template takes ~0.27 ms a row (1,000 rows: 270 ms; `newsarchive export` writes every row).
SETTINGS = {"sql_time_limit_ms": "3000", "suggest_facets": "off", "truncate_cells_html": "60",
            "facet_time_limit_ms": "100", "max_returned_rows": "300"}


def datasette_command(db: Path, host: str, port: int) -> list[str]:
    package = resources.files("newsarchive")
    cmd = [sys.executable, "-m", "datasette", "serve", str(db), "--host", host, "--port", str(port),
           "--metadata", str(package.joinpath("metadata.yml")), "--template-dir", str(package.joinpath("templates"))]
    for name, value in SETTINGS.items():
        cmd += ["--setting", name, value]
    return cmd


@click.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (local only by default).")
@click.option("--port", default=8001, show_default=True)
@click.option("--replay-url", help="pywb collection URL that replay links point at (e.g. http://127.0.0.1:8090/archive/).")
@click.option("--with-replay", is_flag=True, help="Package the archive and run pywb beside datasette; links follow.")
@click.option("--replay-port", default=0, show_default=True, help="pywb's port with --with-replay; 0 picks a free one.")
def serve(data: Path, host: str, port: int, replay_url: str | None, with_replay: bool, replay_port: int) -> None:
    """Browse the archive with datasette (read-only): tables, queries, article pages, the ranking chart.

    \b
    Examples:
      newsarchive serve --data data
      newsarchive serve --data data --port 8002 --with-replay
      newsarchive serve --data data --replay-url http://127.0.0.1:8090/archive/
    """
    from archive.datadir import check_database

    db = data / "archive.db"
    if not db.exists():
        raise click.UsageError(f"no archive at {db}; run a crawl or `newsarchive demo` first")
    if replay_url and with_replay:
        raise click.UsageError("give --replay-url or --with-replay, not both")
    check_database(db, write=False)        # a damaged file is one line here, not datasette's traceback
    migrate(data)
    cmd = datasette_command(db, host, port)
    env = dict(os.environ)
    if replay_url:
        env["NEWSARCHIVE_REPLAY_URL"] = replay_url
    if not with_replay:
        click.echo(f"datasette on http://{host}:{port}/ (Ctrl-C to stop)")
        # datasette opens database files read-only (mode=ro) unless a plugin asks to write; ours adds
        # SQL functions and pages only. exec, not a child: stopping this process stops datasette.
        os.execve(cmd[0], cmd, env)
    pywb = start_replay(data, host, replay_port or _free_port(host))
    env["NEWSARCHIVE_REPLAY_URL"] = pywb.url
    click.echo(f"datasette on http://{host}:{port}/, pywb on {pywb.url} (Ctrl-C to stop both)")
    run_together(subprocess.Popen(cmd, env=env), pywb.process)


def migrate(data: Path) -> None:
    """An archive written by an older newsarchive gets the migrations it lacks (the pages read tables they
    add, such as facet_counts), under the data directory's lock; datasette itself opens it read-only."""
    import sqlite3

    from sqlite_utils import Database

    from archive.schema import migrations
    from archive.store import open_archive

    db = data / "archive.db"
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        if not migrations.pending(Database(conn)):
            return
    with data_dir_held(data, "serve", check=False):
        open_archive(db).close()
    click.echo(f"migrated {db} to the current schema", err=True)


class Replay:
    def __init__(self, process: subprocess.Popen, url: str):
        self.process, self.url = process, url


def start_replay(data: Path, host: str, port: int) -> Replay:
    """pywb on the archive's WACZ (made again only when a WARC file is newer than it)."""
    from archive.package import PackageError, build_wacz

    from .replay import COLLECTION, ReplayError, prepare_collection, wayback_command

    wacz = data / "wacz" / "all.wacz"
    try:
        with data_dir_held(data, "serve --with-replay", check=False):      # it packages and indexes in DATA
            warcs = list((data / "warc").glob("*.warc.gz"))
            if not wacz.exists() or any(w.stat().st_mtime > wacz.stat().st_mtime for w in warcs):
                wacz = build_wacz(data, wacz).path
            root = prepare_collection(data / "replay", wacz)
        cmd = wayback_command(host, port)
    except (PackageError, ReplayError) as exc:
        fail("serve", str(exc))
    return Replay(subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL), f"http://{host}:{port}/{COLLECTION}/")


def run_together(*processes: subprocess.Popen) -> None:
    """Wait until one stops or we are told to stop; then stop them all (no orphan pywb)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(p.poll() is None for p in processes):
            try:
                processes[0].wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
    except KeyboardInterrupt:
        pass
    finally:
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
