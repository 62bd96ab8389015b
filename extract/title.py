"""The article's title, and its parts (media tag, series, subtitle).

The title is the heading the page's other title sources agree with (issue 15): ``h1``-``h3`` and
``.title``-like blocks are the candidates; ``og:title``, the CMS's meta titles (``ArticleTitle``,
``title``) and ``<title>`` are the witnesses. Site and section names are never a title: they are
learnt from the page itself (``og:site_name``, the logo's alt text, the parts of ``<title>`` after
its first, such as ``_社会_城市新闻网``) and struck from the witnesses; a heading keeps none of the
date and byline a CMS may put inside it (``<h1>标题<span>2022-10-18 来源：…</span></h1>``).
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree
from lxml import html as lxml_html

from . import selectors as S
from .normalize import to_simplified

_WS = re.compile(r"\s+")
_CANDIDATES = etree.XPath(S.TITLE_BLOCKS)
_META_TITLES = etree.XPath(S.TITLE_META_TAGS, smart_strings=False)
_SITE_NAMES = etree.XPath(S.SITE_NAME_META + " | " + S.LOGO_NAMES, smart_strings=False)
_RANK = {"h1": 0, "h2": 1, "h3": 3}     # a .title-like block ranks 2, between h2 and h3


def split_title(title: str) -> dict:
    """``【视频】e起点赞长春这十年|区县领导访谈·汽开区`` -> media, series, subtitle."""
    media = None
    m = S.MEDIA_TAG.match(title)
    rest = title
    if m:
        media = S.MEDIA_KIND.get(to_simplified(m.group(1)))
        rest = title[m.end():]
    series = subtitle = None
    for bar in ("|", "｜"):
        if bar in rest:
            series, subtitle = (part.strip() or None for part in rest.split(bar, 1))
            break
    return {"media": media, "series": series, "subtitle": subtitle}


def _key(text: str) -> str:
    return _WS.sub("", text or "")


def readings_of(text: str) -> list[tuple[str, bool]]:
    """A heading's text, and without the date or byline a template may have put after the title
    ("标题 2022-10-18 09:12 来源：…"): (text, True when the cut-off part was surely a byline, a
    label or a time with it, not a date that belongs to the title)."""
    text = _WS.sub(" ", text or "").strip()
    analysed = to_simplified(text)
    date, label = S.NUMERIC_DATE.search(analysed), S.HEADING_META.search(analysed)
    cut = min([m.start() for m in (date, label) if m], default=len(text))
    if cut < S.MIN_TITLE or cut == len(text):
        return [(text, False)]
    return [(text[:cut].strip(" 　|｜/-—_·:：[]【】()（）"), label is not None), (text, False)]


def site_names(doc, head_title: str) -> set[str]:
    """Names of the site and its sections, as the page gives them (keys without whitespace)."""
    names = {_key(v) for v in _SITE_NAMES(doc)}
    parts = [p for p in S.TITLE_SEPARATORS.split(head_title) if p.strip()]
    names |= {_key(p) for p in parts[1:]}
    return {n for n in names if n}


def _is_name(text: str, names: set[str]) -> bool:
    key = _key(text)
    return key in names or bool(S.SECTION_NAME.fullmatch(to_simplified(key)))


def strip_names(text: str, names: set[str]) -> str:
    """``text`` without the site and section names around it ("数字报-标题", "标题_社会_城市新闻网")."""
    parts = [p.strip() for p in S.TITLE_SEPARATORS.split(text or "") if p.strip()]
    kept = [p for p in parts if not _is_name(p, names)]
    text = kept[0].strip() if kept else ""      # nothing but names: no title here
    m = S.TITLE_PREFIX.match(to_simplified(text))
    return text[m.end():].strip() if m and len(text) - m.end() >= S.MIN_TITLE else text


def _witnesses(metas: list[str], head_title: str, names: set[str]) -> list[str]:
    found = metas + [strip_names(head_title, names)]
    return [_key(w) for w in found if len(_key(w)) >= S.MIN_TITLE]


def _agreement(candidate: str, witnesses: list[str]) -> int:
    """How strongly the witnesses confirm ``candidate``: 2 for each that is the same text, 1 for
    each that holds it or that it holds (a witness cut short, or with words around it)."""
    score = 0
    for witness in witnesses:
        if candidate == witness:
            score += 2
        elif (candidate in witness and 2 * len(candidate) >= len(witness)) or (
                witness in candidate and 2 * len(witness) >= len(candidate)):
            score += 1
    return score


def pick_title(doc: lxml_html.HtmlElement, override: str | None = None) -> str:
    """The article's own title, as served."""
    if override:
        found = doc.cssselect(override)
        if found:
            return found[0].text_content()
    head_title = _WS.sub(" ", doc.findtext(".//title") or "").strip()
    names = site_names(doc, head_title)
    metas = [strip_names(v, names) for v in _META_TITLES(doc)]
    witnesses = _witnesses(metas, head_title, names)
    best, best_rank = None, None
    blocks = (el for el in _CANDIDATES(doc) if el.tag in S.TITLE_BLOCK_TAGS)
    for order, el in enumerate(islice(blocks, S.MAX_TITLE_CANDIDATES)):
        for text, byline_cut in readings_of(el.text_content()):
            if not (S.MIN_TITLE <= len(text) <= S.MAX_TITLE) or _is_name(text, names):
                continue
            rank = (-_agreement(_key(text), witnesses), _RANK.get(el.tag, 2), -byline_cut, order)
            if best_rank is None or rank < best_rank:
                best, best_rank = text, rank
    if best is not None and best_rank[0] < 0:
        return best
    meta = next((m for m in metas if len(_key(m)) >= S.MIN_TITLE), None)
    if meta:
        return meta
    if best is not None and best_rank[1] < 2:      # an h1 or h2 nobody contradicts
        return best
    return strip_names(head_title, names) or best or ""
