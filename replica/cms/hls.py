"""HLS video as portals serve it behind ckplayer: a master playlist, media playlists, ``.ts`` segments.

Every name in a playlist is relative to the playlist (RFC 8216 §4.1), as encoders write them,
so a crawler must resolve them against the playlist's URL, not the page's. A flavour gives a
``VideoLayout`` (the names of its files inside one video's directory); ``video_files`` lists
them and ``video_reply`` answers a path inside that directory. Segments are a few MPEG-TS
packets (188 bytes, sync byte 0x47) made from the path: real enough for type sniffing, small
enough for tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SEGMENTS = 3
SEGMENT_SECONDS = 6
TS_PACKETS = 12
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
SEGMENT_TYPE = "video/mp2t"


@dataclass(frozen=True)
class Variant:
    name: str            # directory or prefix naming this rendition: hd, sd, 720p
    bandwidth: int
    resolution: str


@dataclass(frozen=True)
class VideoLayout:
    master: str          # file name of the master playlist inside the video's directory
    media: str           # "{variant}/index.m3u8" or "{variant}.m3u8": relative to the master
    segment: str         # "{n:03d}.ts" or "{variant}_{n:03d}.ts": relative to the media playlist
    variants: tuple[Variant, ...]

    def media_name(self, variant: Variant) -> str:
        return self.media.format(variant=variant.name)

    def segment_name(self, variant: Variant, n: int) -> str:
        """The segment's path relative to the video's directory (the media playlist's folder + name)."""
        folder = self.media_name(variant).rpartition("/")[0]
        name = self.segment.format(variant=variant.name, n=n)
        return f"{folder}/{name}" if folder else name


def master_playlist(layout: VideoLayout) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for v in layout.variants:
        lines += [f"#EXT-X-STREAM-INF:BANDWIDTH={v.bandwidth},RESOLUTION={v.resolution}", layout.media_name(v)]
    return "\n".join(lines) + "\n"


def media_playlist(layout: VideoLayout, variant: Variant) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}",
             "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]
    for n in range(SEGMENTS):
        lines += [f"#EXTINF:{SEGMENT_SECONDS}.000,", layout.segment.format(variant=variant.name, n=n)]
    return "\n".join(lines + ["#EXT-X-ENDLIST"]) + "\n"


def ts_segment(key: str) -> bytes:
    """TS_PACKETS MPEG-TS packets on PID 0x100 whose payload comes from ``key``."""
    fill = hashlib.sha256(key.encode()).digest() * 6
    packets = []
    for n in range(TS_PACKETS):
        header = bytes([0x47, 0x41 if n == 0 else 0x01, 0x00, 0x10 | (n & 0x0F)])
        packets.append(header + fill[:184])
    return b"".join(packets)


def video_files(layout: VideoLayout) -> dict[str, list[str]]:
    """Names inside a video's directory: ``master``, ``media`` (one per variant), ``segments``."""
    return {"master": [layout.master],
            "media": [layout.media_name(v) for v in layout.variants],
            "segments": [layout.segment_name(v, n) for v in layout.variants for n in range(SEGMENTS)]}


def video_reply(layout: VideoLayout, name: str, key: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of ``name`` inside a video's directory, or None for no such file."""
    if name == layout.master:
        return PLAYLIST_TYPE, master_playlist(layout).encode()
    for v in layout.variants:
        if name == layout.media_name(v):
            return PLAYLIST_TYPE, media_playlist(layout, v).encode()
        for n in range(SEGMENTS):
            if name == layout.segment_name(v, n):
                return SEGMENT_TYPE, ts_segment(f"{key}/{name}")
    return None
