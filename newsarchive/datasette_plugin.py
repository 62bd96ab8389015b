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
"""

from datasette import hookimpl

from archive.columns import column_notes
from archive.search import match_expression


def _refused(*_args):
    raise ValueError("fts3_tokenizer() is disabled in this archive")


@hookimpl
def prepare_connection(conn):
    conn.create_function("bigram_query", 1, match_expression, deterministic=True)
    for arity in (1, 2):
        conn.create_function("fts3_tokenizer", arity, _refused)


@hookimpl
def get_metadata(datasette, key, database, table):
    # metadata.yml (serve passes it with --metadata) is merged over this, and describes the rest
    return {"databases": {"archive": {"tables": {name: {"columns": notes}
                                                 for name, notes in column_notes().items()}}}}
