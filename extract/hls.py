"""HLS playlists (``.m3u8``): what a player fetches to play a video, read without a player.

A master playlist names its renditions (``#EXT-X-STREAM-INF`` followed by a URI, and
``#EXT-X-MEDIA`` with ``URI=``); a media playlist names its segments (each URI line) and the
keys and init sections they need (``#EXT-X-KEY``/``#EXT-X-MAP`` ``URI=``). RFC 8216 §4. Players
set up in a script (``new ckplayer({video: '….m3u8'})``) leave no ``<video>`` tag, so the crawl
reads the playlist itself and archives what it names (issue 14). Pure: no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

_URI_ATTRIBUTE = re.compile(r'URI="([^"]+)"')
MAX_ENTRIES = 20_000            # URIs one playlist may name


@dataclass
class Playlist:
    renditions: list[str] = field(default_factory=list)   # other playlists (a master playlist's)
    segments: list[str] = field(default_factory=list)     # media segments, in order
    extras: list[str] = field(default_factory=list)       # keys and init sections the segments need


def is_playlist(url: str, content_type: str, body: bytes) -> bool:
    return (url.split("?", 1)[0].lower().endswith(".m3u8") or "mpegurl" in content_type.lower()) \
        and body.lstrip()[:7] == b"#EXTM3U"


def parse_playlist(body: bytes, url: str) -> Playlist:
    """The URIs a playlist names, absolute (resolved against the playlist's URL)."""
    playlist = Playlist()
    rendition_next = False
    for line in body.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#EXT-X-STREAM-INF"):
                rendition_next = True
            elif line.startswith(("#EXT-X-MEDIA:", "#EXT-X-I-FRAME-STREAM-INF")):
                playlist.renditions += _attributes(line, url)
            elif line.startswith(("#EXT-X-KEY", "#EXT-X-MAP", "#EXT-X-SESSION-KEY")):
                playlist.extras += _attributes(line, url)
            continue
        target = urljoin(url, line)
        (playlist.renditions if rendition_next else playlist.segments).append(target)
        rendition_next = False
        if len(playlist.segments) + len(playlist.renditions) >= MAX_ENTRIES:
            break
    return playlist


def _attributes(line: str, url: str) -> list[str]:
    return [urljoin(url, uri) for uri in _URI_ATTRIBUTE.findall(line) if not uri.startswith("data:")]
