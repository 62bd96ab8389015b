"""What a page's scripts and data islands add to its navigation (issue 14), in one place.

``script_navigation`` reads the page's inline scripts once and returns, relative URLs resolved
against the page's base:

- ``links``: URL literals of the scripts (speculative), the pages a pager function writes, and
  the records of XML data islands;
- ``pages``: the pager's pages in order (the page after this one is its 下一页 when the HTML has
  no link to it);
- ``media``: HLS playlists and video files a player script names (``new ckplayer({video: …})``,
  ``videoPlayUrl``);
- ``list_requests``: what a datastore list's script, or the profile's ``[[list_api]]``, would ask
  its data proxy for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .lists import ListRequest, datastore_links, described_requests, jpage_requests
from .scripts import pager_links, script_literals

_MEDIA = re.compile(r"\.(?:m3u8|mp4|m4v|flv|webm|mov)(?:\?|$)", re.I)


@dataclass
class ScriptNavigation:
    links: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    list_requests: list[ListRequest] = field(default_factory=list)

    def page_after(self, url: str) -> str | None:
        """The pager's page after ``url`` (None when ``url`` is not among them, or is the last). A list
        reached as ``/news/`` or without its query is the pager's first page (``/news/index.shtml``,
        ``index.html?uid=…&pageNum=1``)."""
        if not self.pages:
            return None
        if url in self.pages:
            index = self.pages.index(url)
        elif _same_page(url, self.pages[0]):
            index = 0
        else:
            return None
        return self.pages[index + 1] if index + 1 < len(self.pages) else None


def _same_page(url: str, first: str) -> bool:
    """``url`` is ``first`` written another way: without its query, or as its directory."""
    bare = first.split("?", 1)[0]
    return url in (bare, bare.rsplit("/", 1)[0] + "/") and not (url == bare and "?" not in first)


def inline_scripts(doc) -> list[str]:
    """The text of every inline ``<script>`` (data islands, ``type="text/xml"``, included)."""
    return [s.text for s in doc.iter("script") if s.get("src") is None and s.text]


def _absolute(base: str, values: list[str]) -> list[str]:
    out = []
    for value in values:
        try:
            url = urljoin(base, value)
        except ValueError:          # a literal urllib cannot read ("http://[")
            continue
        if url.startswith(("http://", "https://")) and url not in out:
            out.append(url)
    return out


def script_navigation(doc, url: str, base: str, list_apis: list[dict] | None = None) -> ScriptNavigation:
    scripts = inline_scripts(doc)
    if not scripts:
        return ScriptNavigation()
    literals = _absolute(base, script_literals(scripts))
    pages = _absolute(base, pager_links(scripts))
    islands = _absolute(base, datastore_links("\n".join(s for s in scripts if "<record" in s)))
    requests = []
    for api in list_apis or []:
        requests += described_requests(api, scripts, url)
    if not requests:
        requests = jpage_requests(scripts, url)
    return ScriptNavigation(links=literals + pages + islands, pages=pages,
                            media=[u for u in literals if _MEDIA.search(u)], list_requests=requests)
