"""One page in, one record out: ``extract_page(url, content_type, body) -> PageRecord``.

Pure: no Scrapy, no network, no clock. The crawl, ``newsarchive extract`` and a
reparse from WARC all call this function, so they agree by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from . import selectors as S
from .body import (Paragraph, absolute_url, extract_body, fallback_paragraphs, find_next_listing, find_next_page,
                   has_body, trim_lead)
from .bylines import find_bylines
from .decode import decode_body
from .fields import TextWindows, dated_link_items, find_published, visible_text
from .guests import card_lines, guest_cards
from .interview import extract_interview
from .markup import parse_markup
from .normalize import normalise
from .profile import SiteProfile
from .navigation import script_navigation
from .ranking import extract_ranking
from .ranking_sources import ranking_sources
from .script import page_script
from .title import pick_title, split_title

# 3: multi-page articles merged on their paragraphs (bold questions kept), extraction ceilings; script as
# written (PageRecord.script), titles by agreement, interviews and bodies of issue 15.
EXTRACTOR_VERSION = "3"

# Media types read as HTML; a page served with none is tried as HTML too (see ``is_html``).
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain")


@dataclass
class PageRecord:
    url: str
    canonical_url: str
    kind: str = "other"                    # interview | article | list | other
    title: str | None = None
    title_raw: str | None = None
    series: str | None = None
    subtitle: str | None = None
    media: str | None = None
    published_at: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    text: str = ""
    text_raw: str = ""
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    next_page: str | None = None
    encoding: str | None = None
    encoding_confidence: float | None = None
    script: str | None = None                # zh-Hans | zh-Hant: the script the text is stored in
    interview: dict | None = None
    ranking: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)     # for navigation; not part of the JSON document
    requisites: list[str] = field(default_factory=list)   # images, CSS, JS, media the page needs to replay
    next_listing: str | None = None                      # a listing page's 下一页 (navigation only)
    is_mirror: bool = False
    problems: list[str] = field(default_factory=list)    # what extraction could not read, one sentence each
    ranking_sources: list[str] = field(default_factory=list)   # where a script-filled ranking comes from
    list_requests: list = field(default_factory=list)    # extract.lists.ListRequest: a list's other records
    # the body's paragraphs (with their bold flag): the pages of a multi-page article are merged on
    # these (extract.assemble); not part of the JSON document, which has text and text_raw
    paragraphs: list[Paragraph] = field(default_factory=list)
    analysed: list[str] = field(default_factory=list)     # the paragraphs as the rules read them (simplified)
    card: list[str] = field(default_factory=list)         # the lines of a guest card (访谈嘉宾)

    def to_json(self) -> dict:
        """The documented JSON document (a fresh dict; lists and nested dicts are copied)."""
        doc = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("links", "requisites", "next_listing", "is_mirror", "paragraphs", "ranking_sources",
                                 "list_requests", "analysed", "card")}
        doc["images"], doc["videos"] = list(self.images), list(self.videos)
        doc["problems"] = list(self.problems)
        doc["ranking"] = [dict(e) for e in self.ranking]
        if self.interview:
            doc["interview"] = {"interviewees": [dict(p) for p in self.interview["interviewees"]],
                                "qa": [dict(q) for q in self.interview["qa"]]}
        return doc


def _default_canonical(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


_REQUISITE_XPATH = ("//link[contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]/@href | "
                    "//link[contains(@rel, 'icon')]/@href | //script/@src | //img/@src | //img/@data-src | "
                    "//video/@src | //video/@poster | //audio/@src | //source/@src | //embed/@src")


_REQUISITES = etree.XPath(_REQUISITE_XPATH, smart_strings=False)
_HREFS = etree.XPath("//a/@href", smart_strings=False)
_BASE = etree.XPath("(//base[@href])[1]/@href", smart_strings=False)


def document_base(doc, url: str) -> str:
    """What the page's relative URLs are relative to: its first ``<base href>``, itself resolved
    against the page URL (HTML, "document base URL"), else the page URL."""
    found = _BASE(doc)
    href = found[0].strip() if found else ""
    return (href and absolute_url(url, href)) or url


def _requisites(doc, base: str) -> list[str]:
    """What the page loads to look like itself: stylesheets, scripts, images, media (absolute, in order)."""
    seen, out = set(), []
    for value in dict.fromkeys(v.strip() for v in _REQUISITES(doc)):   # a page repeats its icons
        if not value or value.startswith(("data:", "javascript:", "about:")):
            continue
        absolute = absolute_url(base, value)
        if absolute and absolute not in seen:
            seen.add(absolute)
            out.append(absolute)
    return out


# <meta http-equiv="refresh" content="60; url='/index.html'">: a delay, then an optional target.
_REFRESH = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?["']?\s*([^"'\s][^"']*?)\s*["']?\s*$""", re.I)


def refresh_targets(doc) -> list[str]:
    """Where a page's meta refresh leads (a link like any other: the page itself is still parsed).
    A refresh without a URL reloads the page itself and leads nowhere new."""
    found = []
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            match = _REFRESH.match(meta.get("content") or "")
            if match and not match.group(1)[:1].isdigit():
                found.append(match.group(1))
    return found


def is_html(content_type: str | None) -> bool:
    """HTML or text by its media type; a page served without one is tried as HTML."""
    mime = (content_type or "").split(";")[0].strip().lower()
    return not mime or mime.startswith(_HTML_TYPES)


