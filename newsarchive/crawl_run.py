"""The crawl's orchestration, as ``newsarchive crawl`` runs it: the data directory held and made
whole (recovery, a rebuild if asked, runs the database lost, shards a coordinator left), one run
(in this process, or as workers on Redis), the upload, and the summary a person reads.

The click command (``newsarchive.crawl_commands``) parses options and calls ``crawl_once``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from .errors import check_or_fail, data_dir_held, fail

def crawl_once(site: str, url: str | None, data_dir: Path, settings: dict, *, redis_url: str | None = None,
               workers: int = 1, upload_to: str | None = None, endpoint_url: str | None = None,
               rebuild: bool = False, stats_file: Path | None = None, as_json: bool = False) -> int:
    """One crawl run, start to summary; its exit code (newsarchive.errors). ``stats_file``: the run's
    final stats as JSON; ``as_json``: the summary as one JSON line (after the status lines)."""
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
    summary = summarise(result, data_dir, settings.get("LOG_FILE"), upload_to)
    if stats_file:
        stats_file.write_text(json.dumps({"summary": summary, "stats": result.stats}, ensure_ascii=False, indent=1,
                                         default=str), "utf-8")
    if as_json:
        click.echo(json.dumps({"status": "finished", **summary}, ensure_ascii=False, default=str))
    else:
        print_summary(summary, data_dir)
    return result.exit_code


def summarise(result, data_dir: Path, log_file: str | None, upload_to: str | None) -> dict:
    """What happened in the run, from the archive's rows (archive.run_summary) and the run's stats."""
    from archive.run_summary import run_summary

    stats = result.stats
    summary = {"run": result.run_id, "status": getattr(result, "status", "finished"), "health": result.verdict.health,
               "reasons": list(result.verdict.reasons), "exit_code": result.exit_code,
               "elapsed_seconds": stats.get("elapsed_time_seconds") or stats.get("distributed/wall_seconds"),
               "pages_fetched": stats.get("response_received_count", 0), "log": log_file,
               "workers": getattr(result, "workers", None) or None, "uploaded_to": upload_to}
    if result.run_id is not None and (data_dir / "archive.db").exists():
        rows = run_summary(data_dir / "archive.db", data_dir / "warc", result.run_id)
        summary.update({k: v for k, v in rows.__dict__.items() if k != "run_id"})
        summary["failures"] = dict(rows.failures.most_common())
    return summary


def print_summary(summary: dict, data_dir: Path) -> None:
    """The end of a crawl, for a person: what happened, whether it was healthy, where to look next."""
    from archive.run_summary import human_size

    elapsed = summary.get("elapsed_seconds")
    lines = [("run", f"{summary['run']} ({summary['status']})"
                     + (f", {elapsed:.0f} s" if isinstance(elapsed, (int, float)) else "")),
             ("pages fetched", summary["pages_fetched"])]
    if "articles_new" in summary:
        lines += [("articles", f"{summary['articles_new']} new, {summary['articles_edited']} edited, "
                               f"{summary['articles_unchanged']} unchanged"
                               + (f" (and {summary['mirror_pages']} mirror pages)" if summary["mirror_pages"] else "")),
                  ("interviews", f"{summary['interviews_new']} new")]
        moves = summary.get("ranking_moves") or {}
        lines.append(("ranking", f"{summary['ranking_entries']} entries"
                                 + (" (" + ", ".join(f"{n} {k}" for k, n in moves.items() if n) + " since the last)"
                                    if any(moves.values()) else "")))
        failures = summary.get("failures") or {}
        lines.append(("failures", f"{sum(failures.values())}" + (" (" + "; ".join(
            f"{n} {k}" for k, n in list(failures.items())[:5]) + ")" if failures else "")))
        lines.append(("WARC files", f"{len(summary['warc_files'])}, {human_size(summary['warc_bytes'])}"))
    health = summary["health"] + (f" ({'; '.join(summary['reasons'])})" if summary["reasons"] else "")
    lines.append(("health", health))
    for w in summary.get("workers") or []:
        lines.append((f"worker {w['worker']}", f"{w['pages']} pages, {w['exit']}, log {w['log']}"))
    if summary.get("log"):
        lines.append(("log", summary["log"]))
    lines.append(("browse", f".venv/bin/newsarchive serve --data {data_dir}"
                            + ("   (or: make serve)" if str(data_dir) == "data" else "")))
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        click.echo(f"{label:<{width}}  {value}")


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
    from archive.leftover_shards import merge_leftover_shards as merge_leftovers
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
    """``--set NAME=VALUE`` pairs; a NAME neither Scrapy nor newsarchive knows is a usage error (a typo
    would otherwise be accepted silently)."""
    import difflib

    from scrapy.settings import default_settings

    import crawler.settings as ours

    known = {n for n in dir(default_settings) if n.isupper()} | {n for n in dir(ours) if n.isupper()}
    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            raise click.BadParameter(f"no setting {name!r}" + (f" (did you mean {close[0]}?)" if close else "")
                                     + "; see the README's settings table", param_hint="--set")
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
