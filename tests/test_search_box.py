"""The articles table's search box (newsarchive/search_box.py) and the counted facets
(newsarchive/facets.py, facet_counts kept by triggers), in datasette run in-process."""

import asyncio
import json
import random
from importlib import resources

import pytest
import yaml
from datasette.app import Datasette

from archive.store import Archive, open_archive
from archive.warc import CaptureRef
from newsarchive import search_box
from replica.content import SiteModel
from tests.test_search import _samples


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("search-box") / "archive.db"
    archive = Archive(open_archive(path))
    run = archive.begin_run("replica", "1", "0")
    for n, article in enumerate(SiteModel(articles=200).articles):
        ref = CaptureRef("f.warc.gz", n * 10, 5, f"<urn:uuid:{n}>", 0, 0, "sha1:X", "2022-10-08T00:00:00Z")
        capture = archive.add_capture(run, article.path, 200, "text/html", ref)
        text = "\n".join(b[1] for page in article.pages for b in page if b[0] in ("p", "q"))
        archive.store_article({"canonical_url": article.path, "kind": article.kind, "title": article.title,
                               "text": text, "source": article.source,
                               "published_at": article.published.isoformat()}, [capture], "t", run)
    archive.db.close()
    return path


def _get_json(path, url):
    package = resources.files("newsarchive")
    metadata = yaml.safe_load(package.joinpath("metadata.yml").read_text("utf-8"))
    ds = Datasette([str(path)], metadata=metadata, settings={"suggest_facets": False})

    async def fetch():
        await ds.invoke_startup()
        return (await ds.client.get(url)).json()

    return asyncio.run(fetch())


@pytest.mark.parametrize("dense", [0, 10**9])
def test_either_plan_finds_what_like_finds(archive_path, monkeypatch, dense):
    """A common word reads the table in its order (+rowid), a rare one looks its hits up: same rows."""
    monkeypatch.setattr(search_box, "DENSE", dense)
    archive = Archive(open_archive(archive_path))
    for q in _samples(archive, 0) + _samples(archive, 3, count=8):
        rows = _get_json(archive_path, f"/archive/articles.json?_search={q}&_shape=array&_size=max&_col=title")
        assert {r["canonical_url"] for r in rows} == _like_articles(archive, q), q
        dates = [r["published_at"] for r in _get_json(
            archive_path, f"/archive/articles.json?_search={q}&_shape=array&_size=20&_col=published_at")]
        assert dates == sorted(dates, reverse=True), q


def _like_articles(archive, q):
    return {r[0] for r in archive.db.execute("SELECT canonical_url FROM articles WHERE title LIKE :p OR text LIKE :p",
                                             {"p": f"%{q}%"})}


def test_the_count_comes_from_the_index_and_hostile_words_are_harmless(archive_path):
    archive = Archive(open_archive(archive_path))
    page = _get_json(archive_path, "/archive/articles.json?_search=长春&_size=1")
    assert page["filtered_table_rows_count"] is None or page["filtered_table_rows_count"] == len(
        _like_articles(archive, "长春"))
    for q in ['"', "a OR b", "NEAR(", "*", "'); DROP TABLE articles;--"]:
        _get_json(archive_path, f"/archive/articles.json?_search={q}")
    assert archive.db["articles"].count == 200


def test_facet_counts_follow_every_write(archive_path):
    archive = Archive(open_archive(archive_path))
    db = archive.db
    rng = random.Random(3)
    urls = [r[0] for r in db.execute("SELECT canonical_url FROM articles")]
    for url in rng.sample(urls, 20):                  # kind and source changed by an upsert, as a re-crawl does
        db.execute("UPDATE articles SET kind = 'interview', source = NULL WHERE canonical_url = ?", [url])
    for table in ("article_captures", "article_versions"):
        db.execute(f"DELETE FROM {table} WHERE article = ?", [urls[0]])
    db.execute("DELETE FROM articles WHERE canonical_url = ?", [urls[0]])
    for table, column in (("articles", "kind"), ("articles", "source"), ("articles", "media"),
                          ("captures", "run_id"), ("captures", "mime")):
        kept = dict(db.execute("SELECT value, count FROM facet_counts WHERE tbl = ? AND col = ? AND count > 0",
                               [table, column]).fetchall())
        counted = dict(db.execute(f"SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL "
                                  f"GROUP BY {column}").fetchall())
        assert kept == counted, (table, column)
    facets = _get_json(archive_path, "/archive/articles.json?_size=0")["facet_results"]
    assert {f: {v["value"]: v["count"] for v in facets[f]["results"]} for f in ("kind", "source")} == {
        "kind": dict(db.execute("SELECT kind, count(*) FROM articles GROUP BY kind").fetchall()),
        "source": dict(db.execute("SELECT source, count(*) FROM articles WHERE source IS NOT NULL "
                                  "GROUP BY source").fetchall())}
    assert json.dumps(facets, ensure_ascii=False)
