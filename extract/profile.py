"""Site profiles: what a site is, where to start, which URLs are what, optional selectors.

A profile is a small TOML file. ``{base}`` stands for the URL given on the command line
(``--url``) and ``{host}`` for its host:port, so one profile serves a replica on any port.
Built-in profiles live in ``extract/sites/``; ``--site`` also takes a path.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .profile_schema import ProfileProblems, check


# Click counters of the common CMSs: DedeCMS /plus/count.php?aid=, PHPCMS api.php?op=count, count.jsp?id=,
# and hit/click scripts. A GET adds a hit: fetched once per page per run, never retried.
DEFAULT_SIDE_EFFECTS = [r"/(?:plus/)?count\.(?:php|jsp|asp|aspx)\b", r"[?&]op=count\b", r"/(?:click|hits?|views?)"
                        r"(?:count)?\.(?:php|jsp|asp|aspx)\b", r"/counter\b"]


# A URL that urlsplit and urlunsplit give back unchanged: http(s), an ASCII host without brackets, a
# path, no query, no fragment, no control character or space.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.:@%_~!$&'()*+,;=-]+(/[^?#\x00-\x20]*)\Z")


class ProfileError(ValueError):
    """A profile that cannot be read or is incomplete."""


@dataclass(frozen=True)
class SiteProfile:
    name: str
    base_url: str
    start_urls: list[str]
    allowed_hosts: list[str]
    article_patterns: list[re.Pattern]
    listing_patterns: list[re.Pattern]
    ranking_patterns: list[re.Pattern]
    deny_patterns: list[re.Pattern] = field(default_factory=list)
    continuation_patterns: list[re.Pattern] = field(default_factory=list)
    side_effect_patterns: list[re.Pattern] = field(default_factory=list)   # click counters and the like
    fetch_side_effects: bool = True
    revalidate: str = "auto"                 # known articles asked again with conditional requests
    mirror_pattern: re.Pattern | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    # what a healthy run must have ([health]; crawler.health judges with it)
    # [[list_api]]: list APIs no recogniser knows; each with "on" compiled to patterns
    list_apis: list[dict] = field(default_factory=list)
    # [render]: pages loaded in headless Chromium before extraction (extract.render decides)
    render_patterns: list[re.Pattern] = field(default_factory=list)
    render_empty_ranking: bool = False
    render_player_scripts: bool = False
    expect_articles: bool = True
    expect_ranking: bool = False
    min_body_share: float = 0.5

    # -- URL roles --------------------------------------------------------------------------
    def canonical_url(self, url: str) -> str:
        """The original-site URL of ``url``: mirror pages map to the page they mirror."""
        plain = _PLAIN_URL.match(url)
        if plain and not (self.mirror_pattern and self.mirror_pattern.match(plain.group(1))):
            return url                # what urlunsplit(urlsplit(url)) gives back (a sitemap of 10^6 URLs)
        parts = urlsplit(url)
        if self.mirror_pattern:
            m = self.mirror_pattern.match(parts.path)
            if m:
                return urlunsplit((parts.scheme, m.group("host"), m.group("path"), parts.query, ""))
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))

    def is_mirror(self, url: str) -> bool:
        return bool(self.mirror_pattern and self.mirror_pattern.match(urlsplit(url).path))

    def canonical_path(self, url: str) -> str:
        """The path of ``url``'s canonical URL: what the URL patterns are matched against."""
        parts = urlsplit(url)
        if self.mirror_pattern:
            m = self.mirror_pattern.match(parts.path)
            if m:
                return urlsplit(m.group("path")).path
        return parts.path or "/"

    @staticmethod
    def path_matches(path: str, patterns: list[re.Pattern]) -> bool:
        return any(p.search(path) for p in patterns)

    def _path_matches(self, url: str, patterns: list[re.Pattern]) -> bool:
        return self.path_matches(self.canonical_path(url), patterns)

    def is_article(self, url: str) -> bool:
        return self._path_matches(url, self.article_patterns)

    def is_listing(self, url: str) -> bool:
        return self._path_matches(url, self.listing_patterns)

    def is_ranking_source(self, url: str) -> bool:
        return not self.is_mirror(url) and self._path_matches(url, self.ranking_patterns)

    def is_denied(self, url: str) -> bool:
        return self._path_matches(url, self.deny_patterns)

    def is_side_effect(self, url: str) -> bool:
        """A URL a GET changes something at (a click counter); matched with its query string."""
        target = url.split("://", 1)[-1].partition("/")[2]
        return any(p.search("/" + target) for p in self.side_effect_patterns)

    def is_continuation(self, url: str) -> bool:
        """Page 2+ of a multi-page article: reached only through 下一页, never on its own."""
        return self._path_matches(url, self.continuation_patterns)

    def is_render_page(self, url: str) -> bool:
        return self._path_matches(url, self.render_patterns)

    def list_apis_for(self, url: str) -> list[dict]:
        """The ``[[list_api]]`` entries whose ``on`` patterns match ``url``."""
        return [api for api in self.list_apis if self._path_matches(url, api["on"])] if self.list_apis else []

    def is_allowed_host(self, url: str) -> bool:
        return (urlsplit(url).netloc or "").lower() in self.allowed_hosts


