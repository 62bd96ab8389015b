"""Items the spider hands to the pipeline: plain dataclasses (read through itemadapter)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """An extracted page (or a merged multi-page article) and the captures it came from."""
    url: str
    record: dict                      # PageRecord.to_json() plus "is_mirror" and "extractor_version"
    capture_ids: list[int] = field(default_factory=list)
    fetched_at: str | None = None
    store_ranking: bool = False
    article_page: bool = False        # the URL is an article's: it should give a body


@dataclass
class SkippedItem:
    """A page requisite that was not archived, and why (a video over the size cap, a 404, …)."""
    url: str
    found_on: str
    reason: str
    size: int | None = None


@dataclass
class SitemapItem:
    """What a sitemap listed, with lastmod: the next run compares against it."""
    url: str
    entries: list[tuple[str, str | None]]


@dataclass
class FailureItem:
    """A request that gave no page, and why."""
    url: str
    found_on: str
    reason: str
    status: int | None = None
