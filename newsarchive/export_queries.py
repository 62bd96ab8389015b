"""What ``newsarchive export`` writes: one query per dataset, its columns and their types.

Each dataset names the time column ``--since`` compares with (when a row came into the archive)
and how ``--run`` selects its rows (what that run archived or changed), so the filters read the
same on every dataset. Every row carries the WARC file and offset of the capture it came from:
an export is a derived view, the WARC stays the source (STYLE: provenance).
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.columns import ARTICLE


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[tuple[str, type], ...]      # (name, str | int), in order
    sql: str                                   # ends in a WHERE clause the filters are ANDed to
    since: str                                 # the column --since compares with
    run: str                                   # an SQL condition on :run
    order: str

    def query(self, since: str | None, run: int | None) -> tuple[str, dict]:
        where, params = [], {}
        if since:
            where.append(f"{self.since} >= :since")
            params["since"] = since
        if run is not None:
            where.append(self.run)
            params["run"] = run
        return f"{self.sql} {' AND '.join(where) or '1'} ORDER BY {self.order}", params


WARC = (("warc_file", str), ("warc_offset", int))
# an article's rows belong to a run when that run stored a version of it (new, or edited)
ARTICLE_IN_RUN = "{0} IN (SELECT article FROM article_versions WHERE run_id = :run)"
# in the order the page named them (SQLite concatenates in the subquery's order)
PEOPLE = ("(SELECT group_concat(v, '、') FROM (SELECT {0} AS v FROM interviewees i JOIN people p ON p.id = i.person_id "
          "WHERE i.article = a.canonical_url ORDER BY i.seq))")

DATASETS = {d.name: d for d in (
    Dataset("articles", tuple((c.name, c.type) for c in ARTICLE) + WARC,
            "SELECT " + ", ".join(f"a.{c.name}" for c in ARTICLE) + ", c.warc_file, c.warc_offset "
            "FROM articles a LEFT JOIN captures c ON c.id = a.capture_id WHERE",
            "a.first_seen", ARTICLE_IN_RUN.format("a.canonical_url"), "a.published_at, a.canonical_url"),
    Dataset("interviews", (("article", str), ("title", str), ("published_at", str), ("people", str),
                           ("positions", str), ("questions", int)) + WARC,
            "SELECT n.article, a.title, a.published_at, " + PEOPLE.format("p.name") + ", "
            + PEOPLE.format("coalesce(i.position, '')") + ", (SELECT count(*) FROM qa WHERE qa.article = n.article), "
            "c.warc_file, c.warc_offset FROM interviews n JOIN articles a ON a.canonical_url = n.article "
            "LEFT JOIN captures c ON c.id = n.capture_id WHERE",
            "a.first_seen", ARTICLE_IN_RUN.format("n.article"), "a.published_at, n.article"),
    Dataset("qa", (("article", str), ("person", str), ("position", str), ("title", str), ("date", str), ("seq", int),
                   ("speaker", str), ("question", str), ("answer", str)) + WARC,
            "SELECT q.article, " + PEOPLE.format("p.name") + ", " + PEOPLE.format("coalesce(i.position, '')")
            + ", a.title, substr(a.published_at, 1, 10), q.seq, q.speaker, q.question, q.answer, c.warc_file, "
            "c.warc_offset FROM qa q JOIN articles a ON a.canonical_url = q.article "
            "LEFT JOIN interviews n ON n.article = q.article LEFT JOIN captures c ON c.id = n.capture_id WHERE",
            "a.first_seen", ARTICLE_IN_RUN.format("q.article"), "a.published_at, q.article, q.seq"),
    Dataset("rankings", (("run_id", int), ("captured_at", str), ("source_url", str), ("rank", int), ("title", str),
                         ("full_title", str), ("url", str), ("article", str), ("truncated", int)) + WARC,
            "SELECT r.run_id, r.captured_at, r.source_url, r.rank, r.title, r.full_title, r.url, r.article, "
            "r.truncated, c.warc_file, c.warc_offset FROM rankings r LEFT JOIN captures c ON c.id = r.capture_id "
            "WHERE", "r.captured_at", "r.run_id = :run", "r.captured_at, r.source_url, r.rank"),
    Dataset("captures", (("id", int), ("run_id", int), ("url", str), ("fetched_at", str), ("status", int),
                         ("mime", str), ("record_type", str), ("payload_digest", str), ("warc_file", str),
                         ("warc_offset", int), ("warc_length", int), ("request_offset", int), ("request_length", int),
                         ("record_id", str), ("refers_to", int), ("lost", str)),
            "SELECT id, run_id, url, fetched_at, status, mime, record_type, payload_digest, warc_file, warc_offset, "
            "warc_length, request_offset, request_length, record_id, refers_to, lost FROM captures WHERE",
            "fetched_at", "run_id = :run", "id"),
)}
