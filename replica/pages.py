"""HTML, XML and text of the replica, rendered from the site model.

One set of templates serves both the site and its traditional-Chinese mirror: a ``View``
decides how text is written (as is, or mirrored with pinyin) and where links point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from .content import CHANNELS, SITE_NAME, Article, SiteModel
from .faults import footer_links as fault_links
from .mirror import mirror_prefix, to_mirror_text

PER_PAGE = 20
RANK_TITLE_CHARS = 19          # the seed's sidebar cuts titles to 19 characters and adds "…"
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class View:
    host: str
    mirror: bool = False

    def t(self, text: str) -> str:
        """Escaped text as this view writes it."""
        return escape(to_mirror_text(text) if self.mirror else text)

    def href(self, path: str) -> str:
        return mirror_prefix(self.host) + path if self.mirror else path

    def other(self, path: str) -> str:
        """Link to the same page in the other script."""
        return path if self.mirror else mirror_prefix(self.host) + path


def truncate(title: str) -> str:
    return title if len(title) <= RANK_TITLE_CHARS else title[:RANK_TITLE_CHARS] + "…"


def _head(v: View, title: str, charset: str, extra: str = "") -> str:
    meta = {"utf-8": '<meta charset="utf-8">',
            "gb2312-meta": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
            "gbk-undeclared": ""}[charset]
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{meta}\n<title>{v.t(title)}</title>\n'
            f'<meta name="keywords" content="{v.t("长春,长春新闻,吉林")}">\n{extra}'
            f'<link rel="stylesheet" href="/css/style.css">\n'
            f'<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">\n</head>\n<body>\n')


def _top(v: View, model: SiteModel, path: str) -> str:
    d = model.today
    nav = "".join(f'<a href="{v.href(f"/{c}/index.htm")}">{v.t(name)}</a>' for c, name in CHANNELS.items())
    script = "简体" if v.mirror else "繁體"
    return (f'<div class="top"><div class="w"><span class="date">{v.t(f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}")}</span>'
            f'<a class="lang" href="{v.other(path)}">{v.t(script)}</a> | <a href="/rss.xml">RSS</a></div></div>\n'
            f'<div class="header w"><a class="logo" href="{v.href("/")}"><img src="/images/logo.png" alt="{v.t(SITE_NAME)}"></a>'
            f'<form class="search" action="/search/" method="get"><input name="q" type="text"><button>{v.t("搜索")}</button></form>'
            f'</div>\n<div class="nav w"><a href="{v.href("/")}">{v.t("首页")}</a>{nav}</div>\n')


def _ranking(v: View, model: SiteModel) -> str:
    items = "".join(
        f'<li><span class="num n{rank}">{rank}</span><a href="{v.href(a.path)}" title="{v.t(a.title)}" '
        f'target="_blank">{v.t(truncate(a.title))}</a></li>\n'
        for rank, a in enumerate(model.ranking(), 1))
    return (f'<div class="side"><div class="hot"><div class="hd"><h3>{v.t("热门排行")}</h3></div>\n'
            f'<ul class="ranklist">\n{items}</ul></div></div>\n')


def _foot(v: View) -> str:
    return (f'<div class="footer w"><p>{v.t(f"Copyright © 2004-2022 {SITE_NAME} 版权所有")}</p>'
            f'<p>{v.t("吉ICP备05002925号")} | {v.t("吉公网安备22010202000123号")}</p>'
            f'<p>{v.t("违法和不良信息举报电话：0431-88888888")}</p></div>\n</body>\n</html>\n')


def image_path(article: Article, k: int) -> str:
    return f"/images/{article.published:%Y-%m}/{article.published:%d}/{article.id}_{k}.png"


def video_path(article: Article) -> str:
    return f"/video/{article.published:%Y-%m}/{article.published:%d}/{article.id}.mp4"


def _blocks(v: View, article: Article, page: int, day: int) -> str:
    out, images = [], 0
    for block in article.blocks(page, day):
        kind = block[0]
        if kind == "p":
            indent = "" if article.kind == "leader" else "\u3000\u3000"
            out.append(f"<p>{indent}{v.t(block[1])}</p>")
        elif kind == "q":
            out.append(f"<p><strong>{v.t(block[1])}</strong></p>")
        elif kind == "img":
            images += 1
            out.append(f'<p style="text-align:center"><img src="{image_path(article, images)}" '
                       f'border="0" alt=""></p>')
            if block[2]:
                out.append(f'<p class="pic-note" style="text-align:center">{v.t(block[2])}</p>')
        elif kind == "video":
            out.append(f'<div class="video"><video src="{video_path(article)}" controls="controls" '
                       f'width="640" height="360" preload="none"></video></div>')
    return "\n".join(out)


def article_page(v: View, model: SiteModel, article: Article, page: int) -> str:
    channel_name = CHANNELS[article.channel]
    pages = len(article.pages)
    pager = ""
    if pages > 1:
        links = " ".join(f'<a href="{v.href(article.page_path(p))}">{p}</a>' if p != page else f"<span>{p}</span>"
                         for p in range(1, pages + 1))
        nxt = (f' <a class="next" href="{v.href(article.page_path(page + 1))}">{v.t("下一页")}</a>'
               if page < pages else "")
        prev = (f'<a class="prev" href="{v.href(article.page_path(page - 1))}">{v.t("上一页")}</a> '
                if page > 1 else "")
        pager = f'<div class="pages">{prev}{links}{nxt}</div>\n'
    related = [a for a in model.channel_articles(article.channel) if a.id != article.id][:3]
    rel = "".join(f'<li><a href="{v.href(a.path)}">{v.t(a.title)}</a></li>' for a in related)
    published = article.published.strftime("%Y-%m-%d %H:%M")
    extra = (f'<meta name="publishdate" content="{article.published:%Y-%m-%d}">\n'
             f'<meta name="author" content="{v.t(article.author)}">\n')
    return (_head(v, f"{article.title}_{SITE_NAME}", article.charset if not v.mirror else "utf-8", extra)
            + _top(v, model, article.page_path(page))
            + f'<div class="crumb w">{v.t("当前位置：")}<a href="{v.href("/")}">{v.t("首页")}</a> &gt; '
              f'<a href="{v.href(f"/{article.channel}/index.htm")}">{v.t(channel_name)}</a> &gt; {v.t("正文")}</div>\n'
            + '<div class="main w">\n<div class="article">\n'
            + f"<h1>{v.t(article.title)}</h1>\n"
            + f'<div class="info"><span>{v.t("来源：" + article.source)}</span> '
              f'<span>{v.t("作者：" + article.author)}</span> '
              f'<span>{v.t("发布时间：")}{published}</span> <span>{v.t("编辑：" + article.editor)}</span></div>\n'
            + f'<div class="content" id="Zoom">\n{_blocks(v, article, page, model.day)}\n</div>\n'
            + pager
            + f'<div class="share"><span>{v.t("分享让更多人看到")}</span><a class="wx" title="wechat"></a>'
              f'<a class="wb" title="weibo"></a></div>\n'
            + f'<div class="related"><h4>{v.t("相关新闻")}</h4><ul>{rel}</ul></div>\n</div>\n'
            + _ranking(v, model) + "</div>\n" + _foot(v))


def list_page_count(model: SiteModel, channel: str) -> int:
    return max(1, math.ceil(len(model.channel_articles(channel)) / PER_PAGE))


def list_path(channel: str, page: int) -> str:
    return f"/{channel}/index.htm" if page == 1 else f"/{channel}/index_{page - 1}.htm"


def list_page(v: View, model: SiteModel, channel: str, page: int) -> str:
    articles = model.channel_articles(channel)
    last = list_page_count(model, channel)
    chunk = articles[(page - 1) * PER_PAGE: page * PER_PAGE]
    items = "".join(f'<li><a href="{v.href(a.path)}" target="_blank">{v.t(a.title)}</a>'
                    f'<span class="time">{a.published:%Y-%m-%d}</span></li>\n' for a in chunk)
    window = range(max(1, page - 4), min(last, page + 5) + 1)
    nums = " ".join(f'<a href="{v.href(list_path(channel, p))}">{p}</a>' if p != page else f"<span>{p}</span>"
                    for p in window)
    prev = f'<a href="{v.href(list_path(channel, page - 1))}">{v.t("上一页")}</a> ' if page > 1 else ""
    nxt = f' <a href="{v.href(list_path(channel, page + 1))}">{v.t("下一页")}</a>' if page < last else ""
    pager = (f'<div class="pagination"><a href="{v.href(list_path(channel, 1))}">{v.t("首页")}</a> {prev}{nums}{nxt} '
             f'<a href="{v.href(list_path(channel, last))}">{v.t("尾页")}</a> {v.t(f"共{last}页")}</div>\n')
    name = CHANNELS[channel]
    return (_head(v, f"{name}_{SITE_NAME}", "utf-8") + _top(v, model, list_path(channel, page))
            + f'<div class="crumb w">{v.t("当前位置：")}<a href="{v.href("/")}">{v.t("首页")}</a> &gt; {v.t(name)}</div>\n'
            + f'<div class="main w">\n<div class="list"><h2>{v.t(name)}</h2>\n<ul>\n{items}</ul>\n{pager}</div>\n'
            + _ranking(v, model) + "</div>\n" + _foot(v))


def home_page(v: View, model: SiteModel, faults: bool = False) -> str:
    latest = model.articles[-1]
    cols = []
    for channel, name in CHANNELS.items():
        items = "".join(f'<li><a href="{v.href(a.path)}" target="_blank">{v.t(a.title)}</a></li>'
                        for a in model.channel_articles(channel)[:10])
        cols.append(f'<div class="col"><div class="hd"><h3><a href="{v.href(list_path(channel, 1))}">{v.t(name)}</a></h3>'
                    f'<a class="more" href="{v.href(list_path(channel, 1))}">{v.t("更多")}&gt;&gt;</a></div>'
                    f'<ul>{items}</ul></div>\n')
    return (_head(v, f"{SITE_NAME}_长春门户网站", "utf-8") + _top(v, model, "/")
            + f'<div class="main w">\n<div class="focus"><h2><a href="{v.href(latest.path)}">{v.t(latest.title)}</a></h2></div>\n'
            + "".join(cols) + _ranking(v, model) + "</div>\n"
            + (fault_links(v.host.rsplit(":", 1)[-1]) if faults and not v.mirror else "") + _foot(v))


def robots_txt(host: str, crawl_delay: float | None = None) -> str:
    delay = f"Crawl-delay: {crawl_delay:g}\n" if crawl_delay else ""
    return ("User-agent: *\nDisallow: /search/\nDisallow: /admin/\n" + delay + "\n"
            f"Sitemap: http://{host}/sitemap.xml\n")


SITEMAP_CHUNK = 5000


def sitemap_index(host: str, model: SiteModel) -> str:
    n = max(1, math.ceil(len(model.articles) / SITEMAP_CHUNK))
    entries = "".join(f"<sitemap><loc>http://{host}/sitemap_{k}.xml</loc><lastmod>{model.today.isoformat()}</lastmod></sitemap>\n"
                      for k in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')


def sitemap_part(host: str, model: SiteModel, k: int) -> str | None:
    chunk = model.articles[(k - 1) * SITEMAP_CHUNK: k * SITEMAP_CHUNK]
    if k < 1 or not chunk:
        return None
    urls = "".join(f"<url><loc>http://{host}{a.path}</loc><lastmod>{a.modified(model.day):%Y-%m-%d}</lastmod></url>\n"
                   for a in chunk)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


def rss(host: str, model: SiteModel) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>http://{host}{a.path}</link>"
        f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S +0800')}</pubDate></item>\n"
        for a in reversed(model.articles[-30:]))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{SITE_NAME}</title><link>http://{host}/</link><description>{SITE_NAME}最新新闻</description>\n"
            f"{items}</channel></rss>\n")


STYLE_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",sans-serif;color:#333}
.w{width:1000px;margin:0 auto}.top{background:#f5f5f5;font-size:12px}.nav{background:#b30000}
.nav a{color:#fff;padding:0 12px;line-height:36px}.main{overflow:hidden}.article,.list{float:left;width:680px}
.side{float:right;width:300px}.article h1{font-size:24px;text-align:center}.info{color:#999;text-align:center}
.content p{margin:0 0 1em}.ranklist li{list-style:none}.num{display:inline-block;width:20px;background:#ccc;margin-right:6px}
.n1,.n2,.n3{background:#b30000;color:#fff}.footer{text-align:center;color:#666;font-size:12px;border-top:2px solid #b30000}
"""