def _probe(raw: str, last: bool = False, size: int = 12) -> str:
    """A short stretch of a paragraph, to find it again in the page text (whitespace differs)."""
    piece = raw.split("\n")[-1 if last else 0].strip()
    return piece[-size:] if last else piece[:size]


def extract_page(url: str, content_type: str | None, body: bytes, profile: SiteProfile | None = None,
                 *, encoding: str | None = None, ranking: bool = True) -> PageRecord:
    """Extract one page. Never raises on bad input: a page it cannot read is ``kind="other"``.

    ``ranking=False`` skips the ranking sidebar (the crawl stores it from ranking pages only).
    """
    canonical = profile.canonical_url if profile else _default_canonical
    record = PageRecord(url=url, canonical_url=canonical(url), is_mirror=bool(profile and profile.is_mirror(url)))
    if not is_html(content_type) or not body:
        return record
    decoded = decode_body(body, content_type, forced=encoding)
    record.encoding, record.encoding_confidence = decoded.encoding, decoded.confidence
    page = parse_markup(decoded.text)
    record.problems, doc = page.problems, page.doc
    if doc is None:
        return record
    # lxml's iterwalk never yields comments, so text after ``<!-- ad begin -->`` inside a paragraph
    # would be lost with them; unwrapping keeps that text in place.
    etree.strip_tags(doc, etree.Comment, etree.ProcessingInstruction)
    selectors = profile.selectors if profile else {}
    script = page_script(page.markup, record.is_mirror)
    record.script = script.tag

    # Every relative URL of the page (requisites, images, rankings, 下一页) is relative to its
    # base; the crawl resolves record.links against the same base (Scrapy's get_base_url).
    base = document_base(doc, url)
    record.links = [href.strip() for href in _HREFS(doc) if href] + refresh_targets(doc)
    record.requisites = _requisites(doc, base)
    # what the page's scripts and data islands link to (pagers, datastore lists, players)
    nav = script_navigation(doc, url, base, profile.list_apis_for(url) if profile else None)
    record.links += nav.links
    record.list_requests = nav.list_requests

    if ranking:
        record.ranking = extract_ranking(doc, base, canonical, selectors.get("ranking"), script.store)
        if not record.ranking:
            record.ranking_sources = ranking_sources(doc, base)    # a script or JSON fills the box

    listing = profile.is_listing(url) if profile else False
    article_url = profile.is_article(url) if profile else True
    if listing or not article_url:
        record.kind = "list" if listing else "other"
        record.next_listing = find_next_listing(doc, base) or nav.page_after(url)
        record.title_raw = (doc.findtext(".//title") or "").strip() or None
        record.title = script.store(record.title_raw) or None
        return record

    title_raw = pick_title(doc, selectors.get("title")).strip()
    record.title_raw = title_raw or None
    record.title = script.store(title_raw) or None
    if record.title:
        parts = split_title(record.title)
        record.media, record.series, record.subtitle = parts["media"], parts["series"], parts["subtitle"]

    body_part = extract_body(doc, base, selectors.get("body"))
    if not has_body(body_part.paragraphs):
        fallback = fallback_paragraphs(page.markup, url, record.problems)
        if has_body(fallback):
            body_part.paragraphs = fallback
    paragraphs = body_part.paragraphs = trim_lead(body_part.paragraphs, normalise(title_raw))
    # The rules read the paragraphs in simplified characters; the record keeps them as stored.
    stored = paragraphs if script.simplify else [p if p.text == p.raw else Paragraph(p.raw, p.raw, p.bold)
                                                 for p in paragraphs]
    record.text = "\n".join(p.text for p in stored)
    # what a multi-page article is merged on (extract.assemble): the stored paragraphs, and the texts the
    # rules read
    record.paragraphs, record.analysed = stored, [p.text for p in paragraphs]
    record.text_raw = "\n".join(p.raw for p in paragraphs)
    cards = guest_cards(doc, page.markup)
    windows = TextWindows(visible_text(doc, dated_link_items(doc) | set(cards)), title_raw or None,
                          _probe(paragraphs[0].raw) if paragraphs else None,
                          _probe(paragraphs[-1].raw, last=True) if paragraphs else None,
                          body_next=_probe(paragraphs[1].raw) if len(paragraphs) > 1 else None)
    record.published_at = find_published(windows, doc, url, page.markup,
                                         "\n".join(p.text for p in paragraphs[:S.BYLINE_LINES]))
    bylines = find_bylines(windows, paragraphs[0].raw if paragraphs else "",
                           "\n".join(p.raw for p in paragraphs[-6:]), record.text_raw, script.simplify)
    record.source, record.author, record.editor = bylines["source"], bylines["author"], bylines["editor"]
    record.images, record.videos = body_part.images, body_part.videos
    record.videos += [m for m in nav.media if m not in record.videos]        # set up by a player script
    record.requisites += [m for m in nav.media if m not in record.requisites]
    if record.videos and record.media is None:
        record.media = "video"
    record.next_page = find_next_page(doc, body_part.container, base) or nav.page_after(url)
    if record.next_page and canonical(record.next_page) == record.canonical_url:
        record.next_page = None
    record.card = card_lines(cards)
    record.interview = extract_interview(stored, record.title or "", record.card, record.analysed)
    if record.interview:
        record.kind = "interview"
    elif record.text:
        record.kind = "article"
    return record
