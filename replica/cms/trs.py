"""The TRS-like flavour (``newsarchive replica --cms trs``): the replica's site as TRS WCM publishes it.

URL scheme (every page GBK; ``{col}`` is a column directory of ``COLUMNS``):

- home ``/`` (also ``/index.shtml``); columns ``/{col}/`` (also ``/{col}/index.shtml``);
- list pages ``/{col}/index.shtml``, ``index_1.shtml`` … ``index_{n-1}.shtml``, ``PER_PAGE`` items
  each. The pager exists only as ``createPageHTML(n, current, "index", "shtml")`` in an inline
  script (current counts from 0); the list's links are relative, ``./YYYYMM/tYYYYMMDD_ID.shtml``;
- 通知公告 (``/tzgg/index.shtml``) is a datastore list instead: the first ``DATALIST.inline``
  records sit as CDATA in ``<script type="text/xml"><datastore>``; the rest come from the data
  proxy ``/was5/web/dataproxy.jsp`` (POST or GET) with ``startrecord``, ``endrecord``,
  ``perpage`` and the column's fields ``channelid=2605``, ``templetid=1``;
- articles ``/{col}/YYYYMM/tYYYYMMDD_ID.shtml``; page k+1 of a multi-page article is
  ``…_ID_k.shtml``, written by ``createPageHTML(pages, current, "tYYYYMMDD_ID", "shtml")``; the
  在线访谈 over two pages links its second page with an ``<a>下一页</a>`` after the body container;
- bodies in ``div.TRS_Editor`` (``div.TRS_UEDITOR`` for odd ids), opening with an inline
  ``<style>``; meta ``ArticleTitle``, ``PubDate``, ``ContentSource``;
- videos: ``new ckplayer({container:'#aID', video:'/masvod/public/YYYY/MM/DD/ID/index.m3u8'})``;
  the master lists ``hd/index.m3u8`` and ``sd/index.m3u8``, each of three segments ``000.ts``…;
- counters: ``/plus/count.php?aid=ID`` on news, ``/api.php?op=count&id=ID`` on videos and interviews;
- 热门排行: on odd days a script include ``/trsapp/hot/hotnews.js`` (document.write), on even
  days ``$.getJSON('/trsapp/hot/hotnews.json')`` filling ``<ul id="hotList">``;
- gb2312 declared in a meta tag on every page but the old notices the model marks undeclared;
  the HTTP header names no charset.
"""

from __future__ import annotations

import re

from ..content import Article
from ..routes import Reply
from . import trs_pages as P
from .blocks import encode
from .flavour import DataList, Flavour
from .hls import Variant, VideoLayout

COLUMNS = {"news": "xwzx/ccyw", "jilin": "xwzx/jlxw", "video": "spxw", "photo": "tpxw", "notice": "tzgg",
           "interview": "zxft"}
BY_DIR = {d: c for c, d in COLUMNS.items()}
PER_PAGE = 10
DATALIST = DataList("notice", "tzgg_list", {"channelid": "2605", "templetid": "1"}, "channelid", per_page=6, group=2)

_ARTICLE = re.compile(r"^/([a-z/]+)/(\d{6})/t(\d{8})_(\d+)(?:_(\d+))?\.shtml$")
_LIST = re.compile(r"^/([a-z/]+)/(?:index(?:_(\d+))?\.shtml)?$")


class TrsFlavour(Flavour):
    name = "trs"
    columns = COLUMNS
    per_page = PER_PAGE
    proxy_path = "/was5/web/dataproxy.jsp"
    ranking_script = "/trsapp/hot/hotnews.js"
    ranking_json = "/trsapp/hot/hotnews.json"
    odd_day_delivery = "script"
    video_layout = VideoLayout("index.m3u8", "{variant}/index.m3u8", "{n:03d}.ts",
                               (Variant("hd", 1_500_000, "1280x720"), Variant("sd", 600_000, "640x360")))
    video_pattern = re.compile(r"^/masvod/public/\d{4}/\d{2}/\d{2}/(\d+)/(.+)$")
    image_pattern = re.compile(r"^/[a-z/]+/\d{6}/W0\d{8}(\d+)_(\d)\.png$")
    static = {"/css/trs.css": ("text/css", P.STYLE_CSS),
              **Flavour.scripts("/js/jquery-lite.js", "/js/ckplayer/ckplayer.js", "/js/datalist.js")}

    # -- URL scheme -------------------------------------------------------------------------------
    def article_path(self, article: Article, page: int = 1) -> str:
        d = article.published
        suffix = "" if page == 1 else f"_{page - 1}"
        return f"/{COLUMNS[article.channel]}/{d:%Y%m}/t{d:%Y%m%d}_{article.id}{suffix}.shtml"

    def page_count(self, channel: str) -> int:
        return max(1, -(-len(self.model.channel_articles(channel)) // PER_PAGE))

    def list_paths(self, channel: str) -> list[str]:
        base = f"/{COLUMNS[channel]}/"
        if channel == DATALIST.channel:
            return [base + "index.shtml"]
        return [base + ("index.shtml" if n == 0 else f"index_{n}.shtml") for n in range(self.page_count(channel))]

    def video_dir(self, article: Article) -> str:
        return f"/masvod/public/{article.published:%Y/%m/%d}/{article.id}/"

    def image_path(self, article: Article, k: int) -> str:
        d = article.published
        return f"/{COLUMNS[article.channel]}/{d:%Y%m}/W0{d:%Y%m%d}{article.id}_{k}.png"

    def counter_path(self, article: Article) -> str:
        if article.kind in ("video", "leader", "guest", "dialog"):
            return f"/api.php?op=count&id={article.id}"
        return f"/plus/count.php?aid={article.id}"

    def datalists(self) -> dict[str, DataList]:
        return {DATALIST.channel: DATALIST}

    # -- pages ------------------------------------------------------------------------------------
    def page(self, path: str, args: dict[str, str], host: str) -> Reply | None:
        if path in ("/", "/index.shtml"):
            return self._html(P.home_page(self, host), "gb2312-meta", self.today(), chunked=True)
        if m := _LIST.match(path):
            channel, n = BY_DIR.get(m.group(1)), int(m.group(2) or 0)
            if channel is None or path not in self.list_paths(channel) + [f"/{m.group(1)}/"]:
                return None
            html = (P.datastore_page(self, DATALIST) if channel == DATALIST.channel
                    else P.list_page(self, channel, n))
            return self._html(html, "gb2312-meta", self.today(), chunked=True)
        if m := _ARTICLE.match(path):
            article = self.model.by_id.get(int(m.group(4)))
            page = int(m.group(5) or 0) + 1
            if article is None or page > len(article.pages) or path != self.article_path(article, page):
                return None
            charset = "gbk-undeclared" if article.charset == "gbk-undeclared" else "gb2312-meta"
            html = P.article_page(self, article, page, charset)
            return self._html(html, charset, article.modified(self.model.day).timestamp())
        return None

    @staticmethod
    def _html(html: str, charset: str, modified: float, chunked: bool = False) -> Reply:
        return Reply(200, "text/html", encode(html, charset), modified, chunked=chunked)
