"""The records of a page, written to the archive: articles and their versions, interviews with their
interviewees and Q&A, ranking snapshots. A mixin of ``archive.store.Archive``, whose ``_unit`` makes
each page's writes one unit (all or none).

Plain SQL on the hot path: sqlite-utils' ``upsert`` introspects the table on every call. The
columns come from their one declaration (archive.columns).
"""

from __future__ import annotations

import hashlib
import json

from .columns import ARTICLE_COLUMNS, HASHED_COLUMNS, VERSION_COLUMNS
from .rows import page_summary
from .search import index_text


def _content_hash(record: dict) -> str:
    blob = json.dumps([record.get(k) for k in HASHED_COLUMNS] + [record.get("interview")], ensure_ascii=False,
                      sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()


def _upsert_sql(table: str, columns: tuple[str, ...], key: tuple[str, ...], returning: str = "") -> str:
    """INSERT ... ON CONFLICT DO UPDATE of every non-key column (what sqlite-utils' upsert does)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}" + (f" RETURNING {returning}" if returning else ""))


_UPSERT_ARTICLE = _upsert_sql("articles", ARTICLE_COLUMNS, ("canonical_url",), "rowid")
_UPSERT_QA = _upsert_sql("qa", ("article", "seq", "question", "answer", "speaker"), ("article", "seq"), "rowid")
_UPSERT_INTERVIEWEE = _upsert_sql("interviewees", ("article", "person_id", "seq", "position"),
                                  ("article", "person_id"))
_INSERT_VERSION = (f"INSERT INTO article_versions ({', '.join(VERSION_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(VERSION_COLUMNS))})")


class RecordWrites:
    def store_article(self, record: dict, capture_ids: list[int], seen_at: str, run_id: int | None = None) -> str:
        """Upsert an article (or interview) by canonical URL and link its captures; what it was to the
        archive: ``new``, ``edited`` (a new version), ``unchanged`` or ``mirror`` (a mirror page of an
        original the archive has).

        A mirror page and its original are one article: the original's text wins wherever
        both exist, and both captures link to the row. A change of content between runs
        adds a row to ``article_versions``; the full-text index follows the row.
        """
        url = record["canonical_url"]
        from_mirror = 1 if record.get("is_mirror") else 0
        content_hash = _content_hash(record)
        with self._unit():
            row = self.db.conn.execute(
                "SELECT a.from_mirror, a.first_seen, a.last_seen, a.content_hash, a.rowid, c.lost FROM articles a "
                "LEFT JOIN captures c ON c.id = a.capture_id WHERE a.canonical_url = ?", [url]).fetchone()
            # first/last seen do not depend on the order pages are processed in (crawl or reparse).
            first_seen = min(row[1], seen_at) if row else seen_at
            last_seen = max(row[2], seen_at) if row else seen_at
            keep_existing = row is not None and row[0] == 0 and from_mirror == 1
            changed = row is None or (not keep_existing and (row[3] != content_hash or row[0] != from_mirror))
            if keep_existing or not changed:
                # the same content fetched again because its capture was lost: the article points at it now
                repoint = row[5] is not None and not keep_existing
                self.db.execute("UPDATE articles SET first_seen = ?, last_seen = ?, capture_id = "
                                "CASE WHEN ? THEN ? ELSE capture_id END WHERE canonical_url = ?",
                                [first_seen, last_seen, repoint, capture_ids[0], url])
                if repoint:
                    self.db.execute("UPDATE interviews SET capture_id = ? WHERE article = ?", [capture_ids[0], url])
            else:
                values = {"canonical_url": url, "from_mirror": from_mirror, "content_hash": content_hash,
                          "first_seen": first_seen, "last_seen": last_seen, "capture_id": capture_ids[0]}
                rowid = self.db.conn.execute(_UPSERT_ARTICLE, [values[c] if c in values else record.get(c)
                                                               for c in ARTICLE_COLUMNS]).fetchone()[0]
                if row is not None:
                    self.db.conn.execute("DELETE FROM articles_fts WHERE rowid = ?", [rowid])
                self.db.conn.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                                     [rowid, index_text(record.get("title")), index_text(record.get("text"))])
                if row is None or row[3] != content_hash:
                    self._add_version(url, record, content_hash, capture_ids[0], seen_at, run_id, row is None)
            self.db.conn.executemany(
                "INSERT INTO article_captures (article, capture_id, page, is_mirror) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article, capture_id) DO UPDATE SET page = excluded.page, is_mirror = excluded.is_mirror",
                [(url, capture_id, page, from_mirror) for page, capture_id in enumerate(capture_ids, 1)])
            if record.get("interview") and changed and not keep_existing:
                self._store_interview(url, record["interview"], capture_ids[0])
        if row is None:
            return "new"
        if keep_existing:
            return "mirror"
        return "edited" if changed and row[3] != content_hash else "unchanged"

    def store_page(self, run_id: int, record: dict, capture_ids: list[int], fetched_at: str,
                   store_ranking: bool) -> dict:
        """Store what one page (or merged multi-page article) gave; the crawl and reparse both call this."""
        stored = page_summary(record, capture_ids, store_ranking)
        if "kind" in stored:
            stored["article"] = self.store_article(record, capture_ids, fetched_at, run_id)
        if "ranking_entries" in stored:
            self.store_ranking(run_id, record["canonical_url"], fetched_at, record["ranking"], capture_ids[0])
        return stored

    def _add_version(self, url, record, content_hash, capture_id, seen_at, run_id, first: bool) -> None:
        last = None if first else self.db.conn.execute("SELECT max(version) FROM article_versions WHERE article = ?",
                                                        [url]).fetchone()[0]
        values = {"article": url, "version": (last or 0) + 1, "run_id": run_id, "capture_id": capture_id,
                  "seen_at": seen_at, "content_hash": content_hash}
        self.db.conn.execute(_INSERT_VERSION, [values[c] if c in values else record.get(c) for c in VERSION_COLUMNS])

    def _store_interview(self, article: str, interview: dict, capture_id: int) -> None:
        conn = self.db.conn
        conn.execute("INSERT INTO interviews (article, capture_id) VALUES (?, ?) "
                     "ON CONFLICT (article) DO UPDATE SET capture_id = excluded.capture_id", [article, capture_id])
        conn.execute("DELETE FROM interviewees WHERE article = ?", [article])
        for seq, person in enumerate(interview.get("interviewees", []), 1):
            person_id = self._person(person["name"], person.get("position"))
            conn.execute(_UPSERT_INTERVIEWEE, [article, person_id, seq, person.get("position")])
        qa = interview.get("qa", [])
        for seq, pair in enumerate(qa, 1):
            rowid = conn.execute(_UPSERT_QA, [article, seq, pair["question"], pair["answer"],
                                              pair.get("speaker")]).fetchone()[0]
            conn.execute("DELETE FROM qa_fts WHERE rowid = ?", [rowid])
            conn.execute("INSERT INTO qa_fts (rowid, question, answer) VALUES (?, ?, ?)",
                         [rowid, index_text(pair["question"]), index_text(pair["answer"])])
        for (rowid,) in conn.execute("SELECT rowid FROM qa WHERE article = ? AND seq > ?",
                                     [article, len(qa)]).fetchall():
            conn.execute("DELETE FROM qa_fts WHERE rowid = ?", [rowid])
        conn.execute("DELETE FROM qa WHERE article = ? AND seq > ?", [article, len(qa)])

    def _person(self, name: str, position: str | None) -> int:
        row = self.db.execute("SELECT id FROM people WHERE name = ?", [name]).fetchone()
        if row:
            if position:
                self.db.execute("UPDATE people SET position = ? WHERE id = ?", [position, row[0]])
            return row[0]
        return self.db.conn.execute("INSERT INTO people (name, position) VALUES (?, ?)", [name, position]).lastrowid

    def store_ranking(self, run_id: int, source_url: str, captured_at: str, entries: list[dict],
                      capture_id: int) -> int:
        """One ranking snapshot: the run's view of the sidebar on ``source_url``."""
        with self._unit():
            for entry in entries:
                article = self.db.execute("SELECT canonical_url FROM articles WHERE canonical_url = ?",
                                          [entry["url"]]).fetchone()
                self.db.execute(
                    "INSERT INTO rankings (run_id, source_url, rank, captured_at, title, full_title, url, article, "
                    "truncated, capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (run_id, source_url, rank) DO UPDATE SET captured_at = excluded.captured_at, "
                    "title = excluded.title, full_title = excluded.full_title, url = excluded.url, "
                    "article = excluded.article, truncated = excluded.truncated, capture_id = excluded.capture_id",
                    [run_id, source_url, entry["rank"], captured_at, entry["title"], entry.get("full_title"),
                     entry["url"], article[0] if article else None, int(bool(entry.get("truncated"))), capture_id])
        return len(entries)

    def resolve_ranking_articles(self, run_id: int) -> None:
        """Link ranking rows to articles stored later in the same run."""
        with self._unit():
            self.db.execute(
                "UPDATE rankings SET article = url WHERE run_id = ? AND article IS NULL "
                "AND url IN (SELECT canonical_url FROM articles)", [run_id])

