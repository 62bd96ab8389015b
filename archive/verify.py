"""A structural checker for newsarchive's WARC files and the database's pointers into them.

It checks what ``warcio check`` does not (that one only verifies digests, and passes a
truncated file):

- every gzip member decompresses to its end, anywhere in the file (``archive.damage``): a damaged
  record is named by file, offset, record id and target URI where they are readable, and the
  records after it are still checked;
- each file starts with a ``warcinfo`` record; required headers are present;
- request and response (or revisit) records are paired by WARC-Concurrent-To and sit in the
  same file;
- WARC-Target-URI is ASCII; revisit records carry WARC-Refers-To, -Target-URI, -Date,
  WARC-Profile and the payload digest; block and payload digests are right;
- no ``.open`` file is left (``recover_open_file`` repairs and closes it);
- every capture row in the database resolves to its record; a capture marked ``lost`` by a
  repair is a note, not a problem (the next crawl fetches it again, ``archive.lost``).
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from .damage import Scan, scan
from .lost import has_lost_column, lost_captures
from .repair import RepairResult, repair_file
from .warc import OPEN_SUFFIX, WARC_SUFFIX

REQUIRED = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
REVISIT_REQUIRED = ("WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Profile",
                    "WARC-Payload-Digest")


@dataclass
class Problem:
    file: str
    offset: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" @{self.offset}" if self.offset is not None else "")
        return f"{where}: {self.message}"


@dataclass
class Report:
    files: int = 0
    records: int = 0
    captures_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    scans: dict[str, Scan] = field(default_factory=dict)          # files with damage, by name
    bad_records: dict[str, dict[int, str]] = field(default_factory=dict)   # whole records that fail a check

    @property
    def ok(self) -> bool:
        return not self.problems


def _records(fh, result: Scan):
    """(offset, record, iterator) of each record: the whole file in one pass when nothing is damaged,
    else member by member over those that decompress (warcio prints a gzip error and reads on)."""
    if not result.damaged:
        iterator = ArchiveIterator(fh, check_digests=True)
        for record in iterator:
            yield iterator.get_record_offset(), record, iterator
        return
    for member in result.whole:
        fh.seek(member.start)
        iterator = ArchiveIterator(fh, check_digests=True)
        yield member.start, next(iterator), iterator


def _check_records(path: Path, result: Scan, report: Report) -> None:
    name = path.name
    first = True
    with open(path, "rb") as fh:
        try:
            for offset, record, iterator in _records(fh, result):
                headers = record.rec_headers
                rec_type = record.rec_type
                report.records += 1
                for header in REQUIRED:
                    if not headers.get_header(header):
                        report.problems.append(Problem(name, offset, f"{rec_type} record without {header}"))
                if first and rec_type != "warcinfo":
                    report.problems.append(Problem(name, offset, "the first record is not warcinfo"))
                first = False
                uri = headers.get_header("WARC-Target-URI") or ""
                if not uri.isascii():
                    report.problems.append(Problem(name, offset, f"WARC-Target-URI is not ASCII: {uri[:80]!r}"))
                if rec_type in ("request", "response", "revisit") and not uri:
                    report.problems.append(Problem(name, offset, f"{rec_type} record without WARC-Target-URI"))
                if rec_type in ("response", "revisit") and not headers.get_header("WARC-Concurrent-To"):
                    report.problems.append(Problem(name, offset, "response without WARC-Concurrent-To"))
                if rec_type == "revisit":
                    for header in REVISIT_REQUIRED:
                        if not headers.get_header(header):
                            report.problems.append(Problem(name, offset, f"revisit record without {header}"))
                iterator.read_to_end(record)
                checker = record.digest_checker
                if checker is not None and checker.passed is False:
                    message = "digest mismatch: " + "; ".join(str(p) for p in checker.problems)
                    report.problems.append(Problem(name, offset, message))
                    report.bad_records.setdefault(name, {})[offset] = message
        except Exception as exc:   # warcio raises on records it cannot parse at all
            report.problems.append(Problem(name, None, f"unreadable record: {exc}"))


def verify_warc(path: Path, report: Report) -> None:
    report.files += 1
    if path.name.endswith(OPEN_SUFFIX):
        report.problems.append(Problem(path.name, None, "left open (a run was cut short): recover it"))
    result = scan(path)
    if result.damaged:
        report.scans[path.name] = result
    for dropped in result.dropped:
        report.problems.append(Problem(path.name, dropped.start, dropped.describe()))
    _check_records(path, result, report)


def verify_pointers(db_path: Path, warc_dir: Path, report: Report) -> None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        lost = has_lost_column(conn)
        rows = conn.execute("SELECT id, warc_file, warc_offset, warc_length, record_id FROM captures"
                            + (" WHERE lost IS NULL" if lost else "")).fetchall()
        for capture in lost_captures(conn):
            again = (f"fetched again as capture {capture.fetched_again_as}" if capture.fetched_again_as
                     else "the next crawl fetches it again")
            report.notes.append(Problem(capture.warc_file, None, f"capture {capture.id} of {capture.url} is lost "
                                                                 f"({capture.reason}); {again}"))
    finally:
        conn.close()
    for capture_id, warc_file, offset, length, record_id in rows:
        report.captures_checked += 1
        path = warc_dir / warc_file
        if not path.exists():
            report.problems.append(Problem(warc_file, offset, f"capture {capture_id}: WARC file missing"))
            continue
        damaged = report.scans.get(warc_file)
        if damaged and any(d.start <= offset < d.end for d in damaged.dropped):
            report.problems.append(Problem(warc_file, offset, f"capture {capture_id}: its record is damaged "
                                                              "(`verify --repair` drops it and marks the capture "
                                                              "for re-fetch)"))
            continue
        with open(path, "rb") as fh:
            fh.seek(offset)
            try:
                record = next(iter(ArchiveIterator(fh)))
                found = record.rec_headers.get_header("WARC-Record-ID")
            except Exception as exc:
                report.problems.append(Problem(warc_file, offset,
                                               f"capture {capture_id}: no record there ({str(exc)[:100]})"))
                continue
        if found != record_id:
            report.problems.append(Problem(warc_file, offset, f"capture {capture_id}: record {found} found, "
                                                              f"{record_id} expected"))
        elif length is not None:
            with open(path, "rb") as fh:
                fh.seek(offset)
                d = zlib.decompressobj(31)
                d.decompress(fh.read(length))
                if not d.eof:
                    report.problems.append(Problem(warc_file, offset, f"capture {capture_id}: length {length} "
                                                                      "does not cover the record"))


def verify(data_dir: Path) -> Report:
    """Check every WARC file in ``data_dir/warc`` and every capture row of ``data_dir/archive.db``."""
    report = Report()
    warc_dir = data_dir / "warc"
    for path in sorted(warc_dir.glob("*" + WARC_SUFFIX)) + sorted(warc_dir.glob("*" + WARC_SUFFIX + OPEN_SUFFIX)):
        verify_warc(path, report)
    db = data_dir / "archive.db"
    if db.exists():
        verify_pointers(db, warc_dir, report)
    return report


def repair_damaged(data_dir: Path, report: Report, db=None) -> list[RepairResult]:
    """Rewrite each closed file ``report`` found damage in (or records failing a check) without it."""
    results = []
    for name in sorted(set(report.scans) | set(report.bad_records)):
        path = data_dir / "warc" / name
        if name.endswith(OPEN_SUFFIX) or not path.exists():
            continue
        bad = report.bad_records.get(name)
        results.append(repair_file(path, db, None if bad else report.scans.get(name), bad))
    return results


def recover_open_file(path: Path, db=None) -> tuple[Path, int]:
    """Close a ``.warc.gz.open`` left by a crash or a full disk: drop what is damaged anywhere in it
    (a tail cut short, a member cut short in the middle) and its pair partners, keep every whole
    pair, drop the suffix. With the archive's ``db``, rows follow (``archive.repair``). Returns
    the new path and the number of bytes dropped."""
    result = repair_file(path, db)
    return path.with_name(result.file), result.bytes_cut
