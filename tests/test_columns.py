"""The article's columns are declared once (archive/columns.py): the migrations, the extraction's
record, the page path and the store agree with that declaration (issue 13)."""

from dataclasses import fields

from sqlite_utils import Migrations

from archive.columns import ARTICLE, DOCUMENT, PAGE, SQL_TYPES, STORE, VERSION_COLUMNS, column_notes
from archive.records import _content_hash
from archive.store import Archive, open_archive
from archive.warc import CaptureRef
from extract import Part, PageRecord, finish


def _disagreements(db) -> list[str]:
    """Where the migrated tables and the declaration differ, one line each."""
    found = []
    table = [(c.name, c.type) for c in db["articles"].columns]
    declared = [(c.name, c.sql_type) for c in ARTICLE]
    if table != declared:
        found.append(f"articles: migrated {sorted(set(table) - set(declared))}, "
                     f"declared {sorted(set(declared) - set(table))}")
    versions = {c.name: c.type for c in db["article_versions"].columns}
    if set(versions) != set(VERSION_COLUMNS):
        found.append(f"article_versions: migrated {sorted(versions)}, declared {sorted(VERSION_COLUMNS)}")
    found += [f"article_versions.{c.name} is {versions[c.name]}, articles.{c.name} {c.sql_type}"
              for c in ARTICLE if c.versioned and c.name in versions and versions[c.name] != c.sql_type]
    return found


def test_the_migrations_make_the_declared_article_columns(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    assert _disagreements(db) == []


def test_a_migration_that_adds_an_undeclared_column_is_caught(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    later = Migrations("newsarchive-test")

    @later()
    def m001_summary(db):
        db["articles"].add_column("summary", str)
        db["article_versions"].add_column("summary", str)

    later.apply(db)
    assert [line.split(":")[0] for line in _disagreements(db)] == ["articles", "article_versions"]


def test_every_column_from_the_page_is_a_field_of_page_record():
    record_fields = {f.name for f in fields(PageRecord)}
    from_page = [c.name for c in ARTICLE if c.source == PAGE]
    assert from_page and [name for name in from_page if name not in record_fields] == []
    assert {c.type for c in ARTICLE} <= set(SQL_TYPES)


def test_every_column_from_the_document_is_added_by_the_page_path():
    doc = finish([Part(PageRecord(url="http://h.example/a.htm", canonical_url="http://h.example/a.htm"), 1, None)],
                 None).document
    assert [c.name for c in ARTICLE if c.source == DOCUMENT and c.name not in doc] == []


def test_every_column_from_the_store_is_filled_by_the_store(tmp_path):
    archive = Archive(open_archive(tmp_path / "archive.db"))
    run_id = archive.begin_run("replica", "2", "0")
    capture = archive.add_capture(run_id, "http://h.example/a.htm", 200, "text/html", CaptureRef(
        "x.warc.gz", 100, 50, "<urn:uuid:1>", 0, 100, "sha1:X", "2022-10-08T00:00:00Z"))
    doc = finish([Part(PageRecord(url="http://h.example/a.htm", canonical_url="http://h.example/a.htm",
                                  kind="article", title="标题", text="正文"), capture, None)], None).document
    archive.store_article(doc, [capture], "2022-10-08T00:00:00Z", run_id)
    row = archive.db["articles"].get("http://h.example/a.htm")
    assert [c.name for c in ARTICLE if c.source == STORE and row[c.name] is None] == []
    (version,) = archive.db["article_versions"].rows
    from_page = {c.name for c in ARTICLE if c.source == PAGE}
    assert [name for name in VERSION_COLUMNS if name not in from_page and version[name] is None] == []


def test_the_content_hash_is_what_it_was_before_the_declaration():
    """Archives made before keep their versions: the hash of a record is the same number as it was."""
    record = {"canonical_url": "http://127.0.0.1:8000/2022-10/08/content_1.htm", "kind": "interview",
              "title": "访谈·汽开区", "published_at": "2022-10-08T09:30:00+08:00", "source": "长春日报",
              "author": "赵婉姝", "editor": "王", "text": "第一段\n第二段", "text_raw": "第一段",
              "interview": {"interviewees": [{"name": "张三", "position": "区长"}],
                            "qa": [{"question": "问", "answer": "答", "speaker": None}]}}
    assert _content_hash(record) == "5dcc917295d81cbf1f6567556e2a476e9bee8847"
    assert _content_hash({**record, "text_raw": "changed", "encoding": "gbk"}) == _content_hash(record)
    assert _content_hash({**record, "author": "别人"}) != _content_hash(record)


def test_the_readme_and_datasette_describe_every_declared_column():
    notes = column_notes()
    assert set(notes["articles"]) == {c.name for c in ARTICLE}
    assert set(notes["article_versions"]) == {c.name for c in ARTICLE if c.versioned}
    assert all(notes["articles"].values())
