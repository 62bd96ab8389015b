"""The archive as an archivist browses it (issue 17), in Debian's chromium through Playwright:
the seed interview's article page (Q&A, ranking chart, a replay link that works in a real pywb
started by `serve --with-replay`), the articles table's height, and the table's search box giving
the canned query's hits. Screenshots are kept in tests/artifacts/."""

import json
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from tests.conftest import ROOT, free_port, run_cli, wait_until_serving
from tests.test_browser import ARTIFACTS, browser, page  # noqa: F401  (fixtures)

SEED_PERSON = "陈定贵"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("article-page") / "data"
    result = run_cli("demo", "--data", str(data), "--days", "2", "--articles", "40")
    assert result.returncode == 0, result.stdout + result.stderr
    port, replay_port = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "serve", "--data", str(data), "--port", str(port),
                             "--with-replay", "--replay-port", str(replay_port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url + "/-/versions.json", proc, seconds=120)
    wait_until_serving(f"http://127.0.0.1:{replay_port}/archive/", proc, seconds=60)
    yield url, data
    proc.terminate()
    proc.wait(timeout=20)
    proc.stderr.close()


def _seed(data):
    db = sqlite3.connect(data / "archive.db")
    article = db.execute("SELECT i.article FROM interviewees i JOIN people p ON p.id = i.person_id "
                         "WHERE p.name = ?", [SEED_PERSON]).fetchone()[0]
    questions = [r[0] for r in db.execute("SELECT question FROM qa WHERE article = ? ORDER BY seq", [article])]
    return article, questions


def test_the_seed_interview_page_has_its_qa_chart_and_replay(page, served):  # noqa: F811
    url, data = served
    article, questions = _seed(data)
    page.goto(url + "/archive/interviews_by_person?name=" + urllib.parse.quote(SEED_PERSON))
    link = page.locator("table.rows-and-columns a.article-link").first
    assert link.inner_text() == article                  # the live URL shown as text ...
    link.click()                                          # ... the link opens the article page
    page.wait_for_selector("h1.article-title")
    assert page.inner_text("h1.article-title").endswith("汽开区")
    assert SEED_PERSON in page.inner_text("ul.interviewees")
    shown = page.locator("dl.qa dt").all_inner_texts()
    assert [q.split(". ", 1)[1] for q in shown] == questions and len(questions) >= 4
    page.wait_for_function("document.querySelectorAll('#article-ranking svg .point').length > 0")
    assert page.locator("#article-ranking .chart-legend li").count() == 1
    page.locator("#article-ranking svg .point").first.hover()
    assert "rank" in page.inner_text("#article-ranking .chart-tooltip")
    live_host = "/".join(article.split("/")[:3])
    assert page.locator(f"a[href^='{live_host}']").count() == 0        # nothing leads to the live site
    page.screenshot(path=str(ARTIFACTS / "article-page.png"), full_page=True)

    hrefs = page.eval_on_selector_all("table.captures a.replay-link", "links => links.map(a => a.href)")
    assert len(hrefs) == page.locator("table.captures tbody tr").count() >= 2       # the original and its mirror
    original = next(h for h in hrefs if h.endswith("/" + article))
    assert "/archive/" in original
    page.locator(f"table.captures a.replay-link[href='{original}']").click()
    page.wait_for_load_state("networkidle")
    frame = next(f for f in page.frames if "mp_/" in f.url)          # pywb's framed replay: the page in an iframe
    frame.wait_for_selector("text=" + SEED_PERSON)
    assert "汽开区" in frame.title()
    page.screenshot(path=str(ARTIFACTS / "article-replay.png"))


