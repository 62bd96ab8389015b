"""Decide whether a finished crawl was healthy, from its stats alone.

``scrapy crawl`` exits 0 even when the crawl failed; our runner exits from this verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Share of fetched pages that may end in download errors or 5xx before the run is unhealthy.
MAX_ERROR_RATIO = 0.10


@dataclass(frozen=True)
class Expectations:
    """What a healthy run of a site must have: the profile's [health] table (extract.profile_schema)."""
    articles: bool = True           # article pages, with a body
    ranking: bool = True            # a ranking snapshot
    min_body_share: float = 0.5     # of the article pages fetched, the share that gives a body

    @classmethod
    def of(cls, profile) -> "Expectations":
        return cls(profile.expect_articles, profile.expect_ranking, profile.min_body_share)


@dataclass
class Verdict:
    health: str                        # "ok" | "unhealthy"
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.health == "ok"


# Body extraction on article pages falling below this share of the last run's means the site changed.
DROP_FACTOR = 0.5


def _body_share(stats: dict | None) -> float | None:
    if not stats or stats.get("archive/article_pages", 0) < 10:
        return None
    return stats.get("archive/article_pages_with_body", 0) / stats["archive/article_pages"]


def judge(stats: dict, previous: dict | None = None, expect: Expectations = Expectations()) -> Verdict:
    """``previous``: the stats of the last finished run, for drift; ``expect``: the profile's [health]."""
    reasons = []
    pages = stats.get("response_received_count", 0)
    reason = stats.get("finish_reason")
    if reason is None:
        # no evidence the crawl ended normally (a forced stop leaves none): never healthy
        reasons.append("the crawl did not finish (no finish reason)")
    elif reason != "finished":
        reasons.append(f"finish reason {reason}")
    if pages == 0:
        reasons.append("no pages fetched")
    over_limit = stats.get("limits/refused/ARCHIVE_MAX_PAGES")
    if over_limit and not stats.get("limits/trial"):        # crawl --limit: stopping early was asked for
        # the run did not see the whole site: raise the limit, or find the trap in `failures`
        reasons.append(f"stopped at the page limit (ARCHIVE_MAX_PAGES): {over_limit} pages not fetched")
    # every skip (archive/skipped) is a download cancelled over its size cap on purpose: not an error
    errors = stats.get("downloader/exception_count", 0) - stats.get("archive/skipped", 0) + sum(
        v for k, v in stats.items() if k.startswith("downloader/response_status_count/5"))
    if pages and errors / max(pages, 1) > MAX_ERROR_RATIO:
        reasons.append(f"error ratio {errors / pages:.0%} over {MAX_ERROR_RATIO:.0%}")
    if stats.get("warc/errors"):
        reasons.append(f"{stats['warc/errors']} responses could not be archived")
    if stats.get("archive/errors"):
        reasons.append(f"{stats['archive/errors']} records could not be stored")
    unrendered = stats.get("render/unavailable", 0) + stats.get("render/failed", 0)
    if unrendered:
        # the profile's [render] pages were stored as served: what only a browser sees is missing
        reasons.append(f"{unrendered} pages the profile renders were stored as served, not rendered "
                       f"({stats.get('render/unavailable', 0)} without chromium, {stats.get('render/failed', 0)} "
                       "failed: see failures)")
    if expect.ranking and pages and not stats.get("archive/ranking_entries"):
        reasons.append("no ranking found on the ranking pages (urls.ranking)")
    article_pages = stats.get("archive/article_pages", 0)
    if expect.articles and pages and not article_pages and not stats.get("frontier/article_links"):
        # a wrong or misspelt pattern: the run saw no link it could call an article
        reasons.append("0 URLs matched the article patterns (urls.article)")
    with_body = stats.get("archive/article_pages_with_body", 0)
    if expect.articles and article_pages >= 5 and not with_body:
        reasons.append(f"none of {article_pages} article pages gave a body")
    elif expect.articles and article_pages >= 5 and with_body / article_pages < expect.min_body_share:
        reasons.append(f"{with_body} of {article_pages} article pages gave a body, under the "
                       f"{expect.min_body_share:.0%} the profile asks for (health.min_body_share)")
    now, before = _body_share(stats), _body_share(previous)
    if expect.articles and now is not None and before and now < DROP_FACTOR * before:
        reasons.append(f"article pages with a body dropped from {before:.0%} to {now:.0%} of the last run's")
    return Verdict("unhealthy" if reasons else "ok", reasons)
