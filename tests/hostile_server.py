"""A misbehaving web server for the integrity tests: raw bytes on a loopback socket.

    python -m tests.hostile_server --scenario NAME [--port 0]

prints its URL on the first line, then serves until killed. Unlike the replica (Twisted Web,
which normalises what it sends), every reply here is written byte for byte by its handler: a
status line with its own reason phrase, header names in their own case and order, a header of
100 KB, a body cut short, a client left waiting.

A scenario is the list of paths the home page links to. The home page is a portal front page
with a 热门排行 ranking (so that ``--site replica`` judges a run as it would the replica's);
paths follow the replica's URL scheme, so the replica profile's patterns apply.

Add a route with ``@route("/path")``: a function of the request that returns the raw reply as
bytes, or an ``async def stream(writer)`` that writes to the socket itself (a body cut short, a
client left waiting). Then name its path in a scenario. After a route marked ``@keep_alive``
the connection stays open for the client's next request.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import re
import sys
from dataclasses import dataclass, field
from typing import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

from replica.big_pages import MB, article_page, nested_page


@dataclass
class Request:
    method: str
    target: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str] = field(default_factory=dict)
    host: str = ""
    served_on_connection: int = 1     # 2 for the second request on a kept-alive connection


Stream = Callable[[asyncio.StreamWriter], Awaitable[None]]
Handler = Callable[[Request], "bytes | Stream"]
ROUTES: dict[str, Handler] = {}
PREFIX_ROUTES: list[tuple[str, Handler]] = []


def route(path: str, prefix: bool = False):
    def register(fn: Handler) -> Handler:
        if prefix:
            PREFIX_ROUTES.append((path, fn))
        else:
            ROUTES[path] = fn
        return fn
    return register


def reply(body: bytes | str, status: str = "200 OK", content_type: str = "text/html; charset=utf-8",
          headers: list[tuple[str, str]] | None = None) -> bytes:
    """A complete HTTP/1.1 reply with Content-Length, closing the connection."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
             "Connection: close", *(f"{n}: {v}" for n, v in headers or [])]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def page(title: str, body_html: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
            f"{body_html}</body></html>")


def article_html(n: int, title: str | None = None, head: str = "", extra: str = "") -> str:
    title = title or f"测试文章第{n}篇"
    paragraph = f"<p>这是第{n}篇测试文章的正文，长春市的新闻内容在这里，段落足够长以便抽取正文。</p>"
    return page(title, f"<h1>{title}</h1><div class='info'>发布时间：2022-10-08 09:30 来源：长春新闻网</div>"
                       f"<div class='content'>{paragraph * 3}{extra}</div>", head)


RANKING = ("<div class='side'><div class='hot'><div class='hd'><h3>热门排行</h3></div><ul>"
           + "".join(f"<li><span>{n}</span><a href='/2022-10/08/content_{100 + n}.htm'>热门文章第{n}条标题</a></li>"
                     for n in range(1, 6)) + "</ul></div></div>")



@dataclass(frozen=True)
class Scenario:
    links: list[str]              # what the home page links to
    head: str = ""                # extra markup in the home page's <head>
    home: str | None = None       # the home page's whole body instead (links and ranking left out)


PLAIN = [f"/2022-10/08/content_{100 + n}.htm" for n in range(1, 6)]
SCENARIOS: dict[str, Scenario] = {
    "plain": Scenario(PLAIN),
    # articles that answer only after SLOW_SECONDS: requests stay in flight while a test signals
    "slow": Scenario(PLAIN + [f"/2022-10/10/content_{n}.htm" for n in range(1, 9)]),
}
SCENARIO = SCENARIOS["plain"]


@route("/")
def home(req: Request) -> bytes:
    if SCENARIO.home is not None:
        return reply(page("长春新闻网", SCENARIO.home, SCENARIO.head))
    links = "".join(f"<li><a href='{p}'>链接{n}</a></li>" for n, p in enumerate(SCENARIO.links, 1))
    return reply(page("长春新闻网", f"<h1>长春新闻网</h1><ul class='news'>{links}</ul>{RANKING}", SCENARIO.head))


@route("/robots.txt")
def robots(req: Request) -> bytes:
    return reply("User-agent: *\nDisallow: /admin/\n", content_type="text/plain")


