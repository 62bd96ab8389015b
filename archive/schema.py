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


@migrations()
def m002_versions_and_search(db: Database) -> None:
    """Article versions, Chinese full-text search, the run's base URL, indexes for the canned queries."""
    from .search import index_text

    db["article_versions"].create({
        "article": str, "version": int, "run_id": int, "capture_id": int, "seen_at": str, "content_hash": str,
        "title": str, "published_at": str, "source": str, "author": str, "editor": str, "text": str,
        "extractor_version": str,
    }, pk=("article", "version"), foreign_keys=[("article", "articles", "canonical_url"), ("run_id", "runs", "id"),
                                                ("capture_id", "captures", "id")])
    db["article_versions"].create_index(["run_id"])
    db["runs"].add_column("base_url", str)
    db["rankings"].create_index(["article"])
    db["rankings"].create_index(["captured_at"])
    db["articles"].create_index(["published_at"])
    db["article_captures"].create_index(["capture_id"])
    # FTS5 over bigram text (see archive/search.py); rowid = the source row's rowid.
    db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, tokenize='unicode61')")
    db.execute("CREATE VIRTUAL TABLE qa_fts USING fts5(question, answer, tokenize='unicode61')")
    # Backfill from what m001 archives already hold.
    for rowid, url, title, text, run, capture, seen, chash, pub, src, author, editor, version in db.execute(
            "SELECT a.rowid, canonical_url, title, text, c.run_id, capture_id, first_seen, content_hash, published_at,"
            " source, author, editor, extractor_version FROM articles a LEFT JOIN captures c ON c.id = a.capture_id"
    ).fetchall():
        db.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                   [rowid, index_text(title), index_text(text)])
        db["article_versions"].insert({
            "article": url, "version": 1, "run_id": run, "capture_id": capture, "seen_at": seen,
            "content_hash": chash, "title": title, "published_at": pub, "source": src, "author": author,
            "editor": editor, "text": text, "extractor_version": version})
    for rowid, question, answer in db.execute("SELECT rowid, question, answer FROM qa").fetchall():
        db.execute("INSERT INTO qa_fts (rowid, question, answer) VALUES (?, ?, ?)",
                   [rowid, index_text(question), index_text(answer)])


