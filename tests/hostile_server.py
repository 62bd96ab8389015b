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
client left waiting). Then name its path in a scenario.
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


PLAIN = [f"/2022-10/08/content_{100 + n}.htm" for n in range(1, 6)]
SCENARIOS: dict[str, Scenario] = {
    "plain": Scenario(PLAIN),
}
SCENARIO = SCENARIOS["plain"]


@route("/")
def home(req: Request) -> bytes:
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
        req = await _read_request(reader)
        if req is None:
            return
        if log:
            log.write(f"{req.method} {req.target}\n")
            log.flush()
        result = find_route(req.path)(req)
        if callable(result):
            await result(writer)
        else:
            writer.write(result)
            await writer.drain()
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
