"""Response heads archived as the server sent them (issue 12), through the real CLI and Scrapy
engine against tests/hostile_server.py: a reason phrase of its own, header names in odd case and
order, repeated and GBK headers, two responses on one kept-alive connection, a 100 KB header."""

import hashlib
import inspect
import json
import sqlite3
import zlib

import pytest
from scrapy.core.downloader.handlers import http11
from warcio.archiveiterator import ArchiveIterator

from archive.warcrecord import sha1_digest as _sha1
from crawler.rawhead import HEAD_LIMIT, ResponseHeadTooLarge, _HeadCapture
from tests import hostile_server as hostile
from tests.conftest import run_cli, start_hostile


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("as_sent")
    server = start_hostile(tmp, "as_sent")
    data = tmp / "data"
    # AutoThrottle off: the home page's links all leave at once, so the next request after
    # AS_SENT is the one it links to, on the connection AS_SENT kept open.
    result = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(data),
                     "--set", "AUTOTHROTTLE_ENABLED=False", "--log-level", "WARNING")
    yield server, data, result
    server.stop()


def _block_at_capture(data, url: str) -> bytes:
    """The record block (HTTP head and payload) of the capture of ``url``, from the raw bytes at
    the offset the captures table gives."""
    warc_file, offset, length = sqlite3.connect(data / "archive.db").execute(
        "SELECT warc_file, warc_offset, warc_length FROM captures WHERE url = ?", [url]).fetchone()
    with open(data / "warc" / warc_file, "rb") as fh:
        fh.seek(offset)
        record = zlib.decompressobj(31).decompress(fh.read(length))
    warc_head, block = record.split(b"\r\n\r\n", 1)
    assert b"WARC-Type: response" in warc_head
    return block[:-4]                               # the record's closing CRLF CRLF


def test_crawl_is_healthy_and_verify_passes(crawled):
    _, data, result = crawled
    assert result.returncode == 0, result.stdout + result.stderr
    check = run_cli("verify", "--data", str(data))
    assert check.returncode == 0, check.stdout + check.stderr


def test_status_line_and_headers_are_the_bytes_sent(crawled):
    server, data, _ = crawled
    body = hostile.as_sent_body(hostile.AS_SENT, 1)
    sent = hostile.as_sent_head(hostile.AS_SENT, body)
    assert sent.startswith(b"HTTP/1.1 200 Fine Thanks\r\nETag: ") and "通知".encode("gbk") in sent
    assert _block_at_capture(data, server.url.rstrip("/") + hostile.AS_SENT) == sent + body


def test_second_response_on_a_kept_alive_connection_has_its_own_head_without_chunked(crawled):
    server, data, _ = crawled
    body = hostile.as_sent_body(hostile.AS_SENT_CHUNKED, 2)   # served second on its connection
    sent = hostile.as_sent_head(hostile.AS_SENT_CHUNKED, body)
    # Twisted de-chunked the body: the Transfer-Encoding line is the one line left out
    expected = sent.replace(b"Transfer-Encoding: chunked\r\n", b"")
    assert expected != sent and expected.startswith(b"HTTP/1.1 200 Second Helping\r\nCONTENT-TYPE: ")
    assert _block_at_capture(data, server.url.rstrip("/") + hostile.AS_SENT_CHUNKED) == expected + body


def test_a_100_kb_header_is_refused_with_its_reason(crawled):
    server, data, _ = crawled
    rows = sqlite3.connect(data / "archive.db").execute(
        "SELECT reason, status FROM failures WHERE url = ?", [server.url.rstrip("/") + hostile.HUGE_HEAD]).fetchall()
    assert rows == [(f"response header over {HEAD_LIMIT} bytes (refused)", None)]
    assert server.requests.count(f"GET {hostile.HUGE_HEAD}") == 1        # not retried: it would fail the same


def test_metadata_records_carry_a_block_digest_and_no_payload_digest(crawled):
    _, data, _ = crawled
    kinds = []
    for path in (data / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("warcinfo", "metadata"):
                    headers = record.rec_headers
                    block = record.raw_stream.read()
                    assert headers.get_header("WARC-Payload-Digest") is None
                    assert headers.get_header("WARC-Block-Digest") == _sha1(block)
                    kinds.append(record.rec_type)
                    if record.rec_type == "metadata":
                        json.loads(block)
    assert kinds.count("warcinfo") >= 1 and kinds.count("metadata") >= 2     # a failure and the run


def test_head_capture_across_reads_after_an_interim_response_and_over_the_limit():
    capture = _HeadCapture()
    for part in (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 Ok\r", b"\nA: 1\n", b"\r\nbody"):
        capture.feed(part)
    assert capture.head == b"HTTP/1.1 200 Ok\r\nA: 1\n\r\n"
    with pytest.raises(ResponseHeadTooLarge, match=f"over {HEAD_LIMIT} bytes"):
        _HeadCapture().feed(b"HTTP/1.1 200 OK\r\nX: " + b"a" * HEAD_LIMIT)


# The private Scrapy internals crawler/rawhead.py builds on, as read in Scrapy 2.19 (pyproject.toml
# pins scrapy<2.20). When one of these fails, read the new code against crawler/rawhead.py, then
# update the digest.
INTERNALS = {
    http11.HTTP11DownloadHandler.__init__: "915749f42167",
    http11.HTTP11DownloadHandler.download_request: "c37abf34d35b",   # copied in RawHeadDownloadHandler
    http11._ScrapyAgent._cb_bodydone: "35383cc8af9b",
    http11._LenientHTTP11ClientProtocol.request: "fbaa607089fe",
    http11._LenientHTTP11ClientFactory.buildProtocol: "e54d7dfaffe7",
}


def test_the_scrapy_internals_we_build_on_are_unchanged():
    for function, digest in INTERNALS.items():
        source = inspect.getsource(function)
        assert hashlib.sha1(source.encode()).hexdigest()[:12] == digest, f"{function.__qualname__} changed"
