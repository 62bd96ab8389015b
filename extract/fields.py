"""When an article was published, and the stretches of page text where dates and bylines live.

Titles are read in ``title.py``, bylines in ``bylines.py``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from lxml import etree

from . import selectors as S
from .body import BLOCK_TAGS

CST = timezone(timedelta(hours=8))


def _to_iso(y, mo, d, h=None, mi=None, s=None) -> str | None:
    try:
        moment = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=CST)
    except ValueError:
        return None
    return moment.isoformat()


def _date_in(text: str, patterns=(S.LABELLED_DATE, S.NUMERIC_DATE)) -> str | None:
    for pattern in patterns:
        for m in pattern.finditer(text):
            iso = _to_iso(*m.groups())
            if iso and "1995" <= iso[:4] <= "2100":
                return iso
    return None


def find_published(windows: "TextWindows", doc, url: str, html_text: str | None = None,
                   body_head: str = "") -> str | None:
    """Near the title, then a dated byline line opening the body (``body_head``, its first lines),
    a labelled date anywhere, meta tags, JSON-LD, the URL, after the body, and last htmldate (a
    maintained generic date extractor) on ``html_text`` when given: our ``doc`` has its comments
    unwrapped, and CMSs keep dates there (Founder's ``<!--enpproperty <date>…-->``).
    The windows' text leaves out lists of dated links (``dated_link_items``): other pages' dates."""
    found = _date_in(windows.after_title) or _date_in(windows.before_body) or _byline_date(body_head)
    if found:
        return found
    found = _date_in(windows.page, (S.LABELLED_DATE,))
    if found:
        return found
    for m in S.SLASHED_DATE.finditer(windows.page):
        if found := _slashed_date(*m.groups()):
            return found
    for _name, groups in _posted_by(windows.page):
        if found := _to_iso(*groups):
            return found
    for name in S.META_DATE_NAMES:
        for meta in doc.xpath(f"//meta[@name='{name}' or @property='{name}' or @itemprop='{name}']"):
            value = (meta.get("content") or "").replace("T", " ")
            if found := _date_in(value, (S.NUMERIC_DATE,)):
                return found
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            value = isinstance(item, dict) and item.get("datePublished")
            if value and (found := _date_in(str(value).replace("T", " "), (S.NUMERIC_DATE,))):
                return found
    m = S.URL_DATE.search(url)
    if m and (found := _to_iso(*m.groups())):
        return found
    if found := _date_in(windows.after_body):
        return found
    found = _htmldate(html_text if html_text is not None else doc)
    # htmldate reads the whole page: a day that a list of dated links gives is another page's.
    if found and found[:10] in {(_date_in(item.text_content()) or "")[:10] for item in dated_link_items(doc)}:
        return None
    return found


def _byline_date(lines: str) -> str | None:
    """The date of a byline line among the body's first lines (``S.BYLINE_WORD``). A repost keeps
    the article's own byline, "本报记者 张三" then "2003-7-24 钱江晚报": that names when the
    article was published; the reposting blog's dates are later and further down."""
    above = ""
    for line in [line.strip() for line in lines.split("\n") if line.strip()][:S.BYLINE_LINES]:
        m = S.NUMERIC_DATE.search(line)
        if m and len(line) <= S.MAX_BYLINE_CHARS and not S.SENTENCE_MARK.search(line):
            rest = line[:m.start()] + line[m.end():]
            if S.BYLINE_WORD.search(rest) or (not rest.strip() and S.BYLINE_WORD.search(above)):
                if found := _date_in(m.group(0), (S.NUMERIC_DATE,)):
                    return found
        above = line
    return None


def _slashed_date(first, second, year, hour, minute, second_, half) -> str | None:
    """``9/17/2004 5:54:13 AM`` (month first: .NET's US format, told by AM/PM or a second number
    over 12) or ``17/9/2004`` (day first). ``06/02/2022 13:48`` could be either: no date."""
    first, second = int(first), int(second)
    if second > 12 or (half and first <= 12):
        month, day = first, second
    elif first > 12:
        month, day = second, first
    else:
        return None
    if half:
        hour = int(hour or 0) % 12 + (12 if half.lower() == "pm" else 0)
    return _to_iso(year, month, day, hour, minute, second_)


def _posted_by(text: str):
    """(name, date groups) of each post signature in ``text`` (``S.POSTED_BY``)."""
    for pattern in S.POSTED_BY:
        name_at = pattern.groupindex["name"] - 1
        for m in pattern.finditer(text):
            groups = list(m.groups())
            yield groups.pop(name_at), groups


def _htmldate(doc) -> str | None:
    try:
        from htmldate import find_date
        value = find_date(doc, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:   # htmldate raises on odd trees; a missing date is the honest answer then
        return None
    return _to_iso(*value.split("-")) if value else None


class TextWindows:
    """Stretches of the page's visible text where dates and bylines live, found by text position:
    after the title (its last occurrence before the body), just before the body, just after it."""

    def __init__(self, page_text: str, title: str | None, body_start: str | None, body_end: str | None,
                 span: int = 400, body_next: str | None = None):
        self.page = page_text
        t = page_text.find(title) if title else -1
        b = page_text.find(body_start, t + len(title) if t >= 0 else 0) if body_start else -1
        if b < 0 and body_start:
            b = page_text.find(body_start)
        if body_next and b >= 0:
            # A short first paragraph ("陈天华《警世钟》") may also stand in a heading higher up:
            # the body starts at its occurrence nearest above the second paragraph.
            n = page_text.find(body_next, b)
            if n >= 0:
                b = max(b, _line_start_before(page_text, body_start, n))
        if t >= 0 and b >= 0:
            t = max(t, page_text.rfind(title, 0, b))   # the title occurrence nearest above the body
        end_title = t + len(title) if t >= 0 else -1
        self.after_title = page_text[end_title: b if b > end_title else end_title + span][:span] if t >= 0 else ""
        self.before_body = page_text[max(0, b - span): b] if b >= 0 else ""
        e = page_text.rfind(body_end) if body_end else -1
        self.after_body = page_text[e + len(body_end): e + len(body_end) + span] if e >= 0 else ""


def _line_start_before(text: str, probe: str, end: int) -> int:
    """The last occurrence of ``probe`` before ``end`` that opens a line (a paragraph starts
    there; the same words inside the paragraph do not), or -1."""
    at = text.rfind(probe, 0, end)
    while at > 0 and text[:at].rstrip(" \t\u3000\xa0")[-1:] not in ("\n", ""):
        at = text.rfind(probe, 0, at)
    return at


_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})
# Text nodes where a year may stand (a cheap XPath, run in C; the date pattern tells).
_YEAR_TEXTS = etree.XPath("//text()[contains(., '20') or contains(., '19')]")


