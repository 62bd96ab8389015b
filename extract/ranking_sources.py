"""A 热门排行 ranking that a script delivers: where it comes from, and the entries in what comes.

Newer portals leave the ranking box empty in the HTML and fill it from a script include that
``document.write``s the list, or from a JSON API (``$.getJSON('/…/hot….json')``) (issue 14). The
crawl then fetches the source and hands it to ``ranking_from_source``, which reads the entries
without running the script:

- a script: the HTML in its ``document.write``/``innerHTML`` string literals, read as a ranking list;
- JSON: the first list of objects that have a title and a URL (``title``/``name``…,
  ``url``/``link``/``href``…), ranked by a ``rank``-like field or by position.

``ranking_sources(doc, base)``: the script includes and URL literals inside the ranking box (its
heading's container), else the page's script literals that name a hot/rank/top resource.
Pure: no network.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from . import selectors as S
from .normalize import normalise
from .ranking import _headings, extract_ranking
from .scripts import _LITERAL, readable, script_literals, unquote

_SOURCE = re.compile(r"\.(?:js|json|jsp|php|do|aspx?)(?:\?|$)", re.I)
_HOT = re.compile(r"hot|rank|top|paihang|phb|click|djph|remen", re.I)
_WRITTEN = re.compile(r"(?:document\.write(?:ln)?\s*\(|innerHTML\s*[+]?=)\s*((?:" + _LITERAL.pattern + r")(?:\s*\+\s*(?:"
                      + _LITERAL.pattern + r"))*)")
_TITLE_KEYS = ("title", "name", "text", "t", "subject", "headline")
_URL_KEYS = ("url", "link", "href", "u", "docUrl", "articleUrl")
_RANK_KEYS = ("rank", "order", "no", "index", "num", "sort")
MAX_SOURCE_BYTES = 2 * 1024 * 1024


def _box(doc):
    """The ranking box: the container (up to three levels up) of the ranking's heading."""
    for heading in _headings(doc):
        if len(heading) > 2:
            continue
        own = heading.text_content().strip()
        if own and S.RANKING_HEADING.match(normalise(own)):
            box = heading
            for _ in range(3):
                parent = box.getparent()
                if parent is None or parent.tag in ("body", "html"):
                    break
                box = parent
                if box.find(".//script") is not None:
                    return box
            return box
    return None


def ranking_sources(doc, base: str) -> list[str]:
    """Where a ranking box with no list gets its list from (absolute URLs, in order)."""
    box = _box(doc)
    found = []
    if box is not None:
        found += [s.get("src") for s in box.iter("script") if s.get("src")]
        found += script_literals([s.text for s in box.iter("script") if not s.get("src") and s.text])
    if not found:
        scripts = [s.text for s in doc.iter("script") if not s.get("src") and s.text]
        found = [u for u in script_literals(scripts) if _HOT.search(u) and _SOURCE.search(u)]
    out = []
    for url in found:
        url = urljoin(base, url.strip())
        if _SOURCE.search(url) and url not in out:
            out.append(url)
    return out


def _written_html(script: str) -> str:
    """The HTML a script writes with string literals (concatenated as written)."""
    return "".join("".join(unquote(lit) for lit in _LITERAL.findall(chain)) for chain in _WRITTEN.findall(script))


def _json_entries(data) -> list[dict] | None:
    """The first list of objects with a title and a URL, anywhere in ``data``."""
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        keys = set(data[0])
        if keys & set(_TITLE_KEYS) and keys & set(_URL_KEYS):
            return data
    children = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    for child in children:
        found = _json_entries(child)
        if found:
            return found
    return None


def ranking_from_source(body: bytes, content_type: str, base: str, canonical) -> list[dict]:
    """The ranking entries in a script or JSON answer (empty when none is recognised)."""
    from .decode import decode_body

    text = decode_body(body[:MAX_SOURCE_BYTES], content_type).text.strip()
    if text[:1] in "[{":
        try:
            items = _json_entries(json.loads(text))
        except ValueError:
            items = None
        if items:
            return _from_json(items, base, canonical)
    written = _written_html("\n".join(readable([text])))
    if not written:
        return []
    # the list read as if under its heading, as on a page (extract.ranking)
    doc = lxml_html.document_fromstring(f"<html><body><div><h3>热门排行</h3>{written}</div></body></html>")
    return extract_ranking(doc, base, canonical)


def _from_json(items: list[dict], base: str, canonical) -> list[dict]:
    entries = []
    for position, item in enumerate(items, 1):
        title = next((str(item[k]) for k in _TITLE_KEYS if item.get(k)), "")
        url = next((str(item[k]) for k in _URL_KEYS if item.get(k)), "")
        if not title or not url:
            continue
        rank = next((item[k] for k in _RANK_KEYS if isinstance(item.get(k), int)
                     or str(item.get(k, "")).isdigit()), position)
        shown = normalise(title)
        entries.append({"rank": int(rank), "title": shown, "full_title": None,
                        "url": canonical(urljoin(base, url)), "truncated": shown.endswith(("…", "..."))})
    return entries
