"""Decoded markup in, a tree out, within a ceiling, with a sentence for whatever could not be read.

libxml2 (lxml without ``huge_tree``) stops at 256 levels of nesting and at a text node of
10,000,000 bytes, and returns what it had parsed by then, often nothing, without raising
(FINDINGS). ``huge_tree`` only moves those limits (to 2,048 levels), and a deeper tree makes
every walk up the ancestors dearer, so instead the markup is mended and parsed again:

- deeper than the parser reads: elements below ``MAX_DEPTH`` levels are dropped, their text
  kept in the element above (a dropped block becomes a ``<br>``, so paragraphs stay apart);
- a text node or an input over libxml2's 10 MB (in UTF-8) is parsed again with ``huge_tree``,
  which the ceiling below makes safe: the tree cannot outgrow the markup read.

Extraction reads at most ``MAX_MARKUP`` characters and ``MAX_ELEMENTS`` elements (counted after
flattening): its cost and memory grow with the tree, and the crawl runs it in the reactor
thread. The whole page stays in the WARC; ``problems`` says what was not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from lxml import etree
from lxml import html as lxml_html

# 4,000,000 characters: a real article page is 30-300 KB and a portal's home page about 1 MB;
# bench/extract_limits.py measures the cost of the largest page below this.
MAX_MARKUP = 4_000_000
# and at most this many elements: the cost of the walks over the tree (body, visible text) is
# per element, and a page of table cells has 8 times more per character than an article.
MAX_ELEMENTS = 150_000
_START_TAG = re.compile(r"<[A-Za-z]")
# Where a cut looks back for the start of a tag, so that a tag is not cut in half.
_CUT_LOOKBACK = 65_536
# Levels kept when a page is flattened: libxml2 stops at 256 of its own, and a level counted
# here can be 4 of them (<table>, with the <tbody>, <tr> and <td> it implies, are counted once).
MAX_DEPTH = 50

# Tags that do not count as a level when flattening: void elements; elements libxml2 closes
# when the next one opens (600 unclosed <p>, <li>, <td>, <tr>, <option>, <a>, <tbody> or <form>
# stayed 2 levels deep, measured; <dd>, <dt>, <font>, <span>, <div>, <ul>, <table> nest); the
# document's own; and raw-text elements, whose content must not turn into text by losing its tag.
_UNCOUNTED = ("area base br col embed hr img input link meta param source track wbr keygen "
              "p li td th tr thead tbody tfoot caption colgroup option optgroup a form "
              "html head body script style textarea title noscript xmp plaintext template iframe").split()


def _alternation(words: list[str]) -> str:
    """``words`` as a regex alternation grouped by first letter (twice as fast as a flat one)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_NAME_END = r"(?![\w:-])"
_COUNTED = rf"(?!(?:{_alternation(_UNCOUNTED)}){_NAME_END})[A-Za-z][\w:-]*[^>]*>"
_OPEN = re.compile("<" + _COUNTED, re.I)
_CLOSE = re.compile("</" + _COUNTED, re.I)
_TAG = re.compile("</?" + _COUNTED, re.I)
_BLOCKS = ("div|table|ul|ol|dl|section|article|blockquote|center|pre|h[1-6]|header|footer|nav|aside|main|"
           "figure|figcaption|fieldset|address|details|menu|hgroup")
_BLOCK = re.compile(rf"</?(?:{_BLOCKS}){_NAME_END}[^>]*>", re.I)
_BREAKS = re.compile(r"(?:<br>\s*){2,}")
# Flattening looks at the markup in chunks of about this many characters: a chunk that cannot
# reach the depth limit is kept whole, one wholly below it is dropped whole, both with C-level
# regexes; only the chunks where the limit is crossed are read tag by tag.
_CHUNK = 2048


@dataclass
class ParsedPage:
    doc: lxml_html.HtmlElement | None
    markup: str                                    # what was parsed (after the cut and any mending)
    problems: list[str] = field(default_factory=list)


def _cut_characters(text: str) -> str:
    """At most ``MAX_MARKUP`` characters, cut before a tag where one is near."""
    if len(text) <= MAX_MARKUP:
        return text
    at = text.rfind("<", MAX_MARKUP - _CUT_LOOKBACK, MAX_MARKUP)
    return text[:at if at > 0 else MAX_MARKUP]


def _cut_elements(markup: str) -> str:
    """At most ``MAX_ELEMENTS`` start tags, cut before the next one."""
    if markup.count("<") <= MAX_ELEMENTS:
        return markup
    past = next(islice(_START_TAG.finditer(markup), MAX_ELEMENTS, None), None)
    return markup[:past.start()] if past else markup


def _drop_all(chunk: str) -> str:
    """Every counted tag of ``chunk`` dropped: blocks become one ``<br>`` per run."""
    return _BREAKS.sub("<br>", _TAG.sub("", _BLOCK.sub("<br>", chunk)))


