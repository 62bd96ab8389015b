"""Interview formats, with negatives."""

import pytest

from extract.body import Paragraph
from extract.interview import extract_interview


def _p(*lines, bold=()):
    return [Paragraph(line, line, i in bold) for i, line in enumerate(lines)]


def test_numbered_questions_with_multi_paragraph_answers():
    found = extract_interview(_p("长春新区党工委委员、管委会副主任 高振宇", "一、十年来有哪些成就？", "第一段。", "第二段。",
                                 "二、下一步怎么做？", "继续努力。"))
    assert found["interviewees"] == [{"name": "高振宇", "position": "长春新区党工委委员、管委会副主任"}]
    assert found["qa"] == [{"question": "一、十年来有哪些成就？", "answer": "第一段。\n第二段。", "speaker": None},
                           {"question": "二、下一步怎么做？", "answer": "继续努力。", "speaker": None}]


def test_ask_answer_labels_and_guest_line():
    found = extract_interview(_p("本期嘉宾：市交通局局长 王强", "问：今年有哪些新线路？", "答：新开通三条线路。", "另外两条在建。",
                                 "问：票价会变吗？", "答：不会。"))
    assert found["interviewees"] == [{"name": "王强", "position": "市交通局局长"}]
    assert [q["answer"] for q in found["qa"]] == ["新开通三条线路。\n另外两条在建。", "不会。"]


def test_dialog_with_two_guests_attributes_each_answer():
    found = extract_interview(_p("记者：工作目标是什么？", "张三：让群众满意。", "李四：提高效率。", "记者：下一步？", "张三：总结经验。"))
    assert [(q["question"], q["speaker"]) for q in found["qa"]] == [
        ("工作目标是什么？", "张三"), ("工作目标是什么？", "李四"), ("下一步？", "张三")]
    assert {p["name"] for p in found["interviewees"]} == {"张三", "李四"}


def test_bold_questions_without_numbers():
    found = extract_interview(_p("引言。", "您怎么看？", "很好。", "还有呢？", "也很好。", bold=(1, 3)))
    assert [q["question"] for q in found["qa"]] == ["您怎么看？", "还有呢？"]


def test_report_with_numbered_headings_is_not_an_interview():
    assert extract_interview(_p("一、总体情况", "今年以来形势平稳。", "二、主要做法", "一是加强领导。")) is None


def test_one_sidebar_question_is_not_an_interview():
    assert extract_interview(_p("正文第一段。", "网友提问：什么时候供暖？", "正文第二段。")) is None


# -- issue 15: labels, the order of the rules, guests' positions, negatives ----------------------
def test_labels_never_stay_in_pairs_whatever_the_format():
    bold_asks = extract_interview(_p("问：今年有哪些新线路？", "新开通三条线路。", "问：票价会变吗？", "答：不会。", bold=(0, 2)))
    assert [(q["question"], q["answer"]) for q in bold_asks["qa"]] == [("今年有哪些新线路？", "新开通三条线路。"),
                                                                       ("票价会变吗？", "不会。")]
    numbered = extract_interview(_p("一、今年有哪些新线路？", "答：新开通三条线路。", "二、票价会变吗？", "答：不会。"))
    assert [q["answer"] for q in numbered["qa"]] == ["新开通三条线路。", "不会。"]
    brackets = extract_interview(_p("【主持人】今年有哪些新线路？", "【王强】新开通三条线路。", "【主持人】票价会变吗？",
                                    "【王强】不会。"))
    assert [(q["question"], q["answer"], q["speaker"]) for q in brackets["qa"]] == [
        ("今年有哪些新线路？", "新开通三条线路。", "王强"), ("票价会变吗？", "不会。", "王强")]
    letters = extract_interview(_p("Q：今年有哪些新线路？", "A：新开通三条线路。", "Q：票价会变吗？", "A：不会。"))
    assert [q["answer"] for q in letters["qa"]] == ["新开通三条线路。", "不会。"]


