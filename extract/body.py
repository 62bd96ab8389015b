"""The article body: its container, paragraphs, images, videos and the next page link.

The container is found by a profile selector, else by the class/id names common Chinese CMSs
use, else by text density (the block whose own paragraphs carry the most non-link Chinese
text). Paragraphs are the container's text split at block elements and ``<br>``, so
``<p>``, ``<div>`` and ``<br>``-separated layouts all work. Where no rule finds a body, the
caller falls back to trafilatura.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from . import selectors as S
from .normalize import clean_whitespace, normalise

_CJK = re.compile(r"[\u3400-\u9fff]")
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "table", "section",
                        "article", "blockquote", "center", "dd", "dt", "ul", "ol", "pre", "hr", "figure",
                        "figcaption", "header", "footer"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "form", "select", "button", "textarea", "object",
                       "embed", "video", "audio", "svg", "input", "head", "title"})
_CONTAINER_TAGS = ("div", "td", "article", "section", "font", "span", "center", "blockquote", "main")
_BOLD = frozenset({"strong", "b"})


@dataclass
class Paragraph:
    text: str            # normalised
    raw: str             # as served (after decoding), whitespace cleaned
    bold: bool = False


@dataclass
class Body:
    container: object | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)


def _marker(el) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).strip()


def _is_boilerplate(el, stop=None) -> bool:
    """True when ``el`` or an ancestor (below ``stop``) is navigation, sharing, a sidebar, …"""
    for node in [el, *el.iterancestors()]:
        if node is stop or node.tag in ("body", "html"):
            return False
        if node.tag in ("nav", "footer", "aside"):
            return True
        marker = _marker(node)
        if marker and S.BOILERPLATE.search(marker):
            return True
    return False


def _text_weight(el) -> int:
    """Chinese characters of ``el`` outside links, scripts and boilerplate blocks."""
    total = len(_CJK.findall(el.text_content()))
    for sub in el.iter("a", "script", "style"):
        total -= len(_CJK.findall(sub.text_content()))
    return total


def _own_weight(el) -> int:
    """Chinese characters in ``el``'s own text runs and in its paragraph-like children."""
    weight = len(_CJK.findall(el.text or ""))
    for child in el:
        if not isinstance(child.tag, str):
            continue
        # A small div is a paragraph; one that holds blocks of its own is a section, scored where it is.
        if child.tag in ("p", "font", "span", "strong", "b", "br", "center", "em") or (
                child.tag == "div" and len(child) <= 3 and child.find(".//div") is None
                and child.find(".//table") is None):
            if child.tag != "br" and not (_marker(child) and S.BOILERPLATE.search(_marker(child))):
                weight += _text_weight(child)
        if child.tail:
            weight += len(_CJK.findall(child.tail))
    return weight


def find_container(doc: lxml_html.HtmlElement, override: str | None = None):
    if override:
        found = doc.cssselect(override)
        if found:
            return found[0]
    for css in S.BODY_CANDIDATES:
        # Among the elements a class name matches, the one with the most text ("p.text" is one
        # paragraph of "div#detail .text" pages, not the body).
        matches = [(_text_weight(el), el) for el in doc.cssselect(css)
                   if el.tag in _CONTAINER_TAGS + ("article",) and not _is_boilerplate(el)]
        if matches:
            weight, el = max(matches, key=lambda m: m[0])
            if weight >= 20:
                return el
    best, best_weight = None, 0
    for el in doc.iter(*_CONTAINER_TAGS):
        weight = _own_weight(el)
        if weight > best_weight and not _is_boilerplate(el):
            best, best_weight = el, weight
    if best_weight < 40:
        return None
    return _first_of_repeated(doc, best)


def _first_of_repeated(doc, best):
    """On a page of posts (a blog's front page, a forum thread) the densest block is one post of
    several alike (same tag and class): the article is the first of them, the newest entry or
    the topic post; the later ones are older entries or replies."""
    cls = best.get("class")
    if not cls:
        return best
    posts = [el for el in doc.iter(best.tag) if el.get("class") == cls and _own_weight(el) >= S.MIN_POST_WEIGHT]
    return posts[0] if len(posts) >= S.MIN_POSTS else best


