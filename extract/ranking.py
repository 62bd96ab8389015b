"""The 热门排行 hot-ranking list, found by its heading (or a profile selector)."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from . import selectors as S
from .body import absolute_url
from .normalize import normalise

_LIST_TAGS = ("ul", "ol", "table")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "p", "strong", "b", "dt", "th", "em", "a")
_RANK_BEFORE = re.compile(r"(?:^|\s)(\d{1,3})\s*[.、．]?\s*$")
_HEADING_TEXTS = etree.XPath("//text()[" + " or ".join(f"contains(., '{c}')" for c in S.RANKING_HEADING_CHARS) + "]")


def _rank_before(link) -> int | None:
    """The rank written just before a link, as in ``1.<a>…</a><br>2.<a>…</a>``."""
    prev = link.getprevious()
    text = (prev.tail if prev is not None else link.getparent().text) or ""
    m = _RANK_BEFORE.search(text)
    return int(m.group(1)) if m else None


def _numbered_lines(heading):
    """The block around ``heading`` whose links are numbered lines (issue 15: no list element)."""
    for depth, ancestor in enumerate(heading.iterancestors()):
        if depth >= 3:
            break
        if next(ancestor.iter(*_LIST_TAGS), None) is not None:      # a list is there: the list rules read it
            return None
        links = ancestor.findall(".//a[@href]")[:S.MAX_RANKING_LINES]
        if len(links) >= 2 and 2 * sum(_rank_before(a) is not None for a in links) >= len(links):
            return ancestor
    return None


def _find_list(heading):
    """The list holding ``heading`` (a ``<th>`` row), else the first ul/ol/table after it, else
    the block of numbered lines of links around it."""
    for depth, ancestor in enumerate(heading.iterancestors()):
        if depth >= 3:
            break
        if ancestor.tag in _LIST_TAGS and len(ancestor.findall(".//a[@href]")) >= 2:
            return ancestor
    lines = _numbered_lines(heading)
    if lines is not None:
        return lines
    node = heading
    for _ in range(4):
        parent = node.getparent()
        if parent is None:
            return None
        after = False
        for el in parent.iter():
            if el is heading:
                after = True
            elif after and el.tag in _LIST_TAGS:
                return el
        node = parent
    return None


def _headings(doc):
    """Elements that could be the ranking's heading, in document order: with at most 14
    characters of text, holding a text node that has a character every ``S.RANKING_HEADING``
    starts with. Found from those text nodes up (one XPath in C), not by reading every
    element's text (which, element after element, read deep pages again at every level).

    Walking up from text nodes in document order, outer elements before inner ones, gives
    document order: an element holding a later text node but not an earlier one starts after it.
    """
    seen, short = set(), {}
    for text in _HEADING_TEXTS(doc):
        if len(text.strip()) > 14:
            continue
        node = text.getparent().getparent() if text.is_tail else text.getparent()
        chain = []
        while node is not None and node not in seen:
            if node not in short:
                short[node] = len(node.text_content().strip()) <= 14
            if not short[node]:
                break      # its ancestors hold all of its text: longer still
            chain.append(node)
            node = node.getparent()
        for node in reversed(chain):
            seen.add(node)
            if node.tag in _HEADING_TAGS:
                yield node


def find_ranking_list(doc: lxml_html.HtmlElement, override: str | None = None):
    if override:
        found = doc.cssselect(override)
        return found[0] if found else None
    for el in _headings(doc):
        if len(el) > 2:
            continue
        own = el.text_content().strip()
        if own and S.RANKING_HEADING.match(normalise(own)):
            found = _find_list(el)
            if found is not None:
                return found
    return None


def _rank_element(item):
    """An element of the item holding only digits: the rank in its own element."""
    for el in item.iter():
        if el is item or not isinstance(el.tag, str):
            continue
        own = (el.text or "").strip()
        if own.isdigit() and len(own) <= 3 and len(el) == 0:
            return el
    return None


def split_glued(text: str, rank: int) -> str:
    """``110月7日…`` at rank 1 -> ``10月7日…`` (the rank glued to the title, as in the seed dump)."""
    prefix = str(rank)
    return text[len(prefix):] if text.startswith(prefix) and len(text) > len(prefix) else text


def extract_ranking(doc: lxml_html.HtmlElement, base_url: str, canonical, override: str | None = None,
                    store=normalise) -> list[dict]:
    """The ranking's entries, their titles as ``store`` keeps the page's text (``Script.store``)."""
    found = find_ranking_list(doc, override)
    if found is None:
        return []
    entries = []
    items = [el for el in found.iter("li", "tr", "dd") if el.find(".//a[@href]") is not None]
    if not items and found.tag not in _LIST_TAGS:      # numbered lines: each link is an item
        items = [a for a in found.iter("a") if a.get("href") and _rank_before(a) is not None]
    links = [item if item.tag == "a" else item.find(".//a[@href]") for item in items]
    # Ranks glued to the titles ("110月7日…", as in the seed dump) show as every text starting
    # with its own position; one title that happens to start with a digit is not enough.
    glued = bool(items) and found.tag != "ol" and all(
        link.text_content().strip().startswith(str(n)) for n, link in enumerate(links, 1))
    for position, (item, link) in enumerate(zip(items, links), 1):
        shown = link.text_content()
        rank_el = _rank_element(item)
        if rank_el is not None:
            rank = int(rank_el.text.strip())
            if any(a is link for a in rank_el.iterancestors()):   # <a><em>1</em>title</a>
                shown = shown.replace(rank_el.text, "", 1)
        elif item.tag == "a":
            rank = _rank_before(item)
        else:
            lead = (item.text or "").strip()
            rank = int(lead) if lead.isdigit() else position
            if glued:
                shown = split_glued(shown.strip(), position)
        title = store(shown)
        full = store(link.get("title") or "") or None
        url = absolute_url(base_url, link.get("href") or "")
        if url is None:
            continue
        url = canonical(url)
        truncated = title.endswith(S.ELLIPSIS) or (full is not None and full != title)
        entries.append({"rank": rank, "title": title, "full_title": full, "url": url, "truncated": truncated})
    return entries
