"""Dates, bylines and ranking forms, one rule at a time."""

import json

import pytest

from extract import extract_page

BODY = "<div class='content'><p>" + "长春市今天召开会议，部署秋冬季安全生产工作，要求各部门压实责任。" * 2 + "</p></div>"


def _page(head: str = "", info: str = "", url: str = "http://h.example/a/1.htm") -> str:
    html = f"<html><head><meta charset='utf-8'><title>标题</title>{head}</head><body><h1>标题</h1>{info}{BODY}</body></html>"
    return extract_page(url, "text/html", html.encode())


META = "<meta name='publishdate' content='2022-10-01'>"
JSONLD = "<script type='application/ld+json'>" + json.dumps({"datePublished": "2022-09-01T10:00:00+08:00"}) + "</script>"
URL = "http://h.example/2022-08/01/content_1.htm"


@pytest.mark.parametrize("head,info,url,expected", [
    (META + JSONLD, "<div>发布时间：2022-10-08 09:30</div>", URL, "2022-10-08T09:30:00+08:00"),
    (META + JSONLD, "<div>2022年10月8日 来源：长春日报</div>", URL, "2022-10-08T00:00:00+08:00"),
    (META + JSONLD, "", URL, "2022-10-01T00:00:00+08:00"),
    (JSONLD, "", URL, "2022-09-01T10:00:00+08:00"),
    ("", "", URL, "2022-08-01T00:00:00+08:00"),
])
def test_dates_in_order_of_trust(head, info, url, expected):
    assert _page(head, info, url).published_at == expected


def test_header_date_bar_above_the_title_is_not_the_publication_date():
    html = ("<html><body><div class='top'>2022年11月27日 星期日</div><h1>标题</h1>"
            "<div>发布时间：2022-10-08 09:30</div>" + BODY + "</body></html>")
    assert extract_page("http://h.example/x", "text/html", html.encode()).published_at.startswith("2022-10-08")


@pytest.mark.parametrize("info,field,value", [
    ("来源：长春日报 作者：李雪松 编辑：王立新", "author", "李雪松"),
    ("来源：长春日报 作者：李雪松 编辑：王立新", "source", "长春日报"),
    ("来源：长春日报 作者：李雪松 编辑：王立新", "editor", "王立新"),
    ("本报记者 赵婉姝 通讯员 王强", "author", "赵婉姝"),
    ("文/李雪松", "author", "李雪松"),
    ("责任编辑：周文", "editor", "周文"),
    ("责编：周文", "editor", "周文"),
])
def test_bylines(info, field, value):
    assert getattr(_page(info=f"<div>{info}</div>"), field) == value


def test_closing_reporter_note_is_the_author_and_picture_notes_are_not():
    html = ("<html><body><h1>标题</h1><div class='content'><p>" + "今天的会议部署了工作，各部门压实责任。" * 4 +
            "</p><p>(资料图片)</p><p>会议要求抓好落实。（记者 胡晓蓉）</p></div></body></html>")
    assert extract_page("http://h.example/x", "text/html", html.encode()).author == "胡晓蓉"


def test_ranking_glued_to_its_rank_as_in_the_seed_dump():
    items = ["10月7日长春市新增新冠病毒阳性感染者…", "【视频】e起点赞长春这十年|区县领导访…", "“动态清零”可持续而且必须坚持"]
    lis = "".join(f"<li><a href='/a/{n}.htm'>{n}{t}</a></li>" for n, t in enumerate(items, 1))
    html = f"<html><body><div class='side'><h3>热门排行</h3><ul>{lis}</ul></div></body></html>"
    ranking = extract_page("http://h.example/", "text/html", html.encode()).ranking
    assert [(e["rank"], e["title"]) for e in ranking] == list(enumerate(items, 1))
    assert [e["url"] for e in ranking] == [f"http://h.example/a/{n}.htm" for n in (1, 2, 3)]


def test_a_list_that_merely_starts_with_digits_is_not_split():
    lis = "<li><a href='/1'>10月新规出台</a></li><li><a href='/2'>冬季供暖开始</a></li>"
    html = f"<html><body><div><h3>热门排行</h3><ul>{lis}</ul></div></body></html>"
    ranking = extract_page("http://h.example/", "text/html", html.encode()).ranking
    assert [e["title"] for e in ranking] == ["10月新规出台", "冬季供暖开始"] and ranking[1]["rank"] == 2


def test_no_ranking_heading_no_ranking():
    html = "<html><body><div><h3>最新新闻</h3><ul><li><a href='/1'>甲</a></li><li><a href='/2'>乙</a></li></ul></div></body></html>"
    assert extract_page("http://h.example/", "text/html", html.encode()).ranking == []


@pytest.mark.parametrize("above_body,author", [
    ("<p>社会资本与再就业</p><p>赵延东、风笑天</p>", "赵延东、风笑天"),   # co-authors: the first has a common surname
    ("<p>社会资本与再就业</p><p>风笑天</p>", None),                     # one name needs a common surname
    ("<p>社会资本与再就业</p><p>关注</p>", None),                       # a button, not a name
])
def test_names_line_above_the_body(above_body, author):
    html = (f"<html><head><meta charset='utf-8'><title>显示</title></head><body>{above_body}"
            f"<div class='content'><p>{'长春市今天召开会议，部署秋冬季安全生产工作。' * 4}</p></div></body></html>")
    assert extract_page("http://h.example/x", "text/html", html.encode()).author == author


def test_source_in_the_line_above_the_body_when_the_title_appears_again_lower():
    # "原标题：<title>" right above the body: the metadata line sits above that second occurrence.
    html = ("<html><head><meta charset='utf-8'><title>于欢出狱第一晚</title></head><body><h1>于欢出狱第一晚</h1>"
            "<div>2020-11-26 08:04 来源:中国新闻网</div><div>原标题：于欢出狱第一晚</div>"
            f"<div class='content'><p>{'长春市今天召开会议，部署秋冬季安全生产工作。' * 4}</p></div></body></html>")
    assert extract_page("http://h.example/x", "text/html", html.encode()).source == "中国新闻网"
