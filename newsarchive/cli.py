"""The ``newsarchive`` command: one click group, every sub-command with examples in its help."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import ArchiveCommands, data_dir_held, fail

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=ArchiveCommands, context_settings=CONTEXT)
@click.version_option(package_name="newsarchive")
def main() -> None:
    """Archive a Chinese regional news portal: WARC captures, normalised SQLite records, datasette.

    \b
    Quick start (the local replica, three simulated days):
      newsarchive demo --data data
      newsarchive serve --data data
    """


@main.command(context_settings=CONTEXT)
@click.option("--port", default=0, show_default=True, help="TCP port; 0 picks a free one.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--articles", default=300, show_default=True, help="Articles published by day 1 (20 to 100000).")
@click.option("--day", default=1, show_default=True, help="Simulated day; day 1 is 2022-10-08.")
@click.option("--seed", default=1, show_default=True, help="Content seed; same seed, same bytes.")
@click.option("--access-log", type=click.Path(dir_okay=False), help="Write an access log here (with Host headers).")
@click.option("--faults", is_flag=True, help="Fault mode: 404s, 5xx, slow, reset, redirects, traps, bad bytes, offsite links.")
@click.option("--crawl-delay", type=float, help="Announce this Crawl-delay in robots.txt.")
def replica(port: int, bind: str, articles: int, day: int, seed: int, access_log: str | None, faults: bool,
            crawl_delay: float | None) -> None:
    """Serve the local replica of the news site and print its URL.

    \b
    Examples:
      newsarchive replica --port 0
      newsarchive replica --port 8080 --articles 5000 --day 2
      newsarchive replica --port 0 --faults --access-log access.log
    """
    from replica.server import serve

    if not 20 <= articles <= 100_000:
        raise click.BadParameter("must be between 20 and 100000", param_hint="--articles")
    if day < 1:
        raise click.BadParameter("must be 1 or more", param_hint="--day")
    serve(port, articles, day, seed, bind, access_log, faults, crawl_delay)


SUMMARY_KEYS = [
    ("pages fetched", "response_received_count"), ("WARC records", "warc/records"), ("WARC bytes", "warc/bytes"),
    ("articles", "archive/articles"), ("interviews", "archive/interviews"), ("Q&A pairs", "archive/qa"),
    ("ranking snapshots", "archive/ranking_snapshots"), ("errors storing", "archive/errors"),
    ("errors archiving", "warc/errors"),
]


@main.command(context_settings=CONTEXT)
@click.option("--site", default="replica", show_default=True,
              help="Site profile: a built-in name or a path to a .toml file.")
@click.option("--url", help="Base URL of the site (fills {base} and {host} in the profile).")
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False),
              help="Data directory: archive.db and warc/ go here.")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
@click.option("--full", is_flag=True, help="Fetch everything again (a full snapshot), not only what is new or due.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Crawl processes sharing one frontier in Redis (needs --redis when more than 1).")
@click.option("--redis", "redis_url", metavar="URL", help="Redis for the shared frontier, e.g. redis://127.0.0.1:6379/0.")
@click.option("--max-rate", type=click.FloatRange(min=0), metavar="N",
              help="At most N requests/s per host, all workers together (default: only Crawl-delay).")
@click.option("--lease-timeout", default=60.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds before a dead worker's requests go back on the shared queue.")
@click.option("--upload", "upload_to", metavar="s3://BUCKET/PREFIX",
              help="After the crawl, copy closed WARC files and indexes here (see `newsarchive upload`).")
@click.option("--endpoint-url", help="S3-compatible endpoint for --upload (default: AWS, or AWS_ENDPOINT_URL).")
@click.option("--rebuild", is_flag=True, help="Rebuild the database from the WARC files first (as `reparse` does).")
def crawl(site: str, url: str | None, data: str, log_level: str, overrides: tuple[str, ...], full: bool,
          workers: int, redis_url: str | None, max_rate: float | None, lease_timeout: float,
          upload_to: str | None, endpoint_url: str | None, rebuild: bool) -> None:
    """Crawl a site into WARC files and the SQLite archive.

    Exits 0 when the run finished, closed its files and was healthy; 3 when it finished
    unhealthy (no pages, too many errors, extraction drift: no ranking found, no article with
    a body, a sharp drop against the last run, a worker that died, a failed upload); 1 on an
    error (the data directory or archive cannot be used, a full disk: the run is aborted; the
    WARC files hold runs the database does not have, because it or its WAL was lost: rebuild it
    with `newsarchive reparse`, or with --rebuild);
    2 on usage errors; 75 when another process holds the data directory; 128+N when stopped
    by signal N (130 Ctrl-C, 143 SIGTERM; a second one stops at once, still consistently).
    Each run logs to DATA/logs/crawl-TIMESTAMP.log (the newest 50 are kept).

    With --redis, the crawl runs as --workers processes on one shared frontier
    (scrapy-redis): each writes its own WARC files and SQLite shard, merged into the archive
    when all are done; politeness (Crawl-delay, --max-rate, Retry-After) is shared.

    \b
    Examples:
      newsarchive crawl --site replica --url http://127.0.0.1:8000/ --data data
      newsarchive crawl --site mysite.toml --data /srv/archive --set WARC_MAX_SIZE=500000000
      newsarchive crawl --site replica --url http://127.0.0.1:8000/ --workers 3 --redis redis://127.0.0.1:6379/0
    """
    import logging

    from archive.recovery import recover
    from archive.repair import RepairError
    from crawler.runner import run_crawl, start_log_file
    from extract import ProfileError, load_profile

    try:
        load_profile(site, url)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    if workers > 1 and not redis_url:
        raise click.UsageError("--workers above 1 needs --redis URL (the shared frontier)")
    if upload_to:
        _check_upload_target(upload_to)
    settings = {"LOG_LEVEL": log_level.upper(), "ARCHIVE_FULL": full, "ARCHIVE_LEASE_TIMEOUT": lease_timeout}
    if max_rate:
        settings["ARCHIVE_HOST_MAX_RATE"] = max_rate
    settings.update(_parse_overrides(overrides))
    data_dir = Path(data)
    # A log file on a full disk must not print a traceback per record (issue 12: 217 of them).
    logging.raiseExceptions = False
    with data_dir_held(data_dir, "crawl"):
        try:
            recovered = recover(data_dir)
        except RepairError as exc:
            fail("crawl", f"cannot recover {data_dir}: {exc}")
        for name, cut in recovered.closed_files:
            click.echo(f"recovered {name} (cut {cut} bytes of an interrupted run)", err=True)
        if recovered.lost_captures:
            click.echo(f"{recovered.lost_captures} captures lost to damage in those files: fetched again now", err=True)
        if rebuild and list((data_dir / "warc").glob("*.warc.gz")):
            _rebuild(data_dir, None, None)
        _stop_if_runs_missing(data_dir)
        _merge_leftover_shards(data_dir)
        if redis_url:
            result = _crawl_distributed(site, url, data_dir, redis_url, workers, settings)
        else:
            settings.setdefault("LOG_FILE", str(start_log_file(data_dir)))
            result = run_crawl(site, url, data, settings)
        upload_failed = _upload_after_crawl(data_dir, upload_to, endpoint_url) if upload_to else 0
    width = max(len(label) for label, _ in SUMMARY_KEYS)
    for label, key in SUMMARY_KEYS:
        click.echo(f"{label:<{width}}  {result.stats.get(key, 0)}")
    if upload_failed:
        result.verdict.health = "unhealthy"
        result.verdict.reasons.append(f"{upload_failed} files could not be uploaded to {upload_to}")
    click.echo(f"{'run':<{width}}  {getattr(result, 'status', 'finished')}")
    click.echo(f"{'health':<{width}}  {result.verdict.health}"
               + (f" ({'; '.join(result.verdict.reasons)})" if result.verdict.reasons else ""))
    if redis_url:
        for w in result.workers:
            click.echo(f"{'worker ' + str(w['worker']):<{width}}  {w['pages']} pages, {w['exit']}, log {w['log']}")
    else:
        click.echo(f"{'log':<{width}}  {settings['LOG_FILE']}")
    sys.exit(result.exit_code)


def _stop_if_runs_missing(data_dir: Path) -> None:
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


def _merge_leftover_shards(data_dir: Path) -> None:
    """Shards of a distributed run whose coordinator stopped before merging them go in now."""
    from archive.leftover_shards import merge_leftover_shards
    from archive.store import Archive, open_archive

    if not (data_dir / "shards").is_dir() or not (data_dir / "archive.db").exists():
        return
    archive = Archive(open_archive(data_dir / "archive.db"))
    try:
        for left in merge_leftover_shards(archive, data_dir):
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


def _parse_overrides(overrides) -> dict:
    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        settings[name] = value
    return settings


def _crawl_distributed(site, url, data_dir: Path, redis_url: str, workers: int, settings: dict):
    from crawler.coordinator import CoordinatorError, run_distributed

    settings = {k: v for k, v in settings.items() if k != "LOG_FILE"}
    try:
        return run_distributed(site, url, data_dir, redis_url, workers, settings)
    except CoordinatorError as exc:
        raise click.ClickException(str(exc)) from None


def _check_upload_target(target: str) -> None:
    from archive.upload import UploadError, parse_target

    try:
        parse_target(target)
    except UploadError as exc:
        raise click.BadParameter(str(exc), param_hint="--upload") from None


def _upload_after_crawl(data_dir: Path, target: str, endpoint_url: str | None) -> int:
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


@main.command(context_settings=CONTEXT)
@click.option("--site", default="replica", show_default=True, help="Site profile: a built-in name or a .toml path.")
@click.option("--url", help="Base URL of the site.")
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False),
              help="Data directory: the archive (read) and this worker's WARC files.")
@click.option("--redis", "redis_url", required=True, metavar="URL", help="Redis of the shared frontier.")
@click.option("--namespace", required=True, help="The run's Redis key prefix (from the coordinator).")
@click.option("--run", "run_id", required=True, type=int, help="The run the coordinator began.")
@click.option("--worker", "index", required=True, type=click.IntRange(0, 1023), help="This worker's number.")
@click.option("--workers", required=True, type=click.IntRange(1, 1024), help="How many workers share the run.")
@click.option("--seeder", is_flag=True, help="Queue the start URLs (one worker per run).")
@click.option("--shard", required=True, type=click.Path(dir_okay=False), help="This worker's SQLite shard.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Log here instead of standard error.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
def worker(site, url, data, redis_url, namespace, run_id, index, workers, seeder, shard, log_file, overrides):
    """One crawl worker of a distributed run (`crawl --workers N` starts these itself).

    On another host, start workers with the coordinator's --namespace and --run against the
    same Redis, on a copy of the archive; then bring their shards and WARC files back and merge
    them with `newsarchive merge`.
    """
    from crawler.distributed.worker import run_worker

    sys.exit(run_worker(site, url, data, _parse_overrides(overrides), log_file, redis_url=redis_url,
                        namespace=namespace, run_id=run_id, worker=index, workers=workers, seeder=seeder, shard=shard))


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--run", "run_id", required=True, type=int, help="The distributed run the shards belong to.")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def merge(data: Path, run_id: int, shards: tuple[Path, ...]) -> None:
    """Merge worker shards of run RUN into the archive (one transaction; a shard is never merged twice).

    \b
    Example:
      newsarchive merge --data data --run 7 hostB/shards/run-7/worker-3.shard.db
    """
    from archive.shards.merge import ShardError, merge_shards
    from archive.store import Archive, open_archive

    with data_dir_held(data, "merge"):
        try:
            archive = Archive(open_archive(data / "archive.db"))
            report = merge_shards(archive, run_id, list(shards), data / "warc")
            archive.resolve_ranking_articles(run_id)
        except ShardError as exc:
            fail("merge", str(exc))
    click.echo(f"merged {len(report.shards)} shards: {report.captures} captures, {report.pages} pages"
               f" ({len(report.already_merged)} merged before, {report.superseded_captures} superseded,"
               f" {report.dangling_captures} dangling)")


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--to", "target", required=True, metavar="s3://BUCKET/PREFIX", help="Where the files go.")
@click.option("--endpoint-url", help="S3-compatible endpoint (default: AWS, or AWS_ENDPOINT_URL).")
def upload(data: Path, target: str, endpoint_url: str | None) -> None:
    """Copy closed WARC files and their CDXJ indexes to S3-compatible storage.

    Files already uploaded (recorded in the `uploads` table) are not sent again; each upload is
    checked by size and SHA-256 before it is recorded. Exits 3 when any file failed.

    \b
    Examples:
      newsarchive upload --data data --to s3://my-archive/changchun
      AWS_ENDPOINT_URL=http://127.0.0.1:9000 newsarchive upload --to s3://warcs
    """
    _check_upload_target(target)
    if not (data / "archive.db").exists():
        raise click.UsageError(f"no archive at {data / 'archive.db'}")
    with data_dir_held(data, "upload"):          # it records what it sent in the archive
        failed = _upload_after_crawl(data, target, endpoint_url)
    sys.exit(3 if failed else 0)


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Data directory for the archive.")
@click.option("--days", default=3, show_default=True, type=click.IntRange(1, 30), help="Simulated days to crawl.")
@click.option("--articles", default=300, show_default=True, type=click.IntRange(20, 100_000),
              help="Size of the replica on day 1.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Passed on to each crawl.")
@click.option("--faults", is_flag=True, help="Run the replica in fault mode (see `newsarchive replica --faults`).")
def demo(data: Path, days: int, articles: int, overrides: tuple[str, ...], faults: bool) -> None:
    """Start the replica on a free port and crawl several simulated days into DATA.

    \b
    Examples:
      newsarchive demo
      newsarchive demo --data /tmp/demo --days 2 --articles 1000
    """
    from .demo import run_demo

    sys.exit(run_demo(data, days, articles, list(overrides), faults))


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (local only by default).")
@click.option("--port", default=8001, show_default=True)
def serve(data: Path, host: str, port: int) -> None:
    """Browse the archive with datasette (read-only).

    \b
    Examples:
      newsarchive serve --data data
      newsarchive serve --data data --port 8080
    """
    import os
    from importlib import resources

    from archive.datadir import check_database

    db = data / "archive.db"
    if not db.exists():
        raise click.UsageError(f"no archive at {db}; run a crawl or `newsarchive demo` first")
    check_database(db, write=False)        # a damaged file is one line here, not datasette's traceback
    package = resources.files("newsarchive")
    click.echo(f"datasette on http://{host}:{port}/ (Ctrl-C to stop)")
    # datasette opens database files read-only (mode=ro) unless a plugin asks to write; ours only
    # adds the bigram_query() SQL function.
    cmd = [sys.executable, "-m", "datasette", "serve", str(db), "--host", host, "--port", str(port),
           "--metadata", str(package.joinpath("metadata.yml")), "--template-dir", str(package.joinpath("templates")),
           "--setting", "sql_time_limit_ms", "3000"]
    # exec, not a child: stopping this process stops datasette (no orphan left behind)
    os.execv(cmd[0], cmd)


@main.command(context_settings=CONTEXT)
@click.argument("source")
@click.option("--url", help="The page's URL, when SOURCE is a file (for canonical URL and links).")
@click.option("--encoding", help="Decode with this encoding instead of detecting it.")
@click.option("--site", help="Site profile (built-in name or .toml path) for URL roles and selectors.")
@click.option("--content-type", default="text/html", show_default=True, help="Content type, when SOURCE is a file.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds the whole fetch of a URL may take.")
def extract(source: str, url: str | None, encoding: str | None, site: str | None, content_type: str,
            timeout: float) -> None:
    """Extract one page (a file, or an http(s) URL) and print its record as JSON.

    Runs the same pure extraction as the crawl. A URL is fetched with the crawl's guards: only
    its own host:port (or the profile's allowed hosts), redirects kept there, robots.txt, the
    size cap, and --timeout for the whole fetch; a failure is one line and exit 1.

    \b
    Examples:
      newsarchive extract page.htm --url http://example.org/2022-10/08/content_1.htm
      newsarchive extract http://127.0.0.1:8000/2022-09/29/content_100137.htm --site replica
    """
    import codecs
    import json

    from extract import ProfileError, extract_page, load_profile

    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    remote = source.startswith(("http://", "https://"))
    url = url or (source if remote else None)
    profile = None
    if site:
        try:
            profile = load_profile(site, url if url and url.startswith(("http://", "https://")) else None)
        except ProfileError as exc:
            raise click.UsageError(str(exc)) from None
    if remote:
        from crawler.fetch import fetch_pages, single_host_profile

        guard = profile or single_host_profile(source)
        if not guard.is_allowed_host(source):
            raise click.UsageError(f"{source} is not on the profile's allowed hosts ({', '.join(guard.allowed_hosts)})")
        fetched = fetch_pages([source], guard, timeout)[0]
        if fetched.error:
            fail("extract", f"cannot fetch {source}: {fetched.error}")
        body, content_type, url = fetched.body, fetched.content_type or content_type, fetched.final_url or source
    else:
        path = Path(source)
        if path.is_dir():
            raise click.BadParameter(f"{source} is a directory, not a page", param_hint="SOURCE")
        if not path.is_file():
            raise click.BadParameter(f"no such file: {source}", param_hint="SOURCE")
        body = path.read_bytes()
        url = url or path.resolve().as_uri()
    record = extract_page(url, content_type, body, profile, encoding=encoding)
    click.echo(json.dumps(record.to_json(), ensure_ascii=False, indent=2))


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rebuilt database here and leave DATA/archive.db alone.")
@click.option("--site", help="Site profile to use instead of the one named in the WARC files.")
def reparse(data: Path, output: Path | None, site: str | None) -> None:
    """Rebuild the archive database from the WARC files alone, with no network.

    Every capture goes through the current extractor, so a newer extractor can re-run over
    old captures. Without --output the rebuilt database replaces DATA/archive.db, and the
    old one is kept as DATA/archive.db.bak.

    \b
    Examples:
      newsarchive reparse --data data
      newsarchive reparse --data data --output /tmp/rebuilt.db
    """
    # The lock is held from the first read to the swap: a crawl that started meanwhile would go on
    # writing into the database that the swap moves away (issue 12).
    with data_dir_held(data, "reparse", check=False):
        _rebuild(data, output, site)


def _rebuild(data: Path, output: Path | None, site: str | None) -> None:
    """The reparse command's work, under the lock its caller holds (``crawl --rebuild`` does it too)."""
    import time

    from archive.reparse import ReparseError, swap_in_rebuilt
    from archive.reparse import reparse as rebuild

    started = time.monotonic()
    tty = sys.stderr.isatty()

    def progress(stats) -> None:
        line = (f"{stats.files} files, {stats.records} records, {stats.captures} captures, {stats.pages} pages "
                f"({stats.pages / max(time.monotonic() - started, 1e-6):.0f} pages/s)")
        click.echo(("\r" + line) if tty else line, err=True, nl=not tty)

    target = output or data / "archive.db.reparse"
    if output is None and target.exists():
        target.unlink()
    try:
        stats = rebuild(data, target, site=site, progress=progress)
    except ReparseError as exc:
        fail("reparse", str(exc))
    if tty:
        click.echo("", err=True)
    if output is None:
        target = swap_in_rebuilt(data / "archive.db", target)
    elapsed = time.monotonic() - started
    for given, written in sorted(stats.renumbered.items()):
        click.echo(f"run {written} of a later crawl (its number was given again) is run {given} now", err=True)
    click.echo(f"rebuilt {target}: {len(stats.runs)} runs, {stats.captures} captures, {stats.pages} pages "
               f"from {stats.files} WARC files in {elapsed:.1f} s ({stats.pages / max(elapsed, 1e-6):.0f} pages/s); "
               f"{stats.skipped} records skipped for damage")


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--repair", is_flag=True, help="Close .warc.gz.open files and rewrite damaged files without their "
                                            "damaged records; mark the captures lost for re-fetch.")