def _compile(values) -> list[re.Pattern]:
    return [re.compile(v) for v in values or []]        # checked by profile_schema.check


def load_profile(site: str, base_url: str | None = None) -> SiteProfile:
    """Load a built-in profile by name, or a TOML file by path, and fill in ``{base}``/``{host}``."""
    path = Path(site)
    if path.suffix == ".toml" and path.exists():
        text = path.read_text("utf-8")
        source = str(path)
    else:
        builtin = resources.files("extract").joinpath(f"sites/{site}.toml")
        if not re.fullmatch(r"[a-z0-9_-]+", site) or not builtin.is_file():
            raise ProfileError(f"no site profile {site!r} (give a built-in name or a path to a .toml file)")
        text = builtin.read_text("utf-8")
        source = f"built-in profile {site}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"site profile {site!r} is not valid TOML: {exc}") from None
    try:
        check(raw, text, source)
    except ProfileProblems as exc:
        raise ProfileError(str(exc)) from None

    base = base_url or raw.get("base_url")
    if not base:
        raise ProfileError(f"site profile {site!r} has no base_url; pass --url")
    if not base.endswith("/"):
        base += "/"
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProfileError(f"base URL must be http(s)://host/…, got {base!r}")
    host = parts.netloc.lower()

    def fill(value: str) -> str:
        return value.replace("{base}", base).replace("{host}", host)

    urls = raw.get("urls", {})
    mirror = raw.get("mirror", {}).get("pattern")
    health = raw.get("health", {})
    render = raw.get("render", {})
    return SiteProfile(
        name=raw.get("name", site),
        base_url=base,
        start_urls=[fill(u) for u in raw.get("start_urls", ["{base}"])],
        allowed_hosts=[fill(h).lower() for h in raw.get("allowed_hosts", ["{host}"])],
        article_patterns=_compile(urls.get("article")),
        listing_patterns=_compile(urls.get("listing")),
        # no default: a site without a 热门排行 is a normal site (issue 16)
        ranking_patterns=_compile(urls.get("ranking")),
        deny_patterns=_compile(urls.get("deny")),
        continuation_patterns=_compile(urls.get("continuation")),
        side_effect_patterns=_compile(urls.get("side_effects", DEFAULT_SIDE_EFFECTS)),
        fetch_side_effects=raw.get("fetch_side_effects", True),
        revalidate=raw.get("revalidate", "auto"),
        mirror_pattern=re.compile(mirror) if mirror else None,
        selectors={k: v for k, v in raw.get("selectors", {}).items() if v},
        list_apis=[{**api, "on": _compile(api.get("on"))} for api in raw.get("list_api", [])],
        render_patterns=_compile(render.get("pages")),
        render_empty_ranking=render.get("empty_ranking", False),
        render_player_scripts=render.get("player_scripts", False),
        expect_articles=health.get("articles", True),
        expect_ranking=health.get("ranking", bool(urls.get("ranking"))),
        min_body_share=float(health.get("min_body_share", 0.5)),
    )
