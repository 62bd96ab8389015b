"""Portals built the way real CMSs build them (issue 14): the replica's TRS- and Hanweb-like flavours,
crawled two days each through the real CLI with the built-in example profiles, no browser.

Every article is found (script pagers, datastore lists and their data proxy), the ranking is
stored on both days from both deliveries (a script include, a JSON API), every video's HLS
playlists and segments are archived, counters are fetched at most once per page per run, the
article edited on day 2 becomes version 2 without a sitemap, and both runs are healthy.
"""

import json
import sqlite3
import urllib.request

import pytest

from replica.cms.truth import flavour_model
from tests.conftest import free_port, run_cli, start_replica

ARTICLES = 120


def _hits(url: str, path: str) -> dict:
    with urllib.request.urlopen(url.rstrip("/") + path, timeout=10) as resp:
        return json.load(resp)["counters"]


@pytest.fixture(scope="module", params=["trs", "hanweb"])
def two_days(request, tmp_path_factory):
    cms = request.param
    tmp = tmp_path_factory.mktemp(f"portal-{cms}")
    port, data, days = free_port(), tmp / "data", {}
    for day in (1, 2):
        server = start_replica(tmp, articles=ARTICLES, day=day, port=port, cms=cms)
        try:
            truth = flavour_model(cms, articles=ARTICLES, day=day)
            before = _hits(server.url, truth.hits)
            result = run_cli("crawl", "--site", f"replica-{cms}", "--url", server.url, "--data", str(data),
                             "--log-level", "ERROR")
            days[day] = {"result": result, "truth": truth, "counters": (before, _hits(server.url, truth.hits))}
        finally:
            server.stop()
    return cms, server.url.rstrip("/"), data, days


def _db(data) -> sqlite3.Connection:
    return sqlite3.connect(data / "archive.db")


def test_both_runs_are_healthy(two_days):
    _, _, data, days = two_days
    for day in (1, 2):
        assert days[day]["result"].returncode == 0, days[day]["result"].stdout + days[day]["result"].stderr
    assert _db(data).execute("SELECT status, health FROM runs ORDER BY id").fetchall() == [("finished", "ok")] * 2


def test_every_article_is_found_on_each_day(two_days):
    _, base, data, days = two_days
    db = _db(data)
    for day in (1, 2):
        expected = {base + a.url for a in days[day]["truth"].articles}
        stored = {u for (u,) in db.execute(
            "SELECT ac.article FROM article_captures ac JOIN captures c ON c.id = ac.capture_id WHERE c.run_id <= ?",
            [day])}
        assert expected - stored == set(), f"day {day}: {len(expected - stored)} of {len(expected)} missing"


def test_the_ranking_is_stored_each_day_from_each_delivery(two_days):
    _, base, data, days = two_days
    db = _db(data)
    deliveries = set()
    for day in (1, 2):
        ranking = days[day]["truth"].ranking
        deliveries.add(ranking.delivery)
        stored = db.execute("SELECT rank, url FROM rankings WHERE run_id = ? AND source_url = ? ORDER BY rank",
                            [day, base + "/"]).fetchall()
        assert stored == [(rank, base + url) for rank, _, url in ranking.entries], f"day {day} ({ranking.delivery})"
    assert deliveries == {"script", "json"}


def test_every_video_playlist_and_segment_is_archived(two_days):
    _, base, data, days = two_days
    captured = {u for (u,) in _db(data).execute("SELECT url FROM captures WHERE status = 200")}
    videos = days[2]["truth"].videos
    assert videos
    for video in videos:
        wanted = {base + u for u in (video.master, *video.media, *video.segments)}
        assert wanted <= captured, (video.article, sorted(wanted - captured)[:3])
    listed = {v for (doc,) in _db(data).execute("SELECT canonical_url FROM articles WHERE media = 'video'")
              for v in [doc]}
    assert {base + v.article for v in videos} <= listed


def test_counters_are_fetched_at_most_once_per_page_per_run(two_days):
    _, _, _, days = two_days
    for day in (1, 2):
        before, after = days[day]["counters"]
        fetched = {url: after.get(url, 0) - before.get(url, 0) for url in after}
        assert fetched and max(fetched.values()) == 1, day


def test_the_edited_article_is_versioned_on_day_2_without_a_sitemap(two_days):
    _, base, data, days = two_days
    edited = days[2]["truth"].edited
    db = _db(data)
    versions = db.execute("SELECT version, run_id FROM article_versions WHERE article = ? ORDER BY version",
                          [base + edited]).fetchall()
    assert versions == [(1, 1), (2, 2)]
    assert days[2]["truth"].edit_note in db.execute("SELECT text FROM articles WHERE canonical_url = ?",
                                                    [base + edited]).fetchone()[0]
    stats = json.loads(db.execute("SELECT stats FROM runs WHERE id = 2").fetchone()[0])
    assert stats["revalidate/requests"] > 0 and stats["revalidate/not_modified"] > 0


def test_an_interview_over_two_pages_is_merged(two_days):
    _, base, data, days = two_days
    two_pages = next(iv for iv in days[2]["truth"].interviews if len(iv.pages) == 2)
    db = _db(data)
    pages = db.execute("SELECT page FROM article_captures WHERE article = ? ORDER BY page",
                       [base + two_pages.url]).fetchall()
    assert pages[:2] == [(1,), (2,)]
    qa = db.execute("SELECT count(*) FROM qa WHERE article = ?", [base + two_pages.url]).fetchone()[0]
    assert qa == two_pages.questions


def test_a_video_playlist_and_segment_replay_through_pywb(two_days):
    import subprocess
    import sys

    from tests.conftest import ROOT, wait_until_serving

    cms, base, data, days = two_days
    packaged = run_cli("wacz", "--data", str(data), "--all")
    assert packaged.returncode == 0, packaged.stderr
    port = free_port()
    pywb = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "replay", "--data", str(data), "--wacz",
                             str(data / "wacz" / "all.wacz"), "--port", str(port), "--frameless"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/archive/", pywb)
        video = days[1]["truth"].videos[0]
        db = _db(data)
        for path in (video.master, video.media[0], video.segments[0]):
            fetched_at, warc_file, offset = db.execute(
                "SELECT fetched_at, warc_file, warc_offset FROM captures WHERE url = ? ORDER BY id LIMIT 1",
                [base + path]).fetchone()
            from archive.warc import read_record_payload

            archived = read_record_payload(data / "warc" / warc_file, offset)
            stamp = "".join(c for c in fetched_at if c.isdigit())[:14]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/archive/{stamp}id_/{base}{path}", timeout=20) as r:
                assert r.read() == archived, path
    finally:
        pywb.terminate()
        pywb.wait(timeout=10)
        pywb.stderr.close()


def test_guest_card_interviews_have_every_guest_with_position(two_days):
    _, base, data, days = two_days
    db = _db(data)
    cards = [iv for iv in days[2]["truth"].interviews if iv.form == "card"]
    assert any(len(iv.guests) == 2 for iv in cards)
    for iv in cards:
        people = db.execute("SELECT p.name, i.position FROM interviewees i JOIN people p ON p.id = i.person_id "
                            "WHERE i.article = ? ORDER BY i.seq", [base + iv.url]).fetchall()
        assert people == [tuple(guest) for guest in iv.guests], iv.url
        assert db.execute("SELECT count(*) FROM qa WHERE article = ?", [base + iv.url]).fetchone()[0] == iv.answers
