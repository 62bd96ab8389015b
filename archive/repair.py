"""Rewrite a damaged WARC file without its damage, and keep the database's pointers into it right.

What ``archive.damage.scan`` drops is left out: damaged members and their pair partners, every
whole pair and every whole warcinfo/metadata record is kept, byte for byte (digests stay valid).
A metadata record at the end of the new file (``urn:newsarchive:repair``) lists what was dropped
and the captures lost with it, so the WARC still tells the whole story and a reparse marks them.

The database follows in one transaction: kept captures get their new offsets (lengths do not
change), lost ones are marked ``lost`` and point at the repair record (``archive.lost``), and a
``repairs`` row records the repair. The steps, and what a crash after each leaves:

1. the new file is written beside the old one as ``NAME.repairing`` and fsynced. A crash leaves a
   stray ``.repairing`` file and no ``repairs`` row: the old file and the rows still agree, and the
   next recovery deletes the stray file;
2. rows and a ``pending`` repairs row are committed together (synchronous=FULL, so the commit is
   on disk before the rename can be). A crash leaves rows that describe the new file, which is
   whole on disk: the next recovery sees the pending row and finishes the rename;
3. the new file replaces the old one (``os.replace`` is atomic), a ``.open`` source is removed,
   and the directory is fsynced. A crash leaves the pending row with no ``.repairing`` file: the
   next recovery only marks it done (and removes a ``.open`` source still there);
4. the repairs row is marked ``done``.

Without a database (``verify --repair`` on bare WARC files) steps 2 and 4 are skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from .damage import Dropped, Scan, scan
from .lost import insert_lost, mark_revisits_lost
from .run_identity import warc_run
from .vocabulary import REPAIR
from .warc import OPEN_SUFFIX, metadata_record

REPAIRING_SUFFIX = ".repairing"
_ROW = ("id", "run_id", "url", "fetched_at", "status", "mime", "payload_digest", "record_id", "record_type",
        "warc_offset", "request_offset", "request_length", "lost")


class RepairError(Exception):
    """A damaged file could not be rewritten (the disk is full, say); the file and the rows are as they were."""


@dataclass
class RepairResult:
    file: str
    dropped: list[Dropped] = field(default_factory=list)
    bytes_cut: int = 0
    lost_captures: list[int] = field(default_factory=list)      # rows marked lost
    added_lost: int = 0          # dropped responses the database had no row for, added as lost
    lost_revisits: int = 0       # revisits whose payload was in a lost record
    rewritten: bool = False      # False: nothing to do, or a tail cut in place


def copy_members(path: Path, result: Scan, out) -> None:
    """Write the members ``result`` keeps, byte for byte, to the open file ``out``."""
    with open(path, "rb", buffering=1 << 20) as src:
        for member in result.kept:
            src.seek(member.start)
            remaining = member.end - member.start
            while remaining:
                chunk = src.read(min(remaining, 1 << 20))
                out.write(chunk)
                remaining -= len(chunk)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _dropped_at(result: Scan, offset: int | None) -> Dropped | None:
    return next((d for d in result.dropped if offset is not None and d.start <= offset < d.end), None)


def _file_run(db: Database, rows: list[dict], path: Path) -> int | None:
    """The run the file belongs to, in this database's numbering (a reparse may have renumbered it)."""
    if rows:
        return rows[0]["run_id"]
    run = warc_run(path)
    if run is None:
        return None
    found = db.execute("SELECT id FROM runs WHERE uid = ? OR (uid IS NULL AND started_at = ?) ORDER BY id DESC",
                       [run.uid, run.started_at]).fetchone()
    return found[0] if found else None


def _lost_captures(db: Database | None, name: str, result: Scan, offsets: dict[int, int],
                   moment: str) -> tuple[list[dict], list[dict], list[dict]]:
    """(rows of this file, rows whose record the repair drops, dropped responses no row points at)."""
    rows = [] if db is None else [dict(zip(_ROW, r)) for r in db.execute(
        f"SELECT {', '.join(_ROW)} FROM captures WHERE warc_file = ? ORDER BY id", [name])]
    lost = []
    for row in rows:
        if row["lost"] is None and (row["warc_offset"] not in offsets
                                    or (row["request_length"] and row["request_offset"] not in offsets)):
            where = _dropped_at(result, row["warc_offset"]) or _dropped_at(result, row["request_offset"])
            problem = where.problem if where else "its record was dropped"
            lost.append({**row, "lost": f"dropped by a repair on {moment}: {problem}"})
    known = {row["record_id"] for row in rows}
    orphans = [{"id": None, "url": d.target_uri, "fetched_at": d.date, "record_id": d.record_id,
                "record_type": d.rec_type, "lost": f"dropped by a repair on {moment}: {d.problem}"}
               for d in result.dropped if d.rec_type in ("response", "revisit") and d.record_id and d.target_uri
               and d.record_id not in known]
    return rows, lost, orphans


