"""What the crawl has already downloaded this run, kept to answer the browser as its cache would.

Each rendered page gets a fresh browser context, so without this every page would ask again for
the scripts, stylesheets, images and JSON it shares with the others (on the TRS replica, 37
downloads for 9 pages, most of them the same four URLs), each archived again, each waiting its
turn in the downloader. The crawl asks for every URL once per run; the browser's requests now
follow the same rule: a URL the crawl has downloaded this run (for the spider or for the browser)
is answered from that response, which is already in the WARC.

A URL the guards refused is refused again without asking, and recorded once, as the spider
records a refusal once.

Kept: GET responses with status 200 of the types pages share (scripts, stylesheets, JSON and XML,
images, fonts; not pages, which are rendered from their own response, nor video segments), up to
``ITEM_MAX`` bytes each and ``TOTAL_MAX`` bytes in all, least recently used first out. Bodies are
decoded (Content-Encoding undone), as the browser is answered.
"""

from __future__ import annotations

from collections import OrderedDict

from .router import Document, browser_headers

ITEM_MAX = 2 * 1024 * 1024
TOTAL_MAX = 32 * 1024 * 1024
_SHARED_TYPES = (b"application/javascript", b"application/x-javascript", b"text/javascript", b"application/ecmascript",
                 b"text/css", b"application/json", b"text/json", b"application/xml", b"text/xml", b"text/plain",
                 b"image/", b"font/", b"application/font", b"application/x-font")


class DownloadedResponses:
    def __init__(self, item_max: int = ITEM_MAX, total_max: int = TOTAL_MAX):
        self.item_max, self.total_max = item_max, total_max
        self._kept: OrderedDict[str, Document] = OrderedDict()
        self._size = 0
        self.refused: set[str] = set()           # URLs the guards refused for the browser this run

    def response_received(self, response, request, spider=None) -> None:
        """Scrapy's ``response_received``: after the downloader middlewares, so the body is decoded."""
        if request.method != "GET" or response.status != 200 or len(response.body) > self.item_max:
            return
        if not (response.headers.get(b"Content-Type") or b"").lower().startswith(_SHARED_TYPES):
            return
        self.keep(Document(request.url, response.status, browser_headers(response.headers), response.body))

    def keep(self, document: Document) -> None:
        old = self._kept.pop(document.url, None)
        if old is not None:
            self._size -= len(old.body)
        self._kept[document.url] = document
        self._size += len(document.body)
        while self._size > self.total_max and self._kept:
            _, dropped = self._kept.popitem(last=False)
            self._size -= len(dropped.body)

    def get(self, url: str) -> Document | None:
        document = self._kept.get(url)
        if document is not None:
            self._kept.move_to_end(url)
        return document
