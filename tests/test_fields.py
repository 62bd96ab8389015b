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


def _article(info_above: str = "", body_end: str = "", after: str = "", title: str = "标题") -> "object":
    html = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{info_above}"
            f"<div class='content'><p>{'长春市今天召开会议，部署秋冬季安全生产工作。' * 4}</p>"
            f"<p>会议要求各部门压实责任。{body_end}</p></div>{after}</body></html>")
    return extract_page("http://h.example/x", "text/html", html.encode())


@pytest.mark.parametrize("kwargs,author,date", [
    ({"body_end": "<br>本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表."}, "大卫", "2005-08-12T16:12:21+08:00"),
    ({"info_above": "<div><a href='/u'>ggjjzhzz</a> 发表于 2005-9-15 11:46:00</div>"}, "ggjjzhzz",
     "2005-09-15T11:46:00+08:00"),
    ({"after": "<div>〓 网易娱乐 发布时间 2005/03/15 22:36:13 by duscha 〓</div>"}, "duscha",
     "2005-03-15T22:36:13+08:00"),
    # not signatures: a sentence before 发表于, a word for "the post", no date
    ({"after": "<div>希望以后和各位多多交流。\n发表于 2004年12月27日 12:40</div>"}, None, "2004-12-27T12:40:00+08:00"),
    ({"after": "<div>文章 发表于 2004-12-27 12:40</div>"}, None, "2004-12-27T12:40:00+08:00"),
    ({"after": "<div>本贴由大卫发表</div>"}, None, None),
])
def test_post_signature_gives_poster_and_time(kwargs, author, date):
    record = _article(**kwargs)
    assert (record.author, record.published_at) == (author, date)


@pytest.mark.parametrize("kwargs,field,value", [
    ({"after": "<div>文：眉间尺 ------我的博客</div>"}, "author", "眉间尺"),
    ({"body_end": "（姚峰 上海报道）"}, "author", "姚峰"),
    ({"info_above": "<div>2004年7月16日08:19 [ 黄宇 ]\ue5c2 来源：[ 国际金融报 ]</div>"}, "author", "黄宇"),
    ({"info_above": "<div>2004年7月16日08:19 [ 黄宇 ]\ue5c2 来源：[ 国际金融报 ]</div>"}, "source", "国际金融报"),
    ({"info_above": "<div>[ 要闻 ] 来源：本站</div>"}, "author", None),       # a channel tag, not a name
    ({"info_above": "<div>发文机关： 吉林省人民政府 成文日期： 2022年01月27日</div>"}, "source", "吉林省人民政府"),
    ({"info_above": "<div>作者： size=\"20\" 来源： size=\"20\"</div>"}, "author", None),
    ({"info_above": "<div>作者： size=\"20\" 来源： size=\"20\"</div>"}, "source", None),
])
def test_more_byline_forms(kwargs, field, value):
    assert getattr(_article(**kwargs), field) == value


def test_a_short_first_paragraph_that_also_heads_a_list_above_does_not_hide_the_lines_between():
    html = ("<html><head><meta charset='utf-8'><title>某某博客</title></head><body>"
            "<div class='side'>建立于:2004年10月6日</div><div>[湖湘文化]陈天华《警世钟》</div>"
            "<div><a href='/u'>ggjjzhzz</a> 发表于 2005-9-15 11:46:00</div>"
            "<div class='content'><p>陈天华《警世钟》</p>"
            f"<p>{'长梦千年何日醒，睡乡谁遣警钟鸣？腥风血雨难为我，好个江山忍送人！' * 3}</p></div></body></html>")
    record = extract_page("http://h.example/x", "text/html", html.encode())
    assert record.published_at == "2005-09-15T11:46:00+08:00" and record.author == "ggjjzhzz"


@pytest.mark.parametrize("info,expected", [
    ("发布日期： 9/17/2004 5:54:13 AM", "2004-09-17T05:54:13+08:00"),     # .NET US format: month first
    ("发布日期： 7/5/2005 9:23:57 PM", "2005-07-05T21:23:57+08:00"),      # AM/PM tells the order
    ("日期：17/9/2004", "2004-09-17T00:00:00+08:00"),                     # day over 12: day first
    ("发表时间： 06/02/2022 - 13:48", None),                               # either order: no date
])
def test_slashed_dates_with_the_year_last(info, expected):
    assert _page(info=f"<div>{info}</div>", url="http://h.example/x.html").published_at == expected


