"""The 区县领导访谈 series: the seed interview and four more districts, written from templates.

The seed's text comes from ``data/seed_interview.txt`` (the seed page, simplified and with the
mirror's pinyin removed). The other districts are our own text, filled from one template, so
that every district reads like the series without copying anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

SERIES = "e起点赞长春这十年"
SERIES_TITLE = f"【视频】{SERIES}|区县领导访谈·"


@dataclass(frozen=True)
class District:
    short: str            # 净月高新区
    position: str         # 长春净月高新技术产业开发区党工委副书记
    name: str             # invented
    industries: str
    landmark: str
    output: str
    firms: int
    reforms: int
    goal: str


DISTRICTS = [
    District("净月高新区", "长春净月高新技术产业开发区党工委副书记", "林书航",
             "数字经济、文化旅游和现代服务业", "净月潭国家森林公园周边的科创走廊", "营业收入年均增长12%",
             860, 35, "建设生态宜居的国际化科技新城"),
    District("长春新区", "长春新区党工委委员、管委会副主任", "高振宇",
             "航空航天、生物医药和光电信息", "长春空港经济开发区和北湖科技园", "地区生产总值迈上800亿元台阶",
             1240, 48, "打造东北振兴的创新高地"),
    District("经开区", "长春经济技术开发区党工委副书记", "韩志远",
             "新能源汽车零部件、智能装备和现代物流", "兴隆综合保税区", "规上工业产值十年翻了一番",
             690, 27, "建成开放合作的先进制造业基地"),
    District("高新区", "长春高新技术产业开发区党工委委员", "周文博",
             "光电信息、生物医药和人工智能", "长春国家自主创新示范区核心区", "高新技术企业数量增长到1100多家",
             1100, 41, "创建世界一流高科技园区"),
]

QUESTIONS = [
    "一、党的十八大以来，{short}是如何把习近平总书记视察吉林重要讲话重要指示精神落到实处的？",
    "二、十年来，{short}在产业发展方面取得了哪些标志性成果？",
    "三、在优化营商环境、服务企业方面，{short}有哪些创新做法？",
    "四、面向新征程，{short}下一步的发展目标和重点任务是什么？",
]

ANSWERS = [
    ["十年来，我们始终把学习贯彻习近平总书记重要讲话重要指示精神作为首要政治任务，逐条对照、逐项落实，"
     "把总书记的殷切嘱托转化为推动{short}高质量发展的具体行动。",
     "我们坚持发展第一要务，聚焦{industries}，一手抓传统产业改造升级，一手抓新兴产业培育壮大，"
     "{output}，经济总量和发展质量同步提升。",
     "我们坚持以人民为中心，十年间累计实施民生实事{reforms}项，教育、医疗、养老等公共服务短板加快补齐，"
     "群众的获得感、幸福感、安全感不断增强。"],
    ["产业是发展的根基。十年来，{short}围绕{industries}精准招商，累计引进项目{firms}个，"
     "一批龙头企业和配套企业落户扎根，产业集群效应日益显现。",
     "以{landmark}为载体，我们推动创新链和产业链深度融合，建设了一批孵化器、加速器和公共技术服务平台，"
     "科技型企业从“小苗”长成“大树”。"],
    ["营商环境就是生产力。我们深化“放管服”改革，推出{reforms}项改革举措，企业开办实现“一网通办”，"
     "工程建设项目审批时限压缩一半以上。",
     "我们建立了项目专员制度，每个重点项目都有专人跟踪服务，企业有诉求，专员第一时间响应、限时办结，"
     "做到“无事不扰、有求必应”。",
     "同时，我们设立产业引导基金，完善人才公寓和子女入学等配套政策，让企业和人才在{short}安心发展。"],
    ["站在新的起点上，{short}将锚定“{goal}”的目标，坚持稳中求进、创新驱动，推动经济社会发展再上新台阶。",
     "我们将持续壮大{industries}，抓好重大项目建设，加快布局新赛道，"
     "以更加昂扬的精神状态，为长春全面振兴全方位振兴贡献力量。"],
]


@dataclass(frozen=True)
class Interview:
    district: str
    title: str
    interviewee_line: str
    qa: list[tuple[str, list[str]]]   # (question, answer paragraphs), in order


def seed_interview() -> Interview:
    lines = resources.files("replica").joinpath("data/seed_interview.txt").read_text("utf-8").splitlines()
    title, interviewee_line, rest = lines[0], lines[1], lines[2:]
    qa: list[tuple[str, list[str]]] = []
    for line in rest:
        if line[:2] in ("一、", "二、", "三、", "四、"):
            qa.append((line, []))
        elif line:
            qa[-1][1].append(line)
    return Interview("汽开区", title, interviewee_line, qa)


def district_interview(d: District) -> Interview:
    fields = d.__dict__
    qa = [(q.format(**fields), [a.format(**fields) for a in answers])
          for q, answers in zip(QUESTIONS, ANSWERS)]
    return Interview(d.short, SERIES_TITLE + d.short, f"{d.position} {d.name}", qa)


def all_interviews() -> list[Interview]:
    return [seed_interview()] + [district_interview(d) for d in DISTRICTS]
