"""The article's title, and its parts (media tag, series, subtitle)."""

from __future__ import annotations

from lxml import html as lxml_html

from . import selectors as S


def split_title(title: str) -> dict:
    """``【视频】e起点赞长春这十年|区县领导访谈·汽开区`` -> media, series, subtitle."""
    media = None
    m = S.MEDIA_TAG.match(title)
    rest = title
    if m:
        media = S.MEDIA_KIND.get(m.group(1))
        rest = title[m.end():]
    series = subtitle = None
    for bar in ("|", "｜"):
        if bar in rest:
            series, subtitle = (part.strip() or None for part in rest.split(bar, 1))
            break
    return {"media": media, "series": series, "subtitle": subtitle}


def pick_title(doc: lxml_html.HtmlElement, override: str | None = None) -> str:
    """The article's own title: an ``h1`` that the ``<title>`` confirms, not the site name."""
    if override:
        found = doc.cssselect(override)
        if found:
            return found[0].text_content()
    head_title = (doc.findtext(".//title") or "").strip()
    candidates = [h.text_content().strip() for h in doc.iter("h1", "h2")]
    candidates = [c for c in candidates if 4 <= len(c) <= 120]
    for c in candidates:
        if c and c in head_title:
            return c
    for meta in doc.iterfind(".//meta[@property='og:title']"):
        if meta.get("content"):
            return meta.get("content")
    if candidates:
        return max(candidates, key=len)
    parts = [p for p in S.TITLE_SEPARATORS.split(head_title) if p]
    return parts[0] if parts else head_title
