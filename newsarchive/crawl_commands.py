"""``newsarchive crawl``, ``worker``, ``merge`` and ``upload``: options and help; the work is in
``newsarchive.crawl_run`` and the packages below."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .crawl_run import check_upload_target, crawl_once, parse_overrides, upload_after_crawl
from .errors import CONTEXT, data_dir_held, fail


@click.command(context_settings=CONTEXT)
@click.option("--site", required=True,
              help="Site profile: a built-in name (replica, replica-trs, replica-hanweb) or a path to a .toml file.")
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
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="A trial run: at most N pages; stopping there does not make the run unhealthy.")
@click.option("--status-interval", type=click.FloatRange(min=1), metavar="S",
              help="Seconds between status lines when stderr is not a terminal (default 30).")
@click.option("--status-json", is_flag=True, help="Status lines, then the summary, as JSON lines on stdout.")
@click.option("--stats-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the run's summary and final stats (Scrapy's and ours) here as JSON.")
def crawl(site: str, url: str | None, data: str, log_level: str, overrides: tuple[str, ...], full: bool,
          workers: int, redis_url: str | None, max_rate: float | None, lease_timeout: float,
          upload_to: str | None, endpoint_url: str | None, rebuild: bool, limit: int | None,
          status_interval: float | None, status_json: bool, stats_file: Path | None) -> None:
    """Crawl a site into WARC files and the SQLite archive.

    Exits 0 when the run finished, closed its files and was healthy; 3 when it finished
    unhealthy (no pages, too many errors, extraction drift: no ranking found, no article with
    a body, a sharp drop against the last run, a worker that died, a failed upload); 1 on an
    error (the data directory or archive cannot be used, a full disk: the run is aborted; the
    WARC files hold runs the database does not have, because it or its WAL was lost: rebuild it
    with `newsarchive reparse`, or with --rebuild);
    2 on usage errors; 75 when another process holds the data directory; 128+N when stopped
    by signal N (130 Ctrl-C, 143 SIGTERM; a second one stops at once, still consistently).
    Each run logs to DATA/logs/crawl-TIMESTAMP.log (the newest ARCHIVE_LOG_KEEP, 50, are kept).

    With --redis, the crawl runs as --workers processes on one shared frontier
    (scrapy-redis): each writes its own WARC files and SQLite shard, merged into the archive
    when all are done; politeness (Crawl-delay, --max-rate, Retry-After) is shared.

    \b
    Examples:
      newsarchive crawl --site replica --url http://127.0.0.1:8000/ --data data
      newsarchive crawl --site mysite.toml --data /srv/archive --set WARC_MAX_SIZE=500000000
      newsarchive crawl --site mysite.toml --url https://www.example.cn/ --data /tmp/trial --limit 50
      newsarchive crawl --site replica --url http://127.0.0.1:8000/ --workers 3 --redis redis://127.0.0.1:6379/0
    """
    from extract import ProfileError, load_profile

    try:
        load_profile(site, url)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    if workers > 1 and not redis_url:
        raise click.UsageError("--workers above 1 needs --redis URL (the shared frontier)")
    if upload_to:
        check_upload_target(upload_to)
    settings = {"LOG_LEVEL": log_level.upper(), "ARCHIVE_FULL": full, "ARCHIVE_LEASE_TIMEOUT": lease_timeout}
    if max_rate:
        settings["ARCHIVE_HOST_MAX_RATE"] = max_rate
    settings.update(parse_overrides(overrides))
    if limit:
        settings.update({"ARCHIVE_MAX_PAGES": limit, "ARCHIVE_TRIAL": True})
    if status_interval:
        settings["ARCHIVE_STATUS_INTERVAL"] = status_interval
    if status_json:
        settings["ARCHIVE_STATUS_JSON"] = True
    sys.exit(crawl_once(site, url, Path(data), settings, redis_url=redis_url, workers=workers, upload_to=upload_to,
                        endpoint_url=endpoint_url, rebuild=rebuild, stats_file=stats_file, as_json=status_json))


@click.command(context_settings=CONTEXT)
@click.option("--site", required=True, help="Site profile: a built-in name or a .toml path.")
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

    sys.exit(run_worker(site, url, data, parse_overrides(overrides), log_file, redis_url=redis_url,
                        namespace=namespace, run_id=run_id, worker=index, workers=workers, seeder=seeder, shard=shard))


@click.command(context_settings=CONTEXT)
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


@click.command(context_settings=CONTEXT)
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
    check_upload_target(target)
    if not (data / "archive.db").exists():
        raise click.UsageError(f"no archive at {data / 'archive.db'}")
    with data_dir_held(data, "upload"):          # it records what it sent in the archive
        failed = upload_after_crawl(data, target, endpoint_url)
    sys.exit(3 if failed else 0)
