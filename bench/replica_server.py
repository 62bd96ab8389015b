"""`newsarchive replica` for benchmarks: the same server and the same bytes, made faster where
its cost grows with the site. At 100,000 articles a page took 28 ms to make and the server, not
the crawler, set the pace (its page cache holds 50,000 replies, so a warm-up cannot hide it):

- ``SiteModel.ranking`` and ``channel_articles`` walk every article: made once per run (they
  depend only on the model, which is fixed while the server runs);
- an article page walks its whole channel for three related articles: it is shown the first four;
- ``media.png`` computes every pixel in Python: the gradient depends on x + y only, so each
  colour is computed once. The bytes are checked against the replica's own at start.

``--extra-sitemap N`` lists N more articles in the sitemap, after the site's own, none of them served
(``synthetic_url``): with the same URLs in an archive's frontier (bench/frontier_scale.py), an
incremental run compares a sitemap of the size of a large archive without the replica making it.

    .venv/bin/python bench/replica_server.py --articles 100000 [--access-log FILE] [--extra-sitemap N]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import struct
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replica import content, media, pages, routes  # noqa: E402
from replica.server import serve  # noqa: E402


def _once_per_model(method):
    key = f"_bench_{method.__name__}"

    def memoised(self, *args):
        made = self.__dict__.setdefault(key, {})
        if args not in made:
            made[args] = method(self, *args)
        return made[args]

    return memoised


class _FirstOfChannel:
    """The model as an article page sees it: it reads the first three of the channel's articles
    that are not the page's own, so the first four are all it needs."""

    def __init__(self, model):
        self._model = model

    def __getattr__(self, name):
        return getattr(self._model, name)

    def channel_articles(self, channel):
        return self._model.channel_articles(channel)[:4]


def _png(key: str, width: int = 160, height: int = 90) -> bytes:
    """media.png, byte for byte: the colour at (x, y) is a function of x + y."""
    h = hashlib.sha256(key.encode()).digest()
    a, b = h[:3], h[3:6]
    colours = [bytes(int(a[i] * (1 - t) + b[i] * t) for i in range(3))
               for t in (s / (width + height) for s in range(width + height - 1))]
    rows = b"".join(b"\0" + b"".join(colours[y:y + width]) for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + media._chunk(b"IHDR", ihdr)
            + media._chunk(b"IDAT", zlib.compress(rows, 9)) + media._chunk(b"IEND", b""))


content.SiteModel.ranking = _once_per_model(content.SiteModel.ranking)
content.SiteModel.channel_articles = _once_per_model(content.SiteModel.channel_articles)
_article_page = pages.article_page
pages.article_page = lambda view, model, article, page: _article_page(view, _FirstOfChannel(model), article, page)
for _key, _size in [("logo", (200, 60)), ("/2022-10/08/content_1_1.png", ())]:
    assert _png(_key, *_size) == media.png(_key, *_size), "bench/replica_server.py: png bytes differ"
routes.png = _png


SYNTHETIC_BASE = 90_000_000
SYNTHETIC_LASTMOD = "2019-01-01"


def synthetic_url(host: str, n: int) -> str:
    """The n-th article that only the sitemap lists (bench/frontier_scale.py puts it in the frontier)."""
    return f"http://{host}/2019-01/01/content_{SYNTHETIC_BASE + n}.htm"


def _extra_sitemap(extra: int) -> None:
    chunk, own_part = pages.SITEMAP_CHUNK, pages.sitemap_part

    def own_parts(model) -> int:
        return max(1, math.ceil(len(model.articles) / chunk))

    def sitemap_index(host, model):
        parts = own_parts(model) + math.ceil(extra / chunk)
        entries = "".join(f"<sitemap><loc>http://{host}/sitemap_{k}.xml</loc><lastmod>{model.today.isoformat()}"
                          f"</lastmod></sitemap>\n" for k in range(1, parts + 1))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')

    def sitemap_part(host, model, k):
        first = (k - own_parts(model) - 1) * chunk
        if k <= own_parts(model) or first >= extra:
            return own_part(host, model, k)
        urls = "".join(f"<url><loc>{synthetic_url(host, n)}</loc><lastmod>{SYNTHETIC_LASTMOD}</lastmod></url>\n"
                       for n in range(first, min(extra, first + chunk)))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')

    pages.sitemap_index, pages.sitemap_part = sitemap_index, sitemap_part


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--day", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--access-log")
    parser.add_argument("--extra-sitemap", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.extra_sitemap:
        _extra_sitemap(args.extra_sitemap)
    serve(args.port, args.articles, args.day, args.seed, access_log=args.access_log)


if __name__ == "__main__":
    main()
