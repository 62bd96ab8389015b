"""Sitemaps, sitemap indexes and RSS/Atom feeds: the URLs they list (pure, no Scrapy)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree


@dataclass
class Feed:
    kind: str                                         # sitemapindex | urlset | rss | atom | unknown
    entries: list[tuple[str, str | None]] = field(default_factory=list)   # (url, lastmod)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_feed(body: bytes) -> Feed:
    """Never raises: unreadable XML is an empty ``unknown`` feed."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return Feed("unknown")
    if root is None:
        return Feed("unknown")
    kind = _local(root.tag)
    feed = Feed(kind if kind in ("sitemapindex", "urlset", "rss", "feed") else "unknown")
    if kind in ("sitemapindex", "urlset"):
        for node in root:
            loc = lastmod = None
            for child in node:
                name = _local(child.tag)
                if name == "loc" and child.text:
                    loc = child.text.strip()
                elif name == "lastmod" and child.text:
                    lastmod = child.text.strip()
            if loc:
                feed.entries.append((loc, lastmod))
    elif kind == "rss":
        for link in root.iter("link"):
            if link.text and link.getparent() is not None and _local(link.getparent().tag) == "item":
                feed.entries.append((link.text.strip(), None))
    elif kind == "feed":
        feed.kind = "atom"
        for node in root.iter():
            if _local(node.tag) == "link" and node.get("href"):
                feed.entries.append((node.get("href"), None))
    return feed
