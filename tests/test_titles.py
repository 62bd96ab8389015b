"""Titles by agreement among the page's headings and title sources (issue 15), negatives included."""

import pytest
from lxml import html

from extract.title import pick_title

HEADLINE = "净月潭冰雪季开幕 游客可免费体验雪圈"


def _title(head: str, body: str) -> str:
    return pick_title(html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>"))


def test_a_logo_as_the_only_h1_is_not_the_title():
    head = f"<title>{HEADLINE}_长春新闻网</title>"
    body = (f"<h1 class='logo'><a href='/'><img alt='长春新闻网' src='/logo.png'>长春新闻网</a></h1>"
            f"<h2>{HEADLINE}</h2>")
    assert _title(head, body) == HEADLINE


def test_the_site_name_alone_is_never_the_title():
    # the logo says the site's name, og:site_name too; the headline is in a .title block
    head = "<title>长春新闻网</title><meta property='og:site_name' content='长春新闻网'>"
    body = f"<h1><a href='/'>长春新闻网</a></h1><div class='art-title'>{HEADLINE}</div>"
    assert _title(head, body) == HEADLINE


def test_a_section_name_as_the_h1_is_not_the_title():
    head = f"<title>{HEADLINE} - 在线访谈 - 长春网</title>"
    body = f"<h1>在线访谈</h1><div class='ft-title'>{HEADLINE}</div>"
    assert _title(head, body) == HEADLINE


@pytest.mark.parametrize("head_title", ["数字报-社区食堂开进老旧小区", "长春日报数字报：社区食堂开进老旧小区",
                                        "社区食堂开进老旧小区_长春日报电子版"])
def test_an_epaper_name_is_struck_from_the_title(head_title):
    body = "<table><tr><td class='font01'>社区食堂开进老旧小区</td></tr></table>"
    assert _title(f"<title>{head_title}</title>", body) == "社区食堂开进老旧小区"


@pytest.mark.parametrize("h1", [
    "长春地铁6号线首列车下线<span>2022-12-14 10:20</span><span>来源：长春日报</span>",
    "长春地铁6号线首列车下线 发布时间：2022-12-14 作者：张三",
    "长春地铁6号线首列车下线<div class='info'>2022年12月14日 10:20 编辑：李四</div>",
])
def test_a_date_and_byline_inside_the_h1_are_not_the_title(h1):
    assert _title("<title>长春网</title>", f"<h1>{h1}</h1>") == "长春地铁6号线首列车下线"


def test_a_date_that_belongs_to_the_title_stays():
    title = "长春市疫情防控通报2022年12月14日"
    assert _title(f"<title>{title}_长春网</title>", f"<h1>{title}</h1>") == title


def test_og_title_and_cms_meta_titles_witness_the_heading():
    head = f"<title>长春网</title><meta property='og:title' content='{HEADLINE}'>"
    body = f"<h1>长春</h1><h2>热点新闻排行榜单</h2><h3>{HEADLINE}</h3>"
    assert _title(head, body) == HEADLINE
    head = f"<title>长春网</title><meta name='ArticleTitle' content='{HEADLINE}'>"
    assert _title(head, "<div class='nav'>首页</div>") == HEADLINE


def test_a_box_drawing_bar_separates_the_site_from_the_title():
    head = "<title>和男友口角鎖門吞藥 女墜樓不治│即時新聞│20160521│蘋果日報</title>"
    assert _title(head, "<h1>和男友口角鎖門吞藥 女墜樓不治</h1>") == "和男友口角鎖門吞藥 女墜樓不治"


def test_a_series_bar_inside_the_title_is_kept():
    title = "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert _title(f"<title>{title}_长春新闻网</title>", f"<h1>{title}</h1>") == title