def verify(data: Path, repair: bool) -> None:
    """Check the WARC files and the database's pointers into them; exit 0 when sound, 1 when not.

    Checks what `warcio check` does not: gzip members damaged or cut short anywhere in a file
    (each damaged record is named: file, offset, record id and target URI), warcinfo first,
    required headers, request/response pairs linked and in one file, ASCII target URIs, complete
    revisit headers, digests, leftover .open files, and every capture row's WARC pointer. A
    capture lost to damage and marked for re-fetch is a NOTE, not a problem.

    With --repair, a damaged file is rewritten with every whole record pair (a metadata record
    at its end lists what was dropped), the capture rows follow in one transaction, and the
    captures lost are fetched again by the next crawl.

    \b
    Examples:
      newsarchive verify --data data
      newsarchive verify --data data --repair
    """
    from archive.verify import verify as check

    if repair:
        # a repair renames and cuts files: never under a running crawl (issue 12)
        with data_dir_held(data, "verify --repair", check=False):
            _repair(data)
            report = check(data)
    else:
        report = check(data)
    for problem in report.problems:
        click.echo(f"PROBLEM {problem}")
    for note in report.notes:
        click.echo(f"NOTE {note}")
    click.echo(f"{report.files} WARC files, {report.records} records, {report.captures_checked} capture pointers: "
               + ("OK" if report.ok else f"{len(report.problems)} problems")
               + (f" ({len(report.notes)} notes)" if report.notes else ""))
    sys.exit(0 if report.ok else 1)


