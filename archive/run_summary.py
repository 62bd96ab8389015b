"""What a run did, read from the archive: the end summary of ``newsarchive crawl`` (issue 16).

Counted from the rows, not from the crawl's stats, so that it says the same for a single process,
several workers or a reparse: articles new (their first version in this run), edited (a later
version in this run) and unchanged (captured again, same content), mirror pages apart; new
interviews; the ranking snapshot and its moves since the last run that had one; failures by
reason; the run's WARC files and their size.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RunSummary:
    run_id: int
    articles_new: int = 0
    articles_edited: int = 0
    articles_unchanged: int = 0
    mirror_pages: int = 0
    interviews_new: int = 0
    ranking_entries: int = 0
    ranking_moves: dict[str, int] = field(default_factory=dict)     # entered, left, up, down, same
    failures: Counter = field(default_factory=Counter)             # reason, as a kind -> count
    warc_files: list[str] = field(default_factory=list)
    warc_bytes: int = 0


def human_size(size: int) -> str:
    """1536 -> "1.5 KB" (powers of 1024, one decimal below 100)."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    return f"{value:.0f} {unit}" if unit == "B" or value >= 100 else f"{value:.1f} {unit}"


def failure_kind(reason: str) -> str:
    """A failure's reason without what names one URL, for counting: "HTTP 404", "timeout after 30 s",
    "not fetched (ARCHIVE_MAX_DEPTH)", "stored in part", "refused: redirect to offsite host"."""
    if reason.startswith("not fetched"):
        rule = re.search(r"\b([A-Z][A-Z_]{3,})\b", reason)
        return f"not fetched ({rule.group(1)})" if rule else "not fetched"
    if reason.startswith("stored in part"):
        return "stored in part"
    reason = re.sub(r"https?://\S+|\S+:\d+\S*", "…", reason)
    return re.sub(r"\s*\(.*$", "", reason)[:60] if not reason.startswith("HTTP ") else reason


def _ranking_moves(conn: sqlite3.Connection, run_id: int) -> dict[str, int]:
    now = dict(conn.execute("SELECT url, min(rank) FROM rankings WHERE run_id = ? GROUP BY url", [run_id]))
    before_run = conn.execute("SELECT max(run_id) FROM rankings WHERE run_id < ?", [run_id]).fetchone()[0]
    if not now or before_run is None:
        return {}
    before = dict(conn.execute("SELECT url, min(rank) FROM rankings WHERE run_id = ? GROUP BY url", [before_run]))
    moves = Counter(entered=len(now.keys() - before.keys()), left=len(before.keys() - now.keys()))
    for url in now.keys() & before.keys():
        moves["up" if now[url] < before[url] else "down" if now[url] > before[url] else "same"] += 1
    return {k: moves[k] for k in ("entered", "left", "up", "down", "same")}


def run_summary(db_path: Path, warc_dir: Path, run_id: int) -> RunSummary:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        summary = RunSummary(run_id)
        versions = dict(conn.execute("SELECT version = 1, count(*) FROM article_versions WHERE run_id = ? GROUP BY 1",
                                     [run_id]).fetchall())
        summary.articles_new, summary.articles_edited = versions.get(1, 0), versions.get(0, 0)
        seen, mirror = conn.execute(
            "SELECT count(DISTINCT CASE WHEN ac.is_mirror = 0 THEN ac.article END), "
            "count(DISTINCT CASE WHEN ac.is_mirror = 1 THEN ac.capture_id END) FROM article_captures ac "
            "JOIN captures c ON c.id = ac.capture_id WHERE c.run_id = ?", [run_id]).fetchone()
        summary.articles_unchanged = max(0, (seen or 0) - summary.articles_new - summary.articles_edited)
        summary.mirror_pages = mirror or 0
        summary.interviews_new = conn.execute(
            "SELECT count(*) FROM article_versions v JOIN interviews i ON i.article = v.article "
            "WHERE v.run_id = ? AND v.version = 1", [run_id]).fetchone()[0]
        summary.ranking_entries = conn.execute("SELECT count(*) FROM rankings WHERE run_id = ?", [run_id]).fetchone()[0]
        summary.ranking_moves = _ranking_moves(conn, run_id)
        summary.failures = Counter(failure_kind(r) for (r,) in conn.execute(
            "SELECT reason FROM failures WHERE run_id = ?", [run_id]))
        summary.warc_files = [f for (f,) in conn.execute(
            "SELECT DISTINCT warc_file FROM captures WHERE run_id = ? ORDER BY 1", [run_id])]
        summary.warc_bytes = sum((warc_dir / f).stat().st_size for f in summary.warc_files if (warc_dir / f).exists())
    finally:
        conn.close()
    return summary
