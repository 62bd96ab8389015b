"""The WARC writer, read back with warcio."""

import gzip
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import OPEN_SUFFIX, HttpExchange, WarcWriter
from tests.conftest import FIXTURES
from tests.fixtures.make_warc_fixtures import write_golden

GOLDEN, TRUNCATED = FIXTURES / "warc" / "golden", FIXTURES / "warc" / "truncated"


def _exchange(n: int, body: bytes = b"<html>" + b"x" * 500 + b"</html>") -> HttpExchange:
    return HttpExchange(
        url=f"http://127.0.0.1:8000/page?n={n}", method="GET",
        request_headers=[(b"Host", b"127.0.0.1:8000"), (b"Accept-Encoding", b"gzip")],
        status=200, reason="OK",
        response_headers=[(b"Content-Type", b"text/html"), (b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2"),
                          (b"Content-Disposition", "attachment; filename=通知.doc".encode("gbk")),
                          (b"Transfer-Encoding", b"chunked")],
        body=body, fetched_at=datetime(2022, 10, 8, 1, 30, tzinfo=timezone.utc))


def _records(path: Path):
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                for r in ArchiveIterator(fh)]


def test_pairs_linked_same_date_warcinfo_first(tmp_path):
    with WarcWriter(tmp_path) as writer:
        refs = [writer.write_exchange(_exchange(n)) for n in range(3)]
        assert list(tmp_path.glob("*" + OPEN_SUFFIX)), "a file being written carries .open"
    files = list(tmp_path.glob("*.warc.gz"))
    assert len(files) == 1 and not list(tmp_path.glob("*" + OPEN_SUFFIX))
    records = _records(files[0])
    assert records[0][0] == "warcinfo" and records[0][1].get_header("WARC-Filename") == files[0].name
    pairs = records[1:]
    assert [r[0] for r in pairs] == ["request", "response"] * 3
    for request, response in zip(pairs[::2], pairs[1::2]):
        assert request[1].get_header("WARC-Concurrent-To") == response[1].get_header("WARC-Record-ID")
        assert response[1].get_header("WARC-Concurrent-To") == request[1].get_header("WARC-Record-ID")
        assert request[1].get_header("WARC-Date") == response[1].get_header("WARC-Date")
        assert request[1].protocol == "WARC/1.1"
    assert (pairs[0][2].protocol, pairs[0][2].statusline) == ("GET", "/page?n=0 HTTP/1.1")
    assert (pairs[1][2].protocol, pairs[1][2].statusline) == ("HTTP/1.1", "200 OK")
    assert pairs[1][2].get_header("Content-Type") == "text/html"
    # offsets in the capture pointer read back the response record
    with open(files[0], "rb") as fh:
        fh.seek(refs[1].offset)
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Record-ID") == refs[1].record_id


def test_headers_kept_as_bytes_repeats_included_and_no_chunked_claim(tmp_path):
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(_exchange(0))
    raw = gzip.decompress(next(tmp_path.glob("*.warc.gz")).read_bytes())
    assert b"Set-Cookie: a=1\r\nSet-Cookie: b=2" in raw
    assert "filename=通知.doc".encode("gbk") in raw          # not %-encoded
    assert b"Transfer-Encoding" not in raw
    assert b"GET /page?n=0 HTTP/1.1" in raw                   # query string kept