def _repair(data: Path) -> None:
    """verify --repair's work: finish interrupted repairs, close .open files, rewrite damaged files."""
    from archive.repair import RepairError, finish_pending
    from archive.store import open_archive
    from archive.verify import recover_open_file, repair_damaged
    from archive.verify import verify as check
    from archive.warc import OPEN_SUFFIX

    db = open_archive(data / "archive.db") if (data / "archive.db").exists() else None
    try:
        for name in finish_pending(data / "warc", db):
            click.echo(f"finished the repair of {name} that a crash interrupted")
        for path in sorted((data / "warc").glob("*" + OPEN_SUFFIX)):
            closed, cut = recover_open_file(path, db)
            click.echo(f"recovered {closed.name}: cut {cut} bytes of incomplete records")
        for done in repair_damaged(data, check(data), db):
            click.echo(f"repaired {done.file}: dropped {len(done.dropped)} records ({done.bytes_cut} bytes); "
                       f"{len(done.lost_captures) + done.added_lost + done.lost_revisits} captures marked "
                       "for re-fetch")
    except RepairError as exc:
        fail("verify", str(exc))
    finally:
        if db is not None:
            db.close()


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--run", "run_id", type=int, help="Package one run (with the files its revisits refer to).")
@click.option("--all", "everything", is_flag=True, help="Package every run.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the WACZ (default: DATA/wacz/run-N.wacz or DATA/wacz/all.wacz).")
def wacz(data: Path, run_id: int | None, everything: bool, output: Path | None) -> None:
    """Package WARC files as WACZ 1.1.1 (with CDXJ indexes), validated.

    \b
    Examples:
      newsarchive wacz --data data --all
      newsarchive wacz --data data --run 3 --output run3.wacz
    """
    from archive.package import PackageError, build_wacz

    if (run_id is None) == (not everything):
        raise click.UsageError("give --run ID or --all")
    output = output or data / "wacz" / (f"run-{run_id}.wacz" if run_id is not None else "all.wacz")
    # it writes indexes (and the package) in the data directory, and reads files a crawl is writing
    with data_dir_held(data, "wacz", check=False):
        try:
            result = build_wacz(data, output, run_id)
        except PackageError as exc:
            fail("wacz", str(exc))
    for name, dropped in result.left_out:
        click.echo(f"WARNING left out of the package: {name} @{dropped.start}: {dropped.describe()}", err=True)
    click.echo(f"wrote {result.path}: {len(result.warcs)} WARC files, {result.pages} pages; wacz validate passed"
               + (f"; {len(result.left_out)} records left out for damage" if result.left_out else ""))


