"""Pages with ground truth for bench/eval_extraction.py, read from public corpora laid out as published.

Nothing here is committed but the readers: each corpus is a directory given on the command line.

- ``fixtures``: our own template fixtures (tests/fixtures/templates/), the record each must give.
- ``cwce``: the Chinese-Web-Content-Extraction-Dataset layout (original/*.html; cleaned/, date/,
  author/ *.txt): 69 real pages, 2003-2022, GB2312/GBK/UTF-8, simplified.
- ``twnews``: a checkout of virus-warnning/twnews (twnews/samples/*.html[.gz|.xz] and
  twnews/conf/news-soup.json): Taiwanese portals (traditional script, as served). The truth is what
  that project's per-site selectors (written for each portal by hand, like fundus's parsers) select:
  the body's paragraphs, the title, the date. Several checkouts (the samples were fetched again
  over the project's life) may be given; a page seen before is skipped.
- ``readability``: a checkout of mozilla/readability; its test pages whose text is Chinese (kana
  pages are Japanese and left out), the truth being the curated ``expected.html``.

A page is a dict: name, source (corpus/site, for "worst pages per source"), url, content_type,
body (bytes as served), text (the body as the site wrote it), date (YYYY-MM-DD or None), authors
([names]), title (or None), script (zh-Hant/zh-Hans of the truth), questions ([question texts] of a
dialog whose truth labels its turns).
"""

from __future__ import annotations

import gzip
import json
import lzma
import re
from datetime import datetime
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
_NAME_SEPARATORS = re.compile(r"[\s、，,;；]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
# A labelled interviewer turn of a truth text ("记者：…？", "問：…"): the dialog's questions.
_ASKED = re.compile(r"^\s*(?:记者|記者|主持人|问|問|本报记者|本報記者)\s*[：:]\s*(.+)$", re.M)


def script_of(text: str) -> str:
    from extract.script import detect_script
    return detect_script(text)


def questions_in(text: str) -> list[str]:
    """The interviewer's turns of a truth text whose dialog is labelled (at least two, two of them
    questions: a programme's "主持人：…" rows name a session's chairs, they ask nothing)."""
    found = [m.group(1).strip() for m in _ASKED.finditer(text)]
    return found if len(found) >= 2 and sum(q.endswith(("？", "?")) for q in found) >= 2 else []


def fixture_pages():
    base = ROOT / "tests" / "fixtures" / "templates"
    for truth_file in sorted(base.glob("*.json")):
        truth = json.loads(truth_file.read_text("utf-8"))
        interview = truth.get("interview") or {}
        yield {"name": truth_file.stem, "source": "fixtures", "url": truth["url"],
               "content_type": truth["content_type"], "body": truth_file.with_suffix(".html").read_bytes(),
               "text": truth["text"], "date": (truth["published_at"] or "")[:10] or None,
               "authors": [a for a in (truth.get("author"), truth.get("editor")) if a], "title": truth["title"],
               "script": truth.get("script") or script_of(truth["text"]),
               "questions": [q["question"] for q in interview.get("qa", [])]}


def cwce_pages(root: Path):
    for page in sorted((root / "original").glob("*.html")):
        stem = page.stem

        def read(folder):
            path = root / folder / f"{stem}.txt"
            return path.read_text("utf-8", errors="replace").strip() if path.exists() else ""

        date, author, text = read("date"), read("author"), read("cleaned")
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", date)
        yield {"name": stem, "source": "cwce", "url": f"http://example.invalid/{stem}.html",
               "content_type": "text/html", "body": page.read_bytes(), "text": text,
               "date": f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None,
               "authors": [] if author.upper().startswith("UNKNOWN") or not author else
               [a for a in _NAME_SEPARATORS.split(author) if a],
               "title": None, "script": script_of(text), "questions": questions_in(text)}


def _read_sample(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix == ".xz":
        return lzma.decompress(data)
    return data


def _selected_text(doc, css: str) -> str:
    if not css:
        return ""
    return "\n".join(t for t in (re.sub(r"\s+", " ", el.text_content()).strip() for el in doc.cssselect(css)) if t)


def twnews_pages(root: Path, seen: set):
    conf = json.loads((root / "twnews" / "conf" / "news-soup.json").read_text("utf-8"))
    for sample in sorted((root / "twnews" / "samples").glob("*.html*")):
        site = sample.name.split(".")[0]
        rules = conf.get(site, {}).get("mobile") or conf.get(site, {}).get("desktop")
        if not rules:
            continue
        body = _read_sample(sample)
        doc = lxml_html.document_fromstring(body.decode("utf-8", errors="replace"))
        text = _selected_text(doc, rules.get("article_node", ""))
        if len(text) < 50 or text in seen:
            continue
        seen.add(text)
        date = None
        shown = _selected_text(doc, rules.get("date_node", ""))
        formats = rules.get("date_format") or []
        for fmt in [formats] if isinstance(formats, str) else formats:
            try:
                date = datetime.strptime(shown.split("\n")[0].strip(), fmt).strftime("%Y-%m-%d")
                break
            except ValueError:
                continue
        title = _selected_text(doc, rules.get("title_node", "")).split("\n")[0] or None
        authors = [a for a in _NAME_SEPARATORS.split(_selected_text(doc, rules.get("author_node", ""))) if a]
        yield {"name": f"{root.name}/{site}", "source": f"twnews/{site}", "url": f"https://{site}.example.invalid/",
               "content_type": "text/html; charset=utf-8", "body": body, "text": text, "date": date,
               "authors": authors, "title": title, "script": script_of(text), "questions": questions_in(text)}


def readability_pages(root: Path):
    for folder in sorted((root / "test" / "test-pages").iterdir()):
        source, expected = folder / "source.html", folder / "expected.html"
        if not (source.exists() and expected.exists()):
            continue
        body = source.read_bytes()
        text = lxml_html.fromstring(expected.read_bytes().decode("utf-8")).text_content()
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        if han < 300 or _KANA.search(text):
            continue
        meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
        byline = (meta.get("byline") or "").split("(")[0].strip()
        # The files are stored as UTF-8 whatever their <meta> says (the test harness reads them so).
        yield {"name": folder.name, "source": f"readability/{folder.name}", "url": f"http://{folder.name}.example.invalid/",
               "content_type": "text/html; charset=utf-8", "body": body, "text": text, "date": None,
               "authors": [byline] if byline else [], "title": None, "script": script_of(text),
               "questions": questions_in(text)}


def load(args) -> dict[str, list[dict]]:
    """The corpora named on the command line (``--cwce``, ``--twnews`` …), our fixtures first."""
    corpora = {"fixtures": list(fixture_pages())}
    if args.cwce:
        corpora["cwce"] = list(cwce_pages(args.cwce))
    if args.twnews:
        seen: set = set()
        corpora["twnews"] = [p for root in args.twnews for p in twnews_pages(root, seen)]
    if args.readability:
        corpora["readability"] = list(readability_pages(args.readability))
    return corpora
