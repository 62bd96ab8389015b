"""What a reparse does with each WARC record, in file order: the one database writer of a reparse.

``archive.reparse`` reads the files (and has the pages read ahead in other processes,
``extract.pool``); ``Rebuild`` takes the records in the order they were written and writes the
database: runs from each file's ``warcinfo`` and the run's closing ``metadata`` record, a capture
row per response (ids come out as the crawl made them), each page through the same assembler as
the crawl (``extract.assemble``) and the same ``Archive.store_page``.

No Scrapy here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from extract import EXTRACTOR_VERSION, Assembled, Capture, ProfileError, StoredPage, assemble, finish, load_profile
from .lost import insert_lost
from .rendered import RenderedPages
from .store import Archive
from .vocabulary import BASE_URL, FAILURE, REPAIR, RUN, RUN_RECORD, RUN_UID, SITE, SKIPPED, STARTED_AT
from .warc import CaptureRef, read_record_payload
from .warc_members import Response

logger = logging.getLogger(__name__)


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
        self.profile_key = (site_override or site, base_url or None)     # extract.pool.ProfileKey
        self.profile = None
        try:
            self.profile = load_profile(*self.profile_key)
        except ProfileError as exc:
            logger.warning("run %s: no profile (%s); URL roles fall back to generic rules", run_id, exc)
        self.pending: dict[str, list] = {}   # next page URL -> the parts of its article so far (extract.Part)
        self.rendered = RenderedPages(self.profile)   # pages waiting for their conversion record


class Rebuild:
    def __init__(self, archive: Archive, data_dir: Path, site: str | None, stats: ReparseStats):
        self.archive = archive
        self.data_dir = data_dir
        self.site = site
        self.stats = stats
        self.runs: dict[int, _RunContext] = {}
        self.current: _RunContext | None = None

    def skip(self, path: Path | str, offset: int, what: str) -> None:
        self.stats.skipped += 1
        logger.warning("%s @%d: %s; skipped", Path(path).name, offset, what)

    def warcinfo(self, run_id: int, info: dict) -> None:
        if run_id not in self.runs:
            self.end_run()
            self.archive.begin_run(info.get(SITE, "unknown"), EXTRACTOR_VERSION, info.get("software", ""),
                                   info.get(BASE_URL) or None, run_id=run_id, started_at=info.get(STARTED_AT),
                                   uid=info.get(RUN_UID) or None)
            self.runs[run_id] = _RunContext(run_id, info.get(SITE, "replica"), info.get(BASE_URL), self.site)
            self.stats.runs.add(run_id)
        self.current = self.runs[run_id]

    def end_run(self) -> None:
        """The current run has no more records: multi-page articles whose next page never came (the
        crawl stopped, or did not fetch it) and pages still waiting for their rendering are stored."""
        ctx = self.current
        if ctx is None:
            return
        for assembled in ctx.rendered.release():
            self._apply(assembled)
        for parts in ctx.pending.values():
            self._store(finish(parts, ctx.profile))
        ctx.pending.clear()
        self.archive.resolve_ranking_articles(ctx.run_id)

    def response(self, response: Response, ref: CaptureRef, page=None) -> None:
        """A response as a capture row, then through the same assembler as the crawl (extract.assemble);
        ``page`` is what another process read of it (extract.pool), if it did."""
        ctx = self.current
        capture_id = self.archive.add_capture(ctx.run_id, response.url, response.status,
                                              response.content_type.split(";")[0].strip() or None, ref, None)
        self._assemble(ctx, Capture(response.url, response.status, response.content_type, response.body,
                                    capture_id, ref.warc_date), ref, page)

    def revisit(self, record, ref: CaptureRef) -> None:
        """A revisit (warcio's record, headers read): its payload is the earlier record's."""
        ctx, headers = self.current, record.rec_headers
        earlier = self.archive.capture_location(headers.get_header("WARC-Refers-To") or "")
        if earlier is None:     # its payload's record was damaged or lost: nothing to replay
            self.skip(ref.warc_file, ref.offset, f"revisit {ref.record_id} of {headers.get_header('WARC-Target-URI')}"
                                                 " refers to a record that is not in the archive")
            self._lost_revisit(record, ref)
            return
        body = read_record_payload(self.data_dir / "warc" / earlier[1], earlier[2])
        http, url = record.http_headers, headers.get_header("WARC-Target-URI")
        status, content_type = int(http.get_statuscode() or 0), http.get_header("Content-Type") or ""
        capture_id = self.archive.add_capture(ctx.run_id, url, status, content_type.split(";")[0].strip() or None,
                                              ref, earlier[0])
        self._assemble(ctx, Capture(url, status, content_type, body, capture_id, ref.warc_date), ref)

    def _assemble(self, ctx: _RunContext, capture: Capture, ref: CaptureRef, page=None) -> None:
        self.stats.captures += 1
        # the crawl fetched a 下一页 right after its page: here it is that page's capture that comes next
        earlier = ctx.pending.pop(capture.url, None)
        assembled = assemble(capture, ctx.profile, earlier, page=page)
        if not ctx.rendered.hold(ref.record_id, capture, earlier, assembled):
            self._apply(assembled)

    def other(self, record, path: Path, offset: int, length: int) -> None:
        """Any other record of the current run (warcio's, its content read into ``record.content``)."""
        ctx, uri = self.current, record.rec_headers.get_header("WARC-Target-URI") or ""
        if ctx.rendered.is_outcome(record):    # archive.rendered
            self._apply(ctx.rendered.outcome(record))
        elif record.rec_type != "metadata":
            return
        elif uri == SKIPPED:
            item = json.loads(record.content)
            self.archive.add_skipped(ctx.run_id, item["url"], item["found_on"], item["reason"], item.get("size"),
                                     record.rec_headers.get_header("WARC-Date"))
        elif uri == FAILURE:
            item = json.loads(record.content)
            self.archive.add_failure(ctx.run_id, item["url"], item["found_on"], item["reason"], item.get("status"),
                                     record.rec_headers.get_header("WARC-Date"))
        elif uri.startswith(RUN_RECORD):
            row = json.loads(record.content)
            self.end_run()
            with self.archive.db.atomic():
                # the run's own number here, which a renumbering may have changed
                self.archive.db["runs"].update(ctx.run_id, {k: v for k, v in row.items() if k != "id"})
        elif uri == REPAIR:
            document = json.loads(record.content)
            with self.archive.db.atomic():
                for capture in document.get("captures", []):
                    insert_lost(self.archive.db.conn, ctx.run_id, path.name, offset, length, capture)

    def _lost_revisit(self, record, ref: CaptureRef) -> None:
        """A revisit whose payload's record is gone is a lost capture, as the repair made it: fetched again."""
        http = record.http_headers
        capture = {"url": record.rec_headers.get_header("WARC-Target-URI"), "fetched_at": ref.warc_date,
                   "status": int(http.get_statuscode() or 0),
                   "mime": (http.get_header("Content-Type") or "").split(";")[0] or None,
                   "payload_digest": ref.payload_digest, "record_id": ref.record_id, "record_type": "revisit",
                   "lost": f"the record holding its payload ({record.rec_headers.get_header('WARC-Refers-To')}) is lost"}
        with self.archive.db.atomic():
            insert_lost(self.archive.db.conn, self.current.run_id, ref.warc_file, ref.offset, ref.length, capture)

    def _apply(self, assembled: Assembled | None) -> None:
        """Store what a page gave, or keep its article's parts until its next page comes."""
        if assembled is None:
            return
        ctx = self.current
        if assembled.feed is not None and assembled.feed.kind == "urlset":
            self.archive.store_sitemap(ctx.run_id, assembled.feed.entries)
        if assembled.next_page:
            ctx.pending[assembled.next_page] = assembled.parts
        if assembled.stored is not None:
            self._store(assembled.stored)

    def _store(self, page: StoredPage) -> None:
        self.archive.store_page(self.current.run_id, page.document, page.capture_ids, page.fetched_at,
                                page.store_ranking)
        self.stats.pages += 1

    def finish(self) -> None:
        self.end_run()
        # A run with no closing metadata record was cut short (a crash): say so.
        with self.archive.db.atomic():
            self.archive.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        self.archive.commit()


def run_of(info: dict, path: Path, numbers: dict[str, int], stats: ReparseStats) -> int:
    """The run a file's warcinfo names, as numbered in the rebuilt database."""
    if RUN not in info:
        raise ReparseError(f"{path.name}: warcinfo names no run (not written by newsarchive?)")
    run_id = numbers.get(path.name, int(info[RUN]))
    if run_id != int(info[RUN]):
        stats.renumbered[run_id] = int(info[RUN])
    return run_id
