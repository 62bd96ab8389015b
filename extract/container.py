"""Where the article body is: the element that holds it.

A profile selector first, then the class/id names common Chinese CMSs use
(``S.BODY_CANDIDATES``), then text density: the block whose own paragraphs carry the most
non-link Chinese text. On a page of posts, the first post of several alike.

Each step reads the tree once, whatever its size or depth: the candidates come from one
index of the classed elements (a CSS query per name cost a pass over the tree each), the
densities from one walk that adds up each element's text as it closes (scoring every element
from its own subtree was quadratic in the depth), and "is it inside navigation?" is remembered
for every element it was asked of.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from . import selectors as S

_CJK = re.compile(r"[\u3400-\u9fff]+")
CONTAINER_TAGS = ("div", "td", "article", "section", "font", "span", "center", "blockquote", "main")
# Where the density rule also looks: the paragraphs of a plain page may stand in <body> itself.
_DENSE_TAGS = CONTAINER_TAGS + ("body",)
# Children that count as paragraphs of their parent (a small div too, see ``_density``).
_PARAGRAPH_TAGS = frozenset({"p", "font", "span", "strong", "b", "center", "em"})
_LINKED = frozenset({"a", "script", "style"})
_CLASSED = etree.XPath("//*[@class or @id]")
# Text in links, scripts and styles: not the article's own.
_LINKED_TEXT = etree.XPath("descendant-or-self::*[self::a or self::script or self::style]//text()",
                           smart_strings=False)
_CLASS_SPLIT = re.compile(r"[ \t\r\n\f]+")    # CSS class lists are split on ASCII whitespace only


def cjk_count(text: str | None) -> int:
    """How many Chinese characters ``text`` has (without a string per character)."""
    return sum(map(len, _CJK.findall(text))) if text else 0


def marker(el) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).strip()


def is_boilerplate_marker(el) -> bool:
    if el.get("class") is None and el.get("id") is None:     # most elements: no string to build
        return False
    found = marker(el)
    return bool(found and S.BOILERPLATE.search(found))


class Boilerplate:
    """``self(el)``: is ``el`` or an ancestor (below ``stop``) navigation, sharing, a sidebar, …?

    Each element's answer is remembered, so asking of every element of a page walks each
    ancestor chain once, not once per element below it."""

    def __init__(self, stop=None):
        self.stop, self.known = stop, {}

    def __call__(self, el) -> bool:
        path, node, found = [], el, False
        while node is not None:
            if node in self.known:
                found = self.known[node]
                break
            if node is self.stop or node.tag in ("body", "html"):
                break
            if node.tag in ("nav", "footer", "aside") or is_boilerplate_marker(node):
                found = True
                break
            path.append(node)
            node = node.getparent()
        for node in path:
            self.known[node] = found
        return found


def is_meta_box(el) -> bool:
    """A byline, tool or notice box ("来源：… 作者：… 【字号：大 中 小】【打印】", "免责声明：…"),
    not an article, even where its class is one that bodies use (issue 15). A body has
    sentences; such a box has none, or opens with its notice."""
    return is_meta_text(el.text_content().strip())


def is_meta_text(text: str) -> bool:
    """Text of a byline, tool or notice box (see ``is_meta_box``)."""
    if S.NOTICE_START.match(text) or S.LANGUAGE_MENU.match(text):
        return True
    if S.SENTENCE_END.search(text):
        return False
    return S.TOOL_LINE.search(text) is not None or len({m.group(0)[:2] for m in S.META_BOX_LABEL.finditer(text)}) >= 2


def is_tool_text(text: str) -> bool:
    """A tool box's line or a language menu: never body text, wherever it stands."""
    return S.LANGUAGE_MENU.match(text) is not None or (
        not S.SENTENCE_END.search(text) and S.TOOL_LINE.search(text) is not None)


def text_weight(el) -> int:
    """Chinese characters of ``el`` outside links, scripts and styles."""
    total = cjk_count(el.text_content())
    if total and len(el):
        total -= cjk_count("".join(_LINKED_TEXT(el)))
    return 0 if el.tag in _LINKED else total


