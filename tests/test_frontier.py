"""The incremental policy: new, changed per the sitemap, due on schedule, then frozen."""

from datetime import datetime, timedelta, timezone

from crawler.frontier import Frontier

NOW = datetime(2022, 10, 20, 12, 0, tzinfo=timezone.utc)


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def _frontier(first_seen, last_seen, lastmods=None, full=False):
    known = {"http://h/a.htm": (_iso(first_seen), _iso(last_seen))}
    return Frontier(known, lastmods or {}, (1, 24, 168), now=NOW, full=full)


def test_unknown_articles_are_new():
    assert _frontier(NOW, NOW).should_fetch("http://h/other.htm")


def test_recheck_schedule_then_frozen():
    first = NOW - timedelta(minutes=30)
    assert not _frontier(first, first).should_fetch("http://h/a.htm")           # +1 h not reached
    first = NOW - timedelta(hours=2)
    assert _frontier(first, first).should_fetch("http://h/a.htm")               # +1 h due
    assert not _frontier(first, first + timedelta(hours=1, minutes=5)).should_fetch("http://h/a.htm")
    first = NOW - timedelta(days=2)
    assert _frontier(first, first + timedelta(hours=2)).should_fetch("http://h/a.htm")      # +1 d due
    first = NOW - timedelta(days=30)
    assert not _frontier(first, first + timedelta(days=7, hours=1)).should_fetch("http://h/a.htm")   # frozen


def test_changed_lastmod_and_full_snapshot():
    first = NOW - timedelta(days=30)
    frozen = _frontier(first, first + timedelta(days=8), lastmods={"http://h/a.htm": "2022-10-01"})
    assert not frozen.should_fetch("http://h/a.htm", "2022-10-01")
    assert frozen.should_fetch("http://h/a.htm", "2022-10-19")
    assert _frontier(first, first + timedelta(days=8), full=True).should_fetch("http://h/a.htm")