@route("/2022-10/08/", prefix=True)
def article(req: Request) -> bytes:
    name = req.path.rsplit("/", 1)[1]
    if not (name.startswith("content_") and name.endswith(".htm") and name[8:-4].isdigit()):
        return reply(page("404", "<p>没有这个页面</p>"), "404 Not Found")
    return reply(article_html(int(name[8:-4])))


SLOW_SECONDS = 25


@route("/2022-10/10/", prefix=True)
def slow_article(req: Request):
    async def stream(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(SLOW_SECONDS)
        writer.write(reply(article_html(900)))
        await writer.drain()
    return stream


def keep_alive(fn: Handler) -> Handler:
    """After this route's reply, read the next request on the same connection."""
    fn.keep_alive = True
    return fn


# -- heads as sent (issue 12): a reason phrase of its own, names in odd case and order, a repeated
# Set-Cookie, raw GBK bytes, a chunked body, a 20 KB line, two responses on one connection, a
# 100 KB header.
AS_SENT, AS_SENT_CHUNKED, HUGE_HEAD = ("/2022-12/12/content_1201.htm", "/2022-12/12/content_1202.htm",
                                       "/2022-12/12/content_1203.htm")


def as_sent_body(path: str, served_on_connection: int) -> bytes:
    """The page at ``path``; AS_SENT links to AS_SENT_CHUNKED, which then comes on the same connection."""
    link = f"<p><a href='{AS_SENT_CHUNKED}'>相关新闻</a></p>" if path == AS_SENT else ""
    return article_html(int(path[-8:-4]), extra=f"{link}<p>本连接上的第{served_on_connection}个请求。</p>").encode()


def as_sent_head(path: str, body: bytes) -> bytes:
    """The head sent for ``path`` (the connection stays open: HTTP/1.1's default)."""
    if path == AS_SENT:
        return (b"HTTP/1.1 200 Fine Thanks\r\nETag: \"1201-v1\"\r\nX-lower-Case: odd\r\nSet-Cookie: a=1; Path=/\r\n"
                b"content-type: text/html; charset=utf-8\r\nSet-Cookie: b=2; Path=/\r\n"
                b"Content-Disposition: inline; filename=\"" + "通知".encode("gbk") + b".htm\"\r\n"
                b"content-length: %d\r\nX-Trailing-Space: kept \r\n\r\n" % len(body))
    # a line over Twisted's line limit (16 KB) and under ours (64 KB)
    return (b"HTTP/1.1 200 Second Helping\r\nCONTENT-TYPE: text/html; charset=utf-8\r\n"
            b"Transfer-Encoding: chunked\r\netag: W/\"1202\"\r\nX-Long-Line: " + b"b" * 20000 + b"\r\n\r\n")


@route(AS_SENT)
@route(AS_SENT_CHUNKED)
@keep_alive
def as_sent(req: Request) -> bytes:
    body = as_sent_body(req.path, req.served_on_connection)
    if req.path == AS_SENT:
        return as_sent_head(req.path, body) + body
    half = len(body) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:]))
    return as_sent_head(req.path, body) + chunks + b"0\r\n\r\n"


@route(HUGE_HEAD)
def huge_head(req: Request) -> bytes:
    return reply(article_html(1203), headers=[("X-Padding", "a" * 100 * 1024)])


SCENARIOS["as_sent"] = Scenario(PLAIN + [AS_SENT, HUGE_HEAD])


# -- integrity (issue 12): pages that refresh themselves, URL traps, a gzipped sitemap, bodies cut
# short or that decompress past the cap, a redirect to a javascript: URL, a URL too long.
REFRESH_OFFSITE, REFRESH_MOVED, MOVED_TARGET = ("/2022-10/11/content_1.htm", "/2022-10/11/content_2.htm",
                                               "/2022-10/08/content_150.htm")


@route("/2022-10/11/", prefix=True)
def refreshing_article(req: Request) -> bytes:
    target = "http://offsite.example/" if req.path == REFRESH_OFFSITE else MOVED_TARGET
    delay = 30 if req.path == REFRESH_OFFSITE else 0
    return reply(article_html(int(req.path[-5]), head=f"<meta http-equiv='refresh' content='{delay}; url={target}'>"))


QUERY_TRAP, PATH_TRAP = "/2022-10/12/content_300000.htm", "/2022-10/12/content_"