# A list of other posts, each a link with its date ("related posts", sidebars, archives).
DATED_LINKS = ("<div class='box'><h3>相关文章</h3>"
               "<p>[2021-06-18]&nbsp;<a href='/p/31.htm'>城区供暖管网改造完工</a></p>"
               "<p>[2021-06-11]&nbsp;<a href='/p/30.htm'>夜市重新开放</a></p>"
               "<p>[2021-05-30]&nbsp;<a href='/p/29.htm'>春季植树活动圆满结束</a></p></div>")
DATED_LIS = ("<ul class='box'><li><a href='/p/31.htm'>城区供暖管网改造完工</a> <span>2021-06-18</span></li>"
             "<li><a href='/p/30.htm'>夜市重新开放</a> <span>2021-06-11</span></li></ul>")
DATED_ROWS = ("<table class='box'><tr><td><a href='/p/31.htm'>城区供暖管网改造完工</a></td><td>2021-06-18</td></tr>"
              "<tr><td><a href='/p/30.htm'>夜市重新开放</a></td><td>2021-06-11</td></tr></table>")


def _repost(lead: str, before: str = "", after: str = "", head: str = "") -> "object":
    """A blog post reposting a newspaper article: ``lead`` lines open the body, a list of dated
    links stands ``before`` and/or ``after`` it."""
    lines = "".join(f"<p>{line}</p>" for line in lead.split("\n") if line)
    html = (f"<html><head><meta charset='utf-8'><title>老城区改造进展</title>{head}</head><body>{before}"
            f"<h1>老城区改造进展</h1><div class='content'>{lines}"
            f"<p>{'老城区改造工程今年进入第二阶段，涉及居民三千余户，各部门分工协作。' * 3}</p>"
            f"<p>{'工程指挥部表示，年底前完成全部管网铺设，并同步推进道路修缮。' * 2}</p></div>{after}</body></html>")
    return extract_page("http://h.example/blog/post.htm", "text/html", html.encode())


@pytest.mark.parametrize("lead,expected", [
    ("本报记者 赵婉姝 李雪松\n2019-4-9 长春晚报", "2019-04-09T00:00:00+08:00"),     # date and newspaper
    ("长春日报 2019年4月9日 第3版", "2019-04-09T00:00:00+08:00"),
    # a date alone under the 记者 line, lower than the head lines the body extractor trims
    ("拆迁补偿新规出台\n——老城区改造进展\n本报通讯员 王强\n本报记者 赵婉姝\n2019年4月9日", "2019-04-09T00:00:00+08:00"),
])
def test_a_dated_byline_opening_the_body_outranks_a_list_of_dated_links(lead, expected):
    assert _repost(lead, after=DATED_LINKS).published_at == expected
    assert _repost(lead, before=DATED_LIS, after=DATED_LINKS).published_at == expected


def test_a_dated_sentence_opening_the_body_is_not_a_byline():
    # Prose that names a day (and 记者) is not the byline: the meta tag's date stands.
    record = _repost("2019年4月9日，记者从市住建局获悉，老城区改造全面启动。", head=META)
    assert record.published_at == "2022-10-01T00:00:00+08:00"


@pytest.mark.parametrize("before,after", [("", DATED_LINKS), (DATED_LIS, ""), (DATED_ROWS, ""),
                                          (DATED_LIS, DATED_LINKS)])
def test_dates_in_a_list_of_dated_links_are_not_the_publication_date(before, after):
    assert _repost("", before=before, after=after).published_at is None
    # ... and do not hide the page's own date further on
    own = "<div>发表于 2019-04-09 21:05</div>"
    assert _repost("", before=before, after=after + own).published_at == "2019-04-09T21:05:00+08:00"


def test_a_single_link_with_a_date_is_the_byline_not_a_list():
    record = _repost("", before="<div><a href='/blog/'>老城日记</a> 2019-04-09 21:05</div>")
    assert record.published_at == "2019-04-09T21:05:00+08:00"
