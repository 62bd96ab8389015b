"""Extraction on replica pages, as bytes as served (GBK stays GBK)."""

import json

from extract import extract_page, load_profile, merge_pages
from replica.content import SiteModel


def _model(replica):
    return SiteModel(articles=replica.articles, day=replica.day)


def _extract(replica, path):
    status, headers, body = replica.get(path)
    assert status == 200
    profile = load_profile("replica", replica.url)
    return extract_page(replica.url.rstrip("/") + path, headers.get("content-type"), body, profile)


def _seed(model):
    return next(a for a in model.articles if a.title.endswith("·汽开区"))


def test_seed_interview_original(replica):
    model = _model(replica)
    seed = _seed(model)
    record = _extract(replica, seed.path)
    assert record.kind == "interview"
    assert record.title == "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert (record.media, record.series, record.subtitle) == ("video", "e起点赞长春这十年", "区县领导访谈·汽开区")
    assert record.published_at == seed.published.isoformat()
    assert record.published_at.endswith("+08:00")
    assert (record.source, record.author, record.editor) == (seed.source, seed.author, seed.editor)
    assert record.interview["interviewees"] == [{"name": "陈定贵", "position": "长春汽车经济技术开发区党工委副书记"}]
    qa = record.interview["qa"]
    assert [q["question"][:2] for q in qa] == ["一、", "二、", "三、", "四、"]
    assert qa[0]["answer"].startswith("党的十八大以来,习近平总书记三次到吉林考察调研")
    assert qa[0]["answer"].count("\n") == 4          # five answer paragraphs joined
    assert "分享让更多人看到" not in record.text and "热门排行" not in record.text


def test_mirror_page_gives_the_same_record_with_raw_text_kept(replica):
    model = _model(replica)
    seed = _seed(model)
    original = _extract(replica, seed.path)
    mirror = _extract(replica, f"/gate/big5/{replica.host}{seed.path}")
    assert mirror.is_mirror and mirror.canonical_url == original.canonical_url
    assert mirror.text == original.text and mirror.interview == original.interview
    assert "點(diǎn)" in mirror.title_raw and "(qū)" in mirror.text_raw
    assert [e["url"] for e in mirror.ranking] == [e["url"] for e in original.ranking]


def test_ranking_ten_entries_told_apart_by_url(replica):
    model = _model(replica)
    record = _extract(replica, "/")
    assert [e["rank"] for e in record.ranking] == list(range(1, 11))
    assert [e["url"] for e in record.ranking] == [replica.url.rstrip("/") + a.path for a in model.ranking()]
    same = [e for e in record.ranking if e["title"] == "【视频】e起点赞长春这十年|区县领导访…"]
    assert len(same) == 5 and len({e["url"] for e in same}) == 5
    assert all(e["truncated"] and e["full_title"].startswith("【视频】") for e in same)
    untruncated = record.ranking[2]
    assert untruncated["title"] == "“动态清零”可持续而且必须坚持" and not untruncated["truncated"]


def test_gbk_pages_with_and_without_declaration(replica):
    model = _model(replica)
    for article in [a for a in model.articles if a.charset != "utf-8"]:
        record = _extract(replica, article.path)
        assert record.encoding == "gb18030"
        assert record.title == article.title
        assert "\ufffd" not in record.text and record.text
        assert record.published_at == article.published.isoformat()


def test_multi_page_interview_is_merged(replica):
    model = _model(replica)
    split = next(a for a in model.articles if len(a.pages) > 1)
    first = _extract(replica, split.path)
    assert first.next_page == replica.url.rstrip("/") + split.page_path(2)
    second = _extract(replica, split.page_path(2))
    merged = merge_pages([first, second])
    assert len(merged.interview["qa"]) == 4 and merged.next_page is None
    assert merged.interview["interviewees"][0]["name"] == "高振宇"


def test_list_page_and_json_document(replica):
    record = _extract(replica, "/news/index.htm")
    assert record.kind == "list" and len(record.ranking) == 10
    doc = record.to_json()
    assert list(doc)[:4] == ["url", "canonical_url", "kind", "title"]
    json.dumps(doc, ensure_ascii=False)


def test_extraction_never_raises_on_junk():
    for body in [b"", b"\x00\xff" * 100, b"<html><p>", "<html>半个".encode("gbk")[:-1]]:
        record = extract_page("http://example.org/a.htm", "text/html", body)
        assert record.kind in ("other", "article")
