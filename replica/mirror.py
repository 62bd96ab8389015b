"""The traditional-Chinese mirror's damage, reproduced.

The seed page was captured through a mirror that converts the site's text
character by character to traditional (Taiwan standard), leaves alone the
characters whose traditional form is ambiguous (并 后 干 …), and writes the
reading after 67 characters, always the same reading: ``點(diǎn)``.
``data/mirror_readings.json`` holds that table, read off the seed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import opencc

# One-to-many simplified characters the mirror leaves as they are (seen in the seed:
# 并 后 余 干 伙 占 里 采 征 斗 愿; the rest are common members of the same class).
_KEEP = set("并后余干伙占里采征斗愿面只台复松冲")
# The mirror's own variant choices (seen in the seed: 净月 -> 凈月).
_VARIANT = {"净": "凈"}

_s2tw = opencc.OpenCC("s2tw")
_READINGS: dict[str, str] = json.loads(
    resources.files("replica").joinpath("data/mirror_readings.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def _mirror_char(char: str) -> str:
    if char in _KEEP or char < "\u3400":
        return char
    trad = _VARIANT.get(char) or _s2tw.convert(char)
    reading = _READINGS.get(trad)
    return f"{trad}({reading})" if reading else trad


def to_mirror_text(text: str) -> str:
    """Simplified text as the mirror serves it: traditional, with pinyin inserted."""
    return "".join(_mirror_char(c) for c in text)


MIRROR_ROOT = "/gate/big5/"


def mirror_prefix(host: str) -> str:
    """Mirror pages live under ``/gate/big5/<host>/``, the pattern of many Chinese gov/news portals."""
    return f"{MIRROR_ROOT}{host}"
