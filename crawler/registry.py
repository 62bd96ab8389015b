"""The objects that several components of one crawler share, one of a kind per crawler.

Scrapy builds each component on its own, through its ``from_crawler``. A few of ours must work on
one object: the archive session (recorder, pipeline, lifecycle, spider), the politeness clock
(the middleware that reads Crawl-delay and Retry-After, the download handler that waits on it),
the leased queue of a worker (scrapy-redis's scheduler makes it, the shared frontier renews its
leases). ``from_crawler`` finds that object here and hands it to the component's constructor.

Why a registry and not attributes on the crawler: a private attribute (``crawler._politeness``)
is a tie nobody declares, set in one module and read in another by name; here the tie is the
class whose part the object plays (``shared(crawler, HostClock)``), so a reader finds every
component that shares it by looking for that name, and a component built in a test gets its own
object through its constructor. Weak keys: the objects go with their crawler.
"""

from __future__ import annotations

from typing import Callable, TypeVar
from weakref import WeakKeyDictionary

T = TypeVar("T")

_objects: WeakKeyDictionary = WeakKeyDictionary()      # crawler -> {role (a class): object}


class RoleTaken(Exception):
    """A crawler already has an object in that role."""


def lookup(crawler, role: type[T]) -> T | None:
    """The object that plays ``role`` for ``crawler``, or None if none was made yet."""
    return _objects.get(crawler, {}).get(role)


def install(crawler, role: type[T], obj: T) -> T:
    """Make ``obj`` the one that plays ``role`` for ``crawler`` (an object made elsewhere, such as a
    queue scrapy-redis builds, or a stand-in such as a worker's session for the archive session)."""
    objects = _objects.setdefault(crawler, {})
    if objects.get(role) not in (None, obj):
        raise RoleTaken(f"{role.__name__} of this crawler is already {objects[role]!r}")
    objects[role] = obj
    return obj


def shared(crawler, role: type[T], make: Callable[[object], T] | None = None) -> T:
    """The object that plays ``role`` for ``crawler``, made on first use by ``make(crawler)``
    (by default ``role.from_crawler``)."""
    obj = lookup(crawler, role)
    if obj is None:
        obj = install(crawler, role, (make or role.from_crawler)(crawler))
    return obj
