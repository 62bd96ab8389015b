"""The article body: its container, paragraphs, images, videos and the next page link."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

from . import selectors as S
from .normalize import clean_whitespace, normalise

_CJK = re.compile(r"[\u3400-\u9fff]")
_BLOCK_TAGS = {"p", "div", "td", "li", "h2", "h3", "h4", "h5", "section", "blockquote", "center"}


@dataclass
class Paragraph:
    text: str            # normalised
    raw: str             # as served (after decoding)
    bold: bool = False


@dataclass
class Body:
    container: object | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)


def _is_boilerplate(el) -> bool:
    for node in [el, *el.iterancestors()]:
        marker = (node.get("class") or "") + " " + (node.get("id") or "")
        if marker.strip() and S.BOILERPLATE.search(marker):
            return True
        if node.tag in ("nav", "footer", "aside", "header"):
            return True
    return False


def _cjk_weight(el) -> int:
    return sum(len(_CJK.findall(p.text_content())) for p in el.iterfind(".//p"))


def find_container(doc: lxml_html.HtmlElement, override: str | None = None):
    if override:
        found = doc.cssselect(override)
        if found:
            return found[0]
    for css in S.BODY_CANDIDATES:
        for el in doc.cssselect(css):
            if not _is_boilerplate(el) and _cjk_weight(el) >= 20:
                return el
    # Density fallback: the block whose own <p> children carry the most Chinese text.
    best, best_weight = None, 0
    for el in doc.iter("div", "td", "article", "section"):
        weight = sum(len(_CJK.findall(p.text_content())) for p in el.iterchildren("p"))
        if weight > best_weight and not _is_boilerplate(el):
            best, best_weight = el, weight
    return best if best_weight >= 40 else None


def _paragraph_elements(container):
    ps = [p for p in container.iter("p") if not _is_boilerplate_inside(p, container)]
    if ps:
        return ps
    # Some CMSs separate paragraphs with <br> inside one <div>: treat the container as one block.
    return [container]


def _is_boilerplate_inside(el, container) -> bool:
    for node in [el, *el.iterancestors()]:
        if node is container:
            return False
        marker = (node.get("class") or "") + " " + (node.get("id") or "")
        if marker.strip() and S.BOILERPLATE.search(marker):
            return True
    return False


def extract_body(doc: lxml_html.HtmlElement, base_url: str, override: str | None = None) -> Body:
    container = find_container(doc, override)
    if container is None:
        return Body(None)
    body = Body(container)
    for el in _paragraph_elements(container):
        pieces = []
        for piece in el.itertext():
            pieces.append(piece)
        raw = "".join(pieces)
        if el is container:
            raw = "\n".join(t for t in (s.strip() for s in container.itertext()) if t)
        raw = clean_whitespace(raw)
        text = normalise(raw)
        if not text or S.SHARE_TEXT.match(text):
            continue
        bold = any(b.text_content().strip() and len(b.text_content().strip()) >= len(el.text_content().strip()) * 0.8
                   for b in el.iter("strong", "b"))
        body.paragraphs.append(Paragraph(text, raw, bold))
    for img in container.iter("img"):
        src = img.get("src") or img.get("data-src")
        if src and not _is_boilerplate_inside(img, container):
            body.images.append(urljoin(base_url, src.strip()))
    for video in container.iter("video", "source", "embed"):
        src = video.get("src")
        if src:
            body.videos.append(urljoin(base_url, src.strip()))
    return body


def find_next_page(doc: lxml_html.HtmlElement, container, base_url: str) -> str | None:
    """The 下一页 link of a multi-page article, searched next to the body only."""
    if container is None:
        return None
    scope = container.getparent() if container.getparent() is not None else container
    for a in scope.iter("a"):
        if a.get("href") and S.NEXT_PAGE_TEXT.match(normalise(a.text_content())):
            return urljoin(base_url, a.get("href").strip())
    return None
