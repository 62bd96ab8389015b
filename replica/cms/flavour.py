"""What every flavour serves the same way, whatever its templates: robots.txt (no sitemap), the
hit counters, the data proxy, the 热门排行 script include and JSON API, HLS files, images,
scripts, and the counts a test reads.

A flavour subclasses ``Flavour`` and gives its URL scheme (``article_path``, ``list_paths``,
``video_dir``, ``counter_path``, the ``DataList`` columns, the paths of its endpoints) and its
pages (``page``). ``respond(method, path, args, host)`` answers a request; pages and other GET
answers are kept as bytes, as the default replica keeps them. Counters and POST answers are
not: a counter adds one on every GET and says so in ``/__replica__/hits.json`` (disallowed in
robots.txt, linked from nowhere), with the data proxy's calls by method.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, time

from ..content import CST, Article
from ..faults import footer_links
from ..media import png
from ..routes import Reply
from . import scripts
from .blocks import datastore, image_count, ranking_box, ranking_json, ranking_script, record
from .hls import VideoLayout, video_reply
from .model import FlavourModel

HITS_PATH = "/__replica__/hits.json"
# The three counter forms of issue 14 (DedeCMS, PHPCMS, JSP portals): path -> the id parameter.
COUNTERS = {"/plus/count.php": "aid", "/api.php": "id", "/count.jsp": "id"}
JS = "application/javascript; charset=utf-8"


@dataclass(frozen=True)
class DataList:
    """A column listed by a datastore island and its data proxy."""
    channel: str
    unitid: str
    fields: dict[str, str]      # the column's form fields, sent with every proxy request
    key: str                    # the field naming the column (columnid, channelid)
    per_page: int
    group: int                  # pages of records per group: the page holds the first group

    @property
    def inline(self) -> int:
        return self.per_page * self.group


def counter_key(path: str, args: dict[str, str]) -> tuple[str, int] | None:
    """(the counter URL as pages write it, article id) of a counter request, else None."""
    name = COUNTERS.get(path)
    value = args.get(name or "", "")
    if not name or not value.isdigit() or (path == "/api.php" and args.get("op") != "count"):
        return None
    url = f"/api.php?op=count&id={value}" if path == "/api.php" else f"{path}?{name}={value}"
    return url, int(value)


class Flavour:
    name = ""
    proxy_path = ""
    ranking_script = ""
    ranking_json = ""
    odd_day_delivery = "script"          # the other delivery on even days
    video_layout: VideoLayout
    video_pattern: re.Pattern            # groups: article id, name inside the video's directory
    image_pattern: re.Pattern            # groups: article id, image number
    static: dict[str, tuple[str, str]] = {}

    def __init__(self, model: FlavourModel, faults: bool = False, crawl_delay: float | None = None):
        self.model, self.faults, self.crawl_delay = model, faults, crawl_delay
        self.hits: dict[str, int] = {}
        self.proxy_calls = {"GET": 0, "POST": 0}
        self._cache: dict[tuple[str, str, str], Reply] = {}

    # -- the URL scheme (subclasses) ----------------------------------------------------------
    def article_path(self, article: Article, page: int = 1) -> str:
        raise NotImplementedError

    def list_paths(self, channel: str) -> list[str]:
        """Every list page of a column a browser reaches by its pager (one for a datastore list)."""
        raise NotImplementedError

    def video_dir(self, article: Article) -> str:
        raise NotImplementedError

    def image_path(self, article: Article, k: int) -> str:
        raise NotImplementedError

    def counter_path(self, article: Article) -> str:
        raise NotImplementedError

    def datalists(self) -> dict[str, DataList]:
        raise NotImplementedError

    def page(self, path: str, args: dict[str, str], host: str) -> Reply | None:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------------
    def delivery(self, day: int | None = None) -> str:
        odd = (day or self.model.day) % 2 == 1
        return self.odd_day_delivery if odd else ({"script": "json", "json": "script"}[self.odd_day_delivery])

    def ranking_html(self) -> str:
        """The 热门排行 box as today's pages carry it."""
        return ranking_box(self.delivery(), self.ranking_script, self.ranking_json)

    def fault_links(self, host: str) -> str:
        """In fault mode, the home page links the default replica's fault paths (served the same way)."""
        return footer_links(host.rsplit(":", 1)[-1]) if self.faults else ""

    def ranking_entries(self) -> list[tuple[int, Article, str]]:
        return [(rank, a, self.article_path(a)) for rank, a in enumerate(self.model.ranking(), 1)]

    def today(self) -> float:
        return datetime.combine(self.model.today, time(6, 0), CST).timestamp()

    def robots_txt(self) -> str:
        delay = f"Crawl-delay: {self.crawl_delay:g}\n" if self.crawl_delay else ""
        return "User-agent: *\nDisallow: /search/\nDisallow: /__replica__/\n" + delay

    def respond(self, method: str, path: str, args: dict[str, str], host: str) -> Reply:
        if method == "POST":
            if path != self.proxy_path:
                return Reply(405, "text/html; charset=utf-8", b"<html><body><h1>405</h1></body></html>")
            return self.proxy(args, "POST") or self.not_found()
        counter = counter_key(path, args)
        if counter is not None or path == HITS_PATH:
            return self.count(*counter) if counter else self.hits_reply()
        if path == self.proxy_path:
            return self.proxy(args, "GET") or self.not_found()
        key = (host, path, "&".join(f"{k}={v}" for k, v in sorted(args.items())))
        reply = self._cache.get(key)
        if reply is None:
            reply = self.shared(path) or self.page(path, args, host) or self.not_found()
            if len(self._cache) >= 50_000:
                self._cache.clear()
            self._cache[key] = reply
        return reply

    def shared(self, path: str) -> Reply | None:
        model = self.model
        if path == "/robots.txt":
            return Reply(200, "text/plain", self.robots_txt().encode())
        if path in self.static:
            ctype, text = self.static[path]
            return Reply(200, ctype, text.encode())
        if path == "/images/logo.png":
            return Reply(200, "image/png", png("logo", 200, 60))
        if path == self.ranking_script:
            return Reply(200, JS, ranking_script(self.ranking_entries()).encode(), self.today())
        if path == self.ranking_json:
            body = ranking_json(self.ranking_entries(), model.today.isoformat()).encode()
            return Reply(200, "application/json; charset=utf-8", body, self.today())
        if m := self.video_pattern.match(path):
            article = model.by_id.get(int(m.group(1)))
            if article and article.id in model.video_ids and path.startswith(self.video_dir(article)):
                found = video_reply(self.video_layout, m.group(2), self.video_dir(article))
                return Reply(200, *found, article.published.timestamp()) if found else None
        if m := self.image_pattern.match(path):
            article = model.by_id.get(int(m.group(1)))
            if article and path == self.image_path(article, int(m.group(2))) and int(m.group(2)) <= image_count(article):
                return Reply(200, "image/png", png(path), article.published.timestamp())
        return None

    def count(self, url: str, article_id: int) -> Reply:
        if article_id not in self.model.by_id:
            return self.not_found()
        self.hits[url] = self.hits.get(url, 0) + 1
        # A stable base as if earlier readers had come, plus every GET this server answered.
        shown = 100 + article_id * 7919 % 900 + self.hits[url]
        return Reply(200, JS, f"document.write('{shown}');".encode(), validators=False,
                     raw_headers={b"cache-control": b"no-cache"})

    def hits_reply(self) -> Reply:
        body = json.dumps({"counters": self.hits, "proxy": self.proxy_calls}, sort_keys=True)
        return Reply(200, "application/json", body.encode(), validators=False,
                     raw_headers={b"cache-control": b"no-cache"})

    def proxy(self, args: dict[str, str], method: str) -> Reply | None:
        """The data proxy: records ``startrecord``..``endrecord`` (1-based, inclusive) of the column named."""
        found = next((d for d in self.datalists().values() if args.get(d.key) == d.fields[d.key]), None)
        if found is None:
            return None
        try:
            per_page = int(args.get("perpage") or found.per_page)
            start = max(1, int(args.get("startrecord") or 1))
            end = int(args.get("endrecord") or start + per_page * found.group - 1)
        except ValueError:
            return None
        self.proxy_calls[method] += 1
        articles = self.model.channel_articles(found.channel)
        records = [record(self.article_path(a), a) for a in articles[start - 1:end]]
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + datastore(records, len(articles), per_page) + "\n"
        return Reply(200, "text/xml; charset=UTF-8", body.encode(), self.today(), validators=method == "GET")

    def not_found(self) -> Reply:
        body = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
                '<body><h1>404</h1><p>您访问的页面不存在。</p><p><a href="/">返回首页</a></p></body></html>')
        return Reply(404, "text/html; charset=utf-8", body.encode())

    # -- scripts, shared by both flavours' static maps -------------------------------------------
    @staticmethod
    def scripts(jquery: str, ckplayer: str, jpage: str) -> dict[str, tuple[str, str]]:
        return {jquery: (JS, scripts.JQUERY_LITE), ckplayer: (JS, scripts.CKPLAYER), jpage: (JS, scripts.JPAGE)}