def test_rotation_by_size_never_splits_a_pair(tmp_path):
    with WarcWriter(tmp_path, max_size=1500) as writer:
        for n in range(6):
            writer.write_exchange(_exchange(n))
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 1
    for path in files:
        types = [r[0] for r in _records(path)]
        assert types[0] == "warcinfo"
        assert types[1:] == ["request", "response"] * ((len(types) - 1) // 2)


def test_files_pass_gzip_and_warcio_check(tmp_path):
    with WarcWriter(tmp_path) as writer:
        for n in range(3):
            writer.write_exchange(_exchange(n, gzip.compress(b"<html>zipped</html>")))
    for path in tmp_path.glob("*.warc.gz"):
        subprocess.run(["gzip", "-t", str(path)], check=True)
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_truncated_file_is_detected_by_gzip():
    path = next(TRUNCATED.glob("*.warc.gz"))
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run(["gzip", "-t", str(path)], check=True, capture_output=True)


def test_identical_payload_becomes_a_revisit_pointing_at_the_first(tmp_path):
    from archive.warc import EarlierCapture

    with WarcWriter(tmp_path) as writer:
        first = writer.write_exchange(_exchange(0))
        again = writer.write_exchange(_exchange(0), revisit_of=EarlierCapture(first.record_id,
                                                                                 "http://127.0.0.1:8000/page?n=0",
                                                                                 first.warc_date))
    assert again.record_type == "revisit" and again.payload_digest == first.payload_digest
    records = _records(next(tmp_path.glob("*.warc.gz")))
    revisit = [r for r in records if r[0] == "revisit"]
    assert len(revisit) == 1
    _, headers, http, payload = revisit[0]
    assert headers.get_header("WARC-Profile") == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert headers.get_header("WARC-Refers-To") == first.record_id
    assert headers.get_header("WARC-Refers-To-Target-URI") == "http://127.0.0.1:8000/page?n=0"
    assert headers.get_header("WARC-Refers-To-Date") == first.warc_date
    assert headers.get_header("WARC-Truncated") == "length"
    assert http.statusline == "200 OK" and payload == b""          # headers kept, payload left out


def test_head_as_sent_is_the_block_of_response_and_revisit_less_chunked(tmp_path):
    from dataclasses import replace

    from archive.warc import EarlierCapture

    head = (b"HTTP/1.1 200 Fine Thanks\r\nETag: \"1\"\r\nTransfer-Encoding: chunked\r\nX-lower-Case: a\r\n"
            b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Name: " + "通知".encode("gbk") + b"\r\n\r\n")
    as_sent = head.replace(b"Transfer-Encoding: chunked\r\n", b"")
    exchange = replace(_exchange(0), response_head=head)
    with WarcWriter(tmp_path) as writer:
        first = writer.write_exchange(exchange)
        writer.write_exchange(exchange, revisit_of=EarlierCapture(first.record_id, exchange.url, first.warc_date))
    path = next(tmp_path.glob("*.warc.gz"))
    with open(path, "rb") as fh:
        blocks = {r.rec_type: r.raw_stream.read() for r in ArchiveIterator(fh, no_record_parse=True)}
    assert blocks["response"] == as_sent + exchange.body
    assert blocks["revisit"] == as_sent                       # WARC 1.1 §6.7.2: headers only
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_metadata_and_warcinfo_records_have_a_block_digest_only(tmp_path):
    import json

    from archive.warcrecord import sha1_digest as _sha1

    with WarcWriter(tmp_path) as writer:
        writer.write_metadata("urn:newsarchive:run:1", {"title": "长春"},
                              datetime(2022, 10, 8, 1, 30, tzinfo=timezone.utc))
    raw = next(tmp_path.glob("*.warc.gz")).read_bytes()
    with open(next(tmp_path.glob("*.warc.gz")), "rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.raw_stream.read()) for r in ArchiveIterator(fh)]
    assert [r[0] for r in records] == ["warcinfo", "metadata"]
    for _, headers, block in records:
        assert headers.get_header("WARC-Payload-Digest") is None
        assert headers.get_header("WARC-Block-Digest") == _sha1(block)
    _, headers, block = records[1]
    assert json.loads(block) == {"title": "长春"} and headers.get_header("Content-Type") == "application/json"
    assert headers.get_header("WARC-Date") == "2022-10-08T01:30:00.000000Z"
    assert len(list(_members(raw))) == 2                     # one gzip member per record


def _members(raw: bytes):
    import zlib

    while raw:
        d = zlib.decompressobj(31)
        yield d.decompress(raw)
        raw = d.unused_data


def test_the_deterministic_writer_writes_the_golden_file_byte_for_byte(tmp_path):
    """tests/fixtures/make_warc_fixtures.py wrote the golden file; run it again after a deliberate change."""
    made = write_golden(tmp_path)
    golden = GOLDEN / made.name
    assert golden.exists(), sorted(p.name for p in GOLDEN.iterdir())
    # record by record first, so that a difference reads as text
    assert list(_members(made.read_bytes())) == list(_members(golden.read_bytes()))
    # then every gzip member byte for byte (only a different zlib could change these alone)
    assert made.read_bytes() == golden.read_bytes()
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(golden)], capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_by_default_record_ids_and_file_names_are_new_each_time(tmp_path):
    for n in range(2):
        with WarcWriter(tmp_path / str(n)) as writer:
            writer.write_exchange(_exchange(0))
    ids = [[r[1].get_header("WARC-Record-ID") for r in _records(next((tmp_path / str(n)).glob("*.warc.gz")))]
           for n in range(2)]
    assert len(set(ids[0] + ids[1])) == 6