def flatten(text: str, limit: int = MAX_DEPTH) -> str:
    """``text`` with the elements nested deeper than ``limit`` levels dropped (their text stays)."""
    out, depth, pos = [], 0, 0
    while pos < len(text):
        end = text.find("<", pos + _CHUNK)
        end = len(text) if end < 0 else end
        chunk = text[pos:end]
        opens, closes = len(_OPEN.findall(chunk)), len(_CLOSE.findall(chunk))
        if depth + opens < limit:
            out.append(chunk)
        elif depth - closes >= limit:
            out.append(_drop_all(chunk))
        else:
            out.append(_by_tag(chunk, depth, limit))
        depth = max(0, depth + opens - closes)
        pos = end
    return "".join(out)


def _by_tag(chunk: str, depth: int, limit: int) -> str:
    out, last = [], 0
    for m in _TAG.finditer(chunk):
        closing = chunk[m.start() + 1] == "/"
        if closing:
            drop, depth = depth > limit, max(0, depth - 1)
        else:
            drop, depth = depth >= limit, depth + 1
        if drop:
            out.append(chunk[last:m.start()])
            out.append("<br>" if _BLOCK.match(m.group(0)) else "")
            last = m.end()
    out.append(chunk[last:])
    return "".join(out)


# <style type="text/css" /> and <script … />: HTML has no self-closing syntax for them, so a
# browser reads what follows, up to </style> or </script>, as the style or script (hidden);
# libxml2 closes them at once and their CSS or JS became the page's text (issue 15). The slash
# goes where their closing tag follows with no tag between (JS or CSS holding a "<" and a letter
# is left as it was: a browser shows such a page broken anyway).
_SELF_CLOSED = re.compile(r"<(style|script)\b([^<>]*?)\s*/>(?=(?:[^<]|<(?![A-Za-z/!]))*</\1\s*>)", re.I)


def mend_self_closed(text: str) -> str:
    """``<style … />`` and ``<script … />`` read as a browser reads them: as opening tags."""
    if "/>" not in text:
        return text
    return _SELF_CLOSED.sub(r"<\1\2>", text)


# True when an element stands deeper than 255 levels: one step per level, so linear in the tree.
_TOO_DEEP = etree.XPath("boolean(/*" + "/*" * 255 + ")")


# lxml.html picks each element's class in Python (form fields get classes of their own), a
# call for every element a walk touches; all elements as HtmlElement is one lookup in C.
_CLASSES = etree.ElementDefaultClassLookup(element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
                                           pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity)


def _parse(markup: str, huge: bool):
    """The tree and libxml2's resource-limit error (None when it read everything)."""
    parser = lxml_html.HTMLParser(huge_tree=huge)
    parser.set_element_class_lookup(_CLASSES)
    try:
        doc = lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        doc = None
    limit = next((e for e in parser.error_log if e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT), None)
    return doc, limit


def parse_markup(text: str) -> ParsedPage:
    """Parse decoded markup; ``problems`` says what of it extraction could not read as served."""
    source = mend_self_closed(text.replace("\x00", ""))
    read = before_elements = _cut_characters(source)
    page = ParsedPage(None, _cut_elements(read))
    huge = flattened = False
    while True:
        doc, limit = _parse(page.markup, huge)
        too_deep = (limit is not None and "depth" in limit.message) or (
            huge and doc is not None and _TOO_DEEP(doc))
        if too_deep and not flattened:
            # the elements flattening drops do not count against the ceiling
            before_elements = flatten(read)
            page.markup, flattened = _cut_elements(before_elements), True
        elif limit is not None and not too_deep and not huge:
            # A text node or the input over libxml2's 10 MB (a run of text over about 3 million
            # Chinese characters; splitting it with tags did not help, measured). The markup is
            # capped, so huge_tree's tree is too.
            huge = True
        else:
            break
    ceiling = (f"(extraction reads at most {MAX_MARKUP:,} characters and {MAX_ELEMENTS:,} elements): text and "
               f"links after them are not read; the whole page is in the WARC")
    read_to = len(read) if flattened else len(page.markup)
    if read_to < len(source):
        page.problems.append(f"read the first {read_to:,} of {len(source):,} characters of markup {ceiling}")
    if flattened and len(page.markup) < len(before_elements):
        page.problems.append(f"read the first {MAX_ELEMENTS:,} elements of the markup flattened {ceiling}")
    if flattened:
        page.problems.append(f"markup nested deeper than 255 levels (the parser's limit): read flattened, "
                             f"elements below level {MAX_DEPTH} merged into the one above")
    if limit is not None:
        page.problems.append(f"the HTML parser stopped at column {limit.column:,} of line {limit.line:,} "
                             f"({limit.message.strip()}): the text after it is missing")
    page.doc = doc
    return page
