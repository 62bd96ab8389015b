"""``python -m crawler.distributed``: one worker of a distributed run, as the coordinator starts it.

The coordinator (``crawler.coordinator``) starts its workers through this entry point of the
crawler package, not through the CLI's command line; ``newsarchive worker`` is the same
``run_worker`` behind the CLI's options, for workers started by hand on other hosts.

    python -m crawler.distributed --site replica --url http://127.0.0.1:8000/ --data data \\
        --redis redis://127.0.0.1:6379/0 --namespace newsarchive:7:ab12cd34 --run 7 \\
        --worker 0 --workers 3 --seeder --shard data/shards/run-7/worker-0.shard.db
"""

from __future__ import annotations

import argparse
import sys

from .worker import run_worker


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _between(low: int, high: int):
    def number(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..{high}")
        return value
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m crawler.distributed", description=__doc__.splitlines()[0])
    p.add_argument("--site", default="replica", help="site profile: a built-in name or a .toml path")
    p.add_argument("--url", help="base URL of the site")
    p.add_argument("--data", default="data", help="data directory: the archive (read) and this worker's WARC files")
    p.add_argument("--redis", dest="redis_url", required=True, metavar="URL", help="Redis of the shared frontier")
    p.add_argument("--namespace", required=True, help="the run's Redis key prefix (from the coordinator)")
    p.add_argument("--run", dest="run_id", required=True, type=int, help="the run the coordinator began")
    p.add_argument("--worker", required=True, type=_between(0, 1023), metavar="K", help="this worker's number")
    p.add_argument("--workers", required=True, type=_between(1, 1024), metavar="N",
                   help="how many workers share the run")
    p.add_argument("--seeder", action="store_true", help="queue the start URLs (one worker per run)")
    p.add_argument("--shard", required=True, help="this worker's SQLite shard")
    p.add_argument("--log-file", help="log here instead of standard error")
    p.add_argument("--set", dest="overrides", action="append", type=_setting, default=[], metavar="NAME=VALUE",
                   help="override a Scrapy setting")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run_worker(args.site, args.url, args.data, dict(args.overrides), args.log_file,
                      redis_url=args.redis_url, namespace=args.namespace, run_id=args.run_id, worker=args.worker,
                      workers=args.workers, seeder=args.seeder, shard=args.shard)


if __name__ == "__main__":
    sys.exit(main())
