"""Which pages are loaded in a browser before extraction: the profile's ``[render]`` table.

``render_reason`` looks at a page's capture and at what the static parse made of it, and says
why the page must be rendered, or None. The crawl asks it before it hands a page to the browser
(``crawler.browser``), and ``archive.reparse`` asks it to know that a page's records come from a
``conversion`` record later in the WARC, so both decide alike by construction. Pure: no Scrapy,
no browser.

- ``render.pages``: the page's path matches (like the ``[urls]`` patterns);
- ``render.empty_ranking``: a ranking page (``urls.ranking``) shows a ranking heading, no entry
  was read under it, and no script include or JSON source of it was recognised (those are read
  without a browser);
- ``render.player_scripts``: the page loads a video player script, and no video was found.
"""

from __future__ import annotations

import re

from . import selectors as S
from .assemble import Capture
from .decode import decode_body
from .page import PageRecord
from .profile import SiteProfile

# Player set-ups portals use (ckplayer on TRS and Hanweb sites); ASCII, so searched in the bytes
# as served whatever their charset.
_PLAYER = re.compile(rb"ckplayer|video(?:\.min)?\.js|videojs|jwplayer|dplayer|aliplayer|prismplayer|tcplayer|"
                     rb"flowplayer|videoPlayUrl", re.I)
# the ranking headings extract.ranking knows, anywhere in the page's text
_RANKING_HEADING = re.compile(S.RANKING_HEADING.pattern.lstrip("^"))


def render_reason(profile: SiteProfile | None, capture: Capture, record: PageRecord | None) -> str | None:
    """Why ``capture`` (whose static parse gave ``record``) is rendered: the profile key, or None."""
    if profile is None or record is None or capture.status != 200:
        return None
    if profile.render_patterns and profile.is_render_page(capture.url):
        return "render.pages"
    if profile.render_empty_ranking and profile.is_ranking_source(capture.url) and not record.ranking \
            and not getattr(record, "ranking_sources", None) \
            and _RANKING_HEADING.search(decode_body(capture.body, capture.content_type).text):
        return "render.empty_ranking"
    if profile.render_player_scripts and not record.videos and _PLAYER.search(capture.body):
        return "render.player_scripts"
    return None
