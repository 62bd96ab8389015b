"""Bylines: the source, the author and the editor of an article, from the text around its body."""

from __future__ import annotations

import re

from . import selectors as S
from .fields import TextWindows, _posted_by
from .normalize import normalise


def _clean_byline(value: str | None) -> str | None:
    if not value:
        return None
    # a label glued to the next label: "来源：长春日报作者：…"
    value = re.split(r"作者|记者|编辑|责任编辑|发布时间|来源|时间|通讯员|实习生|摄影|报道|发自", value)[0].strip(" 　:：/／")
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


def find_bylines(windows: TextWindows, first_lines: str = "", last_lines: str = "",
                 body: str = "") -> dict[str, str | None]:
    """Bylines from the lines under the title, just above the body, the body's first and last
    lines, after the body, and last anywhere in the body."""
    zones = [windows.after_title, windows.before_body, first_lines, last_lines, windows.after_body, body]
    # Private-use characters are icons of the site's font, not text: "[ 张三 ]\ue5c2 来源：…".
    zones = [S.PRIVATE_USE.sub(" ", normalise(z).replace("\u3000", " ")) for z in zones]
    out: dict[str, str | None] = {}
    for field, pattern in S.BYLINES.items():
        # Only the author has patterns strong enough to trust anywhere in the body.
        out[field] = next((v for text in (zones if field == "author" else zones[:5]) for m in pattern.finditer(text)
                           if (v := _clean_byline(next((g for g in m.groups() if g), None)))), None)
    if out["author"] is None:
        out["author"] = next((v for text in zones for m in S.BARE_AUTHORS.finditer(text)
                              if (v := _clean_byline(next((g for g in m.groups() if g), None)))
                              and _looks_like_names(v)), None)
    if out["author"] is None:
        # A line of names alone right under the title ("犬儒病(上)\n胡平"), or among the last
        # lines above the body when the title is not found (a head title like "显示").
        lines = zones[0].split("\n", 1)[:1] + [line for line in zones[1].split("\n") if line.strip()][:-4:-1]
        out["author"] = next((_clean_byline(line.strip()) for line in lines
                              if S.NAMES_LINE.match(line.strip()) and _looks_like_names(line.strip(), co_authors=True)),
                             None)
    if out["author"] is None:
        # A forum or blog post signed by its poster: the poster is the author.
        out["author"] = next((v for text in zones for name, _ in _posted_by(text) if (v := _clean_byline(name))), None)
    return out
