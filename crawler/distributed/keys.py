"""The Redis keys of one distributed run, all under the run's namespace, and the connection to them.

Settings: REDIS_URL, ARCHIVE_NAMESPACE (both set by ``crawler.distributed.worker.worker_settings``).
"""

from __future__ import annotations


class RunKeys:
    """The Redis keys of one distributed run, all under its namespace (the coordinator clears them
    with one ``SCAN namespace:*`` when the run is done)."""

    def __init__(self, namespace: str):
        self.namespace = namespace
        self.queue = f"{namespace}:requests"
        self.seen = f"{namespace}:seen"
        self.leases = f"{namespace}:leases"
        self.lease_request = f"{namespace}:lease-request"
        self.lease_priority = f"{namespace}:lease-priority"
        self.lease_counter = f"{namespace}:lease-counter"
        self.requeued = f"{namespace}:requeued"
        self.seeded = f"{namespace}:seeded"
        self.ready = f"{namespace}:ready"
        self.abort = f"{namespace}:abort"
        self.crawl_delay = f"{namespace}:crawl-delay"
        self.taken = f"{namespace}:taken"
        self.heartbeats = f"{namespace}:heartbeats"

    def robots(self, host: str) -> str:
        return f"{self.namespace}:robots:{host}"

    def robots_fetcher(self, host: str) -> str:
        return f"{self.namespace}:robots-fetcher:{host}"

    def host_clock(self, host: str) -> str:
        return f"{self.namespace}:next:{host}"

    def host_sent(self, host: str) -> str:
        return f"{self.namespace}:sent:{host}"


def connect(settings):
    """A client of the run's Redis (REDIS_URL) and the run's keys (ARCHIVE_NAMESPACE).

    Each component has a client of its own (a pool that connects at the first command), as
    before the package was split: one shared client would change only how many connections a
    worker opens, and the timing-sensitive share of the work was measured with these.
    """
    import redis       # imported here: a single-process crawl never loads it

    return redis.Redis.from_url(settings.get("REDIS_URL")), RunKeys(settings.get("ARCHIVE_NAMESPACE"))
