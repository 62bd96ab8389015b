"""What the CMS flavours publish: the replica's content model, three guest-card interviews, and
the day clock's edits put where a crawler without a sitemap can see them (issue 14).

``FlavourModel(seed, articles, day)`` is ``SiteModel`` with three changes, so both flavours carry
the same articles, in the same columns, as today's site:

- all ``articles`` items are published before day 1, and each later day's new ones on that day
  (today's site dates part of them after day 1, and keeps doing so for its golden files);

- the 在线访谈 of ``guests.py`` join the 访谈 channel (ids 200001-200003);
- each day D >= 2 edits one of the five newest ordinary 长春要闻 items from before day 1 (the
  ``picks``), and the home page's 编辑推荐 box links the picks every day. Without a sitemap, a
  crawler learns of an edit only by asking again for pages it reaches every run; these are.

It is a pure function of (seed, articles, day), like ``SiteModel``.
"""

from __future__ import annotations

from functools import cached_property

from ..content import DAY_ONE, HOSTILE_TITLE, SPECIAL_BODIES, Article, SiteModel, day_date
from .guests import GuestArticle, guest_articles

PICKS = 5


def edit_note(day: int) -> str:
    return f"（本文于{day_date(day):%m月%d日}更新：补充了相关部门的最新回应。）"


class FlavourModel(SiteModel):
    spread_before_day_one = True     # the day clock's new articles are the only ones after day 1
    def __init__(self, seed: int = 1, articles: int = 300, day: int = 1):
        self.picks: list[Article] = []
        self._channels: dict[str, list[Article]] = {}
        super().__init__(seed=seed, articles=articles, day=day)

    def _build(self) -> list[Article]:
        articles = super()._build() + guest_articles()
        # ids grow with (published, title) in SiteModel; the guests' ids sit apart, so sort on both.
        articles.sort(key=lambda a: (a.published, a.id))
        return articles

    def _schedule_edits(self, articles: list[Article]) -> None:
        ordinary = [a for a in articles if a.kind == "news" and a.channel == "news" and a.published.date() < DAY_ONE
                    and a.title not in SPECIAL_BODIES and a.title != HOSTILE_TITLE]
        self.picks = ordinary[-PICKS:][::-1]
        for day in range(2, self.day + 1):
            self.picks[(day - 2) % len(self.picks)].edits.append((day, edit_note(day)))

    # -- queries ----------------------------------------------------------------------------
    def channel_articles(self, channel: str) -> list[Article]:
        """Newest first, as SiteModel gives them; kept, since every list page and proxy call asks."""
        if channel not in self._channels:
            self._channels[channel] = super().channel_articles(channel)
        return self._channels[channel]

    def edited_on(self, day: int) -> Article | None:
        return next((a for a in self.articles if any(d == day for d, _ in a.edits)), None)

    def videos(self) -> list[Article]:
        return [a for a in self.articles if a.id in self.video_ids]

    @cached_property
    def video_ids(self) -> frozenset[int]:
        """Articles with a player: the 视频 channel and the 区县领导访谈 series."""
        return frozenset(a.id for a in self.articles if any(b[0] == "video" for page in a.pages for b in page))

    def guest_interviews(self) -> list[GuestArticle]:
        return [a for a in self.articles if isinstance(a, GuestArticle)]
