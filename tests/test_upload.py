"""Upload of closed WARC files to S3-compatible storage, against a real S3 HTTP server (moto's)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT, free_port, start_replica


@pytest.fixture(scope="module")
def s3():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    import boto3

    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket="warcs")
    yield client, env
    server.stop()


def _cli(env, *args):
    return subprocess.run([sys.executable, "-m", "newsarchive.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def test_closed_warcs_and_indexes_are_uploaded_once_and_checked(s3, tmp_path):
    client, env = s3
    server = start_replica(tmp_path, articles=20)
    data = tmp_path / "data"
    try:
        crawl = _cli(env, "crawl", "--site", "replica", "--url", server.url, "--data", str(data),
                     "--upload", "s3://warcs/changchun")
    finally:
        server.stop()
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    local = sorted(data.glob("warc/*.warc.gz")) + sorted(data.glob("indexes/*.cdxj"))
    assert len(local) >= 2
    assert f"uploaded {len(local)} files to s3://warcs/changchun" in crawl.stdout
    for path in local:
        key = f"changchun/{path.parent.name}/{path.name}"
        body = client.get_object(Bucket="warcs", Key=key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest(), key
    with sqlite3.connect(data / "archive.db") as db:
        assert db.execute("SELECT count(*) FROM uploads WHERE target = 's3://warcs/changchun'").fetchone()[0] \
            == len(local)
    again = _cli(env, "upload", "--data", str(data), "--to", "s3://warcs/changchun")
    assert again.returncode == 0 and f"uploaded 0 files to s3://warcs/changchun ({len(local)} were there already)" \
        in again.stdout, again.stdout + again.stderr


def test_a_failed_upload_is_reported_and_tried_again_later(s3, tmp_path):
    client, env = s3
    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    (data / "warc" / "a.warc.gz").write_bytes(b"not really gzip, but closed")
    (data / "warc" / "b.warc.gz.open").write_bytes(b"still being written")
    from archive.store import open_archive

    open_archive(data / "archive.db").close()
    failed = _cli(env, "upload", "--data", str(data), "--to", "s3://no-such-bucket/x")
    assert failed.returncode == 3
    assert "upload of warc/a.warc.gz failed:" in failed.stderr and "NoSuchBucket" in failed.stderr
    with sqlite3.connect(data / "archive.db") as db:
        assert db.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
    client.create_bucket(Bucket="no-such-bucket")
    ok = _cli(env, "upload", "--data", str(data), "--to", "s3://no-such-bucket/x")
    assert ok.returncode == 0 and "uploaded 1 files" in ok.stdout
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="no-such-bucket")["Contents"]]
    assert keys == ["x/warc/a.warc.gz"]      # never the open file
    assert _cli(env, "upload", "--data", str(data), "--to", "ftp://elsewhere").returncode == 2
