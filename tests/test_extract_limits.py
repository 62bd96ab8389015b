"""Pages libxml2 gives up on, and pages too big to read whole (issue 12): what extraction reads,
and the sentence in ``problems`` when it cannot read all. Cost is measured by
bench/extract_limits.py, never here; these tests check the properties that keep it linear."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import extract_page, load_profile, merge_pages
from extract import body as body_module
from extract.markup import MAX_DEPTH, MAX_ELEMENTS, MAX_MARKUP, flatten, parse_markup
from extract.normalize import clean_many, clean_whitespace, normalise, normalise_many
from replica.big_pages import MB, SENTENCE, article_page, nested_page
from tests.conftest import run_cli

URL = "http://127.0.0.1:8000/2022-10/09/content_1.htm"
PROFILE = load_profile("replica", "http://127.0.0.1:8000/")
BODY = "\n".join(f"{SENTENCE}第{n}段。" for n in (1, 2, 3))     # the body of every generated page but two


def _extract(body: bytes, content_type: str | None = "text/html", url: str = URL):
    return extract_page(url, content_type, body, PROFILE)


def _depth(doc) -> int:
    return max(sum(1 for _ in el.iterancestors()) for el in doc.iter())


def test_a_page_of_100000_nested_divs_is_read_flattened():
    record = _extract(nested_page(100_000))
    assert record.kind == "article" and record.text == BODY
    assert any("nested deeper than 255 levels" in p and "flattened" in p for p in record.problems)


def test_elements_flattening_drops_do_not_count_against_the_ceiling():
    record = _extract(nested_page(MAX_ELEMENTS + 50_000))
    assert record.text == BODY and len(record.problems) == 1 and "flattened" in record.problems[0]


def test_a_text_node_of_15_mb_is_read_up_to_the_ceiling():
    body = article_page("textnode", 15 * MB)
    record = _extract(body)
    assert record.text.startswith(SENTENCE * 3)
    # over libxml2's 10 MB text node, and all of it up to the ceiling
    assert 0.9 * MAX_MARKUP < len(record.text) <= MAX_MARKUP
    assert [p for p in record.problems if p.startswith("read the first ") and p.endswith("is in the WARC")]


def test_a_text_node_over_libxml2s_limit_but_under_the_ceiling_is_read_whole():
    text = SENTENCE * (3_500_000 // len(SENTENCE))    # 10.5 MB in UTF-8: libxml2 alone returned nothing
    record = _extract(f"<html><body><h1>标题</h1><div class='content'><p>{text}</p></div></body></html>".encode())
    assert record.text == text and record.problems == []


def test_a_15_mb_page_on_one_line_gives_its_body():
    body = article_page("padded", 15 * MB)
    assert b"\n" not in body
    record = _extract(body)
    assert record.kind == "article" and record.text == BODY
    assert record.title == "长春市召开城市更新工作推进会议" and record.published_at == "2022-10-09T09:30:00+08:00"
    assert len(record.problems) == 1 and record.problems[0].startswith("read the first ")


def test_what_the_parser_gets_is_bounded():
    for shape in ("padded", "table", "textnode", "nested"):
        page = parse_markup(article_page(shape, 15 * MB).decode())
        assert len(page.markup) <= MAX_MARKUP
        assert sum(1 for _ in page.doc.iter()) <= MAX_ELEMENTS + 3        # + the html, head, body it adds
        assert _depth(page.doc) <= 255 and page.problems


def test_a_normal_page_is_parsed_as_served():
    markup = article_page("padded", 200_000).decode()
    page = parse_markup(markup)
    assert page.markup == markup and page.problems == []


def test_flattening_keeps_the_text_and_the_paragraphs_apart():
    markup = "<div>" * 300 + f"<p>{SENTENCE}</p><div>{SENTENCE}<span>甲</span></div>" + "</div>" * 300
    flat = flatten(markup, limit=MAX_DEPTH)
    assert flat.count("<div>") == flat.count("</div>") == MAX_DEPTH and f"<p>{SENTENCE}</p><br>" in flat
    record = _extract(f"<html><body><h1>标题</h1>{markup}</body></html>".encode())
    assert record.text.split("\n") == [SENTENCE, SENTENCE + "甲"] and "flattened" in record.problems[0]


def test_the_generic_fallback_reads_at_most_its_ceiling(monkeypatch):
    import trafilatura
    seen = []
    monkeypatch.setattr(trafilatura, "extract", lambda html, **kw: seen.append(len(html)) or "")
    record = _extract(article_page("fallback", 2 * MB))
    assert seen and max(seen) <= body_module.FALLBACK_MAX
    assert any("generic extractor" in p and "its ceiling" in p for p in record.problems)


def test_an_interview_with_long_answers_keeps_every_paragraph():
    body = article_page("interview", 1 * MB)
    record = _extract(body)
    assert record.kind == "interview"
    first, second = record.interview["qa"]
    assert first["answer"].startswith("进展顺利。\n" + SENTENCE + "第4段。")
    assert first["answer"].count("\n") == record.text.count("\n") - 3 and second["answer"] == "继续推进。"


LINES = st.lists(st.text(alphabet=st.sampled_from(list("a中點擊 \t\n\r\u3000\xa0\u200b\x0b\x1c\u2028\ufeff(diǎn)")),
                         max_size=12), max_size=6)


@settings(max_examples=300, deadline=None)
@given(texts=LINES)
def test_paragraphs_normalised_together_are_normalised_as_one_by_one(texts):
    assert normalise_many(texts) == [normalise(t) for t in texts]
    assert clean_many(texts) == [clean_whitespace(t) for t in texts]


# -- what extraction reads at all, and against what base ---------------------------------------------------

HTML = ("<html><head><title>标题</title>{head}</head><body><img src='a.png'><script src='/s.js'></script>"
        "<a href='b.htm'>链接</a></body></html>")


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "application/pdf"])
def test_a_body_that_is_not_html_is_not_parsed_as_html(content_type):
    record = _extract(HTML.format(head="").encode(), content_type)
    assert record.kind == "other" and record.title is None and record.links == [] and record.requisites == []


@pytest.mark.parametrize("content_type", [None, "", "text/html; charset=utf-8", "application/xhtml+xml", "text/plain"])
def test_html_and_pages_served_without_a_type_are_read(content_type):
    record = _extract(HTML.format(head="").encode(), content_type, url="http://h.example/a/1.htm")
    assert record.links == ["b.htm"] and "http://h.example/a/a.png" in record.requisites


@pytest.mark.parametrize("base, expected", [
    ("<base href='http://cdn.example/static/'>", "http://cdn.example/static/"),
    ("<base href='/assets/'>", "http://h.example/assets/"),        # itself resolved against the page URL
    ("<base target='_blank'><base href='../up/'><base href='/second/'>", "http://h.example/up/"),  # the first href
    ("", "http://h.example/a/"),
])
def test_requisites_are_resolved_against_the_documents_base(base, expected):
    record = _extract(HTML.format(head=base).encode(), url="http://h.example/a/1.htm")
    assert record.requisites == [expected + "a.png", "http://" + expected.split("/")[2] + "/s.js"]


def test_problems_are_in_the_json_document_and_kept_when_pages_merge():
    big, small = _extract(article_page("padded", 5 * MB)), _extract(article_page("padded", 100_000))
    assert big.to_json()["problems"] == big.problems and small.to_json()["problems"] == []
    merged = merge_pages([small, big])
    assert merged.problems == [f"page 2: {big.problems[0]}"]


# -- the three pages through the real crawl --------------------------------------------------------------

def test_big_pages_are_crawled_and_stored_with_their_text(hostile_factory, tmp_path):
    server = hostile_factory("big-pages")
    done = run_cli("crawl", "--site", "replica", "--url", server.url, "--data", str(tmp_path), "--log-level", "ERROR")
    assert done.returncode == 0, done.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "archive.db")
    texts = dict(db.execute("SELECT canonical_url, text FROM articles WHERE canonical_url LIKE '%/2022-10/09/%'"))
    base = server.url.rstrip("/") + "/2022-10/09/content_"
    assert texts[base + "1.htm"] == BODY              # 15 MB on one line
    assert texts[base + "2.htm"] == BODY              # 100,000 nested divs
    # one 15 MB text node: its first part, up to extraction's ceiling (the page is whole in the WARC)
    assert texts[base + "3.htm"].startswith(SENTENCE * 10) and len(texts[base + "3.htm"]) > MAX_MARKUP // 2
    # what was not read is said, in a failure row of the page (stored, but in part)
    in_part = dict(db.execute("SELECT url, reason FROM failures WHERE status = 200"))
    assert "stored in part: read the first" in in_part[base + "3.htm"], in_part
    assert "nested deeper" in in_part[base + "2.htm"], in_part


def test_a_base_or_link_urllib_cannot_read_does_not_stop_extraction():
    page = ("<html><head><base href='http://[x'></head><body><img src='//[x]/a'><img src='/b.png'>"
            "<div><h3>热门排行</h3><ul><li><a href='http://['>甲</a></li><li><a href='/c'>乙</a></li></ul></div>"
            "</body></html>")
    record = _extract(page.encode(), url="http://h.example/a/1.htm")
    assert record.requisites == ["http://h.example/b.png"]
    assert [e["url"] for e in record.ranking] == ["http://h.example/c"]
