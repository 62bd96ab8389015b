"""Robustness on page shapes our first rules had not met (issue 15): pages we wrote."""

import pytest

from extract import extract_page
from extract.decode import decode_body
from extract.markup import mend_self_closed

PROSE = "长春市今天召开会议，部署冬季安全生产工作，要求各部门压实责任，确保群众生命财产安全。"


def _page(body: str, head: str = "", title: str = "长春部署冬季安全生产工作") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body><h1>{title}</h1>"
            f"{body}</body></html>").encode()


def _extract(body: str, head: str = "", url: str = "http://www.example.cn/a/2022/1222/1.html"):
    return extract_page(url, "text/html", _page(body, head))


def test_self_closed_style_and_script_are_read_as_a_browser_reads_them():
    assert mend_self_closed('<style type="text/css" />\n.a{x:1}\n</style>') == '<style type="text/css">\n.a{x:1}\n</style>'
    assert mend_self_closed("<script src='a.js' />var a = 1;</script>") == "<script src='a.js'>var a = 1;</script>"
    # no closing tag before the next tag: the slash stays (the element is empty, as libxml2 reads it)
    assert mend_self_closed("<script src='a.js' /><div>正文</div>") == "<script src='a.js' /><div>正文</div>"
    record = _extract(f"<div class='content'><style type='text/css' />\n.content p {{ text-indent: 2em; }}\n</style>"
                      f"<p>{PROSE}</p><script type='text/javascript' />var articleId = 3;</script><p>{PROSE}</p></div>",
                      head="<style type='text/css' />\nbody { margin: 0; }\n</style>")
    assert record.text == PROSE + "\n" + PROSE


def test_a_byline_and_tool_box_where_bodies_usually_are_is_not_the_body():
    record = _extract("<div class='content'>来源：长春日报 作者：赵一鸣 【字号：大 中 小】【打印】【关闭】</div>"
                      f"<p>{PROSE}</p><p>{PROSE}</p>")
    assert record.text == PROSE + "\n" + PROSE
    assert (record.source, record.author) == ("长春日报", "赵一鸣")


def test_a_page_whose_only_text_blocks_are_a_byline_box_and_a_notice_has_no_body():
    record = _extract("<div class='content'>来源：长春日报 作者：赵一鸣 【字号：大 中 小】【打印】【关闭】</div>"
                      "<div class='text'>免责声明：本网站转载的作品仅为传递更多信息之目的，并不意味着赞同其观点或证实其内容的真实性。"
                      "如本网站转载的作品涉及版权问题，请作者在两周内与本网站联系。</div>"
                      "<div class='language'>简体中文 | 繁體中文 | English</div>")
    assert record.text == "" and record.kind == "other"


def test_gbk_a3a0_is_a_full_width_space_not_a_private_use_character():
    body = "<meta charset='gbk'><p>".encode() + b"\xa3\xa0\xa3\xa0" + PROSE.encode("gbk") + b"</p>"
    decoded = decode_body(body, "text/html")
    assert "\u3000\u3000" + PROSE in decoded.text and "\ue5e5" not in decoded.text
    page = (b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'><title>t</title></head>"
            b"<body><div class='content'><p>" + b"\xa3\xa0\xa3\xa0" + PROSE.encode("gbk") + b"</p><p>"
            + b"\xa3\xa0\xa3\xa0" + PROSE.encode("gbk") + b"</p></div></body></html>")
    record = extract_page("http://www.example.cn/a.html", "text/html", page)
    assert record.text == PROSE + "\n" + PROSE


@pytest.mark.parametrize("served, read", [(b"\xa6\xd9", "\ufe10"), (b"\xfe\x59", "\u9fb4"), (b"\xfe\x51", "\U00020087"),
                                          (b"\xaa\xa1", "")])   # AAA1: a user-defined (造字) code: dropped
def test_private_use_characters_of_gb18030_are_mapped_or_dropped(served, read):
    text = decode_body(b"<meta charset='gbk'>" + served + "中文".encode("gbk"), "text/html").text
    assert text.endswith(read + "中文")
    assert not any("\ue000" <= c <= "\uf8ff" for c in text)


def test_private_use_characters_of_a_utf8_page_are_left_to_the_rules():
    # icon fonts on UTF-8 pages: the byline rules read them as spaces; the decoder keeps them
    assert "\ue5c2" in decode_body("<meta charset='utf-8'>[ 张三 ]\ue5c2".encode(), "text/html").text


def test_a_ranking_of_numbered_lines_under_a_base_href():
    record = _extract(f"<div class='content'><p>{PROSE}</p></div><div class='phb'><div class='hd'>点击排行</div><div>"
                      "1.<a href='chengshi/87.html'>冰雪节开幕式彩排</a><br>2.<a href='chengshi/86.html'>净月潭雪道开放</a><br>"
                      "3.<a href='chengshi/85.html'>南湖冰场免费开放</a><br></div></div>",
                      head="<base href='http://www.news.example.cn/' />",
                      url="http://www.news.example.cn/chengshi/2022/1218/88.html")
    assert [(e["rank"], e["title"], e["url"]) for e in record.ranking] == [
        (1, "冰雪节开幕式彩排", "http://www.news.example.cn/chengshi/87.html"),
        (2, "净月潭雪道开放", "http://www.news.example.cn/chengshi/86.html"),
        (3, "南湖冰场免费开放", "http://www.news.example.cn/chengshi/85.html")]


def test_the_dates_of_a_table_ranking_are_not_the_pages():
    rows = "".join(f"<tr><td>{n}</td><td><a href='/a/{n}.html'>排行新闻{n}号标题</a></td><td>2022-12-{19 - n}</td></tr>"
                   for n in (1, 2, 3))
    record = _extract(f"<table class='list'><tr><th colspan='3'>阅读排行</th></tr>{rows}</table>"
                      f"<div class='content'><p>{PROSE}</p></div>",
                      head="<meta name='publishdate' content='2022-12-19'>", url="http://www.example.cn/a/news/1.html")
    assert record.published_at == "2022-12-19T00:00:00+08:00"
    assert [e["rank"] for e in record.ranking] == [1, 2, 3]


@pytest.mark.parametrize("info", ["作者: 点击:<script src='/plus/count.php?aid=1'></script>次",
                                  "作者：<script>document.write('')</script> 点击：次 来源：城市晚报",
                                  "作者：点击数：128次"])
def test_a_hit_counter_is_never_the_author(info):
    record = _extract(f"<div class='info'>时间:2022-12-18 11:25 {info}</div><div class='content'><p>{PROSE}</p></div>")
    assert record.author is None


def test_a_table_the_text_announces_after_its_block_is_read_too():
    table = ("<table border='1'><tr><td>专业名称</td><td>招生人数</td></tr><tr><td>艺术学原理</td><td>七人</td></tr>"
             "<tr><td>舞蹈理论</td><td>三人</td></tr></table>")
    record = _extract(f"<table><tr><td class='content'><p>{PROSE}</p><p>附：招生专业及考试科目</p></td></tr></table>"
                      f"{table}<div class='footer'>版权所有</div>")
    assert record.text == f"{PROSE}\n附：招生专业及考试科目\n专业名称\n招生人数\n艺术学原理\n七人\n舞蹈理论\n三人"
    # a text that announces nothing does not take the next table
    record = _extract(f"<table><tr><td class='content'><p>{PROSE}</p></td></tr></table>{table}")
    assert record.text == PROSE
