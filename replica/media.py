"""Real image and video bytes for the replica, made deterministically from a key."""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(key: str, width: int = 160, height: int = 90) -> bytes:
    """A valid RGB PNG: a two-colour gradient whose colours come from ``key``."""
    h = hashlib.sha256(key.encode()).digest()
    a, b = h[:3], h[3:6]
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            t = (x + y) / (width + height)
            row += bytes(int(a[i] * (1 - t) + b[i] * t) for i in range(3))
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b""))


def mp4(key: str, size: int = 48 * 1024) -> bytes:
    """An ISO-BMFF file (ftyp + free + mdat) of ``size`` bytes; enough for type sniffing and size caps."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
    seed = hashlib.sha256(key.encode()).digest()
    payload_len = max(0, size - len(ftyp) - 8)
    payload = (seed * (payload_len // len(seed) + 1))[:payload_len]
    return ftyp + struct.pack(">I", payload_len + 8) + b"mdat" + payload
