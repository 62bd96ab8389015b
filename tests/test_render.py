"""The browser capture path (issue 14, item 3): a home page whose news list and 热门排行 only a
browser can see, crawled through the real engine (the CLI) with real chromium; then the same with
chromium missing, and with a page that times out. Every way, `reparse` gives the crawl's rows."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.vocabulary import NOT_RENDERED
from extract import Capture, extract_page, load_profile
from extract.profile import ProfileError
from extract.render import render_reason
from tests.conftest import FIXTURES, run_cli, start_hostile
from tests.hostile_server import (BEACON, RENDER_JSON, RENDER_SCRIPT, RENDERED_HOT, RENDERED_LIST, RENDERED_NEWS,
                                  rendered_title)
from tests.test_browser import CHROMIUM
from tests.test_reparse import _tables

PROFILE = str(FIXTURES / "rendered.toml")


def _crawl(server, data: Path, *settings: str) -> subprocess.CompletedProcess:
    return run_cli("crawl", "--site", PROFILE, "--url", server.url, "--data", str(data), "--log-level", "INFO",
                   *(arg for setting in settings for arg in ("--set", setting)))


def _crawl_hostile(tmp: Path, *settings: str):
    """The hostile server's "rendered" scenario crawled: (server, data directory, CLI result)."""
    server = start_hostile(tmp, "rendered")
    try:
        return server, tmp / "data", _crawl(server, tmp / "data", *settings)
    finally:
        server.stop()          # its log of requests stays readable


def _records(data: Path) -> list:
    """(type, headers, payload) of every record of the crawl's WARC files, in order."""
    out = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                out.append((record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read()))
    return out


def _assert_reparse_gives_the_crawls_rows(data: Path) -> sqlite3.Connection:
    out = data.parent / f"{data.name}-rebuilt.db"
    result = run_cli("reparse", "--data", str(data), "--output", str(out))
    assert result.returncode == 0, result.stderr
    crawl, rebuilt = sqlite3.connect(data / "archive.db"), sqlite3.connect(out)
    tables = _tables(crawl)
    assert set(tables) == set(_tables(rebuilt))
    for table, sql in tables.items():
        assert rebuilt.execute(sql).fetchall() == crawl.execute(sql).fetchall(), table
    return crawl


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    assert Path(CHROMIUM).exists(), "chromium is missing: `make test` installs it (apt-get install chromium)"
    return _crawl_hostile(tmp_path_factory.mktemp("render"))


def test_what_only_a_browser_sees_is_stored(rendered):
    server, data, result = rendered
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite3.connect(data / "archive.db")
    base = server.url.rstrip("/")
    assert [r for r in db.execute("SELECT rank, title, url FROM rankings ORDER BY rank")] == [
        (rank, rendered_title(n), f"{base}/2022-10/08/content_{n}.htm") for rank, n in enumerate(RENDERED_HOT, 1)]
    assert {r[0] for r in db.execute("SELECT canonical_url FROM articles")} == {
        f"{base}/2022-10/08/content_{n}.htm" for n in RENDERED_NEWS}
    stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["render/pages"] == 2 and not stats.get("render/failed") and not stats.get("render/unavailable")


def test_every_browser_request_is_guarded_and_archived(rendered):
    server, data, _ = rendered
    home = server.url
    pairs = {}
    for rec_type, headers, http, _ in _records(data):
        if rec_type in ("request", "response"):
            pairs.setdefault(headers.get_header("WARC-Target-URI"), {})[rec_type] = http
    for path in (RENDER_SCRIPT, RENDER_JSON):
        request = pairs[home.rstrip("/") + path]["request"]
        assert "response" in pairs[home.rstrip("/") + path]
        assert request.get_header("User-Agent").startswith("newsarchive/")       # the crawl's own, not chromium's
    assert pairs[home.rstrip("/") + RENDER_JSON]["request"].get_header("Referer") == home
    # each page's document came from the crawl's own capture, and the second page's script and JSON
    # from the first page's downloads: each asked for once; the beacon to another host (the same
    # server named localhost) never left, and is a failure of the page, recorded once
    served = server.requests
    for path in ("/", RENDERED_LIST, RENDER_SCRIPT, RENDER_JSON):
        assert served.count(f"GET {path}") == 1, path
    assert not any(BEACON in line for line in served)
    port = home.rsplit(":", 1)[1].strip("/")
    db = sqlite3.connect(data / "archive.db")
    assert json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])["render/answered_from_run"] >= 2
    assert db.execute("SELECT url, found_on, reason FROM failures").fetchall() == [
        (f"http://localhost:{port}{BEACON}", home, f"refused: offsite host localhost:{port}")]


