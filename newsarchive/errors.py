"""How the CLI ends: one line on stderr and a documented exit code, never a traceback.

Exit codes (README, "Running it from cron"):

    0    the run was healthy (or the command did its work)
    1    an error: the archive or the data directory cannot be used, a full disk, a damaged file
    2    usage: a bad option or profile
    3    the run finished but was not healthy (the reasons are printed and in the run row)
    75   another process holds the data directory (EX_TEMPFAIL: try again later)
    128+N  stopped by signal N (130 SIGINT, 143 SIGTERM); the run row says how far it got

Every command that writes to a data directory (crawl, reparse, merge, verify --repair, wacz,
replay, upload) holds the one lock of that directory while it writes (``data_dir_held``).
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import click

EXIT_ERROR, EXIT_USAGE, EXIT_UNHEALTHY, EXIT_LOCKED = 1, 2, 3, 75
# every command: -h as well as --help, help text up to 100 columns
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(command: str, message: str, code: int = EXIT_ERROR):
    """Print ``newsarchive COMMAND: MESSAGE`` on stderr and exit with ``code``."""
    click.echo(f"newsarchive {command}: {message}", err=True)
    sys.exit(code)


@contextmanager
def data_dir_held(data: Path, command: str, *, check: bool = True):
    """Hold the data directory's lock (exit 75 at once when another process has it), after
    checking that the directory and its archive can be written (exit 1 with the reason)."""
    from archive.lock import DataLock, LockBusy

    try:
        lock = DataLock(Path(data)).acquire()
    except LockBusy as exc:
        fail(command, f"{exc}; not starting", EXIT_LOCKED)
    except OSError as exc:
        fail(command, f"cannot lock {data}: {exc.strerror or exc}")
    try:
        if check:
            check_or_fail(Path(data), command)
        yield lock
    finally:
        lock.release()


def check_or_fail(data: Path, command: str) -> None:
    """The data directory and its archive can be written, or one line and exit 1."""
    from archive.datadir import DataDirError, check_data_dir

    try:
        check_data_dir(data)
    except DataDirError as exc:
        fail(command, str(exc))


def describe_os_error(exc: OSError) -> str:
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the device{where}; free some and run again"
    return f"{exc.strerror or exc}{where}"


class ArchiveCommands(click.Group):
    """The click group: the errors a data directory can throw at any command become one line."""

    def invoke(self, ctx):
        from archive.datadir import DataDirError
        from archive.shards.writer import ShardError
        from archive.store import ArchiveError

        try:
            return super().invoke(ctx)
        except (ArchiveError, DataDirError, ShardError) as exc:
            fail(ctx.invoked_subcommand or "", str(exc))
        except sqlite3.DatabaseError as exc:
            fail(ctx.invoked_subcommand or "", f"the archive database cannot be used: {exc}")
        except OSError as exc:
            fail(ctx.invoked_subcommand or "", describe_os_error(exc))
