"""Write every HTTP exchange to WARC as it arrives, and index it as a capture row.

Listens to ``response_downloaded``: the signal fires in the downloader before
HttpCompressionMiddleware, so the body is still exactly as the server sent it (gzip
intact), and it never fires for responses replayed from Scrapy's HTTP cache, so nothing
is archived twice. robots.txt and redirects pass through here too.

The response's status line and header block are written as the server sent them, as the
download handler kept them (``crawler.rawhead``); a response fetched by another handler has
them rebuilt from Scrapy's parsed values (counted in ``warc/rebuilt_heads``): the standard
reason phrase, names as Scrapy cases them, Content-Length first.

Scrapy only logs exceptions raised in signal handlers, so failures are counted in
``warc/errors`` and the run's health looks at that count. A file system that refuses the
write (full, read-only, over quota) stops the crawl at once: every later write would fail too,
and the run ends ``aborted`` with the reason (``crawler.lifecycle``). The writer has already cut
the half-written pair back out of the file.

Settings: see ``crawler.session``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import signals

from archive.warc import HttpExchange, WarcWriteError, payload_digest
from .rawhead import head_as_sent
from .lifecycle import halt, storage_refused
from .session import ArchiveSession

logger = logging.getLogger(__name__)


def _header_pairs(headers) -> list[tuple[bytes, bytes]]:
    return [(bytes(name), bytes(value)) for name, values in headers.items() for value in values]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class WarcRecorder:
    def __init__(self, crawler, session: ArchiveSession):
        self.crawler = crawler
        self.stats = crawler.stats
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, ArchiveSession.for_crawler(crawler))
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def response_downloaded(self, response, request, spider):
        session = self.session
        if response.status == 304 and request.meta.get("revalidate"):
            # our own conditional request: "unchanged" is not a page to replay (a 304 revisit
            # replays as an empty page in pywb, FINDINGS)
            self.stats.inc_value("warc/not_modified_not_archived")
            return
        if session.closed or session.fatal:
            # after a forced stop: the run is closed, nothing more is written
            self.stats.inc_value("warc/dropped_after_stop")
            return
        try:
            self._record(response, request)
        except Exception as exc:
            self.stats.inc_value("warc/errors")
            refused = storage_refused(exc)
            if refused:
                halt(self.crawler, session, refused)
            elif isinstance(exc, WarcWriteError):
                logger.error("could not archive %s: %s", request.url, exc)
            else:
                logger.exception("could not archive %s", request.url)

    def _record(self, response, request) -> None:
        host = urlsplit(request.url).netloc.encode("ascii", "ignore")
        request_headers = [(b"Host", host)] + [(n, v) for n, v in _header_pairs(request.headers)
                                               if n.lower() != b"host"]
        ip = getattr(response, "ip_address", None)
        head = head_as_sent(response)
        if head is None:
            self.stats.inc_value("warc/rebuilt_heads")
        exchange = HttpExchange(
            url=request.url, method=request.method, request_headers=request_headers,
            request_body=request.body or b"", status=response.status, reason=_reason(response.status),
            response_headers=_header_pairs(response.headers), body=response.body,
            fetched_at=datetime.now(timezone.utc), protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            ip_address=str(ip) if ip else None, response_head=head)
        archive = self.session.archive
        earlier = None
        if response.status == 200 and response.body:
            earlier = archive.earlier_capture(request.url, payload_digest(response.body))
        ref = self.session.warc.write_exchange(exchange, revisit_of=earlier[1] if earlier else None)
        mime = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip() or None
        capture_id = archive.add_capture(self.session.run_id, request.url, response.status, mime, ref,
                                         refers_to=earlier[0] if earlier else None)
        if earlier:
            self.stats.inc_value("warc/revisits")
        request.meta["capture_id"] = capture_id
        request.meta["warc_date"] = ref.warc_date
        request.meta["warc_record_id"] = ref.record_id       # a rendered page's conversion refers to it
        self.stats.inc_value("warc/records", 2)
        self.stats.inc_value("warc/bytes", ref.length + ref.request_length)
        self.stats.inc_value("archive/captures")
