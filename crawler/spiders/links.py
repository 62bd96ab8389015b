"""Links made absolute, fast: most links of a news site are root-relative plain paths."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

# A root-relative path with no query, fragment, dot segment or second leading slash: what
# urljoin makes of it is the base's scheme://netloc followed by it.
_ROOT_PATH = re.compile(r"/(?![/\\])[^?#.\s]*(?:\.[A-Za-z0-9]+)?\Z")


def absolute_links(base: str, hrefs: list[str]) -> list[str]:
    """``urljoin(base, href)`` without its fragment, for each href. Most links of a news site are
    root-relative plain paths, joined here by concatenation (urljoin was 4% of a crawl's CPU)."""
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [origin + href if _ROOT_PATH.match(href) and "/." not in href else urldefrag(urljoin(base, href))[0]
            for href in hrefs]
