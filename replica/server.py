"""The replica's HTTP server (Twisted Web): validators, 304s, gzip and chunked replies.

Run it with ``newsarchive replica --port 0 --articles N --day D``; it prints its URL on
the first line of stdout, then serves until killed.
"""

from __future__ import annotations

import sys

from twisted.internet import reactor
from twisted.web import http, resource, server

from .content import SiteModel
from .routes import Responder


class ReplicaResource(resource.Resource):
    isLeaf = True

    def __init__(self, responder: Responder):
        super().__init__()
        self.responder = responder

    def render_GET(self, request: server.Request):
        host = (request.getHeader(b"host") or b"localhost").decode("latin-1")
        path = request.path.decode("utf-8", errors="replace")
        reply = self.responder.respond(path, host)
        request.setHeader(b"server", b"nginx")
        request.setResponseCode(reply.status)
        request.setHeader(b"content-type", reply.content_type.encode())
        for name, value in reply.raw_headers.items():
            request.setHeader(name, value)
        if reply.status == 200:
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

    render_HEAD = render_GET


def serve(port: int, articles: int, day: int, seed: int, bind: str = "127.0.0.1",
          access_log: str | None = None) -> None:
    model = SiteModel(seed=seed, articles=articles, day=day)
    site = server.Site(ReplicaResource(Responder(model)), logPath=access_log)
    site.displayTracebacks = False
    listening = reactor.listenTCP(port, site, interface=bind)
    actual = listening.getHost().port
    print(f"http://{bind}:{actual}/", flush=True)
    print(f"replica: seed={seed} articles={len(model.articles)} day={day} ({model.today})",
          file=sys.stderr, flush=True)
    reactor.run()