@migrations()
def m003_revisits_and_skipped_media(db: Database) -> None:
    """Revisit records (identical payload) and media skipped over the size cap."""
    db["captures"].add_column("record_type", str, not_null_default="response")
    db["captures"].add_column("refers_to", int)
    db["captures"].create_index(["url", "payload_digest"])
    db["skipped"].create({"id": int, "run_id": int, "url": str, "found_on": str, "reason": str, "size": int,
                          "skipped_at": str}, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["skipped"].create_index(["url"])


@migrations()
def m004_sitemap_entries(db: Database) -> None:
    """What each run's sitemap said (URL, lastmod): incremental runs re-fetch what it says changed."""
    db["sitemap_entries"].create({"run_id": int, "url": str, "lastmod": str}, pk=("run_id", "url"),
                                 foreign_keys=[("run_id", "runs", "id")])
    db["sitemap_entries"].create_index(["url"])


@migrations()
def m005_failures(db: Database) -> None:
    """Every request that did not give a page, with its reason (404, timeout, offsite redirect, …)."""
    db["failures"].create({"id": int, "run_id": int, "url": str, "found_on": str, "reason": str, "status": int,
                           "failed_at": str}, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["failures"].create_index(["run_id"])


@migrations()
def m006_merged_shards_and_uploads(db: Database) -> None:
    """Shards of distributed runs merged into the archive (never twice), and WARC files uploaded."""
    db["merged_shards"].create({"run_id": int, "shard": str, "worker": int, "status": str, "merged_at": str},
                               pk=("run_id", "shard"), foreign_keys=[("run_id", "runs", "id")])
    db["uploads"].create({"file": str, "target": str, "size": int, "sha256": str, "uploaded_at": str},
                         pk=("file", "target"))


@migrations()
def m007_lost_captures_and_repairs(db: Database) -> None:
    """Captures lost to a damaged WARC file (re-fetched by the next crawl), and the repairs that dropped them."""
    db["captures"].add_column("lost", str)
    # few rows are ever lost: a partial index finds them without indexing every capture
    db.execute("CREATE INDEX idx_captures_lost ON captures (id) WHERE lost IS NOT NULL")
    db["repairs"].create({"id": int, "file": str, "source": str, "state": str, "dropped": str, "bytes_before": int,
                          "bytes_after": int, "repaired_at": str}, pk="id", not_null={"file", "state"})


@migrations()
def m008_run_uid(db: Database) -> None:
    """A unique identity per run, also in its WARC files' warcinfo: run numbers repeat when the database
    (or its WAL) is lost, identities do not (archive.run_identity)."""
    db["runs"].add_column("uid", str)


@migrations()
def m009_article_script(db: Database) -> None:
    """The script an article's text is stored in (zh-Hans or zh-Hant): a site that writes traditional Chinese
    keeps it as written, a converted mirror is turned back into simplified (issue 15). Rows written before
    it have none (null) until a reparse."""
    db["articles"].add_column("script", str)


# Facet values whose counts the archive keeps as rows are written (m010): datasette counts a facet by
# grouping the whole table, 1.2 s for `kind` at 1,000,000 articles, where these rows answer in a
# millisecond (newsarchive/facets.py reads them for an unfiltered table; issue 17).
COUNTED_FACETS = {"articles": ("kind", "media", "source"), "captures": ("run_id", "status", "mime")}


@migrations()
def m010_facet_counts(db: Database) -> None:
    """Counts of each facet value, kept by triggers; the index interviews_by_person joins on; indexes that
    make the full-text tables' row counts cheap (issue 17: pages fast at a million articles)."""
    # value has no declared type: run numbers stay integers and text stays text, as in the tables
    db.execute("CREATE TABLE facet_counts (tbl TEXT NOT NULL, col TEXT NOT NULL, value NOT NULL, "
               "count INTEGER NOT NULL, PRIMARY KEY (tbl, col, value))")
    for table, columns in COUNTED_FACETS.items():
        add = ("INSERT INTO facet_counts (tbl, col, value, count) SELECT '{t}', '{c}', new.{c}, 1 "
               "WHERE new.{c} IS NOT NULL ON CONFLICT (tbl, col, value) DO UPDATE SET count = count + 1;")
        drop = "UPDATE facet_counts SET count = count - 1 WHERE tbl = '{t}' AND col = '{c}' AND value = old.{c};"
        body = {
            "INSERT": [add],
            "DELETE": [drop],
            # an upsert that rewrites a row with the same values changes no count
            f"UPDATE OF {', '.join(columns)}": [drop[:-1] + " AND old.{c} IS NOT new.{c};",
                                                 add.replace("IS NOT NULL", "IS NOT NULL AND old.{c} IS NOT new.{c}")],
        }
        for event, statements in body.items():
            name = f"{table}_facet_counts_{event.split()[0].lower()}"
            sql = "\n".join(s.format(t=table, c=c) for c in columns for s in statements)
            db.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN\n{sql}\nEND")
        for column in columns:
            db.execute(f"INSERT INTO facet_counts (tbl, col, value, count) SELECT '{table}', '{column}', {column}, "
                       f"count(*) FROM {table} WHERE {column} IS NOT NULL GROUP BY {column}")
    db["interviewees"].create_index(["person_id"])
    # datasette's database page counts every table, shadow tables included, with a time limit that a
    # bare count(*) cannot honour (it walks the table's pages in one step): 830 ms for articles_fts_data
    # and _content at 1,000,000 articles. An index of the rowid is the smallest b-tree count(*) can walk
    # (0.1 ms); FTS5 writes these tables with plain SQL, so the index is kept like any other.
    for fts in ("articles_fts", "qa_fts"):
        for shadow in ("data", "content", "docsize"):
            db.execute(f"CREATE INDEX idx_{fts}_{shadow}_count ON {fts}_{shadow} (id)")
