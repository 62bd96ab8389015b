"""Text cleaning: mirror pinyin removed, traditional -> simplified (for a converted mirror only, see
``script.py``), whitespace cleaned.

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
_LINE_BREAKS = re.compile(r"\s*\n\s*")

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


def has_reading_notes(text: str) -> bool:
    """Does ``text`` carry a ``字(zì)`` note whose syllable is a reading of its character (a machine
    conversion's mark)? The pattern is searched in C; readings are checked for its matches only."""
    if "(" not in text:
        return False
    return any(m.group(2) in readings(m.group(1)) for m in _ANNOTATION.finditer(text))


def to_simplified(text: str) -> str:
    return _t2s.convert(text) if text else text


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces (incl. ``&nbsp;`` and full-width U+3000), trim each line and drop
    empty ones (whitespace around a line break, ``\\r`` included, is what str.strip removes),
    in C: no split into lines."""
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _LINE_BREAKS.sub("\n", text)
    return text.strip()


def normalise(text: str | None) -> str:
    """The full pipeline, in the order the issue fixes: pinyin, then OpenCC t2s, then whitespace."""
    if not text:
        return ""
    return clean_whitespace(to_simplified(strip_pinyin(text)))


# A line no text has (a noncharacter): it keeps the texts of a batch apart.
_APART = "\ufdd0"


def _batch(step, texts: list[str]) -> list[str]:
    """``[step(t) for t in texts]`` as one call on the texts joined, one line apart: right for
    the steps here, which all work within a line (no pinyin note, OpenCC phrase or run of spaces
    spans a line break), and one call instead of one per paragraph on a page of 100,000."""
    joined = f"\n{_APART}\n".join(texts)
    if joined.count(_APART) != max(0, len(texts) - 1):
        return [step(t) for t in texts]
    return [part.strip("\n") for part in step(joined).split(_APART)] if texts else []


def clean_many(texts: list[str]) -> list[str]:
    """``[clean_whitespace(t) for t in texts]``, in one call."""
    return _batch(clean_whitespace, texts)


def simplified_many(texts: list[str]) -> list[str]:
    """``[to_simplified(t) for t in texts]``, in one call."""
    return _batch(to_simplified, texts)


def normalise_many(texts: list[str]) -> list[str]:
    """``[normalise(t) for t in texts]``, in one call."""
    return _batch(normalise, texts)
