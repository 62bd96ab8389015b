"""Extraction time per replica page on one core: newsarchive against trafilatura, same pages.

    .venv/bin/python bench/extract_speed.py [--articles 300]

Pages are rendered by the replica's own code (originals, mirror pages and list pages) and
kept in memory, so only extraction is timed (process CPU time, one core).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract import extract_page, load_profile  # noqa: E402
from replica.content import SiteModel  # noqa: E402
from replica.routes import Responder  # noqa: E402

HOST = "127.0.0.1:8000"


def replica_pages(articles: int) -> list[tuple[str, str, bytes]]:
    model = SiteModel(articles=articles)
    responder = Responder(model)
    paths = [a.path for a in model.articles] + [f"/gate/big5/{HOST}{a.path}" for a in model.articles[:articles // 3]]
    paths += ["/", "/news/index.htm", "/news/index_1.htm"]
    out = []
    for path in paths:
        reply = responder.respond(path, HOST)
        out.append((f"http://{HOST}{path}", reply.content_type, reply.body))
    return out


def timed(fn, pages) -> float:
    fn(*pages[0])   # warm up
    start = time.process_time()
    for page in pages:
        fn(*page)
    return 1000 * (time.process_time() - start) / len(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    pages = replica_pages(args.articles)
    profile = load_profile("replica", f"http://{HOST}/")

    def ours(url, ctype, body):
        return extract_page(url, ctype, body, profile)

    def ours_generic(url, ctype, body):
        return extract_page(url, ctype, body)

    def trafilatura_bare(url, ctype, body):
        import trafilatura
        return trafilatura.bare_extraction(body, url=url, with_metadata=True)

    rows = [("newsarchive (replica profile)", timed(ours, pages)),
            ("newsarchive (no profile)", timed(ours_generic, pages)),
            ("trafilatura bare_extraction", timed(trafilatura_bare, pages))]
    base = rows[-1][1]
    print(f"{len(pages)} replica pages, CPU ms per page on one core")
    print(f"{'extractor':<32} {'ms/page':>8} {'÷ trafilatura':>14}")
    for name, ms in rows:
        print(f"{name:<32} {ms:>8.2f} {ms / base:>14.2f}")


if __name__ == "__main__":
    main()
