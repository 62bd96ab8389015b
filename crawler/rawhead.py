"""Scrapy's HTTP/1.1 download handler, keeping each response's head as the server sent it.

Scrapy's ``Headers`` re-case names (``ETag`` becomes ``Etag``) and lose their order, Twisted
moves ``Content-Length`` and ``Connection`` out of the headers it hands on, and the status
line's reason phrase is dropped (FINDINGS). The bytes as sent are only visible below all that,
in the connection's protocol: ``RawHeadProtocol`` keeps the bytes of the current response's
head (status line and header lines, up to and including the blank line) and the agent hands
them on with the Scrapy response; ``head_as_sent(response)`` reads them (the WARC recorder
writes them). A connection carries one request at a time (Twisted's pool reuses only idle
connections), and each request starts a new capture, so on a persistent connection every
response gets its own head.

A head longer than HEAD_LIMIT bytes fails the request with ``ResponseHeadTooLarge``. Twisted
would otherwise drop the connection at its line limit (16 KB) with no reason given, which read
as "connection lost (reset by the server)". A refusal is not retried: it would fail the same.

Built on private Scrapy internals (``_LenientHTTP11ClientProtocol``, ``_ScrapyAgent`` and the
body of ``HTTP11DownloadHandler.download_request`` in scrapy/core/downloader/handlers/http11.py).
Scrapy is pinned below 2.20 in pyproject.toml; tests/test_raw_head.py fails when they change.
"""

from __future__ import annotations

import logging
import re
from weakref import WeakKeyDictionary

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler, _LenientHTTP11ClientFactory, _LenientHTTP11ClientProtocol, _ScrapyAgent)
from scrapy.exceptions import DownloadFailedError, ResponseDataLossError
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

logger = logging.getLogger(__name__)

# Browsers accept heads of 256 KB (Chromium) down to 8 KB per line (some servers); 64 KB keeps
# every real head we have seen and bounds what one response can make us hold.
HEAD_LIMIT = 65536
_HEAD_END = re.compile(rb"\n\r?\n")              # Twisted splits lines on LF and drops a CR before it
_INTERIM = re.compile(rb"HTTP/\d+\.\d+ 1\d\d\b")  # a 1xx head, which Twisted skips (RFC 9110 §15.2)

# Scrapy responses have __slots__ and no room for an attribute: the head is kept beside the
# response, for as long as the response lives.
_HEADS: WeakKeyDictionary = WeakKeyDictionary()


class ResponseHeadTooLarge(Exception):
    """The server sent a response head (status line and headers) longer than the limit."""

    def __init__(self, limit: int = HEAD_LIMIT):
        super().__init__(f"response header over {limit} bytes (refused)")
        self.limit = limit


def head_as_sent(response) -> bytes | None:
    """The status line and header block of ``response`` as the server sent them, or None when
    another download handler fetched it."""
    return _HEADS.get(response)


def head_too_large(exc: BaseException | None) -> ResponseHeadTooLarge | None:
    """The refusal inside ``exc``: Scrapy raises DownloadFailedError from Twisted's
    ResponseFailed (``wrap_twisted_exceptions``), whose ``reasons`` hold the failure we gave."""
    while exc is not None:
        if isinstance(exc, ResponseHeadTooLarge):
            return exc
        if isinstance(exc, ResponseFailed):
            for reason in exc.reasons:
                if isinstance(reason, Failure) and isinstance(reason.value, ResponseHeadTooLarge):
                    return reason.value
        exc = exc.__cause__
    return None


class _HeadCapture:
    """The head of one response, from the bytes of the connection as they arrive."""

    def __init__(self):
        self.buffer = bytearray()
        self.head: bytes | None = None

    def feed(self, data: bytes) -> None:
        start = max(0, len(self.buffer) - 2)
        self.buffer += data
        while self.head is None:
            end = _HEAD_END.search(self.buffer, start)
            if (end.end() if end else len(self.buffer)) > HEAD_LIMIT:
                raise ResponseHeadTooLarge(HEAD_LIMIT)
            if end is None:
                return
            if _INTERIM.match(self.buffer):
                del self.buffer[:end.end()]          # the final head follows it
                start = 0
                continue
            self.head = bytes(self.buffer[:end.end()])
            self.buffer = bytearray()


class RawHeadProtocol(_LenientHTTP11ClientProtocol):
    """Scrapy's lenient HTTP/1.1 client protocol that keeps the bytes of each response's head."""

    _capture: _HeadCapture | None = None

    def request(self, request):
        capture = self._capture = _HeadCapture()
        d = super().request(request)
        if self._parser is not None:
            # No line can be longer than the head; Twisted's own line limit (16 KB) would
            # otherwise close the connection first, without a reason.
            self._parser.MAX_LENGTH = HEAD_LIMIT

        def attach(response):
            response._newsarchive_head = capture.head
            return response

        return d.addCallback(attach)

    def dataReceived(self, data: bytes) -> None:
        capture = self._capture
        if capture is not None and capture.head is None:
            try:
                capture.feed(data)
            except ResponseHeadTooLarge as exc:
                self._capture = None
                self._giveUp(Failure(exc))     # fails the request with ResponseFailed([exc])
                return
        super().dataReceived(data)


class RawHeadClientFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):
        return RawHeadProtocol(self._quiescentCallback)


class RawHeadAgent(_ScrapyAgent):
    """Scrapy's agent, which keeps the head the protocol captured beside the Scrapy response."""

    def _cb_bodydone(self, result, url):
        response = super()._cb_bodydone(result, url)
        head = getattr(result["txresponse"], "_newsarchive_head", None)
        if head is not None:
            _HEADS[response] = head
        return response


class RawHeadDownloadHandler(HTTP11DownloadHandler):
    """``HTTP11DownloadHandler`` whose connections keep each response's head as sent."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = RawHeadClientFactory

    async def download_request(self, request):
        # Scrapy 2.19's HTTP11DownloadHandler.download_request with our agent (Scrapy names its
        # agent class inside that method), less the deprecated spider attributes.
        agent = RawHeadAgent(
            contextFactory=self._contextFactory, bindAddress=self._bind_address, pool=self._pool,
            maxsize=self._default_maxsize, warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss, crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging)
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        except DownloadFailedError as exc:
            refused = head_too_large(exc)
            if refused is None:
                raise
            # raised as itself, so that RetryMiddleware (which retries DownloadFailedError)
            # does not ask twice more for a head that will be as long again
            self._crawler.stats.inc_value("download/head_too_large")
            logger.warning("refused %s: %s", request.url, refused)
            raise refused from exc
