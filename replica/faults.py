"""Fault mode (``newsarchive replica --faults``): the ways real sites fail, on paths a crawler
will find. Article-shaped URLs under ``/2022-10/01/content_9000NN.htm`` carry one fault each,
``/calendar/`` is an endless "next page" trap, and the home page links to other hosts,
private-range addresses and ``file:`` URLs that a crawler must never fetch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    path: str
    kind: str
    note: str


def _p(n: int) -> str:
    return f"/2022-10/01/content_9000{n:02d}.htm"


FAULTS = [
    Fault(_p(1), "not-found", "404"),
    Fault(_p(2), "flaky", "500 once, then the page"),
    Fault(_p(3), "slow", "answers after 20 s, longer than the crawler waits"),
    Fault(_p(4), "reset", "connection reset"),
    Fault(_p(5), "redirect-chain", "301 -> 302 -> a real article"),
    Fault(_p(6), "redirect-loop", "redirects to content_900007, which redirects back"),
    Fault(_p(8), "huge", "a page over the size cap (25 MB)"),
    Fault(_p(9), "malformed", "broken HTML"),
    Fault(_p(10), "wrong-charset", "says UTF-8, is GBK"),
    Fault(_p(11), "binary", "random bytes served as text/html"),
    Fault(_p(12), "offsite-redirect", "302 to another host"),
    Fault(_p(13), "busy", "503 with Retry-After: 2 once, then the page"),
]
BY_PATH = {f.path: f for f in FAULTS}
LOOP_B = _p(7)
OFFSITE_LINKS = ["http://other.example.com/2022-10/01/content_1.htm", "http://10.0.0.1/2022-10/01/content_2.htm",
                 "http://192.168.1.1/2022-10/01/content_3.htm", "http://localhost:{port}/2022-10/01/content_4.htm",
                 "file:///etc/passwd"]
SLOW_SECONDS = 20
HUGE_BYTES = 25 * 1024 * 1024


def footer_links(port: str) -> str:
    links = [f'<a href="{f.path}">{f.kind}</a>' for f in FAULTS]
    links += ['<a href="/calendar/index.htm">日历</a>']
    links += [f'<a href="{u.format(port=port)}">外部链接</a>' for u in OFFSITE_LINKS]
    return '<div class="links">' + " ".join(links) + "</div>\n"


def malformed_page() -> bytes:
    return ("<html><head><title>残缺页面</title><body><h1>残缺的 <b>页面</h1><div class=content><p>这一页的标记"
            + "没有闭合<p>段落里有<<<错误的尖括号>>>和未结束的<table><tr><td>表格<p>" * 3 + "</i></font>").encode("utf-8")


def wrong_charset_page() -> bytes:
    text = ("<html><head><title>编码错误的通知</title></head><body><h1>编码错误的通知</h1><div class='content'>"
            + "<p>这个页面声明为UTF-8，实际上是GBK编码，抽取时要用统计方法判断编码。</p>" * 4 + "</div></body></html>")
    return text.encode("gbk")


def binary_body() -> bytes:
    return bytes((i * 73 + 41) % 256 for i in range(4096))


def fault_article(kind: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>故障测试页面（{kind}）</title></head><body>"
            f"<h1>故障测试页面（{kind}）</h1><div class='info'>发布时间：2022-10-01 08:00 来源：长春新闻网</div>"
            "<div class='content'><p>这一页在第一次请求时出错，重试之后可以正常取得，内容在这里。</p>"
            "<p>爬虫应当重试并把这一页存档。</p></div></body></html>").encode("utf-8")


def calendar_page(n: int) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>日历 第{n + 1}页</title></head><body><h1>日历</h1>"
            f"<p>这一天没有文章。</p><a href='/calendar/index_{n + 1}.htm'>下一页</a></body></html>").encode("utf-8")
