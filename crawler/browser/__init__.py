"""The browser capture path: pages that only a browser can see, rendered in headless Chromium.

A page the profile's ``[render]`` table names (``extract.render`` decides) is loaded in Debian's
chromium, driven by Playwright, and its records come from the rendered DOM:

- ``chromium``: the browser, started on the first page to render and kept alive across pages;
  a fresh context per page;
- ``router``: every request the browser makes goes through Scrapy's own downloader (allowed
  hosts, robots.txt, politeness, size caps) and is archived by the WARC recorder as an ordinary
  pair; the page's own document is served from the response the crawl already archived;
- ``middleware``: the spider middleware that renders the page the spider hands it
  (``RenderPage``), writes the rendered DOM as a WARC ``conversion`` record referring to the
  page's response record, and has the spider parse the rendered page instead of the static one.

Nothing is imported from Playwright until a page is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderPage:
    """Spider output meaning "render the page of this response, then parse it again" (the spider
    yields it instead of what the static page would have given); ``reason``: the profile key."""
    reason: str