@route("/2022-10/12/", prefix=True)
def trap(req: Request) -> bytes:
    """content_300000.htm?p=N links to ?p=N+1; content_N.htm (N < 300000) links to content_N+1.htm."""
    if req.path == QUERY_TRAP:
        n = int((req.query.get("p") or ["1"])[0])
        return reply(article_html(300000, title=f"第{n}页的文章", extra=f"<p><a href='{QUERY_TRAP}?p={n + 1}'>下一篇</a></p>"))
    n = int(req.path[len(PATH_TRAP):-4])
    return reply(article_html(n, extra=f"<p><a href='{PATH_TRAP}{n + 1}.htm'>下一篇</a></p>"))


SITEMAP_ARTICLES = [f"/2022-10/13/content_{n}.htm" for n in range(1, 4)]


@route("/sitemap.xml")
def sitemap_index(req: Request) -> bytes:
    return reply("<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/"
                 "sitemap/0.9'><sitemap><loc>http://" + req.host + "/sitemap-1.xml.gz</loc></sitemap></sitemapindex>",
                 content_type="application/xml")


@route("/sitemap-1.xml.gz")
def gzipped_sitemap(req: Request) -> bytes:
    """Served as a file (application/x-gzip, no Content-Encoding): nothing on the way unpacks it."""
    urls = "".join(f"<url><loc>http://{req.host}{p}</loc><lastmod>2022-10-13</lastmod></url>"
                   for p in SITEMAP_ARTICLES)
    xml = ("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
           + urls + "</urlset>").encode()
    return reply(gzip_bytes(xml), content_type="application/x-gzip")


@route("/2022-10/13/", prefix=True)
def sitemap_only_article(req: Request) -> bytes:
    return reply(article_html(int(req.path[-5]) + 1300))


BOMB, CUT_SHORT, JS_REDIRECT = ("/2022-10/14/content_1.htm", "/2022-10/14/content_2.htm",
                                "/2022-10/14/content_3.htm")
LONG_URL = "/2022-10/08/content_199.htm?ref=" + "a" * 2100


@route(BOMB)
def decompression_bomb(req: Request) -> bytes:
    """30 MB of zeros, 30 KB gzipped, sent with Content-Encoding: gzip (over the 20 MB cap)."""
    return reply(gzip_bytes(b"\0" * (30 * 1024 * 1024)), headers=[("Content-Encoding", "gzip")])


