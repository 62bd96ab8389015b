"""Chinese full-text search on SQLite FTS5, with the same hits as substring search.

FTS5's default tokenizer keeps a run of Han characters as one token (no word inside it
is found) and the trigram tokenizer finds nothing shorter than three characters (FINDINGS).
So the indexed columns hold overlapping character bigrams of each Han run, plus the run's
last character alone, and the query becomes a phrase of the same bigrams:

    一汽大众 -> "一汽 汽大 大众 众"        query 汽大众 -> "汽大 大众"        query 众 -> 众*

A phrase of adjacent bigrams matches exactly where the substring occurs; a one-character
query is a prefix term, which every occurrence starts (a bigram, or the run's last
character). Other text (Latin words, numbers) is indexed as it is.

The index holds the first INDEX_MAX_CHARS characters of a text (real articles are under 100,000):
indexing a 4,000,000-character text took 1.3 s of the crawl's event loop, and a search of text that
long finds the page anyway.
"""

from __future__ import annotations

import re
from operator import add

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[^\s{_HAN}]+")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
_HAN_START = re.compile(f"[{_HAN}]")
INDEX_MAX_CHARS = 1_000_000


def _is_han(run: str) -> bool:
    return bool(_HAN_START.match(run))


def index_text(text: str | None) -> str:
    """The text as FTS5 tokens: bigrams of Han runs (and each run's last character), words as they are."""
    out: list[str] = []
    for run in _RUNS.findall((text or "")[:INDEX_MAX_CHARS]):
        if _is_han(run):
            out.extend(map(add, run, run[1:]))        # the bigrams, made in C (a slice per bigram was 2x slower)
            out.append(run[-1])
        else:
            out.extend(_WORD.findall(run))
    return " ".join(out)


def match_expression(query: str | None) -> str:
    """An FTS5 MATCH expression with the hits of ``LIKE '%query%'`` (per whitespace-separated term)."""
    terms = []
    for term in (query or "").split():
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
        if tokens:
            phrase = '"' + " ".join(tokens) + '"'
            terms.append(phrase + ("*" if prefix else ""))
    # An empty query matches nothing rather than raising an FTS5 syntax error.
    return " AND ".join(terms) if terms else '""'
