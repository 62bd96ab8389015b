"""The search box of the ``articles`` and ``qa`` tables: bigram full-text search, fast at any size.

datasette's own ``?_search=`` writes ``rowid in (select rowid from fts where fts match :search)``
with the words escaped for a tokenizer that splits words (ours indexes bigrams, archive/search.py),
then counts the hits and facets them by reading every hit's row. This module takes the box over
(the tables name no ``fts_table`` in metadata.yml, so datasette's filter stays out):

- the words go through ``match_expression``, the ``bigram_query`` of the ``search`` query: any
  length, either script, the same hits;
- the hits are counted in the full-text index (24 ms for 长春, in 369,421 of 1,000,000 articles,
  against 500 ms reading their rows), and the page shows that count (``_nocount`` is added to the
  request by ``skip_row_count``, an ASGI wrapper, when nothing but the search filters the table);
- the plan follows the count: a rare word looks its few rows up by rowid; a common one reads the
  table in its sort order and keeps the rows whose rowid the index holds (``+rowid`` stops SQLite
  from looking every hit up first): 85 ms against 675 ms for 长春 at a million articles;
- facets are skipped when the hits exceed ``SEARCH_FACET_MAX`` (newsarchive/facets.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from datasette.filters import FilterArguments

from archive.search import match_expression

DATABASE = "archive"
SEARCHABLE = {"articles": ("articles_fts", ("title", "text")), "qa": ("qa_fts", ("question", "answer"))}
DENSE = 1000                # above this many hits, scan in sort order rather than look each hit up
SEARCH_FACET_MAX = 2000     # above this many hits, no facets
_HITS = "newsarchive.search_hits"


def search_terms(args) -> list[tuple[str | None, str]]:
    """(column or None, words) of ``_search`` and ``_search_COLUMN`` arguments with words in them."""
    terms = []
    for key in args:
        if key == "_search" or key.startswith("_search_") and key != "_searchmode":
            if args.get(key, "").strip():
                terms.append((None if key == "_search" else key[len("_search_"):], args[key]))
    return terms


def search_hits(request) -> int | None:
    """The hits of this request's search, once ``filters`` counted them (None when it has none)."""
    return request.scope.get(_HITS) if request is not None else None


async def filters(request, database, table, datasette):
    if database != DATABASE or table not in SEARCHABLE:
        return None
    fts, columns = SEARCHABLE[table]
    terms = search_terms(request.args)
    if not terms:
        return FilterArguments([], {}, [], {"supports_search": True})
    matches, params, described = [], {}, []
    for n, (column, words) in enumerate(terms):
        if column is not None and column not in columns:
            from datasette.utils.asgi import BadRequest

            raise BadRequest(f"Cannot search by that column: {column}")
        params[f"bigram_{n}"] = match_expression(words)
        matches.append(f"{column or fts} MATCH :bigram_{n}")
        described.append(f'search matches "{words}"' if column is None else f'search {column} matches "{words}"')
    where = " AND ".join(matches)
    db = datasette.get_database(database)
    hits = (await db.execute(f"SELECT count(*) FROM {fts} WHERE {where}", params)).rows[0][0]
    request.scope[_HITS] = hits
    rowid = "+rowid" if hits > DENSE else "rowid"
    clause = f"{rowid} IN (SELECT rowid FROM {fts} WHERE {where})"
    context = {"supports_search": True, "search": terms[0][1]}
    if only_searched(request.query_string):
        context["filtered_table_rows_count"] = hits
    if hits > SEARCH_FACET_MAX:
        described.append(f"facets are counted for searches of up to {SEARCH_FACET_MAX:,} hits")
    return FilterArguments([clause], params, described, context)


def only_searched(query_string: str) -> bool:
    """True when the search is all that filters the table (then its hit count is the row count)."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return any(k.startswith("_search") for k, _ in pairs) and not any(not k.startswith("_") for k, _ in pairs)


def skip_row_count(app):
    """ASGI wrapper: ``_nocount=1`` on a searchable table's HTML page searched and nothing else, whose
    count ``filters`` takes from the full-text index (datasette reads ``_nocount`` before any hook)."""
    paths = {f"/{DATABASE}/{table}" for table in SEARCHABLE}

    async def wrapped(scope, receive, send):
        if scope.get("type") == "http" and scope.get("path") in paths:
            query = scope.get("query_string", b"").decode("latin-1")
            if only_searched(query) and "_nocount=" not in query:
                scope = dict(scope, query_string=(query + "&_nocount=1").encode("latin-1"))
        await app(scope, receive, send)

    return wrapped
