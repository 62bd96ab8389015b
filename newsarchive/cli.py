"""The ``newsarchive`` command: one click group, every sub-command with examples in its help."""

from __future__ import annotations

import sys
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
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
@click.option("--access-log", type=click.Path(dir_okay=False), help="Write an access log here.")
def replica(port: int, bind: str, articles: int, day: int, seed: int, access_log: str | None) -> None:
    """Serve the local replica of the news site and print its URL.

    \b
    Examples:
      newsarchive replica --port 0
      newsarchive replica --port 8080 --articles 5000 --day 2
    """
    from replica.server import serve

    if not 20 <= articles <= 100_000:
        raise click.BadParameter("must be between 20 and 100000", param_hint="--articles")
    if day < 1:
        raise click.BadParameter("must be 1 or more", param_hint="--day")
    serve(port, articles, day, seed, bind, access_log)


if __name__ == "__main__":
    sys.exit(main())
