"""Copy closed WARC files and their CDXJ indexes to S3-compatible storage (boto3).

Only closed files are copied (``.warc.gz``, never ``.open``): they no longer change. Each
upload carries the file's SHA-256 as object metadata and is checked after the fact (size
and that checksum, read back with HEAD) before it is recorded in the archive's ``uploads``
table; a recorded file is not sent again. A failed upload is reported with its reason and
tried again next time.

Credentials and endpoint come from the usual AWS settings (environment, ~/.aws); an
``endpoint_url`` (or ``AWS_ENDPOINT_URL``) points it at MinIO, Ceph, moto or any other
S3-compatible server.

No Scrapy here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlite_utils import Database

from .store import now_iso
from .warc import WARC_SUFFIX


class UploadError(Exception):
    """The upload target is not usable."""


@dataclass
class UploadReport:
    uploaded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)


def parse_target(target: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (bucket, "some/prefix/")."""
    parts = urlsplit(target)
    if parts.scheme != "s3" or not parts.netloc:
        raise UploadError(f"expected s3://BUCKET[/PREFIX], got {target!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def files_to_upload(data_dir: Path) -> list[tuple[Path, str]]:
    """(local file, key under the prefix): closed WARC files, then their indexes."""
    warcs = sorted((data_dir / "warc").glob("*" + WARC_SUFFIX))
    indexes = sorted((data_dir / "indexes").glob("*.cdxj"))
    return [(p, f"warc/{p.name}") for p in warcs] + [(p, f"indexes/{p.name}") for p in indexes]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload_closed(db: Database, data_dir: Path, target: str, endpoint_url: str | None = None,
                  client=None) -> UploadReport:
    import boto3
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_target(target)
    s3 = client or boto3.client("s3", endpoint_url=endpoint_url)
    report = UploadReport()
    done = {(f, size) for f, size in db.execute("SELECT file, size FROM uploads WHERE target = ?", [target])}
    for path, key in files_to_upload(data_dir):
        size = path.stat().st_size
        if (key, size) in done:
            report.already.append(key)
            continue
        sha256 = _sha256(path)
        try:
            s3.upload_file(str(path), bucket, prefix + key, ExtraArgs={"Metadata": {"sha256": sha256}})
            head = s3.head_object(Bucket=bucket, Key=prefix + key)
        except (Boto3Error, BotoCoreError, ClientError, OSError) as exc:
            report.failed.append((key, str(exc)[:300]))
            continue
        if head["ContentLength"] != size or head.get("Metadata", {}).get("sha256") != sha256:
            report.failed.append((key, f"stored object differs: {head['ContentLength']} bytes, "
                                       f"sha256 {head.get('Metadata', {}).get('sha256')!r}"))
            continue
        with db.atomic():
            db.execute("INSERT OR REPLACE INTO uploads (file, target, size, sha256, uploaded_at) "
                       "VALUES (?, ?, ?, ?, ?)", [key, target, size, sha256, now_iso()])
        report.uploaded.append(key)
    return report
