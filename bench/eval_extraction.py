"""Score extraction on pages with ground truth, side by side with trafilatura and GNE.

    .venv/bin/python bench/eval_extraction.py                      # our fixtures
    .venv/bin/python bench/eval_extraction.py --cwce DIR            # + a corpus in the layout of
        "Chinese-Web-Content-Extraction-Dataset" (original/*.html, cleaned/, date/, author/ *.txt)

Metrics, per extractor:
  body F1   character 4-gram F1 of the body text against the truth (whitespace removed; both sides
            in simplified characters, so a page written in traditional ones is not scored as a miss
            for an extractor that converts, nor as a hit for one that does not)
  date      published date right to the day, over pages whose truth has a date
  byline    an author of the truth found in the author/editor/source fields, over pages naming one
            (the truth lists names split by spaces, sometimes by 、 or commas; simplified both sides)
  garbled   pages decoded wrongly: mojibake (Latin-1 letters standing for GBK bytes, >5% of the text)
            or U+FFFD in more than 0.5% of the characters. A few U+FFFD marking bytes that are
            invalid at the source (a page cut mid-character) are not a wrong decode.

Our extractor gets the bytes as served. trafilatura gets the bytes too (it decodes them itself);
GNE takes a str, so it gets UTF-8 with replacement characters, which is how it is used with
`requests` on pages that declare nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import extract_page  # noqa: E402
from extract.normalize import to_simplified  # noqa: E402

_WS = re.compile(r"\s+")
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff]")
_NAME_SEPARATORS = re.compile(r"[\s、，,;；]+")


def ngrams(text: str, n: int = 4) -> Counter:
    text = _WS.sub("", to_simplified(text or ""))
    return Counter(text[i:i + n] for i in range(max(0, len(text) - n + 1)))


def f1(predicted: str, truth: str) -> float:
    p, t = ngrams(predicted), ngrams(truth)
    if not p or not t:
        return 1.0 if not p and not t else 0.0
    overlap = sum((p & t).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def garbled(text: str) -> bool:
    text = text or ""
    if len(text) < 20:
        return False
    return text.count("\ufffd") / len(text) > 0.005 or len(_MOJIBAKE.findall(text)) / len(text) > 0.05


# -- corpora ----------------------------------------------------------------------------------
def fixture_pages():
    base = ROOT / "tests" / "fixtures" / "templates"
    for truth_file in sorted(base.glob("*.json")):
        truth = json.loads(truth_file.read_text("utf-8"))
        yield {"name": truth_file.stem, "url": truth["url"], "content_type": truth["content_type"],
               "body": truth_file.with_suffix(".html").read_bytes(), "text": truth["text"],
               "date": (truth["published_at"] or "")[:10] or None,
               "authors": [a for a in (truth.get("author"), truth.get("editor")) if a]}


def cwce_pages(root: Path):
    for page in sorted((root / "original").glob("*.html")):
        stem = page.stem

        def read(folder):
            path = root / folder / f"{stem}.txt"
            return path.read_text("utf-8", errors="replace").strip() if path.exists() else ""

        date = read("date")
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", date)
        author = read("author")
        yield {"name": stem, "url": f"http://example.invalid/{stem}.html", "content_type": "text/html",
               "body": page.read_bytes(), "text": read("cleaned"),
               "date": f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None,
               "authors": [] if author.upper().startswith("UNKNOWN") or not author else
               [to_simplified(a) for a in _NAME_SEPARATORS.split(author) if a]}


# -- extractors -------------------------------------------------------------------------------
def ours(page):
    r = extract_page(page["url"], page["content_type"], page["body"])
    return {"text": r.text, "date": (r.published_at or "")[:10] or None,
            "bylines": " ".join(filter(None, [r.author, r.editor, r.source]))}


def trafilatura_extractor(page):
    import trafilatura

    doc = trafilatura.bare_extraction(page["body"], url=page["url"], with_metadata=True)
    if doc is None:
        return {"text": "", "date": None, "bylines": ""}
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    return {"text": get("text") or "", "date": (get("date") or "")[:10] or None, "bylines": get("author") or ""}


def gne_extractor(page):
    from gne import GeneralNewsExtractor   # pip install -e '.[bench]'

    try:
        doc = GeneralNewsExtractor().extract(page["body"].decode("utf-8", errors="replace"))
    except Exception:
        return {"text": "", "date": None, "bylines": ""}
    m = re.search(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})", doc.get("publish_time") or "")
    return {"text": doc.get("content") or "", "date": f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None,
            "bylines": doc.get("author") or ""}


EXTRACTORS = {"newsarchive": ours, "trafilatura": trafilatura_extractor, "gne": gne_extractor}


def score(pages, extract):
    f1s, dates, bylines, broken, seconds = [], [], [], 0, 0.0
    if pages:
        extract(pages[0])   # warm up: imports and caches are not per-page costs
    for page in pages:
        start = time.process_time()
        try:
            got = extract(page)
        except Exception:
            got = {"text": "", "date": None, "bylines": ""}
        seconds += time.process_time() - start
        f1s.append(f1(got["text"], page["text"]))
        if page["date"]:
            dates.append(got["date"] == page["date"])
        if page["authors"]:
            bylines.append(any(a in to_simplified(got["bylines"] or "") for a in page["authors"]))
        broken += garbled(got["text"])
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    return {"pages": len(pages), "body_f1": mean(f1s), "date": mean(dates), "dated": len(dates),
            "byline": mean(bylines), "with_byline": len(bylines), "garbled": broken,
            "ms_per_page": 1000 * seconds / max(1, len(pages))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cwce", type=Path, help="a corpus in the Chinese-Web-Content-Extraction-Dataset layout")
    parser.add_argument("--only", choices=list(EXTRACTORS), action="append")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    corpora = {"fixtures": list(fixture_pages())}
    if args.cwce:
        corpora["cwce"] = list(cwce_pages(args.cwce))
    results = {}
    names = list(args.only or EXTRACTORS)
    try:
        import gne  # noqa: F401
    except ImportError:
        if "gne" in names:
            names.remove("gne")
            print("gne is not installed (pip install -e '.[bench]'); skipping it", file=sys.stderr)
    for corpus, pages in corpora.items():
        for name in names:
            results[(corpus, name)] = score(pages, EXTRACTORS[name])
    if args.json:
        print(json.dumps({f"{c}/{n}": r for (c, n), r in results.items()}, indent=1))
        return
    print(f"{'corpus':<9} {'extractor':<12} {'pages':>5} {'body F1':>8} {'date':>12} {'byline':>12} "
          f"{'garbled':>7} {'ms/page':>8}")
    for (corpus, name), r in results.items():
        print(f"{corpus:<9} {name:<12} {r['pages']:>5} {r['body_f1']:>8.3f} "
              f"{r['date']:>6.0%} of {r['dated']:>3} {r['byline']:>6.0%} of {r['with_byline']:>3} "
              f"{r['garbled']:>7} {r['ms_per_page']:>8.2f}")


if __name__ == "__main__":
    main()
