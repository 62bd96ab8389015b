"""The site profile's schema: every key a profile may have, its type, default and meaning.

A profile is validated against it before anything runs (issue 16: a profile with typos was
accepted, crawled 4 pages, found nothing and said "health ok"). Unknown keys, wrong types and
patterns that do not compile are errors naming the file, the line and the key, with a "did you
mean" where a known key is close. The README's profile reference is generated from ``SCHEMA``
(``newsarchive schema --readme README.md``), and a test fails when the two drift.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    table: str                   # "" for the top level, else the [table] it sits in
    name: str
    kind: str                    # string | url | list of strings | list of patterns | pattern | CSS selector | boolean | number
    default: object
    doc: str

    @property
    def path(self) -> str:
        return f"{self.table}.{self.name}" if self.table else self.name


TABLES = {
    "": "the site",
    "urls": "URL roles: each a list of regular expressions, searched in the path of the page's canonical URL "
            "(a mirror page's URL is first mapped to the page it mirrors; no host, no query string)",
    "mirror": "a machine-converted mirror of the site (traditional characters, pinyin notes)",
    "selectors": "CSS overrides for extraction; leave a key out to use the generic extractors",
    "render": "pages loaded in headless Chromium before extraction, for what only a browser can see (README "
              "*Rendering pages in a browser*): their records come from the rendered page; every request the "
              "browser makes is guarded and archived like the crawl's own",
    "health": "what a healthy run of this site must have (the run's verdict and exit code follow it)",
    "list_api": "`[[list_api]]`, one table per list API: the data proxy a list page's script asks for its "
                "other records, for a CMS that no built-in recogniser knows (Hanweb's jpage lists are recognised "
                "without one). Values may use `{start}`, `{end}`, `{page}`, `{per_page}` (the records asked for) "
                "and `{js:NAME}` (the value the page's scripts give NAME)",
}
# Tables written as arrays ([[name]]), one entry per table.
ARRAY_TABLES = {"list_api"}

SCHEMA: list[Key] = [
    Key("", "name", "string", "the file's name", "A short name for the site, shown in runs and logs."),
    Key("", "description", "string", "", "What the site is; for people reading the profile."),
    Key("", "base_url", "url", "`--url`", "The site's base URL, when `--url` is not given. `{base}` stands for it "
        "and `{host}` for its host:port in every other value."),
    Key("", "start_urls", "list of strings", '["{base}"]', "Where each run starts: home page, sitemaps, feeds, "
        "list pages. Fetched every run."),
    Key("", "fetch_side_effects", "boolean", "true", "Fetch the `urls.side_effects` URLs a page loads (once each, "
        "so that replay shows what the page showed), or leave them out and record them in `skipped`."),
    Key("", "revalidate", "string", '"auto"', "Ask known articles that this run's pages link to again, with "
        "conditional requests (`If-None-Match`, `If-Modified-Since`), so that an edit becomes a new version: `auto` "
        "when the site's sitemap gives no `lastmod`, `always`, or `never`."),
    Key("", "allowed_hosts", "list of strings", '["{host}"]', "The exact host:port pairs a crawl may ask (redirects "
        "included); anything else is refused and recorded."),
    Key("urls", "article", "list of patterns", "none", "Article and interview pages: extracted and stored; "
        "fetched again only when new, changed or due."),
    Key("urls", "listing", "list of patterns", "none", "List pages (channels, pagination, the home page): fetched "
        "every run, their links followed; pagination stops at a page with no new article."),
    Key("urls", "ranking", "list of patterns", "none", "Pages whose 热门排行 ranking is stored as the run's snapshot "
        "(the home page, usually `^/$`). No pattern: no ranking is stored."),
    Key("urls", "deny", "list of patterns", "none", "Never fetched (search, login, admin)."),
    Key("urls", "side_effects", "list of patterns", "click counters (`count.php`, `count.jsp`, `op=count`, …)",
        "URLs a GET changes something at (click counters, hit scripts): fetched at most once per page per run and "
        "never retried, or not at all with `fetch_side_effects = false`."),
    Key("urls", "continuation", "list of patterns", "none", "Page 2 and later of a multi-page article: fetched only "
        "through 下一页 from page 1, and merged with it."),
    Key("mirror", "pattern", "pattern", "none", "A regular expression matched against a mirror page's path, with "
        "named groups `host` and `path` of the page it mirrors; its text is converted back to simplified."),
    Key("selectors", "title", "CSS selector", "generic", "The headline."),
    Key("selectors", "body", "CSS selector", "generic", "The article body's container."),
    Key("selectors", "ranking", "CSS selector", "generic", "The ranking list (`ul`, `ol` or `table`)."),
    Key("list_api", "on", "list of patterns", "none (required)", "The list pages that carry this list (matched "
        "like `[urls]` patterns)."),
    Key("list_api", "url", "string", "none (required)", "The endpoint, relative to the list page."),
    Key("list_api", "method", "string", '"GET"', "`GET` or `POST`."),
    Key("list_api", "query", "table of strings", "none", "Query string fields, e.g. "
        "`{startrecord = \"{start}\", endrecord = \"{end}\"}`."),
    Key("list_api", "form", "table of strings", "none", "A POST's form fields, e.g. `{columnid = \"{js:columnid}\"}`."),
    Key("list_api", "per_page", "number", "20", "Records per request."),
    Key("list_api", "total", "string", '"totalRecord"', "The name of the script value (or XML element) that holds "
        "the number of records."),
    Key("list_api", "first", "number", "the records on the page + 1", "The number of the first record to ask for."),
    Key("render", "pages", "list of patterns", "none", "Pages to render (matched like `[urls]` patterns), e.g. "
        "`['^/$']` for a home page whose lists or ranking a script builds."),
    Key("render", "empty_ranking", "boolean", "false", "Also render a ranking page (`urls.ranking`) that shows a "
        "ranking heading but no entry under it, when no script include or JSON source of it was recognised."),
    Key("render", "player_scripts", "boolean", "false", "Also render a page that loads a video player script "
        "(ckplayer, video.js, …) where no video was found without a browser."),
    Key("health", "articles", "boolean", "true", "A run must find article pages with a body (a first run that "
        "finds none is never healthy)."),
    Key("health", "ranking", "boolean", "true when `urls.ranking` is set", "A run must store a ranking snapshot."),
    Key("health", "min_body_share", "number", "0.5", "Of the article pages a run fetched, the share that must give "
        "a body, and the share of the last run's that may not be lost."),
]
BY_PATH = {key.path: key for key in SCHEMA}


class ProfileProblems(ValueError):
    """One line per problem, each naming the file, the line and the key."""


def _locate(text: str) -> dict[str, int]:
    """``table.key`` (or ``key``, or ``[table]``) -> the line it is written on."""
    where: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            table = header.group(1).strip().strip('"')
            where.setdefault(f"[{table}]", number)
            continue
        key = re.match(r'^"?([A-Za-z0-9_.-]+)"?\s*=', stripped)
        if key:
            where.setdefault(f"{table}.{key.group(1)}" if table else key.group(1), number)
    return where


def _type_error(key: Key, value) -> str | None:
    """Why ``value`` is not of ``key``'s kind, or None."""
    def strings(v) -> bool:
        return isinstance(v, list) and all(isinstance(x, str) for x in v)

    if key.kind in ("string", "url", "pattern", "CSS selector") and not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if key.kind in ("list of strings", "list of patterns") and not strings(value):
        return "must be a list of strings, e.g. ['^/news/']" if isinstance(value, str) else \
            f"must be a list of strings, got {type(value).__name__}"
    if key.kind == "boolean" and not isinstance(value, bool):
        return f"must be true or false, got {value!r}"
    if key.kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"must be a number, got {value!r}"
    if key.kind == "table of strings" and not (isinstance(value, dict)
                                               and all(isinstance(v, (str, int)) for v in value.values())):
        return "must be a table of strings, e.g. {name = \"value\"}"
    patterns = [value] if key.kind == "pattern" else value if key.kind == "list of patterns" else []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"bad regular expression {pattern!r}: {exc}"
    return None


