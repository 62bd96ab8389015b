"""Rebuild the archive database from the WARC files alone (no network).

Every response record becomes a capture row again, every HTML page goes through the same
pure extraction and the same ``Archive.store_page`` as during the crawl, runs come back
from each file's ``warcinfo`` and the run's closing ``metadata`` record. Files are read in
the order they were written, so capture ids come out as the crawl made them.

Damage is isolated, not spread: a damaged record (``archive.damage``) and its pair partner are
skipped with a warning and counted, and everything else is rebuilt. A repair's metadata record
marks the captures it lost again (``archive.lost``). A run number that comes back with another
identity (numbering started again after the database was lost) is renumbered after the runs
before it (``archive.run_identity``).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from warcio.archiveiterator import ArchiveIterator

from extract import EXTRACTOR_VERSION, Assembled, Capture, ProfileError, StoredPage, assemble, finish, load_profile
from .damage import Scan, scan
from .lost import insert_lost
from .rendered import RenderedPages
from .run_identity import run_numbers, warc_run
from .store import Archive, open_archive
from .vocabulary import (BASE_URL, FAILURE, REPAIR, ROLE, ROLE_COORDINATOR, RUN, RUN_RECORD, RUN_UID, SITE,
                         SKIPPED, STARTED_AT, SUPERSEDED, warcinfo_fields)
from .warc import WARC_SUFFIX, CaptureRef, read_record_payload

logger = logging.getLogger(__name__)

# A distributed run's coordinator lists the records of a dead worker that the merge left out,
# because a live worker fetched the same URLs again; a reparse leaves them out too.


class ReparseError(Exception):
    """The WARC files cannot be reparsed (none found, unreadable, no run information)."""


@dataclass
class ReparseStats:
    files: int = 0
    records: int = 0
    captures: int = 0
    pages: int = 0
    runs: set = field(default_factory=set)
    skipped: int = 0             # damaged records, their pair partners, revisits with nothing behind them
    renumbered: dict = field(default_factory=dict)    # number given -> number in its files' warcinfo


class _RunContext:
    def __init__(self, run_id: int, site: str, base_url: str | None, site_override: str | None):
        self.run_id = run_id
        self.profile = None
        try:
            self.profile = load_profile(site_override or site, base_url or None)
        except ProfileError as exc:
            logger.warning("run %s: no profile (%s); URL roles fall back to generic rules", run_id, exc)
        self.pending: dict[str, list] = {}   # next page URL -> the parts of its article so far (extract.Part)
        self.rendered = RenderedPages(self.profile)   # pages waiting for their conversion record


def warc_files(warc_dir: Path) -> list[Path]:
    return sorted(warc_dir.glob("*" + WARC_SUFFIX))


def superseded_records(files: list[Path]) -> set[str]:
    """The WARC-Record-IDs that coordinators' files list as superseded. Only a file whose warcinfo
    says it is a coordinator's is read past its first record (they hold a record or two)."""
    found: set[str] = set()
    for path in files:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            first = next(records, None)
            if first is None or first.rec_type != "warcinfo" or \
                    warcinfo_fields(first.content_stream().read()).get(ROLE) != ROLE_COORDINATOR:
                continue
            for record in records:
                if record.rec_type == "metadata" and \
                        (record.rec_headers.get_header("WARC-Target-URI") or "").startswith(SUPERSEDED):
                    found.update(json.loads(record.content_stream().read())["records"])
    return found


