"""``newsarchive check``: try a profile on a few pages before trusting it with a crawl.

The start pages (and any pages named) are fetched with the crawl's guards, then a bounded sample
of what they lead to (listings, articles, a listing's next page); each goes through the crawl's own
page path (``extract.assemble``: script pagers, datastore lists, ranking sources and 下一页
included). Nothing is archived. For each URL: its role, the patterns that gave it, and for pages the
fields extracted with the rule that produced each (``extract.explain``); at the end, what looks
wrong, in words a person can act on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

import scrapy
from scrapy.crawler import CrawlerProcess

from extract import Capture, assemble
from extract.explain import explain
from extract.profile import SiteProfile

from .failures import describe_failure
from .runner import crawl_settings

MAX_REQUESTS = 60
# Words a pager shows only when there is more than one page (尾页 and 共1页 appear on single pages too).
# (scripts: a pager function's own text says 下一页 whether or not there is a next page).
_PAGER_WORDS = re.compile(r"下一页|下页|后一页|共\s*(?:[2-9]|\d\d+)\s*页|\bnext\s*page\b", re.I)
_PAGER_CALL = re.compile(r"createPageHTML\(\s*(?:[2-9]|\d\d+)\s*,")
_ROLES = (("article", "article_patterns"), ("listing", "listing_patterns"), ("continuation", "continuation_patterns"),
          ("ranking page", "ranking_patterns"), ("denied", "deny_patterns"))


@dataclass
class Checked:
    url: str
    roles: list[str]
    patterns: list[str]
    status: int | None = None
    error: str | None = None
    fields: dict[str, str] = field(default_factory=dict)      # field -> "value  [rule]"
    links: Counter = field(default_factory=Counter)           # role -> links of it on the page
    next_page: str | None = None
    list_requests: list[str] = field(default_factory=list)    # a datastore list's data-proxy requests
    ranking: int | None = None                                # entries, on a ranking page
    pager: str | None = None                                  # a pager's words on a listing with no next page


def roles_of(url: str, profile: SiteProfile) -> tuple[list[str], list[str]]:
    """The roles a URL has in the profile, and the patterns that give them."""
    if not profile.is_allowed_host(url):
        return ["offsite"], []
    roles, patterns, path = [], [], profile.canonical_path(url)
    for role, attribute in _ROLES:
        if role == "ranking page" and profile.is_mirror(url):
            continue                         # a mirror's ranking is the original's, read there
        for pattern in getattr(profile, attribute):
            if pattern.search(path):
                roles.append(role)
                patterns.append(f"urls.{attribute.split('_')[0]} '{pattern.pattern}'")
                break
    if url in profile.start_urls:
        roles.insert(0, "start page")
    return roles or ["no role (not followed)"], patterns


def _pager_shown(response) -> str | None:
    """The words (or pager call) by which a listing says it has more pages, if it does."""
    if not isinstance(response, scrapy.http.TextResponse):
        return None
    visible = " ".join(response.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall())
    found = _PAGER_WORDS.search(visible) or _PAGER_CALL.search(" ".join(response.xpath("//script/text()").getall()))
    return found.group(0) if found else None


class CheckSpider(scrapy.Spider):
    name = "check"

    def __init__(self, profile: SiteProfile, pages: list[str], sample: int, results: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile, self.pages, self.sample, self.results = profile, pages, sample, results
        self.asked: set[str] = set()

    def _request(self, url: str, level: int, parts=None, origin: str | None = None):
        if len(self.asked) >= MAX_REQUESTS or (parts is None and url in self.asked):
            return None
        self.asked.add(url)
        if origin is None:
            self.results.setdefault(url, Checked(url, *roles_of(url, self.profile)))
        return scrapy.Request(url, callback=self.page, errback=self.failed, dont_filter=True,
                              meta={"level": level, "parts": parts, "origin": origin or url})

    async def start(self):
        for url in list(dict.fromkeys(self.profile.start_urls + self.pages)):
            request = self._request(url, 0)
            if request is not None:
                yield request

    def page(self, response):
        meta = response.meta
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        assembled = assemble(Capture(response.url, response.status, content_type, response.body), self.profile,
                             meta["parts"], follow_next=lambda url, kind: True)
        checked = self.results[meta["origin"]]
        if meta["parts"] is None:
            checked.status = response.status
        if assembled.stored is not None and checked.ranking is None and "ranking page" in checked.roles:
            checked.ranking = len(assembled.stored.document.get("ranking") or [])
        if assembled.next_page:              # a 下一页 or a ranking box's script: the page path goes on
            request = self._request(assembled.next_page, meta["level"], assembled.parts, meta["origin"])
            if request is not None:
                yield request
        record = assembled.record
        if record is None or meta["parts"] is not None:
            if assembled.feed is not None and meta["parts"] is None:
                checked.fields["feed"] = f"{assembled.feed.kind}, {len(assembled.feed.entries)} entries"
            return
        checked.next_page = record.next_listing if "listing" in checked.roles else record.next_page
        checked.list_requests = [f"{r.method} {r.url}" for r in record.list_requests]
        if "listing" in checked.roles and not checked.next_page and not checked.list_requests:
            checked.pager = _pager_shown(response)
        rules = explain(record, response.body, content_type, self.profile)
        for name in ("title", "published_at", "source", "author", "editor", "encoding"):
            value = getattr(record, name)
            if value:
                checked.fields[name] = f"{value}  [{rules.get(name, 'generic rules')}]"
        checked.fields["kind"] = record.kind + (f", {len(record.text)} characters of text  [{rules.get('text')}]"
                                                if record.text else "")
        if record.interview:
            checked.fields["interview"] = (f"{len(record.interview['qa'])} Q&A pairs, interviewees: "
                                           + ", ".join(p["name"] for p in record.interview["interviewees"]))
        links = [url for url in (urljoin(response.url, u) for u in record.links) if url.startswith(("http:", "https:"))]
        for link in links:
            checked.links[roles_of(link, self.profile)[0][0]] += 1
        yield from self._sample(links, meta["level"])

    def _sample(self, links: list[str], level: int):
        """A few listings and articles of a start page; a listing's next page and first articles."""
        if level >= 2:
            return
        taken = Counter()
        for link in dict.fromkeys(links):
            roles = roles_of(link, self.profile)[0]
            for role in ("listing", "article"):
                if role in roles and link not in self.asked and taken[role] < (self.sample if level == 0 else 1):
                    request = self._request(link, level + 1)
                    if request is not None:
                        taken[role] += 1
                        yield request
                    break

    def failed(self, failure):
        meta = failure.request.meta
        checked = self.results[meta["origin"]]
        response = getattr(failure.value, "response", None)
        if meta["parts"] is None:
            checked.status = response.status if response is not None else None
            checked.error = describe_failure(failure, failure.request)
        elif "ranking page" in checked.roles and checked.ranking is None:
            checked.ranking = 0