def _suggest(name: str, known: list[str], table: bool = False) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean [{close[0]}]?)" if table else f' (did you mean "{close[0]}"?)'



def check(raw: dict, text: str, source: str) -> None:
    """Raise ``ProfileProblems`` naming every unknown key, wrong type and bad pattern in ``raw``."""
    where = _locate(text)
    problems = []

    def at(path: str) -> str:
        line = where.get(path)
        return f"{source} line {line}" if line else source

    for name, value in raw.items():
        if name in ARRAY_TABLES:
            entries = value if isinstance(value, list) else [value]
            if not all(isinstance(e, dict) for e in entries):
                problems.append(f"{at(f'[{name}]')}: write [[{name}]] tables")
                continue
            for entry in entries:
                for required in ("on", "url"):
                    if required not in entry:
                        problems.append(f"{at(f'[{name}]')}: [[{name}]] needs {required}")
                problems += _check_table(name, entry, at)
            continue
        if isinstance(value, dict) and name not in BY_PATH:
            if name not in TABLES:
                problems.append(f'{at(f"[{name}]")}: unknown table [{name}]'
                                + _suggest(name, [t for t in TABLES if t], table=True))
                continue
            problems += _check_table(name, value, at)
            continue
        key = BY_PATH.get(name)
        if key is None:
            problems.append(f'{at(name)}: unknown key "{name}"'
                            + _suggest(name, [k.name for k in SCHEMA if not k.table] + [t for t in TABLES if t]))
        elif (error := _type_error(key, value)) is not None:
            problems.append(f"{at(name)}: {name} {error}")
    if problems:
        raise ProfileProblems("\n".join(problems))


def _check_table(name: str, value: dict, at) -> list[str]:
    problems = []
    for sub, subvalue in value.items():
        path = f"{name}.{sub}"
        key = BY_PATH.get(path)
        if key is None:
            known = [k.name for k in SCHEMA if k.table == name]
            problems.append(f'{at(path)}: unknown key "{sub}" in [{name}]' + _suggest(sub, known))
        elif (error := _type_error(key, subvalue)) is not None:
            problems.append(f"{at(path)}: {path} {error}")
    return problems


def reference_markdown() -> str:
    """The README's profile reference: every table and key, with its type, default and meaning."""
    lines = []
    for table, about in TABLES.items():
        lines.append(f"**{'[' + table + ']' if table else 'Top level'}**: {about}.\n")
        lines.append("| key | type | default | meaning |\n| --- | --- | --- | --- |")
        for key in (k for k in SCHEMA if k.table == table):
            lines.append(f"| `{key.name}` | {key.kind} | {key.default} | {key.doc} |")
        lines.append("")
    return "\n".join(lines)
