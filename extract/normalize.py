"""Text as the site wrote it: mirror pinyin removed, traditional -> simplified, whitespace cleaned.

The traditional-Chinese mirror inserts the reading after some characters: ``點(diǎn)``.
An annotation is removed only when its syllable is a reading of the character right
before it (pypinyin heteronyms), so ``(记者 赵婉姝)``, ``厦门(Xiamen)`` and a pinyin
note after an unrelated character stay as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

# Tone-marked syllables: à á è é ì í ò ó ù ú ü live in U+00E0-U+00FC, outside the
# U+0100-U+01DC block, so both ranges are needed (FINDINGS: 濟(jì), 術(shù)).
_SYLLABLE = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_ANNOTATION = re.compile(rf"([\u3400-\u9fff\uf900-\ufaff])\(([{_SYLLABLE}]{{1,7}})\)")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")

_t2s = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """Every tone-marked reading pypinyin knows for ``char`` (heteronyms included)."""
    # Imported on the first annotation, not at start-up: pypinyin loads its phrase dictionary on
    # import (0.27 s of a 2 s incremental crawl), and pages as the site serves them have no annotations.
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.TONE, heteronym=True, errors=lambda _: [[]])
    return frozenset(r for group in found for r in group)


def _drop_if_reading(match: re.Match) -> str:
    char, syllable = match.group(1), match.group(2)
    return char if syllable in readings(char) else match.group(0)


def strip_pinyin(text: str) -> str:
    """Remove ``字(zì)`` annotations whose syllable is a reading of the character."""
    if "(" not in text:
        return text
    return _ANNOTATION.sub(_drop_if_reading, text)


def to_simplified(text: str) -> str:
    return _t2s.convert(text) if text else text


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces (incl. ``&nbsp;`` and full-width U+3000) and trim each line."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def normalise(text: str | None) -> str:
    """The full pipeline, in the order the issue fixes: pinyin, then OpenCC t2s, then whitespace."""
    if not text:
        return ""
    return clean_whitespace(to_simplified(strip_pinyin(text)))
