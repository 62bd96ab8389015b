"""Chinese full-text search on SQLite FTS5, with the same hits as substring search.

FTS5's default tokenizer keeps a run of Han characters as one token (no word inside it
is found) and the trigram tokenizer finds nothing shorter than three characters (FINDINGS).
So the indexed columns hold overlapping character bigrams of each Han run, plus the run's
last character alone, and the query becomes a phrase of the same bigrams:

    一汽大众 -> "一汽 汽大 大众 众"        query 汽大众 -> "汽大 大众"        query 众 -> 众*

A phrase of adjacent bigrams matches exactly where the substring occurs; a one-character
query is a prefix term, which every occurrence starts (a bigram, or the run's last
character). Other text (Latin words, numbers) is indexed as it is.

A word is found in either script (issue 15: traditional pages are stored as written): a text
whose OpenCC t2s conversion differs from it (a traditional one) is indexed twice, as written and
converted, and a query that t2s changes is matched as written or converted. A simplified query
finds a traditional text, a traditional query a simplified one. The bigram between the two
copies is never indexed, so no phrase matches across them. On simplified text t2s changes nothing
and the index is what it was.

The index holds the first INDEX_MAX_CHARS characters of a text (real articles are under 100,000):
indexing a 4,000,000-character text took 1.3 s of the crawl's event loop, and a search of text that
long finds the page anyway.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import add

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[^\s{_HAN}]+")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
_HAN_START = re.compile(f"[{_HAN}]")
INDEX_MAX_CHARS = 1_000_000


def _is_han(run: str) -> bool:
    return bool(_HAN_START.match(run))


def _t2s(text: str) -> str:
    from extract.normalize import to_simplified   # OpenCC t2s, as extraction uses it

    return to_simplified(text)


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern:
    """The characters t2s changes, as a character class: a text without any (a simplified one) is
    not converted at all (the conversion of a whole text cost as much as its indexing)."""
    chars = [chr(c) for r in ((0x3400, 0xA000), (0xF900, 0xFB00)) for c in range(*r)]
    changed = [c for c, s in zip(chars, _t2s("\n".join(chars)).split("\n")) if c != s]
    return re.compile("[" + "".join(changed) + "]")


def index_text(text: str | None) -> str:
    """The text as FTS5 tokens: bigrams of Han runs (and each run's last character), words as they
    are; and the same of its simplified conversion where it differs."""
    text = (text or "")[:INDEX_MAX_CHARS]
    converted = _t2s(text) if _traditional().search(text) else text
    tokens = _tokens(text)
    return tokens if converted == text else tokens + " " + _tokens(converted)


def _tokens(text: str) -> str:
    out: list[str] = []
    for run in _RUNS.findall(text):
        if _is_han(run):
            out.extend(map(add, run, run[1:]))        # the bigrams, made in C (a slice per bigram was 2x slower)
            out.append(run[-1])
        else:
            out.extend(_WORD.findall(run))
    return " ".join(out)


def match_expression(query: str | None) -> str:
    """An FTS5 MATCH expression with the hits of ``LIKE '%query%'`` (per whitespace-separated term),
    the term as written or converted to simplified."""
    terms = []
    for term in (query or "").split():
        phrases = list(dict.fromkeys(p for p in (_phrase(term), _phrase(_t2s(term))) if p))
        if phrases:
            terms.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    # An empty query matches nothing rather than raising an FTS5 syntax error.
    return " AND ".join(terms) if terms else '""'


def _phrase(term: str) -> str | None:
    """The FTS5 phrase of one term: its bigrams (a lone Han character as a prefix), words lowercased."""
    tokens: list[str] = []
    prefix = False
    runs = _RUNS.findall(term)
    for n, run in enumerate(runs):
        if _is_han(run):
            if len(run) == 1:
                tokens.append(run)
                prefix = prefix or n == len(runs) - 1
            else:
                tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            tokens.extend(w.lower() for w in _WORD.findall(run))
    if not tokens:
        return None
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")
