"""The article page (``/article?url=…``): everything the archive holds about one article.

Title, metadata and text; the interviewees and the Q&A in order; its 热门排行 history as a chart
(the ranking chart's script, fed by ``/-/ranking.json?url=…``); its versions with what changed
between each and the next; its captures, each with its replay link and its place in the WARC
files. Every article link in datasette leads here (``newsarchive/links.py``), so the archivist
stays in the archive; the live URL is shown as text.

A URL the ranking named but the crawl never archived still gets a page: its ranking history.
Each query is by an indexed key (canonical URL, article, capture id): a page costs the same at a
million articles as at a hundred.
"""

from __future__ import annotations

from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from .links import article_href, replay_base, replay_href
from .version_diff import version_changes

DATABASE = "archive"

ARTICLE = "SELECT rowid, * FROM articles WHERE canonical_url = :url"
# a mirror's URL (or a later page's) is a capture of the article: its page is the article's
BY_CAPTURE_URL = ("SELECT ac.article FROM captures c JOIN article_captures ac ON ac.capture_id = c.id "
                  "WHERE c.url = :url LIMIT 1")
INTERVIEWEES = ("SELECT p.name, i.position, p.id AS person_id FROM interviewees i JOIN people p ON p.id = i.person_id "
                "WHERE i.article = :url ORDER BY i.seq")
QA = "SELECT seq, speaker, question, answer FROM qa WHERE article = :url ORDER BY seq"
VERSIONS = ("SELECT version, run_id, seen_at, capture_id, title, published_at, source, author, editor, text "
            "FROM article_versions WHERE article = :url ORDER BY version")
CAPTURES = ("SELECT c.id, c.run_id, c.url, c.fetched_at, c.status, c.mime, c.record_type, c.warc_file, c.warc_offset, "
            "c.warc_length, c.lost, ac.page, ac.is_mirror FROM article_captures ac JOIN captures c ON c.id = ac.capture_id "
            "WHERE ac.article = :url ORDER BY c.fetched_at, ac.page")
RANKED = "SELECT count(*) AS snapshots, min(rank) AS best FROM rankings WHERE url = :url OR article = :url"
METADATA = ("kind", "published_at", "source", "author", "editor", "series", "subtitle", "media", "script",
            "encoding", "first_seen", "last_seen", "extractor_version")


async def article_page(request, datasette) -> Response:
    url = (request.args.get("url") or "").strip()
    if not url:
        return Response.html(await datasette.render_template(
            "article.html", {"url": "", "article": None}, request=request), status=400)
    db = datasette.get_database(DATABASE)
    rows = (await db.execute(ARTICLE, {"url": url})).rows
    if not rows:
        found = (await db.execute(BY_CAPTURE_URL, {"url": url})).rows
        if found:
            return Response.redirect(article_href(found[0][0]))
    article = dict(rows[0]) if rows else None
    ranked = dict((await db.execute(RANKED, {"url": url})).rows[0])
    context = {"url": url, "article": article, "ranked": ranked}
    if article:
        versions = [dict(r) for r in (await db.execute(VERSIONS, {"url": url})).rows]
        replay = replay_base(datasette)
        captures = []
        for row in (await db.execute(CAPTURES, {"url": url})).rows:
            capture = dict(row)
            capture["replay"] = None if capture["lost"] else replay_href(replay, capture["fetched_at"], capture["url"])
            captures.append(capture)
        context.update(
            metadata=[(name, article[name]) for name in METADATA if article.get(name) not in (None, "")],
            paragraphs=(article["text"] or "").split("\n"),
            interviewees=[dict(r) for r in (await db.execute(INTERVIEWEES, {"url": url})).rows],
            qa=[dict(r) for r in (await db.execute(QA, {"url": url})).rows],
            versions=versions,
            changes=version_changes(versions),
            captures=captures,
            replay_configured=bool(replay),
            row_href=datasette.urls.row(DATABASE, "articles", tilde_encode(url)),
        )
    status = 200 if article or ranked["snapshots"] else 404
    return Response.html(await datasette.render_template("article.html", context, request=request), status=status)
