"""Map a request path to a reply: status, headers and body bytes, cached per (host, path).

Pages are rendered on first request and kept as bytes (gzip too), so at scale the
server is not the bottleneck of a benchmark.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property

from . import pages
from .content import CHANNELS, CST, SiteModel
from .media import mp4, png
from .mirror import MIRROR_ROOT

STATIC_MODIFIED = datetime(2022, 1, 1, tzinfo=CST).timestamp()

_ARTICLE = re.compile(r"^/(\d{4}-\d{2})/(\d{2})/content_(\d+)(?:_(\d+))?\.htm$")
_LIST = re.compile(r"^/([a-z]+)/index(?:_(\d+))?\.htm$")
_IMAGE = re.compile(r"^/images/\d{4}-\d{2}/\d{2}/(\d+)_(\d+)\.png$")
_VIDEO = re.compile(r"^/video/\d{4}-\d{2}/\d{2}/(\d+)\.mp4$")
_SITEMAP = re.compile(r"^/sitemap_(\d+)\.xml$")


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    last_modified: float = STATIC_MODIFIED
    chunked: bool = False                      # send without Content-Length (chunked transfer)
    raw_headers: dict[bytes, bytes] = field(default_factory=dict)   # sent as these exact bytes
    validators: bool = True                    # False: no ETag/Last-Modified, no 304 (hit counters)

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.body).hexdigest()[:16] + '"'

    @property
    def compressible(self) -> bool:
        return self.content_type.startswith(("text/", "application/xml", "application/rss", "application/javascript"))

    @cached_property
    def gzipped(self) -> bytes:
        return gzip.compress(self.body, compresslevel=6, mtime=0)


class Responder:
    def __init__(self, model: SiteModel, cache_limit: int = 50_000, faults: bool = False,
                 crawl_delay: float | None = None):
        self.model = model
        self.faults = faults
        self.crawl_delay = crawl_delay
        self._cache: dict[tuple[str, str], Reply] = {}
        self._cache_limit = cache_limit

    def respond(self, path: str, host: str) -> Reply:
        key = (host, path)
        reply = self._cache.get(key)
        if reply is None:
            reply = self._route(path, host) or self._not_found(host)
            if len(self._cache) >= self._cache_limit:
                self._cache.clear()
            self._cache[key] = reply
        return reply

    # -- routing ----------------------------------------------------------------------------
    def _route(self, path: str, host: str) -> Reply | None:
        model = self.model
        if path.startswith(MIRROR_ROOT):
            rest = path[len(MIRROR_ROOT):]
            mirror_host, _, sub = rest.partition("/")
            return self._html(pages.View(mirror_host, mirror=True), "/" + sub)
        if path == "/robots.txt":
            return Reply(200, "text/plain", pages.robots_txt(host, self.crawl_delay).encode())
        if path == "/r/hop1.htm":                       # the middle of the fault-mode redirect chain
            return Reply(302, "text/html", b"", raw_headers={b"location": self.model.articles[0].path.encode()})
        if path == "/sitemap.xml":
            return Reply(200, "application/xml", pages.sitemap_index(host, model).encode(), self._today())
        if m := _SITEMAP.match(path):
            text = pages.sitemap_part(host, model, int(m.group(1)))
            return Reply(200, "application/xml", text.encode(), self._today()) if text else None
        if path == "/rss.xml":
            return Reply(200, "application/rss+xml; charset=utf-8", pages.rss(host, model).encode(), self._today())
        if path == "/css/style.css":
            return Reply(200, "text/css", pages.STYLE_CSS.encode())
        if path == "/images/logo.png":
            return Reply(200, "image/png", png("logo", 200, 60))
        if m := _IMAGE.match(path):
            article = model.by_id.get(int(m.group(1)))
            if article and 1 <= int(m.group(2)) <= 4:
                return Reply(200, "image/png", png(path), article.published.timestamp())
            return None
        if m := _VIDEO.match(path):
            article = model.by_id.get(int(m.group(1)))
            return Reply(200, "video/mp4", mp4(path), article.published.timestamp()) if article else None
        if path.startswith("/search/"):
            return Reply(200, "text/html; charset=utf-8", b"<html><body><p>search</p></body></html>")
        return self._html(pages.View(host), path)

    def _html(self, view: pages.View, path: str) -> Reply | None:
        model = self.model
        if path in ("/", "/index.htm", "/index.html"):
            html = pages.home_page(view, model, self.faults)
            return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"), self._today(), chunked=True)
        if m := _LIST.match(path):
            channel, n = m.group(1), int(m.group(2) or 0) + 1
            if channel not in CHANNELS or n > pages.list_page_count(model, channel):
                return None
            html = pages.list_page(view, model, channel, n)
            return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"), self._today(), chunked=True)
        if _ARTICLE.match(path):
            found = model.by_path.get(path)
            if not found:
                return None
            article, page = found
            html = pages.article_page(view, model, article, page)
            modified = article.modified(model.day).timestamp()
            if view.mirror or article.charset == "utf-8":
                return Reply(200, "text/html", html.encode("utf-8"), modified)
            # Older pages are GBK; the header names no charset (some declare gb2312 in <meta>, some nothing),
            # and the old CMS names the file in GBK bytes, as such servers do.
            filename = f"{article.title[:12]}.htm".encode("gbk", errors="ignore")
            return Reply(200, "text/html", html.encode("gbk", errors="xmlcharrefreplace"), modified,
                         raw_headers={b"content-disposition": b"inline; filename=" + filename})
        return None

    def _today(self) -> float:
        return datetime.combine(self.model.today, time(6, 0), CST).timestamp()

    def _not_found(self, host: str) -> Reply:
        body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>" \
               "<body><h1>404</h1><p>您访问的页面不存在。</p><p><a href=\"/\">返回首页</a></p></body></html>"
        return Reply(404, "text/html; charset=utf-8", body.encode())
