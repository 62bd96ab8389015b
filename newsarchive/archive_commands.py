"""``newsarchive extract``, ``reparse``, ``verify``, ``wacz`` and ``replay``: one page, and the archive
rebuilt, checked, repaired, packaged and replayed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import CONTEXT, data_dir_held, fail


@click.command(context_settings=CONTEXT)
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


@click.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rebuilt database here and leave DATA/archive.db alone.")
@click.option("--site", help="Site profile to use instead of the one named in the WARC files.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes that read pages (default: the cores); 1 reads in this process. One writer, "
                   "the same rows whatever N.")
def reparse(data: Path, output: Path | None, site: str | None, jobs: int | None) -> None:
    """Rebuild the archive database from the WARC files alone, with no network.

    Every capture goes through the current extractor, so a newer extractor can re-run over
    old captures. Without --output the rebuilt database replaces DATA/archive.db, and the
    old one is kept as DATA/archive.db.bak.

    \b
    Examples:
      newsarchive reparse --data data
      newsarchive reparse --data data --output /tmp/rebuilt.db
      newsarchive reparse --data data --jobs 1
    """
    # The lock is held from the first read to the swap: a crawl that started meanwhile would go on
    # writing into the database that the swap moves away (issue 12).
    with data_dir_held(data, "reparse", check=False):
        rebuild_database(data, output, site, jobs)


def rebuild_database(data: Path, output: Path | None, site: str | None, jobs: int | None = None) -> None:
    """The reparse command's work, under the lock its caller holds (``crawl --rebuild`` does it too)."""
    import time

    from archive.reparse import ReparseError, default_jobs, swap_in_rebuilt
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
        stats = rebuild(data, target, site=site, jobs=jobs or default_jobs(), progress=progress)
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


@click.command(context_settings=CONTEXT)
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
            repair_data_dir(data)
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


def repair_data_dir(data: Path) -> None:
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


@click.command(context_settings=CONTEXT)
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


@click.command(context_settings=CONTEXT)
@click.option("--data", default="data", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--wacz", "wacz_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Replay this WACZ (default: package every run first).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True)
@click.option("--frameless", is_flag=True, help="Serve pages without pywb's banner frame.")
def replay(data: Path, wacz_file: Path | None, host: str, port: int, frameless: bool) -> None:
    """Replay the archive in pywb (its own virtual environment, .venv-pywb).

    datasette's replay links lead here when serve is given --replay-url (serve --with-replay starts its own).

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
