"""Score extraction on pages with ground truth, side by side with trafilatura, GNE and newspaper4k.

    .venv/bin/python bench/eval_extraction.py                      # our fixtures
    .venv/bin/python bench/eval_extraction.py --cwce DIR --twnews DIR [--twnews DIR2] --readability DIR

Corpora (bench/corpora.py says what each is and where its truth comes from; none is committed):
``--cwce`` the Chinese-Web-Content-Extraction-Dataset, ``--twnews`` checkouts of virus-warnning/twnews
(Taiwanese portals, traditional script), ``--readability`` a checkout of mozilla/readability (its
Chinese test pages).

Metrics, per extractor:
  body F1   character 4-gram F1 of the body text against the truth as the site wrote it (whitespace
            removed, no script conversion: a traditional page converted to simplified scores low)
  F1 (s)    the same with both sides converted to simplified: what is found, whatever the script
  title     the title exactly (whitespace removed), over pages whose truth has one
  date      published date right to the day, over pages whose truth has a date
  byline    an author of the truth found in the author/editor/source fields (simplified both sides)
  script    the text stored in the truth's script (zh-Hans/zh-Hant, as detect_script reads it)
  qa        questions of a labelled dialog found as questions, without their label (our records only)
  garbled   pages decoded wrongly: mojibake (Latin-1 letters standing for GBK bytes, >5% of the text)
            or U+FFFD in more than 0.5% of the characters

Every extractor gets the page decoded the same way (our decoder: 0 garbled on these corpora), so
that a peer is not scored on its charset detection: trafilatura and GNE take the str, newspaper4k
takes it as ``input_html`` with ``language="zh"`` (its Chinese tokenizer needs jieba). Timing is CPU
time of the call alone, after a warm-up page.
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

from bench import corpora  # noqa: E402
from extract import extract_page  # noqa: E402
from extract.decode import decode_body  # noqa: E402
from extract.normalize import to_simplified  # noqa: E402
from extract.script import detect_script  # noqa: E402

_WS = re.compile(r"\s+")
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff]")
_DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})")
_LABEL = re.compile(r"^\s*[\u4e00-\u9fa5]{1,6}\s*[：:]")
EMPTY = {"text": "", "date": None, "bylines": "", "title": None}


def ngrams(text: str, n: int = 4, simplified: bool = False) -> Counter:
    text = _WS.sub("", to_simplified(text or "") if simplified else (text or ""))
    return Counter(text[i:i + n] for i in range(max(0, len(text) - n + 1)))


def f1(predicted: str, truth: str, simplified: bool = False) -> float:
    p, t = ngrams(predicted, simplified=simplified), ngrams(truth, simplified=simplified)
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


def _day(value) -> str | None:
    m = _DATE.search(str(value or ""))
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


# -- extractors -------------------------------------------------------------------------------
def ours(page):
    r = extract_page(page["url"], page["content_type"], page["body"])
    qa = (r.interview or {}).get("qa", [])
    return {"text": r.text, "date": (r.published_at or "")[:10] or None, "title": r.title,
            "bylines": " ".join(filter(None, [r.author, r.editor, r.source])), "script": getattr(r, "script", None),
            "questions": [q["question"] for q in qa]}


def trafilatura_extractor(page):
    import trafilatura

    doc = trafilatura.bare_extraction(page["html"], url=page["url"], with_metadata=True)
    if doc is None:
        return EMPTY
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    return {"text": get("text") or "", "date": _day(get("date")), "bylines": get("author") or "",
            "title": get("title")}


def gne_extractor(page):
    from gne import GeneralNewsExtractor   # pip install -e '.[bench]'

    doc = GeneralNewsExtractor().extract(page["html"])
    return {"text": doc.get("content") or "", "date": _day(doc.get("publish_time")),
            "bylines": doc.get("author") or "", "title": doc.get("title")}


def newspaper_extractor(page):
    from newspaper import Article   # pip install -e '.[bench]' (newspaper4k, jieba)

    article = Article(page["url"], language="zh", fetch_images=False)
    article.download(input_html=page["html"])
    article.parse()
    return {"text": article.text or "", "date": _day(article.publish_date), "bylines": " ".join(article.authors),
            "title": article.title}


EXTRACTORS = {"newsarchive": ours, "trafilatura": trafilatura_extractor, "gne": gne_extractor,
              "newspaper4k": newspaper_extractor}
MODULES = {"gne": "gne", "newspaper4k": "newspaper"}


def run(pages, extract) -> list[dict]:
    """What ``extract`` gives on each page, with its CPU time."""
    out = []
    if pages:
        try:
            extract(pages[0])   # warm up: imports and caches are not per-page costs
        except Exception:
            pass
    for page in pages:
        start = time.process_time()
        try:
            got = extract(page)
        except Exception:   # a peer that raises scores as an empty extraction
            got = dict(EMPTY)
        got["seconds"] = time.process_time() - start
        out.append(got)
    return out


def score(pages, results) -> dict:
    f1s, f1s_simple, titles, dates, bylines, scripts, asked, found, broken = [], [], [], [], [], [], 0, 0, 0
    for page, got in zip(pages, results):
        got["f1"] = f1(got["text"], page["text"])
        f1s.append(got["f1"])
        f1s_simple.append(f1(got["text"], page["text"], simplified=True))
        if page.get("title"):
            titles.append(_WS.sub("", got.get("title") or "") == _WS.sub("", page["title"]))
        if page["date"]:
            dates.append(got["date"] == page["date"])
        if page["authors"]:
            shown = to_simplified(got["bylines"] or "")
            bylines.append(any(to_simplified(a) in shown for a in page["authors"]))
        if page.get("script") and got["text"]:
            scripts.append((got.get("script") or detect_script(got["text"])) == page["script"])
        if page.get("questions") and "questions" in got:
            asked += len(page["questions"])
            mine = {_WS.sub("", q) for q in got["questions"]}
            found += sum(_WS.sub("", q) in mine for q in page["questions"])
        broken += garbled(got["text"])
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    return {"pages": len(pages), "body_f1": mean(f1s), "body_f1_simplified": mean(f1s_simple),
            "title": mean(titles), "titled": len(titles), "date": mean(dates), "dated": len(dates),
            "byline": mean(bylines), "with_byline": len(bylines), "script": mean(scripts), "scripted": len(scripts),
            "qa": found / asked if asked else float("nan"), "questions": asked, "garbled": broken,
            "ms_per_page": 1000 * sum(g["seconds"] for g in results) / max(1, len(pages))}


def worst_pages(pages, results: dict, count: int) -> list[str]:
    """Per source: our lowest body F1 pages, and every page where a peer beats us by more than 0.1."""
    lines = []
    ours_ = results["newsarchive"]
    by_source: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        by_source.setdefault(page["source"].split("/")[0], []).append(i)
    for source, indexes in by_source.items():
        for i in sorted(indexes, key=lambda i: ours_[i]["f1"])[:count]:
            peers = {n: r[i]["f1"] for n, r in results.items() if n != "newsarchive"}
            best = max(peers.items(), key=lambda kv: kv[1]) if peers else ("-", float("nan"))
            lines.append(f"{source:<12} {pages[i]['name'][:44]:<44} ours {ours_[i]['f1']:.3f}  best peer "
                         f"{best[0]} {best[1]:.3f}")
    for i, page in enumerate(pages):
        for name, r in results.items():
            if name != "newsarchive" and r[i]["f1"] > ours_[i]["f1"] + 0.1:
                lines.append(f"BEATEN       {page['name'][:44]:<44} ours {ours_[i]['f1']:.3f}  {name} {r[i]['f1']:.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cwce", type=Path, help="a corpus in the Chinese-Web-Content-Extraction-Dataset layout")
    parser.add_argument("--twnews", type=Path, action="append", help="a checkout of virus-warnning/twnews (repeatable)")
    parser.add_argument("--readability", type=Path, help="a checkout of mozilla/readability")
    parser.add_argument("--only", choices=list(EXTRACTORS), action="append")
    parser.add_argument("--worst", type=int, default=3, help="our worst pages listed per source")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    names = list(args.only or EXTRACTORS)
    for name, module in MODULES.items():
        try:
            __import__(module)
        except ImportError:
            if name in names:
                names.remove(name)
                print(f"{name} is not installed (pip install -e '.[bench]'); skipping it", file=sys.stderr)
    table, worst = {}, []
    for corpus, pages in corpora.load(args).items():
        for page in pages:
            page["html"] = decode_body(page["body"], page["content_type"]).text
        results = {name: run(pages, EXTRACTORS[name]) for name in names}
        for name in names:
            table[(corpus, name)] = score(pages, results[name])
        if "newsarchive" in results and corpus != "fixtures":
            worst += worst_pages(pages, results, args.worst)
    if args.json:
        print(json.dumps({f"{c}/{n}": r for (c, n), r in table.items()}, indent=1))
        return
    print(f"{'corpus':<11} {'extractor':<12} {'pages':>5} {'body F1':>7} {'F1 (s)':>6} {'title':>11} {'date':>11} "
          f"{'byline':>11} {'script':>6} {'qa':>11} {'garbled':>7} {'ms/page':>8}")
    for (corpus, name), r in table.items():
        qa = f"{r['qa']:>4.0%} of {r['questions']:>3}" if r["questions"] and name == "newsarchive" else f"{'-':>11}"
        print(f"{corpus:<11} {name:<12} {r['pages']:>5} {r['body_f1']:>7.3f} {r['body_f1_simplified']:>6.3f} "
              f"{r['title']:>4.0%} of {r['titled']:>3} {r['date']:>4.0%} of {r['dated']:>3} "
              f"{r['byline']:>4.0%} of {r['with_byline']:>3} {r['script']:>6.0%} {qa} {r['garbled']:>7} "
              f"{r['ms_per_page']:>8.2f}")
    if worst:
        print("\nWorst pages (body F1, as written):")
        print("\n".join(worst))


if __name__ == "__main__":
    main()
