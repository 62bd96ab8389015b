"""The replica's CMS flavours (issue 14, item 1) through the real server: what a crawler meets there.

``documented_crawl`` follows only what README's "Replica flavours" tells a crawler to follow (links,
the pagers scripts write, datastore islands and the data proxy); it must reach every article page
of the ground truth (``replica.cms.truth.flavour_model``).
"""

import json
import re
from urllib.parse import urlencode, urljoin

import pytest
from lxml import html

from extract.decode import decode_body
from replica.cms.truth import flavour_model
from tests.conftest import run_cli, start_replica

ARTICLES = 120
FLAVOURS = ("trs", "hanweb")
PAGER = re.compile(r'createPageHTML\((\d+), (\d+), "([^"]+)", "(\w+)"\)')
UID_PAGER = re.compile(r'hwPager\("(\d+)", (\d+), (\d+)\)')
JPAGE = re.compile(r"jpage\((\{.*?\})\);")
RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``site(cms, day)``: a replica of that flavour and day, started once for the module."""
    started = {}

    def get(cms: str, day: int = 1):
        if (cms, day) not in started:
            tmp = tmp_path_factory.mktemp(f"{cms}-day{day}")
            started[cms, day] = start_replica(tmp, articles=ARTICLES, day=day, cms=cms)
        return started[cms, day]

    yield get
    for server in started.values():
        server.stop()


def page_text(replica, path: str) -> str:
    status, headers, body = replica.get(path)
    assert status == 200, path
    return decode_body(body, headers.get("content-type")).text


def links(text: str, base: str) -> set[str]:
    """The <a href> of a page as an HTML parser sees them (not what scripts hold), as paths."""
    return {urljoin(base, a.get("href")) for a in html.fromstring(text).iter("a")
            if a.get("href") and not a.get("href").startswith("javascript:")}


def proxy_records(replica, config: dict, start: int, end: int, method: str = "POST") -> list[str]:
    paging = {"startrecord": start, "endrecord": end, "perpage": config["perPage"]}
    if method == "POST":    # paging in the query string, the column's fields in the body, as jpage sends them
        status, _, body = replica.post(f"{config['proxyUrl']}?{urlencode(paging)}", config["params"])
    else:
        status, _, body = replica.get(f"{config['proxyUrl']}?{urlencode({**paging, **config['params']})}")
    assert status == 200
    return RECORD.findall(body.decode("utf-8"))


def documented_crawl(replica) -> set[str]:
    """Every page reached the documented way: <a> links, script pagers, datastore islands, the data proxy."""
    seen, queue = set(), ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        text = page_text(replica, path)
        found = links(text, path)
        for count, _, name, ext in PAGER.findall(text):
            found |= {urljoin(path, f"{name}{'_%d' % i if i else ''}.{ext}") for i in range(int(count))}
        for uid, _, count in UID_PAGER.findall(text):
            found |= {urljoin(path, f"?uid={uid}&pageNum={n}") for n in range(1, int(count) + 1)}
        for config in map(json.loads, JPAGE.findall(text)):
            records = RECORD.findall(text.split('<script type="text/xml">')[1].split("</script>")[0])
            if config["totalRecord"] > len(records):
                records += proxy_records(replica, config, len(records) + 1, config["totalRecord"])
            assert len(records) == config["totalRecord"]
            found |= {HREF.search(r).group(1) for r in records}
        queue += [p for p in found if p.startswith("/") and p not in seen]
    return seen


@pytest.mark.parametrize("cms", FLAVOURS)
def test_a_crawler_following_the_documented_patterns_finds_every_article(site, cms):
    truth = flavour_model(cms, ARTICLES, 1)
    every_page = {p for a in truth.articles for p in a.pages}
    assert every_page <= documented_crawl(site(cms))
    assert len(truth.articles) == ARTICLES + 3      # the three 在线访谈 with a guest card


@pytest.mark.parametrize("cms", FLAVOURS)
def test_list_pages_have_no_link_to_the_next_page(site, cms):
    replica, truth = site(cms), flavour_model(cms, ARTICLES, 1)
    forms = {lst.form for lst in truth.lists.values()}
    assert "datastore" in forms and ({"createPageHTML"} if cms == "trs" else {"uid"}) <= forms
    for lst in truth.lists.values():
        first = page_text(replica, lst.pages[0])
        assert not links(first, lst.pages[0]) & set(lst.pages[1:]), lst.pages[0]
        if lst.form == "createPageHTML":
            assert f'createPageHTML({len(lst.pages)}, 0, "index", "shtml")' in first
        elif lst.form == "uid":
            assert re.search(r'hwPager\("\d+", 1, %d\)' % len(lst.pages), first) and "pageNum=" not in "".join(
                a.get("href", "") for a in html.fromstring(first).iter("a"))
        else:
            assert '<script type="text/xml"><datastore>' in first and f'"proxyUrl": "{lst.proxy}"' in first
            assert len(RECORD.findall(first)) == lst.inline < lst.records
    for lst in truth.lists.values():     # the later pages exist and hold other articles
        for path in lst.pages[1:]:
            assert links(page_text(replica, path), path) - links(page_text(replica, lst.pages[0]), lst.pages[0])


@pytest.mark.parametrize("cms", FLAVOURS)
def test_the_data_proxy_answers_post_and_get_with_the_next_records(site, cms):
    replica, truth = site(cms), flavour_model(cms, ARTICLES, 1)
    before = json.loads(replica.get(truth.hits)[2])["proxy"]
    for lst in (lst for lst in truth.lists.values() if lst.form == "datastore"):
        config = json.loads(JPAGE.search(page_text(replica, lst.pages[0])).group(1))
        assert config["params"] == lst.fields and config["totalRecord"] == lst.records
        posted = proxy_records(replica, config, lst.inline + 1, lst.records, "POST")
        assert posted == proxy_records(replica, config, lst.inline + 1, lst.records, "GET")
        column = [a.url for a in truth.articles if a.column == lst.column]
        inline = RECORD.findall(page_text(replica, lst.pages[0]))
        assert sorted(HREF.search(r).group(1) for r in inline + posted) == sorted(column)
    after = json.loads(replica.get(truth.hits)[2])["proxy"]
    datastores = sum(lst.form == "datastore" for lst in truth.lists.values())
    assert after["POST"] - before["POST"] == after["GET"] - before["GET"] == datastores
    assert replica.post(truth.lists["news"].pages[0], {})[0] == 405


@pytest.mark.parametrize("cms", FLAVOURS)
def test_the_ranking_is_a_script_include_one_day_and_a_json_api_the_other(site, cms):
    deliveries = {}
    for day in (1, 2):
        replica, truth = site(cms, day), flavour_model(cms, ARTICLES, day)
        home = page_text(replica, "/")
        body = replica.get(truth.ranking.url)[2].decode("utf-8")
        if truth.ranking.delivery == "script":
            assert f'src="{truth.ranking.url}"' in home and 'id="hotList"' not in home
            assert body.startswith("document.write(") and body.count("<li>") == 10
            shown = HREF.findall(json.loads(body[len("document.write("):-3]))
        else:
            assert '<ul class="ranklist" id="hotList"></ul>' in home and f"$.getJSON('{truth.ranking.url}'" in home
            shown = [entry["url"] for entry in json.loads(body)["list"]]
        assert not html.fromstring(home).xpath('//div[@class="hot"]//li')      # the HTML holds no entry
        assert shown == [url for _, _, url in truth.ranking.entries] and len(shown) == 10
        deliveries[day] = (truth.ranking.delivery, shown)
    assert deliveries[1][0] != deliveries[2][0] and deliveries[1][1] != deliveries[2][1]


@pytest.mark.parametrize("cms", FLAVOURS)
def test_videos_are_ckplayer_scripts_with_hls_playlists_and_segments(site, cms):
    replica, truth = site(cms), flavour_model(cms, ARTICLES, 1)
    assert len(truth.videos) >= 10
    video = truth.videos[0]
    page = page_text(replica, video.article)
    assert "new ckplayer(" in page and "<video" not in page and video.master in page
    status, headers, master = replica.get(video.master)
    assert status == 200 and headers["content-type"] == "application/vnd.apple.mpegurl"
    media = [urljoin(video.master, line) for line in master.decode().splitlines() if not line.startswith("#")]
    assert media == list(video.media)
    segments = []
    for playlist in media:
        lines = replica.get(playlist)[2].decode().splitlines()
        assert lines[-1] == "#EXT-X-ENDLIST"
        segments += [urljoin(playlist, line) for line in lines if not line.startswith("#")]
    assert segments == list(video.segments)
    status, headers, ts = replica.get(segments[-1])
    assert status == 200 and headers["content-type"] == "video/mp2t"
    assert len(ts) % 188 == 0 and ts[::188] == b"\x47" * (len(ts) // 188)


@pytest.mark.parametrize("cms", FLAVOURS)
def test_counters_count_every_get(site, cms):
    replica, truth = site(cms), flavour_model(cms, ARTICLES, 1)
    article = truth.articles[7]
    assert f'src="{article.counter}"' in page_text(replica, article.url)
    shown = [int(re.fullmatch(r"document.write\('(\d+)'\);", replica.get(article.counter)[2].decode()).group(1))
             for _ in range(3)]
    assert shown[1] == shown[0] + 1 and shown[2] == shown[0] + 2
    assert json.loads(replica.get(truth.hits)[2])["counters"][article.counter] == 3
    assert "no-cache" in replica.get(article.counter)[1]["cache-control"]
    assert len(set(truth.counters)) == len(truth.articles)
    if cms == "trs":   # two of the three forms: news, and videos and interviews
        assert {c.split("?")[0] for c in truth.counters} == {"/plus/count.php", "/api.php"}


@pytest.mark.parametrize("cms", FLAVOURS)
def test_gbk_pages_declared_gb2312_and_undeclared_decode(site, cms):
    replica, truth = site(cms), flavour_model(cms, ARTICLES, 1)
    for charset in ("gb2312-meta", "gbk-undeclared"):
        article = next(a for a in truth.articles if a.charset == charset and a.kind == "notice")
        status, headers, body = replica.get(article.url)
        assert "charset" not in headers["content-type"]
        assert (b"charset=gb2312" in body) == (charset == "gb2312-meta")
        decoded = decode_body(body, headers["content-type"])
        assert decoded.encoding == "gb18030" and article.title in decoded.text
        assert decoded.source == ("meta" if charset == "gb2312-meta" else "detector")


@pytest.mark.parametrize("cms", FLAVOURS)
def test_no_sitemap_and_no_rss(site, cms):
    replica = site(cms)
    assert "sitemap" not in replica.get("/robots.txt")[2].decode().lower()
    assert replica.get("/sitemap.xml")[0] == replica.get("/rss.xml")[0] == 404
    assert "rss" not in page_text(replica, "/").lower()


@pytest.mark.parametrize("cms", FLAVOURS)
def test_guest_card_interviews(site, cms):
    replica, truth = site(cms), flavour_model(cms, ARTICLES, 1)
    cards = [iv for iv in truth.interviews if iv.form == "card"]
    assert len(cards) == 3 and any(len(iv.guests) == 2 for iv in cards)
    assert any(iv.answers > iv.questions for iv in cards)
    body = "TRS_" if cms == "trs" else "bt_content"     # TRS_Editor or TRS_UEDITOR
    for iv in cards:
        texts = [page_text(replica, path) for path in iv.pages]
        for name, position in iv.guests:
            assert f">{name}</td>" in texts[0] and f">{position}</td>" in texts[0]
        assert "访谈嘉宾" in texts[0] and 'class="host"' in texts[0]
        assert sum(t.count("<strong>主持人：</strong>") for t in texts) == iv.questions
        if len(iv.pages) == 2:
            doc = html.fromstring(texts[0])
            nxt = next(a for a in doc.iter("a") if a.text == "下一页")
            assert urljoin(iv.pages[0], nxt.get("href")) == iv.pages[1]
            elements = list(doc.iter())
            container = next(e for e in elements if body in (e.get("class") or ""))
            assert container not in nxt.iterancestors()
            assert elements.index(nxt) > elements.index(list(container.iter())[-1])   # after the body


@pytest.mark.parametrize("cms", FLAVOURS)
def test_day_two_publishes_new_articles_and_edits_one_linked_from_the_home_page(site, cms):
    day1, day2 = site(cms, 1), site(cms, 2)
    truth = flavour_model(cms, ARTICLES, 2)
    assert len(truth.new_today) == 3 and truth.edited and flavour_model(cms, ARTICLES, 1).edited is None
    for path in truth.new_today:
        assert day1.get(path)[0] == 404 and day2.get(path)[0] == 200
    old, new = day1.get(truth.edited), day2.get(truth.edited)
    assert truth.edit_note not in decode_body(old[2], old[1]["content-type"]).text
    assert truth.edit_note in decode_body(new[2], new[1]["content-type"]).text
    assert old[1]["etag"] != new[1]["etag"] and old[1]["last-modified"] != new[1]["last-modified"]
    assert day2.get(truth.edited, {"If-None-Match": new[1]["etag"]})[0] == 304
    for replica in (day1, day2):
        assert truth.edited in links(page_text(replica, "/"), "/")


def test_same_arguments_same_bytes(site, tmp_path):
    other = start_replica(tmp_path, articles=ARTICLES, day=1, cms="trs")
    truth = flavour_model("trs", ARTICLES, 1)
    try:
        for path in ["/", truth.lists["news"].pages[1], truth.articles[40].url, truth.ranking.url,
                     truth.videos[0].segments[0]]:
            assert site("trs").get(path)[2] == other.get(path)[2], path
    finally:
        other.stop()


def test_fault_mode_still_available(tmp_path):
    replica = start_replica(tmp_path, articles=40, cms="hanweb", faults=True)
    try:
        home = page_text(replica, "/")
        assert "/2022-10/01/content_900001.htm" in home and "file:///etc/passwd" in home
        assert replica.get("/2022-10/01/content_900001.htm")[0] == 404
        assert replica.get("/2022-10/01/content_900002.htm")[0] == 500
        assert replica.get("/2022-10/01/content_900002.htm")[0] == 200
    finally:
        replica.stop()


def test_unknown_flavour_is_a_usage_error():
    result = run_cli("replica", "--cms", "nosuch")
    assert result.returncode == 2 and "nosuch" in result.stderr
