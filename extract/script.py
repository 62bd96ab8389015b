"""Which script a page is written in, and whether to convert it (issue 15: script as the site wrote it).

A page is stored in the script its site wrote: Taiwan, Hong Kong and overseas portals write
traditional characters, and their text must stay so (OpenCC t2s on them turned a body F1 of 0.91
into 0.27 against the site's own text, FINDINGS). Only a converted mirror is turned back into
simplified: a profile's ``[mirror]`` pages, or a page that shows the marks of a machine conversion,
the reading inserted after a character (``點(diǎn)``), on traditional text.

The rules themselves (labels, bylines, interview turns) are written in simplified characters and
run on a simplified copy; what is stored is cut from the text as written (``Script.store``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import ne

from .normalize import clean_whitespace, has_reading_notes, normalise, simplified_many, to_simplified

HANS, HANT = "zh-Hans", "zh-Hant"
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
# Han characters read to decide (a page's script does not change halfway down).
SAMPLE = 4000
# Share of a text's Han characters that t2s changes: 0 to 1% in simplified text (a quoted name in
# traditional, an "乾" of a phrase), 20 to 40% in traditional text.
TRADITIONAL_SHARE = 0.05


# Markup read for the sample: the first 20,000 characters of a page's <body> hold its navigation
# and often its article, enough Han characters to tell; else up to 200,000. The runs are found in C
# (a loop over them in Python cost 0.25 ms a page, reading 100,000 characters 0.6 ms).
_SAMPLE_MARKUP, _SAMPLE_MORE, _ENOUGH = 20_000, 200_000, 500


def han_sample(text: str, size: int = SAMPLE) -> str:
    """The first ``size`` Han characters of ``text``'s body (its <title> too: the head's scripts and
    styles are skipped), read as ``_SAMPLE_MARKUP`` says."""
    start = max(0, text.find("<body"))
    sample = _NOT_HAN.sub("", text[:min(start, 2_000)] + text[start:start + _SAMPLE_MARKUP])
    if len(sample) < _ENOUGH and len(text) > start + _SAMPLE_MARKUP:
        sample += _NOT_HAN.sub("", text[start + _SAMPLE_MARKUP:start + _SAMPLE_MORE])
    return sample[:size]


def traditional_share(sample: str) -> float:
    """The share of ``sample``'s characters that OpenCC t2s changes (0.0 for no characters)."""
    if not sample:
        return 0.0
    converted = to_simplified(sample)
    if converted == sample:                # simplified text: one comparison in C
        return 0.0
    if len(converted) != len(sample):      # a phrase conversion changed the length: compare the counts
        return abs(len(converted) - len(sample)) / len(sample)
    return sum(map(ne, sample, converted)) / len(sample)


def detect_script(text: str) -> str | None:
    """``zh-Hant`` or ``zh-Hans`` for a text with Han characters, else None."""
    sample = han_sample(text)
    if not sample:
        return None
    return HANT if traditional_share(sample) >= TRADITIONAL_SHARE else HANS


@dataclass(frozen=True)
class Script:
    """How a page's text is stored: ``simplify`` (a converted mirror) or as written, and the script stored."""

    simplify: bool
    tag: str | None

    def store(self, raw: str | None) -> str:
        """``raw`` (as served) as it is stored: converted back to simplified, or as written."""
        if not raw:
            return ""
        return normalise(raw) if self.simplify else clean_whitespace(raw)


def page_script(markup: str, mirror: bool = False) -> Script:
    """The script of a page from its decoded markup; ``mirror``: the profile says it is a converted mirror."""
    written = detect_script(markup)
    machine = written == HANT and has_reading_notes(markup)
    if mirror or machine:
        return Script(True, HANS if written else None)
    return Script(False, written)


class Aligned:
    """A text as stored and its simplified copy, which the rules read. t2s keeps a text's length
    (a character for a character; OpenCC's phrases are as long in both scripts), so what a rule
    finds at an offset of the copy is cut at the same offset of the stored text."""

    __slots__ = ("stored", "analysed", "bold")

    def __init__(self, stored: str, analysed: str | None = None, bold: bool = False):
        self.stored, self.bold = stored, bold
        self.analysed = to_simplified(stored) if analysed is None else analysed

    def cut(self, start: int = 0, end: int | None = None) -> str:
        """``analysed[start:end]`` as stored."""
        source = self.stored if len(self.stored) == len(self.analysed) else self.analysed
        return source[start:end].strip()

    @classmethod
    def many(cls, texts: list[str], bold: list[bool] | None = None) -> list["Aligned"]:
        """Texts as stored, simplified in one call."""
        bold = bold or [False] * len(texts)
        return [cls(t, a, b) for t, a, b in zip(texts, simplified_many(texts), bold)]
