"""The article body: its paragraphs, images, videos and the next page link.

The container comes from ``container.find_container``. Paragraphs are the container's text
split at block elements and ``<br>``, so ``<p>``, ``<div>`` and ``<br>``-separated layouts all
work. Where no rule finds a body, the caller falls back to trafilatura.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from . import selectors as S
from .container import (Boilerplate, cjk_count, find_container, is_boilerplate_marker, is_meta_text,
                        is_tool_text)
from .normalize import clean_many, clean_whitespace, normalise, normalise_many

BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "table", "section",
                        "article", "blockquote", "center", "dd", "dt", "ul", "ol", "pre", "hr", "figure",
                        "figcaption", "header", "footer"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "form", "select", "button", "textarea", "object",
                       "embed", "video", "audio", "svg", "input", "head", "title", "figcaption"})
_BOLD = frozenset({"strong", "b"})
# Characters of markup the generic fallback (trafilatura) reads: it costs about 2.4 s per
# million on a page of widgets (bench/extract_limits.py, "fallback"), 10 times our own rules,
# and real article pages, where it is needed, are 30-300 KB.
FALLBACK_MAX = 300_000
# Links whose text could say 下一页: a page of many links is not normalised link by link.
_NEXT_TEXT = " or ".join(f"contains(., '{c}')" for c in S.NEXT_PAGE_CHARS)
_NEXT_PAGE_LINKS = etree.XPath(f"descendant-or-self::a[@href][{_NEXT_TEXT}]")
_NEXT_LISTING_LINKS = etree.XPath(f"//a[@href][contains(@rel, 'next') or {_NEXT_TEXT}]")


def absolute_url(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``; None for one urllib cannot read (``http://[``),
    which used to raise out of the whole extraction."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def page_url(base: str, href: str) -> str | None:
    """``href`` as a page to go to: absolute, http or https; None for ``javascript:void(0)``,
    ``mailto:`` and the like (a pager whose 下一页 is a script call has no next URL)."""
    url = absolute_url(base, href)
    return url if url and url.split(":", 1)[0].lower() in ("http", "https") else None


@dataclass
class Paragraph:
    text: str            # normalised
    raw: str             # as served (after decoding), whitespace cleaned
    bold: bool = False


@dataclass
class Body:
    container: object | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)


def paragraphs_of(container) -> list[Paragraph]:
    """Split the container's text at block elements and ``<br>``; skip boilerplate inside it."""
    found: list[tuple[str, int, int]] = []     # (text as served, characters in bold, characters in links)
    pieces: list[str] = []
    bold_chars = [0]
    bold_depth = [0]
    link_chars = [0]
    link_depth = [0]

    def flush():
        if pieces:
            found.append(("".join(pieces), bold_chars[0], link_chars[0]))
            pieces.clear()
        bold_chars[0] = link_chars[0] = 0

    def add(text: str) -> None:
        pieces.append(text)
        if bold_depth[0]:
            bold_chars[0] += len(text.strip())
        if link_depth[0]:
            link_chars[0] += len(text.strip())

    skip_depth = 0
    for event, el in etree.iterwalk(container, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skip_depth:
                skip_depth += 1
                continue
            if tag is None or tag in SKIP_TAGS or (el is not container and is_boilerplate_marker(el)):
                skip_depth = 1
                continue
            if tag in BLOCK_TAGS:
                flush()
            if tag in _BOLD:
                bold_depth[0] += 1
            elif tag == "a":
                link_depth[0] += 1
            if el.text:
                add(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el is not container and el.tail:
                    pieces.append(el.tail)
                continue
            if tag in _BOLD:
                bold_depth[0] -= 1
            elif tag == "a":
                link_depth[0] -= 1
            if tag in BLOCK_TAGS:
                flush()
            if el is not container and el.tail:
                add(el.tail)
    flush()
    # Whitespace and normalising for all paragraphs at once (a call per paragraph cost more than the work).
    raws = clean_many([served for served, _, _ in found])
    found = [(raw, bold, link) for raw, (_, bold, link) in zip(raws, found) if raw]
    return _keep_paragraphs(found, normalise_many([raw for raw, _, _ in found]))


def _keep_paragraphs(found: list[tuple[str, int, int]], texts: list[str]) -> list[Paragraph]:
    """The paragraphs of the body among the container's lines: not sharing, editor or link
    lines, and not the related links after a "相关阅读" heading."""
    out: list[Paragraph] = []
    chars = 0                    # Chinese characters in ``out``, counted up to the 100 that matter
    marker_at: list[int] = []    # where a "相关阅读" / "延伸阅读" heading stood, in ``out``
    for (raw, bold_chars, link_chars), text in zip(found, texts):
        size = len(raw) - raw.count(" ")
        if S.END_OF_BODY.match(text) and chars >= 100:
            marker_at.append(len(out))
        elif (text and not S.SHARE_TEXT.match(text) and not S.EDITOR_LINE.match(text)
              and link_chars < S.MAX_LINK_SHARE * size and not S.NOTICE_START.match(text)
              and (size > S.MAX_TOOL_LINE or not is_tool_text(text))):
            out.append(Paragraph(text, raw, bold_chars >= 0.8 * size))
            if chars < 100:
                chars += cjk_count(text)
    if marker_at:
        # The related links usually end the article. Some templates put a "延伸阅读" block in
        # the middle of it: then more of the article's own (non-link) text follows than precedes.
        before, after = out[:marker_at[0]], out[marker_at[0]:marker_at[1] if len(marker_at) > 1 else None]
        if sum(cjk_count(p.text) for p in after) <= sum(cjk_count(p.text) for p in before):
            return before
        return before + after
    return out


def extract_body(doc: lxml_html.HtmlElement, base_url: str, override: str | None = None) -> Body:
    container = find_container(doc, override)
    if container is None:
        return Body(None)
    body = Body(container, paragraphs_of(container))
    if body.paragraphs and S.ANNOUNCES_TABLE.search(body.paragraphs[-1].text):
        body.paragraphs += _announced_table(container)
    # A picture's caption written again as a paragraph under it (its alt or title): the picture's text.
    captions = {text for img in container.iter("img")
                if len(text := clean_whitespace(img.get("alt") or img.get("title") or "")) >= S.MIN_CAPTION}
    if captions:
        body.paragraphs = [p for p in body.paragraphs if p.raw not in captions]
    boilerplate = Boilerplate(stop=container)
    for img in container.iter("img"):
        src = img.get("src") or img.get("data-src")
        if src and not boilerplate(img) and (absolute := absolute_url(base_url, src)):
            body.images.append(absolute)
    for video in container.iter("video", "source", "embed"):
        src = video.get("src")
        if src and (absolute := absolute_url(base_url, src)):
            body.videos.append(absolute)
    return body


def _announced_table(container) -> list[Paragraph]:
    """The data table the text announces at its end ("附：招生专业及考试科目"), when a template put
    it after the body's block instead of inside it: the next element after the block (its own, or
    an ancestor's, a few levels up), if it is or holds a table outside boilerplate."""
    node = container
    for _ in range(S.ANNOUNCED_TABLE_LEVELS):
        after = node.getnext()
        while after is not None and not isinstance(after.tag, str):
            after = after.getnext()
        if after is not None:
            table = after if after.tag == "table" else after.find(".//table")
            return paragraphs_of(table) if table is not None and not is_boilerplate_marker(after) else []
        node = node.getparent()
        if node is None:
            return []
    return []


def fallback_paragraphs(html_text: str, url: str, problems: list[str] | None = None) -> list[Paragraph]:
    """trafilatura's body, for pages where none of our rules finds one.

    It gets the text we decoded (so GBK pages that declare nothing are not garbled), at most
    ``FALLBACK_MAX`` characters of it (a sentence in ``problems`` says so); our date and byline
    rules still run on top of it.
    """
    import trafilatura   # imported on first use: it costs ~0.5 s and most pages never need it

    if len(html_text) > FALLBACK_MAX:
        cut = html_text.rfind("<", 0, FALLBACK_MAX)
        cut = cut if cut > FALLBACK_MAX // 2 else FALLBACK_MAX
        if problems is not None:
            problems.append(f"no body found by our rules: the generic extractor (trafilatura) read the first "
                            f"{cut:,} of {len(html_text):,} characters of markup (its ceiling)")
        html_text = html_text[:cut]
    text = trafilatura.extract(html_text, url=url, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    out = []
    for line in (text or "").splitlines():
        raw = clean_whitespace(line)
        text = normalise(raw)
        if raw and not is_meta_text(text):     # a byline or tool box, a site's disclaimer: no body
            out.append(Paragraph(text, raw))
    return out


def _is_lead_line(text: str, title: str) -> bool:
    """A heading, metadata or names line of the article's head (see ``trim_lead``)."""
    flat = text.replace(" ", "")
    if title and (flat == title or (len(flat) >= 6 and (title.startswith(flat) or flat.startswith(title))
                                    and abs(len(flat) - len(title)) <= 10)):
        return True
    if S.LEAD_PAGES.match(flat) or S.LEAD_SUBTITLE.match(flat) or S.LEAD_BYLINE.match(flat):
        return True
    if (m := S.NUMERIC_DATE.search(text)) and m.end() - m.start() == len(text.strip()):   # a date alone
        return True
    if S.NAMES_LINE.match(text) and text.split()[0][0] in S.SURNAMES:
        return True
    return bool(S.NUMERIC_DATE.search(text) and S.LEAD_META_LABEL.search(text))


def trim_lead(paragraphs: list[Paragraph], title: str | None) -> list[Paragraph]:
    """Drop the article's head when the template puts it inside the body block: up to the last
    heading, metadata, page-number or names line among the first few short lines. Those lines
    stay in the page text, where the date and byline rules read them."""
    title = (title or "").replace(" ", "")
    cut = 0
    for i, p in enumerate(paragraphs[:S.MAX_LEAD_LINES]):
        if len(p.text) > S.MAX_LEAD_CHARS or p.text.endswith(("。", "！", "？")):
            break
        if _is_lead_line(p.text, title):
            cut = i + 1
        elif S.TURN_LABEL.match(p.text):
            break        # a labelled line ("主持人：…", "记者：…") opens the text: what follows is not its head
    rest = paragraphs[cut:]
    # Short texts keep their head (a picture's page, a notice of one line); a "body" that was all
    # head (the title, a byline box) is none.
    return rest if has_body(rest) or not rest else paragraphs


def has_body(paragraphs: list[Paragraph], minimum: int = 20) -> bool:
    chars = 0
    for p in paragraphs:         # counted up to ``minimum``, not through a body of 100,000 paragraphs
        chars += cjk_count(p.text)
        if chars >= minimum:
            return True
    return False


def find_next_page(doc: lxml_html.HtmlElement, container, base_url: str) -> str | None:
    """The 下一页 link of a multi-page article, searched next to the body only."""
    if container is None:
        return None
    scope = container.getparent() if container.getparent() is not None else container
    for a in _NEXT_PAGE_LINKS(scope):
        if a.get("href") and S.NEXT_PAGE_TEXT.match(normalise(a.text_content())):
            if url := page_url(base_url, a.get("href")):
                return url
    return None


def find_next_listing(doc: lxml_html.HtmlElement, base_url: str) -> str | None:
    """The 下一页 (or rel=next) link of a listing page."""
    for a in _NEXT_LISTING_LINKS(doc):
        href = a.get("href")
        if href and ("next" in (a.get("rel") or "").split() or S.NEXT_PAGE_TEXT.match(normalise(a.text_content()))):
            if url := page_url(base_url, href):
                return url
    return None
