"""Write HTTP exchanges as WARC/1.1 request/response pairs, on warcio.

Reads no settings itself; the crawler's recorder passes ``directory``, ``prefix`` and
``max_size`` (``WARC_DIR``, ``WARC_PREFIX``, ``WARC_MAX_SIZE``).

- One gzip member per record; a ``warcinfo`` record opens every file. The records themselves
  are made in ``archive.warcrecord``.
- A file is named ``*.warc.gz.open`` while written and renamed when closed, so a
  reader never mistakes a file in progress for a finished one.
- A request/response pair is never split across files: rotation happens between pairs.
- Deterministic mode, for golden files (as warcio's own tests fix ids and dates): ``record_id``,
  ``clock``, ``host`` and ``pid`` replace what the writer would otherwise take from uuid4, the
  system clock and the machine. Exchanges carry their own date (``fetched_at``) either way.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from warcio.recordbuilder import RecordBuilder
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

# metadata_record, payload_digest and warc_date are imported from here by repair, the recorder, the pipeline
from .warcrecord import (conversion_record, gzip_member, head_as_sent, header_block, http_headers, http_record,
                         metadata_record, new_record_id, payload_digest, warc_date)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


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


class _InfoWriter(WARCWriter):
    """warcio's writer (it writes the warcinfo record), taking record ids and dates from the
    WarcWriter's functions: what warcio's own tests do with a subclass that fixes them."""

    def __init__(self, out, record_id: Callable[[], str], clock: Callable[[], datetime]):
        super().__init__(out, gzip=True, warc_version="1.1")
        self._record_id, self._clock = record_id, clock

    def _make_warc_id(self) -> str:
        return self._record_id()

    def _make_warc_date(self, use_micros: bool = False) -> str:
        # warcio's own format (no fraction when it is zero), on our clock
        return datetime_to_iso_date(self._clock().astimezone(timezone.utc).replace(tzinfo=None), use_micros)


class WarcWriter:
    """Append exchanges to rotating WARC files in ``directory``."""

    def __init__(self, directory: str | os.PathLike, *, prefix: str = "newsarchive",
                 max_size: int = 1_000_000_000, software: str = "newsarchive",
                 warcinfo: dict[str, str] | None = None, record_id: Callable[[], str] = new_record_id,
                 clock: Callable[[], datetime] = utc_now, host: str | None = None, pid: int | None = None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix, self.max_size, self.software = prefix, max_size, software
        self.extra_info = dict(warcinfo or {})
        self._record_id, self._clock = record_id, clock
        self._host, self._pid = host, pid
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
        stamp = self._clock().astimezone(timezone.utc).strftime("%Y%m%d%H%M%S%f")[:17]
        # IIPC-style prefix-timestamp-serial-pid-host; lower case [-a-z0-9.] only, since WACZ
        # (frictionless) rejects resource names with "~" or capitals.
        host = re.sub(r"[^a-z0-9.-]+", "-", (self._host or socket.gethostname()).lower()).strip("-.") or "localhost"
        return f"{self.prefix}-{stamp}-{self._serial:05d}-{self._pid or os.getpid()}-{host}{WARC_SUFFIX}"

    def _open(self) -> None:
        name = self._new_name()
        self._path = self.directory / (name + OPEN_SUFFIX)
        # Unbuffered: every write is one whole record handed to the kernel, so a failed write
        # leaves nothing in a buffer, and the file can be cut back to where the pair began.
        self._file = open(self._path, "xb", buffering=0)
        self._writer = _InfoWriter(self._file, self._record_id, self._clock)
        info = {"software": self.software, "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "hostname": self._host or socket.gethostname(), **self.extra_info}
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
        response_id = self._record_id()
        request_id = self._record_id()
        split = ex.url.split("/", 3)
        target = "/" + (split[3] if len(split) > 3 else "")
        request_line = f"{ex.method} {target} {ex.protocol}"
        if ex.response_head is not None:
            response_block = head_as_sent(ex.response_head)
        else:
            response_block = header_block(f"{ex.protocol} {ex.status} {ex.reason}".rstrip(), ex.response_headers)
        common = [("WARC-Date", date), ("WARC-Target-URI", ex.url)]
        if ex.ip_address:
            common.append(("WARC-IP-Address", ex.ip_address))
        request = gzip_member(http_record(
            [("WARC-Type", "request"), ("WARC-Record-ID", request_id), *common, ("WARC-Concurrent-To", response_id)],
            "request", header_block(request_line, ex.request_headers), ex.request_body, payload_digest(ex.request_body)))
        if revisit_of is None:
            digest = payload_digest(ex.body)
            response = gzip_member(http_record(
                [("WARC-Type", "response"), ("WARC-Record-ID", response_id), *common,
                 ("WARC-Concurrent-To", request_id)],
                "response", response_block, ex.body, digest))
            record_type = "response"
        else:
            revisit = self._builder.create_revisit_record(
                ex.url, payload_digest(ex.body), revisit_of.url, revisit_of.warc_date,
                http_headers=http_headers(response_block, ex.response_headers, ex.protocol),
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
        self._append(metadata_record(uri, document, moment or self._clock(), self._record_id()), self._file.tell())
        self.records_written += 1

    def write_conversion(self, uri: str, refers_to: str, refers_to_date: str, content_type: str, block: bytes,
                         moment: datetime | None = None) -> str:
        """A ``conversion`` record of the response record ``refers_to`` (a rendered page); its record id."""
        self._ensure_room()
        record_id = self._record_id()
        self._append(conversion_record(uri, refers_to, refers_to_date, content_type, block, moment or self._clock(),
                                       record_id), self._file.tell())
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