def repair_file(path: Path, db: Database | None = None, result: Scan | None = None,
                bad: dict[int, str] | None = None) -> RepairResult:
    """Repair ``path`` (a closed file, or a ``.open`` one, which is closed too); see the module doc."""
    result = result or scan(path, bad)
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    report = RepairResult(final.name, list(result.dropped), sum(d.end - d.start for d in result.dropped))
    offsets = result.new_offsets()
    moment = datetime.now(timezone.utc)
    rows, lost, orphans = _lost_captures(db, final.name, result, offsets, moment.isoformat(timespec="seconds"))
    if path.name.endswith(OPEN_SUFFIX) and result.tail_only and not lost:
        # A run killed mid-write: cut the tail in place, as nothing that was stored is lost.
        with open(path, "r+b") as fh:
            fh.truncate(result.kept[-1].end if result.kept else 0)
            os.fsync(fh.fileno())
        os.replace(path, final)
        _fsync_dir(final.parent)
        return report
    if not result.dropped:
        return report
    report.rewritten = True
    tmp = final.with_name(final.name + REPAIRING_SUFFIX)
    # what the WARC alone will tell a reparse: every capture lost, with what the database knew of it
    captures = [{k: c.get(k) for k in ("record_id", "url", "fetched_at", "status", "mime", "payload_digest",
                                       "record_type", "lost")} for c in lost + orphans]
    try:
        with open(tmp, "wb") as out:
            copy_members(path, result, out)
            record_at = out.tell()
            record = metadata_record(REPAIR, {"file": final.name, "repaired_at": moment.isoformat(timespec="seconds"),
                                     "bytes_before": result.size, "dropped": [d.to_json() for d in result.dropped],
                                     "captures": captures}, moment)
            out.write(record)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:          # step 1 failed: nothing else was touched
        tmp.unlink(missing_ok=True)
        raise RepairError(f"cannot rewrite {final.name} without its damage: {exc}") from exc
    if db is not None:
        run_id = _file_run(db, rows, path)
        orphans = [{**c, "run_id": run_id} for c in orphans if run_id is not None]
        report.lost_captures = [c["id"] for c in lost]
        report.added_lost = len(orphans)
        repair_row = {"file": final.name, "source": path.name, "state": "pending", "bytes_before": result.size,
                      "dropped": json.dumps([d.to_json() for d in result.dropped], ensure_ascii=False),
                      "bytes_after": record_at + len(record), "repaired_at": moment.isoformat(timespec="seconds")}
        report.lost_revisits = _update_rows(db, repair_row, rows, lost, orphans, offsets, record_at, len(record))
    os.replace(tmp, final)
    if path != final:
        path.unlink(missing_ok=True)
    _fsync_dir(final.parent)
    if db is not None:
        with db.conn:
            db.execute("UPDATE repairs SET state = 'done' WHERE file = ? AND state = 'pending'", [final.name])
    return report


def _update_rows(db: Database, repair_row: dict, rows: list[dict], lost: list[dict], orphans: list[dict],
                 offsets: dict[int, int], record_at: int, record_length: int) -> int:
    """Step 2: the rows follow the new file, and the pending repair is recorded, in one transaction."""
    lost_ids = {c["id"] for c in lost}
    db.execute("PRAGMA synchronous = FULL")
    try:
        with db.conn:
            db.execute(f"INSERT INTO repairs ({', '.join(repair_row)}) VALUES ({', '.join('?' * len(repair_row))})",
                       list(repair_row.values()))
            for row in rows:
                if row["id"] in lost_ids:
                    continue
                # kept rows, and rows lost before that point at an earlier repair record (kept too)
                db.execute("UPDATE captures SET warc_offset = ?, request_offset = ? WHERE id = ?",
                           [offsets.get(row["warc_offset"], row["warc_offset"]),
                            offsets.get(row["request_offset"], row["request_offset"]), row["id"]])
            for capture in lost:
                db.execute("UPDATE captures SET lost = ?, warc_offset = ?, warc_length = ?, request_offset = NULL, "
                           "request_length = NULL WHERE id = ?",
                           [capture["lost"], record_at, record_length, capture["id"]])
            for capture in orphans:
                insert_lost(db.conn, capture["run_id"], repair_row["file"], record_at, record_length, capture)
            revisits = mark_revisits_lost(db.conn, sorted(lost_ids))
    finally:
        db.execute("PRAGMA synchronous = NORMAL")
    return revisits


def finish_pending(warc_dir: Path, db: Database | None) -> list[str]:
    """Finish repairs a crash interrupted (see the module doc); returns the files finished."""
    finished = []
    pending = {}
    if db is not None and "repairs" in db.table_names():
        pending = {file: source for file, source in db.execute(
            "SELECT file, source FROM repairs WHERE state = 'pending'")}
    for file, source in pending.items():
        tmp = warc_dir / (file + REPAIRING_SUFFIX)
        if tmp.exists():
            os.replace(tmp, warc_dir / file)
        if source != file:
            (warc_dir / source).unlink(missing_ok=True)
        _fsync_dir(warc_dir)
        with db.conn:
            db.execute("UPDATE repairs SET state = 'done' WHERE file = ? AND state = 'pending'", [file])
        finished.append(file)
    for stray in warc_dir.glob("*" + REPAIRING_SUFFIX):
        if stray.name.removesuffix(REPAIRING_SUFFIX) not in pending:
            stray.unlink()              # written before its rows were committed: the old file stands
    return finished
