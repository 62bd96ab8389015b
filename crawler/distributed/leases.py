"""The leased priority queue: scrapy-redis's priority queue, where a pop is a lease, not a removal.

Popping a request leases it (a sorted set of deadlines in Redis, taken in one Lua script, so a
request is always either queued or leased). The worker renews the leases of requests it is still
working on; a request is acknowledged when Scrapy has finished with it, callbacks and item
pipelines included, which is after the requests it led to were queued (``SharedFrontier`` does
both, ``crawler.distributed.frontier``). A lease that is not renewed (the worker died) expires and
the request goes back on the queue. The same script keeps the split fair: a worker far ahead of
the least busy live one is refused until that one catches up (FAIR_SHARE_RATIO, FAIR_SHARE_SLACK).

scrapy-redis builds the queue (SCHEDULER_QUEUE_CLASS) with its own arguments; it installs itself
in ``crawler.registry`` as the crawler's ``LeasedPriorityQueue``, where the frontier finds it.

Settings: ARCHIVE_NAMESPACE, ARCHIVE_LEASE_TIMEOUT (s), ARCHIVE_WORKER.
"""

from __future__ import annotations

from scrapy_redis.queue import Base

from ..registry import install
from .keys import RunKeys

FAIR_SHARE_RATIO = 1.5     # no worker takes more than 1.5x the requests of the least busy live one,
FAIR_SHARE_SLACK = 8       # plus 8 (so that the first pops are not held back)
HEARTBEAT_WINDOW = 5.0     # s without a heartbeat (sent every second) before a worker counts as gone

# A lease is a token of its own (one per pop), so that a late acknowledgement of a lease that
# expired and was taken again by another worker cannot end the other worker's lease.
# KEYS: queue, leases, lease requests, lease priorities, lease counter, taken per worker, worker
# heartbeats. ARGV: lease seconds, worker, fair-share ratio, fair-share slack, heartbeat window (s).
# The request moves from the queue to a lease in one step, with a deadline on Redis's clock.
# Fair share: a worker that has taken ratio x the requests of the least busy live worker, plus the
# slack, is refused (0) until that worker catches up. Without it, on 2 cores, 3 workers split 120
# pages as unevenly as 157/77/106 when the OS favoured one process. A worker that stopped sending
# heartbeats (it died) no longer holds the others back once the window has passed.
_POP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZADD', KEYS[7], now, ARGV[2])
local mine = tonumber(redis.call('HGET', KEYS[6], ARGV[2]) or '0')
local least = mine
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], now - tonumber(ARGV[5]), '+inf')) do
  local n = tonumber(redis.call('HGET', KEYS[6], w) or '0')
  if n < least then least = n end
end
if mine >= least * tonumber(ARGV[3]) + tonumber(ARGV[4]) then return 0 end
local m = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #m == 0 then return false end
local token = tostring(redis.call('INCR', KEYS[5]))
redis.call('ZREM', KEYS[1], m[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), token)
redis.call('HSET', KEYS[3], token, m[1])
redis.call('HSET', KEYS[4], token, m[2])
redis.call('HINCRBY', KEYS[6], ARGV[2], 1)
return {token, m[1]}
"""
# KEYS: leases. ARGV: lease seconds, tokens. Only leases still held are renewed (XX).
_RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) + tonumber(t[2]) / 1e6 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i]) end
return #ARGV - 1
"""
# KEYS: leases, lease requests, lease priorities. ARGV: tokens. Returns how many were still leased.
_ACK = """
local n = 0
for i = 1, #ARGV do
  n = n + redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return n
"""
# KEYS: queue, leases, lease requests, lease priorities, requeued counter. Expired leases go back on
# the queue.
_REAP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, token in ipairs(expired) do
  local request = redis.call('HGET', KEYS[3], token)
  local score = redis.call('HGET', KEYS[4], token) or '0'
  redis.call('ZREM', KEYS[2], token)
  redis.call('HDEL', KEYS[3], token)
  redis.call('HDEL', KEYS[4], token)
  if request then redis.call('ZADD', KEYS[1], score, request) end
end
if #expired > 0 then redis.call('INCRBY', KEYS[5], #expired) end
return #expired
"""


def send_heartbeat(server, keys: RunKeys, worker: int) -> None:
    """The worker is alive, on Redis's clock: its share counts in the fair-share rule."""
    seconds, micros = server.time()
    server.zadd(keys.heartbeats, {str(worker): seconds + micros / 1e6})


class LeasedPriorityQueue(Base):
    """scrapy-redis's priority queue, where a pop is a lease, not a removal."""

    def __init__(self, server, spider, key, serializer=None):
        # scrapy-redis's signature: the queue reads its settings from the spider's crawler
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.keys = RunKeys(settings.get("ARCHIVE_NAMESPACE"))
        self.lease_seconds = settings.getfloat("ARCHIVE_LEASE_TIMEOUT", 60)
        self.worker = settings.getint("ARCHIVE_WORKER")
        self.stats = spider.crawler.stats
        self._pop = server.register_script(_POP)
        self._renew = server.register_script(_RENEW)
        self._ack = server.register_script(_ACK)
        self._reap = server.register_script(_REAP)
        self.in_hand: dict[int, tuple[object, bytes]] = {}     # id(request) -> (request, lease token)
        install(spider.crawler, LeasedPriorityQueue, self)

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def push(self, request) -> None:
        self.server.execute_command("ZADD", self.key, -request.priority, self._encode_request(request))

    def pop(self, timeout=0):
        k = self.keys
        taken = self._pop(keys=[self.key, k.leases, k.lease_request, k.lease_priority, k.lease_counter, k.taken,
                                k.heartbeats],
                          args=[self.lease_seconds, self.worker, FAIR_SHARE_RATIO, FAIR_SHARE_SLACK, HEARTBEAT_WINDOW])
        if taken == 0:
            self.stats.inc_value("distributed/fair_share_waits")
            return None
        if not taken:
            return None
        token, member = taken
        request = self._decode_request(member)
        self.in_hand[id(request)] = (request, token)
        return request

    def leases(self) -> int:
        return self.server.zcard(self.keys.leases)

    def settle(self, still_working: set, renew: bool = True) -> int:
        """Acknowledge the leases of requests no longer worked on; renew the others if ``renew``."""
        done = [key for key, (request, _) in self.in_hand.items() if request not in still_working]
        tokens = [self.in_hand.pop(key)[1] for key in done]
        if tokens:
            self._ack(keys=[self.keys.leases, self.keys.lease_request, self.keys.lease_priority], args=tokens)
        held = [token for _, token in self.in_hand.values()]
        if held and renew:
            self._renew(keys=[self.keys.leases], args=[self.lease_seconds, *held])
        return len(tokens)

    def requeue_expired(self) -> int:
        k = self.keys
        return int(self._reap(keys=[self.key, k.leases, k.lease_request, k.lease_priority, k.requeued]))

    def heartbeat(self) -> None:
        send_heartbeat(self.server, self.keys, self.worker)

    def leave(self) -> None:
        """This worker stops: it no longer holds the others back."""
        self.server.zrem(self.keys.heartbeats, str(self.worker))

    def clear(self) -> None:
        k = self.keys
        self.server.delete(self.key, k.leases, k.lease_request, k.lease_priority, k.lease_counter, k.taken,
                           k.heartbeats)

