"""Rows that the archive (``archive.store``) and a worker's shard (``archive.shards.writer``) both
write or read: the capture row, the digest index for revisits, the run row and what storing a page
stores. One definition each, so that a shard's journal and the archive it is merged into agree.

No Scrapy here.
"""

from __future__ import annotations

from sqlite_utils import Database

from .warc import CaptureRef, EarlierCapture

CAPTURE_COLUMNS = ("run_id", "url", "fetched_at", "status", "mime", "payload_digest", "warc_file", "warc_offset",
                   "warc_length", "request_offset", "request_length", "record_id", "record_type", "refers_to")


def capture_row(run_id: int, url: str, status: int, mime: str | None, ref: CaptureRef,
                refers_to: int | None) -> list:
    """The values of ``CAPTURE_COLUMNS`` for one capture."""
    return [run_id, url, ref.warc_date, status, mime, ref.payload_digest, ref.warc_file, ref.offset, ref.length,
            ref.request_offset, ref.request_length, ref.record_id, ref.record_type, refers_to]


def earlier_capture(db: Database, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
    """The first full capture of ``url`` with this payload digest in ``db`` (an archive, or a shard,
    whose captures table is the archive's): the digest index for revisits."""
    row = db.execute(
        "SELECT id, record_id, url, fetched_at FROM captures WHERE url = ? AND payload_digest = ? "
        "AND record_type = 'response' AND status = 200 AND lost IS NULL ORDER BY id LIMIT 1",
        [url, digest]).fetchone()
    return (row[0], EarlierCapture(row[1], row[2], row[3])) if row else None


def run_row(db: Database, run_id: int) -> dict:
    """The ``runs`` row of ``run_id`` in ``db`` (an archive or a shard), as the run record holds it."""
    cursor = db.execute("SELECT * FROM runs WHERE id = ?", [run_id])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))


def page_summary(record: dict, capture_ids: list[int], store_ranking: bool) -> dict:
    """What ``Archive.store_page`` stores of a page (the crawl counts it in its stats): the article's
    kind and Q&A pairs, the ranking's entries."""
    stored: dict = {}
    if record["kind"] in ("article", "interview") and capture_ids:
        stored["kind"] = record["kind"]
        if record.get("interview"):
            stored["qa"] = len(record["interview"]["qa"])
    if store_ranking and record.get("ranking") and capture_ids:
        stored["ranking_entries"] = len(record["ranking"])
    return stored


def capture_ref(row) -> CaptureRef:
    """The pointer a captures row holds (a ``sqlite3.Row``): what ``capture_row`` wrote."""
    return CaptureRef(warc_file=row["warc_file"], offset=row["warc_offset"], length=row["warc_length"],
                      record_id=row["record_id"], request_offset=row["request_offset"],
                      request_length=row["request_length"], payload_digest=row["payload_digest"],
                      warc_date=row["fetched_at"], record_type=row["record_type"])
