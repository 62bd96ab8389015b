"""Sitemaps, sitemap indexes and RSS/Atom feeds: the URLs they list (pure, no Scrapy).

A sitemap may come gzipped as a file (``sitemap.xml.gz`` served as ``application/x-gzip``,
with no Content-Encoding, so nothing on the way unpacked it): ``parse_feed`` unpacks it, up to
``MAX_FEED_BYTES`` (the sitemap protocol's own cap is 50 MB uncompressed), so that a
compression bomb costs no more than that.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
MAX_FEED_BYTES = 50 * 1024 * 1024


@dataclass
class Feed:
    kind: str                             # sitemapindex | urlset | rss | atom | datastore | unknown
    entries: list[tuple[str, str | None]] = field(default_factory=list)   # (url, lastmod)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def looks_like_feed(url: str, content_type: str, body: bytes) -> bool:
    """A sitemap or feed by its type, its name, or gzip bytes (a sitemap.xml.gz)."""
    path = url.split("?", 1)[0].lower()
    content_type = content_type.lower()
    return (("xml" in content_type and "xhtml" not in content_type) or path.endswith((".xml", ".xml.gz"))
            or body[:2] == GZIP_MAGIC)


def _gunzip(body: bytes) -> bytes | None:
    """At most MAX_FEED_BYTES of a gzip file; None when it is damaged or larger."""
    inflater = zlib.decompressobj(31)
    try:
        data = inflater.decompress(body, MAX_FEED_BYTES)
    except zlib.error:
        return None
    return None if inflater.unconsumed_tail else data


def parse_feed(body: bytes) -> Feed:
    """Never raises: unreadable XML is an empty ``unknown`` feed. A list API's ``<datastore>`` answer
    (extract.lists) gives its records' links, as written (relative to the list page)."""
    if body[:2] == GZIP_MAGIC:
        body = _gunzip(body)
        if body is None:
            return Feed("unknown")
    head = body[:2048].lower()
    if b"<datastore" in head or b"<recordset" in head:
        from .lists import datastore_links

        text = body.decode("utf-8", errors="replace") if b"gb" not in head[:200] else body.decode("gb18030", "replace")
        return Feed("datastore", [(link, None) for link in datastore_links(text)])
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