def dated_link_items(doc) -> set:
    """The items of lists of dated links (``S.LINK_ITEM_DATE``): "related posts", sidebars and
    archives give other pages' dates, never this page's. An item is the date's nearest element
    holding a link: "[日期] <a>…</a>", "<li><a>…</a><span>日期</span></li>", "<tr><td><a>…</a></td><td>日期</td></tr>"."""
    groups: dict = {}
    seen = set()
    for text in _YEAR_TEXTS(doc):
        if not S.NUMERIC_DATE.search(text):
            continue
        item = text.getparent().getparent() if text.is_tail else text.getparent()
        for _ in range(3):
            if item is None or len(item) > 6 or item.find(".//a") is not None:
                break
            item = item.getparent()
        if item is None or len(item) > 6 or item in seen:
            continue
        seen.add(item)
        rest = item.text_content()
        if len(rest) > 150:
            continue
        for link in item.iter("a"):
            rest = rest.replace(link.text_content(), "", 1)
        if S.LINK_ITEM_DATE.fullmatch(rest):
            groups.setdefault(item.getparent(), []).append(item)
    return {item for items in groups.values() if len(items) >= S.MIN_DATED_LINKS for item in items}


def visible_text(doc, leave_out: set | frozenset = frozenset()) -> str:
    """The text a reader sees: no head, scripts or styles; a line break where a block starts or
    ends, so that ``<div>来源：甲</div><div>原标题：…</div>`` does not read as one label.
    Elements in ``leave_out`` are left out (their tails stay)."""
    parts, skip = [], 0
    for event, el in etree.iterwalk(doc, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skip or tag is None or tag in _INVISIBLE or el in leave_out:
                skip += 1
                continue
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
        else:
            if skip:
                skip -= 1
            elif tag in BLOCK_TAGS:
                parts.append("\n")
            if not skip and el.tail and el is not doc:
                parts.append(el.tail)
    return "".join(parts)
