"""Bylines: the source, the author and the editor of an article, from the text around its body."""

from __future__ import annotations

import re

from . import selectors as S
from .fields import TextWindows, _posted_by
from .normalize import clean_whitespace, normalise, to_simplified


class Zone:
    """A stretch of page text read by the byline rules (in simplified characters: ``analysed``) and
    the same stretch as stored (``written``: as the site wrote it, or converted for a mirror). t2s
    keeps a text's length (one character for one, and OpenCC's phrases are as long in both
    scripts), so a name found at an offset of one is cut at the same offset from the other."""

    def __init__(self, served: str, simplify: bool = True):
        # Private-use characters are icons of the site's font, not text: "[ 张三 ]\ue5c2 来源：…".
        if simplify:
            self.written = self.analysed = S.PRIVATE_USE.sub(" ", normalise(served))
        else:
            self.written = S.PRIVATE_USE.sub(" ", clean_whitespace(served))
            self.analysed = to_simplified(self.written)

    def cut(self, value: str | None, start: int = 0) -> str | None:
        """``value`` (found in ``analysed`` at or after ``start``) as it stands in ``written``."""
        if not value or self.written is self.analysed or len(self.written) != len(self.analysed):
            return value
        at = self.analysed.find(value, start)
        return self.written[at:at + len(value)] if at >= 0 else value


def _clean_byline(value: str | None) -> str | None:
    if not value:
        return None
    # a label glued to the next label: "来源：长春日报作者：…", "作者： 点击：次" (a DedeCMS hit
    # counter written by a script that is gone)
    value = S.BYLINE_LABELS.split(value)[0].strip(" 　:：︰/／")
    # Markup that leaked into the text of a broken template ("作者： size="20"") is not a name.
    return value if value and value not in S.NOT_A_NAME and not S.MARKUP.search(value) else None


def _has_surname(name: str) -> bool:
    return name[:1] in S.SURNAMES or name.startswith(S.COMPOUND_SURNAMES)


def _looks_like_names(line: str, co_authors: bool = False) -> bool:
    """Every name starts with a common surname; with ``co_authors``, a list joined by 、 needs
    it of the first name only (the list itself is the evidence: "赵延东、风笑天")."""
    names = re.split(r"[ 、]", line)
    if not all(2 <= len(n) <= 4 for n in names) or line in S.NOT_A_NAME:
        return False
    if co_authors and "、" in line:
        return _has_surname(names[0])
    return all(_has_surname(n) for n in names)


def _first(found):
    """The first (zone, value, offset) of ``found`` with a value, cut from the zone as stored."""
    return next((zone.cut(value, at) for zone, value, at in found if value), None)


def find_bylines(windows: TextWindows, first_lines: str = "", last_lines: str = "", body: str = "",
                 simplify: bool = True) -> dict[str, str | None]:
    """Bylines from the lines under the title, just above the body, the body's first and last
    lines, after the body, and last anywhere in the body; the texts as served, the values as
    stored (converted to simplified with ``simplify``, else as written)."""
    zones = [Zone(z, simplify) for z in (windows.after_title, windows.before_body, first_lines, last_lines,
                                         windows.after_body, body)]
    out: dict[str, str | None] = {}
    for field, pattern in S.BYLINES.items():
        # Only the author has patterns strong enough to trust anywhere in the body.
        out[field] = _first((zone, _clean_byline(next((g for g in m.groups() if g), None)), m.start())
                            for zone in (zones if field == "author" else zones[:5])
                            for m in pattern.finditer(zone.analysed))
    if out["author"] is None:
        out["author"] = _first((zone, v, m.start()) for zone in zones for m in S.BARE_AUTHORS.finditer(zone.analysed)
                               if (v := _clean_byline(next((g for g in m.groups() if g), None)))
                               and _looks_like_names(v))
    if out["author"] is None:
        # A line of names alone right under the title ("犬儒病(上)\n胡平"), or among the last
        # lines above the body when the title is not found (a head title like "显示").
        lines = [(zones[0], line) for line in zones[0].analysed.split("\n", 1)[:1]] + [
            (zones[1], line) for line in [line for line in zones[1].analysed.split("\n") if line.strip()][:-4:-1]]
        out["author"] = _first((zone, _clean_byline(line.strip()), 0) for zone, line in lines
                               if S.NAMES_LINE.match(line.strip()) and _looks_like_names(line.strip(), co_authors=True))
    if out["author"] is None:
        # A forum or blog post signed by its poster: the poster is the author.
        out["author"] = _first((zone, _clean_byline(name), 0) for zone in zones
                               for name, _ in _posted_by(zone.analysed))
    return out