def test_a_labelled_dialog_beats_bold_questions():
    # bold "记者：…？" questions, "李金泽：" answers, a bold statement turn (ends in 。)
    found = extract_interview(_p("记者：黑土地退化的主要原因是什么？", "李金泽：长期高强度耕作。", "记者：您刚才提到了耕作。",
                                 "李金泽：是的，坡耕地尤其严重。", "记者：有哪些办法？", "李金泽：秸秆还田。", "还要建防护林。",
                                 bold=(0, 2, 4)))
    assert [(q["question"], q["answer"], q["speaker"]) for q in found["qa"]] == [
        ("黑土地退化的主要原因是什么？", "长期高强度耕作。", "李金泽"), ("您刚才提到了耕作。", "是的，坡耕地尤其严重。", "李金泽"),
        ("有哪些办法？", "秸秆还田。\n还要建防护林。", "李金泽")]
    assert found["interviewees"] == [{"name": "李金泽", "position": None}]


def test_a_bold_statement_between_questions_is_the_interviewers():
    found = extract_interview(_p("为什么回长春？", "这里成本低。", "您提到了成本。", "是的，房租便宜一半。", "还有什么困难？", "冬天客流少。",
                                 bold=(0, 2, 4)))
    assert [q["question"] for q in found["qa"]] == ["为什么回长春？", "您提到了成本。", "还有什么困难？"]


def test_an_unlabelled_line_after_a_question_is_the_answer_or_more_of_the_question():
    found = extract_interview(_p("记者：先说背景。", "长春今年新开线路十二条。", "那么票价会变吗？", "王强：不会。",
                                 "记者：还有新线吗？", "明年再开三条。"))
    assert [(q["question"], q["answer"]) for q in found["qa"]] == [
        ("先说背景。\n长春今年新开线路十二条。\n那么票价会变吗？", "不会。"), ("还有新线吗？", "明年再开三条。")]


def test_positions_from_a_guest_card_then_the_lead_then_the_title_for_every_guest():
    dialog = ("主持人：冰雪旅游有哪些新项目？", "王建平：新建了两处滑雪场。", "李明：开通了直通车。", "主持人：安全怎么保障？",
              "李明：配备了救护站。")
    card = ["嘉宾介绍", "王建平", "九台区区长", "李明", "九台区副区长"]
    title = "九台区区长王建平、副区长李明：冰雪经济怎么做"
    from_card = extract_interview(_p(*dialog), title, card)["interviewees"]
    assert from_card == [{"name": "王建平", "position": "九台区区长"}, {"name": "李明", "position": "九台区副区长"}]
    # without a card the title gives both, the second guest included
    from_title = extract_interview(_p(*dialog), title)["interviewees"]
    assert from_title == [{"name": "王建平", "position": "九台区区长"}, {"name": "李明", "position": "副区长"}]
    # a lead line with two guests
    lead = "本期嘉宾：九台区区长 王建平、九台区副区长李明"
    from_lead = extract_interview(_p(lead, *dialog), title)["interviewees"]
    assert from_lead == [{"name": "王建平", "position": "九台区区长"}, {"name": "李明", "position": "九台区副区长"}]


def test_a_card_of_rows_and_a_guest_named_in_brackets():
    dialog = ("记者：明年有什么打算？", "周海涛：继续推进改造。", "记者：资金从哪里来？", "周海涛：市区两级分担。")
    card = ["姓名：周海涛", "职务：长春市城管执法局副局长"]
    assert extract_interview(_p(*dialog), "", card)["interviewees"] == [
        {"name": "周海涛", "position": "长春市城管执法局副局长"}]
    lead = "今天做客的是周海涛（长春市城管执法局副局长）。"
    assert extract_interview(_p(lead, *dialog))["interviewees"] == [
        {"name": "周海涛", "position": "长春市城管执法局副局长"}]


