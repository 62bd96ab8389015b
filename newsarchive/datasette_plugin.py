"""datasette plugin: the SQL function behind the archive's Chinese full-text search.

``bigram_query(:q)`` turns a search string into the FTS5 phrase that finds exactly what
``LIKE '%q%'`` finds (see ``archive/search.py``); the canned queries use it.
"""

from datasette import hookimpl

from archive.search import match_expression


@hookimpl
def prepare_connection(conn):
    conn.create_function("bigram_query", 1, match_expression, deterministic=True)
