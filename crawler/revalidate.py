"""Revalidation of known articles with conditional requests, for sites with no sitemap to say what changed.

Without a sitemap ``lastmod``, an edited article looks known and unchanged (issue 14: an edit never
versioned). So a known article that a page of this run links to (home, lists) is asked again with
``If-None-Match``/``If-Modified-Since`` from its last capture's response (read from its WARC record:
the WARC is the source of truth). A 304 changes nothing and is not archived: a revisit record of a
304 would replay as an empty page (FINDINGS). A 200 is archived and stored like any page: a changed
text becomes a new version.

The profile decides (``revalidate``): ``auto`` revalidates when the last finished run saw no sitemap
lastmod, ``always``, or ``never``. Stats: ``revalidate/requests``, ``revalidate/not_modified``,
``revalidate/full_responses`` (a 200: changed, or a server that ignores the conditions).
"""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator


def validators(warc_dir: Path, location: tuple[str, int] | None) -> dict[bytes, bytes]:
    """Conditional request headers from the response record at ``location`` (none when it has no
    ETag or Last-Modified, or cannot be read)."""
    if location is None:
        return {}
    try:
        with open(warc_dir / location[0], "rb") as fh:
            fh.seek(location[1])
            record = next(iter(ArchiveIterator(fh)))
            headers = record.http_headers
    except (OSError, StopIteration, ValueError):
        return {}
    if headers is None:
        return {}
    out = {}
    if headers.get_header("ETag"):
        out[b"If-None-Match"] = headers.get_header("ETag").encode("latin-1", "replace")
    if headers.get_header("Last-Modified"):
        out[b"If-Modified-Since"] = headers.get_header("Last-Modified").encode("latin-1", "replace")
    return out


def wanted(mode: str, previous_lastmods: dict) -> bool:
    """Whether this run revalidates: ``auto`` when the last runs' sitemaps gave no lastmod."""
    return mode == "always" or (mode == "auto" and not previous_lastmods)
