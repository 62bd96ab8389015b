"""Pages of hostile size, generated to a byte size: the shapes that made extraction slow (issue 12).

    article_page("padded", 15 * 1024 * 1024) -> bytes (UTF-8 HTML, on a single line)

Every shape is an article of the replica's template (title, dateline, a body of Chinese
paragraphs) grown to ``size`` bytes in one way:

- ``padded``: the article, then markup of sidebars and widgets on one line (the tester's page);
- ``paragraphs``: a body of many paragraphs;
- ``table``: a data table in the body, many rows;
- ``links``: lists of dated links after the body (related news, archives);
- ``nested``: the body inside divs nested as deep as the size allows (100,000 at 1.1 MB);
- ``textnode``: the body as one text node, no markup in it;
- ``interview``: a 问/答 interview whose first answer runs on for many paragraphs;
- ``fallback``: ``padded`` with a body too short for our rules, so the generic extractor
  (trafilatura) runs on the whole page.

The bench (``bench/extract_limits.py``), the tests and the hostile server use these, so the
pages measured are the pages tested. The shapes repeat themselves, so they compress well: a
15 MB page is well under the crawl's 20 MB cap gzipped.
"""

from __future__ import annotations

MB = 1024 * 1024
TITLE = "长春市召开城市更新工作推进会议"
DATELINE = "<div class='info'>发布时间：2022-10-09 09:30 来源：长春日报 作者：王强</div>"
SENTENCE = "长春市今天召开城市更新工作推进会议，研究部署下一阶段老旧小区改造和背街小巷整治工作。"
LEAD = "".join(f"<p>{SENTENCE}第{n}段。</p>" for n in range(1, 4))
SHAPES = ("padded", "paragraphs", "table", "links", "nested", "textnode", "interview", "fallback")


def _frame(body: str, after: str = "") -> str:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + TITLE + "_长春新闻网</title></head>"
            "<body><div class='nav'><a href='/'>首页</a><a href='/news/index.htm'>新闻</a></div>"
            "<h1>" + TITLE + "</h1>" + DATELINE + "<div class='content'>" + body + "</div>" + after
            + "<div class='footer'>长春新闻网 版权所有</div></body></html>")


def _repeat(unit, fixed: int, size: int) -> str:
    """``unit(i)`` for i = 0, 1, … until ``fixed`` + the units reach ``size`` bytes."""
    parts, total, i = [], fixed, 0
    while total < size:
        piece = unit(i)
        parts.append(piece)
        total += len(piece.encode("utf-8"))
        i += 1
    return "".join(parts)


def _fixed(body: str = "", after: str = "") -> int:
    return len(_frame(body, after).encode("utf-8"))


def _padding(i: int) -> str:
    return (f"<div class='widget w{i % 7}'><span class='label'>栏目{i % 13}</span><a href='/column/{i % 97}.htm'>"
            f"专栏{i % 97}</a><img src='/images/icon{i % 5}.png'><em>{i % 10}</em></div>")


def _paragraph(i: int) -> str:
    return f"<p>{SENTENCE}第{i + 4}段。</p>"


def _row(i: int) -> str:
    return f"<tr><td>{i + 1}</td><td>朝阳区第{i % 50}街道</td><td>{i * 7 % 1000}户</td><td>{i % 12 + 1}月</td></tr>"


def _link(i: int) -> str:
    ul = "<ul class='list'>" if i % 20 == 0 else ""
    end = "</ul>" if i % 20 == 19 else ""
    return (f"{ul}<li><a href='/2022-{i % 12 + 1:02d}/{i % 28 + 1:02d}/content_{i}.htm'>长春新闻第{i}条标题</a>"
            f"<span>2022-{i % 12 + 1:02d}-{i % 28 + 1:02d}</span></li>{end}")


def _sentence(i: int) -> str:
    return SENTENCE


def article_page(shape: str, size: int) -> bytes:
    """A page of ``shape`` (one of ``SHAPES``) of about ``size`` bytes (UTF-8, one line)."""
    if shape == "padded":
        page = _frame(LEAD, _repeat(_padding, _fixed(LEAD), size))
    elif shape == "fallback":
        page = _frame("<p>短讯。</p>", _repeat(_padding, _fixed("<p>短讯。</p>"), size))
    elif shape == "interview":
        second = "<p>问：下一步有什么打算？</p><p>答：继续推进。</p>"
        page = _frame("<p>问：城市更新进展如何？</p><p>答：进展顺利。</p>"
                      + _repeat(_paragraph, _fixed(LEAD + second), size) + second)
    elif shape == "paragraphs":
        page = _frame(LEAD + _repeat(_paragraph, _fixed(LEAD), size))
    elif shape == "table":
        fixed = _fixed(LEAD + "<table></table>")
        page = _frame(LEAD + "<table>" + _repeat(_row, fixed, size) + "</table>")
    elif shape == "links":
        page = _frame(LEAD, "<div class='more'>" + _repeat(_link, _fixed(LEAD, "<div></div></ul>"), size)
                      + "</ul></div>")
    elif shape == "nested":
        return nested_page(max(1, (size - _fixed(LEAD)) // len("<div></div>")))
    elif shape == "textnode":
        page = _frame("<p>" + _repeat(_sentence, _fixed("<p></p>"), size) + "</p>")
    else:
        raise ValueError(f"no page shape {shape!r} (one of {', '.join(SHAPES)})")
    return page.encode("utf-8")


def nested_page(depth: int) -> bytes:
    """The article's body inside ``depth`` nested divs (100,000: 1.1 MB)."""
    return _frame("<div>" * depth + LEAD + "</div>" * depth).encode("utf-8")
