"""The archive's schema, as sqlite-utils migrations. Never edit an applied migration: add one."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("newsarchive")


@migrations()
def m001_initial(db: Database) -> None:
    db["runs"].create({
        "id": int, "site": str, "started_at": str, "finished_at": str, "status": str,
        "health": str, "stats": str, "extractor_version": str, "software_version": str,
    }, pk="id", not_null={"site", "started_at", "status"})

    db["captures"].create({
        "id": int, "run_id": int, "url": str, "fetched_at": str, "status": int, "mime": str,
        "payload_digest": str, "warc_file": str, "warc_offset": int, "warc_length": int,
        "request_offset": int, "request_length": int, "record_id": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")], not_null={"url", "warc_file", "warc_offset"})
    db["captures"].create_index(["record_id"], unique=True)
    db["captures"].create_index(["url"])

    db["articles"].create({
        "canonical_url": str, "kind": str, "title": str, "title_raw": str, "media": str, "series": str,
        "subtitle": str, "published_at": str, "source": str, "author": str, "editor": str,
        "text": str, "text_raw": str, "encoding": str, "from_mirror": int, "content_hash": str,
        "first_seen": str, "last_seen": str, "capture_id": int, "extractor_version": str,
    }, pk="canonical_url", foreign_keys=[("capture_id", "captures", "id")])

    db["article_captures"].create({"article": str, "capture_id": int, "page": int, "is_mirror": int},
                                  pk=("article", "capture_id"),
                                  foreign_keys=[("article", "articles", "canonical_url"),
                                                ("capture_id", "captures", "id")])

    db["people"].create({"id": int, "name": str, "position": str}, pk="id", not_null={"name"})
    db["people"].create_index(["name"], unique=True)

    db["interviews"].create({"article": str, "capture_id": int}, pk="article",
                            foreign_keys=[("article", "articles", "canonical_url"), ("capture_id", "captures", "id")])
    db["interviewees"].create({"article": str, "person_id": int, "seq": int, "position": str},
                              pk=("article", "person_id"),
                              foreign_keys=[("article", "interviews", "article"), ("person_id", "people", "id")])
    db["qa"].create({"article": str, "seq": int, "question": str, "answer": str, "speaker": str},
                    pk=("article", "seq"), foreign_keys=[("article", "interviews", "article")])

    db["rankings"].create({
        "run_id": int, "source_url": str, "rank": int, "captured_at": str, "title": str, "full_title": str,
        "url": str, "article": str, "truncated": int, "capture_id": int,
    }, pk=("run_id", "source_url", "rank"),
        foreign_keys=[("run_id", "runs", "id"), ("capture_id", "captures", "id")])
    db["rankings"].create_index(["url"])
