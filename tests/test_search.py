"""Chinese full-text search returns exactly what substring search returns, in either script."""

import random

import pytest

from archive.store import Archive, open_archive
from archive.warc import CaptureRef
from replica.content import SiteModel


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    archive = Archive(open_archive(tmp_path_factory.mktemp("search") / "a.db"))
    run = archive.begin_run("replica", "1", "0")
    for n, article in enumerate(SiteModel(articles=200).articles):
        ref = CaptureRef("f.warc.gz", n * 10, 5, f"<urn:uuid:{n}>", 0, 0, "sha1:X", "2022-10-08T00:00:00Z")
        capture = archive.add_capture(run, article.path, 200, "text/html", ref)
        paragraphs = [b[1] for page in article.pages for b in page if b[0] in ("p", "q")]
        qa = [{"question": q[1], "answer": "答"} for page in article.pages for q in page if q[0] == "q"]
        archive.store_article({"canonical_url": article.path, "kind": "interview" if qa else "article",
                               "title": article.title, "text": "\n".join(paragraphs),
                               "interview": {"interviewees": [], "qa": qa} if qa else None}, [capture], "t", run)
    return archive


def _like(archive, q):
    rows = archive.db.execute(
        "SELECT canonical_url FROM articles WHERE title LIKE :p OR text LIKE :p "
        "UNION SELECT article FROM qa WHERE question LIKE :p OR answer LIKE :p", {"p": f"%{q}%"})
    return {r[0] for r in rows}


def _samples(archive, length, count=40):
    rng = random.Random(length)
    texts = [r[0] for r in archive.db.execute("SELECT title || text FROM articles")]
    out = {"一汽", "汽开", "汽开区", "净月高新", "长春", "众", "区"} if length == 0 else set()
    while length and len(out) < count:
        text = rng.choice(texts)
        i = rng.randrange(len(text) - length)
        word = text[i:i + length]
        if all("\u4e00" <= c <= "\u9fff" for c in word):
            out.add(word)
    return sorted(out)


@pytest.mark.parametrize("length", [0, 2, 3, 4])
def test_search_recall_equals_like(archive, length):
    for q in _samples(archive, length):
        assert set(archive.search(q, limit=10_000)) == _like(archive, q), q


def test_words_that_are_not_there_find_nothing(archive):
    assert archive.search("量子计算机") == [] and archive.search("") == []
    assert _like(archive, "量子计算机") == set()


def test_hostile_query_strings_do_not_break_the_query(archive):
    for q in ['"', "a OR b", "NEAR(", "*", "'); DROP TABLE articles;--", "一汽\"大众"]:
        archive.search(q)          # no FTS5 syntax error, no SQL injection
    assert archive.db["articles"].count == len(SiteModel(articles=200).articles)


def test_the_index_holds_the_first_million_characters_of_a_text():
    from archive.search import INDEX_MAX_CHARS, index_text

    text = "一" * (INDEX_MAX_CHARS - 2) + "汽大众" + "长春" * 1000
    tokens = index_text(text).split()
    assert "汽大" in tokens and "大众" not in tokens and "长春" not in tokens


def test_a_word_is_found_in_either_script(tmp_path):
    from archive.search import index_text, match_expression

    archive = Archive(open_archive(tmp_path / "s.db"))
    run = archive.begin_run("t", "1", "0")
    texts = {"/hk.html": ("港鐵東涌線延線工程明年通車", "港鐵公司表示，延線工程進展順利，預計明年第四季通車。"),
             "/cn.html": ("长春地铁6号线首列车下线", "6号线全长约三十公里，预计后年开通初期运营。")}
    for n, (path, (title, text)) in enumerate(texts.items()):
        ref = CaptureRef("f.warc.gz", n * 10, 5, f"<urn:uuid:{n}>", 0, 0, "sha1:X", "2022-12-20T00:00:00Z")
        archive.store_article({"canonical_url": path, "kind": "article", "title": title, "text": text},
                              [archive.add_capture(run, path, 200, "text/html", ref)], "t", run)
    assert archive.search("工程進展") == ["/hk.html"] and archive.search("工程进展") == ["/hk.html"]
    assert archive.search("開通") == ["/cn.html"] and archive.search("开通") == ["/cn.html"]
    assert archive.search("通车") == ["/hk.html"] and archive.search("线") == archive.search("線")
    assert set(archive.search("线")) == {"/hk.html", "/cn.html"}
    # simplified text is indexed once, as before; a query t2s leaves alone is one phrase
    assert index_text("长春地铁") == "长春 春地 地铁 铁" and match_expression("长春") == '"长春"'
