"""datasette in a real browser: Debian's chromium, driven by Playwright with executable_path.

Screenshots are kept in tests/artifacts/.
"""

import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from replica.content import HOSTILE_TITLE
from tests.conftest import ROOT, free_port, run_cli, wait_until_serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# As root, headless chromium needs --no-sandbox; the network flags keep it off the closed internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]



@pytest.fixture(scope="module")
def datasette_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    result = run_cli("demo", "--data", str(data), "--days", "2", "--articles", "40")
    assert result.returncode == 0, result.stdout + result.stderr
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "serve", "--data", str(data), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url + "/-/versions.json", proc)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "chromium is missing: `make test` installs it (apt-get install chromium)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def test_search_from_the_canned_query_on_the_database_page(page, datasette_url):
    page.goto(datasette_url + "/archive")
    page.click("text=Search articles and interviews")
    page.fill("input[name=q]", "一汽")
    page.click("input[type=submit]")
    page.wait_for_selector("table.rows-and-columns tbody tr")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 2
    assert "汽开区" in page.locator("table.rows-and-columns").inner_text()
    page.screenshot(path=str(ARTIFACTS / "datasette-search.png"), full_page=True)


def test_two_character_word_from_the_search_box(page, datasette_url):
    page.goto(datasette_url + "/archive/articles")
    page.fill("input[name=_search]", "一汽")
    page.keyboard.press("Enter")
    page.wait_for_selector("table.rows-and-columns tbody tr")
    assert "汽开区" in page.locator("table.rows-and-columns").inner_text()


def test_ranking_chart(page, datasette_url):
    page.goto(datasette_url + "/ranking-chart")
    page.wait_for_function("document.querySelectorAll('#ranking-chart g.series').length > 0")
    lines = page.locator("#ranking-chart g.series").count()
    assert 1 <= lines <= 8
    assert page.locator("#chart-legend li").count() == lines
    assert "snapshots" in page.inner_text("#chart-status")
    page.screenshot(path=str(ARTIFACTS / "ranking-chart.png"), full_page=True)


def test_scraped_markup_is_shown_as_text(page, datasette_url):
    rows = json.load(urllib.request.urlopen(
        datasette_url + "/archive/articles.json?_shape=array&title__contains=script&_col=title"))
    assert [r["title"] for r in rows] == [HOSTILE_TITLE]          # stored literally
    page.goto(datasette_url + "/archive/articles?title__contains=script")
    page.wait_for_selector("table.rows-and-columns tbody tr")
    assert HOSTILE_TITLE in page.locator("table.rows-and-columns").inner_text()
    assert page.locator("table.rows-and-columns script").count() == 0
    page.screenshot(path=str(ARTIFACTS / "hostile-title.png"), full_page=True)
    page.goto(datasette_url + "/archive/search?q=" + urllib.parse.quote("网友热议"))
    page.wait_for_selector("table.rows-and-columns tbody tr")
    assert page.dialogs == []
