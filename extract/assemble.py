"""From the captures of a page to the records to store: one assembler for every way pages arrive.

The crawl (``crawler.spiders.news``), a reparse from WARC (``archive.reparse``) and the browser
path hand each archived response to ``assemble`` as a ``Capture`` and store what it says, so
they store the same rows by construction (issue 13: the reparse once had its own copy, and
the copies drifted). It decides:

- a sitemap or feed (gzipped or not) is a ``Feed``, and a sitemap's entries are stored;
- a page that is not a 200 HTML page (a 404, robots.txt, an image) gives no record; if it was
  the next page of a multi-page article, the pages before it are stored as they are;
- a continuation page (the profile's ``continuation`` patterns) counts only as the next page
  of the page before it: alone, it gives nothing;
- a page with a 下一页 waits for its next page (``next_page``, with the ``parts`` so far) if
  the navigator goes on (``follow_next(url, "page")``); otherwise the chain is stored, merged on its
  paragraphs (a bold question on page 2 stays a bold question);
- a ranking page whose ranking box a script fills waits, the same way, for the script or JSON
  the box names (``PageRecord.ranking_sources``); its entries are read from that answer
  (extract.ranking_sources), and the next source is tried when one gives none.

Where the chain waits is the navigator's business: the crawl carries ``parts`` in the next
request (so another worker of a distributed crawl can take it), a reparse keeps them until the
next page's capture comes. Pure: no Scrapy, no network, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urldefrag

from .feeds import Feed, looks_like_feed, parse_feed
from .interview import extract_interview
from .page import EXTRACTOR_VERSION, PageRecord, extract_page, is_html
from .profile import SiteProfile
from .ranking_sources import ranking_from_source


@dataclass(frozen=True)
class Capture:
    """One archived response, as extraction sees it."""
    url: str
    status: int
    content_type: str
    body: bytes                        # the payload, Content-Encoding undone
    capture_id: int | None = None      # its row in the archive
    fetched_at: str | None = None      # its WARC-Date


@dataclass
class Part:
    """One page of a (possibly multi-page) article, with the capture it came from."""
    record: PageRecord
    capture_id: int | None
    fetched_at: str | None


@dataclass
class StoredPage:
    """What to store for a page, or for a multi-page article's pages merged."""
    document: dict                     # PageRecord.to_json() plus is_mirror and extractor_version
    capture_ids: list[int]
    fetched_at: str | None
    store_ranking: bool                # its ranking is the run's snapshot (a ranking page of the original site)
    article_page: bool                 # its URL is an article's: it should give a body (run health)


@dataclass
class Assembled:
    record: PageRecord | None = None   # this capture's page (links, requisites for navigation)
    feed: Feed | None = None
    next_page: str | None = None       # fetch this, then assemble it with ``parts``
    parts: list[Part] = field(default_factory=list)
    stored: StoredPage | None = None   # a page (or chain) complete: store it


def may_read(capture: Capture) -> bool:
    """Whether ``assemble`` may read ``capture`` as a page (``read_page``), whatever pages came before
    it: a 200 HTML page that is no feed and no robots.txt. What reads pages in other processes
    (extract.pool) reads these ahead; ``assemble`` still decides, and drops a page it did not need."""
    return (capture.status == 200 and not capture.url.endswith("/robots.txt") and is_html(capture.content_type)
            and not looks_like_feed(capture.url, capture.content_type, capture.body))


def read_page(capture: Capture, profile: SiteProfile | None) -> PageRecord:
    """The page ``assemble`` reads from ``capture``: the pure, costly part (extract.page), alone."""
    return extract_page(capture.url, capture.content_type, capture.body, profile,
                        ranking=profile is None or profile.is_ranking_source(capture.url))


