"""`newsarchive verify` rejects broken WARC files that `warcio check` lets through."""

import shutil
import sqlite3
import subprocess
import sys
from io import BytesIO

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.verify import recover_open_file, verify
from tests.conftest import FIXTURES, run_cli


def _data(tmp_path, kind: str):
    """A data directory whose warc/ is a copy of one of tests/fixtures/warc/ (make_warc_fixtures.py)."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "warc" / kind, data / "warc")
    return data


@pytest.fixture
def good(tmp_path):
    return _data(tmp_path, "golden")


def _warc(data):
    return next((data / "warc").glob("*.warc.gz"))


def _raw_warc(data, records):
    """A WARC written with warcio directly, to make records our writer would never make."""
    path = data / "warc" / "broken.warc.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for build in records:
            writer.write_record(build(writer))
    return path


def _response(uri, **headers):
    def build(writer):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        return writer.create_warc_record(uri, "response", payload=BytesIO(b"<html>x</html>"), length=14,
                                         http_headers=http, warc_headers_dict=headers)
    return build


def _problems(data):
    return [p.message for p in verify(data).problems]


def test_a_sound_archive_passes(good):
    assert verify(good).ok
    assert run_cli("verify", "--data", str(good)).returncode == 0


def test_truncated_file_fails_though_warcio_check_passes_it(tmp_path):
    good = _data(tmp_path, "truncated")
    path = _warc(good)
    warcio_check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True)
    assert warcio_check.returncode == 0          # the gap this checker fills (FINDINGS)
    assert any("cut short" in m for m in _problems(good))
    result = run_cli("verify", "--data", str(good))
    assert result.returncode == 1 and "PROBLEM" in result.stdout


def test_a_damaged_record_is_named_with_its_partner_and_the_records_after_it_are_checked(tmp_path):
    data = _data(tmp_path, "damaged")
    report = verify(data)
    assert [(p.offset, p.message.split(": ")[0]) for p in report.problems] == [
        (1105, "request record <urn:uuid:00000000-0000-0000-0000-000000000005> of "
               "http://127.0.0.1:8000/2022-10/08/content_123456.htm"),
        (1495, "response record <urn:uuid:00000000-0000-0000-0000-000000000004> of "
               "http://127.0.0.1:8000/2022-10/08/content_123456.htm")]
    assert report.records == 7          # the revisit and the run record after the damage included


def test_response_without_its_request(tmp_path):
    _raw_warc(tmp_path, [_response("http://h.example/a")])
    assert any(m.endswith("response without its request in the same file") for m in _problems(tmp_path))


def test_bad_digest(tmp_path):
    _raw_warc(tmp_path, [_response("http://h.example/a", **{"WARC-Payload-Digest": "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})])
    assert any(m.startswith("digest mismatch") for m in _problems(tmp_path))


def test_non_ascii_target_uri(tmp_path):
    _raw_warc(tmp_path, [_response("http://h.example/新闻.htm")])
    assert any("not ASCII" in m for m in _problems(tmp_path))


def test_revisit_without_refers_to(tmp_path):
    def revisit(writer):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        return writer.create_revisit_record("http://h.example/a", "sha1:AAAA", "http://h.example/a",
                                            "2022-10-08T00:00:00Z", http_headers=http)
    _raw_warc(tmp_path, [revisit])
    assert "revisit record without WARC-Refers-To" in _problems(tmp_path)


def test_missing_warcinfo(tmp_path):
    path = tmp_path / "warc" / "x.warc.gz"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(_response("http://h.example/a")(writer))
    assert "the first record is not warcinfo" in _problems(tmp_path)


def test_leftover_open_file_is_reported_then_recovered(good):
    path = _warc(good)
    opened = path.with_name(path.name + ".open")
    data = path.read_bytes()
    # a crash mid-write: a complete pair, then half of the next request's gzip member
    shutil.move(path, opened)
    opened.write_bytes(data + data[400:900])
    assert any("left open" in m for m in _problems(good))
    closed, cut = recover_open_file(opened)
    assert cut == 500 and closed == path and not opened.exists()
    assert verify(good).ok


def test_capture_pointer_that_resolves_nowhere(good):
    db = sqlite3.connect(good / "archive.db")
    db.execute("CREATE TABLE captures (id INTEGER PRIMARY KEY, warc_file TEXT, warc_offset INTEGER, "
               "warc_length INTEGER, record_id TEXT)")
    db.execute("INSERT INTO captures VALUES (1, ?, 5, 10, '<urn:uuid:nope>')", [_warc(good).name])
    db.commit()
    assert any(m.startswith("capture 1: no record there") or "expected" in m for m in _problems(good))


def test_verify_passes_on_a_real_crawl(tmp_path):
    data = tmp_path / "data"
    assert run_cli("demo", "--data", str(data), "--days", "2", "--articles", "30").returncode == 0
    result = run_cli("verify", "--data", str(data))
    assert result.returncode == 0, result.stdout
    assert "capture pointers: OK" in result.stdout
