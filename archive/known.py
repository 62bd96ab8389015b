"""What an incremental run reads of what the archive knows, kept small enough for a million articles.

The frontier asks two things of every URL it meets: is it a known article (and is a re-check of it
due), and did the sitemap's lastmod change since the last finished run. Read as dicts of strings,
a million known articles and their lastmods took about 250 MB each. Here:

- ``UrlHashes``: URLs as their 64-bit string hashes in a sorted ``array('q')``, with a 64-bit value
  each: 16 bytes an entry, looked up by bisection. SQLite sorts them (``ORDER BY`` a hash function
  registered from this process: ``hash()`` of a string differs from one process to the next);
- ``KnownArticles``: every known URL in a ``UrlHashes``; the seen-times only of the articles whose
  re-checks are not all done (``last_seen`` earlier than ``first_seen`` + the last re-check), the
  others being frozen: ``get`` says None for them, and the frontier finds nothing due;
- ``Lastmods``: URL -> the hash of its last lastmod; ``differs`` compares.

Two URLs sharing a 64-bit hash (a chance of about n^2 / 2^65: 3e-8 at a million) would share an
answer. No Scrapy here.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

NONE = 0                  # the value of a NULL (a sitemap entry without lastmod)


def _hash(text: str | None) -> int:
    return NONE if text is None else hash(text)


class UrlHashes:
    __slots__ = ("_keys", "_values")

    def __init__(self, keys=(), values=None):
        """``keys``: hashes in order; ``values``: one each, or None (membership only)."""
        self._keys = array("q", keys)
        self._values = array("q", values) if values is not None else None

    @classmethod
    def of(cls, mapping: dict[str, str | None]) -> "UrlHashes":
        pairs = sorted((hash(url), _hash(value)) for url, value in mapping.items())
        return cls([k for k, _ in pairs], [v for _, v in pairs])

    def value(self, url: str) -> int | None:
        """Its value (0 without values); None for a URL not here."""
        key = hash(url)
        keys = self._keys
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self._values[i] if self._values is not None else 0
        return None

    def __contains__(self, url: str) -> bool:
        return self.value(url) is not None

    def __len__(self) -> int:
        return len(self._keys)


class KnownArticles:
    """canonical URL -> (first_seen, last_seen), as ``crawler.frontier`` asks it."""

    def __init__(self, urls: UrlHashes, open_rechecks: dict[str, tuple[str, str]]):
        self.urls = urls
        self.open_rechecks = open_rechecks

    @classmethod
    def of(cls, mapping: dict[str, tuple[str, str]]) -> "KnownArticles":
        return cls(UrlHashes.of({url: None for url in mapping}), dict(mapping))

    def __contains__(self, url: str) -> bool:
        return url in self.open_rechecks or url in self.urls

    def get(self, url: str) -> tuple[str, str] | None:
        """Its (first_seen, last_seen) while a re-check may still be due; None once frozen (or unknown)."""
        return self.open_rechecks.get(url)

    def __len__(self) -> int:
        return len(self.urls)


class Lastmods:
    def __init__(self, hashes: UrlHashes):
        self.hashes = hashes

    @classmethod
    def of(cls, mapping: dict[str, str | None]) -> "Lastmods":
        return cls(UrlHashes.of(mapping))

    def differs(self, url: str, lastmod: str) -> bool:
        """The last run listed ``url`` with a lastmod, and not this one."""
        before = self.hashes.value(url)
        return before is not None and before != NONE and before != hash(lastmod)

    def __len__(self) -> int:
        return len(self.hashes)


def _register(conn) -> None:
    conn.create_function("url_hash", 1, _hash, deterministic=True)


def known_articles(conn, recheck_hours: float | None) -> KnownArticles:
    """Every archived article whose original page is archived (one seen only through the mirror, after a
    crash say, still wants its original); with ``recheck_hours`` (the last re-check) the times only of
    those not frozen yet. Without it, every article's times (as a dict did)."""
    _register(conn)
    # generators, not lists: a million rows as a list of tuples was 120 MB at its peak
    urls = UrlHashes(k for (k,) in conn.execute("SELECT url_hash(canonical_url) AS k FROM articles "
                                                "WHERE from_mirror = 0 ORDER BY k"))
    # julianday() is NULL for a time it cannot read: such a row stays open, and Python decides
    where = "" if recheck_hours is None else \
        " AND coalesce(julianday(last_seen) >= julianday(first_seen) + ? / 24.0 + 1e-6, 0) = 0"
    rows = conn.execute("SELECT canonical_url, first_seen, last_seen FROM articles WHERE from_mirror = 0" + where,
                        [] if recheck_hours is None else [recheck_hours])
    return KnownArticles(urls, {url: (first, last) for url, first, last in rows})


def previous_lastmods(conn, run_id: int) -> Lastmods:
    """URL -> lastmod from the latest finished run before ``run_id`` whose sitemap listed it."""
    _register(conn)
    # SQLite: a bare column next to max() comes from the row with the max (the latest run)
    rows = conn.execute(
        "SELECT url_hash(url) AS k, url_hash(lastmod) FROM (SELECT s.url, s.lastmod, max(s.run_id) "
        "FROM sitemap_entries s JOIN runs r ON r.id = s.run_id WHERE s.run_id < ? AND r.status = 'finished' "
        "GROUP BY s.url) ORDER BY k", [run_id])
    hashes = UrlHashes((), ())
    keys, values = hashes._keys, hashes._values
    for key, value in rows:
        keys.append(key)
        values.append(value)
    return Lastmods(hashes)
