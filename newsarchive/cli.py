"""The ``newsarchive`` command: one click group, every sub-command with examples in its help."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import archive_commands, check_command, crawl_commands, export, serve
from .errors import CONTEXT, ArchiveCommands



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
@click.option("--cms", default="default", show_default=True, type=click.Choice(["default", "trs", "hanweb"]),
              help="today's site, or one built as a TRS- or Hanweb-like CMS builds it.")
def replica(port: int, bind: str, articles: int, day: int, seed: int, access_log: str | None, faults: bool,
            crawl_delay: float | None, cms: str) -> None:
    """Serve the local replica of the news site and print its URL.

    \b
    Examples:
      newsarchive replica --port 0
      newsarchive replica --port 8080 --articles 5000 --day 2
      newsarchive replica --port 0 --faults --access-log access.log
      newsarchive replica --port 0 --cms hanweb --day 2
    """
    from replica.server import serve

    if not 20 <= articles <= 100_000:
        raise click.BadParameter("must be between 20 and 100000", param_hint="--articles")
    if day < 1:
        raise click.BadParameter("must be 1 or more", param_hint="--day")
    serve(port, articles, day, seed, bind, access_log, faults, crawl_delay, cms)


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
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="Rewrite the schema and settings sections of this README in place.")
def schema(readme: Path | None) -> None:
    """Print the archive's schema as Markdown (the README's schema section is made with it).

    \b
    Examples:
      newsarchive schema
      newsarchive schema --readme README.md
    """
    from .schema_doc import readme_section, rewrite_readme

    if readme is None:
        click.echo(readme_section())
        return
    try:
        readme.write_text(rewrite_readme(readme.read_text("utf-8")), "utf-8")
    except ValueError as exc:
        raise click.UsageError(f"{readme}: {exc}") from None
    click.echo(f"updated the schema and settings sections of {readme}")


for command in (check_command.check, crawl_commands.crawl, crawl_commands.worker, crawl_commands.merge, crawl_commands.upload,
                archive_commands.extract, archive_commands.reparse, archive_commands.verify, archive_commands.wacz,
                archive_commands.replay):
    main.add_command(command)
main.add_command(serve.serve)         # datasette, its replay links (newsarchive/serve.py)
main.add_command(export.export)       # datasets as CSV, JSON Lines, Parquet (newsarchive/export.py)


if __name__ == "__main__":
    sys.exit(main())
