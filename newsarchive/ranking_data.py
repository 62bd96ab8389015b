"""``/-/ranking.json``: the 热门排行 over time, shaped for the ranking chart (``static/ranking-chart.js``).

    /-/ranking.json?q=汽开区&since=2022-10-01&until=2022-10-31     articles whose title has a word
    /-/ranking.json?url=http://…/content_1.htm                     one article (its own time span)
    /-/ranking.json                                                the most-ranked of the last 30 days

A snapshot is one run: a run that read the ranking on several pages counts an article at its
best rank there. Each series has one rank per snapshot of the range, ``null`` where the article
was not in the ranking, so the chart can leave a gap. Titles are searched as written and in
simplified script (``to_simplified``), like the search query. The rankings table is small
(10 rows a snapshot), so these queries cost little at any archive size.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

DATABASE = "archive"
SERIES = 8                 # lines a chart can tell apart by colour
DEFAULT_DAYS = 30
# a single article's chart shows this many days around its time in the ranking
SPAN_PADDING_DAYS = 3

SNAPSHOTS = ("SELECT run_id, min(captured_at) AS at FROM rankings WHERE captured_at >= :since "
             "AND captured_at < date(:until, '+1 day') GROUP BY run_id ORDER BY at")
TITLE = "coalesce(a.title, r.full_title, r.title)"
PICK = (f"SELECT r.url FROM rankings r LEFT JOIN articles a ON a.canonical_url = r.article "
        f"WHERE r.captured_at >= :since AND r.captured_at < date(:until, '+1 day') AND ({{where}}) "
        f"GROUP BY r.url ORDER BY count(*) DESC, min(r.rank) LIMIT {SERIES}")
BY_TITLE = f"instr({TITLE}, :q) > 0 OR instr({TITLE}, :simplified) > 0"
POINTS = (f"SELECT r.run_id, r.url, min(r.rank) AS rank, max({TITLE}) AS title, max(r.article) AS article "
          f"FROM rankings r LEFT JOIN articles a ON a.canonical_url = r.article "
          f"WHERE r.url IN (SELECT value FROM json_each(:urls)) AND r.captured_at >= :since "
          f"AND r.captured_at < date(:until, '+1 day') GROUP BY r.run_id, r.url")
LATEST = "SELECT date(max(captured_at)) FROM rankings"
SPAN = (f"SELECT date(min(captured_at), '-{SPAN_PADDING_DAYS} days'), date(max(captured_at), "
        f"'+{SPAN_PADDING_DAYS} days') FROM rankings WHERE url = :url")


def _simplified(text: str) -> str:
    from extract.normalize import to_simplified

    return to_simplified(text)


async def ranking_json(request, datasette) -> Response:
    import json

    db = datasette.get_database(DATABASE)
    q = (request.args.get("q") or "").strip()
    url = (request.args.get("url") or "").strip()
    since, until = request.args.get("since") or "", request.args.get("until") or ""
    if url and not (since and until):
        first, last = (await db.execute(SPAN, {"url": url})).rows[0]
        since, until = since or first or "", until or last or ""
    if not until:
        until = (await db.execute(LATEST)).rows[0][0] or "9999-12-31"
    if not since:
        since = (await db.execute(f"SELECT date(:until, '-{DEFAULT_DAYS} days')", {"until": until})).rows[0][0]
    span = {"since": since, "until": until}
    snapshots = [dict(r) for r in (await db.execute(SNAPSHOTS, span)).rows]
    if url:
        urls = [url]
    else:
        where = BY_TITLE if q else "1"
        params = dict(span, q=q, simplified=_simplified(q)) if q else span
        urls = [r[0] for r in (await db.execute(PICK.format(where=where), params)).rows]
    column = {s["run_id"]: n for n, s in enumerate(snapshots)}
    series = {u: {"url": u, "title": None, "archived": False, "ranks": [None] * len(snapshots)} for u in urls}
    for run_id, entry_url, rank, title, article in (await db.execute(
            POINTS, dict(span, urls=json.dumps(urls)))).rows:
        line = series[entry_url]
        line["ranks"][column[run_id]] = rank
        line["title"] = line["title"] or title
        line["archived"] = line["archived"] or bool(article)
    body = {"since": since, "until": until, "q": q, "snapshots": snapshots, "series": list(series.values())}
    return Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")