def _candidates(doc) -> dict[str, list]:
    """The elements each of ``S.BODY_CANDIDATES`` matches, in document order (``#id``, ``.class``, tag)."""
    found: dict[str, list] = {css: [] for css in S.BODY_CANDIDATES}
    for el in _CLASSED(doc):
        if (key := "#" + (el.get("id") or "")) in found:
            found[key].append(el)
        for token in dict.fromkeys(_CLASS_SPLIT.split(el.get("class") or "")):
            if (key := "." + token) in found:
                found[key].append(el)
    for css in found:
        if css[0] not in "#.":
            found[css] = list(doc.iter(css))
    return found


def _density(doc) -> list[tuple[int, int, object]]:
    """(own weight, document position, element) of the container elements whose own weight is at
    least 40: Chinese characters in their own text runs and in their paragraph-like children (a
    small div is a paragraph; one holding blocks of its own is a section, scored where it is).
    One walk: each element's weight (outside links) and whether it holds a div or table are
    added to its parent's when it closes."""
    out, stack, position = [], [], 0
    for event, el in etree.iterwalk(doc, events=("start", "end")):
        if event == "start":
            own = cjk_count(el.text)
            stack.append([own, own, False, position])    # subtree weight, own weight, holds a block, position
            position += 1
            continue
        weight, own, holds_block, at = stack.pop()
        tag = el.tag
        if tag in _DENSE_TAGS and own >= 40:
            out.append((own, at, el))
        if not stack:
            break
        parent, tail = stack[-1], cjk_count(el.tail)
        parent[0] += tail + (0 if tag in _LINKED else weight)
        parent[1] += tail
        parent[2] = parent[2] or holds_block or tag in ("div", "table")
        if (tag in _PARAGRAPH_TAGS or (tag == "div" and len(el) <= 3 and not holds_block)) \
                and not is_boilerplate_marker(el):
            parent[1] += weight
    return out


def find_container(doc: lxml_html.HtmlElement, override: str | None = None):
    if override:
        found = doc.cssselect(override)
        if found:
            return found[0]
    boilerplate = Boilerplate()
    for css, elements in _candidates(doc).items():
        # Among the elements a class name matches, the one with the most text ("p.text" is one
        # paragraph of "div#detail .text" pages, not the body).
        matches = [(text_weight(el), el) for el in elements
                   if el.tag in CONTAINER_TAGS and not boilerplate(el)]
        if matches:
            weight, el = max(matches, key=lambda m: m[0])
            if weight >= 20 and not is_meta_box(el):
                return el
    dense = _density(doc)
    # The first, in document order, of the densest blocks outside boilerplate.
    ranked = [(weight, el) for weight, _, el in sorted(dense, key=lambda d: (-d[0], d[1]))
              if not boilerplate(el) and not is_meta_box(el)]
    blocks = [(weight, el) for weight, el in ranked if el.tag != "body"]
    best = blocks[0][1] if blocks else None
    # <body> itself when most of the page's text stands in it (paragraphs straight under it), not
    # when one block of its own holds the article.
    if ranked and ranked[0][1].tag == "body" and (not blocks or 2 * ranked[0][0] >= 3 * blocks[0][0]):
        best = ranked[0][1]
    return None if best is None else _first_of_repeated(dense, best)


def _first_of_repeated(dense, best):
    """On a page of posts (a blog's front page, a forum thread) the densest block is one post of
    several alike (same tag and class): the article is the first of them, the newest entry or
    the topic post; the later ones are older entries or replies."""
    cls = best.get("class")
    if not cls:
        return best
    posts = [el for weight, _, el in sorted(dense, key=lambda d: d[1])
             if el.tag == best.tag and el.get("class") == cls and weight >= S.MIN_POST_WEIGHT]
    return posts[0] if len(posts) >= S.MIN_POSTS else best
