"""The TRS flavour's templates: home, ``createPageHTML`` lists, the datastore list, articles.

The URL scheme is in ``trs.py``; this module only writes HTML (GBK is applied by the caller).
Links inside a column are relative (``./202210/t20221008_100123.shtml``), as TRS publishes them.
"""

from __future__ import annotations

from ..content import CHANNELS, SITE_NAME, Article
from .blocks import META, article_meta, body_html, datastore_island, guest_card, record, t
from .scripts import CREATE_PAGE_HTML

HOME_ITEMS = 6
STYLE_CSS = """body{margin:0;font:12px/1.8 "SimSun",serif;color:#222}.wrap{width:1000px;margin:0 auto}
.nav{background:#0b4ea2}.nav a{color:#fff;padding:0 14px;line-height:34px}.main{overflow:hidden}
.detail,.list,.boxes{float:left;width:690px}.hot{float:right;width:290px}.detail h1{font-size:22px;text-align:center}
.info{color:#888;text-align:center;border-bottom:1px dashed #ccc}.page{text-align:center;margin:12px 0}
.ranklist li{list-style:none}.num{display:inline-block;width:18px;margin-right:6px;background:#bbb;color:#fff}
.n1,.n2,.n3{background:#d40000}.guest-card td,.guest-card th{border:1px solid #ddd;padding:4px 8px}
.footer{text-align:center;color:#666;border-top:3px solid #0b4ea2}
"""
FOOT = (f'<div class="footer wrap"><p>主办：{SITE_NAME}　版权所有　未经授权禁止复制或建立镜像</p>'
        '<p>吉ICP备05002925号</p></div>\n</body>\n</html>\n')
EDITOR_STYLE = ("{sel} P{{margin-top:5px;margin-bottom:5px;line-height:1.8;font-family:宋体;font-size:12pt}}"
                "{sel} TD{{font-size:12pt}}{sel} IMG{{border:0}}")


def _head(v, title: str, charset: str, extra: str = "", script: str = "") -> str:
    inline = f'<script type="text/javascript">\n{script}</script>\n' if script else ""
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n{META[charset]}\n<title>{t(title)}</title>\n'
            f'<meta name="SiteName" content="{SITE_NAME}" />\n{extra}'
            '<link href="/css/trs.css" rel="stylesheet" type="text/css" />\n'
            '<script type="text/javascript" src="/js/jquery-lite.js"></script>\n'
            f'{inline}</head>\n<body>\n')


def _top(v, home: bool = False) -> str:
    """Navigation: relative on the home page (``./xwzx/ccyw/``), from the root elsewhere."""
    base = "./" if home else "/"
    nav = "".join(f'<a href="{base}{d}/">{t(CHANNELS[c])}</a>' for c, d in v.columns.items())
    return (f'<div class="header wrap"><a href="{base}"><img src="/images/logo.png" alt="{SITE_NAME}" /></a>'
            f'<span class="date">{v.model.today:%Y年%m月%d日}</span></div>\n'
            f'<div class="nav"><div class="wrap"><a href="{base}">首页</a>{nav}</div></div>\n')


def _foot(v, host: str = "") -> str:
    return (v.fault_links(host) if host else "") + FOOT


def _side(v) -> str:
    return '<div class="side">' + v.ranking_html() + "</div>\n"


def _item(href: str, a: Article) -> str:
    return (f'<li><a href="{href}" target="_blank" title="{t(a.title)}">{t(a.title)}</a>'
            f'<span>{a.published:%m-%d}</span></li>\n')


def home_page(v, host: str) -> str:
    boxes = []
    for channel, folder in v.columns.items():
        items = "".join(_item("." + v.article_path(a), a) for a in v.model.channel_articles(channel)[:HOME_ITEMS])
        boxes.append(f'<div class="box"><h3><a href="./{folder}/">{t(CHANNELS[channel])}</a>'
                     f'<a class="more" href="./{folder}/">更多&gt;&gt;</a></h3>\n<ul>\n{items}</ul></div>\n')
    picks = "".join(_item("." + v.article_path(a), a) for a in v.model.picks + v.model.guest_interviews())
    return (_head(v, f"{SITE_NAME}_长春权威新闻门户", "gb2312-meta") + _top(v, home=True)
            + '<div class="main wrap">\n<div class="boxes">\n' + "".join(boxes)
            + f'<div class="box tj"><h3>编辑推荐</h3>\n<ul>\n{picks}</ul></div>\n</div>\n'
            + _side(v) + "</div>\n" + _foot(v, host))


def _crumb(name: str) -> str:
    return f'<div class="position wrap">当前位置：<a href="/">首页</a> &gt; <span>{t(name)}</span></div>\n'


