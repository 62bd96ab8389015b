"""The replica, through its real HTTP server."""

import gzip

from lxml import html

from replica.content import SiteModel
from tests.conftest import FIXTURES

SEED_ID = None


def _seed_article(articles=60, day=1):
    model = SiteModel(articles=articles, day=day)
    return model, next(a for a in model.articles if a.title.endswith("·汽开区"))


def _render_like_the_dump(body: bytes) -> list[str]:
    """The seed is a text dump of title, body, share widget and ranking; render our page the same way."""
    doc = html.fromstring(body.decode("utf-8"))
    lines = [doc.cssselect("h1")[0].text_content().strip()]
    lines += [p.text_content().strip() for p in doc.cssselect(".content p")]
    lines += [doc.cssselect(".share span")[0].text_content().strip()]
    lines += [doc.cssselect(".hot h3")[0].text_content().strip()]
    lines += ["- " + "".join(li.itertext()).strip() for li in doc.cssselect(".hot li")]
    return lines


def test_mirror_page_of_the_seed_interview_renders_to_the_seed(replica):
    _, seed = _seed_article(replica.articles)
    status, _, body = replica.get(f"/gate/big5/{replica.host}{seed.path}")
    assert status == 200
    assert _render_like_the_dump(body) == (FIXTURES / "seed_mirror.txt").read_text("utf-8").splitlines()


def test_original_seed_page_is_simplified_with_rank_in_its_own_element(replica):
    _, seed = _seed_article(replica.articles)
    status, headers, body = replica.get(seed.path)
    doc = html.fromstring(body.decode("utf-8"))
    assert doc.cssselect("h1")[0].text == "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert doc.cssselect(".content video")
    items = doc.cssselect(".hot li")
    assert [li.cssselect(".num")[0].text for li in items] == [str(n) for n in range(1, 11)]
    shown = [li.cssselect("a")[0].text for li in items]
    assert shown.count("【视频】e起点赞长春这十年|区县领导访…") == 5
    assert len({li.cssselect("a")[0].get("href") for li in items}) == 10
    assert all(li.cssselect("a")[0].get("title") for li in items)


def test_same_arguments_same_bytes(replica, replica_factory):
    other = replica_factory(articles=replica.articles, day=1)
    for path in ["/", "/news/index_1.htm", _seed_article(replica.articles)[1].path, "/sitemap_1.xml"]:
        a, b = replica.get(path)[2], other.get(path)[2]
        assert a.replace(replica.host.encode(), b"H") == b.replace(other.host.encode(), b"H")


def test_days_publish_articles_move_the_ranking_and_edit_one_article():
    day1, day2 = SiteModel(articles=60, day=1), SiteModel(articles=60, day=2)
    assert len(day2.articles) > len(day1.articles)
    assert [a.id for a in day1.ranking()] != [a.id for a in day2.ranking()]
    # ids of existing articles are stable across days
    assert {a.id: a.path for a in day1.articles}.items() <= {a.id: a.path for a in day2.articles}.items()
    edited = [a for a in day2.articles if a.edits]
    assert len(edited) == 1 and edited[0].modified(2) > edited[0].modified(1)


def test_http_validators_gzip_and_chunked(replica):
    status, headers, body = replica.get("/", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers.get("transfer-encoding") == "chunked"
    assert b"<html" in gzip.decompress(body)
    status, headers, _ = replica.get("/robots.txt")
    assert replica.get("/robots.txt", {"If-None-Match": headers["etag"]})[0] == 304
    assert replica.get("/robots.txt", {"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert replica.get("/no/such/page.htm")[0] == 404


def test_discovery_files(replica):
    robots = replica.get("/robots.txt")[2].decode()
    assert "Disallow: /search/" in robots and f"Sitemap: http://{replica.host}/sitemap.xml" in robots
    assert b"<sitemapindex" in replica.get("/sitemap.xml")[2]
    assert replica.get("/sitemap_1.xml")[2].count(b"<url>") == replica.articles
    assert replica.get("/rss.xml")[2].count(b"<item>") == 30


def test_some_older_pages_are_gbk(replica):
    model = SiteModel(articles=replica.articles, day=1)
    gbk = [a for a in model.articles if a.charset != "utf-8"]
    assert {a.charset for a in gbk} == {"gb2312-meta", "gbk-undeclared"}
    for article in gbk:
        status, headers, body = replica.get(article.path)
        assert "charset" not in headers["content-type"]
        assert article.title in body.decode("gbk")
        assert (b"charset=gb2312" in body) == (article.charset == "gb2312-meta")
        assert b"charset" not in body or article.charset == "gb2312-meta"


def test_images_and_video_are_real_bytes(replica):
    model = SiteModel(articles=replica.articles, day=1)
    photo = next(a for a in model.articles if a.kind == "photo")
    page = replica.get(photo.path)[2].decode()
    src = html.fromstring(page).cssselect(".content img")[0].get("src")
    status, headers, png = replica.get(src)
    assert status == 200 and headers["content-type"] == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    video = html.fromstring(replica.get(_seed_article(replica.articles)[1].path)[2]).cssselect("video")[0]
    status, headers, mp4 = replica.get(video.get("src"))
    assert status == 200 and mp4[4:8] == b"ftyp"
