"""The columns of an article, declared once: name, SQLite type, what it holds, where its value comes
from, and whether it is part of the content hash and of each version's copy.

- ``archive.store`` builds its SQL from this: the article upsert, the content hash's keys and the
  ``article_versions`` insert;
- the README's schema section (``newsarchive/schema_doc.py``) and datasette's column notes
  (``newsarchive/datasette_plugin.py``) take their descriptions from it;
- ``tests/test_columns.py`` fails when a migration (``archive/schema.py``) and this declaration
  disagree, and when a column said to come from the page is not a field of ``PageRecord``.

Adding an article column: a new migration that adds it (never edit an applied one), a line here,
and, if the page gives it, the field in ``extract.page.PageRecord``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a column's value comes from.
PAGE = "page"              # the extraction's record: the PageRecord field of the same name
DOCUMENT = "document"      # added to the stored document by the page path (extract.page.page_document)
STORE = "store"            # computed by archive.store as the row is written

# sqlite-utils' mapping of the Python types the migrations declare columns with.
SQL_TYPES = {str: "TEXT", int: "INTEGER"}


@dataclass(frozen=True)
class Column:
    name: str
    type: type                 # str or int, as in the migration
    description: str
    source: str = PAGE
    versioned: bool = False    # copied into article_versions with each new version of the article
    hashed: bool = False       # part of content_hash: a change of it is a new version

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


ARTICLE = (
    Column("canonical_url", str, "URL on the original site (mirror prefix removed)"),
    Column("kind", str, "article or interview"),
    Column("title", str, "Title as the site wrote it, in its script (a converted mirror's turned back into "
           "simplified, no pinyin)", versioned=True, hashed=True),
    Column("title_raw", str, "Title as served"),
    Column("media", str, "video, photo, … from a 【视频】-style tag, else null"),
    Column("series", str, 'Part of the title before "|"'),
    Column("subtitle", str, 'Part of the title after "|"'),
    Column("published_at", str, "Publication time, +08:00", versioned=True, hashed=True),
    Column("source", str, "来源", versioned=True, hashed=True),
    Column("author", str, "作者 / 记者", versioned=True, hashed=True),
    Column("editor", str, "编辑 / 责任编辑", versioned=True, hashed=True),
    Column("text", str, "Body, normalised, paragraphs joined by newlines", versioned=True, hashed=True),
    Column("text_raw", str, "Body as served"),
    Column("encoding", str, "Encoding the page was decoded with"),
    Column("from_mirror", int, "1 when only the traditional-Chinese mirror has been seen", STORE),
    Column("content_hash", str, "Hash of the normalised content ({hashed}, the interview); a change makes a new "
                                "version", STORE, versioned=True),
    Column("first_seen", str, "First capture time (UTC)", STORE),
    Column("last_seen", str, "Latest capture time (UTC)", STORE),
    Column("capture_id", int, "Capture the stored content came from", STORE),
    Column("extractor_version", str, "Extraction rules that made this row", DOCUMENT, versioned=True),
    Column("script", str, "zh-Hans or zh-Hant: the script the text is stored in (a site that writes traditional "
           "keeps it; a converted mirror is turned back into simplified)"),
)

ARTICLE_COLUMNS = tuple(c.name for c in ARTICLE)
# The interview is hashed too, after these: it is not a column (its rows are in qa and interviewees).
HASHED_COLUMNS = tuple(c.name for c in ARTICLE if c.hashed)
# article_versions: the version's own columns, then its copy of the versioned article columns.
VERSION_COLUMNS = ("article", "version", "run_id", "capture_id", "seen_at") + tuple(
    c.name for c in ARTICLE if c.versioned)


def column_notes() -> dict[str, dict[str, str]]:
    """Table -> column -> description, for the README's schema section and datasette."""
    described = {c.name: c.description.format(hashed=", ".join(HASHED_COLUMNS)) for c in ARTICLE}
    return {"articles": described,
            "article_versions": {c.name: described[c.name] for c in ARTICLE if c.versioned}}
