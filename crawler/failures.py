"""A request that gave no page, described in one line a person can act on (the ``failures`` table).

Scrapy hands errbacks a Twisted failure whose message is often an internal repr (``Ignored
response <200 …>``, a bare ``ResponseDataLossError``); each known case gets a sentence here,
and anything else keeps its exception's name and message.
"""

from __future__ import annotations

from twisted.internet import defer

from scrapy.exceptions import IgnoreRequest, ResponseDataLossError

from .rawhead import head_too_large


def over_size_cap(failure) -> bool:
    """The body was over DOWNLOAD_MAXSIZE (or a request's download_maxsize): on the wire, where
    the handler cancels the download, or once decompressed, where HttpCompressionMiddleware
    refuses it (its message names DOWNLOAD_MAXSIZE in capitals)."""
    message = (failure.getErrorMessage() or "").lower()
    return bool(failure.check(defer.CancelledError)) or "maxsize" in message or "max size" in message


def describe_failure(failure, request) -> str:
    """One line a person can act on."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    message = (failure.getErrorMessage() or "").strip()
    if failure.check(defer.TimeoutError, TimeoutError) or "timeout" in failure.type.__name__.lower() \
            or "took longer than" in message:
        return f"timeout after {request.meta.get('download_timeout', '?')} s"
    if over_size_cap(failure):
        cap = request.meta.get("download_maxsize", "DOWNLOAD_MAXSIZE")
        if "decompression" in message:
            return f"over the size cap of {cap} bytes once decompressed (the compressed body is archived)"
        return f"over the size cap of {cap} bytes"
    if (refused := head_too_large(failure.value)) is not None:
        return str(refused)                # "response header over 65536 bytes (refused)"
    if failure.check(ResponseDataLossError):
        return ("connection closed before the whole body arrived (shorter than its Content-Length, "
                "or a chunked body cut off)")
    if failure.check(IgnoreRequest) and message:
        return message[:300]               # our guards' and robots.txt's own sentences
    name = failure.type.__name__
    if "ConnectionLost" in message or "ConnectionDone" in message or name in ("ResponseFailed", "ConnectionLost"):
        return "connection lost (reset by the server)"
    return f"{name}: {message}"[:300] if message else name
