"""datasette plugin: the SQL function behind the archive's Chinese full-text search, and one
SQLite function taken away.

``bigram_query(:q)`` turns a search string into the FTS5 phrase that finds exactly what
``LIKE '%q%'`` finds (see ``archive/search.py``); the canned queries use it.

``fts3_tokenizer()`` with one argument returns a pointer to a tokenizer module, with two it
installs one from a pointer: a query could read and overwrite memory through it. Python 3.11's
sqlite3 cannot switch it off (SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER needs 3.12's setconfig),
so an application function of the same name and arity, which SQLite prefers to its built-in
one, refuses every call.

The notes on the ``articles`` and ``article_versions`` columns come from their declaration
(``archive/columns.py``), the one place they are written, not from ``metadata.yml``.

The browsing side (issue 17): the article page (``/article``), the ranking chart's data
(``/-/ranking.json``) and its script and styles (``/-/newsarchive/…``, from ``static/``, no CDN);
links that stay in the archive (``links.py``); the table search box through ``bigram_query``
(``search_box.py``); facets counted as rows are written (``facets.py``).
"""

from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import asgi_static

from archive.columns import column_notes
from archive.search import match_expression

from . import links, search_box
from .article_page import article_page
from .ranking_data import ranking_json

STATIC = Path(__file__).resolve().parent / "static"


def _refused(*_args):
    raise ValueError("fts3_tokenizer() is disabled in this archive")


@hookimpl
def prepare_connection(conn, datasette):
    conn.create_function("bigram_query", 1, match_expression, deterministic=True)
    # replay_url(fetched_at, url): a capture's pywb URL where serve knows where replay runs, else null
    base = links.replay_base(datasette)
    conn.create_function("replay_url", 2, lambda fetched_at, url: links.replay_href(base, fetched_at, url),
                         deterministic=True)
    for arity in (1, 2):
        conn.create_function("fts3_tokenizer", arity, _refused)


@hookimpl
def get_metadata(datasette, key, database, table):
    # metadata.yml (serve passes it with --metadata) is merged over this, and describes the rest
    return {"databases": {"archive": {"tables": {name: {"columns": notes}
                                                 for name, notes in column_notes().items()}}}}


@hookimpl
def register_routes(datasette):
    return [(r"^/article$", article_page), (r"^/-/ranking\.json$", ranking_json),
            (r"^/-/newsarchive/(?P<path>.*)$", asgi_static(STATIC))]


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    return ["/-/newsarchive/browse.css"]


@hookimpl
def extra_js_urls(template, database, table, columns, view_name, request, datasette):
    # a module script runs after the page is parsed, when the glossary it folds is there
    return [{"url": "/-/newsarchive/browse.js", "module": True}] if view_name == "table" else []


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return links.render(row, value, column, table, datasette) if database == "archive" else None


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    # after datasette's own filters (trylast): our supports_search=True wins over its False
    return search_box.filters(request, database, table, datasette)


@hookimpl
def asgi_wrapper(datasette):
    return search_box.skip_row_count


@hookimpl
def register_facet_classes():
    from .facets import CountedFacet

    return [CountedFacet]
