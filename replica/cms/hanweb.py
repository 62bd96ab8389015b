"""The Hanweb-like flavour (``newsarchive replica --cms hanweb``): the replica's site as 大汉 JCMS
publishes it.

URL scheme (UTF-8 site; the old notices the model marks GBK are GBK, declared or not):

- home ``/`` (also ``/index.html``); columns ``/col/colN/index.html``, N in ``COLUMNS``;
- every column but 通知公告 is a datastore list: the first ``per_page * group`` records (16) sit
  as CDATA in ``<script type="text/xml"><datastore><recordset><record>``; the rest come from
  ``/module/web/jpage/dataproxy.jsp``, answering POST (``startrecord``, ``endrecord``,
  ``perpage`` in the query string, the column's fields in the form body: ``col=1``, ``appid=1``,
  ``webid=1``, ``path=/``, ``columnid=N``, ``sourceContentType=1``, ``unitid=U``,
  ``webname=长春新闻网``, ``permissiontype=0``; only ``columnid`` is needed) and GET with all of
  them in the query string, in the same XML;
- 通知公告 is the other Hanweb form: ``/col/col1535/index.html?uid=4585300&pageNum=N`` (N from
  1; no query is page 1), links in the HTML, the pager only in an inline script (``hwPager``);
- articles ``/art/YYYY/M/D/art_N_ID.html`` (no zero padding; N the column); page 2 of a
  two-page article is ``art_N_ID_2.html``, linked by ``<a>下一页</a>`` after the body container;
- body in ``div#zoom`` between ``<meta name="ContentStart">`` and ``<meta name="ContentEnd">``;
  meta ``ArticleTitle``, ``PubDate``, ``ContentSource``;
- videos: a JSON object with ``videoPlayUrl`` (``/vod/YYYYMM/ID/master.m3u8``) handed to
  ``new ckplayer``; the master lists one rendition ``720p.m3u8`` of three segments ``720p_000.ts``…;
- counters ``/count.jsp?id=ID`` on every article;
- 热门排行: on odd days ``$.getJSON('/module/hot/hotlist.json')`` filling ``<ul id="hotList">``,
  on even days a script include ``/module/hot/hotlist.js`` (document.write).
"""

from __future__ import annotations

import re

from ..content import Article
from ..routes import Reply
from . import hanweb_pages as P
from .blocks import encode
from .flavour import DataList, Flavour
from .hls import Variant, VideoLayout

COLUMNS = {"news": 1531, "jilin": 1532, "video": 1533, "photo": 1534, "notice": 1535, "interview": 1536}
BY_ID = {n: c for c, n in COLUMNS.items()}
UID_CHANNEL, UID, UID_PER_PAGE = "notice", "4585300", 10

_ARTICLE = re.compile(r"^/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)(?:_(\d+))?\.html$")
_LIST = re.compile(r"^/col/col(\d+)/index\.html$")


def _datalist(channel: str, column: int) -> DataList:
    unitid = str(4585200 + column % 100)
    fields = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": str(column), "sourceContentType": "1",
              "unitid": unitid, "webname": "长春新闻网", "permissiontype": "0"}
    return DataList(channel, unitid, fields, "columnid", per_page=8, group=2)


DATALISTS = {c: _datalist(c, n) for c, n in COLUMNS.items() if c != UID_CHANNEL}


class HanwebFlavour(Flavour):
    name = "hanweb"
    columns = COLUMNS
    per_page = UID_PER_PAGE             # of the ?uid= list; datastore lists have their own
    proxy_path = "/module/web/jpage/dataproxy.jsp"
    ranking_script = "/module/hot/hotlist.js"
    ranking_json = "/module/hot/hotlist.json"
    odd_day_delivery = "json"
    video_layout = VideoLayout("master.m3u8", "{variant}.m3u8", "{variant}_{n:03d}.ts",
                               (Variant("720p", 1_200_000, "1280x720"),))
    video_pattern = re.compile(r"^/vod/\d{6}/(\d+)/(.+)$")
    image_pattern = re.compile(r"^/picture/0/(\d+)_(\d)\.png$")
    static = {"/images/hanweb.css": ("text/css", P.STYLE_CSS),
              **Flavour.scripts("/module/jslib/jquery/jquery-lite.js", "/module/ckplayer/ckplayer.js",
                                "/module/web/jpage/jpage.js")}

    # -- URL scheme -------------------------------------------------------------------------------
    def article_path(self, article: Article, page: int = 1) -> str:
        d = article.published
        suffix = "" if page == 1 else f"_{page}"
        return f"/art/{d.year}/{d.month}/{d.day}/art_{COLUMNS[article.channel]}_{article.id}{suffix}.html"

    def column_path(self, channel: str) -> str:
        return f"/col/col{COLUMNS[channel]}/index.html"

    def uid_pages(self) -> int:
        return max(1, -(-len(self.model.channel_articles(UID_CHANNEL)) // UID_PER_PAGE))

    def list_paths(self, channel: str) -> list[str]:
        base = self.column_path(channel)
        if channel != UID_CHANNEL:
            return [base]
        return [base] + [f"{base}?uid={UID}&pageNum={n}" for n in range(2, self.uid_pages() + 1)]

    def video_dir(self, article: Article) -> str:
        return f"/vod/{article.published:%Y%m}/{article.id}/"

    def image_path(self, article: Article, k: int) -> str:
        return f"/picture/0/{article.id}_{k}.png"

    def counter_path(self, article: Article) -> str:
        return f"/count.jsp?id={article.id}"

    def datalists(self) -> dict[str, DataList]:
        return DATALISTS

    # -- pages ------------------------------------------------------------------------------------
    def page(self, path: str, args: dict[str, str], host: str) -> Reply | None:
        if path in ("/", "/index.html"):
            return self._page(P.home_page(self, host), chunked=True)
        if m := _LIST.match(path):
            channel = BY_ID.get(int(m.group(1)))
            if channel is None:
                return None
            if channel in DATALISTS:
                return self._page(P.datastore_page(self, DATALISTS[channel]), chunked=True)
            n = int(args.get("pageNum") or 1) if args.get("pageNum", "1").isdigit() else 0
            if not 1 <= n <= self.uid_pages() or args.get("uid", UID) != UID:
                return None
            return self._page(P.uid_page(self, channel, UID, n, UID_PER_PAGE), chunked=True)
        if m := _ARTICLE.match(path):
            article = self.model.by_id.get(int(m.group(5)))
            page = int(m.group(6) or 1)
            if article is None or page > len(article.pages) or path != self.article_path(article, page):
                return None
            html = P.article_page(self, article, page)
            return Reply(200, "text/html", encode(html, article.charset), article.modified(self.model.day).timestamp())
        return None

    def _page(self, html: str, chunked: bool = False) -> Reply:
        return Reply(200, "text/html; charset=UTF-8", html.encode("utf-8"), self.today(), chunked=chunked)
