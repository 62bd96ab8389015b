"""Where the archive's links lead in datasette: into the archive, never to the live site (issue 17).

- a column holding an article's canonical URL (``article``, ``canonical_url``, a ranking entry's
  ``url``) links to the article page (``/article?url=…``), the URL shown as text;
- a capture's ``url`` links to its replay in pywb, when ``serve`` knows where replay runs
  (``--replay-url`` or ``--with-replay``), else it is text; a ``replay`` column is a link;
- any other value that looks like a URL is shown as text: datasette would link it to the live
  site, which for an archive is often dead or changed.

The replay base comes from the plugin's configuration (``plugins.newsarchive.replay_url`` in
metadata.yml, read from NEWSARCHIVE_REPLAY_URL, which ``serve`` sets).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup, escape

ARTICLE_COLUMNS = {"article", "canonical_url"}
# tables whose `url` column is an article's canonical URL (a ranking entry links to its article)
ARTICLE_URL_TABLES = {"rankings"}
# tables whose title links to the article page, and the column holding the article's URL
TITLED_TABLES = {"articles": "canonical_url", "article_versions": "article"}
_LIVE = re.compile(r"^https?://", re.I)


def article_href(url: str) -> str:
    return "/article?url=" + quote(url, safe="")


def replay_href(replay_url: str | None, fetched_at: str | None, url: str) -> str | None:
    """pywb's URL of a capture: the collection's prefix, the capture's 14-digit timestamp, its URL."""
    if not replay_url or not fetched_at:
        return None
    timestamp = "".join(c for c in fetched_at if c.isdigit())[:14]
    return replay_url.rstrip("/") + "/" + timestamp + "/" + url


def replay_base(datasette) -> str | None:
    config = datasette.plugin_config("newsarchive") or {}
    return config.get("replay_url") or None


def render(row, value, column: str, table: str | None, datasette) -> Markup | None:
    """The cell's HTML, or None to leave it to datasette."""
    if isinstance(value, dict):             # an expanded foreign key: {"value": …, "label": …}
        value = value.get("value")
    if column == "title" and table in TITLED_TABLES and isinstance(value, str):
        return Markup('<a class="article-link" href="{}">{}</a>').format(
            article_href(row[TITLED_TABLES[table]]), value)     # whole: the row page shows it too; CSS cuts it
    if not isinstance(value, str) or not _LIVE.match(value):
        return None
    if column in ARTICLE_COLUMNS or (column == "url" and table in ARTICLE_URL_TABLES):
        return Markup('<a class="article-link" href="{}" title="the archived article">{}</a>').format(
            article_href(value), value)
    if column == "replay":
        return Markup('<a class="replay-link" href="{}">replay</a>').format(value)
    if column == "url" and table == "captures":
        keys = row.keys() if hasattr(row, "keys") else ()
        href = replay_href(replay_base(datasette), row["fetched_at"] if "fetched_at" in keys else None, value)
        if href:
            return Markup('<a class="replay-link" href="{}" title="this capture in replay">{}</a>').format(href, value)
    return Markup('<span class="live-url">{}</span>').format(escape(value))
