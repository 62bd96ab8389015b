"""The people an interview interviews, with their positions (issue 15).

Where a page says who its guests are, in the order we trust it: a guest card (a box beside or
above the dialog: ``class="guest"``, or a heading such as 嘉宾介绍), the lead (``本期嘉宾：…``,
"记者专访了市交通运输局局长王强"), the title (``专访九台区区长 王建平：…``). Every guest gets a
position from the first of those that has one; a later one that says more of the same position
("长春市交通运输局局长" for "市交通运输局局长") completes it. Roles and labels (网友, 受访嘉宾,
记者, 主持人, 时间, …) are never people.

The texts are ``script.Aligned``: read in simplified characters, cut as stored.
"""

from __future__ import annotations

import re

from lxml import etree

from . import selectors as S
from .script import Aligned

_CARD = etree.XPath(S.GUEST_CARD)
_CARD_HEADINGS = etree.XPath("//text()[contains(., '嘉宾') or contains(., '嘉賓')]")
_SPLIT = re.compile(r"[、，,；;]|\s{2,}")
_NAME = re.compile(r"^[\u4e00-\u9fa5]{2,4}$|^[\u4e00-\u9fa5]{1,6}·[\u4e00-\u9fa5]{1,6}$")
_AFTER_NAME = re.compile(r"^\s*[（(]([^）)]{2,40})[）)]")
_ROW = re.compile(r"^(姓名|职务|职位|身份|单位)\s*[：:︰]\s*(.+)$")
_CARD_LINES_MAX = 12


def is_person(name: str | None) -> bool:
    return bool(name and _NAME.match(name) and name not in S.NOT_A_PERSON)


def has_surname(name: str) -> bool:
    """A name that starts with a common surname ("李金泽", "王局长"), or a foreign name with its ·."""
    return name[:1] in S.SURNAMES or name.startswith(S.COMPOUND_SURNAMES) or "·" in name


def guest_cards(doc, markup: str) -> list:
    """The page's guest cards: boxes classed as such, or holding a heading such as 嘉宾介绍. They are
    left out of the text the byline rules read (a guest's name is not the author)."""
    # most pages: no walk over the tree
    boxes = list(_CARD(doc))[:S.MAX_GUEST_CARDS] if any(w in markup for w in S.GUEST_CARD_CLASS_WORDS) else []
    headings = _CARD_HEADINGS(doc) if any(w in markup for w in S.GUEST_CARD_HEADING_WORDS) else []
    for text in headings:
        if len(text) < 12 and S.GUEST_CARD_HEADING.match(text.replace("賓", "宾")):
            parent = text.getparent()
            boxes.append(parent.getparent() if parent.getparent() is not None else parent)
    return boxes[:S.MAX_GUEST_CARDS]


# A label cell inside a card's row ("嘉宾：|王强|职务：|区长"): the row reads "嘉宾：王强 区长".
_INNER_LABEL = re.compile(r"(?<=\S)\s*(?:职务|职位|身份|单位)\s*[：:︰]\s*")


def card_lines(boxes: list) -> list[str]:
    """The text lines of guest cards, as served (a few lines each): a table card one line per row, its
    cells side by side (a name cell and a position cell, or label cells between them), so that a guest's
    name and position stay on one line; a card that holds another is read once."""
    from .fields import visible_text   # the visible-text walk, with its block line breaks

    lines: list[str] = []
    boxes = list({id(box): box for box in boxes}.values())
    for box in boxes:
        if any(other is not box and any(d is box for d in other.iterdescendants()) for other in boxes):
            continue
        rows = [row for row in box.iter("tr")]
        if rows:
            found = [" ".join(" ".join(cell.text_content().split()) for cell in row if isinstance(cell.tag, str))
                     for row in rows]
            lines += [_INNER_LABEL.sub(" ", line).strip() for line in found if line.strip()][:_CARD_LINES_MAX]
            continue
        lines += [line.strip() for line in visible_text(box).split("\n") if line.strip()][:_CARD_LINES_MAX]
    return lines


def _people_in(line: Aligned) -> list[tuple[str, str | None]]:
    """(name, position) pairs a line names: "本期嘉宾：市交通局局长 王强、市公交集团总经理李四",
    "长春市供热办主任 孙立民", "孙立民（长春市供热办主任）", "孙立民 长春市供热办主任". A position
    may hold a 、 ("党工委委员、管委会副主任 高振宇"): a part that names no one joins the next."""
    text = line.analysed
    m = S.GUEST_LINE.match(text)
    explicit = bool(m)
    found, start = [], m.start(1) if m else 0
    for _, end in _parts(text, start):
        person = _person(line, start, end, explicit)
        if person:
            found.append(person)
            start = _next_part(text, end)
    return [(name, position) for name, position in found if is_person(name)]


def _next_part(text: str, end: int) -> int:
    m = _SPLIT.match(text, end)
    return m.end() if m else end