def reparse(data_dir: Path, output: Path, *, site: str | None = None,
            progress: Callable[[ReparseStats], None] | None = None) -> ReparseStats:
    files = warc_files(data_dir / "warc")
    if not files:
        raise ReparseError(f"no WARC files in {data_dir / 'warc'}")
    if output.exists():
        raise ReparseError(f"{output} exists; choose another --output or remove it")
    # A fresh file: units share transactions committed a second apart (archive.store); the first
    # error stops the reparse, so a page needs no savepoint of its own.
    archive = Archive(open_archive(output), commit_interval=1.0, savepoints=False)
    stats = ReparseStats()
    runs: dict[int, _RunContext] = {}
    current: _RunContext | None = None
    requests: dict[str, tuple[int, int]] = {}
    superseded = superseded_records(files)

    def flush_pending(ctx: _RunContext) -> None:
        """Multi-page articles whose next page never came (the crawl stopped, or did not fetch it)."""
        for assembled in ctx.rendered.release():
            _apply(archive, ctx, assembled, stats)
        for parts in ctx.pending.values():
            _store(archive, ctx, finish(parts, ctx.profile), stats)
        ctx.pending.clear()

    numbers = run_numbers([run for run in map(warc_run, files) if run is not None])

    def skip(path: Path, offset: int, what: str) -> None:
        stats.skipped += 1
        logger.warning("%s @%d: %s; skipped", path.name, offset, what)

    for path in files:
        stats.files += 1
        damage = scan(path)
        for dropped in damage.dropped:
            skip(path, dropped.start, dropped.describe())
        with open(path, "rb") as fh:
            for record, where in _records(fh, damage):
                rec_type = record.rec_type
                headers = record.rec_headers
                if rec_type == "warcinfo":
                    info = warcinfo_fields(record.content_stream().read())
                    if RUN not in info:
                        raise ReparseError(f"{path.name}: warcinfo names no run (not written by newsarchive?)")
                    run_id = numbers.get(path.name, int(info[RUN]))
                    if run_id != int(info[RUN]):
                        stats.renumbered[run_id] = int(info[RUN])
                    if run_id not in runs:
                        if current is not None:
                            flush_pending(current)
                            archive.resolve_ranking_articles(current.run_id)
                        archive.begin_run(info.get(SITE, "unknown"), EXTRACTOR_VERSION,
                                          info.get("software", ""), info.get(BASE_URL) or None,
                                          run_id=run_id, started_at=info.get(STARTED_AT),
                                          uid=info.get(RUN_UID) or None)
                        runs[run_id] = _RunContext(run_id, info.get(SITE, "replica"),
                                                   info.get(BASE_URL), site)
                        stats.runs.add(run_id)
                    current = runs[run_id]
                elif rec_type == "request":
                    record.content_stream().read()     # to the record's end: where() needs its length
                    requests[headers.get_header("WARC-Record-ID")] = where(record)
                elif rec_type in ("response", "revisit") and current is not None and \
                        headers.get_header("WARC-Record-ID") in superseded:
                    requests.pop(headers.get_header("WARC-Concurrent-To"), None)
                elif rec_type in ("response", "revisit") and current is not None:
                    body = record.content_stream().read()
                    offset, length = where(record)
                    request_offset, request_length = requests.pop(headers.get_header("WARC-Concurrent-To"), (0, 0))
                    ref = CaptureRef(path.name, offset, length, headers.get_header("WARC-Record-ID"), request_offset,
                                     request_length, headers.get_header("WARC-Payload-Digest"),
                                     headers.get_header("WARC-Date"), rec_type)
                    refers_to = None
                    if rec_type == "revisit":
                        earlier = archive.capture_location(headers.get_header("WARC-Refers-To") or "")
                        if earlier is None:     # its payload's record was damaged or lost: nothing to replay
                            skip(path, offset, f"revisit {ref.record_id} of {headers.get_header('WARC-Target-URI')}"
                                               " refers to a record that is not in the archive")
                            _lost_revisit(archive, current.run_id, record, ref)
                            continue
                        refers_to = earlier[0]
                        body = read_record_payload(data_dir / "warc" / earlier[1], earlier[2])
                    _response(archive, current, record, body, ref, stats, refers_to)
                elif current is not None and current.rendered.is_outcome(record):    # archive.rendered
                    _apply(archive, current, current.rendered.outcome(record), stats)
                elif rec_type == "metadata" and current is not None:
                    uri = headers.get_header("WARC-Target-URI") or ""
                    if uri == SKIPPED:
                        item = json.loads(record.content_stream().read())
                        archive.add_skipped(current.run_id, item["url"], item["found_on"], item["reason"],
                                            item.get("size"), headers.get_header("WARC-Date"))
                    elif uri == FAILURE:
                        item = json.loads(record.content_stream().read())
                        archive.add_failure(current.run_id, item["url"], item["found_on"], item["reason"],
                                            item.get("status"), headers.get_header("WARC-Date"))
                    elif uri.startswith(RUN_RECORD):
                        row = json.loads(record.content_stream().read())
                        flush_pending(current)
                        archive.resolve_ranking_articles(current.run_id)
                        with archive.db.atomic():
                            # the run's own number here, which a renumbering may have changed
                            archive.db["runs"].update(current.run_id, {k: v for k, v in row.items() if k != "id"})
                    elif uri == REPAIR:
                        document = json.loads(record.content_stream().read())
                        offset, length = where(record)
                        with archive.db.atomic():
                            for capture in document.get("captures", []):
                                insert_lost(archive.db.conn, current.run_id, path.name, offset, length, capture)
                stats.records += 1
                if progress and stats.records % 500 == 0:
                    progress(stats)
    if current is not None:
        flush_pending(current)
        archive.resolve_ranking_articles(current.run_id)
    # A run with no closing metadata record was cut short (a crash): say so.
    with archive.db.atomic():
        archive.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
    archive.commit()
    if progress:
        progress(stats)
    archive.db.close()
    return stats


