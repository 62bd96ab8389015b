"""Which run wrote each WARC file, told by its warcinfo record, and whether the database knows that run.

The warcinfo record opens every file (one small gzip member): ``newsarchive-run`` (the number),
``newsarchive-started-at`` and, in files written since runs got one, ``newsarchive-run-uid``. A run's
identity is its uid, or else its start time: run numbers alone repeat when the database (or its WAL)
is lost and numbering starts again at 1. A distributed run's workers and coordinator share the uid;
older worker files, which carry the worker's own start time, belong to the run of that number that
started last before them.

- ``missing_runs``: the runs whose WARC files the database does not have (a crawl then stops);
- ``run_numbers``: the number each file's run gets in a reparse. Numbers are kept as written until
  a number comes back with another identity; from there on, each new run is numbered after the
  highest so far, in the order the files were written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .damage import header_fields, inflate_member
from .vocabulary import PID, RUN, RUN_UID, STARTED_AT, WORKER, warcinfo_fields


@dataclass(frozen=True)
class WarcRun:
    file: str
    run: int
    started_at: str | None
    uid: str | None
    worker: bool                # written by a worker of a distributed run
    info: dict

    @property
    def label(self) -> str:
        return f"run {self.run} started {self.started_at or 'at an unknown time'}"


def warc_run(path: Path) -> WarcRun | None:
    """The run named in the warcinfo record that opens ``path``; None when it names none or is unreadable."""
    with open(path, "rb", buffering=65536) as fh:
        end, head, _ = inflate_member(fh, 0)
    if end is None or header_fields(head).get("warc-type") != "warcinfo":
        return None
    info = warcinfo_fields(head.partition(b"\r\n\r\n")[2])
    try:
        number = int(info[RUN])
    except (KeyError, ValueError):
        return None
    return WarcRun(path.name, number, info.get(STARTED_AT) or None,
                   info.get(RUN_UID) or None,
                   # worker 0's files were written without newsarchive-worker (warcio leaves out a 0)
                   WORKER in info or PID in info, info)


def _identity(run: WarcRun, runs: list[WarcRun]) -> tuple:
    if run.uid:
        return ("uid", run.uid)
    if not run.worker:
        return ("started", run.run, run.started_at)
    # an older worker file: its run's other files carry the run's own start, which is earlier
    before = [r.started_at for r in runs if not r.uid and not r.worker and r.run == run.run
              and (r.started_at or "") <= (run.started_at or "")]
    return ("started", run.run, max(before)) if before else ("workers", run.run)


def run_numbers(runs: list[WarcRun]) -> dict[str, int]:
    """File name -> run number for a reparse (``runs`` in the order the files were written)."""
    numbers: dict[tuple, int] = {}
    taken: set[int] = set()
    renumbering = False
    highest = 0
    out = {}
    for run in runs:
        key = _identity(run, runs)
        if key not in numbers:
            renumbering = renumbering or run.run in taken
            numbers[key] = highest + 1 if renumbering else run.run
            taken.add(numbers[key])
            highest = max(highest, numbers[key])
        out[run.file] = numbers[key]
    return out


def missing_runs(db_path: Path, files: list[Path]) -> list[WarcRun]:
    """One file's run per identity that the database at ``db_path`` does not have (all of them when
    it has no runs table: a database lost, or its WAL). Older worker files are left out: the run
    their coordinator began is checked through its own file."""
    uids, starts = set(), set()         # starts: of runs the database knows by no uid
    if db_path.exists():
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
            if columns:
                uid = "uid" if "uid" in columns else "NULL"
                for run_uid, started in conn.execute(f"SELECT {uid}, started_at FROM runs"):
                    (uids if run_uid else starts).add(run_uid or started)
        finally:
            conn.close()
    missing: dict[tuple, WarcRun] = {}
    runs = [r for r in map(warc_run, files) if r is not None]
    for run in runs:
        if run.uid in uids or run.started_at in starts or (run.worker and not run.uid):
            continue
        missing.setdefault(_identity(run, runs), run)
    return list(missing.values())
