"""The replica's HTTP server (Twisted Web): validators, 304s, gzip and chunked replies.

Run it with ``newsarchive replica --port 0 --articles N --day D [--cms trs|hanweb]``; it prints
its URL on the first line of stdout, then serves until killed. The CMS flavours live in ``replica/cms/``.
"""

from __future__ import annotations

import sys
import time

from twisted.internet import reactor
from twisted.web import http, resource, server

from . import faults
from .content import SiteModel
from .routes import Responder


class ReplicaResource(resource.Resource):
    isLeaf = True

    def __init__(self, responder: Responder, access_log=None, faults: bool = False):
        super().__init__()
        self.responder = responder
        self.access_log = access_log
        self.faults = faults
        self.hits: dict[str, int] = {}

    def _log(self, request, host: str) -> None:
        if self.access_log is not None:
            client = request.getClientAddress()
            self.access_log.write(f"{time.time():.3f} {getattr(client, 'host', '-')} {host} "
                                  f"{request.method.decode()} {request.uri.decode('latin-1')} "
                                  f"{(request.getHeader(b'user-agent') or b'-').decode('latin-1')!r}\n")
            self.access_log.flush()

    def render_GET(self, request: server.Request):
        host = (request.getHeader(b"host") or b"localhost").decode("latin-1")
        path = request.path.decode("utf-8", errors="replace")
        self._log(request, host)
        if self._faulty(path):
            return self._fault(request, path, host)
        return self._send(request, self.responder.respond(path, host))

    def _faulty(self, path: str) -> bool:
        return self.faults and (path in faults.BY_PATH or path == faults.LOOP_B or path.startswith("/calendar/"))

    render_HEAD = render_GET

    def _send(self, request: server.Request, reply) -> bytes | int:
        """Write ``reply`` as nginx would: validators and 304s, gzip when asked for, chunked when it says so."""
        request.setHeader(b"server", b"nginx")
        request.setResponseCode(reply.status)
        request.setHeader(b"content-type", reply.content_type.encode())
        for name, value in reply.raw_headers.items():
            request.setHeader(name, value)
        if reply.status == 200 and reply.validators:
            request.setHeader(b"cache-control", b"max-age=60")
            # Both validators, as nginx sends them; either may answer a conditional request with 304.
            if (request.setETag(reply.etag.encode()) == http.CACHED
                    or request.setLastModified(reply.last_modified) == http.CACHED):
                return b""
        body = reply.body
        if reply.compressible:
            request.setHeader(b"vary", b"Accept-Encoding")
            if b"gzip" in (request.getHeader(b"accept-encoding") or b""):
                body = reply.gzipped
                request.setHeader(b"content-encoding", b"gzip")
        if reply.chunked and request.clientproto == b"HTTP/1.1":
            # No Content-Length: Twisted frames the writes with Transfer-Encoding: chunked.
            half = len(body) // 2
            request.write(body[:half])
            request.write(body[half:])
            request.finish()
            return server.NOT_DONE_YET
        request.setHeader(b"content-length", str(len(body)).encode())
        return body

    def _fault(self, request, path: str, host: str):
        self.hits[path] = self.hits.get(path, 0) + 1
        first = self.hits[path] == 1
        request.setHeader(b"server", b"nginx")
        request.setHeader(b"content-type", b"text/html")
        if path.startswith("/calendar/"):
            n = int(path.rsplit("_", 1)[1].split(".")[0]) if "_" in path else 0
            return faults.calendar_page(n)
        kind = faults.BY_PATH[path].kind if path in faults.BY_PATH else "redirect-loop"
        if kind == "not-found":
            request.setResponseCode(404)
            return b"<html><body><h1>404</h1></body></html>"
        if kind in ("flaky", "busy") and first:
            request.setResponseCode(503 if kind == "busy" else 500)
            if kind == "busy":
                request.setHeader(b"retry-after", b"2")
            return b"<html><body><h1>server error</h1></body></html>"
        if kind == "slow":
            def late():
                if not request.finished and not getattr(request, "_disconnected", False):
                    request.write(faults.fault_article(kind))
                    request.finish()
            call = reactor.callLater(faults.SLOW_SECONDS, late)
            request.notifyFinish().addErrback(lambda _: call.active() and call.cancel())
            return server.NOT_DONE_YET
        if kind == "reset":
            request.transport.abortConnection()
            return server.NOT_DONE_YET
        if kind in ("redirect-chain", "redirect-loop", "offsite-redirect"):
            target = {"redirect-chain": "/r/hop1.htm", "offsite-redirect":
                      f"http://localhost:{host.rsplit(':', 1)[-1]}/2022-10/01/content_4.htm"}.get(kind)
            if kind == "redirect-loop":
                target = faults.LOOP_B if path != faults.LOOP_B else faults.FAULTS[5].path
            request.setResponseCode(301 if kind == "redirect-chain" else 302)
            request.setHeader(b"location", target.encode())
            return b""
        if kind == "huge":
            request.setHeader(b"content-length", str(faults.HUGE_BYTES).encode())
            return b"<html><body>" + b"x" * (faults.HUGE_BYTES - 26) + b"</body></html>"
        if kind == "malformed":
            return faults.malformed_page()
        if kind == "wrong-charset":
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            return faults.wrong_charset_page()
        if kind == "binary":
            return faults.binary_body()
        return faults.fault_article(kind)          # flaky and busy, the second time


def serve(port: int, articles: int, day: int, seed: int, bind: str = "127.0.0.1",
          access_log: str | None = None, faults_on: bool = False, crawl_delay: float | None = None,
          cms: str = "default") -> None:
    log = open(access_log, "a", encoding="utf-8") if access_log else None
    if cms == "default":
        model = SiteModel(seed=seed, articles=articles, day=day)
        responder = Responder(model, faults=faults_on, crawl_delay=crawl_delay)
        root = ReplicaResource(responder, log, faults_on)
    else:
        # Imported here: the flavours (issue 14) are not needed to serve today's site.
        from .cms.server import flavour_resource
        root = flavour_resource(cms, seed, articles, day, log, faults_on, crawl_delay)
        model = root.responder.model
    site = server.Site(root)
    site.displayTracebacks = False
    listening = reactor.listenTCP(port, site, interface=bind)
    actual = listening.getHost().port
    print(f"http://{bind}:{actual}/", flush=True)
    flavour = "" if cms == "default" else f" cms={cms}"
    print(f"replica:{flavour} seed={seed} articles={len(model.articles)} day={day} ({model.today})",
          file=sys.stderr, flush=True)
    reactor.run()