def test_a_later_source_completes_a_shorter_position():
    found = extract_interview(_p("记者专访了市交通运输局局长王强。", "记者：今年有哪些新线路？", "王强：新开三条。",
                                 "记者：票价会变吗？", "王强：不会。"), "专访长春市交通运输局局长王强：让出行更便捷")
    assert found["interviewees"] == [{"name": "王强", "position": "长春市交通运输局局长"}]


@pytest.mark.parametrize("title", ["e起点赞长春这十年｜九台区区长王建平：冰雪经济怎么做",
                                   "区县领导访谈|九台区区长 王建平：冰雪经济怎么做",
                                   "专访九台区区长 王建平：冰雪经济怎么做"])
def test_a_position_from_the_title_has_no_stray_bar_or_label(title):
    found = extract_interview(_p("记者：冰雪旅游有哪些新项目？", "王建平：新建了两处滑雪场。", "记者：安全怎么保障？",
                                 "王建平：配备了救护站。"), title)
    assert found["interviewees"] == [{"name": "王建平", "position": "九台区区长"}]


def test_a_position_and_name_only_in_the_title_of_a_bold_interview():
    found = extract_interview(_p("为什么选择回长春？", "成本低。", "有什么困难？", "客流少。", bold=(0, 2)),
                              "外交部欧亚司司长李惠民：中欧班列越开越多")
    assert found["interviewees"] == [{"name": "李惠民", "position": "外交部欧亚司司长"}]


def test_an_agenda_whose_chair_is_the_host_is_not_an_interview():
    assert extract_interview(_p("主持人：张立军（长春市体育局副局长）", "时间：2022年12月20日上午9:00",
                                "地点：长春国际会展中心二楼报告厅", "电话：0431-88001234", "传真：0431-88001235",
                                "主持人：李红（吉林省冰雪产业协会秘书长）", "地点：三楼会议室")) is None


def test_a_reply_board_of_netizen_questions_is_not_an_interview():
    assert extract_interview(_p("我市新开通三条公交线路。", "网友留言", "网友：新线路经过南湖大路吗？", "回复：12路经过。",
                                "网友：首班车几点发车？", "回复：早上六点。")) is None


def test_roles_are_never_people():
    found = extract_interview(_p("网友：供暖费有变化吗？", "受访嘉宾：保持不变。", "主持人：室温不达标怎么办？", "嘉宾：按天退费。",
                                 "记者：投诉打哪个电话？", "受访者：12345。"), "", ["受访嘉宾：长春市城管执法局副局长 周海涛"])
    assert found["interviewees"] == [{"name": "周海涛", "position": "长春市城管执法局副局长"}]
    assert {q["speaker"] for q in found["qa"]} == {None}
    assert [q["answer"] for q in found["qa"]] == ["保持不变。", "按天退费。", "12345。"]


def test_a_lead_in_is_not_a_speaker():
    # "具体来说：" starts an answer's sentence; it names nobody
    found = extract_interview(_p("记者：有哪些新线路？", "王强：新开三条。", "具体来说：南部新城两条。", "记者：票价呢？",
                                 "王强：不变。"))
    assert found["qa"][0]["answer"] == "新开三条。\n具体来说：南部新城两条。"
    assert found["interviewees"] == [{"name": "王强", "position": None}]


def test_a_traditional_interview_is_read_and_kept_as_written():
    found = extract_interview(_p("記者：明年有哪些捷運路線將動工？", "林明德：環狀線北環段。", "記者：經費從哪裡來？",
                                 "林明德：中央和地方分擔。"), "專訪交通部次長林明德：捷運路網怎麼擴展")
    assert found["interviewees"] == [{"name": "林明德", "position": "交通部次長"}]
    assert [(q["question"], q["speaker"]) for q in found["qa"]] == [("明年有哪些捷運路線將動工？", "林明德"),
                                                                    ("經費從哪裡來？", "林明德")]