def _person(line: Aligned, start: int, end: int, explicit: bool) -> tuple[str, str | None] | None:
    """(name, position) of ``line.analysed[start:end]``, or None when it names no one."""
    piece = line.analysed[start:end]
    if len(piece) > S.MAX_GUEST_CHARS:     # a sentence, a biography: not a guest's line
        return None
    pm = S.INTERVIEWEE_LINE.match(piece)
    if pm and (explicit or (S.IS_POSITION.search(pm.group("position")) and has_surname(pm.group("name")))):
        return (line.cut(start + pm.start("name"), start + pm.end("name")),
                line.cut(start, start + pm.end("position")))
    pm = S.POSITION_THEN_NAME.match(piece)
    if pm and has_surname(pm.group("name")):
        return (line.cut(start + pm.start("name"), start + pm.end("name")),
                line.cut(start, start + pm.end("position")))
    head = piece.split()[0] if piece.split() else ""
    after = _AFTER_NAME.match(piece[len(head):])
    rest = piece[len(head):].strip()
    if is_person(head) and after:
        at = start + len(head) + after.start(1)
        return line.cut(start, start + len(head)), line.cut(at, at + len(after.group(1)))
    if is_person(head) and rest and S.IS_POSITION.search(rest):
        return line.cut(start, start + len(head)), line.cut(end - len(rest), end)
    if explicit and is_person(piece.strip()) and has_surname(piece.strip()):
        return line.cut(start, end), None
    return None


def _parts(text: str, offset: int) -> list[tuple[int, int]]:
    """Spans of ``text`` from ``offset`` split at 、，；."""
    spans, start = [], offset
    for m in _SPLIT.finditer(text, offset):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _card_people(lines: list[Aligned]) -> list[tuple[str, str | None]]:
    """People of a guest card: lines as above, "姓名：…"/"职务：…" rows, a name line over a position line."""
    found: list[tuple[str, str | None]] = []
    for n, line in enumerate(lines):
        row = _ROW.match(line.analysed)
        if row and row.group(1) == "姓名" and is_person(row.group(2).strip()):  # the card says it is a name
            found.append((line.cut(row.start(2)), None))
        elif row and found and found[-1][1] is None and S.IS_POSITION.search(row.group(2)):
            found[-1] = (found[-1][0], line.cut(row.start(2)))
        elif is_person(line.analysed) and has_surname(line.analysed) and n + 1 < len(lines) \
                and S.IS_POSITION.search(lines[n + 1].analysed) \
                and len(lines[n + 1].analysed) <= 40:
            found.append((line.cut(), lines[n + 1].cut()))
        else:
            found += _people_in(line)
    return found


def position_before(name: str, line: Aligned) -> str | None:
    """The position written next to ``name`` in ``line``: "…市交通运输局局长王强", "王强（局长）",
    "李金泽同志现任…公司党委书记、董事长兼总经理。"."""
    target = Aligned(name).analysed
    at = line.analysed.find(target)
    while at >= 0:
        before = line.analysed[:at].rstrip()
        intro = S.GUEST_INTRO.match(before)
        start = intro.end() if intro else 0
        candidate = before[start:]
        if 2 <= len(candidate) <= 40 and S.IS_POSITION.search(candidate):
            return line.cut(start, len(before))
        after = _AFTER_NAME.match(line.analysed[at + len(target):]) or S.NAME_THEN_POSITION.match(
            line.analysed, at + len(target))
        if after and S.IS_POSITION.search(after.group(1)):
            begin = after.start(1) + (at + len(target) if after.re is _AFTER_NAME else 0)
            return line.cut(begin, begin + len(after.group(1)))
        at = line.analysed.find(target, at + 1)
    return None


def interviewees(speakers: list[str], card: list[Aligned], lead: list[Aligned], title: Aligned) -> list[dict]:
    """The guests, each with the position the card, the lead or the title gives (in that order)."""
    people: dict[str, str | None] = {}
    for name, position in _card_people(card) + [p for line in lead for p in _people_in(line)]:
        if people.get(name) is None:
            people[name] = position
    for name in speakers:
        if is_person(name) and name not in people:
            people[name] = None
    if not people:
        who = title.analysed.split("：")[0].split(":")[0]
        intro = S.GUEST_INTRO.match(who)
        start = intro.end() if intro else 0
        pm = S.POSITION_THEN_NAME.match(who[start:].strip()) or S.INTERVIEWEE_LINE.match(who[start:].strip())
        if pm and is_person(pm.group("name")):
            offset = start + (len(who[start:]) - len(who[start:].lstrip()))
            people[title.cut(offset + pm.start("name"), offset + pm.end("name"))] = title.cut(
                offset, offset + pm.end("position"))
    for name, known in people.items():
        for source in (card, lead, [title]):
            found = next((p for line in source if (p := position_before(name, line))), None)
            if found and (known is None or (found != known and found.endswith(known))):
                known = found
        people[name] = known
    return [{"name": name, "position": position} for name, position in people.items()]
