"""Write HTTP exchanges as WARC/1.1 request/response pairs, on warcio.

Reads no settings itself; the crawler's recorder passes ``directory``, ``prefix`` and
``max_size`` (``WARC_DIR``, ``WARC_PREFIX``, ``WARC_MAX_SIZE``).

- One gzip member per record; a ``warcinfo`` record opens every file.
- A file is named ``*.warc.gz.open`` while written and renamed when closed, so a
  reader never mistakes a file in progress for a finished one.
- A request/response pair is never split across files: rotation happens between pairs.
- Header blocks are written as the bytes we were given: warcio's own header writer
  %-encodes non-ASCII header bytes (FINDINGS), so we hand it the finished block.
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
import os
import re
import socket
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
# zlib's default. On replica pages levels 1, 6 and 9 took 0.11-0.12 ms a record and gave sizes
# within 1%: compression is not where the time goes, so the smaller file wins.
GZIP_LEVEL = 6


class WarcWriteError(OSError):
    """A record could not be written (a full disk, a read-only or vanished file system). The
    half-written record pair has been cut back out of the file; ``errno`` is the system's."""


@dataclass(frozen=True)
class HttpExchange:
    """One request and its response, as plain values (no HTTP client types)."""
    url: str
    method: str
    request_headers: list[tuple[bytes, bytes]]
    status: int
    reason: str
    response_headers: list[tuple[bytes, bytes]]
    body: bytes                        # as sent: Content-Encoding intact, chunked framing removed
    fetched_at: datetime               # aware, UTC
    protocol: str = "HTTP/1.1"
    request_body: bytes = b""
    ip_address: str | None = None
    # status line and header lines up to the blank line, as sent; None: rebuilt from the above
    response_head: bytes | None = None


@dataclass(frozen=True)
class CaptureRef:
    """Where a response (or revisit) record lives: enough to read it back with one seek."""
    warc_file: str
    offset: int
    length: int
    record_id: str
    request_offset: int
    request_length: int
    payload_digest: str
    warc_date: str
    record_type: str = "response"


@dataclass(frozen=True)
class EarlierCapture:
    """The record an identical payload refers to (WARC 1.1 §6.7.2 identical-payload-digest)."""
    record_id: str
    url: str
    warc_date: str


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest as warcio writes it: sha1, base32."""
    return _sha1(body)


class _RawHttpHeaders(StatusAndHeaders):
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


def _header_block(first_line: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    lines = [first_line.encode("latin-1")]
    lines += [name + b": " + value for name, value in headers if name.lower() not in _HOP_BY_HOP]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _head_as_sent(head: bytes) -> bytes:
    """The head the server sent, byte for byte (line endings, names' case and order, repeats,
    non-ASCII bytes), less the _HOP_BY_HOP lines."""
    return _HOP_BY_HOP_LINES.sub(b"", head)


def _http_headers(block: bytes, headers: list[tuple[bytes, bytes]], protocol: str) -> _RawHttpHeaders:
    """warcio's view of a header block that is written as ``block``."""
    first_line = block.split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")
    as_text = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers if n.lower() not in _HOP_BY_HOP]
    status = first_line.split(" ", 1)[1] if protocol and first_line.startswith(protocol + " ") else first_line
    return _RawHttpHeaders(block, status, as_text, protocol)


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _gzip_member(record: bytes) -> bytes:
    """One record, one gzip member (WARC 1.1 Annex D.2), so that any record can be read with one seek."""
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return z.compress(record) + z.flush()


def _record(fields: list[tuple[str, str]], content_type: str, block: bytes) -> bytes:
    """A WARC/1.1 record: ``fields``, Content-Type, WARC-Block-Digest (§5.8), Content-Length, ``block``."""
    head = "".join(f"{name}: {value}\r\n" for name, value in fields)
    return (f"WARC/1.1\r\n{head}Content-Type: {content_type}\r\nWARC-Block-Digest: {_sha1(block)}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def _http_record(fields: list[tuple[str, str]], msgtype: str, http_block: bytes, payload: bytes,
                 digest: str) -> bytes:
    """A request or response record: WARC headers, then the HTTP header block and the payload as sent."""
    return _record([*fields, ("WARC-Payload-Digest", digest)], f"application/http; msgtype={msgtype}",
                   http_block + payload)


