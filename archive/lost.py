"""Captures whose WARC record was lost to damage, and what the next crawl fetches again because of them.

A repair (``archive.repair``) drops a damaged record from its file and marks its capture row
``lost`` with the reason; the row then points at the repair's metadata record, which lists what was
dropped, so that a reparse marks the same captures. The row stays: articles, versions and rankings
that came from it keep their provenance. A revisit whose payload was in a lost record is lost with
it (replay would find nothing behind it).

A lost capture is *pending* until a later capture of the same URL that is not lost exists: until
then every crawl asks for it again, whatever the frontier says of the article. A continuation page
(``下一页``) is asked for through the article's first page, which leads to it.

No Scrapy here; plain SQL on the archive's connection.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# The first page of the same article as the lost page, when the lost page is a later one.
_PENDING = """
SELECT c.id, c.url, ac.page, (SELECT c1.url FROM article_captures a1 JOIN captures c1 ON c1.id = a1.capture_id
                             WHERE a1.article = ac.article AND a1.page = 1 AND a1.is_mirror = ac.is_mirror
                             ORDER BY c1.id DESC LIMIT 1)
FROM captures c LEFT JOIN article_captures ac ON ac.capture_id = c.id
WHERE c.lost IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM captures n WHERE n.url = c.url AND n.id > c.id AND n.lost IS NULL)
ORDER BY c.id
"""


@dataclass(frozen=True)
class LostCapture:
    id: int
    url: str
    warc_file: str
    reason: str
    fetched_again_as: int | None


def has_lost_column(conn: sqlite3.Connection) -> bool:
    """An archive opened read-only may predate the migration that added ``captures.lost``."""
    return any(row[1] == "lost" for row in conn.execute("PRAGMA table_info(captures)"))


def refetch_urls(conn: sqlite3.Connection) -> list[str]:
    """URLs the next crawl asks for again: lost captures not fetched again since."""
    if not has_lost_column(conn):
        return []
    urls: dict[str, None] = {}
    for _, url, page, first_page in conn.execute(_PENDING):
        urls[first_page if page and page > 1 and first_page else url] = None
    return list(urls)


def lost_captures(conn: sqlite3.Connection) -> list[LostCapture]:
    """Every lost capture, with the capture that fetched its URL again, if any."""
    if not has_lost_column(conn):
        return []
    return [LostCapture(*row) for row in conn.execute(
        "SELECT c.id, c.url, c.warc_file, c.lost, (SELECT min(n.id) FROM captures n WHERE n.url = c.url "
        "AND n.id > c.id AND n.lost IS NULL) FROM captures c WHERE c.lost IS NOT NULL ORDER BY c.id")]


def insert_lost(conn: sqlite3.Connection, run_id: int, warc_file: str, offset: int, length: int,
                capture: dict) -> None:
    """A lost capture's row, pointing at the repair record that lists it (a record the database had
    no row for, or a reparse of a repaired file). Its record id keeps it unique."""
    conn.execute(
        "INSERT INTO captures (run_id, url, fetched_at, status, mime, payload_digest, warc_file, warc_offset, "
        "warc_length, record_id, record_type, lost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (record_id) DO NOTHING",
        [run_id, capture["url"], capture.get("fetched_at"), capture.get("status"), capture.get("mime"),
         capture.get("payload_digest"), warc_file, offset, length, capture["record_id"],
         capture.get("record_type") or "response", capture["lost"]])


def mark_revisits_lost(conn: sqlite3.Connection, capture_ids: list[int]) -> int:
    """Revisits whose payload was in one of ``capture_ids`` are lost with it; their own records stay."""
    count = 0
    for capture_id in capture_ids:
        count += conn.execute("UPDATE captures SET lost = ? WHERE refers_to = ? AND lost IS NULL",
                              [f"its payload was in capture {capture_id}, which was lost", capture_id]).rowcount
    return count
