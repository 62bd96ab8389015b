"""Hostile input: extraction never raises on arbitrary bytes (bounded hypothesis runs), and
markup or SQL in pages is stored literally."""

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_page, load_profile
from extract.feeds import parse_feed
from replica.content import HOSTILE_BODY, HOSTILE_TITLE, SiteModel
from tests.conftest import run_cli

PROFILE = load_profile("replica", "http://127.0.0.1:8000/")
FRAGMENTS = st.sampled_from(["<p>", "</p>", "<div class='content'>", "<h1>", "热门排行", "<ul><li><a href='/x'>",
                             "一、问题？", "记者：", "答：", "<meta charset=gbk>", "&nbsp;", "點(diǎn)", "\x00", "<script>",
                             "发布时间：2022-13-45 99:99", "<title>", "下一页", "\ufffd", "<table><tr><td>", "<!--"])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(body=st.binary(max_size=4000), content_type=st.sampled_from(["text/html", "text/html; charset=gbk",
                                                                     "text/html; charset=nonsense", None]))
def test_arbitrary_bytes_never_raise(body, content_type):
    for url in ("http://127.0.0.1:8000/2022-10/08/content_1.htm", "http://127.0.0.1:8000/news/index.htm"):
        record = extract_page(url, content_type, body, PROFILE)
        record.to_json()
    parse_feed(body)


@FAST
@given(parts=st.lists(FRAGMENTS | st.text(max_size=30), max_size=60), codec=st.sampled_from(["utf-8", "gbk", "big5"]))
def test_html_shaped_junk_never_raises(parts, codec):
    body = "".join(parts).encode(codec, errors="ignore")
    record = extract_page("http://127.0.0.1:8000/2022-10/08/content_1.htm", "text/html", body, PROFILE)
    assert isinstance(record.text, str)


def test_markup_and_sql_in_pages_are_stored_literally(tmp_path, replica):
    assert run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp_path), "--log-level", "ERROR").returncode == 0
    db = sqlite3.connect(tmp_path / "archive.db")
    hostile = next(a for a in SiteModel(articles=replica.articles).articles if a.title == HOSTILE_TITLE)
    title, text = db.execute("SELECT title, text FROM articles WHERE canonical_url = ?",
                             [replica.url.rstrip("/") + hostile.path]).fetchone()
    assert title == HOSTILE_TITLE and HOSTILE_BODY in text
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] > 1    # the DROP TABLE did nothing