def check_profile(profile: SiteProfile, pages: list[str], sample: int = 3, timeout: float = 30.0) -> list[Checked]:
    """Fetch and assemble the start pages and a sample of what they lead to; a report per URL, in order."""
    settings = crawl_settings("", {
        "EXTENSIONS": {"crawler.recorder.WarcRecorder": None, "crawler.lifecycle.RunLifecycle": None,
                       "crawler.looplag.LoopLagMonitor": None},
        "ITEM_PIPELINES": {}, "LOG_ENABLED": False, "ARCHIVE_PROGRESS": "off", "DOWNLOAD_TIMEOUT": timeout, "CLOSESPIDER_TIMEOUT": timeout * 4,
    })
    results: dict[str, Checked] = {}
    process = CrawlerProcess(settings)
    process.crawl(CheckSpider, profile=profile, pages=pages, sample=sample, results=results)
    process.start()
    return list(results.values())


def what_looks_wrong(profile: SiteProfile, checked: list[Checked]) -> list[str]:
    """The problems a person should fix before a crawl, one sentence each."""
    problems = [f"{c.url}: {c.error or f'HTTP {c.status}'}" for c in checked if c.error or (c.status or 200) >= 400]
    links = sum((c.links for c in checked), Counter())
    if not links["article"] and not any("article" in c.roles for c in checked):
        problems.append("0 URLs matched the article patterns (urls.article)")
    listings = [c for c in checked if "listing" in c.roles and "start page" not in c.roles and not c.error]
    paged = [c for c in listings if c.pager]
    if paged:
        problems.append(f"{len(paged)} of {len(listings)} listings show a pager ('{paged[0].pager}') but no next page "
                        f"was found, e.g. {paged[0].url} (pagination: a 下一页 link, a pager script or [[list_api]])")
    for c in checked:
        if c.ranking == 0 and profile.expect_ranking:
            problems.append(f"no ranking on the ranking page {c.url} (urls.ranking; selectors.ranking)")
    articles = [c for c in checked if "article" in c.roles and not c.error]
    bodiless = [c for c in articles if "characters of text" not in c.fields.get("kind", "")]
    if bodiless:
        problems.append(f"{len(bodiless)} of {len(articles)} article pages gave no body (selectors.body), e.g. "
                        f"{bodiless[0].url}")
    untitled = [c for c in articles if "title" not in c.fields]
    if untitled:
        problems.append(f"{len(untitled)} of {len(articles)} article pages gave no title (selectors.title)")
    return problems
