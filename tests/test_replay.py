"""Replay in pywb: bytes equal to what the replica served, revisits included, and pages that
look the same live and replayed in a real browser. Image pairs are kept in tests/artifacts/."""

import gzip
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from replica.content import SiteModel
from tests.conftest import ROOT, free_port, run_cli, start_replica, wait_until_serving
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

ARTICLES = 40


def _ts(fetched_at: str) -> str:
    return "".join(c for c in fetched_at if c.isdigit())[:14]


def _get(url: str) -> tuple[dict, bytes]:
    with urllib.request.urlopen(url, timeout=20) as resp:
        headers = {k.lower(): v for k, v in resp.headers.items()}
        body = resp.read()
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return headers, body


def _captures(data, url):
    db = sqlite3.connect(data / "archive.db")
    return db.execute("SELECT run_id, fetched_at, record_type FROM captures WHERE url = ? ORDER BY id", [url]).fetchall()


def _paths():
    model = SiteModel(articles=ARTICLES, day=1)
    seed = next(a for a in model.articles if a.title.endswith("·汽开区"))
    photo = next(a for a in model.articles if a.kind == "photo")
    image = f"/images/{photo.published:%Y-%m}/{photo.published:%d}/{photo.id}_1.png"
    return seed.path, image, "/images/logo.png"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replay")
    data = tmp / "data"
    port = free_port()
    # day 1, day 1 again as a full snapshot (every payload identical: revisits), then day 2
    for day, full in ((1, []), (1, ["--full"]), (2, [])):
        replica = start_replica(tmp, articles=ARTICLES, day=day, port=port)
        try:
            result = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(data), "--log-level", "ERROR", *full)
            assert result.returncode == 0, result.stdout + result.stderr
        finally:
            replica.stop()
    packaged = run_cli("wacz", "--data", str(data), "--all")
    assert packaged.returncode == 0, packaged.stderr
    pywb_port = free_port()
    pywb = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "replay", "--data", str(data),
                             "--wacz", str(data / "wacz" / "all.wacz"), "--port", str(pywb_port), "--frameless"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{pywb_port}"
    wait_until_serving(base + "/archive/", pywb)
    yield data, port, base, tmp
    pywb.terminate()
    pywb.wait(timeout=10)
    pywb.stderr.close()


@pytest.mark.parametrize("day,run,paths", [
    (1, 1, _paths()),                   # the seed interview, an article image, the logo
    (1, 2, _paths()),                   # the same again: every one a revisit
    (2, 3, ("/", "/images/logo.png")),  # day 2, incremental: the home page changed, the logo did not
])
def test_replayed_bytes_equal_what_the_replica_served(replayed, day, run, paths):
    data, port, base, tmp = replayed
    replica = start_replica(tmp, articles=ARTICLES, day=day, port=port)
    try:
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            fetched_at, record_type = next((f, t) for r, f, t in _captures(data, url) if r == run)
            if run == 2 or path == "/images/logo.png" and run > 1:
                assert record_type == "revisit", url         # identical payload: stored as a revisit
            _, live = _get(url)
            _, replayed_body = _get(f"{base}/archive/{_ts(fetched_at)}id_/{url}")
            assert replayed_body == live, url
    finally:
        replica.stop()


def _screenshot(browser, url, path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto(url, wait_until="networkidle")
    page.screenshot(path=str(path))
    page.close()


def _differing_share(a: Path, b: Path) -> float:
    left, right = Image.open(a).convert("RGB"), Image.open(b).convert("RGB")
    assert left.size == right.size
    diff = ImageChops.difference(left, right).convert("L").point(lambda v: 255 if v > 16 else 0)
    return sum(diff.histogram()[255:]) / (left.size[0] * left.size[1])


def test_replay_looks_like_the_live_site(replayed):
    from playwright.sync_api import sync_playwright

    data, port, base, tmp = replayed
    model = SiteModel(articles=ARTICLES, day=1)
    gbk = next(a for a in model.articles if a.charset == "gb2312-meta")
    replica = start_replica(tmp, articles=ARTICLES, day=1, port=port)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, path in (("seed-interview", _paths()[0]), ("gbk-page", gbk.path)):
                url = f"http://127.0.0.1:{port}{path}"
                fetched_at = next(f for r, f, _ in _captures(data, url) if r == 1)
                live, replay = ARTIFACTS / f"{name}-live.png", ARTIFACTS / f"{name}-replay.png"
                _screenshot(browser, url, live)
                # frameless replay: the page itself, without pywb's banner frame
                _screenshot(browser, f"{base}/archive/{_ts(fetched_at)}/{url}", replay)
                share = _differing_share(live, replay)
                assert share < 0.01, f"{name}: {share:.2%} of pixels differ"
            browser.close()
    finally:
        replica.stop()


def test_pages_list_titles_as_captured(replayed):
    """pages.jsonl titles each page with its own captured <title>: a mirror page and its original
    differ, and no page carries an internal label."""
    import html
    import json
    import re
    import zipfile

    from w3lib.encoding import html_to_unicode

    data = replayed[0]
    with zipfile.ZipFile(data / "wacz" / "all.wacz") as z:
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:]]
    db = sqlite3.connect(data / "archive.db")
    for page in pages[:40]:
        warc_file, offset = db.execute("SELECT warc_file, warc_offset FROM captures WHERE url = ? AND fetched_at LIKE ?",
                                       [page["url"], page["ts"][:19] + "%"]).fetchone()
        from archive.warc import read_record_payload

        # decoded as the page declares (w3lib reads its <meta charset>; the replica serves GBK pages too)
        served = html_to_unicode(None, read_record_payload(data / "warc" / warc_file, offset))[1]
        title = re.search(r"<title>(.*?)</title>", served, re.S)
        if title:
            assert page["title"] == html.unescape(title.group(1)).strip(), page
    assert not [p for p in pages if p["title"] == "ranking source"]
    by_url = {p["url"]: p["title"] for p in pages}
    pairs = [(p["title"], by_url[re.sub(r"/gate/big5/[^/]+", "", p["url"])]) for p in pages
             if "/gate/big5/" in p["url"] and re.sub(r"/gate/big5/[^/]+", "", p["url"]) in by_url]
    assert pairs and all(mirror != original for mirror, original in pairs), pairs[:3]