def paragraphs_of(container) -> list[Paragraph]:
    """Split the container's text at block elements and ``<br>``; skip boilerplate inside it."""
    out: list[Paragraph] = []
    pieces: list[str] = []
    bold_chars = [0]
    bold_depth = [0]
    link_chars = [0]
    link_depth = [0]
    marker_at: list[int] = []    # where a "相关阅读" / "延伸阅读" heading stood, in ``out``

    def flush():
        raw = clean_whitespace("".join(pieces))
        pieces.clear()
        size = len(raw.replace(" ", ""))
        if raw:
            text = normalise(raw)
            if S.END_OF_BODY.match(text) and sum(len(_CJK.findall(p.text)) for p in out) >= 100:
                marker_at.append(len(out))
            elif (text and not S.SHARE_TEXT.match(text) and not S.EDITOR_LINE.match(text)
                  and link_chars[0] < S.MAX_LINK_SHARE * size):
                out.append(Paragraph(text, raw, bold_chars[0] >= 0.8 * size))
        bold_chars[0] = link_chars[0] = 0

    def add(text: str) -> None:
        pieces.append(text)
        if bold_depth[0]:
            bold_chars[0] += len(text.strip())
        if link_depth[0]:
            link_chars[0] += len(text.strip())

    skip_depth = 0
    for event, el in etree.iterwalk(container, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skip_depth:
                skip_depth += 1
                continue
            if tag is None or tag in SKIP_TAGS or (el is not container and _marker(el)
                                                   and S.BOILERPLATE.search(_marker(el))):
                skip_depth = 1
                continue
            if tag in BLOCK_TAGS:
                flush()
            if tag in _BOLD:
                bold_depth[0] += 1
            elif tag == "a":
                link_depth[0] += 1
            if el.text:
                add(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el is not container and el.tail:
                    pieces.append(el.tail)
                continue
            if tag in _BOLD:
                bold_depth[0] -= 1
            elif tag == "a":
                link_depth[0] -= 1
            if tag in BLOCK_TAGS:
                flush()
            if el is not container and el.tail:
                add(el.tail)
    flush()
    if marker_at:
        # The related links usually end the article. Some templates put a "延伸阅读" block in
        # the middle of it: then more of the article's own (non-link) text follows than precedes.
        before, after = out[:marker_at[0]], out[marker_at[0]:marker_at[1] if len(marker_at) > 1 else None]
        if sum(len(_CJK.findall(p.text)) for p in after) <= sum(len(_CJK.findall(p.text)) for p in before):
            return before
        return before + after
    return out


def extract_body(doc: lxml_html.HtmlElement, base_url: str, override: str | None = None) -> Body:
    container = find_container(doc, override)
    if container is None:
        return Body(None)
    body = Body(container, paragraphs_of(container))
    for img in container.iter("img"):
        src = img.get("src") or img.get("data-src")
        if src and not _is_boilerplate(img, container):
            body.images.append(urljoin(base_url, src.strip()))
    for video in container.iter("video", "source", "embed"):
        src = video.get("src")
        if src:
            body.videos.append(urljoin(base_url, src.strip()))
    return body


def fallback_paragraphs(html_text: str, url: str) -> list[Paragraph]:
    """trafilatura's body, for pages where none of our rules finds one.

    It gets the text we decoded (so GBK pages that declare nothing are not garbled); our
    date and byline rules still run on top of it.
    """
    import trafilatura   # imported on first use: it costs ~0.5 s and most pages never need it

    text = trafilatura.extract(html_text, url=url, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    out = []
    for line in (text or "").splitlines():
        raw = clean_whitespace(line)
        if raw:
            out.append(Paragraph(normalise(raw), raw))
    return out


def _is_lead_line(text: str, title: str) -> bool:
    """A heading, metadata or names line of the article's head (see ``trim_lead``)."""
    flat = text.replace(" ", "")
    if title and (flat == title or (len(flat) >= 6 and (title.startswith(flat) or flat.startswith(title))
                                    and abs(len(flat) - len(title)) <= 10)):
        return True
    if S.LEAD_PAGES.match(flat) or S.LEAD_SUBTITLE.match(flat) or S.LEAD_BYLINE.match(flat):
        return True
    if (m := S.NUMERIC_DATE.search(text)) and m.end() - m.start() == len(text.strip()):   # a date alone
        return True
    if S.NAMES_LINE.match(text) and text.split()[0][0] in S.SURNAMES:
        return True
    return bool(S.NUMERIC_DATE.search(text) and S.LEAD_META_LABEL.search(text))


def trim_lead(paragraphs: list[Paragraph], title: str | None) -> list[Paragraph]:
    """Drop the article's head when the template puts it inside the body block: up to the last
    heading, metadata, page-number or names line among the first few short lines. Those lines
    stay in the page text, where the date and byline rules read them."""
    title = (title or "").replace(" ", "")
    cut = 0
    for i, p in enumerate(paragraphs[:S.MAX_LEAD_LINES]):
        if len(p.text) > S.MAX_LEAD_CHARS or p.text.endswith(("。", "！", "？")):
            break
        if _is_lead_line(p.text, title):
            cut = i + 1
    rest = paragraphs[cut:]
    return rest if has_body(rest) else paragraphs


def has_body(paragraphs: list[Paragraph], minimum: int = 20) -> bool:
    return sum(len(_CJK.findall(p.text)) for p in paragraphs) >= minimum


def find_next_page(doc: lxml_html.HtmlElement, container, base_url: str) -> str | None:
    """The 下一页 link of a multi-page article, searched next to the body only."""
    if container is None:
        return None
    scope = container.getparent() if container.getparent() is not None else container
    for a in scope.iter("a"):
        if a.get("href") and S.NEXT_PAGE_TEXT.match(normalise(a.text_content())):
            return urljoin(base_url, a.get("href").strip())
    return None


def find_next_listing(doc: lxml_html.HtmlElement, base_url: str) -> str | None:
    """The 下一页 (or rel=next) link of a listing page."""
    for a in doc.iter("a"):
        href = a.get("href")
        if href and ("next" in (a.get("rel") or "").split() or S.NEXT_PAGE_TEXT.match(normalise(a.text_content()))):
            return urljoin(base_url, href.strip())
    return None
