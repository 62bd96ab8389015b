"""The Hanweb flavour's templates: home, datastore lists, the ``?uid=…&pageNum=N`` list, articles.

The URL scheme is in ``hanweb.py``; links here are root-relative, as JCMS writes them.
"""

from __future__ import annotations

import json

from ..content import CHANNELS, SITE_NAME, Article
from .blocks import META, article_meta, body_html, datastore_island, guest_card, record, t
from .scripts import UID_PAGER

HOME_ITEMS = 7
STYLE_CSS = """body{margin:0;font:14px/1.75 "Microsoft YaHei",sans-serif;color:#333}.container{width:1200px;margin:0 auto}
.menu{background:#c40000}.menu a{color:#fff;padding:0 16px;line-height:42px}.content-wrap{overflow:hidden}
.article,.list-box,.home-cols{float:left;width:860px}.hot{float:right;width:320px}.article-title h2{text-align:center}
.article-info{color:#999;text-align:center}.default_pgPanel{text-align:center}.ranklist li{list-style:none}
.num{display:inline-block;width:20px;margin-right:6px;background:#999;color:#fff}.n1,.n2,.n3{background:#c40000}
.guest td{border-bottom:1px solid #eee;padding:4px}.bottom{text-align:center;background:#f2f2f2;color:#666}
"""
BOTTOM = (f'<div class="bottom"><p>{SITE_NAME} 主办　网站标识码：2201000001</p>'
          '<p>吉ICP备05002925号-1　技术支持：本站技术部</p></div>\n</body>\n</html>\n')


def _head(title: str, charset: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html>\n<head>\n{META[charset]}\n<title>{t(title)}</title>\n'
            f'<meta name="SiteName" content="{SITE_NAME}">\n<meta name="SiteDomain" content="www.example.gov.cn">\n'
            f'{extra}<link rel="stylesheet" type="text/css" href="/images/hanweb.css">\n'
            '<script type="text/javascript" src="/module/jslib/jquery/jquery-lite.js"></script>\n</head>\n<body>\n')


def _top(v) -> str:
    menu = "".join(f'<a href="{v.column_path(c)}">{t(CHANNELS[c])}</a>' for c in v.columns)
    return (f'<div class="head container"><img src="/images/logo.png" alt="{SITE_NAME}">'
            f'<span>{v.model.today.year}年{v.model.today.month}月{v.model.today.day}日</span></div>\n'
            f'<div class="menu"><div class="container"><a href="/index.html">网站首页</a>{menu}</div></div>\n')


def _bottom(v, host: str = "") -> str:
    return (v.fault_links(host) if host else "") + BOTTOM


def _position(v, channel: str, article: bool = False) -> str:
    name = t(CHANNELS[channel])
    tail = f'<a href="{v.column_path(channel)}">{name}</a>' if article else f"<span>{name}</span>"
    return f'<div class="bt-position container">您当前的位置：<a href="/index.html">首页</a> &gt; {tail}</div>\n'


def home_page(v, host: str) -> str:
    cols = []
    for channel in v.columns:
        items = "".join(record(v.article_path(a), a) + "\n"
                        for a in v.model.channel_articles(channel)[:HOME_ITEMS])
        cols.append(f'<div class="home-col"><div class="title"><span>{t(CHANNELS[channel])}</span>'
                    f'<a href="{v.column_path(channel)}">更多</a></div>\n<ul>\n{items}</ul></div>\n')
    picks = "".join(record(v.article_path(a), a) + "\n" for a in v.model.picks + v.model.guest_interviews())
    return (_head(f"{SITE_NAME}", "utf-8") + _top(v) + '<div class="content-wrap container">\n<div class="home-cols">\n'
            + "".join(cols) + f'<div class="home-col tj"><div class="title"><span>编辑推荐</span></div>\n'
            f'<ul>\n{picks}</ul></div>\n</div>\n' + v.ranking_html() + "</div>\n" + _bottom(v, host))


def datastore_page(v, d) -> str:
    articles = v.model.channel_articles(d.channel)
    records = [record(v.article_path(a), a) for a in articles[:d.inline]]
    return (_head(f"{CHANNELS[d.channel]}-{SITE_NAME}", "utf-8") + _top(v) + _position(v, d.channel)
            + '<div class="content-wrap container">\n<div class="list-box">\n'
            + datastore_island(d, records, len(articles), v.proxy_path, "/module/web/jpage/jpage.js")
            + "</div>\n" + v.ranking_html() + "</div>\n" + _bottom(v))


def uid_page(v, channel: str, uid: str, n: int, per_page: int) -> str:
    """Page ``n`` of a list module: links in the HTML, the pager in script only."""
    chunk = v.model.channel_articles(channel)[(n - 1) * per_page:n * per_page]
    items = "".join(record(v.article_path(a), a) + "\n" for a in chunk)
    pager = f"{UID_PAGER}hwPager({json.dumps(uid)}, {n}, {v.uid_pages()});\n"
    return (_head(f"{CHANNELS[channel]}-{SITE_NAME}", "utf-8") + _top(v) + _position(v, channel)
            + f'<div class="content-wrap container">\n<div class="list-box" id="{uid}">\n<ul>\n{items}</ul>\n'
            + f'<script type="text/javascript">\n{pager}</script>\n</div>\n' + v.ranking_html() + "</div>\n" + _bottom(v))


def _player(v, a: Article) -> str:
    info = {"videoPlayUrl": v.video_dir(a) + v.video_layout.master, "poster": "", "width": 640, "height": 360}
    return (f'<div id="player{a.id}" class="video-box"></div>\n<script type="text/javascript">\n'
            f"var videoInfo = {json.dumps(info)};\n"
            f"new ckplayer({{container: '#player{a.id}', video: videoInfo.videoPlayUrl}});\n</script>")


def article_page(v, a: Article, page: int) -> str:
    published = a.published.strftime("%Y-%m-%d %H:%M")
    meta = article_meta(a, CHANNELS[a.channel])
    if a.id in v.model.video_ids:
        meta += '<script type="text/javascript" src="/module/ckplayer/ckplayer.js"></script>\n'
    pager = ""
    if len(a.pages) > 1:
        other = v.article_path(a, 2 if page == 1 else 1)
        pager = f'<div class="pager"><a href="{other}">{"下一页" if page == 1 else "上一页"}</a></div>\n'
    guest = getattr(a, "interview", None)
    body = body_html(a, page, v.model.day, lambda k: v.image_path(a, k), lambda: _player(v, a))
    return (_head(f"{a.title}-{SITE_NAME}", a.charset, meta) + _top(v) + _position(v, a.channel, article=True)
            + '<div class="content-wrap container">\n<div class="article">\n'
            + f'<div class="article-title"><h2>{t(a.title)}</h2></div>\n'
            + f'<div class="article-info">发布日期：{published}　信息来源：{t(a.source)}　'
              f'浏览次数：<script type="text/javascript" src="{v.counter_path(a)}"></script></div>\n'
            + (guest_card(guest, "labels") if guest else "")
            + f'<div id="zoom" class="bt_content">\n<meta name="ContentStart">\n{body}\n<meta name="ContentEnd">\n</div>\n'
            + pager
            + f'<div class="article-foot">【<a href="javascript:window.print()">打印本页</a>】'
              f'【<a href="javascript:window.close()">关闭窗口</a>】　责任编辑：{t(a.editor)}</div>\n</div>\n'
            + v.ranking_html() + "</div>\n" + _bottom(v))