def assemble(capture: Capture, profile: SiteProfile | None, earlier: list[Part] | None = None,
             follow_next: Callable[[str, str], bool] = lambda url, kind: True,
             page: PageRecord | None = None) -> Assembled:
    """What ``capture`` (the next page of ``earlier``, if given) adds to the archive. ``page`` is
    ``read_page(capture, profile)`` when another process has read it already (extract.pool)."""
    url = capture.url
    if earlier and url in earlier[-1].record.ranking_sources:
        return _ranking_source(capture, profile, earlier, follow_next)
    if capture.status == 200 and looks_like_feed(url, capture.content_type, capture.body):
        return Assembled(feed=parse_feed(capture.body))
    if capture.status != 200 or url.endswith("/robots.txt") or not is_html(capture.content_type):
        # a later page that did not come: what came before is stored
        return Assembled(stored=finish(earlier, profile) if earlier else None)
    if not earlier and profile is not None and profile.is_continuation(url):
        return Assembled()                     # reached only through 下一页 from its first page
    record = page if page is not None else read_page(capture, profile)
    parts = (earlier or []) + [Part(record, capture.capture_id, capture.fetched_at)]
    next_page = record.next_page and urldefrag(record.next_page)[0]
    if next_page and (profile is None or profile.is_allowed_host(next_page)) and follow_next(next_page, "page"):
        return Assembled(record=record, next_page=next_page, parts=parts)
    source = _next_source(record, profile, follow_next)
    if source:
        return Assembled(record=record, next_page=source, parts=parts)
    return Assembled(record=record, stored=finish(parts, profile))


def _next_source(record: PageRecord, profile: SiteProfile | None, follow_next, after: str | None = None) -> str | None:
    """The next place a ranking page's script-filled box gets its list from, if there is one to try."""
    if record.ranking or not record.ranking_sources or not (profile and profile.is_ranking_source(record.url)):
        return None
    sources = record.ranking_sources
    for source in sources[sources.index(after) + 1:] if after in sources else sources:
        if profile.is_allowed_host(source) and follow_next(source, "ranking"):
            return source
    return None


def _ranking_source(capture: Capture, profile: SiteProfile | None, earlier: list[Part], follow_next) -> Assembled:
    """The answer of a ranking box's script or JSON API: its entries become the page's ranking."""
    page = earlier[-1].record
    if capture.status == 200:
        canonical = profile.canonical_url if profile else (lambda u: u)
        page.ranking = ranking_from_source(capture.body, capture.content_type, page.url, canonical)
    source = _next_source(page, profile, follow_next, after=capture.url)
    if source:
        return Assembled(next_page=source, parts=earlier)
    return Assembled(stored=finish(earlier, profile))


def finish(parts: list[Part], profile: SiteProfile | None) -> StoredPage:
    """The page to store from a chain of parts (one page, or a multi-page article's pages)."""
    record = merge_pages([p.record for p in parts])
    document = record.to_json()
    document["is_mirror"] = record.is_mirror
    document["extractor_version"] = EXTRACTOR_VERSION
    return StoredPage(document, [p.capture_id for p in parts if p.capture_id is not None], parts[0].fetched_at,
                      bool(profile and profile.is_ranking_source(record.url) and record.ranking),
                      bool(profile and profile.is_article(record.url)))


def merge_pages(pages: list[PageRecord]) -> PageRecord:
    """One record from the pages of a multi-page article (``下一页``), in page order, merged on their
    paragraphs: the interview is found again over all of them, bold questions included."""
    first = pages[0]
    if len(pages) == 1:
        return first
    paragraphs = [paragraph for page in pages for paragraph in page.paragraphs]
    merged = PageRecord(**{**first.__dict__, "images": [], "videos": [], "links": [], "paragraphs": paragraphs,
                           "problems": [f"page {n}: {problem}" if n > 1 else problem
                                        for n, page in enumerate(pages, 1) for problem in page.problems]})
    merged.text = "\n".join(p.text for p in paragraphs)
    merged.text_raw = "\n".join(p.raw for p in paragraphs)
    for page in pages:
        merged.images += [u for u in page.images if u not in merged.images]
        merged.videos += [u for u in page.videos if u not in merged.videos]
    merged.next_page = None
    merged.analysed = [text for page in pages for text in page.analysed]
    merged.interview = extract_interview(paragraphs, merged.title or "", first.card, merged.analysed)
    merged.kind = "interview" if merged.interview else ("article" if merged.text else first.kind)
    return merged