def swap_in_rebuilt(current: Path, rebuilt: Path) -> Path:
    """Put the rebuilt database in place of ``current``, which is kept as ``archive.db.bak``.
    Call it holding the data directory's lock. The old database is checkpointed first, so the
    backup holds everything its WAL held (a file moved without its WAL loses those rows)."""
    if current.exists():
        try:
            conn = sqlite3.connect(current, timeout=30)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            # a damaged database (what a reparse is often for): kept as it is, its WAL beside it
            wal = current.with_name(current.name + "-wal")
            if wal.exists():
                os.replace(wal, current.with_name(current.name + ".bak-wal"))
        os.replace(current, current.with_name(current.name + ".bak"))
    for suffix in ("-wal", "-shm"):
        current.with_name(current.name + suffix).unlink(missing_ok=True)
    os.replace(rebuilt, current)
    return current


def _lost_revisit(archive: Archive, run_id: int, record, ref: CaptureRef) -> None:
    """A revisit whose payload's record is gone is a lost capture, as the repair made it: fetched again."""
    http = record.http_headers
    capture = {"url": record.rec_headers.get_header("WARC-Target-URI"), "fetched_at": ref.warc_date,
               "status": int(http.get_statuscode() or 0), "mime": (http.get_header("Content-Type") or "").split(";")[0]
               or None, "payload_digest": ref.payload_digest, "record_id": ref.record_id, "record_type": "revisit",
               "lost": f"the record holding its payload ({record.rec_headers.get_header('WARC-Refers-To')}) is lost"}
    with archive.db.atomic():
        insert_lost(archive.db.conn, run_id, ref.warc_file, ref.offset, ref.length, capture)


def _records(fh, damage: Scan):
    """(record, where) for each record of a file, ``where(record)`` giving its (offset, length) once its
    content is read. The whole file in one pass when nothing is damaged; else member by member over
    what ``damage`` keeps (warcio reading across a damaged member prints an error and reads on)."""
    if not damage.damaged:
        iterator = ArchiveIterator(fh)

        def where(record) -> tuple[int, int]:
            iterator.read_to_end(record)
            return iterator.get_record_offset(), iterator.get_record_length()

        for record in iterator:
            yield record, where
        return
    for member in damage.kept:
        fh.seek(member.start)
        yield next(iter(ArchiveIterator(fh))), lambda _record, m=member: (m.start, m.end - m.start)


def _response(archive: Archive, ctx: _RunContext, record, body: bytes, ref: CaptureRef, stats: ReparseStats,
              refers_to: int | None = None) -> None:
    """A response as a capture row, then through the same assembler as the crawl (extract.assemble)."""
    http = record.http_headers
    url = record.rec_headers.get_header("WARC-Target-URI")
    status = int(http.get_statuscode() or 0)
    content_type = http.get_header("Content-Type") or ""
    capture_id = archive.add_capture(ctx.run_id, url, status, content_type.split(";")[0].strip() or None, ref,
                                     refers_to)
    stats.captures += 1
    # the crawl fetched a 下一页 right after its page: here it is that page's capture that comes next
    earlier = ctx.pending.pop(url, None)
    capture = Capture(url, status, content_type, body, capture_id, ref.warc_date)
    assembled = assemble(capture, ctx.profile, earlier)
    if not ctx.rendered.hold(ref.record_id, capture, earlier, assembled):
        _apply(archive, ctx, assembled, stats)


def _apply(archive: Archive, ctx: _RunContext, assembled: Assembled | None, stats: ReparseStats) -> None:
    """Store what a page gave, or keep its article's parts until its next page comes."""
    if assembled is None:
        return
    if assembled.feed is not None and assembled.feed.kind == "urlset":
        archive.store_sitemap(ctx.run_id, assembled.feed.entries)
    if assembled.next_page:
        ctx.pending[assembled.next_page] = assembled.parts
    if assembled.stored is not None:
        _store(archive, ctx, assembled.stored, stats)


def _store(archive: Archive, ctx: _RunContext, page: StoredPage, stats: ReparseStats) -> None:
    archive.store_page(ctx.run_id, page.document, page.capture_ids, page.fetched_at, page.store_ranking)
    stats.pages += 1
