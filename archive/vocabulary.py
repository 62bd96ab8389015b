"""newsarchive's WARC vocabulary: the fields and record names it writes and reads back.

The WARC files are the source of truth (a reparse rebuilds the database from them alone), so what
a run writes into them and what a reparse reads out of them is named once, here:

- ``warcinfo`` fields (the first record of every file): which run wrote the file, its identity,
  site and base URL, and for a distributed run the worker or coordinator;
- ``metadata`` record URIs: the run's closing record, what was skipped or failed, the records a
  distributed run's merge superseded, what a repair dropped, a page that was to be rendered and
  was not (a page that was rendered has a ``conversion`` record referring to its response).

``run_warc_writer`` opens the WARC writer of a run with its warcinfo filled in.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .warc import WarcWriter

try:
    SOFTWARE_VERSION = version("newsarchive")
except PackageNotFoundError:          # run from a checkout that was never installed
    SOFTWARE_VERSION = "0+unknown"
SOFTWARE = f"newsarchive/{SOFTWARE_VERSION}"

# -- warcinfo fields ---------------------------------------------------------------------------
RUN = "newsarchive-run"                   # the run number
RUN_UID = "newsarchive-run-uid"           # the run's identity (numbers repeat if the database is lost)
SITE = "newsarchive-site"                 # the site profile
BASE_URL = "newsarchive-base-url"
STARTED_AT = "newsarchive-started-at"
ROLE = "newsarchive-role"                 # "coordinator" in a distributed run's closing file
WORKER = "newsarchive-worker"             # a distributed run's worker number (a string: warcio drops a 0)
PID = "newsarchive-pid"
ROLE_COORDINATOR = "coordinator"

# -- metadata record URIs ----------------------------------------------------------------------
RUN_RECORD = "urn:newsarchive:run:"       # + run number: the run's row, written as it ends
SKIPPED = "urn:newsarchive:skipped"       # a requisite not archived (over the size cap), with why
FAILURE = "urn:newsarchive:failure"       # a request that gave no page, with why
SUPERSEDED = "urn:newsarchive:superseded:"   # + run number: a dead worker's records the merge left out
REPAIR = "urn:newsarchive:repair"         # what a repair dropped from the file it closes
# a page the crawl was to render but stored as served (its reason; "refers_to": its response record),
# so that a reparse stops waiting for its conversion record (crawler.browser)
NOT_RENDERED = "urn:newsarchive:not-rendered"


def run_record_uri(run_id: int) -> str:
    return f"{RUN_RECORD}{run_id}"


def superseded_uri(run_id: int) -> str:
    return f"{SUPERSEDED}{run_id}"


def warcinfo_fields(payload: bytes) -> dict[str, str]:
    """``name: value`` lines of a warcinfo record's block."""
    out = {}
    for line in payload.decode("utf-8", errors="replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip()] = value.strip()
    return out


def run_warc_writer(warc_dir: Path, prefix: str, run_id: int, site: str, base_url: str | None, started_at: str,
                    extra: dict | None = None, max_size: int = 1_000_000_000, run_uid: str | None = None) -> WarcWriter:
    """The WARC writer of a run (or of one worker of it). What a reparse needs to know of the run
    travels in its warcinfo record, its identity included (archive.run_identity)."""
    identity = {RUN_UID: run_uid} if run_uid else {}
    return WarcWriter(warc_dir, prefix=prefix, max_size=max_size, software=SOFTWARE,
                      warcinfo={**(extra or {}), "isPartOf": f"{site}-run-{run_id}", RUN: run_id, **identity,
                                SITE: site, BASE_URL: base_url or "", STARTED_AT: started_at})
