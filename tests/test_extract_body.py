"""Body rules on pages in the shapes real Chinese portals, blogs and forums take (pages we wrote)."""

from extract import extract_page

PROSE = "长春市今天召开会议，部署秋冬季安全生产工作，要求各部门压实责任，确保群众生命财产安全。"


def _extract(body: str, head: str = "", url: str = "http://h.example/a/1.htm"):
    html = f"<html><head><meta charset='utf-8'><title>标题</title>{head}</head><body>{body}</body></html>"
    return extract_page(url, "text/html", html.encode())


def test_text_after_an_html_comment_inside_a_paragraph_is_kept():
    body = (f"<div id='zoom'><p>{PROSE}</p><p>第二段开头<!-- 画中画广告 begin --><iframe src='/ad'></iframe>"
            f"<!-- 画中画广告 end -->，第二段的后半句也是正文。</p><p>{PROSE}</p></div>")
    text = _extract(body).text
    assert "第二段开头，第二段的后半句也是正文。" in text
    assert "画中画" not in text


def test_a_date_kept_only_in_a_cms_comment_is_still_found():
    body = (f"<div class='content'><p>{PROSE * 2}</p><!--enpproperty <date>2022-02-13 00:00:00:0</date>"
            "<author></author>/enpproperty--></div>")
    assert _extract(body, url="http://h.example/x.html").published_at == "2022-02-13T00:00:00+08:00"


def test_a_forum_thread_body_is_the_first_post_not_the_replies():
    # Each floor is a bordered wrapper (author box + post); a wrapper of blocks is not a paragraph,
    # so the thread around it does not absorb the post with the replies.
    post = "".join(f"<div>◎第{n}段 {PROSE}</div>" for n in range(6))
    floors = (f"<div class='floor'>第 1 楼</div><div style='border:1px'><div class='author'>作者： 某网友</div>"
              f"<div style='float:left'><div>{post}</div><div>签名档一句话</div></div></div>")
    for n in range(2, 6):
        floors += (f"<div class='floor'>第 {n} 楼</div><div style='border:1px'><table><tr><td>作者： 网友{n}"
                   f"</td><td>谢谢楼主分享，支持一下！</td></tr></table></div>")
    text = _extract(f"<div class='thread'><h1>主题：好片分享</h1>{floors}</div>").text
    assert text.startswith("◎第0段") and "◎第5段" in text
    assert "谢谢楼主" not in text and "作者" not in text


def _posts(sizes):
    return "".join(f"<table><tr><td class='post-title'>第{n}篇 2022-10-0{n + 1}</td></tr>"
                   f"<tr><td class='post-body'>{'第' + str(n) + '篇。' + PROSE * size}</td></tr></table>"
                   for n, size in enumerate(sizes))


def test_on_a_page_of_posts_the_body_is_the_first_post():
    record = _extract(f"<div class='blog'>{_posts([2, 5, 3])}</div>")
    assert record.text.startswith("第0篇。") and "第1篇" not in record.text
    assert record.published_at == "2022-10-01T00:00:00+08:00"


def test_two_blocks_alike_are_not_a_page_of_posts():
    # An article and one other block sharing a class: the densest block stays the body.
    record = _extract(f"<div class='blog'>{_posts([1, 5])}</div>")
    assert record.text.startswith("第1篇。")


def test_short_blocks_alike_do_not_make_a_page_of_posts():
    # Teasers of a few words in the same class as the article are not posts.
    teasers = "".join(f"<div class='item'>短讯{n}：会议召开</div>" for n in range(5))
    record = _extract(f"<div>{teasers}</div><div class='item'>{'正文。' + PROSE * 4}</div>")
    assert record.text.startswith("正文。")


def _portal_page(lead: str, title: str = "多数夫妻生活有名无实") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}--某某新闻</title></head><body>"
            f"<table><tr><td width='565'>{lead}<p>{PROSE}</p><p>{PROSE}</p></td></tr></table></body></html>")


def test_the_head_inside_the_body_block_is_not_body_text():
    lead = ("<b style='font-size:20px'>多数夫妻生活有名无实</b><div>2005-04-05 06:40更新 来源：晨报</div>"
            "<div>第1页/共1页 &lt;&lt; 上一页 | 下一页 &gt;&gt;</div>")
    record = extract_page("http://h.example/x.html", "text/html", _portal_page(lead).encode())
    assert record.title == "多数夫妻生活有名无实"          # "--" splits the head title
    assert record.text.startswith("长春市今天召开会议")
    # The lines left the body but still give the date and the source.
    assert record.published_at == "2005-04-05T06:40:00+08:00" and record.source == "晨报"


def test_a_names_line_and_subtitle_under_an_unfound_title_give_the_author():
    html = ("<html><head><meta charset='utf-8'><title>显示</title></head><body>"
            "<p align='center'><strong>犬儒病(上)</strong></p><hr><p> 胡平<br><br>——当代中国的精神危机 (上)<br><br>"
            + f"{PROSE}<br>{PROSE}<br>显示自己比别人更革命。</p></body></html>")
    record = extract_page("http://h.example/x.html", "text/html", html.encode())
    assert record.text.startswith("长春市今天召开会议") and "胡平" not in record.text
    assert record.author == "胡平"


def test_short_opening_lines_of_the_article_itself_stay():
    lead = "<p>会议指出：</p><p>一、压实责任</p>"
    record = extract_page("http://h.example/x.html", "text/html", _portal_page(lead).encode())
    assert record.text.startswith("会议指出：\n一、压实责任\n")


def test_a_long_paragraph_with_a_date_and_a_label_is_body_text():
    lead = ("<p>2022年10月8日，记者从市政府新闻发布会上获悉，全市秋冬季安全生产工作会议召开，会议时间为两个小时，"
            "由市长主持，各区县负责同志和各有关部门主要负责同志参加了会议并作了发言</p>")
    record = extract_page("http://h.example/x.html", "text/html", _portal_page(lead).encode())
    assert record.text.startswith("2022年10月8日，记者从")


def _with_reading_block(after: str) -> str:
    links = "".join(f"<p>　　<a href='/r/{n}.html'>另一条相关新闻的标题第{n}条</a></p>" for n in range(3))
    return (f"<div class='content'><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p><p><font color=red>延伸阅读：</font>"
            f"<a href='/r/9.html'>一条相关新闻的标题</a></p>{links}{after}</div>")


def test_an_extended_reading_block_in_the_middle_of_the_article_is_skipped_not_the_end():
    rest = "".join(f"<p>骗局之{n}：{PROSE * 2}</p>" for n in range(1, 4))
    text = _extract(_with_reading_block(rest)).text
    assert "骗局之3" in text and "延伸阅读" not in text and "相关新闻的标题" not in text


def test_related_news_after_the_article_still_ends_it():
    summary = f"<p>相关新闻摘要：{PROSE}</p>"
    text = _extract(_with_reading_block(summary)).text
    assert text.count("长春市今天召开会议") == 3 and "相关新闻摘要" not in text


def test_byline_lines_and_a_lone_date_at_the_top_of_the_body_block():
    lead = "<p>给计算机系学生的建议</p><p>作者： 周思博 (Joel Spolsky)</p><p>译： Chen Bin</p><p>2005年1月2日</p>"
    record = _extract(f"<table><tr><td>{lead}<p>{PROSE}</p><p>{PROSE}</p></td></tr></table>")
    assert record.text.startswith("长春市今天召开会议")
    assert record.published_at == "2005-01-02T00:00:00+08:00" and record.author == "周思博"
