"""Where each field of a page's record came from, for ``newsarchive check`` (pure, after the fact).

Extraction keeps no trail of its rules; ``explain`` finds, for each field it filled, the place in
the page that holds that value: the profile selector, a ``<meta>`` tag, a heading, a labelled line
(``来源：``), the URL, or the body container it read. A person writing a profile sees which rule
worked and which did not.
"""

from __future__ import annotations

import re

from lxml import etree

from .markup import parse_markup
from .decode import decode_body
from .normalize import normalise

_META_TITLES = ("ArticleTitle", "og:title", "title", "Title")
_META_DATES = ("PubDate", "pubdate", "publishdate", "article:published_time", "og:article:published_time",
               "datePublished", "publish_time", "firstpublishedtime")
_LABELS = {"source": ("来源", "稿源", "出处"), "author": ("作者", "记者", "撰稿"), "editor": ("编辑", "责编", "责任编辑")}


def _describe(el) -> str:
    name = el.tag if isinstance(el.tag, str) else "?"
    if el.get("id"):
        return f"<{name} id={el.get('id')}>"
    if el.get("class"):
        return f"<{name} class={el.get('class').split()[0]}>"
    return f"<{name}>"


def _title_rule(doc, record, profile) -> str:
    if profile is not None and profile.selectors.get("title"):
        return f"selectors.title ({profile.selectors['title']})"
    title = normalise(record.title_raw or "")
    for meta in doc.iter("meta"):
        if (meta.get("name") or meta.get("property")) in _META_TITLES and title and \
                title in normalise(meta.get("content") or ""):
            return f"<meta {meta.get('name') or meta.get('property')}>"
    for tag in ("h1", "h2", "h3"):
        for el in doc.iter(tag):
            if title and normalise(el.text_content()) == title:
                return _describe(el)
    return "<title>" if title and title in normalise(doc.findtext(".//title") or "") else "generic rules"


def _date_rule(doc, record, text: str) -> str:
    day = (record.published_at or "")[:10]
    if not day:
        return ""
    loose = [day, day.replace("-", "/"), day.replace("-", "年", 1).replace("-", "月", 1), day.replace("-", "")]
    for meta in doc.iter("meta"):
        if (meta.get("name") or meta.get("property") or meta.get("itemprop")) in _META_DATES:
            content = meta.get("content") or ""
            if any(v in content or v.replace("年0", "年").replace("月0", "月") in content for v in loose):
                return f"<meta {meta.get('name') or meta.get('property') or meta.get('itemprop')}>"
    label = re.search(r"(发布时间|发布日期|时间|日期)[:：]?\s*" + re.escape(loose[0][:4]), text)
    if label:
        return f"the line labelled {label.group(1)}"
    if loose[3] in record.url or loose[0][:7].replace("-", "") in record.url:
        return "the URL"
    return "the page text"


def _byline_rule(field: str, value: str | None, text: str) -> str:
    if not value:
        return ""
    for label in _LABELS[field]:
        if re.search(label + r"\s*[:：]\s*" + re.escape(value[:6]), text):
            return f"the label {label}："
    return "the byline"


def explain(record, body: bytes, content_type: str, profile=None) -> dict[str, str]:
    """field -> the rule or place it came from (only fields the record has)."""
    decoded = decode_body(body, content_type)
    try:
        doc = parse_markup(decoded.text).doc
    except (etree.ParserError, ValueError, TypeError):
        return {}
    etree.strip_elements(doc, "script", "style", with_tail=False)
    text = normalise(doc.text_content())
    rules = {"encoding": f"{record.encoding} ({decoded.source})" if record.encoding else ""}
    if record.title:
        rules["title"] = _title_rule(doc, record, profile)
    rules["published_at"] = _date_rule(doc, record, text)
    for field in ("source", "author", "editor"):
        rules[field] = _byline_rule(field, getattr(record, field), text)
    if record.text:
        if profile is not None and profile.selectors.get("body"):
            rules["text"] = f"selectors.body ({profile.selectors['body']})"
        else:
            probe = record.paragraphs[0].raw[:12] if record.paragraphs else record.text[:12]
            holder = next((el for el in doc.iter() if isinstance(el.tag, str) and el.tag in ("div", "td", "article",
                           "section") and probe in (el.text_content() or "") and len(el.text_content()) < 4 *
                           max(len(record.text), 200)), None)
            rules["text"] = f"the block {_describe(holder)}" if holder is not None else "the generic fallback"
    return {k: v for k, v in rules.items() if v}
