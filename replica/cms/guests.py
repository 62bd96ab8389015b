"""在线访谈 with a guest card, as government portals run them (issue 14): our own text.

Each interview has a card (访谈嘉宾: one row per guest with name and position, then a host
row) and a body of turns, ``主持人：`` asking and a guest's name answering. One has two guests
who both answer some questions; one runs over two pages. The host's first turn greets and
asks at once, so every host turn is a question: the interview's Q&A count is its number of
host turns, and the ground truth (``replica.cms.truth``) lists each answer with its speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..content import CST, Article

HOST = ("苏晴", "长春新闻网主持人")


@dataclass(frozen=True)
class GuestInterview:
    id: int
    title: str
    published: datetime
    guests: tuple[tuple[str, str], ...]                      # (name, position), in card order
    intro: str
    qa: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (question, ((speaker, answer), …))
    first_page_questions: int | None = None                  # set: the rest goes on page 2


@dataclass
class GuestArticle(Article):
    """An article that is a guest-card interview; ``interview`` feeds the card and the ground truth."""

    interview: GuestInterview | None = field(default=None)


def _qa(*pairs) -> tuple:
    return tuple((q, tuple(answers)) for q, *answers in pairs)


TRAFFIC = GuestInterview(
    200001, "【在线访谈】冬季公交出行保障有哪些新举措", datetime(2022, 9, 20, 15, 0, tzinfo=CST),
    (("孟庆华", "长春市交通运输局副局长"),),
    "入冬在即，市民冬季出行是否方便、安全？本期在线访谈邀请市交通运输局负责同志与网友交流。",
    _qa(("各位网友大家好！今天我们请到了市交通运输局副局长孟庆华。首先请您介绍一下今冬公交保障的总体安排？",
         ("孟庆华", "主持人好，网友们好！今年我们提前一个月完成了全部公交车辆的防寒检修，并对早晚高峰线路增加了运力。")),
        ("遇到大雪天气，公交线路会怎样调整？",
         ("孟庆华", "我们建立了降雪应急预案，雪后第一时间清理站台积雪，坡道较多的线路会临时绕行，调整信息通过站牌和手机应用同步发布。")),
        ("不少网友关心老年人乘车，有什么便利措施？",
         ("孟庆华", "老年人可以刷卡乘车，也可以使用亲友代办的电子乘车码。我们还在部分线路开设了通往医院的便民专线。")),
        ("最后，您对广大乘客有什么提醒？",
         ("孟庆华", "冬季路面湿滑，请大家候车时站在安全区域，上下车扶稳扶好，错峰出行。谢谢大家！"))))

SCHOOL = GuestInterview(
    200002, "【在线访谈】课后服务如何做到“有温度”", datetime(2022, 9, 28, 15, 0, tzinfo=CST),
    (("邵文杰", "长春市教育局副局长"), ("田雨萌", "南关区东风小学校长")),
    "新学期开学已近一个月，课后服务开展得怎么样？本期访谈请来两位嘉宾，一位来自教育主管部门，一位来自学校。",
    _qa(("各位网友大家好！欢迎两位嘉宾。邵局长，全市课后服务的覆盖情况如何？",
         ("邵文杰", "主持人好。目前全市义务教育学校已全部开展课后服务，有需求的学生基本做到应留尽留。")),
        ("田校长，学校的课后时间是怎么安排的？",
         ("田雨萌", "我们分两段：第一段老师辅导作业，第二段是社团活动，有合唱、围棋、科学实验等二十多个项目。")),
        ("有家长担心课后服务变成“第二课堂”加重负担，两位怎么看？",
         ("邵文杰", "我们明确要求课后服务不得讲授新课，教育部门会定期抽查。"),
         ("田雨萌", "学校每学期都做家长问卷，社团内容根据孩子的兴趣调整，不搞统一要求。")),
        ("下一步还有哪些打算？",
         ("邵文杰", "我们将引入更多科技馆、博物馆等社会资源进校园，让课后服务更加丰富。"),
         ("田雨萌", "学校会继续培训社团老师，也欢迎有专长的家长走进课堂。"))))

MEDICAL = GuestInterview(
    200003, "【在线访谈】医保服务“家门口办”", datetime(2022, 10, 6, 15, 0, tzinfo=CST),
    (("范志宏", "长春市医疗保障局局长"),),
    "医保关系千家万户。本期在线访谈，市医疗保障局负责同志就医保经办服务下沉回答网友提问。",
    _qa(("各位网友大家好！今天的嘉宾是市医疗保障局局长范志宏。范局长，什么是医保服务“家门口办”？",
         ("范志宏", "就是把参保登记、异地就医备案等常办事项下放到街道和社区，群众不出社区就能办好。")),
        ("目前已经有多少个服务点？",
         ("范志宏", "全市已建成医保服务站三百多个，覆盖所有街道，部分乡镇卫生院也设立了服务窗口。")),
        ("异地就医备案现在怎么办理？",
         ("范志宏", "可以在手机上办理，也可以到社区服务站由工作人员帮助办理，一般当天就能完成。")),
        ("门诊费用报销有什么新变化？",
         ("范志宏", "职工医保普通门诊费用纳入统筹基金支付，在定点医疗机构就医可以直接结算。")),
        ("网友反映部分药店不能刷医保卡，这个问题怎么解决？",
         ("范志宏", "我们正在扩大定点零售药店范围，符合条件的药店可以随时提出申请，审核通过后即可开通。")),
        ("最后，请您给网友们提个醒。",
         ("范志宏", "请大家按时缴纳医保费用，保管好自己的医保凭证，不要出借，谨防诈骗。谢谢大家！"))),
    first_page_questions=3)

GUEST_INTERVIEWS = (TRAFFIC, SCHOOL, MEDICAL)


def _turns(iv: GuestInterview, questions) -> list[tuple]:
    blocks = []
    for question, answers in questions:
        blocks.append(("turn", "主持人", question))
        blocks += [("turn", speaker, answer) for speaker, answer in answers]
    return blocks


def guest_articles() -> list[GuestArticle]:
    """The interviews as articles of the 访谈 channel (the card comes from ``interview``)."""
    result = []
    for iv in GUEST_INTERVIEWS:
        split = iv.first_page_questions or len(iv.qa)
        pages = [[("p", iv.intro)] + _turns(iv, iv.qa[:split])]
        if split < len(iv.qa):
            pages.append(_turns(iv, iv.qa[split:]))
        result.append(GuestArticle(
            id=iv.id, channel="interview", kind="guest", title=iv.title, published=iv.published,
            source="长春新闻网", author=HOST[0], editor="吕佳怡", pages=pages, interview=iv))
    return result
