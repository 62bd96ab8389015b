"""A structural checker for newsarchive's WARC files and the database's pointers into them.

It checks what ``warcio check`` does not (that one only verifies digests, and passes a
truncated file):

- every gzip member decompresses to its end; nothing trails the last one;
- each file starts with a ``warcinfo`` record; required headers are present;
- request and response (or revisit) records are linked both ways by WARC-Concurrent-To and
  sit in the same file;
- WARC-Target-URI is ASCII; revisit records carry WARC-Refers-To, -Target-URI, -Date,
  WARC-Profile and the payload digest; block and payload digests are right;
- no ``.open`` file is left (``recover_open_file`` cuts a truncated tail and closes it);
- every capture row in the database resolves to its record.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

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

    @property
    def ok(self) -> bool:
        return not self.problems


def gzip_members(path: Path):
    """Yield (start, end) of each gzip member; end is None for a member cut short (or garbage)."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        pos = 0
        while pos < size:
            fh.seek(pos)
            d = zlib.decompressobj(31)
            try:
                while not d.eof:
                    chunk = fh.read(65536)
                    if not chunk:
                        yield pos, None
                        return
                    d.decompress(chunk)
            except zlib.error:
                yield pos, None
                return
            end = fh.tell() - len(d.unused_data)
            yield pos, end
            pos = end


def _check_records(path: Path, report: Report) -> None:
    name = path.name
    open_requests: dict[str, int] = {}      # response id the request points at -> offset
    open_responses: dict[str, tuple[str, int]] = {}
    first = True
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh, check_digests=True)
        try:
            for record in iterator:
                offset = iterator.get_record_offset()
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
                record_id = headers.get_header("WARC-Record-ID")
                partner = headers.get_header("WARC-Concurrent-To")
                if rec_type == "request":
                    open_requests[partner or ""] = offset
                elif rec_type in ("response", "revisit"):
                    open_responses[record_id] = (partner or "", offset)
                if rec_type == "revisit":
                    for header in REVISIT_REQUIRED:
                        if not headers.get_header(header):
                            report.problems.append(Problem(name, offset, f"revisit record without {header}"))
                iterator.read_to_end(record)
                checker = record.digest_checker
                if checker is not None and checker.passed is False:
                    report.problems.append(Problem(name, offset, "digest mismatch: " + "; ".join(
                        str(p) for p in checker.problems)))
        except Exception as exc:   # warcio raises on records it cannot parse at all
            report.problems.append(Problem(name, None, f"unreadable record: {exc}"))
    for response_id, (request_id, offset) in open_responses.items():
        if open_requests.pop(response_id, None) is None:
            report.problems.append(Problem(name, offset, "response without its request in the same file"))
        elif not request_id:
            report.problems.append(Problem(name, offset, "response without WARC-Concurrent-To"))
    for response_id, offset in open_requests.items():
        report.problems.append(Problem(name, offset, "request without its response in the same file"))


def verify_warc(path: Path, report: Report) -> None:
    report.files += 1
    if path.name.endswith(OPEN_SUFFIX):
        report.problems.append(Problem(path.name, None, "left open (a run was cut short): recover it"))
    for start, end in gzip_members(path):
        if end is None:
            report.problems.append(Problem(path.name, start, "gzip member cut short or corrupt (truncated file)"))
            break
    _check_records(path, report)


def verify_pointers(db_path: Path, warc_dir: Path, report: Report) -> None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT id, warc_file, warc_offset, warc_length, record_id FROM captures").fetchall()
    finally:
        conn.close()
    for capture_id, warc_file, offset, length, record_id in rows:
        report.captures_checked += 1
        path = warc_dir / warc_file
        if not path.exists():
            report.problems.append(Problem(warc_file, offset, f"capture {capture_id}: WARC file missing"))
            continue
        with open(path, "rb") as fh:
            fh.seek(offset)
            try:
                record = next(iter(ArchiveIterator(fh)))
                found = record.rec_headers.get_header("WARC-Record-ID")
            except Exception as exc:
                report.problems.append(Problem(warc_file, offset, f"capture {capture_id}: no record there ({exc})"))
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
    report = Report()
    warc_dir = data_dir / "warc"
    for path in sorted(warc_dir.glob("*" + WARC_SUFFIX)) + sorted(warc_dir.glob("*" + WARC_SUFFIX + OPEN_SUFFIX)):
        verify_warc(path, report)
    db = data_dir / "archive.db"
    if db.exists():
        verify_pointers(db, warc_dir, report)
    return report


def recover_open_file(path: Path) -> tuple[Path, int]:
    """Close a ``.warc.gz.open`` left by a crash: keep every complete gzip member up to the
    last complete request/response pair, cut the rest, drop the suffix. Returns the new
    path and the number of bytes cut."""
    members = list(gzip_members(path))
    good_end = 0
    pending_pair = False
    # Walk the members: a pair is complete when its response (or revisit) member is complete.
    with open(path, "rb") as fh:
        for start, end in members:
            if end is None:
                break
            fh.seek(start)
            head = zlib.decompressobj(31).decompress(fh.read(min(end - start, 4096)), 2048)
            rec_type = record_type(head)
            if rec_type == "request":
                pending_pair = True
            elif rec_type in ("response", "revisit"):
                pending_pair = False
                good_end = end
            elif not pending_pair:
                good_end = end                  # warcinfo, metadata: whole on their own
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(good_end)
        fh.flush()
        os.fsync(fh.fileno())
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    os.replace(path, final)
    return final, size - good_end


def record_type(head: bytes) -> str | None:
    """The WARC-Type named in the first bytes of a record."""
    for line in head.split(b"\r\n")[:20]:
        if line.lower().startswith(b"warc-type:"):
            return line.split(b":", 1)[1].strip().decode("ascii", "replace")
    return None
