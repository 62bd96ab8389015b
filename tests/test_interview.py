"""Interview formats, with negatives."""

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