@route(CUT_SHORT)
def cut_short(req: Request):
    async def stream(writer: asyncio.StreamWriter) -> None:
        body = article_html(2).encode()
        writer.write(reply(body)[:-len(body) // 2])      # Content-Length promises the whole body
        await writer.drain()
    return stream


@route(JS_REDIRECT)
def js_redirect(req: Request) -> bytes:
    return reply("", "302 Found", headers=[("Location", "javascript:alert(1)")])


SCENARIOS["refresh"] = Scenario(PLAIN + [REFRESH_OFFSITE, REFRESH_MOVED], head="<meta http-equiv='refresh' "
                                                                               "content='60;url=/'>")
SCENARIOS["traps"] = Scenario(PLAIN + [f"{QUERY_TRAP}?p=1", f"{PATH_TRAP}1.htm"])
SCENARIOS["broken"] = Scenario(PLAIN + [BOMB, CUT_SHORT, JS_REDIRECT, LONG_URL])


# -- `extract URL` (issue 12): redirects to another port and to [::1], a server that trickles.
TO_OTHER_PORT, TO_LOOPBACK6, TRICKLE = ("/2022-10/15/content_1.htm", "/2022-10/15/content_2.htm",
                                        "/2022-10/15/content_3.htm")


@route(TO_OTHER_PORT)
def redirect_other_port(req: Request) -> bytes:
    host = req.host.rsplit(":", 1)[0]
    return reply("", "302 Found", headers=[("Location", f"http://{host}:9/2022-10/08/content_101.htm")])


@route(TO_LOOPBACK6)
def redirect_loopback6(req: Request) -> bytes:
    port = req.host.rsplit(":", 1)[1]
    return reply("", "301 Moved Permanently", headers=[("Location", f"http://[::1]:{port}/2022-10/08/content_101.htm")])


@route(TRICKLE)
def trickle(req: Request):
    """A whole head, then one byte of the body a second (a slow-loris server)."""
    async def stream(writer: asyncio.StreamWriter) -> None:
        body = article_html(3).encode()
        writer.write(reply(body)[:-len(body)])
        for byte in body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1)
    return stream


# Pages too big for a naive extractor (issue 12), under article URLs: 15 MB of markup on one
# line, 100,000 nested divs, one text node of 15 MB. Served gzip-encoded, as a portal would, so
# that they stay under the crawl's 20 MB download cap on the wire.
BIG_PAGES = {1: lambda: article_page("padded", 15 * MB), 2: lambda: nested_page(100_000),
             3: lambda: article_page("textnode", 15 * MB)}
SCENARIOS["big-pages"] = Scenario([f"/2022-10/09/content_{n}.htm" for n in BIG_PAGES])


@functools.lru_cache(maxsize=None)
def _big_page(n: int) -> bytes:
    return gzip_bytes(BIG_PAGES[n]())


@route("/2022-10/09/", prefix=True)
def big_page(req: Request) -> bytes:
    m = re.fullmatch(r"/2022-10/09/content_(\d+)\.htm", req.path)
    if not m or int(m.group(1)) not in BIG_PAGES:
        return not_found(req)
    return reply(_big_page(int(m.group(1))), headers=[("Content-Encoding", "gzip")])


# -- one page path (issue 13): an interview with bold questions over two pages, 下一页 in a pager
BOLD_PAGE_1, BOLD_PAGE_2 = "/2022-10/16/content_1600.htm", "/2022-10/16/content_1600_2.htm"
BOLD_QA = [("为什么选择回长春创业？", "这里的房租和人力成本更低，老街区也有自己的味道。"),
           ("经营中遇到过什么困难？", "冬天客流少是最大的问题，我们就做外卖和周末市集。"),
           ("明年有什么打算？", "想在净月区再开一家店，把咖啡和本地的点心放在一起卖。"),
           ("对想回乡创业的年轻人有什么建议？", "先把账算清楚，再找几个靠得住的伙伴，慢慢来。")]


def bold_interview_page(number: int) -> bytes:
    pairs = BOLD_QA[:2] if number == 1 else BOLD_QA[2:]
    lead = "<p>95后的刘思远去年回到长春，在老城区开了一家咖啡馆，记者和她聊了聊。</p>" if number == 1 else ""
    body = lead + "".join(f"<p><strong>{q}</strong></p><p>{a}</p>" for q, a in pairs)
    pager = (f"<div class='page'><a href='{BOLD_PAGE_2}'>下一页</a></div>" if number == 1
             else f"<div class='page'><a href='{BOLD_PAGE_1}'>上一页</a></div>")
    title = "对话青年创业者：在长春开一家咖啡馆"
    return page(title, f"<h1>{title}</h1><div class='info'>发布时间：2022-10-16 10:00 来源：长春新闻网</div>"
                            f"<div class='content'>{body}</div>{pager}").encode("utf-8")


@route(BOLD_PAGE_1)
@route(BOLD_PAGE_2)
def bold_interview(req: Request) -> bytes:
    return reply(bold_interview_page(2 if req.path == BOLD_PAGE_2 else 1))


SCENARIOS["bold-two-pages"] = Scenario(PLAIN + [BOLD_PAGE_1])


# -- what only a browser can see (issue 14, item 3): the home page's news list and 热门排行 are
# built by an obfuscated script from JSON whose URL no static reading finds; the script also
# loads a beacon from another host (the same server named localhost), which must be refused.
RENDERED_NEWS = list(range(201, 209))
RENDERED_HOT = [205, 201, 207, 203, 202]
RENDER_SCRIPT, RENDER_JSON, BEACON = "/static/portal.js", "/api/front.json", "/beacon.gif"
_XOR = 23


def rendered_title(n: int) -> str:
    return f"测试文章第{n}篇"


@route(RENDER_SCRIPT)
def render_script(req: Request) -> bytes:
    codes = ",".join(str(ord(c) ^ _XOR) for c in RENDER_JSON)
    script = ("(function(w,d){var _0x=[" + codes + "],u=_0x.map(function(c){return String.fromCharCode(c^"
              f"{_XOR})}}).join(''),p=['/2022-10','08','content_'];"
              "function h(i){return p[0]+'/'+p[1]+'/'+p[2]+i+'.htm'}"
              "var x=new XMLHttpRequest();x.open('GET',u);x.onload=function(){var o=JSON.parse(x.responseText);"
              "d.getElementById('news').innerHTML=o.n.map(function(e){return '<li><a href=\"'+h(e[0])+'\">'"
              "+e[1]+'</a></li>'}).join('');"
              "d.getElementById('hot').innerHTML=o.h.map(function(e,i){return '<li><span>'+(i+1)+'</span>"
              "<a href=\"'+h(e[0])+'\">'+e[1]+'</a></li>'}).join('')};x.send();"
              "var b=new Image();b.src='http://local'+'host:'+w.location.port+'" + BEACON + "'})(window,document);")
    return reply(script, content_type="application/javascript; charset=utf-8")


@route(RENDER_JSON)
def render_json(req: Request) -> bytes:
    import json

    body = {"n": [[n, rendered_title(n)] for n in RENDERED_NEWS], "h": [[n, rendered_title(n)] for n in RENDERED_HOT]}
    return reply(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


@route(BEACON)
def beacon(req: Request) -> bytes:
    return reply(b"GIF89a", content_type="image/gif")


# The news channel's list page is built the same way, from the same script and JSON.
RENDERED_LIST = "/news/index.htm"
RENDERED_BODY = ("<h1>长春新闻网</h1><p><a href='" + RENDERED_LIST + "'>新闻</a></p><ul class='news' id='news'></ul>"
                 "<div class='side'><div class='hot'><div class='hd'><h3>热门排行</h3></div><ul id='hot'></ul></div>"
                 f"</div><script src='{RENDER_SCRIPT}'></script>")


@route(RENDERED_LIST)
def rendered_list(req: Request) -> bytes:
    return reply(page("新闻 - 长春新闻网", RENDERED_BODY))


SCENARIOS["rendered"] = Scenario([], home=RENDERED_BODY)


# A channel list whose pager is a script the page loads from elsewhere: it says 共3页 and 下一页,
# but no link or script in the page names page 2 (what `check` must call out).
HIDDEN_PAGER_LIST = "/list/index.htm"


@route(HIDDEN_PAGER_LIST)
def hidden_pager_list(req: Request) -> bytes:
    items = "".join(f"<li><a href='{p}'>链接{n}</a></li>" for n, p in enumerate(PLAIN, 1))
    pager = ("<div class='pager'>共3页 <a href='javascript:void(0)' onclick='turnPage(2)'>下一页</a></div>"
             "<script src='/static/pager.js'></script>")
    return reply(page("新闻 - 长春新闻网", f"<ul class='news'>{items}</ul>{pager}"))


SCENARIOS["hidden-pager"] = Scenario(PLAIN + [HIDDEN_PAGER_LIST])


def not_found(req: Request) -> bytes:
    return reply(page("404", "<p>没有这个页面</p>"), "404 Not Found")


def find_route(path: str) -> Handler:
    if path in ROUTES:
        return ROUTES[path]
    for prefix, handler in PREFIX_ROUTES:
        if path.startswith(prefix):
            return handler
    return not_found


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, _ = lines[0].split(" ", 2)
    except ValueError:
        return None
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    parts = urlsplit(target)
    length = int(headers.get("content-length") or 0)
    if length:
        await reader.readexactly(min(length, 1 << 20))
    return Request(method, target, parts.path, parse_qs(parts.query), headers, headers.get("host", ""))


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log) -> None:
    try:
        served = 0
        while True:
            req = await _read_request(reader)
            if req is None:
                return
            served += 1
            req.served_on_connection = served
            if log:
                log.write(f"{req.method} {req.target}\n")
                log.flush()
            handler = find_route(req.path)
            result = handler(req)
            if callable(result):
                await result(writer)
            else:
                writer.write(result)
                await writer.drain()
            if not getattr(handler, "keep_alive", False):
                return
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, 6)


async def main_async(port: int, log_path: str | None) -> None:
    log = open(log_path, "a", encoding="utf-8") if log_path else None
    server = await asyncio.start_server(lambda r, w: _serve(r, w, log), "127.0.0.1", port, limit=1 << 16)
    bound = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{bound}/", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    global SCENARIO
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scenario", default="plain", choices=sorted(SCENARIOS))
    parser.add_argument("--log", help="append 'METHOD TARGET' of every request here")
    args = parser.parse_args()
    SCENARIO = SCENARIOS[args.scenario]
    try:
        asyncio.run(main_async(args.port, args.log))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