def list_page(v, channel: str, n: int) -> str:
    """Page ``n`` (from 0) of a column; the pager is only the createPageHTML call."""
    chunk = v.model.channel_articles(channel)[n * v.per_page:(n + 1) * v.per_page]
    items = "".join(_item("." + v.article_path(a)[len(v.columns[channel]) + 1:], a) for a in chunk)
    pager = f'createPageHTML({v.page_count(channel)}, {n}, "index", "shtml");'
    name = CHANNELS[channel]
    return (_head(v, f"{name}_{SITE_NAME}", "gb2312-meta", script=CREATE_PAGE_HTML) + _top(v) + _crumb(name)
            + f'<div class="main wrap">\n<div class="list"><h2>{t(name)}</h2>\n<ul>\n{items}</ul>\n'
            + f'<script type="text/javascript">{pager}</script>\n</div>\n' + _side(v) + "</div>\n" + _foot(v))


def datastore_page(v, d) -> str:
    """A column whose list is a datastore island; the script POSTs for the rest."""
    articles = v.model.channel_articles(d.channel)
    records = [record(v.article_path(a), a) for a in articles[:d.inline]]
    name = CHANNELS[d.channel]
    return (_head(v, f"{name}_{SITE_NAME}", "gb2312-meta") + _top(v) + _crumb(name)
            + f'<div class="main wrap">\n<div class="list"><h2>{t(name)}</h2>\n'
            + datastore_island(d, records, len(articles), v.proxy_path, "/js/datalist.js")
            + "</div>\n" + _side(v) + "</div>\n" + _foot(v))


def _player(v, a: Article) -> str:
    master = v.video_dir(a) + v.video_layout.master
    return (f'<div class="video" id="a{a.id}" style="width:640px;height:360px;margin:0 auto"></div>\n'
            '<script type="text/javascript">'
            f"var player = new ckplayer({{container:'#a{a.id}', variable:'player', video:'{master}'}});</script>")


def article_page(v, a: Article, page: int, charset: str) -> str:
    name, stem = CHANNELS[a.channel], v.article_path(a).rsplit("/", 1)[1][:-len(".shtml")]
    published = a.published.strftime("%Y-%m-%d %H:%M")
    meta = article_meta(a, name, xhtml=True, author=True)
    if a.id in v.model.video_ids:
        meta += '<script type="text/javascript" src="/js/ckplayer/ckplayer.js"></script>\n'
    pages = len(a.pages)
    guest = getattr(a, "interview", None)
    pager = ""
    if pages > 1 and guest:     # the 在线访谈 template: a plain pager after the body container
        other = v.article_path(a, 2 if page == 1 else 1).rsplit("/", 1)[1]
        pager = f'<div class="pages"><a href="./{other}">{"下一页" if page == 1 else "上一页"}</a></div>\n'
    elif pages > 1:
        call = f'createPageHTML({pages}, {page - 1}, "{stem}", "shtml");'
        pager = f'<div class="page"><script type="text/javascript">{call}</script></div>\n'
    box = "TRS_UEDITOR trs_paper_default trs_web" if a.id % 2 else "TRS_Editor"
    sel = "." + box.split()[0]
    body = body_html(a, page, v.model.day, lambda k: "./" + v.image_path(a, k).rsplit("/", 1)[1],
                     lambda: _player(v, a))
    return (_head(v, f"{a.title}_{SITE_NAME}", charset, meta, CREATE_PAGE_HTML if pages > 1 and not guest else "")
            + _top(v) + f'<div class="position wrap">当前位置：<a href="/">首页</a> &gt; '
              f'<a href="../">{t(name)}</a> &gt; 正文</div>\n<div class="main wrap">\n<div class="detail">\n'
            + f"<h1>{t(a.title)}</h1>\n"
            + f'<div class="info"><span>来源：{t(a.source)}</span>　<span>作者：{t(a.author)}</span>　'
              f'<span>发布时间：{published}</span>　<span>浏览次数：<script type="text/javascript" '
              f'src="{v.counter_path(a)}"></script></span></div>\n'
            + (guest_card(guest, "columns") if guest else "")
            + f'<div class="{box}"><style type="text/css">{EDITOR_STYLE.format(sel=sel)}</style>\n{body}\n</div>\n'
            + pager
            + '<div class="share">分享到：<a class="wx" title="微信"></a><a class="wb" title="微博"></a></div>\n'
            + f'<div class="editor">【责任编辑：{t(a.editor)}】</div>\n</div>\n' + _side(v) + "</div>\n" + _foot(v))
