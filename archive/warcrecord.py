"""WARC/1.1 records as bytes, one gzip member each: request, response, metadata and conversion records, the
HTTP header blocks they carry, their digests and dates. No files and no state here:
``archive.warc.WarcWriter`` appends what these return, and ``archive.repair`` writes its record.

- Header blocks are written as the bytes we were given: warcio's own header writer %-encodes
  non-ASCII header bytes (FINDINGS), so we hand it the finished block.
- A response's status line and header block are the bytes the server sent when the crawler
  could keep them (``HttpExchange.response_head``); otherwise they are rebuilt from the parsed
  values. Either way ``Transfer-Encoding`` is not claimed over the de-chunked body.
- Request, response and metadata records are serialised and gzipped here rather than by
  warcio (its record builder, digest stream and level-9 gzip wrapper were 5.5% of a crawl's
  CPU; this path is under 2%). warcio still writes warcinfo and revisits.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
import zlib
from datetime import datetime, timezone

from warcio.statusandheaders import StatusAndHeaders

# zlib's default. On replica pages levels 1, 6 and 9 took 0.11-0.12 ms a record and gave sizes
# within 1%: compression is not where the time goes, so the smaller file wins.
GZIP_LEVEL = 6


def new_record_id() -> str:
    """A WARC-Record-ID (WARC 1.1 §5.2), as warcio makes them."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest as warcio writes it: sha1, base32."""
    return sha1_digest(body)


class RawHttpHeaders(StatusAndHeaders):
    """StatusAndHeaders whose serialised form is exactly the bytes given (no %-encoding)."""

    def __init__(self, raw: bytes, statusline: str, headers: list[tuple[str, str]], protocol: str):
        super().__init__(statusline, headers, protocol=protocol)
        self._raw = raw

    def compute_headers_buffer(self, header_filter=None):
        self.headers_buff = self._raw


# Twisted has already removed the chunked framing from the body it hands us; claiming
# "Transfer-Encoding: chunked" over a de-chunked body would break replay (FINDINGS), and the
# payload digest is then that of the body as stored.
_HOP_BY_HOP = {b"transfer-encoding"}
# Those header lines in a head as sent, with their folded continuation lines.
_HOP_BY_HOP_LINES = re.compile(rb"(?im)^(?:%s)[ \t]*:.*\n(?:[ \t].*\n)*" % b"|".join(map(re.escape, _HOP_BY_HOP)))


def header_block(first_line: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    lines = [first_line.encode("latin-1")]
    lines += [name + b": " + value for name, value in headers if name.lower() not in _HOP_BY_HOP]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def head_as_sent(head: bytes) -> bytes:
    """The head the server sent, byte for byte (line endings, names' case and order, repeats,
    non-ASCII bytes), less the _HOP_BY_HOP lines."""
    return _HOP_BY_HOP_LINES.sub(b"", head)


def http_headers(block: bytes, headers: list[tuple[bytes, bytes]], protocol: str) -> RawHttpHeaders:
    """warcio's view of a header block that is written as ``block``."""
    first_line = block.split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")
    as_text = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers if n.lower() not in _HOP_BY_HOP]
    status = first_line.split(" ", 1)[1] if protocol and first_line.startswith(protocol + " ") else first_line
    return RawHttpHeaders(block, status, as_text, protocol)


def sha1_digest(data: bytes) -> str:
    """A WARC digest (§5.8, §5.9): sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def gzip_member(record: bytes) -> bytes:
    """One record, one gzip member (WARC 1.1 Annex D.2), so that any record can be read with one seek."""
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return z.compress(record) + z.flush()


def warc_record(fields: list[tuple[str, str]], content_type: str, block: bytes) -> bytes:
    """A WARC/1.1 record: ``fields``, Content-Type, WARC-Block-Digest (§5.8), Content-Length, ``block``."""
    head = "".join(f"{name}: {value}\r\n" for name, value in fields)
    return (f"WARC/1.1\r\n{head}Content-Type: {content_type}\r\nWARC-Block-Digest: {sha1_digest(block)}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def http_record(fields: list[tuple[str, str]], msgtype: str, http_block: bytes, payload: bytes,
                digest: str) -> bytes:
    """A request or response record: WARC headers, then the HTTP header block and the payload as sent."""
    return warc_record([*fields, ("WARC-Payload-Digest", digest)], f"application/http; msgtype={msgtype}",
                       http_block + payload)


def metadata_record(uri: str, document: dict, moment: datetime | None = None, record_id: str | None = None) -> bytes:
    """A ``metadata`` record holding a JSON document, as one gzip member, with WARC-Block-Digest
    only: WARC 1.1 §5.9 defines WARC-Payload-Digest over a payload (an HTTP body), and FastWARC's
    payload check fails a metadata record that carries one."""
    block = json.dumps(document, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return gzip_member(warc_record(
        [("WARC-Type", "metadata"), ("WARC-Record-ID", record_id or new_record_id()),
         ("WARC-Date", warc_date(moment or datetime.now(timezone.utc))), ("WARC-Target-URI", uri)],
        "application/json", block))


def conversion_record(uri: str, refers_to: str, refers_to_date: str, content_type: str, block: bytes,
                      moment: datetime | None = None, record_id: str | None = None) -> bytes:
    """A ``conversion`` record (WARC 1.1 §6.8): ``block`` is another form of the response record
    ``refers_to`` of ``uri`` (the page as a browser rendered it). WARC-Refers-To-Target-URI and
    -Date (§5.22, §5.23) let a reader find that record without an index. Block digest only, as for
    metadata: there is no HTTP message, so no separate payload."""
    return gzip_member(warc_record(
        [("WARC-Type", "conversion"), ("WARC-Record-ID", record_id or new_record_id()),
         ("WARC-Date", warc_date(moment or datetime.now(timezone.utc))), ("WARC-Target-URI", uri),
         ("WARC-Refers-To", refers_to), ("WARC-Refers-To-Target-URI", uri), ("WARC-Refers-To-Date", refers_to_date)],
        content_type, block))


def warc_date(moment: datetime) -> str:
    """A WARC-Date in UTC with microseconds (WARC 1.1 §5.4 allows a fraction of a second)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