def test_the_rendered_dom_is_a_conversion_record_of_the_page_response(rendered):
    server, data, _ = rendered
    records = _records(data)
    responses = {h.get_header("WARC-Target-URI"): h for t, h, _, _ in records if t == "response"}
    conversions = {h.get_header("WARC-Target-URI"): (h, body) for t, h, _, body in records if t == "conversion"}
    assert set(conversions) == {server.url, server.url.rstrip("/") + RENDERED_LIST}
    for url, (headers, dom) in conversions.items():
        assert headers.get_header("WARC-Refers-To") == responses[url].get_header("WARC-Record-ID")
        assert headers.get_header("WARC-Refers-To-Target-URI") == url
        assert headers.get_header("WARC-Refers-To-Date") == responses[url].get_header("WARC-Date")
        assert headers.get_header("Content-Type") == "text/html; charset=utf-8"
        assert rendered_title(RENDERED_HOT[0]) in dom.decode("utf-8")
    home_response = [responses[server.url]]
    # the ranking points at the page's response capture, not at a capture of its own
    db = sqlite3.connect(data / "archive.db")
    assert db.execute("SELECT DISTINCT c.record_id FROM rankings r JOIN captures c ON c.id = r.capture_id").fetchall() \
        == [(home_response[0].get_header("WARC-Record-ID"),)]
    for path in (data / "warc").glob("*.warc.gz"):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stdout
    assert run_cli("verify", "--data", str(data)).returncode == 0


def test_reparse_of_a_rendered_crawl_gives_identical_rows(rendered):
    db = _assert_reparse_gives_the_crawls_rows(rendered[1])
    assert db.execute("SELECT count(*) FROM rankings").fetchone()[0] == len(RENDERED_HOT)


def test_without_chromium_the_crawl_says_so_once_and_counts_the_pages(tmp_path):
    server, data, result = _crawl_hostile(tmp_path, "ARCHIVE_CHROMIUM=/nonexistent/chromium")
    # stored as served: no ranking, no article links, and the verdict says why
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stderr.count("chromium not found at /nonexistent/chromium") == 1
    assert "2 pages the profile renders were stored as served" in result.stdout
    db = sqlite3.connect(data / "archive.db")
    stats, health = db.execute("SELECT stats, health FROM runs").fetchone()
    assert json.loads(stats)["render/unavailable"] == 2 and not json.loads(stats).get("render/pages")
    assert health == "unhealthy"
    assert db.execute("SELECT reason FROM failures WHERE url = ?", [server.url]).fetchone()[0] == \
        "not rendered (render.pages): chromium not found at /nonexistent/chromium; stored as served"
    marker = [json.loads(body) for t, h, _, body in _records(data)
              if t == "metadata" and h.get_header("WARC-Target-URI") == NOT_RENDERED]
    assert sorted(m["url"] for m in marker) == [server.url, server.url.rstrip("/") + RENDERED_LIST]
    _assert_reparse_gives_the_crawls_rows(data)


def test_a_page_that_times_out_is_stored_as_served(tmp_path):
    server, data, result = _crawl_hostile(tmp_path, "ARCHIVE_RENDER_TIMEOUT=0.05")
    assert result.returncode == 3, result.stdout + result.stderr
    db = sqlite3.connect(data / "archive.db")
    assert json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])["render/failed"] == 2
    assert "timed out after 0.05 s (ARCHIVE_RENDER_TIMEOUT)" in \
        db.execute("SELECT reason FROM failures WHERE url = ?", [server.url]).fetchone()[0]
    assert not [t for t, *_ in _records(data) if t == "conversion"]
    _assert_reparse_gives_the_crawls_rows(data)


# -- which pages are rendered (extract.render): pure ---------------------------------------------------
def _profile(tmp_path, render: str):
    path = tmp_path / "p.toml"
    path.write_text("[urls]\narticle = ['^/a/']\nranking = ['^/$']\n" + render, "utf-8")
    return load_profile(str(path), "http://h.test/")


def _reason(profile, url: str, html: str):
    capture = Capture(url, 200, "text/html; charset=utf-8", html.encode("utf-8"))
    return render_reason(profile, capture, extract_page(url, capture.content_type, capture.body, profile))


def test_render_keys_are_off_by_default_and_each_says_why(tmp_path):
    empty_box = "<h3>热门排行</h3><ul id='hot'></ul>"
    player = "<h1>视频新闻</h1><div id='p'></div><script src='/js/ckplayer/ckplayer.js'></script>"
    off = _profile(tmp_path, "")
    assert _reason(off, "http://h.test/", empty_box) is None and _reason(off, "http://h.test/a/1", player) is None
    on = _profile(tmp_path, "[render]\npages = ['^/list/']\nempty_ranking = true\nplayer_scripts = true\n")
    assert _reason(on, "http://h.test/list/1", "<p>x</p>") == "render.pages"
    assert _reason(on, "http://h.test/", empty_box) == "render.empty_ranking"
    filled = "<h3>热门排行</h3><ul><li><a href='/a/1'>一</a></li><li><a href='/a/2'>二</a></li></ul>"
    assert _reason(on, "http://h.test/", filled) is None
    assert _reason(on, "http://h.test/a/1", player) == "render.player_scripts"
    paragraph = "<p>这是一条视频新闻的正文，长春市的新闻内容在这里，段落足够长以便抽取正文。</p>" * 3
    with_video = player + f"<div class='content'>{paragraph}<video src='/v/1.mp4'></video></div>"
    assert extract_page("http://h.test/a/1", "text/html", with_video.encode(), on).videos
    assert _reason(on, "http://h.test/a/1", with_video) is None         # a video was found without a browser


def test_render_table_is_validated(tmp_path):
    with pytest.raises(ProfileError, match='unknown key "page" in \\[render\\].*did you mean "pages"'):
        _profile(tmp_path, "[render]\npage = ['^/$']\n")
    with pytest.raises(ProfileError, match="render.empty_ranking must be true or false"):
        _profile(tmp_path, "[render]\nempty_ranking = 'yes'\n")