@main.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--wacz", "wacz_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Replay this WACZ (default: package every run first).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True)
@click.option("--frameless", is_flag=True, help="Serve pages without pywb's banner frame.")
def replay(data: Path, wacz_file: Path | None, host: str, port: int, frameless: bool) -> None:
    """Replay the archive in pywb (its own virtual environment, .venv-pywb).

    The datasette `captures_of_url` query links to this server's replay URLs.

    \b
    Examples:
      newsarchive replay --data data
      newsarchive replay --wacz data/wacz/run-2.wacz --port 8090
    """
    from archive.package import PackageError, build_wacz

    from .replay import ReplayError, prepare_collection, wayback_command

    try:
        with data_dir_held(data, "replay", check=False):      # it packages and indexes in DATA
            if wacz_file is None:
                wacz_file = build_wacz(data, data / "wacz" / "all.wacz").path
            root = prepare_collection(data / "replay", wacz_file, framed=not frameless)
        cmd = wayback_command(host, port)
    except (PackageError, ReplayError) as exc:
        fail("replay", str(exc))
    click.echo(f"pywb replaying {wacz_file.name} on http://{host}:{port}/archive/ (Ctrl-C to stop)", err=True)
    import os

    # exec, not a child: stopping this process stops pywb
    os.chdir(root)
    os.execv(cmd[0], cmd)


@main.command(context_settings=CONTEXT)
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="Rewrite the schema section of this README in place.")
def schema(readme: Path | None) -> None:
    """Print the archive's schema as Markdown (the README's schema section is made with it).

    \b
    Examples:
      newsarchive schema
      newsarchive schema --readme README.md
    """
    from .schema_doc import END, START, readme_section

    if readme is None:
        click.echo(readme_section())
        return
    text = readme.read_text("utf-8")
    if START not in text or END not in text:
        raise click.UsageError(f"{readme} has no {START} … {END} section")
    head, rest = text.split(START, 1)
    readme.write_text(head + readme_section() + rest.split(END, 1)[1], "utf-8")
    click.echo(f"updated the schema section of {readme}")


if __name__ == "__main__":
    sys.exit(main())
