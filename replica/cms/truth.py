"""Ground truth of the CMS flavours, for tests of a crawler run against them (issue 14).

    truth = flavour_model("trs", articles=120, day=2)
    len(truth.articles), truth.new_today, truth.edited       # what a run of day 2 must hold
    truth.lists["notice"].form, truth.lists["notice"].proxy  # "datastore", "/was5/web/dataproxy.jsp"
    truth.interviews[0].guests, truth.videos[0].segments, truth.ranking.delivery

Everything is computed from the same model and URL scheme the server uses, without a server;
URLs are paths (prefix the replica's base URL). ``flavour_model(cms, articles, day, seed)``
takes the arguments of ``newsarchive replica --cms CMS --articles N --day D --seed S``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .flavour import HITS_PATH, Flavour
from .guests import HOST
from .hls import video_files
from .model import FlavourModel, edit_note
from .server import FLAVOURS


@dataclass(frozen=True)
class ArticleTruth:
    id: int
    url: str                     # page 1
    pages: tuple[str, ...]       # every page, page 1 first
    title: str
    column: str                  # channel: news jilin video photo notice interview
    kind: str                    # news video photo notice dialog leader guest
    published: str               # ISO 8601, +08:00
    source: str
    charset: str                 # as served: utf-8, gb2312-meta (GBK declared), gbk-undeclared (GBK)
    counter: str                 # the hit counter the page includes


@dataclass(frozen=True)
class InterviewTruth:
    url: str
    pages: tuple[str, ...]
    title: str
    form: str                    # card (访谈嘉宾 card, 主持人 turns), numbered (一、…？), dialog (记者：/name)
    guests: tuple[tuple[str, str | None], ...]      # (name, position); position None where the page gives none
    host: tuple[str, str] | None                    # the card's host row
    questions: int
    answers: int                 # answer turns: more than questions where two guests both answer


@dataclass(frozen=True)
class VideoTruth:
    article: str
    master: str
    media: tuple[str, ...]
    segments: tuple[str, ...]


@dataclass(frozen=True)
class ListTruth:
    column: str
    form: str                    # createPageHTML, datastore, uid
    pages: tuple[str, ...]       # list pages a browser reaches (one for a datastore list)
    records: int                 # articles listed in the column
    inline: int                  # records in the page itself (all but datastore: every page's share)
    proxy: str | None            # the data proxy, for datastore lists
    fields: dict[str, str] | None  # the column's form fields for the proxy
    per_page: int


@dataclass(frozen=True)
class RankingTruth:
    delivery: str                # script (document.write include) or json ($.getJSON into an empty <ul>)
    url: str                     # the include or the JSON API the pages use today
    entries: tuple[tuple[int, str, str], ...]       # (rank, full title, article URL)


@dataclass(frozen=True)
class FlavourTruth:
    cms: str
    day: int
    home: str
    articles: tuple[ArticleTruth, ...]
    new_today: tuple[str, ...]   # URLs not published the day before (none on day 1)
    edited: str | None           # the article edited on this day (linked from the home page's 编辑推荐)
    edit_note: str | None        # the paragraph that edit appended to its last page
    edited_so_far: tuple[str, ...]
    interviews: tuple[InterviewTruth, ...]
    videos: tuple[VideoTruth, ...]
    lists: dict[str, ListTruth]
    ranking: RankingTruth
    counters: dict[str, str]     # counter URL -> the article URL including it
    hits: str = HITS_PATH        # JSON: {"counters": {URL: GETs}, "proxy": {"GET": n, "POST": n}}

    def article(self, url: str) -> ArticleTruth:
        return next(a for a in self.articles if url in a.pages)


def _pages(f: Flavour, a) -> tuple[str, ...]:
    return tuple(f.article_path(a, p) for p in range(1, len(a.pages) + 1))


def _interview(f: Flavour, a) -> InterviewTruth | None:
    blocks = [b for page in a.pages for b in page]
    if a.kind == "guest":
        iv = a.interview
        return InterviewTruth(f.article_path(a), _pages(f, a), a.title, "card", iv.guests, HOST, len(iv.qa),
                              sum(len(answers) for _, answers in iv.qa))
    if a.kind == "leader":
        position, _, name = next(b[1] for b in blocks if b[0] == "p").rpartition(" ")
        questions = sum(1 for b in blocks if b[0] == "q")
        return InterviewTruth(f.article_path(a), _pages(f, a), a.title, "numbered", ((name, position),), None,
                              questions, questions)
    if a.kind == "dialog":
        turns = [b[1].partition("：") for b in blocks if b[0] == "p" and "：" in b[1][:8]]
        guest = next(speaker for speaker, _, _ in turns if speaker != "记者")
        questions = sum(1 for speaker, _, _ in turns if speaker == "记者")
        return InterviewTruth(f.article_path(a), _pages(f, a), a.title, "dialog", ((guest, None),), None,
                              questions, len(turns) - questions)
    return None


def _list(f: Flavour, channel: str) -> ListTruth:
    total = len(f.model.channel_articles(channel))
    data = f.datalists().get(channel)
    if data:
        return ListTruth(channel, "datastore", tuple(f.list_paths(channel)), total, min(total, data.inline),
                         f.proxy_path, dict(data.fields), data.per_page)
    pages = tuple(f.list_paths(channel))
    form = "uid" if "?" in "".join(pages) else "createPageHTML"
    return ListTruth(channel, form, pages, total, total, None, None, f.per_page)


def flavour_model(cms: str, articles: int = 300, day: int = 1, seed: int = 1) -> FlavourTruth:
    """What the replica serves with ``--cms CMS --articles N --day D --seed S``."""
    f = FLAVOURS[cms](FlavourModel(seed=seed, articles=articles, day=day))
    model = f.model
    before = set()
    if day > 1:
        older = FLAVOURS[cms](FlavourModel(seed=seed, articles=articles, day=day - 1))
        before = {older.article_path(a) for a in older.model.articles}
    rows = tuple(ArticleTruth(a.id, f.article_path(a), _pages(f, a), a.title, a.channel, a.kind,
                              a.published.isoformat(), a.source,
                              a.charset if cms == "hanweb" or a.charset == "gbk-undeclared" else "gb2312-meta",
                              f.counter_path(a)) for a in model.articles)
    edited = model.edited_on(day)
    videos = []
    for a in model.videos():
        files, base = video_files(f.video_layout), f.video_dir(a)
        videos.append(VideoTruth(f.article_path(a), base + files["master"][0],
                                 tuple(base + n for n in files["media"]), tuple(base + n for n in files["segments"])))
    delivery = f.delivery()
    return FlavourTruth(
        cms, day, "/", rows,
        tuple(r.url for r in rows if day > 1 and r.url not in before),
        f.article_path(edited) if edited else None, edit_note(day) if edited else None,
        tuple(f.article_path(a) for a in model.articles if a.edits),
        tuple(iv for a in model.articles if (iv := _interview(f, a))),
        tuple(videos),
        {c: _list(f, c) for c in f.columns},
        RankingTruth(delivery, f.ranking_script if delivery == "script" else f.ranking_json,
                     tuple((rank, a.title, url) for rank, a, url in f.ranking_entries())),
        {r.counter: r.url for r in rows})
