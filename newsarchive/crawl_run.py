"""The crawl's orchestration, as ``newsarchive crawl`` runs it: the data directory held and made
whole (recovery, a rebuild if asked, runs the database lost, shards a coordinator left), one run
(in this process, or as workers on Redis), the upload, and the summary a person reads.

The click command (``newsarchive.crawl_commands``) parses options and calls ``crawl_once``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from .errors import check_or_fail, data_dir_held, fail

SUMMARY_KEYS = [
    ("pages fetched", "response_received_count"), ("WARC records", "warc/records"), ("WARC bytes", "warc/bytes"),
    ("articles", "archive/articles"), ("interviews", "archive/interviews"), ("Q&A pairs", "archive/qa"),
    ("ranking snapshots", "archive/ranking_snapshots"), ("errors storing", "archive/errors"),
    ("errors archiving", "warc/errors"),
]


def crawl_once(site: str, url: str | None, data_dir: Path, settings: dict, *, redis_url: str | None = None,
               workers: int = 1, upload_to: str | None = None, endpoint_url: str | None = None,
               rebuild: bool = False) -> int:
    """One crawl run, start to summary; its exit code (newsarchive.errors)."""
    from archive.recovery import recover
    from archive.repair import RepairError
    from crawler.runner import run_crawl, start_log_file

    from .archive_commands import rebuild_database

    # A log file on a full disk must not print a traceback per record (issue 12: 217 of them).
    logging.raiseExceptions = False
    # a database to rebuild may be damaged: it is checked once rebuilt
    with data_dir_held(data_dir, "crawl", check=not rebuild):
        try:
            recovered = recover(data_dir, database=not rebuild)
        except RepairError as exc:
            fail("crawl", f"cannot recover {data_dir}: {exc}")
        for name, cut in recovered.closed_files:
            click.echo(f"recovered {name} (cut {cut} bytes of an interrupted run)", err=True)
        if recovered.lost_captures:
            click.echo(f"{recovered.lost_captures} captures lost to damage in those files: fetched again now", err=True)
        if rebuild and list((data_dir / "warc").glob("*.warc.gz")):
            rebuild_database(data_dir, None, None)
        if rebuild:
            check_or_fail(data_dir, "crawl")
        stop_if_runs_missing(data_dir)
        merge_leftover_shards(data_dir)
        if redis_url:
            result = crawl_distributed(site, url, data_dir, redis_url, workers, settings)
        else:
            settings.setdefault("LOG_FILE", str(start_log_file(data_dir, settings)))
            result = run_crawl(site, url, str(data_dir), settings)
        upload_failed = upload_after_crawl(data_dir, upload_to, endpoint_url) if upload_to else 0
    if upload_failed:
        result.verdict.health = "unhealthy"
        result.verdict.reasons.append(f"{upload_failed} files could not be uploaded to {upload_to}")
    print_summary(result, settings.get("LOG_FILE"))
    return result.exit_code


def print_summary(result, log_file: str | None) -> None:
    width = max(len(label) for label, _ in SUMMARY_KEYS)
    for label, key in SUMMARY_KEYS:
        click.echo(f"{label:<{width}}  {result.stats.get(key, 0)}")
    click.echo(f"{'run':<{width}}  {getattr(result, 'status', 'finished')}")
    click.echo(f"{'health':<{width}}  {result.verdict.health}"
               + (f" ({'; '.join(result.verdict.reasons)})" if result.verdict.reasons else ""))
    for w in getattr(result, "workers", None) or []:
        click.echo(f"{'worker ' + str(w['worker']):<{width}}  {w['pages']} pages, {w['exit']}, log {w['log']}")
    if log_file:
        click.echo(f"{'log':<{width}}  {log_file}")


def stop_if_runs_missing(data_dir: Path) -> None:
    """A database that lost runs (its WAL deleted after a crash, say) would number the next run 1
    again: say so and stop before anything is written."""
    from archive.reparse import warc_files
    from archive.run_identity import missing_runs

    missing = missing_runs(data_dir / "archive.db", warc_files(data_dir / "warc"))
    if missing:
        runs = f"{len(missing)} run{'s' if len(missing) > 1 else ''}"
        named = "; ".join(r.label for r in missing[:3]) + ("; …" if len(missing) > 3 else "")
        fail("crawl", f"the WARC files hold {runs} that {data_dir / 'archive.db'} does not have ({named}): "
                      f"rebuild it with `newsarchive reparse --data {data_dir}` or `newsarchive crawl --rebuild`; "
                      "not crawling")


def merge_leftover_shards(data_dir: Path) -> None:
    """Shards of a distributed run whose coordinator stopped before merging them go in now."""
    from archive.shards import merge_leftover_shards as merge_leftovers
    from archive.store import Archive, open_archive

    if not (data_dir / "shards").is_dir() or not (data_dir / "archive.db").exists():
        return
    archive = Archive(open_archive(data_dir / "archive.db"))
    try:
        for left in merge_leftovers(archive, data_dir):
            if left.error:
                click.echo(f"run {left.run_id}: leftover shards not merged: {left.error}", err=True)
            elif left.still_writing:
                click.echo(f"run {left.run_id}: leftover shards not merged yet: workers still running (PIDs "
                           f"{', '.join(map(str, left.still_writing))})", err=True)
            elif left.report and left.report.shards:
                r = left.report
                click.echo(f"run {left.run_id}: merged {len(r.shards)} shards its coordinator left "
                           f"({r.captures} captures, {r.pages} pages)", err=True)
    finally:
        archive.db.close()


def parse_overrides(overrides) -> dict:
    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        settings[name] = value
    return settings


def crawl_distributed(site, url, data_dir: Path, redis_url: str, workers: int, settings: dict):
    from crawler.coordinator import CoordinatorError, run_distributed

    settings = {k: v for k, v in settings.items() if k != "LOG_FILE"}
    try:
        return run_distributed(site, url, data_dir, redis_url, workers, settings)
    except CoordinatorError as exc:
        raise click.ClickException(str(exc)) from None


def check_upload_target(target: str) -> None:
    from archive.upload import UploadError, parse_target

    try:
        parse_target(target)
    except UploadError as exc:
        raise click.BadParameter(str(exc), param_hint="--upload") from None


def upload_after_crawl(data_dir: Path, target: str, endpoint_url: str | None) -> int:
    from archive.store import open_archive
    from archive.upload import upload_closed

    db = open_archive(data_dir / "archive.db")
    try:
        report = upload_closed(db, data_dir, target, endpoint_url)
    finally:
        db.close()
    for key, reason in report.failed:
        click.echo(f"upload of {key} failed: {reason}", err=True)
    click.echo(f"uploaded {len(report.uploaded)} files to {target} ({len(report.already)} were there already)")
    return len(report.failed)
