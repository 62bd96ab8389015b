"""The flavours' HTTP resource: the default replica's server, plus query strings and POST.

``FlavourResource`` keeps what ``ReplicaResource`` does (access log, fault mode on the same
paths, validators and 304s, gzip, chunked replies) and adds what a CMS needs beyond a path:
query arguments (``?uid=…&pageNum=N``, counters' ids, the data proxy's fields) and POST (the
data proxy; Twisted puts an urlencoded form body into ``request.args`` beside the query). HEAD
is a GET without the body, except that it adds no hit to a counter.
"""

from __future__ import annotations

from twisted.web import server

from ..server import ReplicaResource
from .flavour import COUNTERS, Flavour
from .hanweb import HanwebFlavour
from .model import FlavourModel
from .trs import TrsFlavour

FLAVOURS: dict[str, type[Flavour]] = {"trs": TrsFlavour, "hanweb": HanwebFlavour}


def _args(request: server.Request) -> dict[str, str]:
    """The first value of each argument, decoded; a CMS reads one value per name."""
    return {k.decode("utf-8", "replace"): v[0].decode("utf-8", "replace")
            for k, v in (request.args or {}).items() if v}


class FlavourResource(ReplicaResource):
    def __init__(self, flavour: Flavour, access_log=None, faults: bool = False):
        super().__init__(flavour, access_log, faults)

    def _answer(self, request: server.Request, method: str):
        host = (request.getHeader(b"host") or b"localhost").decode("latin-1")
        path = request.path.decode("utf-8", errors="replace")
        self._log(request, host)
        if self._faulty(path):
            return self._fault(request, path, host)
        return self._send(request, self.responder.respond(method, path, _args(request), host))

    def render_GET(self, request: server.Request):
        return self._answer(request, "GET")

    def render_HEAD(self, request: server.Request):
        if request.path.decode("utf-8", errors="replace") in COUNTERS:
            request.setHeader(b"server", b"nginx")
            request.setHeader(b"content-type", b"application/javascript")
            return b""
        return self._answer(request, "GET")

    def render_POST(self, request: server.Request):
        return self._answer(request, "POST")


def flavour_resource(cms: str, seed: int, articles: int, day: int, access_log=None, faults_on: bool = False,
                     crawl_delay: float | None = None) -> FlavourResource:
    """The root resource serving flavour ``cms`` (``trs`` or ``hanweb``)."""
    if cms not in FLAVOURS:
        raise ValueError(f"no replica flavour {cms!r} (one of default, {', '.join(FLAVOURS)})")
    model = FlavourModel(seed=seed, articles=articles, day=day)
    return FlavourResource(FLAVOURS[cms](model, faults_on, crawl_delay), access_log, faults_on)