def metadata_record(uri: str, document: dict, moment: datetime | None = None) -> bytes:
    """A ``metadata`` record holding a JSON document, as one gzip member, with WARC-Block-Digest
    only: WARC 1.1 §5.9 defines WARC-Payload-Digest over a payload (an HTTP body), and FastWARC's
    payload check fails a metadata record that carries one."""
    block = json.dumps(document, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return _gzip_member(_record(
        [("WARC-Type", "metadata"), ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
         ("WARC-Date", warc_date(moment or datetime.now(timezone.utc))), ("WARC-Target-URI", uri)],
        "application/json", block))


def conversion_record(uri: str, refers_to: str, refers_to_date: str, content_type: str, block: bytes,
                      moment: datetime | None = None) -> tuple[str, bytes]:
    """(record id, record) of a ``conversion`` record (WARC 1.1 §6.8): ``block`` is another form of
    the response record ``refers_to`` of ``uri`` (the page as a browser rendered it). The
    WARC-Refers-To-Target-URI and -Date fields (§5.22, §5.23) let a reader find that record without
    an index. Block digest only, as for metadata: no HTTP message, so no separate payload."""
    record_id = f"<urn:uuid:{uuid.uuid4()}>"
    return record_id, _gzip_member(_record(
        [("WARC-Type", "conversion"), ("WARC-Record-ID", record_id),
         ("WARC-Date", warc_date(moment or datetime.now(timezone.utc))), ("WARC-Target-URI", uri),
         ("WARC-Refers-To", refers_to), ("WARC-Refers-To-Target-URI", uri), ("WARC-Refers-To-Date", refers_to_date)],
        content_type, block))


def warc_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcWriter:
    """Append exchanges to rotating WARC files in ``directory``."""

    def __init__(self, directory: str | os.PathLike, *, prefix: str = "newsarchive",
                 max_size: int = 1_000_000_000, software: str = "newsarchive",
                 warcinfo: dict[str, str] | None = None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix, self.max_size, self.software = prefix, max_size, software
        self.extra_info = dict(warcinfo or {})
        self._serial = 0
        self._file = None
        self._path: Path | None = None
        self._writer: WARCWriter | None = None
        self._builder = RecordBuilder(warc_version="1.1")
        self.records_written = 0
        self.files_closed: list[str] = []

    # -- files ------------------------------------------------------------------------------
    def _new_name(self) -> str:
        self._serial += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")[:17]
        # IIPC-style prefix-timestamp-serial-pid-host; lower case [-a-z0-9.] only, since WACZ
        # (frictionless) rejects resource names with "~" or capitals.
        host = re.sub(r"[^a-z0-9.-]+", "-", socket.gethostname().lower()).strip("-.") or "localhost"
        return f"{self.prefix}-{stamp}-{self._serial:05d}-{os.getpid()}-{host}{WARC_SUFFIX}"

    def _open(self) -> None:
        name = self._new_name()
        self._path = self.directory / (name + OPEN_SUFFIX)
        # Unbuffered: every write is one whole record handed to the kernel, so a failed write
        # leaves nothing in a buffer, and the file can be cut back to where the pair began.
        self._file = open(self._path, "xb", buffering=0)
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = {"software": self.software, "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "hostname": socket.gethostname(), **self.extra_info}
        self._writer.write_record(self._writer.create_warcinfo_record(name, info))
        self.records_written += 1

    @property
    def current_name(self) -> str | None:
        return self._path.name[: -len(OPEN_SUFFIX)] if self._path else None

    def close(self) -> None:
        """Close the current file and drop its ``.open`` suffix."""
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        final = self._path.with_name(self.current_name)
        os.replace(self._path, final)
        self.files_closed.append(final.name)
        self._file = self._writer = self._path = None

    def _ensure_room(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_size:
            self.close()
        if self._file is None:
            self._open()

    # -- records ----------------------------------------------------------------------------
    def write_exchange(self, ex: HttpExchange, revisit_of: EarlierCapture | None = None) -> CaptureRef:
        """Write the request record, then the response record; return the response's location.

        With ``revisit_of`` (the same payload was captured before) the second record is an
        ``identical-payload-digest`` revisit: headers kept, payload left out, pointing at the
        earlier record with WARC-Refers-To, -Target-URI and -Date (pywb replays it from there).
        """
        self._ensure_room()
        date = warc_date(ex.fetched_at)
        response_id = f"<urn:uuid:{uuid.uuid4()}>"
        request_id = f"<urn:uuid:{uuid.uuid4()}>"
        split = ex.url.split("/", 3)
        target = "/" + (split[3] if len(split) > 3 else "")
        request_line = f"{ex.method} {target} {ex.protocol}"
        if ex.response_head is not None:
            response_block = _head_as_sent(ex.response_head)
        else:
            response_block = _header_block(f"{ex.protocol} {ex.status} {ex.reason}".rstrip(), ex.response_headers)
        common = [("WARC-Date", date), ("WARC-Target-URI", ex.url)]
        if ex.ip_address:
            common.append(("WARC-IP-Address", ex.ip_address))
        request = _gzip_member(_http_record(
            [("WARC-Type", "request"), ("WARC-Record-ID", request_id), *common, ("WARC-Concurrent-To", response_id)],
            "request", _header_block(request_line, ex.request_headers), ex.request_body, payload_digest(ex.request_body)))
        if revisit_of is None:
            digest = payload_digest(ex.body)
            response = _gzip_member(_http_record(
                [("WARC-Type", "response"), ("WARC-Record-ID", response_id), *common,
                 ("WARC-Concurrent-To", request_id)],
                "response", response_block, ex.body, digest))
            record_type = "response"
        else:
            revisit = self._builder.create_revisit_record(
                ex.url, payload_digest(ex.body), revisit_of.url, revisit_of.warc_date,
                http_headers=_http_headers(response_block, ex.response_headers, ex.protocol),
                warc_headers_dict={**{k: v for k, v in common if k != "WARC-Target-URI"}, "WARC-Record-ID": response_id, "WARC-Concurrent-To": request_id,
                                   "WARC-Refers-To": revisit_of.record_id, "WARC-Truncated": "length"})
            digest, record_type = revisit.rec_headers.get_header("WARC-Payload-Digest"), revisit.rec_type
            buffer = BytesIO()
            WARCWriter(buffer, gzip=True, warc_version="1.1").write_record(revisit)
            response = buffer.getvalue()

        request_offset = self._file.tell()
        # Written (unbuffered) before anyone stores a pointer to it: a row never points past the
        # file's end, and a pair is in the file whole or not at all.
        self._append(request + response, request_offset)
        offset = request_offset + len(request)
        self.records_written += 2
        return CaptureRef(self.current_name, offset, len(response), response_id, request_offset, len(request),
                          digest, date, record_type)

    def _append(self, data: bytes, start: int) -> None:
        """Write ``data`` at the end of the file, all of it or none: a failed or short write (ENOSPC)
        is cut back to ``start``, so no partial record stays in the middle of the file once
        space returns (issue 12: a request record with no response, forever failing verify)."""
        view = memoryview(data)
        name = self._path.name
        try:
            while view:
                written = self._file.write(view)
                view = view[written:]
        except OSError as exc:
            try:
                os.ftruncate(self._file.fileno(), start)
                os.lseek(self._file.fileno(), start, os.SEEK_SET)
            except OSError:
                # Beyond repair from here: leave the .open file to recovery, which cuts it back to
                # its last whole pair at the next start; later writes go to a new file.
                self._file.close()
                self._file = self._writer = self._path = None
            raise WarcWriteError(exc.errno, exc.strerror or str(exc), name) from exc

    def write_metadata(self, uri: str, document: dict, moment: datetime | None = None) -> None:
        """A ``metadata`` record holding a JSON document (the run's summary, written at its end)."""
        self._ensure_room()
        self._append(metadata_record(uri, document, moment), self._file.tell())
        self.records_written += 1

    def write_conversion(self, uri: str, refers_to: str, refers_to_date: str, content_type: str, block: bytes,
                         moment: datetime | None = None) -> str:
        """A ``conversion`` record of the response record ``refers_to``; its record id."""
        self._ensure_room()
        record_id, record = conversion_record(uri, refers_to, refers_to_date, content_type, block, moment)
        self._append(record, self._file.tell())
        self.records_written += 1
        return record_id

    def __enter__(self) -> "WarcWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_record_payload(path: str | os.PathLike, offset: int) -> bytes:
    """The decoded payload (Content-Encoding undone) of the record at ``offset``."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        return record.content_stream().read()
