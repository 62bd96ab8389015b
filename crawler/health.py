"""Decide whether a finished crawl was healthy, from its stats alone.

``scrapy crawl`` exits 0 even when the crawl failed; our runner exits from this verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Share of fetched pages that may end in download errors or 5xx before the run is unhealthy.
MAX_ERROR_RATIO = 0.10


@dataclass
class Verdict:
    health: str                        # "ok" | "unhealthy"
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.health == "ok"


def judge(stats: dict) -> Verdict:
    reasons = []
    pages = stats.get("response_received_count", 0)
    if stats.get("finish_reason") not in (None, "finished"):
        reasons.append(f"finish reason {stats.get('finish_reason')}")
    if pages == 0:
        reasons.append("no pages fetched")
    errors = stats.get("downloader/exception_count", 0) - stats.get("archive/skipped_over_cap", 0) + sum(
        v for k, v in stats.items() if k.startswith("downloader/response_status_count/5"))
    if pages and errors / max(pages, 1) > MAX_ERROR_RATIO:
        reasons.append(f"error ratio {errors / pages:.0%} over {MAX_ERROR_RATIO:.0%}")
    if stats.get("warc/errors"):
        reasons.append(f"{stats['warc/errors']} responses could not be archived")
    if stats.get("archive/errors"):
        reasons.append(f"{stats['archive/errors']} records could not be stored")
    if pages and not stats.get("archive/ranking_entries"):
        reasons.append("no ranking found")
    return Verdict("unhealthy" if reasons else "ok", reasons)
