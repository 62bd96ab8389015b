"""HTML the flavours' templates share: article bodies, the guest card, the 热门排行 box in its
two deliveries, datastore islands, and the bytes a page goes out as.

Nothing here knows a flavour's URL scheme: callers pass the URLs (or functions making them).
"""

from __future__ import annotations

import json
from html import escape
from typing import Callable

from ..content import Article
from ..pages import truncate
from .guests import HOST, GuestInterview
from .scripts import RANKING_FILL

RANK_TITLE_CHARS = 19
META = {"utf-8": '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        "gb2312-meta": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        "gbk-undeclared": ""}


def t(text: str) -> str:
    return escape(text)


def encode(html: str, charset: str) -> bytes:
    """UTF-8, or GBK for both GBK forms (declared gb2312, undeclared); what GBK lacks becomes &#N;."""
    return html.encode("utf-8") if charset == "utf-8" else html.encode("gbk", errors="xmlcharrefreplace")


def article_meta(a: Article, column: str, xhtml: bool = False, author: bool = False) -> str:
    """The meta tags of the government-site standard (政府网站发展指引) that TRS and Hanweb templates write."""
    end = " />" if xhtml else ">"
    tags = [("ColumnName", column), ("ArticleTitle", a.title), ("PubDate", f"{a.published:%Y-%m-%d %H:%M}"),
            ("ContentSource", a.source)] + ([("Author", a.author)] if author else [])
    return "".join(f'<meta name="{name}" content="{t(value)}"{end}\n' for name, value in tags)


def body_html(article: Article, page: int, day: int, image_src: Callable[[int], str],
              player: Callable[[], str]) -> str:
    """The paragraphs of one page of ``article``: text, bold questions, images, the player, dialog turns."""
    out, images = [], 0
    for block in article.blocks(page, day):
        kind = block[0]
        if kind == "p":
            out.append(f"<p>\u3000\u3000{t(block[1])}</p>")
        elif kind == "q":
            out.append(f"<p><strong>{t(block[1])}</strong></p>")
        elif kind == "turn":
            out.append(f"<p><strong>{t(block[1])}：</strong>{t(block[2])}</p>")
        elif kind == "img":
            images += 1
            out.append(f'<p style="text-align:center"><img src="{image_src(images)}" border="0" alt=""></p>')
            if block[2]:
                out.append(f'<p style="text-align:center">{t(block[2])}</p>')
        elif kind == "video":
            out.append(player())
    return "\n".join(out)


def image_count(article: Article) -> int:
    return sum(1 for page in article.pages for block in page if block[0] == "img")


def guest_card(iv: GuestInterview, layout: str) -> str:
    """访谈嘉宾 card: a table with a header row (``columns``) or with label cells (``labels``)."""
    host_name, host_position = HOST
    if layout == "columns":
        rows = "".join(f'<tr><td class="name">{t(n)}</td><td class="position">{t(p)}</td></tr>\n' for n, p in iv.guests)
        return (f'<div class="ftjb"><div class="ftjb-hd">访谈嘉宾</div>\n<table class="guest-card" cellspacing="0">\n'
                f'<tr><th>姓名</th><th>职务</th></tr>\n{rows}'
                f'<tr class="host"><td class="name">主持人：{t(host_name)}</td><td class="position">{t(host_position)}'
                f'</td></tr>\n</table></div>\n')
    rows = "".join(f'<tr><td class="label">嘉宾：</td><td class="name">{t(n)}</td><td class="label">职务：</td>'
                   f'<td class="position">{t(p)}</td></tr>\n' for n, p in iv.guests)
    return (f'<div class="guest"><h3>访谈嘉宾</h3>\n<table width="100%">\n{rows}'
            f'<tr class="host"><td class="label">主持人：</td><td class="name">{t(host_name)}</td>'
            f'<td class="label">职务：</td><td class="position">{t(host_position)}</td></tr>\n</table></div>\n')


# -- 热门排行 ---------------------------------------------------------------------------------
def ranking_items(entries: list[tuple[int, Article, str]]) -> str:
    """The list as the script include writes it: rank in its own element, title cut, full title in ``title``."""
    return "".join(f'<li><span class="num n{rank}">{rank}</span><a href="{url}" title="{t(a.title)}" '
                   f'target="_blank">{t(truncate(a.title))}</a></li>\n' for rank, a, url in entries)


def ranking_script(entries: list[tuple[int, Article, str]]) -> str:
    html = '<ul class="ranklist">\n' + ranking_items(entries) + "</ul>"
    # A JS string literal; "</" is escaped so the text can never close a <script> element.
    return "document.write(" + json.dumps(html, ensure_ascii=False).replace("</", "<\\/") + ");\n"


def ranking_json(entries: list[tuple[int, Article, str]], date: str) -> str:
    rows = [{"rank": rank, "title": a.title, "url": url, "pubDate": f"{a.published:%Y-%m-%d}"}
            for rank, a, url in entries]
    return json.dumps({"code": 0, "date": date, "list": rows}, ensure_ascii=False)


def ranking_box(delivery: str, script_url: str, json_url: str) -> str:
    """Either a script include that document.writes the list, or an empty <ul> the JSON API fills."""
    if delivery == "script":
        inner = f'<script type="text/javascript" src="{script_url}"></script>'
    else:
        fill = RANKING_FILL % {"url": json_url, "chars": RANK_TITLE_CHARS, "target": "hotList"}
        inner = f'<ul class="ranklist" id="hotList"></ul>\n<script type="text/javascript">\n{fill}\n</script>'
    return f'<div class="hot"><div class="hd"><h3>热门排行</h3></div>\n{inner}\n</div>\n'


# -- datastore lists ------------------------------------------------------------------------------
def record(url: str, a: Article) -> str:
    return (f'<li><a href="{url}" title="{t(a.title)}" target="_blank">{t(a.title)}</a>'
            f'<span>{a.published:%Y-%m-%d}</span></li>')


def datastore(records: list[str], total: int, per_page: int) -> str:
    items = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in records)
    return (f"<datastore>\n<totalrecord>{total}</totalrecord>\n<totalpage>{-(-total // per_page)}</totalpage>\n"
            f"<recordset>\n{items}</recordset>\n</datastore>")


def datastore_island(d, records: list[str], total: int, proxy_path: str, script_src: str) -> str:
    """The list's container with its XML island, an empty pager, and the jpage call naming the proxy."""
    config = {"container": d.unitid, "pager": d.unitid + "_pager", "proxyUrl": proxy_path, "perPage": d.per_page,
              "groupSize": d.group, "totalRecord": total, "params": d.fields}
    return (f'<div id="{d.unitid}"><script type="text/xml">{datastore(records, total, d.per_page)}</script></div>\n'
            f'<div class="default_pgPanel" id="{d.unitid}_pager"></div>\n'
            f'<script type="text/javascript" src="{script_src}"></script>\n'
            f'<script type="text/javascript">jpage({json.dumps(config, ensure_ascii=False)});</script>\n')