def test_the_articles_table_fits_the_screen(page, served):  # noqa: F811
    url, _ = served
    page.goto(url + "/archive/articles")
    page.wait_for_selector("table.rows-and-columns tbody tr")
    heights = page.eval_on_selector_all("table.rows-and-columns tbody tr", "rows => rows.map(r => r.offsetHeight)")
    assert len(heights) >= 40 and max(heights) <= 40, heights               # one line a row
    assert page.evaluate("document.documentElement.scrollHeight") < 4500
    assert page.locator("details.column-notes dl.column-descriptions").count() == 1      # the glossary folded
    assert not page.locator("details.column-notes").get_attribute("open")
    dates = page.eval_on_selector_all("td.col-published_at", "cells => cells.map(c => c.textContent.trim())")
    assert dates == sorted(dates, reverse=True)
    assert {"kind", "media", "source"} <= set(page.eval_on_selector_all(
        ".facet-info", "facets => facets.map(f => f.getAttribute('data-column'))"))
    page.screenshot(path=str(ARTIFACTS / "articles-table.png"), full_page=True)
    page.goto(url + "/archive")
    assert page.locator("text=_sqlite_migrations").count() == 0


@pytest.mark.parametrize("word", ["一汽", "汽开区", "长春汽车经济技术开发区"])
def test_the_table_search_box_finds_what_the_search_query_finds(page, served, word):  # noqa: F811
    url, _ = served
    page.goto(url + "/archive/articles")
    page.fill("input[name=_search]", word)
    page.keyboard.press("Enter")
    page.wait_for_selector("table.rows-and-columns tbody tr")
    found = set(page.eval_on_selector_all(
        "table.rows-and-columns td.col-title a.article-link",
        "links => links.map(a => new URL(a.href).searchParams.get('url'))"))
    canned = json.load(urllib.request.urlopen(
        url + "/archive/search.json?_shape=array&q=" + urllib.parse.quote(word), timeout=20))
    assert found and found == {row["article"] for row in canned}, word
    page.screenshot(path=str(ARTIFACTS / f"table-search-{len(word)}.png"), full_page=True)


def test_an_edited_article_shows_what_changed(served):
    """Day 2 of the demo edits articles: the page shows each change between versions, escaped."""
    import html

    from newsarchive.version_diff import text_diff

    url, data = served
    db = sqlite3.connect(data / "archive.db")
    article, old, new = db.execute(
        "SELECT v2.article, v1.text, v2.text FROM article_versions v2 JOIN article_versions v1 "
        "ON v1.article = v2.article AND v1.version = 1 WHERE v2.version = 2 AND v1.text != v2.text").fetchone()
    page = urllib.request.urlopen(url + "/article?url=" + urllib.parse.quote(article, safe=""), timeout=20).read()
    page = page.decode("utf-8")
    assert 'id="diff-1-2"' in page
    changed = [(op, text) for block in text_diff(old, new) for op, text in block["pieces"] if op != "equal"]
    assert changed
    for op, text in changed:
        tag = "ins" if op == "insert" else "del"
        assert f"<{tag}>{html.escape(text, quote=True).replace('&#x27;', '&#39;')}</{tag}>" in page, (op, text)


def test_the_diff_puts_both_versions_back_together():
    from newsarchive.version_diff import text_diff

    old = "\n".join(["甲段落一。", "乙段落二。", "丙段落三。", "丁段落四。", "戊段落五。", "己段落六。"])
    new = "\n".join(["甲段落一。", "乙段落二，改写了。", "丙段落三。", "丁段落四。", "戊段落五。", "己段落六。", "新增段落。"])
    blocks = text_diff(old, new)
    assert [b["op"] for b in blocks] == ["equal", "replace", "equal", "folded", "equal", "insert"]
    assert blocks[3]["count"] == 2
    shown = [b for b in blocks if b["op"] != "folded"]
    assert "".join(t for b in shown for op, t in b["pieces"] if op != "insert") == "甲段落一。乙段落二。丙段落三。己段落六。"
    assert "".join(t for b in shown for op, t in b["pieces"] if op != "delete") == \
        "甲段落一。乙段落二，改写了。丙段落三。己段落六。新增段落。"
