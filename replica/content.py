"""What the replica publishes: channels, articles, the day clock and the 热门排行 ranking.

Everything is a pure function of (seed, articles, day): the same arguments give the same
site, byte for byte. Day 1 is 2022-10-08, the day of the seed page; its ranking is the
seed's. Each later day publishes new articles, moves the ranking and edits one earlier
article.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from .interviews import Interview, all_interviews

CST = timezone(timedelta(hours=8))
DAY_ONE = date(2022, 10, 8)
SITE_NAME = "长春新闻网"

CHANNELS = {            # path -> name, in navigation order
    "news": "长春要闻",
    "jilin": "吉林新闻",
    "video": "视频",
    "photo": "图片新闻",
    "notice": "通知公告",
    "interview": "访谈",
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["婉姝", "志刚", "晓东", "丽娜", "海涛", "雪松", "明轩", "佳怡", "立新", "春雨", "国庆", "思远",
         "雅琪", "建华", "秀梅", "一鸣", "子涵", "洪波", "晨阳", "美玲"]
SOURCES = ["长春新闻网", "长春日报", "长春晚报", "吉林日报", "新华社", "中国吉林网"]
PLACES = ["长春市", "朝阳区", "南关区", "宽城区", "二道区", "绿园区", "双阳区", "九台区", "净月高新区",
          "长春新区", "经开区", "汽开区", "榆树市", "德惠市", "农安县", "公主岭市"]
EVENTS = ["召开第{n}季度经济运行调度会", "启动秋季道路养护工程", "新增{n}个社区便民服务站", "举办第{n}届农民丰收节",
          "推进{n}个老旧小区改造项目", "开展消防安全专项检查", "发布今冬供热保障方案", "{n}个重点项目集中开工",
          "举行退役军人专场招聘会", "开展“我为群众办实事”实践活动", "完成{n}万亩秋粮收获", "新建{n}公里城市绿道",
          "启用{n}处智慧停车场", "举办冰雪旅游推介会", "开展食品安全“护苗”行动", "建成{n}所普惠性幼儿园"]
SENTENCES = [
    "{place}相关负责人介绍，这项工作自今年{m}月启动以来，各部门协同推进，目前已完成总体任务的{p}%。",
    "据了解，{place}将结合实际，细化工作方案，明确责任分工，确保各项措施落地见效。",
    "活动现场，工作人员向过往群众发放宣传资料{n}余份，耐心解答群众关心的问题。",
    "“以前办事要跑好几个地方，现在家门口就能办好。”市民{person}说。",
    "下一步，{place}将持续加大投入力度，完善长效管理机制，不断提升群众满意度。",
    "今年以来，{place}坚持项目为王，全力推动在建项目加快建设、新建项目尽早开工。",
    "记者在现场看到，施工人员正在有序作业，各类机械设备往来穿梭，一派繁忙景象。",
    "截至目前，已累计投入资金{n}万元，惠及居民{p}00余户。",
    "据悉，本次活动共吸引{n}余家企业参加，提供就业岗位{p}0余个。",
    "相关部门提醒，市民如遇到问题，可拨打12345政务服务便民热线反映。",
    "{place}还将组织专家开展技术指导，帮助基层解决实际困难。",
    "业内人士认为，这一举措将进一步激发市场活力，为经济平稳运行提供有力支撑。",
]


@dataclass
class Article:
    id: int
    channel: str
    kind: str                       # news | video | photo | notice | dialog | leader
    title: str
    published: datetime
    source: str
    author: str
    editor: str
    pages: list[list[tuple]]        # pages of blocks: ("p", text) ("q", text) ("img", src, caption) ("video", src)
    charset: str = "utf-8"          # utf-8 | gb2312-meta | gbk-undeclared
    edits: list[tuple[int, str]] = field(default_factory=list)   # (day, appended paragraph)

    @property
    def path(self) -> str:
        return f"/{self.published:%Y-%m}/{self.published:%d}/content_{self.id}.htm"

    def page_path(self, page: int) -> str:
        return self.path if page == 1 else self.path.replace(".htm", f"_{page}.htm")

    def modified(self, day: int) -> datetime:
        days = [d for d, _ in self.edits if d <= day]
        if not days:
            return self.published
        return datetime.combine(day_date(max(days)), time(8, 0), CST)

    def blocks(self, page: int, day: int) -> list[tuple]:
        blocks = list(self.pages[page - 1])
        if page == len(self.pages):
            blocks += [("p", text) for d, text in self.edits if d <= day]
        return blocks


def day_date(day: int) -> date:
    return DAY_ONE + timedelta(days=day - 1)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _fill(template: str, rng: random.Random, place: str) -> str:
    return template.format(place=place, n=rng.randint(2, 90), m=rng.randint(3, 9), p=rng.randint(3, 9),
                           person=_person(rng))


def _generated(rng: random.Random, channel: str) -> tuple[str, str, list[list[tuple]]]:
    """(kind, title, pages) for an ordinary item of ``channel``."""
    place = rng.choice(PLACES)
    event = _fill(rng.choice(EVENTS), rng, place)
    paras = [("p", _fill(s, rng, place)) for s in rng.sample(SENTENCES, rng.randint(3, 6))]
    lead = ("p", f"{place}{event}。" + _fill(rng.choice(SENTENCES), rng, place))
    if channel == "video":
        return "video", f"【视频】{place}{event}", [[("video", None), lead] + paras]
    if channel == "photo":
        imgs = [("img", None, f"{place}{event}现场。（资料图片）")] + [("img", None, "")] * rng.randint(0, 2)
        return "photo", f"{place}{event}（组图）", [[lead] + imgs + paras[:2]]
    if channel == "notice":
        body = [("p", f"关于{place}{event}的有关事项通知如下："), ("p", _fill(rng.choice(SENTENCES), rng, place)),
                ("p", "特此通知。")]
        return "notice", f"关于{place}{event}的通知", [body]
    if channel == "interview":
        guest = _person(rng)
        turns = [("p", f"{place}{event}，记者就此专访了相关负责人{guest}。")]
        for q, a in rng.sample(DIALOG, 3):
            turns += [("p", f"记者：{q.format(place=place)}"), ("p", f"{guest}：{a.format(place=place)}")]
        return "dialog", f"专访{place}负责人{guest}：{event}", [turns]
    if rng.random() < 0.3:
        paras.insert(1, ("img", None, ""))
    return "news", f"{place}{event}", [[lead] + paras]


DIALOG = [
    ("这项工作的主要目标是什么？", "我们的目标很明确，就是让{place}的群众切实感受到变化，办事更方便、环境更舒心。"),
    ("推进过程中遇到了哪些困难？", "主要是点多面广、时间紧。我们采取挂图作战的方式，倒排工期，一项一项抓落实。"),
    ("群众反响怎么样？", "从回访情况看，群众满意度明显提升，很多居民主动参与进来，提出了不少好建议。"),
    ("下一步有哪些打算？", "我们会总结经验做法，形成长效机制，把好事办好、实事办实。"),
]

# The other nine entries of the seed page's ranking, in rank order. None marks a district interview.
SEED_RANKING = [
    "10月7日长春市新增新冠病毒阳性感染者情况通报", None, "“动态清零”可持续而且必须坚持",
    "长春:警犬巡逻队守护百姓平安", None, "吉林省4个文艺志愿服务优秀代表获评第二届全省学雷锋先进典型", None, None,
    "长春市首批!净月高新区村(社区)便民服务站挂牌运行", None,
]
# Which district interview holds each None slot, in order (the seed page itself is at rank 8).
SEED_RANKING_INTERVIEWS = ["长春新区", "经开区", "净月高新区", "汽开区", "高新区"]
SPECIAL_BODIES = {
    SEED_RANKING[0]: "10月7日0时至24时，长春市新增本土新冠病毒阳性感染者情况已按程序报告。相关区域已落实管控措施，"
                     "请广大市民坚持戴口罩、勤洗手、常通风，配合做好核酸检测。",
    SEED_RANKING[2]: "实践证明，“动态清零”总方针是符合中国国情的正确选择。只有坚持下去，才能最大限度保护人民生命安全和身体健康。",
    SEED_RANKING[3]: "每天清晨和傍晚，市公安局警犬巡逻队都会出现在城区主要街道和广场，用专业力量守护百姓平安。",
    SEED_RANKING[5]: "近日，吉林省4名文艺志愿服务优秀代表获评先进典型。他们常年深入基层，为群众送去文艺演出和公益培训。",
    SEED_RANKING[8]: "日前，长春市首批村(社区)便民服务站在净月高新区挂牌运行，居民在家门口就能办理社保、医保等事项。",
}


HOSTILE_TITLE = "网友热议：<script>alert('xss')</script> 是什么代码？"
HOSTILE_BODY = ("有网友在留言板输入 <img src=x onerror=alert(1)> 和 '); DROP TABLE articles;-- 等字符，"
                "网站技术人员表示，这些内容只会作为普通文字显示。")


def _interview_article(iv: Interview, published: datetime, split: bool) -> tuple[str, str, list[list[tuple]]]:
    blocks: list[tuple] = [("video", None), ("p", iv.interviewee_line)]
    pages = []
    for n, (question, answers) in enumerate(iv.qa):
        if split and n == 2:
            pages.append(blocks)
            blocks = []
        blocks += [("q", question)] + [("p", a) for a in answers]
    pages.append(blocks)
    return "leader", iv.title, pages


class SiteModel:
    """All articles of the replica as of ``day``."""

    spread_before_day_one = False    # True: every one of ``articles`` is published before day 1

    def __init__(self, seed: int = 1, articles: int = 300, day: int = 1):
        if articles < 20:
            raise ValueError("the replica needs at least 20 articles")
        self.seed, self.n_articles, self.day = seed, articles, day
        self.per_day = max(3, articles // 40)
        self.articles = self._build()
        self.by_id = {a.id: a for a in self.articles}
        self.by_path = {a.page_path(p): (a, p) for a in self.articles for p in range(1, len(a.pages) + 1)}

    # -- generation -------------------------------------------------------------------------
    def _build(self) -> list[Article]:
        drafts: list[tuple[datetime, str, str, str, list]] = []   # (published, channel, kind, title, pages)
        interviews = {iv.district: iv for iv in all_interviews()}
        for n, district in enumerate(SEED_RANKING_INTERVIEWS):
            when = datetime(2022, 9, 26 + n, 9, 30, tzinfo=CST)
            drafts.append((when, "interview") + _interview_article(interviews[district], when, district == "长春新区"))
        for n, title in enumerate(t for t in SEED_RANKING if t):
            when = datetime(2022, 10, 3 + n, 10 + n, 15, tzinfo=CST)
            drafts.append((when, "news", "news", title, [[("p", SPECIAL_BODIES[title])]]))
        # A page whose text looks like markup and SQL: the archive must store it literally and
        # show it escaped (it is escaped in the page's HTML, as a CMS would).
        drafts.append((datetime(2022, 10, 7, 16, 0, tzinfo=CST), "news", "news", HOSTILE_TITLE,
                       [[("p", HOSTILE_BODY)]]))
        rng = random.Random(f"replica:{self.seed}")
        generated = self.n_articles - len(drafts) + (self.day - 1) * self.per_day
        fixed = len(drafts)
        channels = list(CHANNELS)
        for i in range(generated):
            # The bound moves as drafts are appended, so today's site dates its later half after day 1;
            # its golden files were made so. The flavours (spread_before_day_one) keep it fixed.
            older = self.n_articles - (fixed if self.spread_before_day_one else len(drafts))
            if i < older:   # spread over the 60 days before day 1
                offset = timedelta(days=60 * (older - i) / older)
                when = datetime.combine(DAY_ONE, time(7, 0), CST) - offset
            else:
                day = 2 + (i - older) // self.per_day
                when = datetime.combine(day_date(day), time(6, 0), CST) + timedelta(minutes=rng.randint(0, 900))
            when = when.replace(second=0, microsecond=0)
            channel = channels[i % len(channels)]
            drafts.append((when, channel) + _generated(rng, channel))
        drafts.sort(key=lambda d: (d[0], d[3]))
        result, old_notices = [], 0
        for n, (when, channel, kind, title, pages) in enumerate(drafts):
            art_rng = random.Random(f"article:{self.seed}:{n}")
            charset = "utf-8"
            if kind == "notice" and when.date() < date(2022, 9, 1):    # older pages, from the GBK era
                charset = ("gb2312-meta", "gbk-undeclared")[old_notices % 2]
                old_notices += 1
            if kind in ("notice", "dialog", "leader"):
                channel = {"notice": "notice", "dialog": "interview", "leader": "interview"}[kind]
            elif kind in ("video", "photo"):
                channel = kind
            result.append(Article(
                id=100000 + n, channel=channel, kind=kind, title=title, published=when,
                source=SITE_NAME if kind == "leader" else art_rng.choice(SOURCES),
                author=_person(art_rng), editor=_person(art_rng), pages=pages, charset=charset))
        self._schedule_edits(result)
        return result

    def _schedule_edits(self, articles: list[Article]) -> None:
        """Each day after the first edits one earlier ordinary article (a correction note)."""
        ordinary = [a for a in articles if a.kind == "news" and a.published.date() < DAY_ONE]
        for day in range(2, self.day + 1):
            target = ordinary[random.Random(f"edit:{self.seed}:{day}").randrange(len(ordinary))]
            target.edits.append((day, f"（{day_date(day):%m月%d日}更新：本文部分数据已根据最新统计结果修订。）"))

    # -- queries ----------------------------------------------------------------------------
    @property
    def today(self) -> date:
        return day_date(self.day)

    def visible(self) -> list[Article]:
        return self.articles   # built for `day`: nothing from the future exists

    def channel_articles(self, channel: str) -> list[Article]:
        return [a for a in reversed(self.articles) if a.channel == channel]

    def ranking(self) -> list[Article]:
        """Ten articles. Day 1 is the seed page's ranking; later days move it."""
        by_title = {a.title: a for a in self.articles}
        seed = []
        interviews = iter(SEED_RANKING_INTERVIEWS)
        for title in SEED_RANKING:
            if title is None:
                title = "【视频】e起点赞长春这十年|区县领导访谈·" + next(interviews)
            seed.append(by_title[title])
        if self.day == 1:
            return seed
        rng = random.Random(f"ranking:{self.seed}:{self.day}")
        recent = [a for a in self.articles if a.published.date() >= self.today - timedelta(days=2)]
        pool = seed + rng.sample(recent, min(len(recent), 6))
        rng.shuffle(pool)
        return pool[:10]
