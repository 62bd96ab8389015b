"""``newsarchive check``: a profile tried on a site before a crawl trusts it (crawler.check)."""

from __future__ import annotations

import sys

import click

from .errors import CONTEXT, EXIT_UNHEALTHY


@click.command(context_settings=CONTEXT)
@click.option("--site", required=True, help="Site profile: a built-in name or a path to a .toml file.")
@click.option("--url", help="Base URL of the site (fills {base} and {host} in the profile).")
@click.option("--sample", default=3, show_default=True, type=click.IntRange(1, 10),
              help="Listings and articles of each start page to fetch and read.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds a page may take.")
@click.argument("pages", nargs=-1)
def check(site: str, url: str | None, sample: int, timeout: float, pages: tuple[str, ...]) -> None:
    """Try a profile: fetch its start pages and a sample of what they lead to, and say what looks wrong.

    For each URL: its role (start page, listing, article, continuation, ranking page, denied,
    offsite), the patterns that gave it, and for pages the fields extracted with the rule that
    produced each. Nothing is written to an archive. Pages named after the options are fetched
    too. Exits 0 when nothing looks wrong, 3 when something does, 2 on a bad profile.

    \b
    Examples:
      newsarchive check --site mysite.toml --url https://www.example.cn/
      newsarchive check --site replica-trs --url http://127.0.0.1:8000/ http://127.0.0.1:8000/tzgg/
    """
    from crawler.check import check_profile, what_looks_wrong
    from extract import ProfileError, load_profile

    try:
        profile = load_profile(site, url)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    refused = [page for page in pages if not profile.is_allowed_host(page)]
    if refused:
        raise click.UsageError(f"{refused[0]} is not on the profile's allowed hosts")
    checked = check_profile(profile, list(pages), sample, timeout)
    for item in checked:
        roles = ", ".join(item.roles)
        click.echo(f"{item.url}\n  {roles}" + (f"  ({'; '.join(item.patterns)})" if item.patterns else ""))
        if item.error or (item.status or 200) >= 400:
            click.echo(f"  failed: {item.error or f'HTTP {item.status}'}")
            continue
        for name, value in item.fields.items():
            click.echo(f"  {name}: {value}")
        if item.links:
            click.echo("  links: " + ", ".join(f"{n} {role}" for role, n in item.links.most_common()))
        if "listing" in item.roles:
            click.echo(f"  next page: {item.next_page or 'none found'}")
        if item.ranking is not None:
            click.echo(f"  ranking: {item.ranking} entries")
    problems = what_looks_wrong(profile, checked)
    click.echo("\nWhat looks wrong:" if problems else "\nNothing looks wrong.")
    for problem in problems:
        click.echo(f"  - {problem}")
    sys.exit(EXIT_UNHEALTHY if problems else 0)
