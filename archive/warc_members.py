"""Read the records of a WARC file that ``archive.damage.scan`` keeps, as plain values, for a reparse.

The scan has already decompressed every member once and holds each one's WARC header fields and
offsets, so:

- a ``request`` record is not read again: a reparse needs only its id, offset and length;
- a ``response`` record is decompressed whole and split by hand (WARC headers, HTTP head, payload),
  its Content-Encoding undone with zlib: what warcio's ``content_stream()`` gives, at a third of
  the cost (warcio parsed every header line of both records, and read requests only for their
  offsets: 17% of a reparse). Anything unusual (chunked, an encoding other than gzip, folded
  header lines, a payload that does not decompress cleanly) is read by warcio instead;
- every other record (warcinfo, metadata, revisit, conversion) is warcio's record, as before.

No Scrapy, no database.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from .damage import Member


@dataclass
class Response:
    """A response record's values: what a capture row and the page's extraction need."""
    url: str
    status: int
    content_type: str
    body: bytes                        # the payload, Content-Encoding undone


def _decoded(line: bytes) -> str:
    try:                               # as warcio decodes header lines
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("iso-8859-1")


def _split_response(record: bytes, member: Member) -> Response | None:
    """The response in a decompressed record, or None where warcio should read it."""
    start = record.find(b"\r\n\r\n") + 4
    length = member.fields.get("content-length")
    if start < 4 or not length or not length.isdigit():
        return None
    content = record[start:start + int(length)]
    end = content.find(b"\r\n\r\n")
    if end < 0 or not content.startswith((b"HTTP/1.0 ", b"HTTP/1.1 ")):
        return None
    lines = content[:end].split(b"\r\n")
    status = lines[0].split(b" ", 2)[1]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or line[:1] in (b" ", b"\t"):
            return None
        headers.setdefault(name.strip().lower().decode("latin-1"), _decoded(value).strip())
    if "transfer-encoding" in headers:
        return None
    body = content[end + 4:]
    encoding = headers.get("content-encoding", "").lower()
    if encoding == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(body)
        except zlib.error:
            return None
        if not inflater.eof or inflater.unused_data:
            return None
    elif encoding:
        return None
    return Response(member.fields.get("warc-target-uri", ""), int(status) if status.isdigit() else 0,
                    headers.get("content-type", ""), body)


class MemberReader:
    """The kept members of one file, read one by one (``with MemberReader(path) as reader``)."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = open(path, "rb", buffering=1 << 20)

    def warcio(self, member: Member):
        """warcio's record of ``member`` (its content not read yet)."""
        self._fh.seek(member.start)
        return next(iter(ArchiveIterator(self._fh)))

    def response(self, member: Member) -> Response:
        """The values of the response record ``member``."""
        self._fh.seek(member.start)
        raw = self._fh.read(member.end - member.start)
        found = _split_response(zlib.decompress(raw, 16 + zlib.MAX_WBITS), member)
        if found is not None:
            return found
        record = self.warcio(member)
        http = record.http_headers
        return Response(record.rec_headers.get_header("WARC-Target-URI"), int(http.get_statuscode() or 0),
                        http.get_header("Content-Type") or "", record.content_stream().read())

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "MemberReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
