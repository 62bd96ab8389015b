"""Article fields from the page head: title parts, publication time, bylines."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from lxml import html as lxml_html

from . import selectors as S
from .normalize import normalise

CST = timezone(timedelta(hours=8))


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


def _to_iso(y, mo, d, h=None, mi=None, s=None) -> str | None:
    try:
        moment = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=CST)
    except ValueError:
        return None
    return moment.isoformat()


def find_published(zone_text: str, page_text: str, doc, url: str) -> str | None:
    """Page text near the title, then labelled dates anywhere, meta tags, JSON-LD, the URL."""
    for pattern in (S.LABELLED_DATE, S.NUMERIC_DATE, S.CHINESE_DATE):
        m = pattern.search(zone_text)
        if m and (iso := _to_iso(*m.groups())):
            return iso
    m = S.LABELLED_DATE.search(page_text)
    if m and (iso := _to_iso(*m.groups())):
        return iso
    for name in S.META_DATE_NAMES:
        for meta in doc.xpath(f"//meta[@name='{name}' or @property='{name}' or @itemprop='{name}']"):
            value = meta.get("content") or ""
            m = S.NUMERIC_DATE.search(value.replace("T", " ").replace("/", "-"))
            if m and (iso := _to_iso(*m.groups())):
                return iso
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            value = isinstance(item, dict) and item.get("datePublished")
            m = value and S.NUMERIC_DATE.search(str(value).replace("T", " "))
            if m and (iso := _to_iso(*m.groups())):
                return iso
    m = S.URL_DATE.search(url)
    if m:
        return _to_iso(*m.groups())
    return None


def find_bylines(zone_text: str, tail_text: str = "") -> dict[str, str | None]:
    """Bylines from the line under the title, else from the lines right after the body."""
    out = {}
    for field, pattern in S.BYLINES.items():
        value = None
        for text in (normalise(zone_text), normalise(tail_text)):
            m = pattern.search(text)
            if m:
                value = next(g for g in m.groups() if g)
                break
        # a label glued to the next label: "来源：长春日报作者：…"
        if value:
            value = re.split(r"作者|记者|编辑|责任编辑|发布时间|来源|时间", value)[0] or None
        out[field] = value
    return out
